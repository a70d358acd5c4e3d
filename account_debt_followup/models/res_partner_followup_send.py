# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""res.partner, follow-up part: sending a reminder (email, letter, SMS, activity) and recording it.

The status and the follow-up fields are in res_partner_followup.py, the credit figures in
res_partner.py.
"""

import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount

from .debt_followup_run_line import CONCURRENCY_ERRORS
from .res_partner_followup import DEFAULT_NEXT_ACTION_DAYS

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------------ executing
    def _get_followup_lines(self, company=None, level=None):
        """The items a reminder lists, from the ledger: the customer's open debits in the main
        company and its branches that are not disputed and that its payments and credit notes
        not matched yet do not pay; only those that reached ``level`` unless the level joins
        all open items. Oldest due first."""
        self.ensure_one()
        company = (company or self.env.company).root_id
        partner_id = self.commercial_partner_id.id
        days = level.delay if level and not level.join_invoices else None
        items = self.env["debt.ledger"]._followup_items(company, {partner_id: days})[partner_id]
        return self.env["account.move.line"].browse(items)

    def _debt_followup_recipients(self):
        self.ensure_one()
        partner = self.commercial_partner_id
        contacts = partner.child_ids.filtered(lambda c: c.type == "invoice" and c.email)
        return (partner if partner.email else self.browse()) | contacts

    def _debt_followup_render(self, template, company, level=None):
        """``(subject, body)`` of ``template`` for this customer, written for ``company``: its
        name, currency and figures (the template reads them from ``debt_followup_company_id``),
        in the customer's language, whatever the company of the user or job rendering it. The
        items listed are those of ``level`` (``_debt_followup_mail_values``)."""
        self.ensure_one()
        template = template.with_company(company).with_context(
            debt_followup_level_id=level.id if level else False
        )
        return (
            template._render_field("subject", self.ids, compute_lang=True)[self.id],
            template._render_field("body_html", self.ids, compute_lang=True)[self.id],
        )

    def _debt_followup_lang_env(self):
        """The environment to write to this customer in: its language."""
        self.ensure_one()
        return self.with_context(lang=self.lang or self.env.lang).env

    def _debt_followup_assignee(self, company):
        """Who is given this customer's follow-up tasks in ``company``: its follow-up responsible,
        else the employee at work (a collector sending a reminder), else, for a scheduled action
        or a portal customer, the first credit manager of the company; never OdooBot."""
        self.ensure_one()
        # sudo: the responsible is read for whoever (or whatever job) schedules the task
        responsible = self.commercial_partner_id.sudo().with_company(company).debt_followup_responsible_id
        if responsible.active and not responsible.share:
            return responsible.sudo(False)
        user = self.env.user
        if user._is_internal() and not user._is_superuser():
            return user
        return company._debt_credit_managers()[:1]

    def _debt_followup_execute(
        self,
        level,
        company=None,
        send_email=None,
        subject=None,
        body=None,
        send_letter=None,
        create_activity=None,
        send_sms=None,
        letter=None,
        history=None,
        lines=None,
        batch=None,
    ):
        """Send the reminder of ``level`` to this customer now, and record it.

        Everything the customer receives (email, letter, SMS) is written for ``company``, in its
        currency and the customer's language. Does nothing and returns an empty history when the
        same level was sent today already. Raises ``UserError`` when it cannot be sent (no email
        address, template error...). ``letter``: the letter's PDF when it was rendered with
        others already (``_debt_followup_letters``), else it is rendered here.

        The scheduled run's batch path (``_debt_followup_send_batch``) gives what it read and
        claimed for the whole batch: ``history`` (the row claimed, empty when sent already),
        ``lines`` (the items listed), and ``batch``, where the items' levels, the next action
        date and the notes on the invoices are left for the batch to write at once at its end
        (``_debt_followup_batch_write``) instead of being written here.
        """
        self.ensure_one()
        company = (company or self.env.company).root_id  # levels and history are the main company's
        partner = self.commercial_partner_id.with_company(company)
        # sudo: a credit controller may not edit contacts, while recording the reminder on the
        # customer (message, activity, next action date) is their job; the author stays the user
        partner_sudo = partner.sudo()
        today = fields.Date.context_today(self)
        send_email = level.send_email if send_email is None else send_email
        send_letter = level.send_letter if send_letter is None else send_letter
        create_activity = level.create_activity if create_activity is None else create_activity
        send_sms = level.send_sms if send_sms is None else send_sms
        recipients = partner._debt_followup_recipients() if send_email else self.browse()
        if send_email and not recipients:  # before the letter is rendered for nothing
            raise UserError(self.env._("%(partner)s has no email address.", partner=partner.display_name))
        if history is None:
            history = self.env["debt.followup.history"]._claim(partner, company, level, today)
        if not history:
            return history
        if lines is None:
            lines = partner._get_followup_lines(company, level)
        # the totals the email, the letter and the partner's form show, from the ledger (the
        # scheduled run reads them for its whole batch at once)
        values = {
            "line_ids": [Command.set(lines.ids)],
            "amount_due": partner_sudo.debt_open_amount,
            "amount_overdue": partner_sudo.debt_overdue_amount,
        }
        channels = []
        attachments = self.env["ir.attachment"]
        if send_letter:
            attachments = partner._debt_followup_letter(level, company, history, content=letter)
            values["attachment_id"] = attachments.id
            channels.append("letter")
        if send_email:
            if not (subject and body):
                rendered_subject, rendered_body = partner._debt_followup_render(
                    level.mail_template_id, company, level
                )
                subject = subject or rendered_subject
                body = body or rendered_body
            # queued in mail.mail, sent by the mail queue after this transaction commits; the
            # letter stays on the history row, the email carries it to the customer only
            message = partner_sudo.with_context(mail_notify_force_send=False).message_post(
                body=body,
                subject=subject,
                partner_ids=recipients.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachment_ids=attachments.ids,
                **partner._debt_followup_mail_options(company),
            )
            values["mail_message_id"] = message.id
            channels.append("email")
        if send_sms:
            partner._debt_followup_sms(level, values["amount_overdue"], company)
            channels.append("sms")
        if create_activity:
            assignee = partner._debt_followup_assignee(company)
            activity = partner_sudo.activity_schedule(
                activity_type_id=level.activity_type_id.id,
                summary=level.activity_summary or level.name,
                note=level.activity_note or "",
                user_id=(assignee or self.env.user).id,
            )
            values["activity_id"] = activity.id
            channels.append("activity")
        values["channels"] = ", ".join(channels)
        # sudo: the history is an audit record nobody writes over RPC (read-only access rights);
        # the reminder fills in its own row
        history.sudo().write(values)
        # the items' levels, the next action date and the notes on the invoices: written at the
        # end of the batch, or here for a reminder sent alone
        write_now = batch is None
        if write_now:
            batch = self._debt_followup_batch_new()
        batch["items"].append((company.id, level.delay, lines.ids))
        batch["next_dates"][company.id, partner.id] = partner._debt_followup_next_date(level, today)
        summary = self.env._(
            "Reminder “%(level)s” (%(channels)s): %(amount)s due, %(overdue)s overdue.",
            level=level.name,
            channels=history._channels_label(values["channels"]) or self.env._("no action"),
            amount=format_amount(self.env, values["amount_due"], company.currency_id),
            overdue=format_amount(self.env, values["amount_overdue"], company.currency_id),
        )
        if not send_email:
            partner_sudo.message_post(
                body=summary, subtype_xmlid="mail.mt_note", attachment_ids=attachments.ids
            )
        # an entry with items of two customers carries both notes
        for move_id in lines.move_id.ids:
            batch["notes"][move_id] = batch["notes"].get(move_id, Markup()) + Markup("<p>%s</p>") % summary
        if write_now:
            self._debt_followup_batch_write(batch)
        return history

    def _debt_followup_mail_options(self, company):
        """``message_post`` options of a mail to this customer sent for ``company``: that company's
        sender address, and its name and contact details in the footer of the layout, in the
        customer's language. A job's emails carry no user signature (it would be OdooBot's)."""
        self.ensure_one()
        return {
            "email_from": company.debt_followup_email_from or company.email_formatted or None,
            "force_email_company": company,
            "force_email_lang": self.lang or self.env.lang,
            "email_add_signature": not self.env.user._is_superuser(),
        }

    def _debt_followup_sms(self, level, amount_overdue, company):
        """Queue the level's text message to the customer's mobile (sent by the SMS queue), in the
        customer's language, the amount in ``company``'s currency (``_debt_followup_sms_body``)."""
        self.ensure_one()
        if "sms.sms" not in self.env:
            raise UserError(self.env._("Install the SMS module to send reminders by SMS."))
        if not (self.mobile or self.phone):
            raise UserError(
                self.env._("%(partner)s has no phone number for the SMS.", partner=self.display_name)
            )
        body = self._debt_followup_sms_body(level, amount_overdue, company)
        # sudo: see _debt_followup_execute; queued like the mails, sent after the commit
        self.sudo()._message_sms(body, put_in_queue=True)

    def _debt_followup_next_date(self, level, today):
        next_level = level._next_level()
        if next_level:
            return today + timedelta(days=max(next_level.delay - level.delay, 1))
        return today + timedelta(days=DEFAULT_NEXT_ACTION_DAYS)

    def _debt_followup_letter(self, level, company, history, content=None):
        """Render the reminder letter of ``level`` for ``company`` (unless its PDF ``content`` is
        given) and keep it on the follow-up history row ``history``: readable by who may read
        that row (the credit controllers of the company), not by everyone who can read the
        contact."""
        self.ensure_one()
        if content is None:
            report = self.env.ref("account_debt_followup.action_report_followup_letter")
            content, _type = (
                self.env["ir.actions.report"]
                .with_company(company)
                ._render_qweb_pdf(report, self.ids, data={"level_id": level.id, "company_id": company.id})
            )
        return history._debt_attach(
            self.env._("Reminder %(level)s - %(partner)s.pdf", level=level.name, partner=self.name), content
        )

    @api.model
    def _debt_followup_letters(self, reminders):
        """The letters of the reminders ``reminders`` (``[(company, partner id, level)]``) whose
        level prints one, rendered in one wkhtmltopdf run per company and level rather than one
        per customer.

        :return: ``{(company id, partner id, level id): PDF}``
        """
        groups = defaultdict(list)
        for company, partner_id, level in reminders:
            if level.send_letter:
                groups[company, level].append(partner_id)
        report = self.env.ref("account_debt_followup.action_report_followup_letter")
        letters = {}
        for (company, level), partner_ids in groups.items():
            try:
                with self.env.cr.savepoint():
                    contents = (
                        self.env["ir.actions.report"]
                        .with_company(company)
                        ._debt_render_pdf_per_record(
                            report, partner_ids, data={"level_id": level.id, "company_id": company.id}
                        )
                    )
            except Exception as error:
                if getattr(error, "pgcode", None) in CONCURRENCY_ERRORS:
                    raise  # the whole batch is taken again
                # rendered again one by one when sent: a letter that fails fails its customer only
                _logger.info("Letters of level %s not rendered together: %s", level.id, error)
                continue
            letters.update({(company.id, partner_id, level.id): pdf for partner_id, pdf in contents.items()})
        return letters
