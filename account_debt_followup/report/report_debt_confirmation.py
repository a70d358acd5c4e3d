# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models


class ReportDebtConfirmation(models.AbstractModel):
    _name = "report.account_debt_followup.report_debt_confirmation"
    _description = "Debt Confirmation Minute"

    @api.model
    def _get_report_values(self, docids, data=None):
        """The minutes with the receivable movements of their period as the ledger has them now;
        ``changed`` flags the minutes whose stored figures no longer match the ledger."""
        docs = self.env["debt.confirmation"].browse(docids)
        Statement = self.env["debt.statement"]
        Confirmation = self.env["debt.confirmation"]
        activities, changed = {}, {}
        groups = docs.grouped(lambda confirmation: confirmation._period_key())
        for (company, date_from, date_to, account_type), group in groups.items():
            by_partner = Statement._get_activity(
                group.partner_id, company, date_from, date_to, account_type=account_type
            )
            for confirmation in group:
                activity = by_partner[confirmation.partner_id.id]
                activities[confirmation.id] = activity
                now = Confirmation._figures(activity)
                changed[confirmation.id] = any(
                    confirmation.currency_id.compare_amounts(now[name], confirmation[name])
                    for name in ("opening_balance", "period_debit", "period_credit", "closing_balance")
                )
        return {
            "doc_ids": docs.ids,
            "doc_model": "debt.confirmation",
            "docs": docs,
            "activities": activities,
            "changed": changed,
            "amount_in_words": Statement._amount_in_words,
            "item_kind": Statement._document_labels(docs.partner_id, self.env.company)["item_kind"],
        }
