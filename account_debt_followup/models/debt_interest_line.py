# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Late-payment interest (Commercial Law 2005, art. 306): computed day by day on the overdue
items, proposed as draft debit notes that an accountant reviews and posts."""

from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

DAYS_A_YEAR = 365


class DebtInterestLine(models.Model):
    """The interest charged on one overdue item for a period, by a debit note: the next note
    starts the day after, whatever the dates asked."""

    _name = "debt.interest.line"
    _description = "Late-Payment Interest"
    _order = "date_to desc, partner_id, id"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    move_line_id = fields.Many2one(
        "account.move.line", string="Overdue Item", required=True, index=True, check_company=True
    )
    move_id = fields.Many2one(related="move_line_id.move_id", string="Overdue Document")
    date_maturity = fields.Date(related="move_line_id.date_maturity", string="Due Date")
    invoice_id = fields.Many2one(
        "account.move", string="Debit Note", required=True, index=True, ondelete="cascade", check_company=True
    )
    invoice_state = fields.Selection(related="invoice_id.state", string="Note Status")
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    days = fields.Integer(help="The days interest ran on in the period.")
    rate = fields.Float(string="Rate (%/year)", digits=(6, 2), aggregator=None)
    amount = fields.Monetary(string="Interest")

    # ------------------------------------------------------------------ rates
    @api.model
    def _rates(self, company, partner_ids):
        """``({partner_id: rate}, [(delay, rate)])``: the customers' own rates (% a year) and the
        follow-up levels' rates of the main company, by delay."""
        company = company.root_id
        partners = self.env["res.partner"].browse(partner_ids).with_company(company)
        own = {partner.id: partner.debt_interest_rate for partner in partners if partner.debt_interest_rate}
        # sudo: a billing clerk proposing the interest notes may not read the follow-up levels,
        # whose rates are the company's terms; only their delays and rates are read
        levels = (
            self.env["debt.followup.level"].sudo().search([("company_id", "=", company.id)], order="delay")
        )
        return own, [(level.delay, level.interest_rate) for level in levels]

    @api.model
    def _level_rate(self, levels, days_overdue):
        rate = 0.0
        for delay, level_rate in levels:
            if delay > days_overdue:
                break
            rate = level_rate
        return rate

    # ------------------------------------------------------------------ computation
    @api.model
    def _compute_interest(self, company, partners, date_from, date_to, only_open=False):
        """The interest of each overdue item, day by day: every day ``t`` from ``date_from``
        (``None``: from the due date) to ``date_to`` that is past the due date plus the grace
        period and after the last day already charged, the amount still unpaid at the end of
        ``t`` times the rate of that day divided by 365. The rate is the customer's own, else the
        rate of the follow-up level the item reached on that day.

        :param partners: commercial partners; an empty recordset for all
        :return: ``[{"item", "partner_id", "move_name", "due", "date_from", "date_to", "days",
            "rate", "amount"}]`` with ``amount`` rounded to the company currency, not zero
        """
        grace = company.debt_interest_grace_days
        rows = self.env["debt.ledger"]._interest_items(
            company, partners.ids or None, date_from, date_to, grace, only_open=only_open
        )
        own, levels = self._rates(company, list({row["partner_id"] for row in rows}))
        if not own and not any(rate for _delay, rate in levels):
            return []
        currency = company.currency_id
        result = []
        for row in rows:
            first = row["due"] + timedelta(days=grace + 1)
            if date_from:
                first = max(first, date_from)
            if row["charged_to"]:
                first = max(first, row["charged_to"] + timedelta(days=1))
            payments = list(zip(row["paid_dates"], row["paid_amounts"], strict=True))
            outstanding = row["balance"]
            interest, days, rate, charged = 0.0, 0, 0.0, []
            day = first
            while day <= date_to:
                while payments and payments[0][0] <= day:
                    outstanding -= payments.pop(0)[1]
                if currency.compare_amounts(outstanding, 0) <= 0:
                    break
                rate = own.get(row["partner_id"]) or self._level_rate(levels, (day - row["due"]).days)
                if rate:
                    interest += outstanding * rate / 100.0 / DAYS_A_YEAR
                    days += 1
                    charged.append(day)
                day += timedelta(days=1)
            amount = currency.round(interest)
            if days and not currency.is_zero(amount):
                result.append(
                    {
                        "item": row["id"],
                        "partner_id": row["partner_id"],
                        "move_name": row["move_name"],
                        "due": row["due"],
                        "date_from": charged[0],
                        "date_to": charged[-1],
                        "days": days,
                        "rate": rate,
                        "amount": amount,
                    }
                )
        return result

    @api.model
    def _accrued(self, company, partners, date):
        """``{partner_id: interest}`` accrued on the open items up to ``date`` and not charged
        yet: what a reminder shows."""
        accrued = defaultdict(float)
        for item in self._compute_interest(
            company, partners.commercial_partner_id, None, date, only_open=True
        ):
            accrued[item["partner_id"]] += item["amount"]
        return dict(accrued)

    # ------------------------------------------------------------------ debit notes
    @api.model
    def _propose_notes(self, company, partners, date_from, date_to):
        """One draft debit note per customer with interest on the period, a line per item.

        :return: the draft notes (``account.move``)
        """
        items = self._compute_interest(company, partners.commercial_partner_id, date_from, date_to)
        if not items:
            return self.env["account.move"]
        account = company.debt_interest_account_id or company._debt_chart_account("chart515")
        if not account:
            raise UserError(
                self.env._(
                    "Choose the income account of late-payment interest in the Settings (Month-End Closing)."
                )
            )
        journal = company.debt_interest_journal_id or self.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(company), ("type", "=", "sale")], limit=1
        )
        by_partner = defaultdict(list)
        for item in items:
            by_partner[item["partner_id"]].append(item)
        vals_list = []
        for partner_id, partner_items in by_partner.items():
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner_id,
                    "company_id": company.id,
                    "journal_id": journal.id,
                    "currency_id": company.currency_id.id,
                    "invoice_date": date_to,
                    "invoice_origin": self.env._("Late-payment interest"),
                    "narration": Markup("<p>%s</p>")
                    % self.env._(
                        "Interest on late payments (Commercial Law 2005, article 306), from %(date_from)s "
                        "to %(date_to)s.",
                        date_from=format_date(self.env, min(item["date_from"] for item in partner_items)),
                        date_to=format_date(self.env, max(item["date_to"] for item in partner_items)),
                    ),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": self._line_label(item),
                                "account_id": account.id,
                                "quantity": 1.0,
                                "price_unit": item["amount"],
                                "tax_ids": [Command.clear()],
                            }
                        )
                        for item in partner_items
                    ],
                }
            )
        notes = self.env["account.move"].with_company(company).create(vals_list)
        line_vals = []
        for note, (partner_id, partner_items) in zip(notes, by_partner.items(), strict=True):
            for item in partner_items:
                line_vals.append(
                    {
                        "company_id": company.id,
                        "partner_id": partner_id,
                        "move_line_id": item["item"],
                        "invoice_id": note.id,
                        "date_from": item["date_from"],
                        "date_to": item["date_to"],
                        "days": item["days"],
                        "rate": item["rate"],
                        "amount": item["amount"],
                    }
                )
        self.create(line_vals)
        return notes

    @api.model
    def _line_label(self, item):
        rate = "%g" % item["rate"]
        return self.env._(
            "Late-payment interest on %(document)s (due %(due)s): %(days)s days from %(date_from)s to "
            "%(date_to)s at %(rate)s%% a year",
            document=item["move_name"],
            due=format_date(self.env, item["due"]),
            days=item["days"],
            date_from=format_date(self.env, item["date_from"]),
            date_to=format_date(self.env, item["date_to"]),
            rate=rate,
        )
