# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The work items of the scheduled runs (reminders, monthly statements, debtor ratings).

A run selects once what it has to do, with one set-based query, and writes it here as one
row a customer and company: the row is the claim. Batches then take their rows with
``FOR UPDATE SKIP LOCKED``, so that several workers (a second cron job, queue jobs, another
server) share a run without ever taking the same customer, and each customer is processed in
its own savepoint: what fails is recorded on its row and the run goes on.

The unique key (kind, customer, company, period) is what makes a run "never twice": a
reminder is claimed once a day, a statement once a month, a rating change once a day.
"""

import logging
from datetime import timedelta

from psycopg2 import errorcodes

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# the errors two transactions running at once raise: the batch is rolled back whole and its
# items are taken again (by the next batch or the next run); everything else is one customer's
CONCURRENCY_ERRORS = {
    errorcodes.SERIALIZATION_FAILURE,
    errorcodes.DEADLOCK_DETECTED,
    errorcodes.LOCK_NOT_AVAILABLE,
}
# work items are kept that long, to see what a run did or could not do, then deleted
KEEP_DAYS = 62


class DebtFollowupRunLine(models.Model):
    _name = "debt.followup.run.line"
    _description = "Scheduled Follow-up Work Item"
    _order = "period desc, id"
    _check_company_auto = True
    _rec_name = "partner_id"

    kind = fields.Selection(
        [("reminder", "Reminder"), ("statement", "Monthly Statement"), ("rating", "Debtor Rating")],
        string="Run",
        required=True,
        readonly=True,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, ondelete="cascade")
    period = fields.Date(
        required=True,
        readonly=True,
        help="The day of a reminder or rating, the first day of the month of a statement.",
    )
    level_id = fields.Many2one(
        "debt.followup.level", string="Follow-up Level", readonly=True, check_company=True, ondelete="cascade"
    )
    trust = fields.Selection(
        [("good", "Good Debtor"), ("normal", "Normal Debtor"), ("bad", "Bad Debtor")],
        string="Debtor Rating",
        readonly=True,
    )
    reason = fields.Text(readonly=True)
    state = fields.Selection(
        [("todo", "To Do"), ("done", "Done"), ("skipped", "No Longer Needed"), ("failed", "Failed")],
        string="Status",
        required=True,
        default="todo",
        readonly=True,
    )
    error = fields.Text(readonly=True)
    failed_on = fields.Date(readonly=True, help="The day of the last failure.")

    _sql_constraints = [
        (
            "kind_partner_company_period_uniq",
            "UNIQUE(kind, partner_id, company_id, period)",
            "A customer is taken once per run.",
        ),
    ]

    def init(self):
        # the batches look for the items left to do of a run: a small partial index
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS debt_followup_run_line_todo_idx "
                "ON debt_followup_run_line (kind, period, id) WHERE state = 'todo'"
            )
        )

    # ------------------------------------------------------------------ claiming
    @api.model
    def _debt_insert(self, kind, period, rows):
        """Write the work items of a run, ``rows`` being ``(partner_id, company_id, level_id,
        trust, reason)``, in one statement. Those that exist already (done, failed or still to
        do in this period) are left as they are: the number of new items is returned."""
        if not rows:
            return 0
        columns = [list(column) for column in zip(*rows, strict=True)]
        partner_ids, company_ids, level_ids, trusts, reasons = columns
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO debt_followup_run_line
                       (kind, period, partner_id, company_id, level_id, trust, reason, state,
                        create_uid, create_date, write_uid, write_date)
                SELECT %(kind)s, %(period)s, item.partner_id, item.company_id, item.level_id,
                       item.trust, item.reason, 'todo',
                       %(user)s, NOW() AT TIME ZONE 'UTC', %(user)s, NOW() AT TIME ZONE 'UTC'
                  FROM UNNEST(%(partners)s::int[], %(companies)s::int[], %(levels)s::int[],
                              %(trusts)s::varchar[], %(reasons)s::text[])
                       AS item(partner_id, company_id, level_id, trust, reason)
                ON CONFLICT (kind, partner_id, company_id, period) DO NOTHING
                """,
                kind=kind,
                period=period,
                user=self.env.uid,
                partners=partner_ids,
                companies=company_ids,
                levels=level_ids,
                trusts=trusts,
                reasons=reasons,
            ),
            log_exceptions=False,  # a concurrent selection: see _debt_claim
        )
        inserted = self.env.cr.rowcount
        # the items of old runs go: the table holds a couple of months, not the years
        self.env.cr.execute(
            SQL(
                "DELETE FROM debt_followup_run_line WHERE kind = %s AND period < %s",
                kind,
                period - timedelta(days=KEEP_DAYS),
            )
        )
        return inserted

    @api.model
    def _debt_claim(self, kind, period, limit, retry=False):
        """Take at most ``limit`` items left to do of the run ``(kind, period)``, locked until the
        end of this transaction. Items another transaction holds are skipped, not waited for:
        two workers taking batches at once get different customers. With ``retry``, the items
        that failed on an earlier day and are tried again (``_debt_retry_condition``) instead."""
        condition = self._debt_condition(kind, retry)
        if condition is None:
            return self.browse()
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM debt_followup_run_line
                 WHERE kind = %(kind)s AND period = %(period)s AND %(condition)s
              ORDER BY id
                 LIMIT %(limit)s
                   FOR UPDATE SKIP LOCKED
                """,
                kind=kind,
                period=period,
                limit=limit,
                condition=condition,
            ),
            # items another worker committed since this transaction began: a serialization
            # error, handled by the run (_debt_run), not a fault to log
            log_exceptions=False,
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _debt_count(self, kind, period, retry=False):
        """How many items of the run are left to do (including those other workers hold), or
        with ``retry`` how many failed items are to be tried again."""
        condition = self._debt_condition(kind, retry)
        if condition is None:
            return 0
        self.flush_model()
        return self.env.execute_query(
            SQL(
                "SELECT COUNT(*) FROM debt_followup_run_line WHERE kind = %s AND period = %s AND %s",
                kind,
                period,
                condition,
            )
        )[0][0]

    @api.model
    def _debt_condition(self, kind, retry):
        """SQL: the items of a ``kind`` of run left to do, or with ``retry`` those tried again
        (``_debt_retry_condition``); ``None`` when there are none such."""
        return self._debt_retry_condition(kind) if retry else SQL("state = 'todo'")

    @api.model
    def _debt_retry_condition(self, kind):
        """SQL: the failed items tried again: a monthly statement that failed on an earlier day
        of its month (an address added since, a rendering that failed once); ``None`` for the
        other runs: a reminder or a rating is a new item the next day anyway."""
        if kind != "statement":
            return None
        return SQL("state = 'failed' AND failed_on < %s", fields.Date.context_today(self))

    def _debt_process(self, process_one):
        """Call ``process_one(item)`` for each item, each in its own savepoint.

        A concurrency error (serialization failure, deadlock, lock not available) is raised: the
        whole batch is rolled back and its items are taken again later. Any other error is
        rolled back to the customer's savepoint and recorded on its item, which is not taken
        again in this run: a customer whose data breaks the run cannot stop the others, nor get
        the scheduled action deactivated by failing it every time.

        :return: ``{item: error}`` of the items that failed (already marked failed)
        """
        failures = {}
        done = self.browse()
        for item in self:
            try:
                with self.env.cr.savepoint():
                    process_one(item)
            except Exception as error:
                if getattr(error, "pgcode", None) in CONCURRENCY_ERRORS:
                    raise
                _logger.info("Scheduled %s of partner %s failed: %s", item.kind, item.partner_id.id, error)
                failures[item] = error
                continue
            done |= item
        # sudo: the work items are written by the runs only (read-only access rights)
        done.sudo().write({"state": "done"})
        for item, error in failures.items():
            item.sudo().write(
                {"state": "failed", "error": str(error), "failed_on": fields.Date.context_today(self)}
            )
        return failures
