# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class DebtFollowupSendWizard(models.TransientModel):
    _name = "debt.followup.send.wizard"
    _description = "Send a Payment Reminder"

    partner_id = fields.Many2one("res.partner", required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        # levels and reminders are the main company's, for its branches too
        default=lambda self: self.env.company.root_id,
    )
    level_id = fields.Many2one(
        "debt.followup.level",
        required=True,
        domain="[('company_id', '=', company_id)]",
        compute="_compute_level_id",
        store=True,
        readonly=False,
    )
    line_ids = fields.Many2many("account.move.line", string="Items", compute="_compute_line_ids")
    send_email = fields.Boolean(compute="_compute_from_level", store=True, readonly=False)
    subject = fields.Char(compute="_compute_from_level", store=True, readonly=False)
    body = fields.Html(compute="_compute_from_level", store=True, readonly=False, sanitize_style=True)
    send_letter = fields.Boolean(
        string="Attach the Letter", compute="_compute_from_level", store=True, readonly=False
    )
    create_activity = fields.Boolean(compute="_compute_from_level", store=True, readonly=False)
    send_sms = fields.Boolean(string="Send an SMS", compute="_compute_from_level", store=True, readonly=False)
    warning = fields.Char(compute="_compute_warning")
    reminded_today = fields.Boolean(compute="_compute_warning")
    override_reason = fields.Char(
        string="Reason to Remind Again Today",
        help="The customer was reminded today already: a second reminder the same day needs a reason, "
        "kept in the follow-up history.",
    )

    @api.depends("partner_id", "company_id")
    def _compute_level_id(self):
        for wizard in self:
            partner = wizard.partner_id.with_company(wizard.company_id)
            wizard.level_id = partner.debt_followup_todo_level_id or partner.debt_followup_level_id

    @api.depends("partner_id", "level_id")
    def _compute_line_ids(self):
        for wizard in self:
            wizard.line_ids = wizard.partner_id._get_followup_lines(
                wizard.company_id, wizard.level_id or None
            )

    @api.depends("level_id")
    def _compute_from_level(self):
        for wizard in self:
            level = wizard.level_id
            wizard.send_email = level.send_email
            wizard.send_letter = level.send_letter
            wizard.create_activity = level.create_activity
            wizard.send_sms = level.send_sms
            template = level.mail_template_id
            partner = wizard.partner_id.with_company(wizard.company_id)
            if template and partner:
                wizard.subject, wizard.body = partner._debt_followup_render(
                    template, wizard.company_id, level
                )
            else:
                wizard.subject = wizard.body = False

    @api.depends("partner_id", "company_id")
    def _compute_warning(self):
        today = fields.Date.context_today(self)
        # sudo not needed: the history is the credit controller's own
        reminded = {
            (partner.id, company.id)
            for partner, company in self.env["debt.followup.history"]._read_group(
                [
                    ("partner_id", "in", self.partner_id.ids),
                    ("company_id", "in", self.company_id.ids),
                    ("date", "=", today),
                    ("state", "=", "done"),
                ],
                ["partner_id", "company_id"],
            )
        }
        for wizard in self:
            wizard.reminded_today = (wizard.partner_id.id, wizard.company_id.id) in reminded
            last = wizard.partner_id.with_company(wizard.company_id).debt_followup_last_date
            interval = wizard.company_id.debt_followup_min_interval
            if last and last > today - timedelta(days=interval):
                wizard.warning = self.env._(
                    "This customer was reminded on %(date)s, less than %(days)s days ago.",
                    date=format_date(self.env, last),
                    days=interval,
                )
            else:
                wizard.warning = False

    def action_send(self):
        self.ensure_one()
        if not (self.send_email or self.send_letter or self.create_activity or self.send_sms):
            raise UserError(self.env._("Choose at least one action: email, letter, SMS or activity."))
        if self.reminded_today and not (self.override_reason or "").strip():
            raise UserError(
                self.env._(
                    "%(partner)s was reminded today already. To send another reminder today, "
                    "give the reason.",
                    partner=self.partner_id.display_name,
                )
            )
        history = self.partner_id.with_company(self.company_id)._debt_followup_execute(
            self.level_id,
            self.company_id,
            send_email=self.send_email,
            subject=self.subject,
            body=self.body,
            send_letter=self.send_letter,
            create_activity=self.create_activity,
            send_sms=self.send_sms,
        )
        if not history:
            raise UserError(
                self.env._(
                    "The reminder “%(level)s” was sent to %(partner)s today already.",
                    level=self.level_id.name,
                    partner=self.partner_id.display_name,
                )
            )
        if self.reminded_today:
            # sudo: the history is an audit record nobody writes over RPC (read-only access
            # rights); the reminder sent here notes its own reason
            history.sudo().note = self.env._(
                "Reminded again the same day: %(reason)s", reason=self.override_reason.strip()
            )
        return {"type": "ir.actions.act_window_close"}

    def action_preview_letter(self):
        self.ensure_one()
        return self.env.ref("account_debt_followup.action_report_followup_letter").report_action(
            self.partner_id, data={"level_id": self.level_id.id, "company_id": self.company_id.id}
        )
