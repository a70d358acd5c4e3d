# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.tools import format_date


class DebtAgedBalanceWizard(models.TransientModel):
    """Open the aged receivable or payable as of a past date (the month-end closing printed a
    few days later), aged by due date or by document date."""

    _name = "debt.aged.balance.wizard"
    _description = "Aged Balance as of a Date"

    account_type = fields.Selection(
        [("asset_receivable", "Receivable"), ("liability_payable", "Payable")],
        required=True,
        default="asset_receivable",
    )
    date = fields.Date(
        string="As of",
        required=True,
        default=fields.Date.context_today,
        help="The open items and their residuals as they were on this date: what was paid or matched "
        "later is still open.",
    )
    aging_by = fields.Selection(
        [("due", "Due Date"), ("date", "Document Date")],
        string="Age by",
        required=True,
        default="due",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("debt_as_of"):
            values["date"] = self.env.context["debt_as_of"]
        if self.env.context.get("debt_aging_by"):
            values["aging_by"] = self.env.context["debt_aging_by"]
        return values

    def action_open(self):
        self.ensure_one()
        receivable = self.account_type == "asset_receivable"
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_debt_followup.debt_aged_receivable_action"
            if receivable
            else "account_debt_followup.debt_aged_payable_action"
        )
        date = format_date(self.env, self.date)
        action["name"] = (
            self.env._("Aged Receivable as of %(date)s", date=date)
            if receivable
            else self.env._("Aged Payable as of %(date)s", date=date)
        )
        action["context"] = {
            f"search_default_{'receivable' if receivable else 'payable'}": 1,
            "debt_as_of": fields.Date.to_string(self.date),
            "debt_aging_by": self.aging_by,
        }
        action["target"] = "main"
        return action
