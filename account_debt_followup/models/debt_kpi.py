# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

KPI_MONTHS = 12  # full months shown before the current one


class DebtKpi(models.Model):
    """Collection KPIs per month: DSO, average days delinquent, collection effectiveness index
    (CEI) and overdue ratio, per customer and for the whole company (rows without a customer).

    A database view over the receivable journal items, grouped in SQL: each item and each
    partial payment is an event dated by the month it changes the receivable or the overdue
    amount, and running sums give the balances at each month end. Overdue is counted as on the
    customer's form: overdue invoices less payments and credit notes not matched yet. For the
    current month, the figures are those of today.
    """

    _name = "debt.kpi"
    _description = "Debt Collection KPIs"
    _auto = False
    _order = "month desc, partner_id"
    _rec_name = "month"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True, help="Empty on the rows of the whole company."
    )
    month = fields.Date(readonly=True)
    days = fields.Integer(string="Days in Period", readonly=True, aggregator="max")
    sales = fields.Monetary(
        string="Invoiced", readonly=True, help="Customer invoices less credit notes, taxes included."
    )
    collected = fields.Monetary(
        readonly=True, help="Receivable at the start of the month, plus invoiced, less receivable at its end."
    )
    receivable_begin = fields.Monetary(string="Receivable at Start", readonly=True)
    receivable_end = fields.Monetary(string="Receivable at End", readonly=True)
    overdue_end = fields.Monetary(
        string="Overdue at End",
        readonly=True,
        help="What was past its due date and still unpaid at the month's end.",
    )
    dso = fields.Float(
        string="DSO",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Days sales outstanding: receivable at the month's end divided by the month's sales, "
        "times its number of days.",
    )
    best_dso = fields.Float(
        string="Best Possible DSO",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="The DSO counting only what was not overdue yet.",
    )
    days_delinquent = fields.Float(
        string="Average Days Delinquent",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="DSO less best possible DSO: the days of sales that are overdue.",
    )
    cei = fields.Float(
        string="CEI (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Collection effectiveness index: what was collected in the month out of what could be "
        "(receivable at start + invoiced - what was not due yet at the end).",
    )
    overdue_ratio = fields.Float(
        string="Overdue (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Overdue at the month's end out of the receivable at that date.",
    )

    @property
    def _table_query(self):
        return self._kpi_query(self.env.companies)

    @api.model
    def _kpi_query(self, companies, partner_ids=None, months=KPI_MONTHS):
        """The KPI rows of ``companies`` for the ``months`` full months before the current one and
        the current month to date, per customer and per company (``partner_id`` NULL)."""
        today = fields.Date.context_today(self)
        first = today.replace(day=1) - relativedelta(months=months)
        partner_filter = (
            SQL("AND partner.commercial_partner_id = ANY(%s)", list(partner_ids))
            if partner_ids is not None
            else SQL()
        )
        return SQL(
            """
            WITH periods AS (
                SELECT month::date AS month,
                       LEAST((month + interval '1 month')::date - 1, %(today)s) - month::date + 1 AS days
                  FROM generate_series(%(before)s::date, %(this_month)s::date, interval '1 month') AS month
            ), items AS (
                SELECT aml.id, aml.company_id, partner.commercial_partner_id AS partner_id, aml.date,
                       COALESCE(aml.date_maturity, aml.date) AS due, aml.balance, move.move_type
                  FROM account_move_line aml
                  JOIN account_move move ON move.id = aml.move_id
                  JOIN account_account account ON account.id = aml.account_id
                  JOIN res_partner partner ON partner.id = aml.partner_id
                 WHERE account.account_type = 'asset_receivable'
                   AND aml.parent_state = 'posted'
                   AND aml.company_id = ANY(%(companies)s)
                   AND aml.date <= %(today)s
                   %(partner_filter)s
            ), events AS (
                -- events before the first month are gathered in the month before it, which
                -- only serves as the opening balance
                SELECT company_id, partner_id,
                       GREATEST(date_trunc('month', date)::date, %(before)s) AS month,
                       balance AS receivable,
                       CASE WHEN date >= %(first)s AND move_type IN ('out_invoice', 'out_refund')
                            THEN balance ELSE 0 END AS sales,
                       0.0 AS overdue
                  FROM items
                UNION ALL
                -- an invoice is overdue from the day after its due date ...
                SELECT company_id, partner_id, GREATEST(date_trunc('month', due + 1)::date, %(before)s),
                       0.0, 0.0, balance
                  FROM items
                 WHERE balance > 0 AND due + 1 <= %(today)s
                UNION ALL
                -- ... until it is paid: each payment lowers the overdue amount from the later of
                -- its own date and that day
                SELECT items.company_id, items.partner_id,
                       GREATEST(date_trunc('month', GREATEST(items.due + 1, part.max_date))::date,
                                %(before)s),
                       0.0, 0.0, -part.amount
                  FROM items
                  JOIN account_partial_reconcile part ON part.debit_move_id = items.id
                 WHERE items.balance > 0 AND GREATEST(items.due + 1, part.max_date) <= %(today)s
                UNION ALL
                -- a payment or credit note not matched yet pays what is late, whatever its date
                -- (as the overdue amount of the customer's form) ...
                SELECT company_id, partner_id, GREATEST(date_trunc('month', date)::date, %(before)s),
                       0.0, 0.0, balance
                  FROM items
                 WHERE balance < 0
                UNION ALL
                -- ... until it is matched, from then on it pays its invoice
                SELECT items.company_id, items.partner_id,
                       GREATEST(date_trunc('month', part.max_date)::date, %(before)s), 0.0, 0.0, part.amount
                  FROM items
                  JOIN account_partial_reconcile part ON part.credit_move_id = items.id
                 WHERE items.balance < 0 AND part.max_date <= %(today)s
            ), monthly AS (
                SELECT company_id, partner_id, month,
                       SUM(receivable) AS receivable, SUM(sales) AS sales, SUM(overdue) AS overdue
                  FROM events
              GROUP BY company_id, partner_id, month
            ), running AS (
                SELECT grid.company_id, grid.partner_id, periods.month, periods.days,
                       COALESCE(monthly.sales, 0.0) AS sales,
                       SUM(COALESCE(monthly.receivable, 0.0)) OVER running - COALESCE(monthly.receivable, 0.0)
                           AS receivable_begin,
                       SUM(COALESCE(monthly.receivable, 0.0)) OVER running AS receivable_end,
                       GREATEST(SUM(COALESCE(monthly.overdue, 0.0)) OVER running, 0.0) AS overdue_end
                  FROM (SELECT DISTINCT company_id, partner_id FROM monthly) grid
            CROSS JOIN periods
             LEFT JOIN monthly ON monthly.company_id = grid.company_id
                              AND monthly.partner_id = grid.partner_id
                              AND monthly.month = periods.month
                WINDOW running AS (PARTITION BY grid.company_id, grid.partner_id ORDER BY periods.month)
            ), totals AS (
                SELECT company_id, partner_id, month, MAX(days) AS days, SUM(sales) AS sales,
                       SUM(receivable_begin) AS receivable_begin, SUM(receivable_end) AS receivable_end,
                       SUM(overdue_end) AS overdue_end
                  FROM running
                 WHERE month >= %(first)s
              GROUP BY GROUPING SETS ((company_id, month, partner_id), (company_id, month))
            )
            SELECT (COALESCE(partner_id, 0)::bigint * 1000 + company_id) * 100000
                       + EXTRACT(YEAR FROM month)::int * 12 + EXTRACT(MONTH FROM month)::int AS id,
                   company_id, partner_id, month, days, sales,
                   receivable_begin + sales - receivable_end AS collected,
                   receivable_begin, receivable_end, overdue_end,
                   CASE WHEN sales > 0 THEN receivable_end / sales * days END AS dso,
                   CASE WHEN sales > 0 THEN (receivable_end - overdue_end) / sales * days END AS best_dso,
                   CASE WHEN sales > 0 THEN overdue_end / sales * days END AS days_delinquent,
                   CASE WHEN receivable_begin + sales - (receivable_end - overdue_end) > 0
                        THEN 100.0 * (receivable_begin + sales - receivable_end)
                             / (receivable_begin + sales - (receivable_end - overdue_end)) END AS cei,
                   CASE WHEN receivable_end > 0 THEN 100.0 * overdue_end / receivable_end END AS overdue_ratio
              FROM totals
            """,
            today=today,
            first=first,
            before=first - relativedelta(months=1),
            this_month=today.replace(day=1),
            companies=companies.ids,
            partner_filter=partner_filter,
        )

    @api.model
    def _get_partner_kpis(self, partners, company, months=KPI_MONTHS):
        """KPIs of the last ``months`` months and the current one taken as one period, per
        commercial partner of ``partners``, with one query.

        :return: ``{partner_id: {"dso", "days_delinquent", "cei", "overdue_ratio", "sales"}}``
        """
        partner_ids = [pid for pid in partners.commercial_partner_id.ids if pid]
        if not partner_ids:
            return {}
        self._flush_kpi_sources()
        rows = self.env.execute_query_dict(
            SQL(
                """
                SELECT partner_id, SUM(sales) AS sales, SUM(days) AS days,
                       (ARRAY_AGG(receivable_begin ORDER BY month))[1] AS receivable_begin,
                       (ARRAY_AGG(receivable_end ORDER BY month DESC))[1] AS receivable_end,
                       (ARRAY_AGG(overdue_end ORDER BY month DESC))[1] AS overdue_end
                  FROM (%s) kpi
                 WHERE partner_id IS NOT NULL
              GROUP BY partner_id
                """,
                self._kpi_query(company, partner_ids, months),
            )
        )
        result = {}
        for row in rows:
            sales, days = row["sales"], row["days"]
            begin, end, overdue = row["receivable_begin"], row["receivable_end"], row["overdue_end"]
            collectible = begin + sales - (end - overdue)
            result[row["partner_id"]] = {
                "sales": sales,
                "dso": end / sales * days if sales > 0 else 0.0,
                "days_delinquent": overdue / sales * days if sales > 0 else 0.0,
                "cei": 100.0 * (begin + sales - end) / collectible if collectible > 0 else 0.0,
                "overdue_ratio": 100.0 * overdue / end if end > 0 else 0.0,
            }
        return result

    @api.model
    def _flush_kpi_sources(self):
        self.env["account.move.line"].flush_model(
            [
                "account_id",
                "balance",
                "company_id",
                "date",
                "date_maturity",
                "move_id",
                "parent_state",
                "partner_id",
            ]
        )
        self.env["account.move"].flush_model(["move_type"])
        self.env["account.partial.reconcile"].flush_model(["amount", "debit_move_id", "max_date"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        self._flush_kpi_sources()
        return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)

    @api.model
    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        self._flush_kpi_sources()
        return super().search_fetch(domain, field_names, offset, limit, order)
