# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    followup_excluded = fields.Boolean(
        string="Excluded from Follow-up",
        copy=False,
        help="Disputed or blocked: never reminded, and left out of the follow-up levels.",
    )
    followup_exclusion_reason = fields.Char(string="Exclusion Reason", copy=False)
    expected_payment_date = fields.Date(copy=False, help="When the customer said it will pay this item.")
    followup_level_id = fields.Many2one(
        "debt.followup.level", string="Follow-up Level", copy=False, readonly=True, index="btree_not_null"
    )
    followup_date = fields.Date(string="Last Reminder", copy=False, readonly=True)

    @api.constrains("followup_excluded", "followup_exclusion_reason")
    def _check_followup_exclusion_reason(self):
        for line in self:
            if line.followup_excluded and not (line.followup_exclusion_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "Say why %(item)s is excluded from the follow-up.", item=line.move_name or line.name
                    )
                )
