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
                            ELSE LEAST(residual, GREATEST(running - COALESCE(credits, 0.0), 0.0))
                       END AS base
                  FROM (%(ranked)s) ranked
                 WHERE residual > 0 AND due <= %(due_before)s
              ORDER BY partner_id, due, id
                """,
                ranked=self._ranked(company, as_of=as_of),
                due_before=due_before,
            )
        )
