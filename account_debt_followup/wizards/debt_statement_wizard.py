# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from markupsafe import Markup
from werkzeug.urls import url_encode

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.ir_actions_report import STATEMENT


class DebtStatementWizard(models.TransientModel):
    _name = "debt.statement.wizard"
    _description = "Customer Statements"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    statement_type = fields.Selection(
        [("open_items", "Open items with aging"), ("activity", "Account activity of a period")],
        required=True,
        default="open_items",
    )
    account_type = fields.Selection(
        [("asset_receivable", "Customers (receivable)"), ("liability_payable", "Suppliers (payable)")],
        string="Statement of",
        required=True,
        default="asset_receivable",
    )
    date_from = fields.Date(string="From")
    date_to = fields.Date(string="On", required=True, default=fields.Date.context_today)
    result = fields.Html(readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "res.partner" and self.env.context.get("active_ids"):
            partners = self.env["res.partner"].browse(self.env.context["active_ids"]).commercial_partner_id
            values["partner_ids"] = [fields.Command.set(partners.ids)]
        return values

    def _report_data(self):
        self.ensure_one()
        if self.statement_type == "activity":
            if not self.date_from or self.date_from > self.date_to:
                raise UserError(self.env._("An activity statement needs a start date before its end date."))
            return {
                "company_id": self.company_id.id,
                "date_from": self.date_from,
                "date_to": self.date_to,
                "account_type": self.account_type,
            }
        return {"company_id": self.company_id.id, "date_to": self.date_to, "account_type": self.account_type}

    def action_print(self):
        """The statements as a PDF, one customer after the other (rendered in one wkhtmltopdf run,
        see ``ir_actions_report_batch.py``); the dialog closes once downloaded."""
        self.ensure_one()
        action = self.env.ref("account_debt_followup.action_report_statement").report_action(
            self.partner_ids.commercial_partner_id, data=self._report_data()
        )
        if action.get("type") == "ir.actions.report":
            action["close_on_report_download"] = True
        return action

    def action_xlsx(self):
        self.ensure_one()
        partners = self.partner_ids.commercial_partner_id
        # the same check as the download's, here so that a refusal shows in the dialog
        self.env["ir.actions.report"]._debt_check_access(STATEMENT, partners, self.company_id)
        query = url_encode(
            {
                "partner_ids": ",".join(str(partner_id) for partner_id in partners.ids),
                "company_id": self.company_id.id,
                "date": fields.Date.to_string(self.date_to),
                "account_type": self.account_type,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/account_debt_followup/xlsx/statement?{query}",
            "target": "download",
        }

    def action_send(self):
        self.ensure_one()
        sent, no_email = self.partner_ids._debt_send_statements(self.company_id, self._report_data())
        lines = [self.env._("Statements queued for %(count)s customers.", count=len(sent))]
        if no_email:
            lines.append(
                self.env._(
                    "Not sent, no email address: %(partners)s",
                    partners=", ".join(no_email.mapped("display_name")),
                )
            )
        self.result = Markup("<br/>").join(lines)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "name": self.env._("Customer Statements"),
            "view_mode": "form",
            "target": "new",
        }
