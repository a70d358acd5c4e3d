# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models


class ReportPeriodSummary(models.AbstractModel):
    _name = "report.account_debt_followup.report_period_summary"
    _description = "Summary of Debts Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        """The rows of ``data["domain"]`` (what the list shows) or of ``docids`` for the period
        of ``data``; the user was checked by ``ir.actions.report._debt_prepare_rendering``."""
        data = data or {}
        Summary = self.env["debt.period.summary"].with_context(
            debt_date_from=data.get("date_from"), debt_date_to=data.get("date_to")
        )
        date_from, date_to = Summary._period()
        domain = data.get("domain") or ([("id", "in", docids)] if docids else [])
        # search: the rows of the companies the user may see only (record rules)
        rows = Summary.search(domain)
        return {
            "doc_ids": rows.ids,
            "doc_model": "debt.period.summary",
            "docs": rows,
            "date_from": date_from,
            "date_to": date_to,
            "sections": self._sections(rows),
        }

    @api.model
    def _sections(self, rows):
        """``[{"company", "account", "rows", "totals"}]`` by company and account, with the totals
        of the amount columns."""
        names = self.env["debt.period.summary"]._amount_field_names()
        sections = []
        for (company, account), group in rows.grouped(lambda row: (row.company_id, row.account_id)).items():
            sections.append(
                {
                    "company": company,
                    "account": account,
                    "currency": company.currency_id,
                    "rows": group.sorted(lambda row: (row.partner_id.ref or "", row.partner_id.name or "")),
                    "totals": {name: sum(group.mapped(name)) for name in names},
                }
            )
        return sorted(sections, key=lambda section: (section["company"].name, section["account"].code or ""))
