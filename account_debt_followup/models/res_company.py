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

    debt_aging_days = fields.Char(
        string="Aging Buckets",
        default="30,60,90,120",
        required=True,
        help="Upper bounds, in days overdue, of the aging buckets of statements and aged balances, "
        "separated by commas: 30,60,90,120 gives current, 1-30, 31-60, 61-90, 91-120 and over 120 days.",
    )

    def _debt_aging_bounds(self):
        self.ensure_one()
        return [int(part) for part in (self.debt_aging_days or "30,60,90,120").split(",")]

    @api.constrains("debt_aging_days")
    def _check_debt_aging_days(self):
        for company in self:
            try:
                bounds = company._debt_aging_bounds()
            except ValueError:
                bounds = []
            if len(bounds) != 4 or any(b <= 0 for b in bounds) or bounds != sorted(set(bounds)):
                raise ValidationError(
                    self.env._(
                        "The aging buckets are four increasing numbers of days separated by commas, "
                        "such as 30,60,90,120; not “%(value)s”.",
                        value=company.debt_aging_days,
                    )
                )

    @api.constrains("debt_followup_min_interval")
    def _check_debt_followup_min_interval(self):
        if any(company.debt_followup_min_interval < 0 for company in self):
            raise ValidationError(self.env._("The number of days between two reminders cannot be negative."))
