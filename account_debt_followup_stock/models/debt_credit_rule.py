# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class DebtCreditRule(models.Model):
    _inherit = "debt.credit.rule"

    check_delivery_validation = fields.Boolean(
        string="At Delivery Validation",
        help="Checked when a delivery of a sales order to the customer is validated: the goods "
        "leave only for a customer the rule lets through (or whose order a credit manager "
        "approved). A prepayment rule waits for the order's prepayment.",
    )
