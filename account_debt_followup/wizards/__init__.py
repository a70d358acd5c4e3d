from . import debt_credit_approval_wizard
