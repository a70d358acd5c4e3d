# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.tools import SQL

from .debt_ledger import RECEIVABLE_PAYABLE


class DebtAgedBalance(models.Model):
    """Open receivable and payable items with their aging bucket, for the aged balance screens.

    A database view: the buckets follow each company's aging setting, computed on the fly.
    """

    _name = "debt.aged.balance"
    _description = "Aged Receivable and Payable"
    _auto = False
    _order = "date_maturity, id"
    _rec_name = "move_id"

    partner_id = fields.Many2one("res.partner", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    move_line_id = fields.Many2one("account.move.line", readonly=True)
    account_type = fields.Selection(
        [("asset_receivable", "Receivable"), ("liability_payable", "Payable")], readonly=True
    )
    invoice_user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    date = fields.Date(readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    amount_residual = fields.Monetary(string="Total", readonly=True)
    amount_current = fields.Monetary(string="Current", readonly=True)
    amount_period_1 = fields.Monetary(string="Period 1", readonly=True)
    amount_period_2 = fields.Monetary(string="Period 2", readonly=True)
    amount_period_3 = fields.Monetary(string="Period 3", readonly=True)
    amount_period_4 = fields.Monetary(string="Period 4", readonly=True)
    amount_older = fields.Monetary(string="Older", readonly=True)

    @property
    def _table_query(self):
        """The ledger's open items of the user's companies, as of ``debt_as_of`` in the context
        (default: now, aged to today), aged by due date or, with ``debt_aging_by`` set to
        ``date``, by document date."""
        as_of = fields.Date.to_date(self.env.context.get("debt_as_of")) or None
        today = as_of or self.env["debt.ledger"]._today()
        age_from = SQL("date") if self.env.context.get("debt_aging_by") == "date" else SQL("due")
        bucket = SQL(
            """
            CASE WHEN days_overdue <= 0 THEN 0
                 WHEN days_overdue <= bound_1 THEN 1
                 WHEN days_overdue <= bound_2 THEN 2
                 WHEN days_overdue <= bound_3 THEN 3
                 WHEN days_overdue <= bound_4 THEN 4
                 ELSE 5 END
            """
        )
        columns = [
            SQL("CASE WHEN %s = %s THEN amount ELSE 0 END AS %s", bucket, index, SQL.identifier(name))
            for index, name in enumerate(self._bucket_field_names())
        ]
        return SQL(
            """
            SELECT aged.*, %(columns)s
              FROM (
                SELECT items.id, items.id AS move_line_id, items.move_id, items.company_id,
                       items.partner_id, items.company_currency_id AS currency_id, items.account_type,
                       items.invoice_user_id, items.date, items.due AS date_maturity,
                       %(today)s - items.%(age_from)s AS days_overdue,
                       CASE WHEN items.account_type = 'liability_payable'
                            THEN -items.residual ELSE items.residual END AS amount_residual,
                       CASE WHEN items.account_type = 'liability_payable'
                            THEN -items.residual ELSE items.residual END AS amount,
                       split_part(company.debt_aging_days, ',', 1)::int AS bound_1,
                       split_part(company.debt_aging_days, ',', 2)::int AS bound_2,
                       split_part(company.debt_aging_days, ',', 3)::int AS bound_3,
                       split_part(company.debt_aging_days, ',', 4)::int AS bound_4
                  FROM (%(items)s) items
                  JOIN res_company company ON company.id = items.company_id
              ) aged
            """,
            columns=SQL(", ").join(columns),
            today=today,
            age_from=age_from,
            items=self.env["debt.ledger"]._items(
                self.env.companies, as_of=as_of, today=today, account_types=RECEIVABLE_PAYABLE
            ),
        )

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        self.env["debt.ledger"]._flush()
        return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)

    @api.model
    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        self.env["debt.ledger"]._flush()
        return super().search_fetch(domain, field_names, offset, limit, order)

    @api.model
    def _bucket_field_names(self):
        return [
            "amount_current",
            "amount_period_1",
            "amount_period_2",
            "amount_period_3",
            "amount_period_4",
            "amount_older",
        ]

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        # the bucket columns are named after the current company's aging setting
        result = super().fields_get(allfields, attributes)
        labels = self.env["debt.statement"]._bucket_labels(self.env.company)
        for name, label in zip(self._bucket_field_names(), labels, strict=True):
            if "string" in result.get(name, {}):
                result[name]["string"] = label
        return result

    def _export_domain(self):
        """The records of the button's call: the selection, or everything the user may see."""
        return [("id", "in", self.ids)] if self else []

    def action_export_xlsx(self):
        Export = self.env["debt.xlsx.export"]
        content = Export._aged_xlsx(self._export_domain())
        return Export._download(content, self.env._("Aged Balance.xlsx"))

    def action_print_pdf(self):
        return self.env.ref("account_debt_followup.action_report_aged_balance").report_action(
            self, data={"domain": self._export_domain()}
        )


class ReportAgedBalance(models.AbstractModel):
    _name = "report.account_debt_followup.report_aged_balance"
    _description = "Aged Balance Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        Aged = self.env["debt.aged.balance"]
        domain = (data or {}).get("domain") or ([("id", "in", docids)] if docids else [])
        groups = Aged._read_group(
            domain,
            ["currency_id", "partner_id"],
            [f"{name}:sum" for name in Aged._bucket_field_names()] + ["amount_residual:sum"],
        )
        totals = {}
        for currency, _partner, *amounts in groups:
            totals[currency] = [
                a + b for a, b in zip(totals.get(currency, [0.0] * len(amounts)), amounts, strict=True)
            ]
        return {
            "doc_ids": docids,
            "doc_model": "debt.aged.balance",
            "docs": Aged.browse(docids),
            "groups": sorted(groups, key=lambda g: (g[0].name, g[1].name or "")),
            "totals": sorted(
                ([currency, *amounts] for currency, amounts in totals.items()), key=lambda t: t[0].name
            ),
            "labels": self.env["debt.statement"]._bucket_labels(self.env.company),
            "today": fields.Date.to_date(self.env.context.get("debt_as_of"))
            or fields.Date.context_today(self),
        }
