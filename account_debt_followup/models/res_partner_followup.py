# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""res.partner, follow-up part: status per company, executing a reminder, the scheduled run.

The credit figures (exposure, overdue) are in res_partner.py.
"""

import logging
from datetime import timedelta

import psycopg2
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount

_logger = logging.getLogger(__name__)

FOLLOWUP_STATUS = [
    ("in_need_of_action", "In Need of Action"),
    ("with_overdue_invoices", "With Overdue Invoices"),
    ("no_action", "No Action Needed"),
]
DEFAULT_NEXT_ACTION_DAYS = 15


class ResPartner(models.Model):
    _inherit = "res.partner"

    debt_followup_status = fields.Selection(
        FOLLOWUP_STATUS,
        string="Follow-up Status",
        compute="_compute_debt_followup",
        search="_search_debt_followup_status",
        groups="account_debt_followup.group_credit_user",
    )
    debt_followup_level_id = fields.Many2one(
        "debt.followup.level",
        string="Follow-up Level",
        compute="_compute_debt_followup",
        groups="account_debt_followup.group_credit_user",
        help="The highest level reached by the customer's overdue items.",
    )
    debt_followup_todo_level_id = fields.Many2one(
        "debt.followup.level",
        string="Next Reminder",
        compute="_compute_debt_followup",
        groups="account_debt_followup.group_credit_user",
        help="The level to send now: reached by an item that was not reminded at that level yet.",
    )
    debt_followup_manual = fields.Boolean(
        string="Manual Action Needed",
        compute="_compute_debt_followup",
        search="_search_debt_followup_manual",
        groups="account_debt_followup.group_credit_user",
    )
    debt_followup_next_action_date = fields.Date(
        string="Next Follow-up Action",
        company_dependent=True,
        copy=False,
        tracking=True,
        groups="account_debt_followup.group_credit_user",
        help="Set after each reminder to the date of the next level (or in 15 days); change it by hand "
        "to leave the customer alone until then.",
    )
    debt_followup_last_date = fields.Date(
        string="Last Reminder",
        compute="_compute_debt_followup",
        groups="account_debt_followup.group_credit_user",
    )
    debt_followup_history_ids = fields.One2many(
        "debt.followup.history",
        "partner_id",
        string="Follow-up History",
        groups="account_debt_followup.group_credit_user",
    )
    debt_statement_monthly = fields.Boolean(
        string="Monthly Statement",
        help="Send this customer its statement of open items by email on the first day of each month.",
    )
    debt_promise_ids = fields.One2many(
        "debt.payment.promise",
        "partner_id",
        string="Promises to Pay",
        groups="account_debt_followup.group_credit_user",
    )
    debt_promised_date = fields.Date(
        string="Payment Promised For",
        compute="_compute_debt_promised_date",
        search="_search_debt_promised_date",
        groups="account_debt_followup.group_credit_user",
        help="The latest date of the promises to pay still open (a collector's or the customer's "
        "own on the portal): the reminders wait for it.",
    )
    debt_followup_company_id = fields.Many2one(
        "res.company",
        string="Reminding Company",
        compute="_compute_debt_followup_company_id",
        help="For reminder templates: the company a reminder is written for, whose name, currency and "
        "figures it shows. Reminders are rendered in their own company, whatever the company of the "
        "user or of the scheduled action sending them.",
    )

    # ------------------------------------------------------------------ status
    def _get_followup_data(self, company=None, all_partners=False):
        """Follow-up data of the commercial partners of ``self`` (or of every partner) in
        ``company``, its main company and branches, in one SQL query on the receivables ledger.

        Levels, history and promises are those of the main company. An item reaches the last
        level whose delay it passed when it is not disputed and the customer's unapplied
        credits do not pay it (see ``debt.ledger``); it needs that level when it was not
        reminded at it yet and no payment was promised for a later date.

        :return: ``{partner_id: {"max_days", "level_id", "todo_level_id", "todo_auto",
            "next_action_date", "last_date", "reminded_today", "broken_promise"}}``
        """
        company = (company or self.env.company).root_id
        if all_partners:
            partner_ids = None
        else:
            partner_ids = [pid for pid in self.commercial_partner_id.ids if pid]
            if not partner_ids:
                return {}
        Ledger = self.env["debt.ledger"]
        Ledger._flush()
        self.env["debt.payment.promise"].flush_model()
        self.env["debt.followup.history"].flush_model()
        self.env["debt.followup.level"].flush_model()
        self.env["res.partner"].flush_model(["debt_followup_next_action_date"])
        today = Ledger._today()
        query = SQL(
            """
            WITH levels AS (
                SELECT id, delay, auto_execute
                  FROM debt_followup_level
                 WHERE company_id = %(company)s AND active
            ), reached AS (
                SELECT ranked.partner_id, ranked.days, ranked.uncovered, ranked.expected_payment_date,
                       done.delay AS done_delay,
                       level.id AS level_id, level.delay AS level_delay
                  FROM (%(ranked)s) ranked
             LEFT JOIN debt_followup_level done ON done.id = ranked.followup_level_id
             LEFT JOIN LATERAL (
                    SELECT id, delay FROM levels
                     WHERE ranked.uncovered AND levels.delay <= ranked.days
                  ORDER BY levels.delay DESC LIMIT 1
                   ) level ON TRUE
            ), per_partner AS (
                SELECT partner_id,
                       COALESCE(MAX(days) FILTER (WHERE uncovered AND days > 0), 0) AS max_days,
                       (ARRAY_AGG(level_id ORDER BY level_delay DESC)
                            FILTER (WHERE level_id IS NOT NULL))[1] AS level_id,
                       (ARRAY_AGG(level_id ORDER BY level_delay DESC) FILTER (
                            WHERE level_id IS NOT NULL
                              AND (done_delay IS NULL OR level_delay > done_delay)
                              AND (expected_payment_date IS NULL OR expected_payment_date < %(today)s)
                       ))[1] AS todo_level_id
                  FROM reached
              GROUP BY partner_id
            ), broken AS (
                SELECT DISTINCT promise.partner_id
                  FROM debt_payment_promise promise
                 WHERE promise.company_id IN %(scope)s
                   AND promise.promised_date < %(today)s
                   AND promise.residual_at_promise - COALESCE((
                        SELECT SUM(line.amount_residual)
                          FROM debt_payment_promise_line_rel rel
                          JOIN account_move_line line ON line.id = rel.line_id
                         WHERE rel.promise_id = promise.id), 0) < promise.amount
                   AND NOT EXISTS (
                        SELECT 1 FROM debt_followup_history history
                         WHERE history.partner_id = promise.partner_id
                           AND history.company_id = %(company)s
                           AND history.date > promise.promised_date)
            ), histories AS (
                SELECT partner_id,
                       MAX(date) FILTER (WHERE state = 'done') AS last_date,
                       BOOL_OR(date = %(today)s) AS reminded_today
                  FROM debt_followup_history
                 WHERE company_id = %(company)s
              GROUP BY partner_id
            )
            SELECT per_partner.partner_id, per_partner.max_days, per_partner.level_id,
                   per_partner.todo_level_id, todo.auto_execute,
                   (partner.debt_followup_next_action_date ->> %(company_key)s)::date,
                   histories.last_date, COALESCE(histories.reminded_today, FALSE),
                   broken.partner_id IS NOT NULL
              FROM per_partner
              JOIN res_partner partner ON partner.id = per_partner.partner_id
         LEFT JOIN levels todo ON todo.id = per_partner.todo_level_id
         LEFT JOIN histories ON histories.partner_id = per_partner.partner_id
         LEFT JOIN broken ON broken.partner_id = per_partner.partner_id
            """,
            company=company.id,
            company_key=str(company.id),
            today=today,
            scope=Ledger._scope(company),
            ranked=Ledger._ranked(company, partner_ids, today=today),
        )
        return {
            row[0]: {
                "max_days": row[1],
                "level_id": row[2],
                "todo_level_id": row[3],
                "todo_auto": bool(row[4]),
                "next_action_date": row[5],
                "last_date": row[6],
                "reminded_today": row[7],
                "broken_promise": row[8],
            }
            for row in self.env.execute_query(query)
        }

    @api.model
    def _debt_followup_status_of(self, data, today):
        if not data:
            return "no_action"
        due_now = not data["next_action_date"] or data["next_action_date"] <= today
        if (data["todo_level_id"] and due_now) or data["broken_promise"]:
            return "in_need_of_action"
        if data["max_days"] > 0:
            return "with_overdue_invoices"
        return "no_action"

    @api.model
    def _debt_followup_is_manual(self, data, today):
        """In need of action that the scheduled run leaves to a person: a manual level, or a
        broken promise."""
        return bool(
            self._debt_followup_status_of(data, today) == "in_need_of_action"
            and (not data["todo_auto"] or data["broken_promise"])
        )

    @api.depends_context("company")
    def _compute_debt_followup(self):
        all_data = self._get_followup_data()
        today = fields.Date.context_today(self)
        Level = self.env["debt.followup.level"]
        for partner in self:
            data = all_data.get(partner.commercial_partner_id.id)
            status = self._debt_followup_status_of(data, today)
            partner.debt_followup_status = status
            partner.debt_followup_level_id = Level.browse(data and data["level_id"])
            partner.debt_followup_todo_level_id = Level.browse(data and data["todo_level_id"])
            partner.debt_followup_manual = self._debt_followup_is_manual(data, today)
            partner.debt_followup_last_date = data and data["last_date"]

    @api.depends_context("company")
    def _compute_debt_followup_company_id(self):
        self.debt_followup_company_id = self.env.company

    def _debt_open_promise_dates(self, partner_ids=None):
        """``{commercial partner id: latest promised date}`` of the promises to pay not due yet in
        the current company, in one grouped query."""
        domain = [
            ("company_id", "=", self.env.company.id),
            ("promised_date", ">=", fields.Date.context_today(self)),
        ]
        if partner_ids is not None:
            domain.append(("partner_id", "in", partner_ids))
        # sudo: the promises of customers the user follows up; the field itself is for credit users
        groups = (
            self.env["debt.payment.promise"].sudo()._read_group(domain, ["partner_id"], ["promised_date:max"])
        )
        return {partner.id: date for partner, date in groups}

    @api.depends_context("company")
    def _compute_debt_promised_date(self):
        dates = self._debt_open_promise_dates(self.commercial_partner_id.ids)
        for partner in self:
            partner.debt_promised_date = dates.get(partner.commercial_partner_id.id, False)

    def _search_debt_promised_date(self, operator, value):
        if operator not in ("=", "!=") or value is not False:
            raise UserError(self.env._("Unsupported search on the date of payment promised."))
        promised = list(self._debt_open_promise_dates())
        positive = operator == "!="
        return [("commercial_partner_id", "in" if positive else "not in", promised)]

    def _search_debt_followup_status(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Unsupported search on the follow-up status."))
        values = {value} if operator in ("=", "!=") else set(value)
        today = fields.Date.context_today(self)
        all_data = self._get_followup_data(all_partners=True)
        matching = [
            pid for pid, data in all_data.items() if self._debt_followup_status_of(data, today) in values
        ]
        domain = [("commercial_partner_id", "in", matching)]
        if "no_action" in values:  # a customer without any open item needs no action either
            domain = ["|", *domain, ("commercial_partner_id", "not in", list(all_data))]
        return domain if operator in ("=", "in") else ["!", *domain]

    def _search_debt_max_days_overdue(self, operator, value):
        """Customers by days overdue of their oldest unpaid item (items excluded from the
        follow-up left out), in one query."""
        compare = {
            ">": lambda days: days > value,
            ">=": lambda days: days >= value,
            "<": lambda days: days < value,
            "<=": lambda days: days <= value,
            "=": lambda days: days == value,
        }.get(operator)
        if compare is None or not isinstance(value, int):
            raise UserError(self.env._("Unsupported search on the days overdue."))
        all_data = self._get_followup_data(all_partners=True)
        matching = [pid for pid, data in all_data.items() if compare(max(data["max_days"], 0))]
        domain = [("commercial_partner_id", "in", matching)]
        if compare(0):  # customers without any open item have no day overdue
            domain = ["|", *domain, ("commercial_partner_id", "not in", list(all_data))]
        return domain

    def _search_debt_followup_manual(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on the manual follow-up."))
        today = fields.Date.context_today(self)
        matching = [
            partner_id
            for partner_id, data in self._get_followup_data(all_partners=True).items()
            if self._debt_followup_is_manual(data, today)
        ]
        positive = (operator == "=") == bool(value)
        return [("commercial_partner_id", "in" if positive else "not in", matching)]

    # ------------------------------------------------------------------ executing
    def _get_followup_lines(self, company=None, level=None):
        """The items a reminder lists, from the ledger: the customer's open debits in the main
        company and its branches that are not disputed and that its payments and credit notes
        not matched yet do not pay; only those that reached ``level`` unless the level joins
        all open items. Oldest due first."""
        self.ensure_one()
        company = (company or self.env.company).root_id
        Ledger = self.env["debt.ledger"]
        Ledger._flush()
        reached = SQL("AND days >= %s", level.delay) if level and not level.join_invoices else SQL()
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM (%s) ranked WHERE uncovered %s ORDER BY due, id",
                Ledger._ranked(company, self.commercial_partner_id.ids),
                reached,
            )
        )
        return self.env["account.move.line"].browse([row[0] for row in rows])

    def _debt_followup_recipients(self):
        self.ensure_one()
        partner = self.commercial_partner_id
        contacts = partner.child_ids.filtered(lambda c: c.type == "invoice" and c.email)
        return (partner if partner.email else self.browse()) | contacts

    def _debt_followup_render(self, template, company):
        """``(subject, body)`` of ``template`` for this customer, written for ``company``: its
        name, currency and figures (the template reads them from ``debt_followup_company_id``),
        in the customer's language, whatever the company of the user or job rendering it."""
        self.ensure_one()
        template = template.with_company(company)
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
    ):
        """Send the reminder of ``level`` to this customer now, and record it.

        Everything the customer receives (email, letter, SMS) is written for ``company``, in its
        currency and the customer's language. Does nothing and returns an empty history when the
        same level was sent today already. Raises ``UserError`` when it cannot be sent (no email
        address, template error...).
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
        history = self.env["debt.followup.history"]._claim(partner, company, level, today)
        if not history:
            return history
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
            attachments = partner._debt_followup_letter(level, company, history)
            values["attachment_id"] = attachments.id
            channels.append("letter")
        if send_email:
            if not (subject and body):
                rendered_subject, rendered_body = partner._debt_followup_render(
                    level.mail_template_id, company
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
        # Each item of the reminder is marked with the highest level it reached, up to this one:
        # a reminder covers the lower levels, and an item's level never goes down. A direct
        # update: nothing is computed from these two follow-up columns, while the ORM write of a
        # posted journal item runs all the accounting checks (38 ms a customer at 10,000
        # customers in the benchmark).
        lines.flush_recordset(["followup_level_id", "followup_date"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE account_move_line aml
                   SET followup_level_id = reached.level_id, followup_date = %(today)s
                  FROM (
                    SELECT line.id, (
                            SELECT level.id FROM debt_followup_level level
                             WHERE level.company_id = %(company)s AND level.active
                               AND level.delay <= LEAST(
                                       %(delay)s, %(today)s - COALESCE(line.date_maturity, line.date))
                          ORDER BY level.delay DESC LIMIT 1
                           ) AS level_id
                      FROM account_move_line line
                     WHERE line.id = ANY(%(ids)s)
                  ) reached
                  JOIN debt_followup_level new ON new.id = reached.level_id
                 WHERE aml.id = reached.id
                   AND NOT EXISTS (
                        SELECT 1 FROM debt_followup_level done
                         WHERE done.id = aml.followup_level_id AND done.delay >= new.delay)
                """,
                today=today,
                company=company.id,
                delay=level.delay,
                ids=lines.ids,
            )
        )
        lines.invalidate_recordset(["followup_level_id", "followup_date"])
        partner_sudo.debt_followup_next_action_date = partner._debt_followup_next_date(level, today)
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
        lines.move_id._message_log_batch(
            bodies=dict.fromkeys(lines.move_id.ids, Markup("<p>%s</p>") % summary)
        )
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
        customer's language, the amount in ``company``'s currency."""
        self.ensure_one()
        if "sms.sms" not in self.env:
            raise UserError(self.env._("Install the SMS module to send reminders by SMS."))
        if not (self.mobile or self.phone):
            raise UserError(
                self.env._("%(partner)s has no phone number for the SMS.", partner=self.display_name)
            )
        lang_env = self._debt_followup_lang_env()
        text = level.with_env(lang_env).sms_text or lang_env._(
            "%(company)s: a payment is overdue on your account.", company=company.name
        )
        amount = format_amount(lang_env, amount_overdue, company.currency_id)
        body = lang_env._("%(text)s Overdue: %(amount)s", text=text.strip(), amount=amount)
        # sudo: see _debt_followup_execute; queued like the mails, sent after the commit
        self.sudo()._message_sms(body, put_in_queue=True)

    def _debt_followup_next_date(self, level, today):
        next_level = level._next_level()
        if next_level:
            return today + timedelta(days=max(next_level.delay - level.delay, 1))
        return today + timedelta(days=DEFAULT_NEXT_ACTION_DAYS)

    def _debt_followup_letter(self, level, company, history):
        """Render the reminder letter of ``level`` for ``company`` and keep it on the follow-up
        history row ``history``: readable by who may read that row (the credit controllers of
        the company), not by everyone who can read the contact."""
        self.ensure_one()
        report = self.env.ref("account_debt_followup.action_report_followup_letter")
        content, _type = (
            self.env["ir.actions.report"]
            .with_company(company)
            ._render_qweb_pdf(report, self.ids, data={"level_id": level.id, "company_id": company.id})
        )
        return history._debt_attach(
            self.env._("Reminder %(level)s - %(partner)s.pdf", level=level.name, partner=self.name), content
        )

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
        for company, partner_id, level_id in batch:
            partner = self.with_company(company).browse(partner_id)
            level = self.env["debt.followup.level"].browse(level_id)
            try:
                with self.env.cr.savepoint():
                    partner._debt_followup_execute(level, company)
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
        for partner in partners:
            recipients = partner._debt_followup_recipients()
            if not recipients:
                no_email |= partner
                continue
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
                "default_partner_id": partner.id,
                "default_line_ids": partner._get_followup_lines()
                .filtered(lambda line: (line.date_maturity or line.date) < fields.Date.context_today(self))
                .ids,
            },
        }
