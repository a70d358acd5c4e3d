# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class DebtNetting(models.Model):
    """A netting requested by one person and validated by an accountant (BRAVO's "đề nghị bù
    trừ công nợ"): the request is checked as a netting is, and posts nothing until validated."""

    _inherit = "debt.netting"

    requested_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    validated_by_id = fields.Many2one("res.users", readonly=True, copy=False)

    @api.model
    def _check_netting_request_rights(self):
        if not self.env.user.has_group("account_debt_followup.group_credit_manager"):
            raise AccessError(self.env._("Only credit managers can request a netting."))

    @api.model
    def _request_netting(self, partner, company, currency, date, journal, items, amount, note=False):
        """The netting ``_create_netting`` would make, requested for an accountant to validate."""
        self._check_netting_request_rights()
        netting = self._make_netting(
            partner, company, currency, date, journal, items, amount, note, "requested"
        )
        netting.requested_by_id = self.env.user
        return netting

    def action_validate(self):
        """Validate requested nettings and post them: an accountant other than the requester."""
        self._check_netting_rights()
        for netting in self:
            if netting.state != "requested":
                raise UserError(
                    self.env._("Netting %(name)s is not waiting for a validation.", name=netting.name)
                )
            if netting.requested_by_id == self.env.user:
                raise UserError(
                    self.env._(
                        "You requested the netting %(name)s: another accountant validates it.",
                        name=netting.name,
                    )
                )
        self.write({"state": "draft", "validated_by_id": self.env.user.id})
        return self.action_post()
