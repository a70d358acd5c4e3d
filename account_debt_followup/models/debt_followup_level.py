# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# what the SMS text of a level may say in braces (res.partner._debt_followup_sms_values)
SMS_PLACEHOLDERS = ("partner", "company", "overdue", "due_date", "reference", "pay_link")
SMS_PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")


class DebtFollowupLevel(models.Model):
    """A stage of the reminder process: what to do once an invoice is some days past due."""

    _name = "debt.followup.level"
    _description = "Follow-up Level"
    _order = "company_id, delay, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company.root_id,
        domain="[('parent_id', '=', False)]",
    )
    delay = fields.Integer(
        string="Days After Due Date",
        required=True,
        help="The level applies to an invoice this number of days after its due date; "
        "negative for a courtesy reminder before the due date, 0 on the due date.",
    )
    send_email = fields.Boolean(string="Send an Email", default=True)
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain="[('model', '=', 'res.partner')]",
    )
    send_letter = fields.Boolean(
        string="Print a Letter", help="Attach the reminder letter (PDF) to the email and to the history."
    )
    letter_text = fields.Html(
        translate=True,
        sanitize_style=True,
        help="The text of the printed reminder letter, above the list of overdue items.",
    )
    send_sms = fields.Boolean(
        string="Send an SMS",
        help="A text message to the customer's mobile (the SMS module, installed with Sales).",
    )
    sms_text = fields.Text(
        string="SMS Text",
        translate=True,
        help="The text message. Placeholders, replaced when it is sent: {partner} the customer, "
        "{company} your company, {overdue} the overdue amounts (one per currency), {due_date} the "
        "oldest due date overdue, {reference} the payment reference, {pay_link} the link to pay "
        "online (empty without a payment provider). Without {overdue}, the amount overdue is added "
        "at its end.",
    )
    create_activity = fields.Boolean(string="Schedule an Activity", help="For instance a phone call.")
    activity_type_id = fields.Many2one(
        "mail.activity.type", domain="[('res_model', 'in', (False, 'res.partner'))]"
    )
    activity_summary = fields.Char(translate=True)
    activity_note = fields.Html(translate=True)
    auto_execute = fields.Boolean(
        string="Automatic",
        default=True,
        help="Automatic: the scheduled action sends it. Otherwise it only shows in the worklist, "
        "for a person to act.",
    )
    interest_rate = fields.Float(
        string="Late-Payment Interest (%/year)",
        digits=(6, 2),
        help="Interest charged, day by day, on an item from the day it reaches this level, for the "
        "customers without a rate of their own (Commercial Law 2005, art. 306). 0: none.",
    )
    join_invoices = fields.Boolean(
        string="Join Open Invoices",
        default=True,
        help="One reminder lists all the customer's open items, not only those that reached this level.",
    )

    _sql_constraints = [
        (
            "company_delay_uniq",
            "UNIQUE(company_id, delay)",
            "Two follow-up levels of a company cannot have the same delay.",
        ),
    ]

    @api.constrains("send_email", "mail_template_id", "create_activity", "activity_type_id", "send_sms")
    def _check_actions(self):
        for level in self:
            if level.send_sms and "sms.sms" not in self.env:
                raise ValidationError(
                    self.env._(
                        "The follow-up level %(level)s sends an SMS: install the SMS module.",
                        level=level.name,
                    )
                )
            if level.send_email and not level.mail_template_id:
                raise ValidationError(
                    self.env._(
                        "The follow-up level %(level)s sends an email: choose its template.", level=level.name
                    )
                )
            if level.mail_template_id and level.mail_template_id.model != "res.partner":
                raise ValidationError(
                    self.env._(
                        "The template of the follow-up level %(level)s must be a template for contacts, "
                        "not for %(model)s.",
                        level=level.name,
                        model=level.mail_template_id.model,
                    )
                )
            if level.create_activity and not level.activity_type_id:
                raise ValidationError(
                    self.env._(
                        "The follow-up level %(level)s schedules an activity: choose its type.",
                        level=level.name,
                    )
                )

    @api.constrains("sms_text")
    def _check_sms_text(self):
        """Every language's text (the SMS is sent in the customer's language), not only the
        current one's; ``_update_field_translations`` checks the translations set apart."""
        field = self._fields["sms_text"]
        for level in self:
            texts = [level.sms_text or ""]
            texts += (field._get_stored_translations(level) or {}).values() if level.id else []
            unknown = {
                name
                for text in texts
                for name in SMS_PLACEHOLDER_RE.findall(text or "")
                if name not in SMS_PLACEHOLDERS
            }
            if unknown:
                raise ValidationError(
                    self.env._(
                        "The SMS text of the follow-up level %(level)s has unknown placeholders: "
                        "%(unknown)s. Use %(known)s.",
                        level=level.name,
                        unknown=", ".join(sorted("{%s}" % name for name in unknown)),
                        known=", ".join("{%s}" % name for name in SMS_PLACEHOLDERS),
                    )
                )

    def _update_field_translations(self, field_name, translations, digest=None, source_lang=None):
        # the translation dialog and imports write translations here, without constraints
        result = super()._update_field_translations(
            field_name, translations, digest=digest, source_lang=source_lang
        )
        if field_name == "sms_text":
            self._check_sms_text()
        return result

    @api.constrains("interest_rate")
    def _check_interest_rate(self):
        if any(level.interest_rate < 0 for level in self):
            raise ValidationError(self.env._("A late-payment interest rate cannot be negative."))

    def _next_level(self):
        """The level after this one in its company, if any."""
        self.ensure_one()
        return self.search(
            [("company_id", "=", self.company_id.id), ("delay", ">", self.delay)], order="delay", limit=1
        )

    @api.constrains("company_id")
    def _check_main_company(self):
        for record in self:
            if record.company_id.parent_id:
                raise ValidationError(
                    self.env._(
                        "Follow-up levels are set on the main company %(company)s and apply to its branches: "
                        "%(branch)s cannot have levels of its own.",
                        company=record.company_id.root_id.name,
                        branch=record.company_id.name,
                    )
                )
