from . import test_credit_concurrency, test_credit_control, test_credit_portal, test_i18n, test_partner_debt
