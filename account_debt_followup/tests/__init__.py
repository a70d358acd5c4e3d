from . import test_partner_debt
