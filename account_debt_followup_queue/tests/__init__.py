from . import test_queue_runs
from . import test_i18n
