# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""res.partner, follow-up part: statements of account by email, and the monthly run sending them.

The run's common steps (claiming, batches, progress) are in res_partner_followup_run.py.
"""

import functools

from odoo import api, fields, models
from odoo.exceptions import UserError

from .debt_followup_run_line import CONCURRENCY_ERRORS


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _debt_send_statements(self, company, data, contents=None):
        """Queue one email per customer with its statement (PDF) attached, written for
        ``company`` in the customer's language, and record it in the follow-up history, where the
        PDF is kept (readable by the credit controllers of the company only).

        :param contents: ``{partner_id: pdf bytes}`` rendered already (a batch of the monthly
            run); the statements missing there are rendered here
        :return: ``(sent, without_email)`` partners: those without an address are reported.
        """
        report = self.env.ref("account_debt_followup.action_report_statement")
        Report = self.env["ir.actions.report"].with_company(company)
        History = self.env["debt.followup.history"]
        contents = dict(contents or {})
        sent = no_email = self.browse()
        partners = self.commercial_partner_id.with_company(company)
        figures = partners._get_debt_figures(company)
        recipients_of = {partner.id: partner._debt_followup_recipients() for partner in partners}
        # the statements not rendered yet, in one wkhtmltopdf run split per customer
        missing = [pid for pid, recipients in recipients_of.items() if recipients and pid not in contents]
        if missing:
            contents.update(Report._debt_render_pdf_per_record(report, missing, data))
        for partner in partners:
            recipients = recipients_of[partner.id]
            if not recipients:
                no_email |= partner
                continue
            content = contents.get(partner.id)
            if not content:  # a document the batch could not split: on its own
                content, _type = Report._render_qweb_pdf(report, partner.ids, data=data)
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

    # ------------------------------------------------------------------ the monthly run
    @api.model
    def _cron_debt_monthly_statements(self, batch_size=10):
        """Send their statement of the month to the customers who asked for it, ``batch_size``
        customers a call.

        The run of a month starts on the company's statement day (the 1st by default) and any
        later day of the month: a day without a run (server down on the 1st) is caught up the
        next day. The customers are selected once (those who asked for a monthly statement and
        have anything open in the company, its main company or branches, due or not yet due) and
        claimed per customer, company and month (``debt.followup.run.line``): a second run in the
        same month sends nothing again. Each call takes a batch, renders its PDFs with one call
        (``ir.actions.report._debt_render_pdf_per_record``) and sends each statement in its own
        savepoint; a customer whose statement fails is noted on its chatter, its item stays
        failed for the month, and the run goes on.

        :return: the number of customers taken by this call (0: the run is over)
        """
        month = fields.Date.context_today(self).replace(day=1)
        return self._debt_run("statement", month, batch_size, select=True)

    @api.model
    def _debt_statement_select(self):
        """The statements of this month's run, as work items: per main company whose statement
        day has come, the customers asking for a monthly statement with open items in the
        ledger, in one query a company."""
        today = fields.Date.context_today(self)
        rows = []
        for company in self.env["res.company"].search(
            [("debt_followup_enabled", "=", True), ("parent_id", "=", False)]
        ):
            if today.day < company.debt_statement_day:
                continue
            asking = self.with_company(company).search([("debt_statement_monthly", "=", True)])
            partner_ids = sorted({pid for pid in asking.commercial_partner_id.ids if pid})
            if not partner_ids:
                continue
            totals = self.env["debt.ledger"]._partner_totals(company, partner_ids)
            rows += [(partner_id, company.id, None, None, None) for partner_id in sorted(totals)]
        return rows

    def _debt_statement_run_batch(self, items):
        """Send the statements of the work items ``items`` (claimed): one rendering call per
        company of the batch, then one savepoint per customer."""
        today = fields.Date.context_today(self)
        report = self.env.ref("account_debt_followup.action_report_statement")
        for company in items.company_id:
            company = self.env["res.company"].browse(company.id)
            company_items = items.filtered(lambda item, company=company: item.company_id == company)
            partners = self.with_company(company).browse(company_items.partner_id.ids)
            data = {"company_id": company.id, "date_to": today}
            with_email = partners.filtered(lambda partner: partner._debt_followup_recipients())
            contents = {}
            if with_email:
                try:
                    with self.env.cr.savepoint():
                        contents = (
                            self.env["ir.actions.report"]
                            .with_company(company)
                            ._debt_render_pdf_per_record(report, with_email.ids, data=data)
                        )
                except Exception as error:
                    if getattr(error, "pgcode", None) in CONCURRENCY_ERRORS:
                        raise
                    contents = {}

            # a statement tried again the next days says it once in the customer's chatter
            failed_before = company_items.filtered("failed_on")
            failures = company_items._debt_process(
                functools.partial(
                    self._debt_statement_send_item, company=company, data=data, contents=contents
                )
            )
            for item, error in failures.items():
                if item in failed_before:
                    continue
                partner = self.with_company(company).browse(item.partner_id.id)
                message = self.env._(
                    "The monthly statement could not be sent: %(error)s",
                    error=self._debt_run_error_text(error),
                )
                partner._debt_run_report_failure(
                    # sudo: posting on a contact needs write access on it (as for reminders)
                    lambda partner=partner, message=message: partner.sudo().message_post(
                        body=message, subtype_xmlid="mail.mt_note"
                    )
                )

    @api.model
    def _debt_statement_send_item(self, item, company, data, contents):
        """Send the statement of one work item, its PDF from ``contents`` when rendered."""
        partner = self.with_company(company).browse(item.partner_id.id)
        content = contents.get(partner.id)
        _sent, no_email = partner._debt_send_statements(
            company, data, contents={partner.id: content} if content else None
        )
        if no_email:
            raise UserError(self.env._("%(partner)s has no email address.", partner=partner.display_name))
