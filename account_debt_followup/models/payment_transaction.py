# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _check_amount_and_confirm_order(self):
        # A quotation paid online but blocked by credit control stays a quotation: the payment
        # is kept and a credit manager is asked, instead of failing the payment's processing.
        blocked = self.filtered(
            lambda tx: (
                len(tx.sale_order_ids) == 1
                and tx.sale_order_ids.state in ("draft", "sent")
                and tx.sale_order_ids._debt_is_blocked()
            )
        )
        for tx in blocked:
            tx.sale_order_ids._debt_request_approval(from_portal=True)
        return super(PaymentTransaction, self - blocked)._check_amount_and_confirm_order()
