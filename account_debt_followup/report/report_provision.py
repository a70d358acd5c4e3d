# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models

from .report_access import check_debt_report_access


class ReportProvision(models.AbstractModel):
    _name = "report.account_debt_followup.report_provision"
    _description = "Provision for Doubtful Debts Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        # search: the provisions of the companies the user may see only (record rules)
        docs = self.env["debt.provision"].search([("id", "in", docids)])
        check_debt_report_access(self.env, docs.company_id)
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
