from . import (
    debt_credit_approval,
    debt_credit_guard,
    debt_credit_rule,
    payment_transaction,
    res_partner,
    sale_order,
)
