# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Provision for doubtful debts (Circular 48/2019/TT-BTC) as of 31 December 2026, in a VND company
with the Vietnamese chart of accounts: the rates at their edges and the entry, worked out by hand."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from .common import DebtFollowupCommon

CLOSING = date(2026, 12, 31)
MILLION = 1_000_000


@tagged("post_install", "-at_install")
@freeze_time("2027-01-10")
class TestProvision(DebtFollowupCommon):
    """Ba Sao has an invoice of 1,000,000 due on each edge:

    ===========  =====================================  ====  =========
    due          overdue on 31/12/2026                  rate  provision
    ===========  =====================================  ====  =========
    2026-07-01   6 months on 01/01/2027: not yet          0%          0
    2026-06-30   6 months on 30/12/2026                 30%    300,000
    2026-01-01   1 year on 01/01/2027: not yet          30%    300,000
    2025-12-31   1 year on the day                      50%    500,000
    2025-01-01   2 years on 01/01/2027: not yet         50%    500,000
    2024-12-31   2 years on the day                     70%    700,000
    2024-01-01   3 years on 01/01/2027: not yet         70%    700,000
    2023-12-31   3 years on the day                    100%  1,000,000
    ===========  =====================================  ====  =========

    Ba Sao: 4,000,000. Bến Thành: 10,000,000 due 2025-06-30, 4,000,000 paid in 2026 and 1,000,000
    more on 5 January 2027 (after the closing): 6,000,000 x 50% = 3,000,000. Cần Thơ: 2,000,000 due
    2025-03-31 and a payment of 500,000 not matched: 1,500,000 x 50% = 750,000. Total 7,750,000.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vn = cls._setup_vn_company()
        cls.accountant = new_test_user(
            cls.env,
            login="accountant_vn",
            groups="base.group_user,account.group_account_user",
            company_id=cls.vn.id,
        )
        cls.billing = new_test_user(
            cls.env,
            login="billing_prov",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.vn.id,
        )
        Partner = cls.env["res.partner"]
        cls.ba_sao = Partner.create({"name": "Công ty Ba Sao", "is_company": True})
        cls.ben_thanh = Partner.create({"name": "Công ty Bến Thành", "is_company": True})
        cls.can_tho = Partner.create({"name": "Công ty Cần Thơ", "is_company": True})
        cls.edges = {}
        for due in (
            "2026-07-01",
            "2026-06-30",
            "2026-01-01",
            "2025-12-31",
            "2025-01-01",
            "2024-12-31",
            "2024-01-01",
            "2023-12-31",
        ):
            cls.edges[due] = cls._create_invoice(
                cls.ba_sao, MILLION, "2023-12-01", due_date=due, company=cls.vn
            )
        big = cls._create_invoice(
            cls.ben_thanh, 10 * MILLION, "2025-05-31", due_date="2025-06-30", company=cls.vn
        )
        cls._register_payment(big, 4 * MILLION, "2026-03-01")
        cls._register_payment(big, MILLION, "2027-01-05")
        cls._create_invoice(cls.can_tho, 2 * MILLION, "2025-03-01", due_date="2025-03-31", company=cls.vn)
        cls._create_payment(cls.can_tho, 500_000, "2026-11-01", company=cls.vn)
        # the main company's overdue customer is not provided for in the VND company
        cls._create_invoice(cls.ba_sao, 100.0, "2020-01-01", due_date="2020-01-31")

    def _provision(self, user=None, **values):
        Provision = self.env["debt.provision"].with_user(user or self.accountant).with_company(self.vn)
        return Provision.create({"date": CLOSING, **values})

    def test_rates_at_the_edges(self):
        provision = self._provision()
        ba_sao = provision.line_ids.filtered(lambda line: line.partner_id == self.ba_sao)
        by_due = {str(line.date_maturity): (line.bracket, line.rate, line.amount) for line in ba_sao}
        self.assertEqual(
            by_due,
            {
                "2026-06-30": ("6", 30.0, 300_000),
                "2026-01-01": ("6", 30.0, 300_000),
                "2025-12-31": ("12", 50.0, 500_000),
                "2025-01-01": ("12", 50.0, 500_000),
                "2024-12-31": ("24", 70.0, 700_000),
                "2024-01-01": ("24", 70.0, 700_000),
                "2023-12-31": ("36", 100.0, MILLION),
            },
        )
        self.assertNotIn("2026-07-01", by_due, "overdue 6 months only on 1 January 2027")
        self.assertEqual(self.env["debt.provision"]._rate(date(2026, 7, 1), CLOSING), (False, 0.0))
        self.assertEqual(self.env["debt.provision"]._rate(date(2026, 7, 1), date(2027, 1, 1)), ("6", 30.0))

    def test_partial_payments_and_unapplied_credits(self):
        provision = self._provision()
        totals = {
            partner: (sum(lines.mapped("open_amount")), sum(lines.mapped("amount")))
            for partner, lines in provision.line_ids.grouped("partner_id").items()
        }
        self.assertEqual(
            totals,
            {
                self.ba_sao: (7 * MILLION, 4 * MILLION),
                self.ben_thanh: (6 * MILLION, 3 * MILLION),
                self.can_tho: (1_500_000, 750_000),
            },
        )
        self.assertEqual(provision.amount_total, 7_750_000)
        self.assertEqual(provision.partner_count, 3)
        self.assertEqual(provision.line_ids.company_id, self.vn)

    def test_entry_on_vas_accounts_reversed_next_period(self):
        provision = self._provision()
        self.assertEqual(provision.account_id.code, "2293")
        self.assertEqual(provision.expense_account_id.code, "6426")
        provision.action_create_entry()
        move = provision.move_id
        self.assertEqual(move.state, "draft", "the accountant reviews the entry before posting it")
        self.assertEqual(move.date, CLOSING)
        self.assertEqual(
            sorted(
                (line.account_id.code, line.partner_id.name or "", line.debit, line.credit)
                for line in move.line_ids
            ),
            [
                ("2293", "Công ty Ba Sao", 0, 4 * MILLION),
                ("2293", "Công ty Bến Thành", 0, 3 * MILLION),
                ("2293", "Công ty Cần Thơ", 0, 750_000),
                ("6426", "", 7_750_000, 0),
            ],
        )
        provision.action_post()
        self.assertEqual((provision.state, move.state), ("posted", "posted"))
        reversal = provision.reversal_move_id
        self.assertEqual((reversal.date, reversal.state), (date(2027, 1, 1), "posted"))
        self.assertEqual(reversal.reversed_entry_id, move)
        self.assertEqual(
            sorted((line.account_id.code, line.debit, line.credit) for line in reversal.line_ids),
            [
                ("2293", 750_000, 0),
                ("2293", 3 * MILLION, 0),
                ("2293", 4 * MILLION, 0),
                ("6426", 0, 7_750_000),
            ],
        )
        with self.assertRaises(UserError):
            provision.action_cancel()

    def test_reversal_waits_for_its_date(self):
        with freeze_time("2026-12-31"):
            provision = self._provision()
            provision.action_post()
        self.assertEqual(provision.move_id.state, "posted")
        self.assertEqual(provision.reversal_move_id.state, "draft")
        self.assertEqual(provision.reversal_move_id.auto_post, "at_date")

    def test_one_provision_a_date_and_recompute(self):
        provision = self._provision()
        with self.assertRaises(ValidationError):
            self._provision()
        # a payment dated before the closing, registered late, is taken when computed again
        invoice = self.edges["2023-12-31"]
        self._register_payment(invoice, MILLION, "2026-12-15")
        provision.action_compute()
        self.assertEqual(provision.amount_total, 6_750_000)
        provision.action_cancel()
        self.assertEqual(self._provision().amount_total, 6_750_000)

    def test_rights(self):
        with self.assertRaises(AccessError):
            self._provision(user=self.billing)
        provision = self._provision()
        # a credit controller reads it and prints the report, cannot post it
        self.credit_user.company_ids += self.vn
        as_controller = provision.with_user(self.credit_user).with_company(self.vn)
        self.assertEqual(as_controller.amount_total, 7_750_000)
        html = (
            self.env["ir.actions.report"]
            .with_user(self.credit_user)
            .with_company(self.vn)
            ._render_qweb_html("account_debt_followup.report_provision", provision.ids)[0]
            .decode()
        )
        for name in ("Công ty Ba Sao", "Công ty Bến Thành", "Công ty Cần Thơ"):
            self.assertIn(name, html)
        # neither a salesperson nor the main company's credit manager prints it
        Report = self.env["ir.actions.report"]
        with self.assertRaises(AccessError):
            Report.with_user(self.salesman)._render_qweb_html(
                "account_debt_followup.report_provision", provision.ids
            )
        with self.assertRaises(AccessError):
            Report.with_user(self.credit_manager).with_company(self.company)._render_qweb_html(
                "account_debt_followup.report_provision", provision.ids
            )
        with self.assertRaises(AccessError):
            as_controller.action_post()
        # the main company's users do not see it
        with self.assertRaises(AccessError):
            provision.with_user(self.credit_manager).with_company(self.company).read(["amount_total"])

    def test_settings_where_the_chart_is_not_vietnamese(self):
        self.env.user.groups_id += self.env.ref("account.group_account_user")
        provision = self.env["debt.provision"].create({"date": CLOSING})
        self.assertFalse(provision.account_id, "no VAS account in the generic chart")
        self.assertFalse(provision.line_ids.filtered(lambda line: line.partner_id != self.ba_sao))
        self.assertEqual(provision.amount_total, 100.0, "the 2020 invoice: 100%")
        with self.assertRaisesRegex(UserError, "Choose the journal, the provision account"):
            provision.action_create_entry()
        expense = self.company_data["default_account_expense"]
        allowance = self.company_data["default_account_assets"]
        self.company.write(
            {"debt_provision_account_id": allowance.id, "debt_provision_expense_account_id": expense.id}
        )
        provision.action_cancel()
        provision = self.env["debt.provision"].create({"date": date(2026, 11, 30)})
        self.assertEqual((provision.account_id, provision.expense_account_id), (allowance, expense))
        provision.action_post()
        self.assertEqual(provision.move_id.amount_total, 100.0)

    def test_pdf(self):
        provision = self._provision()
        self._render_real_pdfs()
        content, kind = (
            self.env["ir.actions.report"]
            .with_user(self.accountant)
            .with_company(self.vn)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("account_debt_followup.action_report_provision", provision.ids)
        )
        self.assertEqual(kind, "pdf")
        text = " ".join(self._pdf_text(content).split())
        self.assertIn("Provision for Doubtful Debts", text)
        self.assertIn("Công ty Bến Thành 6,000,000 ₫ 3,000,000 ₫", text)
        self.assertIn("Total 14,500,000 ₫ 7,750,000 ₫", text)
        self.assertIn("100% 1,000,000 ₫", text)
        self.assertIn("Entry: debit 6426 Provision expenses, credit 2293 Provision for doubtful debts", text)
