# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""res.partner, follow-up part: the scheduled reminder run, statements by email, the buttons.

The status and the follow-up fields are in res_partner_followup.py, the credit figures in
res_partner.py.
"""

import logging
from datetime import timedelta

import psycopg2

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------------ scheduled run
    @api.model
    def _debt_followup_due(self, company):
        """``[(partner_id, level_id)]`` the scheduled run sends now in ``company``: in need of an
        automatic level, not reminded today nor within the company's minimum interval."""
        today = fields.Date.context_today(self)
        interval_start = today - timedelta(days=company.debt_followup_min_interval)
        due = []
        for partner_id, data in (
            self.with_company(company)._get_followup_data(company, all_partners=True).items()
        ):
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
    def _cron_debt_followup(self, batch_size=50):
        """Send the automatic reminders due in every company, ``batch_size`` customers a run.

        Odoo commits after each run and runs the job again while ``_notify_progress`` says some
        are left. A run that crashes is rolled back whole (its mails were only queued in the
        same transaction) and the next one redoes it; what was committed is not sent again.
        """
        todo = []
        for company in self.env["res.company"].search(
            [
                ("debt_followup_enabled", "=", True),
                ("parent_id", "=", False),
            ]  # branches: with their main company
        ):
            todo += [
                (company, partner_id, level_id) for partner_id, level_id in self._debt_followup_due(company)
            ]
        batch = todo[:batch_size]
        # the debt figures the reminders show, for the whole batch in one query per company
        # rather than one per customer
        for company in {company for company, _partner_id, _level_id in batch}:
            partners = self.with_company(company).browse([p for c, p, _l in batch if c == company])
            partners.mapped("debt_overdue_amount")
            partners.sudo().mapped("debt_overdue_amount")
        Level = self.env["debt.followup.level"]
        # the letters of the batch in one wkhtmltopdf run per company and level
        letters = self._debt_followup_letters(
            [(company, partner_id, Level.browse(level_id)) for company, partner_id, level_id in batch]
        )
        for company, partner_id, level_id in batch:
            partner = self.with_company(company).browse(partner_id)
            level = Level.browse(level_id)
            try:
                with self.env.cr.savepoint():
                    partner._debt_followup_execute(
                        level, company, letter=letters.get((company.id, partner_id, level_id))
                    )
            except psycopg2.Error:
                raise  # concurrency errors: the whole run is retried
            except Exception as error:  # one customer's failure must not stop the run
                partner._debt_followup_log_failure(level, company, error)
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=len(todo) - len(batch))
        return len(batch)

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
            "The reminder “%(level)s” could not be sent: %(error)s", level=level.name, error=error
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

    # ------------------------------------------------------------------ statements
    def _debt_send_statements(self, company, data):
        """Queue one email per customer with its statement (PDF) attached, written for
        ``company`` in the customer's language, and record it in the follow-up history, where the
        PDF is kept (readable by the credit controllers of the company only).

        :return: ``(sent, without_email)`` partners: those without an address are reported.
        """
        report = self.env.ref("account_debt_followup.action_report_statement")
        Report = self.env["ir.actions.report"].with_company(company)
        History = self.env["debt.followup.history"]
        sent = no_email = self.browse()
        partners = self.commercial_partner_id.with_company(company)
        figures = partners._get_debt_figures(company)
        recipients_of = {partner.id: partner._debt_followup_recipients() for partner in partners}
        # every statement in one wkhtmltopdf run, split per customer
        to_send = [partner_id for partner_id, recipients in recipients_of.items() if recipients]
        contents = Report._debt_render_pdf_per_record(report, to_send, data) if to_send else {}
        for partner in partners:
            recipients = recipients_of[partner.id]
            if not recipients:
                no_email |= partner
                continue
            content = contents[partner.id]
            partner_figures = figures.get(partner.id, {})
            # sudo: the history is an audit record nobody writes over RPC (read-only access rights)
            history = History.sudo().create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "channels": "statement",
                    "amount_due": partner_figures.get("open", 0.0),
                    "amount_overdue": max(partner_figures.get("overdue", 0.0), 0.0),
                }
            )
            lang_env = partner._debt_followup_lang_env()
            attachment = history._debt_attach(
                lang_env._("Statement %(partner)s %(date)s.pdf", partner=partner.name, date=data["date_to"]),
                content,
            )
            # queued in mail.mail, sent by the mail queue after this transaction commits; sudo: a
            # credit controller may not edit contacts, sending their statement is their job
            message = (
                partner.sudo()
                .with_context(mail_notify_force_send=False)
                .message_post(
                    subject=lang_env._("Statement of account of %(partner)s", partner=partner.name),
                    body=lang_env._(
                        "Please find attached your statement of account. Thank you for your business."
                    ),
                    partner_ids=recipients.ids,
                    attachment_ids=attachment.ids,
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    **partner._debt_followup_mail_options(company),
                )
            )
            history.write({"attachment_id": attachment.id, "mail_message_id": message.id})  # sudo, above
            sent |= partner
        return sent, no_email

    @api.model
    def _cron_debt_monthly_statements(self):
        """On the first day of a month, send their statement to the customers who asked for it."""
        today = fields.Date.context_today(self)
        if today.day != 1:
            return
        for company in self.env["res.company"].search(
            [
                ("debt_followup_enabled", "=", True),
                ("parent_id", "=", False),
            ]  # branches: with their main company
        ):
            partners = self.with_company(company).search(
                [("debt_statement_monthly", "=", True), ("debt_followup_status", "!=", "no_action")]
            )
            partners._debt_send_statements(company, {"company_id": company.id, "date_to": today})

    # ------------------------------------------------------------------ buttons
    def action_debt_send_reminder(self):
        self.ensure_one()
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
