# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The receivables ledger on a generated, seeded history: every screen agrees with it, and the
figures as of a past date are those the ledger showed on that date."""

import io
import random
from datetime import date, timedelta

import openpyxl
from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import format_amount, html2plaintext

from .common import DebtFollowupCommon

TODAY = date(2026, 6, 15)
CHECKPOINTS = [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31)]
SEED = 20261201


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestLedger(DebtFollowupCommon):
    """Six customers (one buying through a contact person), invoices in USD and EUR, in the main
    company and in a branch, credit notes, partial and full payments, payments registered but
    matched later or never, disputed invoices. The history is entered in the order of its dates,
    and the ledger's figures are noted at each month end, as a copy holding only what was dated
    on or before that day would show them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"child_ids": [Command.create({"name": "Branch Hanoi"})]})
        cls.env.cr.precommit.run()  # the branch's accounting
        cls.branch = cls.company.child_ids
        cls.env.user.company_ids += cls.branch
        # a user working in the main company and its branch, as a head-office accountant does
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=(cls.company | cls.branch).ids))
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"Ledger customer {index}", "is_company": True} for index in range(6)]
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Buyer of customer 0", "parent_id": cls.customers[0].id}
        )
        cls.snapshots = {}
        with freeze_time(CHECKPOINTS[0]):
            cls._generate_history()

    @classmethod
    def _generate_history(cls):
        rng = random.Random(SEED)
        start = date(2026, 1, 3)
        events = []  # (effective date, order, callable)
        invoices = []
        for index, customer in enumerate(cls.customers):
            buyer = cls.contact if index == 0 else customer
            for number in range(5):
                day = start + timedelta(days=rng.randrange(0, 140))
                due = day + timedelta(days=rng.choice((0, 15, 30, 45)))
                amount = rng.randrange(10, 200) * 10.0
                currency = cls.eur if number == 1 else None
                company = cls.branch if number == 2 else None
                invoice = {"partner": buyer, "amount": amount, "day": day, "due": due}
                invoices.append(invoice)
                events.append((day, len(events), cls._make_invoice(invoice, currency, company)))
                paid = rng.random()
                if paid < 0.5:  # registered on the invoice, in full or in part
                    pay_day = day + timedelta(days=rng.randrange(3, 80))
                    share = rng.choice((1.0, 0.5, 0.3))
                    events.append((pay_day, len(events), cls._make_payment(invoice, share, pay_day)))
                elif paid < 0.7:  # registered without matching, matched later or never
                    pay_day = day + timedelta(days=rng.randrange(-10, 60))
                    match_day = max(pay_day, day) + timedelta(days=rng.randrange(0, 40))
                    share = rng.choice((1.0, 0.4))
                    events.append((pay_day, len(events), cls._make_unmatched(invoice, share, pay_day)))
                    if rng.random() < 0.6:
                        events.append((match_day, len(events), cls._make_match(invoice)))
            refund_day = start + timedelta(days=rng.randrange(20, 140))
            if index % 2:
                refund = {"partner": customer, "amount": 150.0, "day": refund_day, "due": refund_day}
                events.append((refund_day, len(events), cls._make_invoice(refund, None, None, "out_refund")))
        disputed = [invoice for number, invoice in enumerate(invoices) if number % 7 == 3]
        checkpoints = list(CHECKPOINTS)
        events = [event for event in events if event[0] <= TODAY]  # nothing dated in the future
        for day, _order, action in sorted(events, key=lambda event: event[:2]):
            while checkpoints and checkpoints[0] < day:
                cls._snapshot(checkpoints.pop(0), disputed)
            with freeze_time(day):
                action()
        for checkpoint in checkpoints:
            cls._snapshot(checkpoint, disputed)
        cls._mark_disputed(disputed)

    @classmethod
    def _make_invoice(cls, invoice, currency, company, move_type="out_invoice"):
        def action():
            invoice["move"] = cls._create_invoice(
                invoice["partner"],
                invoice["amount"],
                invoice["day"],
                invoice["due"],
                currency=currency,
                company=company,
                move_type=move_type,
            )

        return action

    @classmethod
    def _make_payment(cls, invoice, share, pay_day):
        def action():
            move = invoice["move"]
            cls._register_payment(move, move.currency_id.round(move.amount_residual * share), pay_day)

        return action

    @classmethod
    def _make_unmatched(cls, invoice, share, pay_day):
        def action():
            move = invoice["move"]
            payment = cls.env["account.payment"].create(
                {
                    "partner_id": invoice["partner"].id,
                    "amount": move.currency_id.round(move.amount_total * share),
                    "currency_id": move.currency_id.id,
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "date": pay_day,
                    "company_id": move.company_id.id,
                }
            )
            payment.action_post()
            invoice["payment"] = payment

        return action

    @classmethod
    def _make_match(cls, invoice):
        def action():
            lines = (invoice["move"].line_ids | invoice["payment"].move_id.line_ids).filtered(
                lambda line: line.account_type == "asset_receivable" and not line.reconciled
            )
            if len(lines) == 2:
                lines.reconcile()

        return action

    @classmethod
    def _mark_disputed(cls, invoices):
        lines = cls.env["account.move.line"].browse(
            [
                line.id
                for invoice in invoices
                for line in invoice["move"].line_ids
                if line.account_type == "asset_receivable"
            ]
        )
        lines.write({"followup_excluded": True, "followup_exclusion_reason": "Disputed quantity"})

    @classmethod
    def _snapshot(cls, day, disputed):
        """What the ledger shows on ``day`` with only what is dated until then: disputed items
        are marked at the end of the history, so only the balances are compared with them."""
        with freeze_time(day):
            totals = cls.env["debt.ledger"]._partner_totals(cls.company, cls.customers.ids)
        cls.snapshots[day] = {pid: values["open"] for pid, values in totals.items()}

    # ------------------------------------------------------------------ helpers
    def _aged_totals(self, as_of=None):
        Aged = self.env["debt.aged.balance"].with_context(
            debt_as_of=as_of and fields.Date.to_string(as_of),
            allowed_company_ids=(self.company | self.branch).ids,
        )
        groups = Aged._read_group(
            [("account_type", "=", "asset_receivable"), ("partner_id", "in", self.customers.ids)],
            ["partner_id"],
            ["amount_residual:sum"],
        )
        return {partner.id: total for partner, total in groups}

    def _statement_totals(self, as_of):
        items = self.env["debt.statement"]._get_open_items(self.customers, self.company, as_of)
        return {partner_id: sections[None] for partner_id, sections in items.items()}

    def assertAmounts(self, first, second, msg):
        ids = set(first) | set(second)
        for partner_id in ids:
            self.assertAlmostEqual(
                first.get(partner_id, 0.0), second.get(partner_id, 0.0), 2, f"{msg} ({partner_id})"
            )

    # ------------------------------------------------------------------ tests
    def test_history_is_varied(self):
        """The generated history holds what the invariants are about."""
        Line = self.env["account.move.line"]
        domain = [("partner_id", "child_of", self.customers.ids), ("parent_state", "=", "posted")]
        self.assertTrue(Line.search_count(domain + [("company_id", "=", self.branch.id)]))
        self.assertTrue(Line.search_count(domain + [("currency_id", "=", self.eur.id)]))
        self.assertTrue(Line.search_count(domain + [("followup_excluded", "=", True)]))
        self.assertTrue(Line.search_count(domain + [("move_id.move_type", "=", "out_refund")]))
        unmatched = domain + [
            ("payment_id", "!=", False),
            ("reconciled", "=", False),
            ("account_type", "=", "asset_receivable"),
        ]
        self.assertTrue(Line.search_count(unmatched), "a payment registered but not matched")
        self.assertTrue(
            self.env["account.partial.reconcile"].search_count(
                [
                    ("debit_move_id.partner_id", "child_of", self.customers.ids),
                    ("max_date", ">", CHECKPOINTS[0]),
                ]
            )
        )

    def test_as_of_a_date_equals_the_ledger_on_that_date(self):
        for day in CHECKPOINTS:
            with self.subTest(day=day):
                totals = self.env["debt.ledger"]._partner_totals(self.company, self.customers.ids, as_of=day)
                rebuilt = {pid: values["open"] for pid, values in totals.items()}
                self.assertAmounts(rebuilt, self.snapshots[day], "ledger as of the date")
                self.assertAmounts(self._statement_totals(day), self.snapshots[day], "statement")
                self.assertAmounts(self._aged_totals(day), self.snapshots[day], "aged receivable")

    def test_every_screen_shows_the_same_balance(self):
        partners = self.customers.with_company(self.company)
        on_form = {partner.id: partner.debt_open_amount for partner in partners}
        self.assertAmounts(self._statement_totals(TODAY), on_form, "statement and partner form")
        self.assertAmounts(self._aged_totals(), on_form, "aged receivable and partner form")
        self.assertTrue(any(on_form.values()))

    def test_every_screen_shows_the_same_overdue(self):
        partners = self.customers.with_company(self.company)
        level = self.env["debt.followup.level"].create(
            {
                "name": "Reminder",
                "delay": 1,
                "company_id": self.company.id,
                "send_letter": True,
                "mail_template_id": self.env.ref("account_debt_followup.mail_template_followup_reminder").id,
            }
        )
        followup = partners._get_followup_data(self.company)
        letter = self.env["report.account_debt_followup.report_followup_letter"]._get_report_values(
            partners.ids, {"company_id": self.company.id, "level_id": level.id}
        )
        overdue_customers = partners.filtered(lambda partner: partner.debt_overdue_amount > 0)
        self.assertTrue(overdue_customers)
        for partner in partners:
            with self.subTest(partner=partner.name):
                overdue, days = partner.debt_overdue_amount, partner.debt_max_days_overdue
                self.assertEqual(bool(overdue), bool(days), "no days overdue without an overdue amount")
                self.assertEqual(followup.get(partner.id, {}).get("max_days", 0), days, "worklist")
                matching = partners.search([("id", "=", partner.id), ("debt_max_days_overdue", ">", 60)])
                self.assertEqual(bool(matching), days > 60, "the filter on days overdue")
                order = self._create_order(partner, 10.0, confirm=False)
                self.assertAlmostEqual(order.debt_partner_overdue, overdue, 2, "quotation banner")
                self.assertEqual(order.debt_partner_days_overdue, days, "quotation banner")
                self.assertAlmostEqual(letter["figures"][partner.id]["overdue"], overdue, 2, "letter")
        for partner in overdue_customers:
            partner.email = f"{partner.name.replace(' ', '.')}@example.vn"
            history = partner._debt_followup_execute(level, self.company)
            self.assertAlmostEqual(history.amount_overdue, partner.debt_overdue_amount, 2, "history")
            self.assertAlmostEqual(history.amount_due, partner.debt_open_amount, 2, "history")
            body = html2plaintext(history.mail_message_id.body).replace("\xa0", " ")
            amount = format_amount(self.env, partner.debt_overdue_amount, self.currency).replace("\xa0", " ")
            self.assertIn(amount, body, "email")

    def test_unmatched_payment_clears_days_and_level(self):
        """A payment registered but not matched yet pays the oldest overdue invoice: the amount,
        the days, the level reached and the credit rule on days all see it."""
        customer = self.env["res.partner"].create({"name": "Paid, not matched", "is_company": True})
        self._create_invoice(customer, 500.0, "2026-03-01", "2026-04-15")
        self._create_invoice(customer, 300.0, "2026-06-01", "2026-07-01")
        payment = self.env["account.payment"].create(
            {"partner_id": customer.id, "amount": 500.0, "payment_type": "inbound", "date": "2026-06-10"}
        )
        payment.action_post()
        self.env["debt.followup.level"].create(
            {"name": "Late", "delay": 15, "company_id": self.company.id, "send_email": False}
        )
        self.env["debt.credit.rule"].create(
            {
                "name": "Late 30 days",
                "company_id": self.company.id,
                "rule_type": "overdue_days",
                "threshold_days": 30,
                "action": "block",
            }
        )
        customer = customer.with_company(self.company)
        self.assertEqual(customer.debt_overdue_amount, 0.0)
        self.assertEqual(customer.debt_max_days_overdue, 0)
        data = customer._get_followup_data(self.company).get(customer.id, {})
        self.assertFalse(data.get("level_id"), "no level reached by a paid invoice")
        order = self._create_order(customer, 10.0)
        self.assertEqual(order.state, "sale", "not blocked by the rule on days")

    def test_disputed_items_are_not_overdue_anywhere(self):
        customer = self.env["res.partner"].create({"name": "Disputing", "is_company": True})
        invoice = self._create_invoice(customer, 800.0, "2026-01-10", "2026-02-10")
        invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable").write(
            {"followup_excluded": True, "followup_exclusion_reason": "Wrong price"}
        )
        customer = customer.with_company(self.company)
        self.assertEqual(customer.debt_open_amount, 800.0, "still owed")
        self.assertEqual(customer.debt_overdue_amount, 0.0)
        self.assertEqual(customer.debt_max_days_overdue, 0)
        self.assertFalse(customer.search([("id", "=", customer.id), ("debt_max_days_overdue", ">", 60)]))
        self.assertEqual(self._create_order(customer, 10.0, confirm=False).debt_partner_overdue, 0.0)

    def test_branch_orders_follow_the_main_company_rules(self):
        customer = self.env["res.partner"].create({"name": "Branch buyer", "is_company": True})
        self._create_invoice(customer, 900.0, "2026-05-01", "2026-05-31", company=self.branch)
        customer.with_company(self.company).credit_limit = 1000.0
        self.env["debt.credit.rule"].create(
            {"name": "Limit", "company_id": self.company.id, "rule_type": "credit_limit", "action": "block"}
        )
        self.assertEqual(customer.with_company(self.branch).debt_open_amount, 900.0)
        self.assertEqual(customer.with_company(self.company).debt_open_amount, 900.0)
        order = self._create_order(customer, 200.0, confirm=False, company=self.branch)
        self.assertEqual(order.debt_credit_state, "block", "the branch's order is checked")
        # the branch's invoice is reminded by the main company's levels
        self.env["debt.followup.level"].create(
            {"name": "Late", "delay": 5, "company_id": self.company.id, "send_email": False}
        )
        data = customer._get_followup_data(self.branch)[customer.id]
        self.assertTrue(data["level_id"])

    def test_days_are_counted_to_the_users_today(self):
        """In Vietnam, at 01:00 on 16 June it is still 15 June in UTC: the aged balance and the
        customer's form both count to the user's date."""
        customer = self.env["res.partner"].create({"name": "Time zone", "is_company": True})
        self._create_invoice(customer, 100.0, "2026-06-01", "2026-06-15")
        self.env.user.tz = "Asia/Ho_Chi_Minh"
        with freeze_time("2026-06-15 18:00:00"):  # 01:00 on 16 June in Hanoi
            aged = self.env["debt.aged.balance"].search([("partner_id", "=", customer.id)])
            self.assertEqual(aged.days_overdue, 1)
            self.assertEqual(customer.with_company(self.company).debt_max_days_overdue, 1)

    def test_aged_balance_as_of_a_date_on_screen_pdf_and_xlsx(self):
        """Month-end closing printed on the 5th: an invoice open on 31 March but paid on
        2 April is in the aged receivable as of 31 March, on the screen, the PDF and the file."""
        customer = self.env["res.partner"].create({"name": "Paid after month end", "is_company": True})
        invoice = self._create_invoice(customer, 1200.0, "2026-02-10", "2026-03-10")
        self._register_payment(invoice, 1200.0, "2026-04-02")
        wizard = self.env["debt.aged.balance.wizard"].create({"date": "2026-03-31", "aging_by": "due"})
        action = wizard.action_open()
        context = dict(action["context"], allowed_company_ids=self.company.ids)
        self.assertEqual(context["debt_as_of"], "2026-03-31")
        Aged = self.env["debt.aged.balance"].with_context(**context)
        domain = [("partner_id", "=", customer.id), ("account_type", "=", "asset_receivable")]
        rows = Aged.search(domain)
        self.assertEqual(rows.mapped("amount_residual"), [1200.0])
        self.assertEqual(rows.days_overdue, 21, "aged to the 31st, not to today")
        self.assertEqual(rows.amount_period_1, 1200.0, "1-30 days")
        self.assertFalse(self.env["debt.aged.balance"].search(domain), "paid today")
        values = (
            self.env["report.account_debt_followup.report_aged_balance"]
            .with_context(**context)
            ._get_report_values([], {"domain": domain})
        )
        self.assertEqual(values["today"], date(2026, 3, 31))
        self.assertEqual(values["totals"][0][-1], 1200.0, "totals row of the PDF")
        content = self.env["debt.xlsx.export"].with_context(**context)._aged_xlsx(domain)
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        self.assertIn(1200.0, [cell.value for cell in sheet[2]])
        self.env.invalidate_all()  # a new request in the web client
        by_date = Aged.with_context(debt_aging_by="date").search(domain)
        self.assertEqual(by_date.days_overdue, 49, "aged from the invoice date, 10 February")

    def test_reminder_lines_and_statement_overdue_follow_the_ledger(self):
        """A payment not matched yet pays the oldest invoice: the reminder leaves that invoice
        out (and never marks it reminded); a disputed invoice is out too. The statement's
        overdue is the customer form's."""
        customer = self.env["res.partner"].create({"name": "Statement and letter", "is_company": True})
        oldest = self._create_invoice(customer, 300.0, "2026-03-01", "2026-03-31")
        newer = self._create_invoice(customer, 500.0, "2026-04-01", "2026-04-30")
        disputed = self._create_invoice(customer, 200.0, "2026-04-05", "2026-05-05")
        disputed.line_ids.filtered(lambda line: line.account_type == "asset_receivable").write(
            {"followup_excluded": True, "followup_exclusion_reason": "Goods returned"}
        )
        payment = self.env["account.payment"].create(
            {"partner_id": customer.id, "amount": 300.0, "payment_type": "inbound", "date": "2026-06-01"}
        )
        payment.action_post()
        customer = customer.with_company(self.company)
        lines = customer._get_followup_lines(self.company)
        self.assertEqual(lines.move_id, newer, "the oldest is paid by the payment, the disputed is out")
        self.assertNotIn(oldest, lines.move_id)
        self.assertEqual(customer.debt_overdue_amount, 500.0)
        section = self.env["debt.statement"]._get_open_items(customer, self.company, TODAY)[customer.id]
        self.assertEqual(section[self.currency]["overdue"], 500.0)
        self.assertEqual(section[self.currency]["total"], 700.0)
