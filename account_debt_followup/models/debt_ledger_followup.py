# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The receivables ledger, reminder part: the items a reminder lists, for one customer (a
reminder sent by hand) or for a whole batch of the scheduled run in one query.

The items come from ``debt.ledger._ranked``: the same scope, residuals, disputes and unapplied
credits as every other figure of the module.
"""

from odoo import api, models
from odoo.tools import SQL


class DebtLedger(models.AbstractModel):
    _inherit = "debt.ledger"

    @api.model
    def _followup_items(self, company, min_days):
        """The open items the reminders of ``company`` (its main company and branches) list:
        the customer's debits not disputed that its unapplied credits do not pay, oldest due
        first, one query for every customer of ``min_days``.

        :param min_days: ``{commercial partner id: days}``: only the items overdue by at least
            ``days`` (the delay of the level sent), or every uncovered item when ``days`` is
            ``None`` (a level that joins all open items)
        :return: ``{partner id: [item ids]}`` (every partner of ``min_days``, maybe empty)
        """
        items = {partner_id: [] for partner_id in min_days}
        if not min_days:
            return items
        self._flush()
        partner_ids = list(min_days)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT ranked.partner_id, ranked.id
                  FROM (%(ranked)s) ranked
                  JOIN UNNEST(%(partners)s::int[], %(days)s::int[]) AS wanted(partner_id, days)
                    ON wanted.partner_id = ranked.partner_id
                 WHERE ranked.uncovered AND (wanted.days IS NULL OR ranked.days >= wanted.days)
              ORDER BY ranked.partner_id, ranked.due, ranked.id
                """,
                ranked=self._ranked(company.root_id, partner_ids),
                partners=partner_ids,
                days=[min_days[partner_id] for partner_id in partner_ids],
            )
        )
        for partner_id, item_id in rows:
            items[partner_id].append(item_id)
        return items
