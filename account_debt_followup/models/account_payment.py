# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class AccountPayment(models.Model):
    _inherit = "account.payment"

    debt_sale_order_id = fields.Many2one(
        "sale.order",
        string="Deposit for Order",
        index="btree_not_null",
        copy=False,
        check_company=True,
        domain="[('partner_id.commercial_partner_id', '=', partner_id), "
        "('state', 'in', ('draft', 'sent', 'sale'))]",
        help="The sales order this customer payment is a deposit for (a bank transfer received "
        "before the order is confirmed or delivered): it counts as the order's prepayment for "
        "the credit rules once the payment is confirmed.",
    )

    @api.constrains("debt_sale_order_id", "partner_id", "payment_type", "partner_type")
    def _check_debt_sale_order(self):
        for payment in self.filtered("debt_sale_order_id"):
            # sudo: the order's customer is compared whoever records the payment
            order = payment.debt_sale_order_id.sudo()
            if (
                payment.payment_type != "inbound"
                or payment.partner_type != "customer"
                or payment.partner_id.commercial_partner_id != order.partner_id.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(payment)s is not a payment received from %(customer)s: it cannot be a "
                        "deposit for %(order)s.",
                        payment=payment.display_name,
                        customer=order.partner_id.commercial_partner_id.display_name,
                        order=order.name,
                    )
                )

    def write(self, vals):
        if "debt_sale_order_id" in vals:
            for payment in self:
                # sudo: the state of the order is read whoever records the payment
                order = payment.debt_sale_order_id.sudo()
                if order.state == "sale" and order.id != vals["debt_sale_order_id"]:
                    raise UserError(
                        self.env._(
                            "%(payment)s is the deposit of %(order)s, which is confirmed: it cannot be "
                            "moved to another order.",
                            payment=payment.display_name,
                            order=order.name,
                        )
                    )
        return super().write(vals)
