# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The receivables ledger: every receivable (and payable) figure of the module is read here.

Screens, rules and documents choose options; they do not write their own query. The choices
that decide what a figure means are made once, here:

- **Scope**: a company counts with its main company and every branch of it, as Odoo's own
  partner credit does (``company.root_id`` and its children).
- **As of a date** ``D``: the items dated on or before ``D``, with their residual rebuilt from
  the partial reconciliations dated (``max_date``) on or before ``D``. Without a date, the
  residual now, of every item.
- **Today** is the user's date (``fields.Date.context_today``), never the database clock.
- **Disputed items** (excluded from the follow-up) count in the balance (open amount,
  statements, aged balance, exposure) and never in what is overdue (amount, days, level).
- **Unapplied credits** (payments and credit notes not matched yet) pay the oldest debits
  first: a debit they cover is not overdue, has no days overdue and reaches no level.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

RECEIVABLE = ("asset_receivable",)
RECEIVABLE_PAYABLE = ("asset_receivable", "liability_payable")


class DebtLedger(models.AbstractModel):
    _name = "debt.ledger"
    _description = "Receivables Ledger"

    # ------------------------------------------------------------------ items
    @api.model
    def _scope(self, companies):
        """SQL: the ids of the companies whose items count for ``companies`` (their main
        companies and every branch), as a parameter: the query planner has less to do."""
        return SQL("%s", tuple(self._scope_ids(companies)))

    @api.model
    def _scope_ids(self, companies):
        """The main companies of ``companies`` and all their branches."""
        # sudo: the scope is the companies' structure, read whatever the user's companies
        todo = companies.sudo().root_id
        scope = todo
        while todo:  # branches of branches: one cached read a level
            todo = todo.child_ids - scope
            scope |= todo
        return sorted(scope.ids)

    @api.model
    def _today(self):
        return fields.Date.context_today(self)

    @api.model
    def _items(
        self,
        companies,
        partner_ids=None,
        as_of=None,
        today=None,
        account_types=RECEIVABLE,
        open_only=True,
        date_from=None,
        date_to=None,
    ):
        """SQL selecting the ledger's items, one row a journal item.

        :param companies: the items of these companies, their main companies and branches
        :param partner_ids: commercial partners; ``None`` for all
        :param as_of: the residuals and items as of this date (see the module docstring)
        :param today: the date days overdue are counted to (default: ``as_of``, else today)
        :param open_only: only the items open (residual not zero); else every posted item,
            for movements and histories, limited to ``date_from``..``date_to`` when given

        Columns: ``id, move_id, company_id, root_company_id, partner_id`` (commercial),
        ``account_id, account_type, move_type, move_name, ref, name, payment_id, invoice_user_id, date,
        due, days`` (overdue, negative when not due), ``currency_id, company_currency_id,
        balance, amount_currency, residual, residual_currency`` (as of), ``disputed,
        expected_payment_date, followup_level_id``.
        """
        today = today or as_of or self._today()
        roots = companies.sudo().root_id  # sudo: the structure of the companies, see _scope_ids
        if as_of:
            # what was matched after the date is given back to both sides it matched; for a few
            # customers, only the matches of their own items are read
            def of_partners(column):
                if partner_ids is None:
                    return SQL()
                return SQL(
                    """AND %s IN (SELECT line.id FROM account_move_line line
                                   JOIN res_partner owner ON owner.id = line.partner_id
                                  WHERE owner.commercial_partner_id = ANY(%s))""",
                    SQL.identifier(column),
                    list(partner_ids),
                )

            late_join = SQL(
                """
                LEFT JOIN (
                    SELECT line_id, SUM(amount) AS amount, SUM(amount_currency) AS amount_currency
                      FROM (
                        SELECT debit_move_id AS line_id, amount, debit_amount_currency AS amount_currency
                          FROM account_partial_reconcile WHERE max_date > %(as_of)s %(debit_of)s
                        UNION ALL
                        SELECT credit_move_id, -amount, -credit_amount_currency
                          FROM account_partial_reconcile WHERE max_date > %(as_of)s %(credit_of)s
                      ) later
                  GROUP BY line_id
                ) late ON late.line_id = aml.id
                """,
                as_of=as_of,
                debit_of=of_partners("debit_move_id"),
                credit_of=of_partners("credit_move_id"),
            )
            residual = SQL("aml.amount_residual + COALESCE(late.amount, 0.0)")
            residual_currency = SQL("aml.amount_residual_currency + COALESCE(late.amount_currency, 0.0)")
            open_filter = SQL(
                "AND aml.date <= %s AND (aml.reconciled IS NOT TRUE OR late.line_id IS NOT NULL) AND %s != 0",
                as_of,
                residual,
            )
        else:
            late_join = SQL()
            residual = SQL("aml.amount_residual")
            residual_currency = SQL("aml.amount_residual_currency")
            open_filter = SQL("AND aml.reconciled IS NOT TRUE AND aml.amount_residual != 0")
        if not open_only:
            open_filter = SQL()
            if as_of:
                open_filter = SQL("AND aml.date <= %s", as_of)
        partner_filter = (
            SQL("AND partner.commercial_partner_id = ANY(%s)", list(partner_ids))
            if partner_ids is not None
            else SQL()
        )
        period_filter = SQL(
            "%s %s",
            SQL("AND aml.date >= %s", date_from) if date_from else SQL(),
            SQL("AND aml.date <= %s", date_to) if date_to else SQL(),
        )
        return SQL(
            """
            SELECT aml.id, aml.move_id, aml.company_id, %(root)s AS root_company_id,
                   partner.commercial_partner_id AS partner_id, aml.account_id, account.account_type,
                   move.move_type, move.name AS move_name, move.ref, aml.name, aml.payment_id,
                   move.invoice_user_id, aml.date, COALESCE(aml.date_maturity, aml.date) AS due,
                   %(today)s - COALESCE(aml.date_maturity, aml.date) AS days,
                   aml.currency_id, company.currency_id AS company_currency_id,
                   aml.balance, aml.amount_currency,
                   %(residual)s AS residual, %(residual_currency)s AS residual_currency,
                   (aml.followup_excluded OR aml.debt_disputed) IS TRUE AS disputed,
                   aml.expected_payment_date, aml.followup_level_id
              FROM account_move_line aml
              JOIN account_account account ON account.id = aml.account_id
              JOIN res_partner partner ON partner.id = aml.partner_id
              -- left joins on a key: the planner drops them when their columns are not read
              LEFT JOIN account_move move ON move.id = aml.move_id
              LEFT JOIN res_company company ON company.id = aml.company_id
              %(late_join)s
             -- the accounts' ids as an array: the planner counts the items of those accounts
             -- from its statistics (joined on the type, it took 1 in 25 and joined row by row)
             WHERE aml.account_id = ANY(ARRAY(
                       SELECT id FROM account_account WHERE account_type = ANY(%(types)s)))
               AND aml.parent_state = 'posted'
               AND aml.company_id IN %(scope)s
               %(partner_filter)s %(open_filter)s %(period_filter)s
            """,
            today=today,
            root=SQL("%s", roots.id)
            if len(roots) == 1
            else SQL("split_part(company.parent_path, '/', 1)::int"),
            residual=residual,
            residual_currency=residual_currency,
            late_join=late_join,
            types=list(account_types),
            scope=self._scope(companies),
            partner_filter=partner_filter,
            open_filter=open_filter,
            period_filter=period_filter,
        )

    @api.model
    def _ranked(self, companies, partner_ids=None, as_of=None, today=None):
        """SQL: the open receivable items with ``uncovered``: a debit not disputed that the
        customer's unapplied credits do not pay, the oldest due being paid first, and
        ``net_running``: for such a debit, what is left of the customer's debits due up to it
        (itself included) once its unapplied credits paid them; not positive, it is paid.

        One running sum does it: the customer's credits not disputed come first, then its debits
        not disputed, oldest due first. (Two windows, the credits apart, cost twice the time.)"""
        return SQL(
            """
            SELECT ranked.*,
                   ranked.residual > 0 AND NOT ranked.disputed AND ranked.net_running > 0 AS uncovered
              FROM (
                SELECT items.*,
                       SUM(residual) FILTER (WHERE NOT disputed) OVER (
                           PARTITION BY partner_id, root_company_id ORDER BY residual > 0, due, id
                       ) AS net_running
                  FROM (%s) items
              ) ranked
            """,
            self._items(companies, partner_ids, as_of=as_of, today=today),
        )

    # ------------------------------------------------------------------ per partner
    @api.model
    def _partner_totals_sql(self, companies, partner_ids=None, as_of=None, today=None):
        """SQL: per commercial partner and main company, ``open`` (the balance), ``disputed``,
        ``overdue`` (net of unapplied credits) and ``max_days`` (of the oldest overdue debit
        not paid by them)."""
        return SQL(
            """
            SELECT partner_id, root_company_id,
                   SUM(residual) AS open,
                   COALESCE(SUM(residual) FILTER (WHERE disputed), 0.0) AS disputed,
                   GREATEST(COALESCE(SUM(residual) FILTER (
                                WHERE residual > 0 AND NOT disputed AND days > 0), 0.0)
                            + COALESCE(SUM(residual) FILTER (WHERE residual < 0 AND NOT disputed), 0.0),
                            0.0) AS overdue,
                   COALESCE(MAX(days) FILTER (WHERE uncovered AND days > 0), 0) AS max_days
              FROM (%s) ranked
          GROUP BY partner_id, root_company_id
            """,
            self._ranked(companies, partner_ids, as_of=as_of, today=today),
        )

    @api.model
    def _partner_totals(self, company, partner_ids=None, as_of=None):
        """``{partner_id: {"open", "disputed", "overdue", "max_days"}}`` in ``company``'s
        currency, rounded, with one query."""
        self._flush()
        currency = company.currency_id
        return {
            row["partner_id"]: {
                "open": currency.round(row["open"]),
                "disputed": currency.round(row["disputed"]),
                "overdue": currency.round(row["overdue"]),
                "max_days": row["max_days"],
            }
            for row in self.env.execute_query_dict(
                self._partner_totals_sql(company, partner_ids, as_of=as_of)
            )
        }

    @api.model
    def _exposure_sql(self, company, partner_ids, exclude_order_ids=()):
        """SQL: per commercial partner, what is not in the ledger yet but will be: draft customer
        invoices and credit notes, and confirmed orders left to invoice (taxes included, at the
        order's rate). Quantities invoiced count draft invoices too, so nothing counts twice; a
        down payment line gives back what its invoices brought to the receivable until the final
        invoice deducts it."""
        return SQL(
            """
            SELECT partner.commercial_partner_id AS partner_id,
                   move.amount_total_signed AS draft, 0.0 AS to_invoice
              FROM account_move move
              JOIN res_partner partner ON partner.id = move.partner_id
             WHERE move.state = 'draft'
               AND move.move_type IN ('out_invoice', 'out_refund', 'out_receipt')
               AND move.company_id IN %(scope)s
               AND partner.commercial_partner_id = ANY(%(partner_ids)s)
            UNION ALL
            SELECT partner.commercial_partner_id, 0.0,
                   CASE
                       WHEN line.is_downpayment THEN -COALESCE((
                           SELECT SUM(inv_line.price_total
                                      * CASE WHEN inv_move.move_type = 'out_refund' THEN -1 ELSE 1 END
                                      * inv_line.balance / NULLIF(inv_line.amount_currency, 0))
                             FROM sale_order_line_invoice_rel rel
                             JOIN account_move_line inv_line ON inv_line.id = rel.invoice_line_id
                             JOIN account_move inv_move ON inv_move.id = inv_line.move_id
                            WHERE rel.order_line_id = line.id
                              AND inv_move.state != 'cancel'
                       ), 0.0)
                       -- invoiced on delivery: what was ordered will be invoiced, and more
                       -- when more was delivered; it counts from the confirmation on
                       WHEN line.product_uom_qty != 0 THEN GREATEST(
                           CASE WHEN template.invoice_policy = 'delivery'
                                THEN GREATEST(line.product_uom_qty, line.qty_delivered)
                                ELSE line.product_uom_qty END
                           - line.qty_invoiced, 0.0)
                           * line.price_total / line.product_uom_qty
                           / COALESCE(NULLIF(sale.currency_rate, 0), 1.0)
                       ELSE 0.0
                   END
              FROM sale_order_line line
              JOIN sale_order sale ON sale.id = line.order_id
              JOIN res_partner partner ON partner.id = sale.partner_id
         LEFT JOIN product_product product ON product.id = line.product_id
         LEFT JOIN product_template template ON template.id = product.product_tmpl_id
             WHERE sale.state = 'sale'
               AND sale.id != ALL(%(exclude_order_ids)s::int[])
               AND line.display_type IS NULL
               AND sale.company_id IN %(scope)s
               AND partner.commercial_partner_id = ANY(%(partner_ids)s)
            """,
            scope=self._scope(company),
            partner_ids=list(partner_ids),
            exclude_order_ids=list(exclude_order_ids),
        )

    @api.model
    def _partner_figures(self, company, partner_ids, exclude_order_ids=()):
        """The credit figures of commercial partners in ``company``, with one query:
        ``{partner_id: {"open", "disputed", "draft", "to_invoice", "overdue", "max_days"}}``."""
        if not partner_ids:
            return {}
        self._flush()
        query = SQL(
            """
            WITH ledger AS (%(ledger)s), exposure AS (
                SELECT partner_id, SUM(draft) AS draft, SUM(to_invoice) AS to_invoice
                  FROM (%(exposure)s) parts
              GROUP BY partner_id
            )
            SELECT COALESCE(ledger.partner_id, exposure.partner_id) AS partner_id,
                   COALESCE(ledger.open, 0.0) AS open, COALESCE(ledger.disputed, 0.0) AS disputed,
                   COALESCE(exposure.draft, 0.0) AS draft, COALESCE(exposure.to_invoice, 0.0) AS to_invoice,
                   COALESCE(ledger.overdue, 0.0) AS overdue, COALESCE(ledger.max_days, 0) AS max_days
              FROM ledger
         FULL JOIN exposure ON exposure.partner_id = ledger.partner_id
            """,
            ledger=self._partner_totals_sql(company, partner_ids),
            exposure=self._exposure_sql(company, partner_ids, exclude_order_ids),
        )
        currency = company.currency_id
        return {
            row["partner_id"]: {
                "open": currency.round(row["open"]),
                "disputed": currency.round(row["disputed"]),
                "draft": currency.round(row["draft"]),
                "to_invoice": currency.round(row["to_invoice"]),
                "overdue": currency.round(row["overdue"]),
                "max_days": row["max_days"],
            }
            for row in self.env.execute_query_dict(query)
        }

    @api.model
    def _open_items(self, company, partner_ids, as_of, account_types=RECEIVABLE):
        """The open receivable (or payable) items of commercial partners as of a date, oldest
        due first."""
        self._flush()
        return self.env.execute_query_dict(
            SQL(
                "SELECT * FROM (%s) items ORDER BY due, date, id",
                self._items(company, partner_ids, as_of=as_of, account_types=account_types),
            )
        )

    @api.model
    def _movements(self, company, partner_ids, date_from, date_to, account_types=RECEIVABLE):
        """The balance of commercial partners before ``date_from`` and their receivable (or
        payable) items dated from ``date_from`` to ``date_to``, with two queries.

        :return: ``({partner_id: opening balance}, [item rows, by date])``
        """
        self._flush()
        opening = dict(
            self.env.execute_query(
                SQL(
                    "SELECT partner_id, SUM(balance) FROM (%s) items GROUP BY partner_id",
                    self._items(
                        company,
                        partner_ids,
                        open_only=False,
                        date_to=date_from - timedelta(days=1),
                        account_types=account_types,
                    ),
                )
            )
        )
        rows = self.env.execute_query_dict(
            SQL(
                "SELECT * FROM (%s) items ORDER BY date, id",
                self._items(
                    company,
                    partner_ids,
                    open_only=False,
                    date_from=date_from,
                    date_to=date_to,
                    today=date_to,
                    account_types=account_types,
                ),
            )
        )
        return opening, rows

    # ------------------------------------------------------------------ freshness
    @api.model
    def _flush(self):
        """Write pending ORM changes of every table the ledger reads."""
        self.env["account.move.line"].flush_model()
        self.env["account.move"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["sale.order"].flush_model(["company_id", "currency_rate", "partner_id", "state"])
        self.env["sale.order.line"].flush_model()
        self.env["product.template"].flush_model(["invoice_policy"])
