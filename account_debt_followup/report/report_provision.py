# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models


class ReportProvision(models.AbstractModel):
    _name = "report.account_debt_followup.report_provision"
    _description = "Provision for Doubtful Debts Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        # the user may see them: checked by ir.actions.report._debt_prepare_rendering
        docs = self.env["debt.provision"].browse(docids)
        return {
            "doc_ids": docs.ids,
            "doc_model": "debt.provision",
            "docs": docs,
            "entries": {
                provision.id: provision.account_id
                and provision.expense_account_id
                and self.env._(
                    "Entry: debit %(expense)s, credit %(provision)s, reversed on the first day of the "
                    "next period.",
                    expense=provision.expense_account_id.display_name,
                    provision=provision.account_id.display_name,
                )
                for provision in docs
            },
            "customers": {
                provision.id: sorted(
                    provision.line_ids.grouped("partner_id").items(), key=lambda pair: pair[0].name or ""
                )
                for provision in docs
            },
        }
