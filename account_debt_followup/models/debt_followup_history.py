# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.tools import SQL


class DebtFollowupHistory(models.Model):
    """Every reminder, call or letter sent to a customer, one row per customer, level and day."""

    _name = "debt.followup.history"
    _description = "Follow-up History"
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", required=True, index=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    level_id = fields.Many2one("debt.followup.level", check_company=True, readonly=True, ondelete="restrict")
    date = fields.Date(required=True, readonly=True, default=fields.Date.context_today)
    user_id = fields.Many2one("res.users", readonly=True, default=lambda self: self.env.user)
    state = fields.Selection(
        [("done", "Done"), ("failed", "Failed")], required=True, default="done", readonly=True
    )
    channels = fields.Char(
        string="Channel Codes",
        readonly=True,
        help="What was done, in codes: email, letter, sms, activity, call.",
    )
    channels_label = fields.Char(
        string="Channels", compute="_compute_channels_label", help="What was done: email, letter, activity."
    )
    line_ids = fields.Many2many(
        "account.move.line",
        relation="debt_followup_history_line_rel",
        column1="history_id",
        column2="line_id",
        string="Items Reminded",
        readonly=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_due = fields.Monetary(readonly=True)
    amount_overdue = fields.Monetary(readonly=True)
    mail_message_id = fields.Many2one("mail.message", readonly=True, ondelete="set null")
    attachment_id = fields.Many2one(
        "ir.attachment",
        string="Document",
        readonly=True,
        ondelete="set null",
        help="The letter or statement sent, kept here: readable by who may read this history only.",
    )
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")
    letter_printed_date = fields.Datetime(
        string="Letter Printed On",
        readonly=True,
        help="When the letter was printed with the letters to post (Letters to Print).",
    )
    letter_printed_uid = fields.Many2one("res.users", string="Letter Printed By", readonly=True)
    note = fields.Text(readonly=True)
    next_call_at = fields.Datetime(readonly=True, help="The call scheduled at the end of this one.")

    _sql_constraints = [
        (
            "partner_company_level_date_uniq",
            "UNIQUE(partner_id, company_id, level_id, date)",
            "A customer is reminded once a day per follow-up level.",
        ),
    ]

    def _compute_channels_label(self):
        for history in self:
            history.channels_label = self._channels_label(history.channels)

    @api.model
    def _channels_label(self, channels):
        """``channels`` as stored ("letter, email") in words of the user's language."""
        labels = {
            "email": self.env._("Email"),
            "letter": self.env._("Letter"),
            "sms": self.env._("SMS"),
            "activity": self.env._("Activity"),
            "call": self.env._("Call"),
            "statement": self.env._("Statement"),
        }
        codes = [code.strip() for code in (channels or "").split(",") if code.strip()]
        return ", ".join(labels.get(code, code) for code in codes)

    def _debt_attach(self, name, content):
        """Keep the PDF ``content`` sent to the customer on this history row: an attachment follows
        the access to its record, so only the credit controllers of the row's company read it,
        while anyone who can read the contact could read it there."""
        self.ensure_one()
        # sudo: attaching needs write access on the history, read-only over RPC; the code that sent
        # the document keeps it here (the attachment's author stays the user)
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name,
                    "raw": content,
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )

    def _claim(self, partner, company, level, date):
        """Insert the history row of a reminder about to be sent, or return an empty recordset
        when one exists already: a second run the same day, a run resumed after a crash, or
        another server running the same job never send it again."""
        return self._claim_batch([(partner.id, company.id, level.id)], date).get(
            (partner.id, company.id, level.id), self.browse()
        )

    @api.model
    def _claim_batch(self, reminders, date):
        """``_claim`` for the reminders ``reminders`` (``[(partner id, company id, level id)]``)
        in one statement: ``{(partner id, company id, level id): history}`` of those claimed
        now; those sent already on ``date`` are left out."""
        if not reminders:
            return {}
        partner_ids, company_ids, level_ids = (list(column) for column in zip(*reminders, strict=True))
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO debt_followup_history
                       (partner_id, company_id, level_id, date, user_id, state,
                        create_uid, create_date, write_uid, write_date)
                SELECT claim.partner_id, claim.company_id, claim.level_id, %(date)s, %(user)s, 'done',
                       %(user)s, NOW() AT TIME ZONE 'UTC', %(user)s, NOW() AT TIME ZONE 'UTC'
                  FROM UNNEST(%(partners)s::int[], %(companies)s::int[], %(levels)s::int[])
                       AS claim(partner_id, company_id, level_id)
                ON CONFLICT (partner_id, company_id, level_id, date) DO NOTHING
                RETURNING id, partner_id, company_id, level_id
                """,
                partners=partner_ids,
                companies=company_ids,
                levels=level_ids,
                date=date,
                user=self.env.uid,
            ),
            # two servers claiming the same reminder: one fails with a serialization error, on purpose
            log_exceptions=False,
        )
        return {(row[1], row[2], row[3]): self.browse(row[0]) for row in self.env.cr.fetchall()}
