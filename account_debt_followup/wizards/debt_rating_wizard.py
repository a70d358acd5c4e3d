# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..models.res_partner_rating import trust_selection


class DebtRatingWizard(models.TransientModel):
    """A credit manager sets a customer's debtor rating by hand, with the reason, and may pin it
    so that the nightly rating leaves it alone."""

    _name = "debt.rating.wizard"
    _description = "Set a Debtor Rating"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True)
    trust = fields.Selection(trust_selection, string="Debtor Rating", required=True)
    suggested = fields.Selection(trust_selection, string="Suggested Rating", readonly=True)
    suggestion_reason = fields.Char(string="Why Suggested", readonly=True)
    pinned = fields.Boolean(
        string="Pin It", default=True, help="The nightly rating will not change this customer's rating."
    )
    reason = fields.Text(required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        partner = self.env["res.partner"].browse(
            values.get("partner_id") or self.env.context.get("active_id")
        )
        partner = partner.commercial_partner_id
        if partner:
            rating = partner._get_debt_rating(self.env.company).get(partner.id, {})
            values.update(
                partner_id=partner.id,
                trust=partner.trust or "normal",
                suggested=rating.get("trust"),
                suggestion_reason=rating.get("reason"),
                pinned=partner.debt_trust_pinned or True,
            )
        return values

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group("account_debt_followup.group_credit_manager"):
            raise AccessError(self.env._("Only a credit manager can set a debtor rating by hand."))
        partner = self.partner_id.commercial_partner_id
        labels = dict(self._fields["trust"]._description_selection(self.env))
        old = labels.get(partner.trust) or self.env._("None")
        # sudo: a credit manager rates customers without needing rights to edit contacts; the
        # group was checked above
        # The reason goes to the credit history.
        partner.sudo().with_context(debt_credit_reason=self.reason).write(
            {"trust": self.trust, "debt_trust_pinned": self.pinned}
        )
        body = (
            self.env._(
                "Debtor rating set by hand from %(old)s to %(new)s, pinned: %(reason)s",
                old=old,
                new=labels[self.trust],
                reason=self.reason,
            )
            if self.pinned
            else self.env._(
                "Debtor rating set by hand from %(old)s to %(new)s: %(reason)s",
                old=old,
                new=labels[self.trust],
                reason=self.reason,
            )
        )
        # sudo: posting on a contact needs write access on it (as for reminders)
        partner.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")
        return {"type": "ir.actions.act_window_close"}
