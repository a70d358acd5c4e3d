from . import portal
from . import debt_xlsx
from . import portal_minutes
from . import portal_dispute
from . import debt_pay
