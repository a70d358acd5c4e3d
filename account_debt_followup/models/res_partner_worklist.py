# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""res.partner, the collector's worklist: the risk score it ranks customers by, and what a
collector does to a selection of customers at once.

The follow-up status and levels are in res_partner_followup.py, sending a reminder in
res_partner_followup_send.py.
"""

import itertools
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

# the parts of the risk score, out of 100 (see readme/USAGE.md)
RISK_DAYS_POINTS = 35  # days overdue of the oldest unpaid item, full at RISK_DAYS_FULL days
RISK_DAYS_FULL = 120
RISK_AMOUNT_POINTS = 35  # rank of the overdue amount among the company's overdue customers
RISK_TRUST_POINTS = {"bad": 30, "normal": 10, "good": 0}
# the fields searched on the follow-up data of every customer (_get_followup_data)
FOLLOWUP_SEARCHED = ("debt_followup_status", "debt_followup_manual", "debt_max_days_overdue")
PAGE_TOKENS = itertools.count(1)
# the worklist's figures sorted by, and their column in _debt_risk_sql
WORKLIST_COLUMNS = {
    "debt_open_amount": "open",
    "debt_overdue_amount": "overdue",
    "debt_max_days_overdue": "max_days",
    "debt_risk_score": "risk",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    debt_risk_score = fields.Integer(
        string="Risk Score",
        compute="_compute_debt_risk_score",
        groups="account_debt_followup.group_credit_user",
        help="0 to 100, for customers with something overdue: up to 35 points for the days overdue "
        "(full at 120 days), up to 35 for the size of the overdue amount compared with the other "
        "customers of the company, and 30 for a bad debtor (10 for a normal one).",
    )

    # ------------------------------------------------------------------ risk score
    @api.model
    def _debt_risk_sql(self, company):
        """SQL: ``partner_id, risk, open, overdue, max_days`` of every commercial partner with
        open items in ``company`` (its main company and branches), from the ledger's totals, in
        one query."""
        bad, normal, good = (SQL("%s", RISK_TRUST_POINTS[key]) for key in ("bad", "normal", "good"))
        return SQL(
            """
            SELECT totals.partner_id, totals.open, totals.overdue, totals.max_days,
                   CASE WHEN totals.overdue > 0 THEN ROUND(
                        %(days_points)s * LEAST(totals.max_days, %(days_full)s) / %(days_full)s::numeric
                      + %(amount_points)s * PERCENT_RANK() OVER (
                            PARTITION BY totals.overdue > 0 ORDER BY totals.overdue)::numeric
                      + CASE partner.trust ->> %(company_key)s
                             WHEN 'bad' THEN %(bad)s WHEN 'good' THEN %(good)s ELSE %(normal)s END
                   )::int ELSE 0 END AS risk
              FROM (%(totals)s) totals
              JOIN res_partner partner ON partner.id = totals.partner_id
            """,
            days_points=RISK_DAYS_POINTS,
            days_full=RISK_DAYS_FULL,
            amount_points=RISK_AMOUNT_POINTS,
            company_key=str(company.id),
            bad=bad,
            normal=normal,
            good=good,
            totals=self.env["debt.ledger"]._partner_totals_sql(company),
        )

    @api.depends_context("company")
    def _compute_debt_risk_score(self):
        self.env["debt.ledger"]._flush()
        self.env["res.partner"].flush_model(["trust"])
        # the rank compares every customer of the company: one query over all of them
        scores = {
            row["partner_id"]: row["risk"]
            for row in self.env.execute_query_dict(self._debt_risk_sql(self.env.company))
        }
        for partner in self:
            partner.debt_risk_score = scores.get(partner.commercial_partner_id.id, 0)

    # ------------------------------------------------------------------ the worklist's page
    def _order_field_to_sql(self, alias, field_name, direction, nulls, query):
        column = WORKLIST_COLUMNS.get(field_name)
        if not column:
            return super()._order_field_to_sql(alias, field_name, direction, nulls, query)
        if not self.env.user.has_groups(self._fields[field_name].groups):
            raise AccessError(self.env._("You cannot sort by %(field)s.", field=field_name))
        self.env["debt.ledger"]._flush()
        self.env["res.partner"].flush_model(["trust"])
        # one join whatever the figures sorted by: the ledger's totals and risk of every customer
        worklist_alias = query.make_alias(alias, "debt_worklist")
        query.add_join(
            "LEFT JOIN",
            worklist_alias,
            SQL("(%s)", self._debt_risk_sql(self.env.company)),
            SQL(
                "%s = %s",
                SQL.identifier(worklist_alias, "partner_id"),
                SQL.identifier(alias, "commercial_partner_id"),
            ),
        )
        return SQL("COALESCE(%s, 0) %s %s", SQL.identifier(worklist_alias, column), direction, nulls)

    @api.model
    @api.readonly
    def web_search_read(self, domain, specification, offset=0, limit=None, order=None, count_limit=None):
        """The worklist's page filters on the follow-up status of every customer, and so does
        its pager's count: the follow-up data are read once for both (nothing is written in
        between)."""
        if not any(
            isinstance(leaf, list | tuple) and leaf and leaf[0] in FOLLOWUP_SEARCHED for leaf in domain
        ):
            return super().web_search_read(domain, specification, offset, limit, order, count_limit)
        # a token of this call, registered in this request's cursor: _get_followup_data uses no
        # other (one a client puts in its context is ignored)
        token = next(PAGE_TOKENS)
        self.env.cr.cache[("debt_followup_page", token)] = {}
        try:
            return super(ResPartner, self.with_context(debt_followup_page=token)).web_search_read(
                domain, specification, offset, limit, order, count_limit
            )
        finally:
            self.env.cr.cache.pop(("debt_followup_page", token), None)

    def _fetch_query(self, query, fields):
        """Customers sorted by a figure of the ledger (the worklist): the figures of the page's
        rows are those of the query that sorted them, put in cache, not read again. (Any search
        sorted by such a figure, not only the page's: the figures are the ledger's at that
        moment, as a read of the computed fields would give; the join's alias is the one
        ``_order_field_to_sql`` made, found in the query's joins.)"""
        worklist_alias = query.make_alias(self._table, "debt_worklist")
        if worklist_alias not in query._joins:
            return super()._fetch_query(query, fields)
        names = list(WORKLIST_COLUMNS)
        rows = self.env.execute_query(
            query.select(
                SQL.identifier(self._table, "id"),
                *(SQL.identifier(worklist_alias, WORKLIST_COLUMNS[name]) for name in names),
            )
        )
        records = self.browse([row[0] for row in rows])
        currency = self.env.company.currency_id
        for index, name in enumerate(names, start=1):
            field = self._fields[name]
            if not self.env.user.has_groups(field.groups):
                continue
            values = [
                field.convert_to_cache(
                    currency.round(row[index] or 0.0) if field.type == "monetary" else row[index] or 0,
                    record,
                )
                for row, record in zip(rows, records, strict=True)
            ]
            self.env.cache.update(records, field, values)
        return super(ResPartner, records)._fetch_query(records._as_query(), fields)

    # ------------------------------------------------------------------ a selection at once
    def action_debt_send_due_reminders(self):
        """Send each selected customer the reminder it is due for, as the scheduled run would,
        whether its level waits for a person or not: the collector chose them.

        Left out: customers with nothing to send now, those reminded today or within the
        company's minimum interval. One customer's failure (no email address...) is reported
        and does not stop the others.
        """
        if not self.env.user.has_group("account_debt_followup.group_credit_user"):
            raise AccessError(self.env._("Only credit controllers send reminders."))
        company = self.env.company.root_id  # levels and history are the main company's
        partners = self.commercial_partner_id.with_company(company)
        if not partners:
            raise UserError(self.env._("Select the customers to remind."))
        today = fields.Date.context_today(self)
        interval_start = today - timedelta(days=company.debt_followup_min_interval)
        all_data = partners._get_followup_data(company)
        # the figures the reminders show, for the whole selection in one query; sudo as in
        # _debt_followup_execute, which reads them so
        partners.sudo().mapped("debt_overdue_amount")
        Level = self.env["debt.followup.level"]
        sent, skipped, failed = [], [], []
        due = {}
        for partner in partners:
            data = all_data.get(partner.id)
            if (
                not data
                or self._debt_followup_status_of(data, today) != "in_need_of_action"
                or not data["todo_level_id"]
                or data["reminded_today"]
                or (data["last_date"] and data["last_date"] > interval_start)
            ):
                skipped.append(partner.display_name)
                continue
            missing = partner._debt_followup_companies_missing(company)
            if missing:  # its items would be refused by the record rules: said, not raised
                failed.append(
                    self.env._(
                        "%(partner)s: items of %(companies)s, which you do not work in now",
                        partner=partner.display_name,
                        companies=", ".join(missing.mapped("name")),
                    )
                )
                continue
            due[partner] = Level.browse(data["todo_level_id"])
        # the letters of the selection in one wkhtmltopdf run per level
        letters = self._debt_followup_letters(
            [(company, partner.id, level) for partner, level in due.items()]
        )
        for partner, level in due.items():
            try:
                with self.env.cr.savepoint():
                    history = partner._debt_followup_execute(
                        level, company, letter=letters.get((company.id, partner.id, level.id))
                    )
            except UserError as error:
                failed.append(f"{partner.display_name}: {error.args[0]}")
                continue
            (sent if history else skipped).append(partner.display_name)
        return self._debt_worklist_notification(sent, skipped, failed)

    def _debt_worklist_notification(self, sent, skipped, failed):
        message = self.env._(
            "%(sent)s reminders sent, %(skipped)s customers left out (nothing due now, or reminded "
            "within the minimum interval).",
            sent=len(sent),
            skipped=len(skipped),
        )
        if failed:
            message += " " + self.env._("Not sent: %(failures)s", failures="; ".join(failed))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Reminders"),
                "message": message,
                "type": "warning" if failed else "success",
                "sticky": bool(failed),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
