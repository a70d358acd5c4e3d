from . import report_followup_letter
from . import report_statement
from . import report_debt_confirmation
from . import report_period_summary
from . import report_provision
from . import debt_xlsx
