# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""res.partner, follow-up part: the scheduled run's reminders sent a batch at a time.

A customer's reminder is sent by ``_debt_followup_execute`` (res_partner_followup_send.py);
here the scheduled run reads, claims and renders for its whole batch at once what that method
would read, claim and render for each customer, and writes at the end of the batch what it
would write for each: the same reminders, at a cost a batch that does not grow with the number
of its customers except for the emails themselves.
"""

import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from .debt_followup_run_line import CONCURRENCY_ERRORS

_logger = logging.getLogger(__name__)

NEXT_DATE = "debt_followup_next_action_date"


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _debt_followup_send_batch(self, reminders, letters):
        """Send the reminders ``reminders`` (``{item id: (partner, company, level)}``, the partner in
        its company) together, in one savepoint: histories claimed in one statement, the items
        listed read in one query on the ledger a company, each email's subject and body rendered
        for every customer of a company and level at once, the items' levels, the next action
        dates and the notes on the invoices written at the end for the whole batch.

        The customers whose reminder cannot be sent (no email address, no phone number for an
        SMS) are left to the one-by-one path, which records why. When anything else fails, the
        whole batch is rolled back and left to the one-by-one path too, where the failing
        customer is found and recorded; a concurrency error is raised (the batch is taken again).

        :param letters: the letters rendered for the batch (``_debt_followup_letters``)
        :return: the ids of the items sent (or sent already today by someone else)
        """
        sendable = {
            item_id: reminder
            for item_id, reminder in reminders.items()
            if self._debt_followup_sendable(*reminder)
        }
        if not sendable:
            return []
        try:
            with self.env.cr.savepoint():
                self._debt_followup_execute_batch(list(sendable.values()), letters)
        except Exception as error:
            if getattr(error, "pgcode", None) in CONCURRENCY_ERRORS:
                raise
            # with its traceback: a fault of the batch path itself would otherwise only show as
            # every batch sent one by one (info, not warning: one customer's failure, which the
            # one-by-one path records, is the usual cause)
            _logger.info("Reminders of a batch sent one by one, the batch failed: %s", error, exc_info=True)
            return []
        return list(sendable)

    @api.model
    def _debt_followup_sendable(self, partner, company, level):
        """Whether the reminder of ``level`` can be sent to ``partner`` as far as can be told
        before sending it: an email address for an email, a phone number for an SMS."""
        if level.send_email and not partner._debt_followup_recipients():
            return False
        return not (level.send_sms and ("sms.sms" not in self.env or not (partner.mobile or partner.phone)))

    @api.model
    def _debt_followup_execute_batch(self, reminders, letters):
        """``_debt_followup_execute`` for each of ``reminders`` (``[(partner, company, level)]``)
        with what is read, claimed and rendered for them all at once."""
        today = fields.Date.context_today(self)
        claimed = self.env["debt.followup.history"]._claim_batch(
            [(partner.id, company.id, level.id) for partner, company, level in reminders], today
        )
        histories = {
            (company_id, partner_id, level_id): history
            for (partner_id, company_id, level_id), history in claimed.items()
        }
        # those not claimed now were sent today already (never twice)
        reminders = [reminder for reminder in reminders if self._debt_followup_key(*reminder) in histories]
        lines = self._debt_followup_batch_lines(reminders)
        rendered = self._debt_followup_batch_render(reminders, lines)
        batch = self._debt_followup_batch_new()
        for partner, company, level in reminders:
            key = self._debt_followup_key(partner, company, level)
            subject, body = rendered.get(key, (None, None))
            partner._debt_followup_execute(
                level,
                company,
                subject=subject,
                body=body,
                letter=letters.get(key),
                history=histories[key],
                lines=lines[key],
                batch=batch,
            )
        self._debt_followup_batch_write(batch)

    @api.model
    def _debt_followup_key(self, partner, company, level):
        return company.id, partner.id, level.id

    @api.model
    def _debt_followup_batch_lines(self, reminders):
        """``{key: items}`` the reminders list (``_get_followup_lines``), one ledger query a
        company; the items share one prefetch."""
        per_company = defaultdict(dict)
        for partner, company, level in reminders:
            per_company[company][partner.id] = None if level.join_invoices else level.delay
        found = {}
        for company, min_days in per_company.items():
            found[company.id] = self.env["debt.ledger"]._followup_items(company, min_days)
        every = self.env["account.move.line"].browse(
            [item for items in found.values() for ids in items.values() for item in ids]
        )
        # what the email, the history and the notes read of them, for the whole batch
        every.fetch(
            ["move_id", "currency_id", "date", "date_maturity", "amount_residual", "amount_residual_currency"]
        )
        every.move_id.fetch(["name", "ref"])
        return {
            self._debt_followup_key(partner, company, level): every.browse(
                found[company.id][partner.id]
            ).with_prefetch(every._prefetch_ids)
            for partner, company, level in reminders
        }

    @api.model
    def _debt_followup_batch_render(self, reminders, lines):
        """``{key: (subject, body)}`` of the reminders sending an email, as
        ``_debt_followup_render`` writes them: each field rendered once for every customer of
        a company and level (Odoo renders them by language), listing the items ``lines``
        (``{key: items}``, read for the batch)."""
        groups = defaultdict(list)
        for partner, company, level in reminders:
            if level.send_email:
                groups[company, level].append(partner.id)
        rendered = {}
        # the template compiled once a batch (see ir_qweb.py), not once a customer
        compiled = {}
        for (company, level), partner_ids in groups.items():
            template = level.mail_template_id.with_company(company).with_context(
                debt_followup_level_id=level.id,
                debt_followup_lines={
                    partner_id: lines[company.id, partner_id, level.id].ids for partner_id in partner_ids
                },
                debt_followup_compiled=compiled,
            )
            subjects = template._render_field("subject", partner_ids, compute_lang=True)
            bodies = template._render_field("body_html", partner_ids, compute_lang=True)
            for partner_id in partner_ids:
                rendered[company.id, partner_id, level.id] = (subjects[partner_id], bodies[partner_id])
        return rendered

    # ------------------------------------------------------------------ written at the end
    @api.model
    def _debt_followup_batch_new(self):
        """What reminders leave to write at the end of their batch (``_debt_followup_batch_write``):
        ``items`` ``[(company id, level delay, item ids)]`` to mark with the level they reached,
        ``next_dates`` ``{(company id, partner id): date}``, ``notes`` ``{invoice id: body}``."""
        return {"items": [], "next_dates": {}, "notes": {}}

    @api.model
    def _debt_followup_batch_write(self, batch):
        """Write what the reminders of ``batch`` left to write, each kind at once, and empty it."""
        if batch["items"]:
            self._debt_followup_mark_items(batch["items"])
        if batch["next_dates"]:
            self._debt_followup_set_next_dates(batch["next_dates"])
        if batch["notes"]:
            notes = batch["notes"]
            self.env["account.move"].browse(list(notes))._message_log_batch(bodies=notes)
        batch.update(self._debt_followup_batch_new())

    @api.model
    def _debt_followup_mark_items(self, marks):
        """Mark each item of ``marks`` (``[(company id, level delay, item ids)]``) with the highest
        level of its company it reached, up to that delay: a reminder covers the lower levels,
        and an item's level never goes down. One direct update: nothing is computed from these
        two follow-up columns, while the ORM write of a posted journal item runs all the
        accounting checks (38 ms a customer at 10,000 customers in the benchmark)."""
        rows = [(item, company_id, delay) for company_id, delay, items in marks for item in items]
        if not rows:
            return
        line_ids, company_ids, delays = (list(column) for column in zip(*rows, strict=True))
        lines = self.env["account.move.line"].browse(line_ids)
        lines.flush_recordset(["followup_level_id", "followup_date"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE account_move_line aml
                   SET followup_level_id = reached.level_id, followup_date = %(today)s
                  FROM (
                    SELECT line.id, (
                            SELECT level.id FROM debt_followup_level level
                             WHERE level.company_id = mark.company_id AND level.active
                               AND level.delay <= LEAST(
                                       mark.delay, %(today)s - COALESCE(line.date_maturity, line.date))
                          ORDER BY level.delay DESC LIMIT 1
                           ) AS level_id
                      FROM UNNEST(%(ids)s::int[], %(companies)s::int[], %(delays)s::int[])
                           AS mark(line_id, company_id, delay)
                      JOIN account_move_line line ON line.id = mark.line_id
                  ) reached
                  JOIN debt_followup_level new ON new.id = reached.level_id
                 WHERE aml.id = reached.id
                   AND NOT EXISTS (
                        SELECT 1 FROM debt_followup_level done
                         WHERE done.id = aml.followup_level_id AND done.delay >= new.delay)
                """,
                today=fields.Date.context_today(self),
                ids=line_ids,
                companies=company_ids,
                delays=delays,
            )
        )
        lines.invalidate_recordset(["followup_level_id", "followup_date"])

    @api.model
    def _debt_followup_set_next_dates(self, next_dates):
        """Write the next action dates ``next_dates`` (``{(company id, partner id): date}``): one
        write per company and date, and the tracking of the field in the customers' chatter as
        Odoo writes it (a note with the old and new value), created for the whole batch at once
        rather than one message at a time."""
        per_company = defaultdict(lambda: defaultdict(list))
        for (company_id, partner_id), date in next_dates.items():
            per_company[company_id][date].append(partner_id)
        for company_id, per_date in per_company.items():
            # sudo: see _debt_followup_execute (recording the reminder on the customer)
            partners = (
                self.sudo()
                .with_company(company_id)
                .browse([partner_id for ids in per_date.values() for partner_id in ids])
            )
            # as Odoo's tracking: off with either key
            tracking_disabled = self.env.context.get("tracking_disable") or self.env.context.get(
                "mail_notrack"
            )
            tracked = NEXT_DATE in partners._track_get_fields() and not tracking_disabled
            before = {partner.id: partner[NEXT_DATE] for partner in partners} if tracked else {}
            for date, partner_ids in per_date.items():
                partners.browse(partner_ids).with_context(tracking_disable=True).write({NEXT_DATE: date})
            if tracked:
                self._debt_followup_track_batch(partners, NEXT_DATE, before)

    @api.model
    def _debt_followup_track_batch(self, partners, fname, before):
        """Log the change of ``fname`` (``before``: ``{partner id: old value}``) on each of
        ``partners`` as Odoo's tracking does (``_message_track``: a note without body carrying
        the tracking value), the notes in one ``_message_log_batch`` and their values in one
        create."""
        tracked_fields = partners.fields_get(
            [fname], attributes=("string", "type", "selection", "currency_field")
        )
        tracking = {}
        for partner in partners:
            _changes, commands = partner._mail_track(tracked_fields, {fname: before[partner.id]})
            if commands:
                tracking[partner.id] = commands
        if not tracking:
            return
        messages = partners.browse(list(tracking))._message_log_batch(bodies=dict.fromkeys(tracking, ""))
        # sudo: tracking values are written by the ORM's own tracking as sudo, as here
        self.env["mail.tracking.value"].sudo().create(
            [
                dict(command[2], mail_message_id=message.id)
                for message in messages
                for command in tracking[message.res_id]
            ]
        )
