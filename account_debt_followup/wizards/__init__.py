from . import debt_credit_approval_wizard
from . import debt_followup_send_wizard
from . import debt_statement_wizard
