# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    """The late-payment interest rate agreed with a customer (its contract's)."""

    _inherit = "res.partner"

    debt_interest_rate = fields.Float(
        string="Late-Payment Interest (%/year)",
        company_dependent=True,
        digits=(6, 2),
        help="The interest the customer's contract sets on late payments, charged day by day on its "
        "overdue items. Empty: the rate of the follow-up level each item reached.",
    )

    @api.constrains("debt_interest_rate")
    def _check_debt_interest_rate(self):
        if any(partner.debt_interest_rate < 0 for partner in self):
            raise ValidationError(self.env._("A late-payment interest rate cannot be negative."))
