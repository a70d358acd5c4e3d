# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from ..models.debt_statement import PAYABLE, RECEIVABLE


class ReportStatement(models.AbstractModel):
    _name = "report.account_debt_followup.report_statement"
    _description = "Customer Statement"

    @api.model
    def _get_report_values(self, docids, data=None):
        """``docids`` are commercial partners the user may see (``ir.actions.report``
        ``_debt_prepare_rendering`` found and checked them)."""
        data = data or {}
        company = self.env["res.company"].browse(data.get("company_id")) or self.env.company
        partners = self.env["res.partner"].browse(docids).commercial_partner_id.with_company(company)
        date_to = fields.Date.to_date(data.get("date_to")) or fields.Date.context_today(self)
        Statement = self.env["debt.statement"]
        account_type = PAYABLE if data.get("account_type") == PAYABLE else RECEIVABLE
        values = {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "company": company,
            "date_to": date_to,
            "activity": bool(data.get("date_from")),
            "supplier": data.get("account_type") == PAYABLE,
            "amount_in_words": Statement._amount_in_words,
            "bank_accounts": company.partner_id.bank_ids,
            **Statement._document_labels(partners, company),
        }
        if values["activity"]:
            date_from = fields.Date.to_date(data["date_from"])
            values["date_from"] = date_from
            values["activities"] = Statement._get_activity(
                partners, company, date_from, date_to, account_type=account_type
            )
        else:
            values["open_items"] = Statement._get_open_items(
                partners, company, date_to, account_type=account_type
            )
        if account_type == RECEIVABLE and date_to >= fields.Date.context_today(self):
            # the VietQR code and the link to pay what is overdue today (not on a past statement)
            figures = partners._get_debt_figures(company)
            values["payment_means"] = {
                partner.id: partner._debt_payment_means(
                    company, figures.get(partner.id, {}).get("overdue", 0.0)
                )
                for partner in partners
            }
        return values
