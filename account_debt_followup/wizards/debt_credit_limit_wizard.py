# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class DebtCreditLimitWizard(models.TransientModel):
    """A credit manager sets a customer's credit limit in the current company, its validity and
    the reason, kept in the customer's credit history."""

    _name = "debt.credit.limit.wizard"
    _description = "Set a Credit Limit"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    current_limit = fields.Monetary(string="Current Credit Limit", readonly=True)
    credit_limit = fields.Monetary(string="New Credit Limit", required=True)
    limit_until = fields.Date(
        string="Valid Until", help="Leave empty for a limit without end; a review is asked before it lapses."
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
            # sudo: the limit is shown to the credit manager whatever their accounting rights
            partner_sudo = partner.sudo()
            values.update(
                partner_id=partner.id,
                current_limit=partner_sudo.credit_limit,
                credit_limit=partner_sudo.credit_limit,
                limit_until=partner_sudo.debt_credit_limit_until,
            )
        return values

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group("account_debt_followup.group_credit_manager"):
            raise AccessError(self.env._("Only a credit manager can set a credit limit."))
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give the reason for the new credit limit."))
        if self.limit_until and self.limit_until < fields.Date.context_today(self):
            raise UserError(self.env._("The credit limit cannot be valid until a date already past."))
        # sudo: a credit manager sets limits without needing rights to edit contacts; the group
        # was checked above, and the change goes to the credit history with the reason
        self.partner_id.sudo().with_company(self.company_id).with_context(
            debt_credit_reason=self.reason.strip()
        ).write({"credit_limit": self.credit_limit, "debt_credit_limit_until": self.limit_until})
        return {"type": "ir.actions.act_window_close"}
