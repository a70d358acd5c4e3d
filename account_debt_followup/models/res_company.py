# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    debt_followup_enabled = fields.Boolean(string="Payment Follow-up", default=True)
    debt_followup_min_interval = fields.Integer(
        string="Days Between Reminders",
        default=7,
        help="A customer is not reminded again before this number of days.",
    )
    debt_followup_email_from = fields.Char(
        string="Reminders Sent From", help="The sender address of reminders; the company's email when empty."
    )

    @api.constrains("debt_followup_min_interval")
    def _check_debt_followup_min_interval(self):
        if any(company.debt_followup_min_interval < 0 for company in self):
            raise ValidationError(self.env._("The number of days between two reminders cannot be negative."))
