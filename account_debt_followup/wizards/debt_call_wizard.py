# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime


class DebtCallWizard(models.TransientModel):
    """A collector logs a phone call with a customer: the outcome goes to the follow-up history
    and the chatter, the open call activities are marked done, and a promise made on the phone
    becomes a promise to pay."""

    _name = "debt.call.wizard"
    _description = "Log a Follow-up Call"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    contact_id = fields.Many2one(
        "res.partner", string="Spoke With", domain="[('id', 'child_of', partner_id)]"
    )
    outcome = fields.Selection(
        [
            ("promise", "Promised to pay"),
            ("reached", "Reached, no promise"),
            ("dispute", "Disputes the debt"),
            ("no_answer", "No answer"),
        ],
        required=True,
        default="reached",
    )
    note = fields.Text(required=True)
    line_ids = fields.Many2many(
        "account.move.line",
        relation="debt_call_wizard_line_rel",
        column1="wizard_id",
        column2="line_id",
        string="Items Discussed",
        domain="[('partner_id', 'child_of', partner_id), ('account_type', '=', 'asset_receivable'), "
        "('reconciled', '=', False), ('parent_state', '=', 'posted'), ('balance', '>', 0)]",
        help="The invoices talked about: a promise covers these, a dispute is opened on these.",
    )
    promised_date = fields.Date()
    promised_amount = fields.Monetary()
    dispute_reason = fields.Selection(
        selection=lambda self: self.env["debt.dispute"]._fields["reason"]._description_selection(self.env),
        default="other",
    )
    dispute_deadline = fields.Date(string="Resolve By")
    next_call_at = fields.Datetime(
        string="Call Again At",
        help="A phone-call activity for you on that day, at that time of your time zone.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        partner = self.env["res.partner"].browse(
            values.get("partner_id") or self.env.context.get("active_id")
        )
        if partner:
            values["partner_id"] = partner.commercial_partner_id.id
        return values

    def action_log(self):
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id.with_company(self.company_id)
        labels = dict(self._fields["outcome"]._description_selection(self.env))
        promise = self.env["debt.payment.promise"]
        if self.outcome == "promise":
            if not self.promised_date or self.currency_id.compare_amounts(self.promised_amount, 0) <= 0:
                raise UserError(self.env._("A promise to pay needs a date and an amount."))
            promise = promise.create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company_id.id,
                    "amount": self.promised_amount,
                    "promised_date": self.promised_date,
                    "contact_id": self.contact_id.id,
                    "note": self.note,
                    # none picked: the oldest overdue items until the amount is covered
                    "line_ids": [fields.Command.set(self.line_ids.ids)] if self.line_ids else [],
                }
            )
        if self.outcome == "dispute":
            if not self.line_ids:
                raise UserError(self.env._("Pick the invoices the customer disputes."))
            self.env["debt.dispute"].create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company_id.root_id.id,
                    "line_ids": [fields.Command.set(self.line_ids.ids)],
                    "reason": self.dispute_reason or "other",
                    "description": self.note,
                    "date_deadline": self.dispute_deadline,
                    "source": "call",
                }
            )
        figures = partner._get_debt_figures(self.company_id).get(partner.id, {})
        summary = self.env._(
            "Call with %(contact)s: %(outcome)s",
            contact=(self.contact_id or partner).name,
            outcome=labels[self.outcome],
        )
        # sudo: the history is an audit record nobody writes over RPC (read-only access rights);
        # the call is recorded by the credit controller who made it (the author stays the user)
        self.env["debt.followup.history"].sudo().create(
            {
                "partner_id": partner.id,
                "company_id": self.company_id.id,
                "channels": "call",
                "amount_due": figures.get("open", 0.0),
                "amount_overdue": max(figures.get("overdue", 0.0), 0.0),
                "note": f"{summary}\n{self.note}",
                "line_ids": [fields.Command.set(self.line_ids.ids)],
                "next_call_at": self.next_call_at,
            }
        )
        # the call activities waiting on this customer are done: the feedback is the note.
        # sudo: they may be assigned to another collector of the team
        calls = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", partner.id),
                    ("activity_type_id.category", "=", "phonecall"),
                ]
            )
        )
        if calls:
            calls.action_feedback(feedback=f"{summary}\n{self.note}")
        if self.next_call_at:
            self._schedule_next_call(partner)
        # sudo: posting on a contact needs write access on it (as for reminders)
        partner.sudo().message_post(
            body=Markup("<p><b>%s</b></p><p>%s</p>") % (summary, self.note), subtype_xmlid="mail.mt_note"
        )
        return {"type": "ir.actions.act_window_close"}

    def _schedule_next_call(self, partner):
        """A phone-call activity on the day of ``next_call_at`` in the user's time zone; Odoo's
        activities hold a date only, the time is kept on the activity (``debt_call_at``) and in
        its summary."""
        user = self.env.user
        local = fields.Datetime.context_timestamp(self.with_context(tz=user.tz or "UTC"), self.next_call_at)
        activity_type = self.env["mail.activity.type"].search([("category", "=", "phonecall")], limit=1)
        if not activity_type:
            raise UserError(self.env._("Create an activity type of the phone call category first."))
        # sudo: posting an activity on a contact needs write access on it (as for the note)
        partner.sudo().activity_schedule(
            activity_type_id=activity_type.id,
            date_deadline=local.date(),
            summary=self.env._(
                "Call %(customer)s at %(time)s",
                customer=partner.name,
                time=format_datetime(self.env, self.next_call_at, tz=user.tz or "UTC", dt_format="short"),
            ),
            user_id=user.id,
            debt_call_at=self.next_call_at,
        )
