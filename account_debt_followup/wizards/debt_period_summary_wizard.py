# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError


class DebtPeriodSummaryWizard(models.TransientModel):
    """Open the summary of debts of a period: receivables, payables or both."""

    _name = "debt.period.summary.wizard"
    _description = "Summary of Debts: Period"

    date_from = fields.Date(string="From", required=True, default=lambda self: self._default_dates()[0])
    date_to = fields.Date(string="To", required=True, default=lambda self: self._default_dates()[1])
    account_type = fields.Selection(
        [("asset_receivable", "Receivable"), ("liability_payable", "Payable"), ("all", "Both")],
        string="Debts",
        required=True,
        default="asset_receivable",
    )

    @api.model
    def _default_dates(self):
        context = self.env.context
        if context.get("debt_date_from") and context.get("debt_date_to"):
            return fields.Date.to_date(context["debt_date_from"]), fields.Date.to_date(
                context["debt_date_to"]
            )
        return self.env["debt.period.summary"]._default_period()

    def action_open(self):
        self.ensure_one()
        if self.date_from > self.date_to:
            raise UserError(self.env._("The period cannot end before it starts."))
        Summary = self.env["debt.period.summary"].with_context(
            debt_date_from=fields.Date.to_string(self.date_from),
            debt_date_to=fields.Date.to_string(self.date_to),
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_debt_followup.debt_period_summary_action"
        )
        action["name"] = Summary._period_name()
        action["context"] = {
            "debt_date_from": fields.Date.to_string(self.date_from),
            "debt_date_to": fields.Date.to_string(self.date_to),
        }
        if self.account_type == "asset_receivable":
            action["context"]["search_default_receivable"] = 1
        elif self.account_type == "liability_payable":
            action["context"]["search_default_payable"] = 1
        action["target"] = "main"
        return action
