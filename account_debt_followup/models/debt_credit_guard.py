# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models
from odoo.tools import SQL


class DebtCreditGuard(models.Model):
    """One row per customer and company, written by every credit check of that customer.

    Odoo runs transactions in REPEATABLE READ: two users confirming orders for the same customer
    at the same moment each see the exposure without the other's order. Locking the partner
    row does not help (each snapshot still misses the other order). Writing the same guard row
    does: the second transaction fails with a serialization error, Odoo retries it, and the retry
    sees the first order.
    """

    _name = "debt.credit.guard"
    _description = "Credit Check Guard"
    _log_access = False

    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade", readonly=True)
    checked_at = fields.Datetime(readonly=True)

    _sql_constraints = [
        ("partner_company_uniq", "UNIQUE(partner_id, company_id)", "One guard per customer and company."),
    ]

    def _touch(self, pairs):
        """Write the guard rows of ``pairs``, a set of ``(partner_id, company_id)``, in one query."""
        if not pairs:
            return
        rows = SQL(", ").join(
            SQL("(%s, %s, NOW() AT TIME ZONE 'UTC')", partner, company) for partner, company in sorted(pairs)
        )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO debt_credit_guard (partner_id, company_id, checked_at)
                VALUES %s
                ON CONFLICT (partner_id, company_id) DO UPDATE SET checked_at = EXCLUDED.checked_at
                """,
                rows,
            ),
            # a concurrent check fails here with a serialization error on purpose: Odoo retries
            # the request, so it is not logged as a bad query
            log_exceptions=False,
        )
