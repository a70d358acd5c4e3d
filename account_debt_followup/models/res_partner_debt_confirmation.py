# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.tools import SQL

CREDIT_USER = "account_debt_followup.group_credit_user"


class ResPartner(models.Model):
    """The debt confirmations of a customer, and the last one, on its form."""

    _inherit = "res.partner"

    debt_confirmation_ids = fields.One2many(
        "debt.confirmation", "partner_id", string="Debt Confirmations", groups=CREDIT_USER
    )
    debt_confirmation_count = fields.Integer(compute="_compute_debt_confirmation", groups=CREDIT_USER)
    debt_confirmation_last_id = fields.Many2one(
        "debt.confirmation",
        string="Last Debt Confirmation",
        compute="_compute_debt_confirmation",
        groups=CREDIT_USER,
    )
    debt_confirmation_last_date = fields.Date(
        string="Last Confirmed Period End", compute="_compute_debt_confirmation", groups=CREDIT_USER
    )
    debt_confirmation_last_state = fields.Selection(
        [("draft", "Draft"), ("sent", "Sent"), ("confirmed", "Confirmed"), ("disputed", "Disputed")],
        string="Last Confirmation Result",
        compute="_compute_debt_confirmation",
        groups=CREDIT_USER,
    )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_debt_confirmation(self):
        """The number of minutes of each customer and the one of its latest period, with one query
        for all the partners (contacts show their company's)."""
        commercial_ids = self.commercial_partner_id._origin.ids
        found = {}
        if commercial_ids:
            self.env["debt.confirmation"].flush_model(["partner_id", "date_to"])
            # _search: the user's record rules (its companies) apply
            query = self.env["debt.confirmation"]._search([("partner_id", "in", commercial_ids)])
            query.order = SQL(
                "debt_confirmation.partner_id, debt_confirmation.date_to DESC, debt_confirmation.id DESC"
            )
            rows = self.env.execute_query(
                query.select(
                    SQL("DISTINCT ON (debt_confirmation.partner_id) debt_confirmation.partner_id"),
                    SQL("debt_confirmation.id"),
                    SQL("COUNT(*) OVER (PARTITION BY debt_confirmation.partner_id)"),
                )
            )
            found = {partner_id: (confirmation_id, count) for partner_id, confirmation_id, count in rows}
        Confirmation = self.env["debt.confirmation"]
        for partner in self:
            confirmation_id, count = found.get(partner.commercial_partner_id._origin.id, (False, 0))
            partner.debt_confirmation_count = count
            last = Confirmation.browse(confirmation_id)
            partner.debt_confirmation_last_id = last
            partner.debt_confirmation_last_date = last.date_to
            partner.debt_confirmation_last_state = last.state

    def action_open_debt_confirmations(self):
        self.ensure_one()
        partner = self.commercial_partner_id
        action = self.env["ir.actions.actions"]._for_xml_id("account_debt_followup.debt_confirmation_action")
        action["domain"] = [("partner_id", "=", partner.id)]
        action["context"] = {"default_partner_id": partner.id}
        return action
