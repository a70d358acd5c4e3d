from . import test_i18n, test_partner_debt
