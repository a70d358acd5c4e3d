# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""debt.confirmation: sending the minutes, recording the partner's answer, the buttons.

The minute itself (fields, checks, figures) is in debt_confirmation.py.
"""

from odoo import fields, models
from odoo.exceptions import UserError


class DebtConfirmation(models.Model):
    _inherit = "debt.confirmation"

    # ------------------------------------------------------------------ sending
    def _send_by_email(self):
        """Queue one email per minute, with the minute as a PDF, to the customer's invoicing
        addresses; the drafts' figures are refreshed first, so the customer gets today's ledger.

        :return: ``(sent, without_email)`` minutes.
        """
        self.check_access("write")
        self._refresh_figures()
        template = self.env.ref("account_debt_followup.mail_template_debt_confirmation")
        report = self.env.ref("account_debt_followup.action_report_debt_confirmation")
        recipients_of = {
            confirmation: confirmation.partner_id._debt_followup_recipients() for confirmation in self
        }
        no_email = self.filtered(lambda confirmation: not recipients_of[confirmation])
        to_send = self - no_email
        if not to_send:
            return to_send, no_email
        subjects = template._render_field("subject", to_send.ids, compute_lang=True)
        bodies = template._render_field("body_html", to_send.ids, compute_lang=True)
        # every minute in one wkhtmltopdf run, split per minute (see ir_actions_report_batch.py)
        contents = self.env["ir.actions.report"]._debt_render_pdf_per_record(report, to_send.ids)
        for confirmation in to_send:
            content = contents[confirmation.id]
            attachment = self.env["ir.attachment"].create(
                {
                    "name": self.env._("Debt Confirmation %(name)s.pdf", name=confirmation.name),
                    "raw": content,
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": confirmation.id,
                }
            )
            company = confirmation.company_id
            # queued in mail.mail, sent by the mail queue after this transaction commits
            confirmation.with_context(mail_notify_force_send=False).message_post(
                subject=subjects[confirmation.id],
                body=bodies[confirmation.id],
                partner_ids=recipients_of[confirmation].ids,
                attachment_ids=attachment.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                email_from=company.debt_followup_email_from or company.email_formatted or None,
            )
        # sudo: the state is set by the minute's actions only (see _check_audited_fields)
        to_send.filtered(lambda confirmation: confirmation.state == "draft").sudo().state = "sent"
        return to_send, no_email

    # ------------------------------------------------------------------ answer
    def _record_response(self, result, date, contact=None, customer_balance=None, note=None):
        """Record the customer's answer: ``confirmed`` (its balance is ours), or ``disputed``
        with the balance it states (``None``: not stated) and/or a note."""
        self.ensure_one()
        if result not in ("confirmed", "disputed"):
            raise UserError(self.env._("A customer confirms or disputes its balance."))
        if result == "confirmed" or customer_balance is None:
            customer_balance = self.closing_balance
        values = {
            "state": result,
            "response_date": date or fields.Date.context_today(self),
            "response_contact_id": contact.id if contact else False,
            "customer_balance": customer_balance,
        }
        if note:
            values["note"] = note
        self.check_access("write")
        # sudo: the answer is set by this action only (see _check_audited_fields); the user's right
        # to change the minute was checked above
        self.sudo().write(values)

    # ------------------------------------------------------------------ buttons
    def action_send(self):
        answered = self.filtered(lambda confirmation: confirmation.state in ("confirmed", "disputed"))
        if answered:
            raise UserError(
                self.env._(
                    "The customer already answered, there is nothing to send: %(names)s",
                    names=", ".join(answered.mapped("name")),
                )
            )
        sent, no_email = self._send_by_email()
        if no_email:
            message = self.env._(
                "Not sent, no email address: %(partners)s",
                partners=", ".join(no_email.partner_id.mapped("display_name")),
            )
            if not sent:
                raise UserError(message)
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {"type": "warning", "message": message, "sticky": True},
            }
        return True

    def action_refresh_figures(self):
        self.check_access("write")
        self._refresh_figures()
        return True

    def action_mark_confirmed(self):
        return self._action_response_wizard("confirmed")

    def action_mark_disputed(self):
        return self._action_response_wizard("disputed")

    def _action_response_wizard(self, result):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customer's Answer"),
            "res_model": "debt.confirmation.response.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_confirmation_id": self.id, "default_result": result},
        }
