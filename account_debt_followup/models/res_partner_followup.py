# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""res.partner, follow-up part: the follow-up fields and the status per company.

Sending a reminder is in res_partner_followup_send.py, the scheduled runs in
res_partner_followup_run.py, the credit figures (exposure, overdue) in res_partner.py.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

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
    debt_followup_by_hand = fields.Boolean(
        string="Reminders by Hand Only",
        company_dependent=True,
        copy=False,
        tracking=True,
        groups="account_debt_followup.group_credit_user",
        help="The scheduled run never sends this customer's reminders, whatever the level says: "
        "they wait in the worklist for a collector.",
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
        reminded at it yet and no payment was promised for a later date. The scheduled run
        sends it (``todo_auto``) when the level runs automatically and the customer's reminders
        are not sent by hand only.

        :return: ``{partner_id: {"max_days", "level_id", "todo_level_id", "todo_auto",
            "next_action_date", "last_date", "reminded_today", "broken_promise"}}``
        """
        company = (company or self.env.company).root_id
        # the worklist's page and its count (res_partner_worklist.py): read once for both
        page = self.env.context.get("debt_followup_page")
        # only a token web_search_read registered for this request (a client may put the key in
        # its context: it must not freeze the answers of its searches)
        registered = all_partners and isinstance(page, int)
        cache = self.env.cr.cache.get(("debt_followup_page", page)) if registered else None
        if cache is not None:
            if company.id not in cache:
                cache[company.id] = self.with_context(debt_followup_page=False)._get_followup_data(
                    company, all_partners=True
                )
            return cache[company.id]
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
        self.env["res.partner"].flush_model(["debt_followup_next_action_date", "debt_followup_by_hand"])
        today = Ledger._today()
        query = SQL(
            """
            WITH levels AS (
                SELECT id, delay, auto_execute, LEAD(delay) OVER (ORDER BY delay) AS next_delay
                  FROM debt_followup_level
                 WHERE company_id = %(company)s AND active
            ), thresholds AS (
                -- an item reminded at a level needs the next level up to be reminded again
                SELECT done.id, MIN(levels.delay) AS delay
                  FROM debt_followup_level done
                  JOIN levels ON levels.delay > done.delay
              GROUP BY done.id
            ), per_partner AS (
                -- an item reaches the last level its days passed: the levels of a customer are
                -- those of its most overdue items, so the levels are looked up once a customer
                SELECT ranked.partner_id,
                       COALESCE(MAX(ranked.days) FILTER (WHERE ranked.uncovered AND ranked.days > 0), 0)
                           AS max_days,
                       MAX(ranked.days) FILTER (WHERE ranked.uncovered) AS level_days,
                       MAX(ranked.days) FILTER (
                           WHERE ranked.uncovered
                             AND ranked.days >= CASE WHEN ranked.followup_level_id IS NULL
                                                     THEN (SELECT MIN(delay) FROM levels)
                                                     ELSE thresholds.delay END
                             AND (ranked.expected_payment_date IS NULL
                                  OR ranked.expected_payment_date < %(today)s)
                       ) AS todo_days
                  FROM (%(ranked)s) ranked
             LEFT JOIN thresholds ON thresholds.id = ranked.followup_level_id
              GROUP BY ranked.partner_id
            ), broken AS (
                SELECT DISTINCT promise.partner_id
                  FROM debt_payment_promise promise
                 WHERE promise.company_id IN %(scope)s
                   AND promise.promised_date < %(today)s
                   %(promise_partners)s
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
                   %(history_partners)s
              GROUP BY partner_id
            )
            SELECT per_partner.partner_id, per_partner.max_days, reached.id, todo.id,
                   todo.auto_execute
                       AND NOT COALESCE((partner.debt_followup_by_hand ->> %(company_key)s)::boolean, FALSE),
                   (partner.debt_followup_next_action_date ->> %(company_key)s)::date,
                   histories.last_date, COALESCE(histories.reminded_today, FALSE),
                   broken.partner_id IS NOT NULL
              FROM per_partner
              JOIN res_partner partner ON partner.id = per_partner.partner_id
         LEFT JOIN levels reached
                ON reached.delay <= per_partner.level_days
               AND (reached.next_delay IS NULL OR reached.next_delay > per_partner.level_days)
         LEFT JOIN levels todo
                ON todo.delay <= per_partner.todo_days
               AND (todo.next_delay IS NULL OR todo.next_delay > per_partner.todo_days)
         LEFT JOIN histories ON histories.partner_id = per_partner.partner_id
         LEFT JOIN broken ON broken.partner_id = per_partner.partner_id
            """,
            company=company.id,
            company_key=str(company.id),
            today=today,
            scope=Ledger._scope(company),
            ranked=Ledger._ranked(company, partner_ids, today=today),
            # some customers (a form, a batch of the scheduled run): their rows only, the cost
            # does not grow with the number of customers
            promise_partners=SQL("AND promise.partner_id = ANY(%s)", partner_ids) if partner_ids else SQL(),
            history_partners=SQL("AND partner_id = ANY(%s)", partner_ids) if partner_ids else SQL(),
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

    def _debt_check_search_access(self, fname):
        """Odoo does not check a field's groups when it is searched: the debt figures a search
        filters on would be told, by bisection, to whoever may not read them."""
        groups = self._fields[fname].groups
        if groups and not self.env.su and not self.env.user.has_groups(groups):
            raise AccessError(
                self.env._(
                    "You cannot search on %(field)s.", field=self._fields[fname]._description_string(self.env)
                )
            )

    def _search_debt_promised_date(self, operator, value):
        self._debt_check_search_access("debt_promised_date")
        if operator not in ("=", "!=") or value is not False:
            raise UserError(self.env._("Unsupported search on the date of payment promised."))
        promised = list(self._debt_open_promise_dates())
        positive = operator == "!="
        return [("commercial_partner_id", "in" if positive else "not in", promised)]

    def _search_debt_followup_status(self, operator, value):
        self._debt_check_search_access("debt_followup_status")
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
        self._debt_check_search_access("debt_max_days_overdue")
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
        self._debt_check_search_access("debt_followup_manual")
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
