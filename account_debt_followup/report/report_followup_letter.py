# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class ReportFollowupLetter(models.AbstractModel):
    _name = "report.account_debt_followup.report_followup_letter"
    _description = "Payment Reminder Letter"

    @api.model
    def _get_report_values(self, docids, data=None):
        """``docids`` are commercial partners the user may see (``ir.actions.report``
        ``_debt_prepare_rendering`` found and checked them)."""
        data = data or {}
        company = self.env["res.company"].browse(data.get("company_id")) or self.env.company
        # only a level of the company the letter speaks for (the options come from the client)
        level = (
            self.env["debt.followup.level"]
            .browse(data.get("level_id"))
            .exists()
            .filtered(lambda lvl: lvl.company_id == company.root_id)
        )
        partners = self.env["res.partner"].browse(docids).with_company(company)
        today = fields.Date.context_today(self)
        lines = {partner.id: partner._get_followup_lines(company, level or None) for partner in partners}
        groups = {
            partner.id: partner._debt_followup_line_groups(company, lines=lines[partner.id], today=today)
            for partner in partners
        }
        # the totals of the email and of the customer's form: the ledger's, for all at once
        figures = partners._get_debt_figures(company)
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "company": company,
            "level": level,
            "followup_lines": lines,
            "followup_groups": groups,
            "figures": {
                partner.id: figures.get(partner.commercial_partner_id.id, {"open": 0.0, "overdue": 0.0})
                for partner in partners
            },
            "today": today,
            "bank_accounts": company.partner_id.bank_ids,
            # the VietQR code and the link to pay the overdue amount
            "payment_means": {
                partner.id: partner._debt_payment_means(
                    company, figures.get(partner.commercial_partner_id.id, {}).get("overdue", 0.0)
                )
                for partner in partners
            },
            # late-payment interest accrued on the open items and not charged yet
            "interest": self.env["debt.interest.line"]._accrued(company, partners, today),
        }
