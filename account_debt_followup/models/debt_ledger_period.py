# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The receivables ledger, period part: the figures of a period and of a closing date that the
month-end reports read (summary of debts, provisions, late-payment interest, forecast).

Every figure still comes from ``debt.ledger._items``: the same scope, the same posted items,
the same residuals as of a date.
"""

from odoo import api, models
from odoo.tools import SQL

from .debt_ledger import RECEIVABLE_PAYABLE


class DebtLedger(models.AbstractModel):
    _inherit = "debt.ledger"

    # ------------------------------------------------------------------ summary of debts
    @api.model
    def _period_summary_sql(self, companies, date_from, date_to, account_types=RECEIVABLE_PAYABLE):
        """SQL: one row per company, commercial partner and account with a balance or a movement
        (bảng tổng hợp công nợ): the balance before ``date_from`` (opening), the debits and the
        credits dated from ``date_from`` to ``date_to`` (movements) and the balance on ``date_to``
        (closing), each balance split in a debit side and a credit side, in company currency.

        The closing balance is the opening one plus the movements, and the ledger's balance as of
        ``date_to``: the sum of every posted item dated on or before it.

        Columns: ``id`` (the smallest item id of the row: stable for a given ``date_to``),
        ``company_id, partner_id, account_id, account_type, currency_id, user_id`` (the partner's
        salesperson), ``date_from, date_to, opening_balance, opening_debit, opening_credit,
        debit, credit, closing_balance, closing_debit, closing_credit``.
        """
        return SQL(
            """
            SELECT summary.*,
                   GREATEST(summary.opening_balance, 0.0) AS opening_debit,
                   GREATEST(-summary.opening_balance, 0.0) AS opening_credit,
                   GREATEST(summary.closing_balance, 0.0) AS closing_debit,
                   GREATEST(-summary.closing_balance, 0.0) AS closing_credit
              FROM (
                SELECT MIN(items.id) AS id, items.company_id, items.partner_id, items.account_id,
                       items.account_type, items.company_currency_id AS currency_id,
                       partner.user_id, %(date_from)s::date AS date_from, %(date_to)s::date AS date_to,
                       COALESCE(SUM(items.balance) FILTER (WHERE items.date < %(date_from)s), 0.0)
                           AS opening_balance,
                       COALESCE(SUM(items.balance) FILTER (
                           WHERE items.date >= %(date_from)s AND items.balance > 0), 0.0) AS debit,
                       COALESCE(-SUM(items.balance) FILTER (
                           WHERE items.date >= %(date_from)s AND items.balance < 0), 0.0) AS credit,
                       SUM(items.balance) AS closing_balance,
                       BOOL_OR(items.date >= %(date_from)s) AS moved
                  FROM (%(items)s) items
                  JOIN res_partner partner ON partner.id = items.partner_id
              GROUP BY items.company_id, items.partner_id, items.account_id, items.account_type,
                       items.company_currency_id, partner.user_id
              ) summary
             WHERE summary.moved OR summary.opening_balance != 0
            """,
            date_from=date_from,
            date_to=date_to,
            items=self._items(companies, open_only=False, date_to=date_to, account_types=account_types),
        )

    # ------------------------------------------------------------------ provisions
    @api.model
    def _provision_items(self, company, as_of, due_before):
        """The open receivable debits of ``company`` as of a closing date, due on or before
        ``due_before``, with ``base``: what the provision is computed on.

        The base is the item's residual as of the date less what the customer's unapplied
        credits pay of it (they pay the oldest debits first, see ``debt.ledger``); a disputed
        item keeps its whole residual: a dispute makes a debt more doubtful, not less.

        :return: rows ``id, move_id, move_name, partner_id, company_id, date, due, residual,
            disputed, base``, by partner and due date
        """
        self._flush()
        return self.env.execute_query_dict(
            SQL(
                """
                SELECT id, move_id, move_name, partner_id, company_id, date, due, residual, disputed,
                       CASE WHEN disputed THEN residual
                            ELSE LEAST(residual, GREATEST(net_running, 0.0))
                       END AS base
                  FROM (%(ranked)s) ranked
                 WHERE residual > 0 AND due <= %(due_before)s
              ORDER BY partner_id, due, id
                """,
                ranked=self._ranked(company, as_of=as_of),
                due_before=due_before,
            )
        )

    # ------------------------------------------------------------------ late-payment interest
    @api.model
    def _interest_items(self, company, partner_ids, date_from, date_to, grace_days, only_open=False):
        """The receivable debits of ``company`` that were overdue, past the grace period, on a
        day from ``date_from`` (``None``: their due date) to ``date_to``, with what paid them up
        to ``date_to``: the matter late-payment interest is computed on, day by day.

        Left out: disputed items, items fully paid before the period or within their grace
        period, the interest notes themselves (no interest on interest).

        :param only_open: only the items still open now (the interest a reminder shows)
        :return: rows ``id, move_id, move_name, partner_id, due, balance, charged_to`` (the last
            day interest was charged on, by a note not cancelled), ``paid_dates, paid_amounts``
            (the reconciliations, oldest first, dated on their ``max_date``), by partner and due
        """
        self._flush()
        self.env["debt.interest.line"].flush_model()
        start = (
            SQL("GREATEST(items.due + %s, %s::date)", grace_days, date_from)
            if date_from
            else SQL("items.due + %s", grace_days)
        )
        return self.env.execute_query_dict(
            SQL(
                """
                SELECT items.id, items.move_id, items.move_name, items.partner_id, items.due, items.balance,
                       (SELECT MAX(charged.date_to)
                          FROM debt_interest_line charged
                          JOIN account_move note ON note.id = charged.invoice_id
                         WHERE charged.move_line_id = items.id AND note.state != 'cancel') AS charged_to,
                       ARRAY(SELECT part.max_date FROM account_partial_reconcile part
                              WHERE part.debit_move_id = items.id AND part.max_date <= %(date_to)s
                           ORDER BY part.max_date, part.id) AS paid_dates,
                       ARRAY(SELECT part.amount FROM account_partial_reconcile part
                              WHERE part.debit_move_id = items.id AND part.max_date <= %(date_to)s
                           ORDER BY part.max_date, part.id) AS paid_amounts
                  FROM (%(items)s) items
                 WHERE items.balance > 0
                   AND NOT items.disputed
                   AND items.due + %(grace)s < %(date_to)s
                   AND %(only_open)s
                   AND NOT EXISTS (SELECT 1 FROM debt_interest_line note_line
                                    WHERE note_line.invoice_id = items.move_id)
                   AND items.balance - COALESCE((
                        SELECT SUM(part.amount) FROM account_partial_reconcile part
                         WHERE part.debit_move_id = items.id AND part.max_date <= %(start)s), 0.0) > 0
              ORDER BY items.partner_id, items.due, items.id
                """,
                items=self._items(company, partner_ids, open_only=False, date_to=date_to),
                date_to=date_to,
                grace=grace_days,
                start=start,
                only_open=SQL("items.residual > 0") if only_open else SQL("TRUE"),
            )
        )

    # ------------------------------------------------------------------ year-end confirmations
    @api.model
    def _partners_with_balance(self, company, as_of, account_type):
        """The commercial partners of ``company`` with a balance on ``as_of`` on their
        receivables (or payables), whatever their sign: those a year-end batch confirms."""
        self._flush()
        currency = company.currency_id
        rows = self.env.execute_query(
            SQL(
                "SELECT partner_id, SUM(residual) FROM (%s) items GROUP BY partner_id ORDER BY partner_id",
                self._items(company, as_of=as_of, account_types=(account_type,)),
            )
        )
        return [partner_id for partner_id, balance in rows if not currency.is_zero(balance)]

    # ------------------------------------------------------------------ collection forecast
    @api.model
    def _forecast_sql(self, companies, today, days_late):
        """SQL: the open receivable debits, with the day their cash is expected.

        The expected day is the earliest open promise to pay of the item, else its expected
        payment date, else its due date plus the customer's average days late (``days_late``:
        ``{partner_id: days}``, from the debtor rating); a day already past is today. The amount
        is what the customer's unapplied credits do not pay of the item; disputed items are left
        out: nobody knows when they will be paid.

        Columns: ``id, company_id, partner_id, move_id, currency_id, due, expected_date, basis``
        (``promise``, ``expected``, ``history``, ``due`` or ``late``), ``days_late, amount``.
        """
        late = (
            SQL(
                "(VALUES %s) AS late(partner_id, days)",
                SQL(", ").join(
                    SQL("(%s, %s)", partner_id, round(days)) for partner_id, days in days_late.items()
                ),
            )
            if days_late
            else SQL("(SELECT NULL::int AS partner_id, 0 AS days) AS late")
        )
        return SQL(
            """
            SELECT forecast.id, forecast.company_id, forecast.partner_id, forecast.move_id,
                   forecast.currency_id, forecast.due, forecast.days_late, forecast.amount,
                   GREATEST(forecast.expected, %(today)s) AS expected_date,
                   CASE WHEN forecast.expected < %(today)s THEN 'late' ELSE forecast.basis END AS basis
              FROM (
                SELECT ranked.id, ranked.company_id, ranked.partner_id, ranked.move_id,
                       ranked.company_currency_id AS currency_id, ranked.due,
                       COALESCE(late.days, 0) AS days_late,
                       LEAST(ranked.residual, ranked.net_running) AS amount,
                       COALESCE(promise.promised_date, ranked.expected_payment_date,
                                ranked.due + COALESCE(late.days, 0)) AS expected,
                       CASE WHEN promise.promised_date IS NOT NULL THEN 'promise'
                            WHEN ranked.expected_payment_date IS NOT NULL THEN 'expected'
                            WHEN COALESCE(late.days, 0) != 0 THEN 'history'
                            ELSE 'due' END AS basis
                  FROM (%(ranked)s) ranked
             LEFT JOIN %(late)s ON late.partner_id = ranked.partner_id
             LEFT JOIN LATERAL (
                    SELECT MIN(promise.promised_date) AS promised_date
                      FROM debt_payment_promise_line_rel rel
                      JOIN debt_payment_promise promise ON promise.id = rel.promise_id
                     WHERE rel.line_id = ranked.id AND promise.promised_date >= %(today)s
                   ) promise ON TRUE
                 WHERE ranked.uncovered
              ) forecast
            """,
            today=today,
            late=late,
            ranked=self._ranked(companies, today=today),
        )
