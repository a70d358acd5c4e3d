# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

KPI_MONTHS = 12  # full months shown before the current one


class DebtKpi(models.Model):
    """Collection KPIs per month, per customer and for the whole company (rows without a
    customer), built on the receivables ledger. The formulas are those of the module's README:

    - **Sales** (Invoiced): customer invoices less credit notes, taxes included, by invoice date.
      Payments, netting, write-offs and other entries are not sales.
    - **DSO** (countback): at the period's end, how many days of the most recent sales the
      receivable represents: walk back day by day from the end, adding each day's sales until
      they reach the receivable; the last day counts for the share it needs. Days without sales
      count in full. When all the sales of the history do not reach the receivable, the days of
      the history are stretched in proportion.
    - **Best possible DSO**: the same countback on the part of the receivable not overdue.
    - **Average days delinquent**: the days past due of what is overdue at the period's end,
      weighted by the amounts still open (none when nothing is overdue).
    - **CEI**: collected in the period / (receivable at start + sales - receivable not overdue
      at the end), in percent; collected = receivable at start + sales - receivable at the end.
    - **Overdue ratio**: overdue at the end / receivable at the end.

    Overdue is counted as on the customer's form: overdue invoices, disputed ones left out,
    less payments and credit notes not matched yet. For the current month, the end is today.
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
        string="Invoiced",
        readonly=True,
        help="Customer invoices less credit notes, taxes included; payments and other entries are not sales.",
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
        help="Days sales outstanding, by the countback method: how many days of the most recent sales "
        "the receivable at the period's end represents.",
    )
    best_dso = fields.Float(
        string="Best Possible DSO",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="The countback DSO of the part of the receivable that was not overdue yet.",
    )
    days_delinquent = fields.Float(
        string="Average Days Delinquent",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="The days past due of what is overdue at the period's end, weighted by the amounts still open.",
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
        sales_types = SQL("('out_invoice', 'out_refund')")
        return SQL(
            """
            WITH periods AS (
                SELECT month::date AS month,
                       LEAST((month + interval '1 month')::date - 1, %(today)s) AS period_end,
                       LEAST((month + interval '1 month')::date - 1, %(today)s) - month::date + 1 AS days
                  FROM generate_series(%(before)s::date, %(this_month)s::date, interval '1 month') AS month
            ), items AS (
                SELECT id, root_company_id AS company_id, partner_id, date, due, balance, move_type, disputed,
                       due - DATE '2000-01-01' AS due_day
                  FROM (%(items)s) ledger
            ), events AS (
                -- events before the first month are gathered in the month before it, which
                -- only serves as the opening balance
                SELECT company_id, partner_id, GREATEST(date_trunc('month', date)::date, %(before)s) AS month,
                       balance AS receivable,
                       CASE WHEN date >= %(first)s AND move_type IN %(sales_types)s
                            THEN balance ELSE 0 END AS sales,
                       CASE WHEN move_type IN %(sales_types)s THEN balance ELSE 0 END AS all_sales,
                       0.0 AS overdue, 0.0 AS overdue_debits, 0.0 AS overdue_weight
                  FROM items
                UNION ALL
                -- an invoice not disputed is overdue from the day after its due date ...
                SELECT company_id, partner_id, GREATEST(date_trunc('month', due + 1)::date, %(before)s),
                       0.0, 0.0, 0.0, balance, balance, balance * due_day
                  FROM items
                 WHERE balance > 0 AND NOT disputed AND due + 1 <= %(today)s
                UNION ALL
                -- ... until it is paid: each payment lowers the overdue amount from the later of
                -- its own date and that day
                SELECT items.company_id, items.partner_id,
                       GREATEST(date_trunc('month', GREATEST(items.due + 1, part.max_date))::date,
                                %(before)s),
                       0.0, 0.0, 0.0, -part.amount, -part.amount, -part.amount * items.due_day
                  FROM items
                  JOIN account_partial_reconcile part ON part.debit_move_id = items.id
                 WHERE items.balance > 0 AND NOT items.disputed
                   AND GREATEST(items.due + 1, part.max_date) <= %(today)s
                UNION ALL
                -- a payment or credit note not matched yet pays what is late, whatever its date
                -- (as the overdue amount of the customer's form) ...
                SELECT company_id, partner_id, GREATEST(date_trunc('month', date)::date, %(before)s),
                       0.0, 0.0, 0.0, balance, 0.0, 0.0
                  FROM items
                 WHERE balance < 0 AND NOT disputed
                UNION ALL
                -- ... until it is matched, from then on it pays its invoice
                SELECT items.company_id, items.partner_id,
                       GREATEST(date_trunc('month', part.max_date)::date, %(before)s), 0.0, 0.0, 0.0,
                       part.amount, 0.0, 0.0
                  FROM items
                  JOIN account_partial_reconcile part ON part.credit_move_id = items.id
                 WHERE items.balance < 0 AND NOT items.disputed AND part.max_date <= %(today)s
            ), monthly AS (
                SELECT company_id, partner_id, month,
                       SUM(receivable) AS receivable, SUM(sales) AS sales, SUM(all_sales) AS all_sales,
                       SUM(overdue) AS overdue, SUM(overdue_debits) AS overdue_debits,
                       SUM(overdue_weight) AS overdue_weight
                  FROM events
              GROUP BY company_id, partner_id, month
            ), running AS (
                SELECT grid.company_id, grid.partner_id, periods.month, periods.days, periods.period_end,
                       COALESCE(monthly.sales, 0.0) AS sales,
                       SUM(COALESCE(monthly.receivable, 0.0)) OVER running - COALESCE(monthly.receivable, 0.0)
                           AS receivable_begin,
                       SUM(COALESCE(monthly.receivable, 0.0)) OVER running AS receivable_end,
                       SUM(COALESCE(monthly.all_sales, 0.0)) OVER running AS all_sales,
                       GREATEST(SUM(COALESCE(monthly.overdue, 0.0)) OVER running, 0.0) AS overdue_end,
                       SUM(COALESCE(monthly.overdue_debits, 0.0)) OVER running AS overdue_debits,
                       SUM(COALESCE(monthly.overdue_weight, 0.0)) OVER running AS overdue_weight
                  FROM (SELECT DISTINCT company_id, partner_id FROM monthly) grid
            CROSS JOIN periods
             LEFT JOIN monthly ON monthly.company_id = grid.company_id
                              AND monthly.partner_id = grid.partner_id
                              AND monthly.month = periods.month
                WINDOW running AS (PARTITION BY grid.company_id, grid.partner_id ORDER BY periods.month)
            ), totals AS (
                SELECT company_id, partner_id, COALESCE(partner_id, 0) AS partner_key, month,
                       MAX(days) AS days, MAX(period_end) AS period_end, SUM(sales) AS sales,
                       SUM(receivable_begin) AS receivable_begin, SUM(receivable_end) AS receivable_end,
                       SUM(all_sales) AS all_sales, SUM(overdue_end) AS overdue_end,
                       SUM(overdue_debits) AS overdue_debits, SUM(overdue_weight) AS overdue_weight
                  FROM running
                 WHERE month >= %(first)s
              GROUP BY GROUPING SETS ((company_id, month, partner_id), (company_id, month))
            ), daily AS (
                -- the sales of each day, for the countback
                SELECT company_id, COALESCE(partner_id, 0) AS partner_key, day, sales,
                       SUM(sales) OVER (PARTITION BY company_id, COALESCE(partner_id, 0) ORDER BY day)
                           AS cumulated,
                       MIN(day) OVER (PARTITION BY company_id, COALESCE(partner_id, 0)) AS first_day
                  FROM (
                    SELECT company_id, partner_id, date AS day, SUM(balance) AS sales
                      FROM items
                     WHERE move_type IN %(sales_types)s
                  GROUP BY GROUPING SETS ((company_id, partner_id, date), (company_id, date))
                  ) days
            ), firsts AS (
                SELECT DISTINCT company_id, partner_key, first_day FROM daily
            ), dso_day AS (%(dso_day)s), best_day AS (%(best_day)s)
            SELECT (totals.partner_key::bigint * 1000 + totals.company_id) * 100000
                       + EXTRACT(YEAR FROM totals.month)::int * 12
                       + EXTRACT(MONTH FROM totals.month)::int AS id,
                   totals.company_id, totals.partner_id, totals.month, totals.days, totals.sales,
                   totals.receivable_begin + totals.sales - totals.receivable_end AS collected,
                   totals.receivable_begin, totals.receivable_end, totals.overdue_end,
                   %(dso)s AS dso,
                   %(best_dso)s AS best_dso,
                   CASE WHEN totals.overdue_end > 0 AND totals.overdue_debits > 0
                        THEN (totals.period_end - DATE '2000-01-01')
                             - totals.overdue_weight / totals.overdue_debits
                        ELSE 0.0 END AS days_delinquent,
                   CASE WHEN totals.receivable_begin + totals.sales
                             - (totals.receivable_end - totals.overdue_end) > 0
                        THEN 100.0 * (totals.receivable_begin + totals.sales - totals.receivable_end)
                             / (totals.receivable_begin + totals.sales
                                - (totals.receivable_end - totals.overdue_end))
                        END AS cei,
                   CASE WHEN totals.receivable_end > 0
                        THEN 100.0 * totals.overdue_end / totals.receivable_end END AS overdue_ratio
              FROM totals
         LEFT JOIN firsts ON firsts.company_id = totals.company_id AND firsts.partner_key = totals.partner_key
         LEFT JOIN dso_day ON dso_day.company_id = totals.company_id
                          AND dso_day.partner_key = totals.partner_key AND dso_day.month = totals.month
         LEFT JOIN best_day ON best_day.company_id = totals.company_id
                           AND best_day.partner_key = totals.partner_key AND best_day.month = totals.month
            """,
            today=today,
            first=first,
            before=first - relativedelta(months=1),
            this_month=today.replace(day=1),
            sales_types=sales_types,
            items=self.env["debt.ledger"]._items(
                companies, partner_ids, open_only=False, date_to=today, today=today
            ),
            dso_day=self._countback_day(SQL("totals.receivable_end")),
            best_day=self._countback_day(SQL("totals.receivable_end - totals.overdue_end")),
            dso=self._countback_days(SQL("totals.receivable_end"), SQL("dso_day")),
            best_dso=self._countback_days(SQL("totals.receivable_end - totals.overdue_end"), SQL("best_day")),
        )

    @api.model
    def _countback_day(self, receivable):
        """SQL: per KPI row, the most recent day of sales at which the sales counted back from
        the period's end reach ``receivable`` (the day after it, they had not yet)."""
        return SQL(
            """
            SELECT DISTINCT ON (totals.company_id, totals.partner_key, totals.month)
                   totals.company_id, totals.partner_key, totals.month,
                   daily.day, daily.sales, daily.cumulated
              FROM totals
              JOIN daily ON daily.company_id = totals.company_id AND daily.partner_key = totals.partner_key
               AND daily.day <= totals.period_end
               AND daily.cumulated - daily.sales <= totals.all_sales - (%s)
          ORDER BY totals.company_id, totals.partner_key, totals.month, daily.day DESC
            """,
            receivable,
        )

    @api.model
    def _countback_days(self, receivable, day):
        """SQL: the countback DSO of ``receivable`` from the day found by ``_countback_day``."""
        return SQL(
            """
            CASE WHEN (%(receivable)s) <= 0 THEN 0.0
                 WHEN %(day)s.day IS NOT NULL
                 THEN (totals.period_end - %(day)s.day)
                      + LEAST(GREATEST((%(day)s.cumulated - (totals.all_sales - (%(receivable)s)))
                                       / NULLIF(%(day)s.sales, 0), 0.0), 1.0)
                 WHEN totals.all_sales > 0
                 THEN (totals.period_end - firsts.first_day + 1) * (%(receivable)s) / totals.all_sales
            END
            """,
            receivable=receivable,
            day=day,
        )

    @api.model
    def _get_partner_kpis(self, partners, company, months=KPI_MONTHS):
        """KPIs of commercial partners with one query: DSO, best possible DSO, days delinquent
        and overdue ratio as of today; CEI over the last ``months`` months and the current one.

        :return: ``{partner_id: {"dso", "best_dso", "days_delinquent", "cei", "overdue_ratio",
            "sales"}}``
        """
        partner_ids = [pid for pid in partners.commercial_partner_id.ids if pid]
        if not partner_ids:
            return {}
        self._flush_kpi_sources()
        rows = self.env.execute_query_dict(
            SQL(
                """
                SELECT partner_id, SUM(sales) AS sales,
                       (ARRAY_AGG(receivable_begin ORDER BY month))[1] AS receivable_begin,
                       (ARRAY_AGG(receivable_end ORDER BY month DESC))[1] AS receivable_end,
                       (ARRAY_AGG(overdue_end ORDER BY month DESC))[1] AS overdue_end,
                       (ARRAY_AGG(dso ORDER BY month DESC))[1] AS dso,
                       (ARRAY_AGG(best_dso ORDER BY month DESC))[1] AS best_dso,
                       (ARRAY_AGG(days_delinquent ORDER BY month DESC))[1] AS days_delinquent
                  FROM (%s) kpi
                 WHERE partner_id IS NOT NULL
              GROUP BY partner_id
                """,
                self._kpi_query(company, partner_ids, months),
            )
        )
        result = {}
        for row in rows:
            sales, begin = row["sales"], row["receivable_begin"]
            end, overdue = row["receivable_end"], row["overdue_end"]
            collectible = begin + sales - (end - overdue)
            result[row["partner_id"]] = {
                "sales": sales,
                "dso": float(row["dso"] or 0.0),
                "best_dso": float(row["best_dso"] or 0.0),
                "days_delinquent": float(row["days_delinquent"] or 0.0),
                "cei": 100.0 * (begin + sales - end) / collectible if collectible > 0 else 0.0,
                "overdue_ratio": 100.0 * overdue / end if end > 0 else 0.0,
            }
        return result

    @api.model
    def _flush_kpi_sources(self):
        self.env["debt.ledger"]._flush()

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        self._flush_kpi_sources()
        return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)

    @api.model
    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        self._flush_kpi_sources()
        return super().search_fetch(domain, field_names, offset, limit, order)
