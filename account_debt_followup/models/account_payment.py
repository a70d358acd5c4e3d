# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


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
