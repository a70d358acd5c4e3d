from . import debt_credit_rule
from . import stock_picking
