from . import test_credit_concurrency
from . import test_credit_control
from . import test_credit_portal
from . import test_followup
from . import test_i18n
from . import test_partner_debt
from . import test_followup_concurrency
from . import test_statement
