from . import report_followup_letter
from . import report_statement
from . import debt_xlsx
