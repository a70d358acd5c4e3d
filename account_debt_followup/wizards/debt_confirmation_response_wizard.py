# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class DebtConfirmationResponseWizard(models.TransientModel):
    """The customer's answer to a debt confirmation minute: confirmed, or disputed."""

    _name = "debt.confirmation.response.wizard"
    _description = "Debt Confirmation Answer"

    confirmation_id = fields.Many2one("debt.confirmation", required=True, ondelete="cascade")
    partner_id = fields.Many2one(related="confirmation_id.partner_id")
    currency_id = fields.Many2one(related="confirmation_id.currency_id")
    closing_balance = fields.Monetary(related="confirmation_id.closing_balance", string="Our Balance")
    result = fields.Selection(
        [("confirmed", "Confirmed"), ("disputed", "Disputed")], required=True, default="confirmed"
    )
    response_date = fields.Date(string="Answered On", required=True, default=fields.Date.context_today)
    response_contact_id = fields.Many2one(
        "res.partner", string="Answered By", domain="[('commercial_partner_id', '=', partner_id)]"
    )
    customer_balance = fields.Monetary(
        compute="_compute_customer_balance",
        store=True,
        readonly=False,
        help="The balance the customer states it owed on the last day of the period.",
    )
    note = fields.Text()

    @api.depends("confirmation_id")
    def _compute_customer_balance(self):
        for wizard in self:
            wizard.customer_balance = wizard.confirmation_id.closing_balance

    def action_record(self):
        self.ensure_one()
        self.confirmation_id._record_response(
            self.result,
            self.response_date,
            contact=self.response_contact_id,
            customer_balance=self.customer_balance if self.result == "disputed" else None,
            note=self.note,
        )
        return {"type": "ir.actions.act_window_close"}
