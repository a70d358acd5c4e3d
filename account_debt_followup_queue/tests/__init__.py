from . import test_queue_runs
