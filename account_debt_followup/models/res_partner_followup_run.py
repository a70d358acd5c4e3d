# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""res.partner, follow-up part: the scheduled reminder run (and the runs' common steps), the buttons.

The monthly statements are in res_partner_statement_run.py, the rating run in
res_partner_rating.py, the work items in debt_followup_run_line.py.

The status and the follow-up fields are in res_partner_followup.py, the credit figures in
res_partner.py.
"""

import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from .debt_followup_run_line import CONCURRENCY_ERRORS

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------------ scheduled run
    @api.model
    def _debt_followup_due(self, company, partner_ids=None):
        """``[(partner_id, level_id)]`` the scheduled run sends now in ``company``: in need of an
        automatic level, not reminded today nor within the company's minimum interval. One
        query on the ledger, for every customer or for the commercial partners ``partner_ids``
        only (a batch checking that its customers are still due)."""
        today = fields.Date.context_today(self)
        interval_start = today - timedelta(days=company.debt_followup_min_interval)
        due = []
        if partner_ids is None:
            all_data = self.with_company(company)._get_followup_data(company, all_partners=True)
        else:
            all_data = self.with_company(company).browse(partner_ids)._get_followup_data(company)
        for partner_id, data in all_data.items():
            if (
                data["todo_level_id"]
                and data["todo_auto"]
                and not data["reminded_today"]
                and (not data["last_date"] or data["last_date"] <= interval_start)
                and self._debt_followup_status_of(data, today) == "in_need_of_action"
            ):
                due.append((partner_id, data["todo_level_id"]))
        return sorted(due)

    @api.model
    def _debt_followup_select(self):
        """The reminders of today's run in every company with the follow-up on, as work items
        ``(partner_id, company_id, level_id, trust, reason)``: one query on the ledger a company
        (branches are reminded with their main company)."""
        rows = []
        for company in self.env["res.company"].search(
            [("debt_followup_enabled", "=", True), ("parent_id", "=", False)]
        ):
            rows += [
                (partner_id, company.id, level_id, None, None)
                for partner_id, level_id in self._debt_followup_due(company)
            ]
        return rows

    @api.model
    def _cron_debt_followup(self, batch_size=50):
        """Send the automatic reminders due in every company, ``batch_size`` customers a call.

        **Select once, claim, process.** The first call of the day selects every due customer
        with one query on the ledger a company and writes them as work items
        (``debt.followup.run.line``, unique per customer, company and day): that is the claim.
        Each call then takes a batch of items with ``FOR UPDATE SKIP LOCKED`` and sends them,
        each customer in its own savepoint; a batch costs the same whatever the number of
        customers. Odoo commits after each call and calls again while ``_notify_progress`` says
        some are left; when none is left the run selects once more (the customers due since
        the first selection, a run started again by hand) and stops when nothing is new.

        A call that crashes is rolled back whole: its items are to do again and the next call
        takes them; what was committed is never sent again (the items are done, and the
        follow-up history keeps one row per customer, level and day). A customer whose reminder
        fails is recorded (``_debt_followup_log_failure``) and the run goes on; its item stays
        failed for the day, the run of the next day tries again. When a batch leaves more than
        one batch to do, the helper job (``_cron_debt_run_help``) is triggered to share the run
        on another cron worker.

        :return: the number of customers taken by this call (0: the run is over)
        """
        return self._debt_run("reminder", fields.Date.context_today(self), batch_size, select=True)

    @api.model
    def _debt_run(self, kind, period, batch_size, select=False):
        """One batch of the run ``(kind, period)``: take items, process them, report progress.

        With ``select``, an empty queue is filled first with the selection of ``kind``; a
        selection leaving more than one batch to do is shared with other workers
        (``_debt_run_share``).

        :return: the number of items taken
        """
        # sudo: the work items are the runs' own bookkeeping, whoever the job's user is
        Item = self.env["debt.followup.run.line"].sudo()
        selected = False
        try:
            with self.env.cr.savepoint():
                items = Item._debt_claim(kind, period, batch_size)
                # select when the run is over only: items still to do but held by other workers
                # are theirs, this worker stops (selecting again would wait for their rows)
                if not items and select and not Item._debt_count(kind, period):
                    Item._debt_insert(kind, period, self._debt_run_selectors()[kind]())
                    selected = True
                    items = Item._debt_claim(kind, period, batch_size)
                if not items:  # the run is over: what failed on an earlier day, again
                    items = Item._debt_claim(kind, period, batch_size, retry=True)
                if items:
                    self._debt_run_processors()[kind](items)
        except Exception as error:
            cron_id = self.env.context.get("cron_id")
            if getattr(error, "pgcode", None) not in CONCURRENCY_ERRORS or not cron_id:
                raise  # queue jobs: queue_job retries concurrency errors itself
            # Another worker committed items of this run after this transaction began (Odoo's
            # transactions are REPEATABLE READ): nothing of this batch is kept, and the
            # scheduled action is called again in a minute, in a new transaction, instead of
            # failing (which would put it off to the next day, and deactivate it in the end).
            _logger.info("Scheduled %s run: batch given up on a concurrent update (%s)", kind, error)
            # sudo: the job's user may not write scheduled actions; this only asks Odoo to run it again
            self.env["ir.cron"].sudo().browse(cron_id)._trigger(
                at=fields.Datetime.now() + timedelta(minutes=1)
            )
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return 0
        remaining = Item._debt_count(kind, period) + Item._debt_count(kind, period, retry=True)
        if selected and remaining > batch_size and self._debt_run_share(kind, period, batch_size, remaining):
            remaining = 0  # handed over: this scheduled action stops here
        self.env["ir.cron"]._notify_progress(done=len(items), remaining=remaining)
        return len(items)

    @api.model
    def _debt_run_selectors(self):
        return {
            "reminder": self._debt_followup_select,
            "statement": self._debt_statement_select,
            "rating": self._debt_rating_select,
        }

    @api.model
    def _debt_run_processors(self):
        return {
            "reminder": self._debt_followup_run_batch,
            "statement": self._debt_statement_run_batch,
            "rating": self._debt_rating_run_batch,
        }

    @api.model
    def _debt_run_share(self, kind, period, batch_size, remaining):
        """Have other workers take batches of the large run just selected, beside this one.

        Here: trigger the helper scheduled action (``_cron_debt_run_help``), which another cron
        worker or server runs at the same time; an administrator may copy it for more workers.
        The queue glue module (``account_debt_followup_queue``) posts queue jobs instead.

        :return: True when the rest of the run is handed over and this job should stop
        """
        helper = self.env.ref("account_debt_followup.ir_cron_debt_run_help", raise_if_not_found=False)
        if helper and helper.active:
            # sudo: the scheduled action's user may not read scheduled actions; triggering
            # one only asks Odoo to run it soon
            helper.sudo()._trigger()
        return False

    @api.model
    def _cron_debt_run_help(self, batch_size=50):
        """The helper job: takes batches of the reminder runs and statement runs under way,
        never selects. Several helpers (a copy of this scheduled action, another server) share
        the work through ``FOR UPDATE SKIP LOCKED``.

        :return: the number of customers taken by this call
        """
        today = fields.Date.context_today(self)
        done = self._debt_run("reminder", today, batch_size)
        if not done:
            done = self._debt_run("statement", today.replace(day=1), max(batch_size // 5, 1))
        return done

    def _debt_followup_run_batch(self, items):
        """Send the reminders of the work items ``items`` (claimed): together
        (``_debt_followup_send_batch``), and those that could not be sent together each in its
        own savepoint, where a failure is recorded on its customer.

        Read per batch, not per customer: the customers still due and their level (one query on
        the ledger a company), the debt figures the reminders show (one query a company), and
        the customers' fields (one prefetch for the batch)."""
        Level = self.env["debt.followup.level"]
        customers = {}  # (partner id, company id): the partner in that company, batch prefetch
        due = {}
        for company in items.company_id:
            company = self.env["res.company"].browse(company.id)
            partner_ids = items.filtered(
                lambda item, company=company: item.company_id.id == company.id
            ).partner_id.ids
            partners = self.with_company(company).browse(partner_ids)
            partners.mapped("debt_overdue_amount")
            partners.sudo().mapped("debt_overdue_amount")
            for partner in partners:
                customers[partner.id, company.id] = partner, company
            # still due now, at which level: the run selected them a while ago, a payment or a
            # collector may have come since
            for partner_id, level_id in self._debt_followup_due(company, partner_ids):
                due[partner_id, company.id] = level_id
        skipped = items.filtered(lambda item: (item.partner_id.id, item.company_id.id) not in due)
        skipped.write({"state": "skipped"})  # sudo: the items are (see _debt_run)
        items -= skipped
        # the letters of the batch in one wkhtmltopdf run per company and level
        letters = self._debt_followup_letters(
            [
                (customers[key][1], key[0], Level.browse(due[key]))
                for key in ((item.partner_id.id, item.company_id.id) for item in items)
            ]
        )

        reminders = {}
        for item in items:
            key = (item.partner_id.id, item.company_id.id)
            reminders[item.id] = (*customers[key], Level.browse(due[key]))
        sent = items.browse(self._debt_followup_send_batch(reminders, letters))
        sent.write({"state": "done"})  # sudo: the items are (see _debt_run)
        items -= sent

        def send(item):
            key = (item.partner_id.id, item.company_id.id)
            partner, company = customers[key]
            partner._debt_followup_execute(
                Level.browse(due[key]), company, letter=letters.get((company.id, key[0], due[key]))
            )

        failures = items._debt_process(send)
        for item, error in failures.items():
            key = (item.partner_id.id, item.company_id.id)
            partner, company = customers[key]
            level = Level.browse(due[key])
            partner._debt_run_report_failure(
                lambda partner=partner, level=level, company=company, error=error: (
                    partner._debt_followup_log_failure(level, company, error)
                )
            )

    @api.model
    def _debt_run_error_text(self, error):
        """What a customer's chatter and to-do say of a failure: the message of a user error
        (no email address...), else a plain sentence; the technical text, which may quote other
        records, stays on the work item and in the log, for the credit managers."""
        if type(error) is UserError:  # not its subclasses (access errors name other records)
            return error.args[0]
        return self.env._("an unexpected error, see Scheduled Runs")

    def _debt_run_report_failure(self, report):
        """Call ``report()`` (writing a customer's failure on its history, chatter, to-do) in a
        savepoint of its own: when the customer's data breaks that too, the failure stays
        recorded on the work item and in the log, and the run goes on."""
        try:
            with self.env.cr.savepoint():
                report()
        except Exception as error:
            if getattr(error, "pgcode", None) in CONCURRENCY_ERRORS:
                raise
            _logger.warning("Could not report the failure of partner %s: %s", self.ids, error)

    def _debt_followup_log_failure(self, level, company, error):
        """Report once that the reminder of ``level`` could not be sent: a failed history row, a
        note on the customer and a to-do for its follow-up responsible (else a credit manager of
        ``company``).

        The scheduled run tries again the next days (an address may have been added): a new
        failure at the same level only moves the failed row to the day of the attempt, so that
        the run does not pick the customer again that day, and reports nothing more.
        """
        self.ensure_one()
        _logger.info("Follow-up of partner %s at level %s failed: %s", self.id, level.id, error)
        today = fields.Date.context_today(self)
        History = self.env["debt.followup.history"]
        last = History.search(
            [("partner_id", "=", self.id), ("company_id", "=", company.id), ("level_id", "=", level.id)],
            order="date desc, id desc",
            limit=1,
        )
        if last.state == "failed":
            # the day of the last attempt: the run does not pick it again today; sudo: the history
            # is an audit record nobody writes over RPC (read-only access rights)
            last.sudo().date = today
            return History
        history = History._claim(self, company, level, today)
        message = self.env._(
            "The reminder “%(level)s” could not be sent: %(error)s",
            level=level.name,
            error=self._debt_run_error_text(error),
        )
        if history:
            # sudo: the history is an audit record nobody writes over RPC (read-only access rights)
            history.sudo().write({"state": "failed", "note": message})
        # sudo: see _debt_followup_execute
        partner_sudo = self.sudo()
        partner_sudo.message_post(body=message, subtype_xmlid="mail.mt_note")
        assignee = self._debt_followup_assignee(company)
        if assignee:
            partner_sudo.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Reminder not sent: %(level)s", level=level.name),
                note=message,
                user_id=assignee.id,
            )
        return history

    # ------------------------------------------------------------------ buttons
    def _debt_followup_companies_missing(self, company):
        """The companies of this customer's reminder items (main company and branches) that the
        user does not work in now: the record rules would refuse their items."""
        lines = self._get_followup_lines(company)
        # sudo: only the companies of the items are read, to name those the user lacks
        return lines.sudo().company_id - self.env.companies

    def action_debt_send_reminder(self):
        self.ensure_one()
        # the reminder lists the items of the main company and all its branches (as the credit
        # check counts them): a collector who may not open a branch is told so, not refused
        # with an access error on the items
        missing = self.commercial_partner_id._debt_followup_companies_missing(self.env.company.root_id)
        if missing:
            raise UserError(
                self.env._(
                    "This customer's reminder lists items of %(companies)s, which you may not open: "
                    "ask an administrator to give you access to them, or a colleague who has it to "
                    "send the reminder.",
                    companies=", ".join(missing.mapped("name")),
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send a Reminder"),
            "res_model": "debt.followup.send.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_debt_open_disputes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account_debt_followup.debt_dispute_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_debt_record_promise(self):
        self.ensure_one()
        partner = self.commercial_partner_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Promise to Pay"),
            "res_model": "debt.payment.promise",
            "view_mode": "form",
            "target": "new",
            "context": {
                # the collector picks the invoices the promise covers
                "default_partner_id": partner.id,
            },
        }
