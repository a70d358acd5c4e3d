# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Summary of debts of a period (bảng tổng hợp công nợ), on a VND company with the Vietnamese
chart of accounts: amounts worked out by hand, receivables on 131 and payables on 331 (codes
that Odoo's l10n_vn pads to four digits: 1310 and 3310)."""

import io
import re
from datetime import date
from urllib.parse import parse_qs, urlparse

import openpyxl
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tests.common import new_test_user
from odoo.tools import format_amount

from .common import DebtFollowupCommon

TODAY = "2026-04-15"
MARCH = {"debt_date_from": "2026-03-01", "debt_date_to": "2026-03-31"}
AMOUNTS = ["opening_debit", "opening_credit", "debit", "credit", "closing_debit", "closing_credit"]


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestPeriodSummary(DebtFollowupCommon):
    """March 2026 in a VND company:

    - An Phát (customer, tag Đại lý, salesperson Lan): invoice of 11,000,000 on 10 February,
      5,000,000 of it paid on 5 March, a second invoice of 7,500,000 on 20 March; 1,000,000 more
      paid on 5 April and an invoice of 1,000,000 on 2 April, after the period.
      Opening 11,000,000 debit, movements 7,500,000 debit and 5,000,000 credit,
      closing 13,500,000 debit.
    - Bình Minh (customer): an advance of 3,000,000 on 20 February, an invoice of 2,000,000 on
      10 March. Opening 3,000,000 credit, movements 2,000,000 debit, closing 1,000,000 credit.
    - Cửu Long (supplier): a bill of 20,000,000 on 15 January, 8,000,000 paid on 25 March, a bill
      of 4,400,000 on 28 March. Opening 20,000,000 credit, movements 8,000,000 debit and
      4,400,000 credit, closing 16,400,000 credit.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vn = cls._setup_vn_company()
        cls.vnd = cls.vn.currency_id
        cls.lan = new_test_user(
            cls.env,
            login="lan",
            groups="base.group_user,sales_team.group_sale_salesman",
            company_id=cls.vn.id,
        )
        cls.tag = cls.env["res.partner.category"].create({"name": "Đại lý"})
        Partner = cls.env["res.partner"]
        cls.an_phat = Partner.create(
            {
                "name": "Công ty An Phát",
                "ref": "KH001",
                "is_company": True,
                "category_id": [(6, 0, cls.tag.ids)],
                "user_id": cls.lan.id,
            }
        )
        cls.binh_minh = Partner.create({"name": "Công ty Bình Minh", "ref": "KH002", "is_company": True})
        cls.cuu_long = Partner.create({"name": "Công ty Cửu Long", "ref": "NCC001", "is_company": True})
        vn = cls.vn
        with freeze_time("2026-01-15"):
            bill = cls._create_invoice(
                cls.cuu_long, 20_000_000, "2026-01-15", move_type="in_invoice", company=vn
            )
        with freeze_time("2026-02-10"):
            invoice = cls._create_invoice(cls.an_phat, 11_000_000, "2026-02-10", company=vn)
        with freeze_time("2026-02-20"):
            cls._create_payment(cls.binh_minh, 3_000_000, "2026-02-20", company=vn)
        with freeze_time("2026-03-05"):
            cls._register_payment(invoice, 5_000_000, "2026-03-05")
        with freeze_time("2026-03-10"):
            cls._create_invoice(cls.binh_minh, 2_000_000, "2026-03-10", company=vn)
        with freeze_time("2026-03-20"):
            cls._create_invoice(cls.an_phat, 7_500_000, "2026-03-20", company=vn)
        with freeze_time("2026-03-25"):
            cls._register_payment(bill, 8_000_000, "2026-03-25")
        with freeze_time("2026-03-28"):
            cls._create_invoice(cls.cuu_long, 4_400_000, "2026-03-28", move_type="in_invoice", company=vn)
        with freeze_time("2026-04-02"):
            cls._create_invoice(cls.an_phat, 1_000_000, "2026-04-02", company=vn)
        with freeze_time("2026-04-05"):
            cls._register_payment(invoice, 1_000_000, "2026-04-05")
        # the main company (USD) has its own customer in March: never in the VND summary
        with freeze_time("2026-03-15"):
            cls._create_invoice(cls.an_phat, 999.0, "2026-03-15")
        cls.billing = new_test_user(
            cls.env,
            login="billing_vn",
            groups="base.group_user,account.group_account_invoice",
            company_id=vn.id,
        )

    def _summary(self, user=None, company=None, period=None):
        Summary = self.env["debt.period.summary"]
        if user:
            Summary = Summary.with_user(user)
        return Summary.with_company(company or self.vn).with_context(**(MARCH if period is None else period))

    def _rows(self, summary=None, domain=()):
        summary = summary if summary is not None else self._summary()
        return {
            (row.partner_id, row.account_id.code): [row[name] for name in AMOUNTS]
            for row in summary.search(list(domain))
        }

    def test_summary_by_partner_and_account_vas(self):
        rows = self._rows()
        self.assertEqual(
            rows,
            {
                (self.an_phat, "1310"): [11_000_000, 0, 7_500_000, 5_000_000, 13_500_000, 0],
                (self.binh_minh, "1310"): [0, 3_000_000, 2_000_000, 0, 0, 1_000_000],
                (self.cuu_long, "3310"): [0, 20_000_000, 8_000_000, 4_400_000, 0, 16_400_000],
            },
        )
        for row in self._summary().search([]):
            self.assertEqual(row.currency_id, self.vnd)
            self.assertEqual(
                row.closing_debit - row.closing_credit,
                row.opening_debit - row.opening_credit + row.debit - row.credit,
                "closing = opening + movements",
            )

    def test_closing_equals_the_ledger_as_of_the_end_date(self):
        Ledger = self.env["debt.ledger"]
        end = date(2026, 3, 31)
        totals = Ledger._partner_totals(self.vn, as_of=end)
        payables = {}
        for row in self.env.execute_query_dict(
            Ledger._items(self.vn, as_of=end, account_types=("liability_payable",))
        ):
            payables[row["partner_id"]] = payables.get(row["partner_id"], 0.0) + row["residual"]
        summary = self._summary().search([])
        for row in summary:
            ledger = (totals if row.account_type == "asset_receivable" else payables)[row.partner_id.id]
            ledger = ledger["open"] if isinstance(ledger, dict) else ledger
            self.assertEqual(row.closing_balance, ledger, row.partner_id.name)
        self.assertEqual(totals[self.an_phat.id]["open"], 13_500_000)
        self.assertEqual(payables[self.cuu_long.id], -16_400_000)
        # the closing of March is the opening of April
        april = {
            (row.partner_id, row.account_id): row.opening_balance
            for row in self._summary(
                period={"debt_date_from": "2026-04-01", "debt_date_to": "2026-04-30"}
            ).search([])
        }
        for row in summary:
            self.assertEqual(april[row.partner_id, row.account_id], row.closing_balance)

    def test_filters_salesperson_tags_and_account_type(self):
        summary = self._summary()
        self.assertEqual(list(self._rows(summary, [("user_id", "=", self.lan.id)])), [(self.an_phat, "1310")])
        self.assertEqual(
            list(self._rows(summary, [("partner_category_ids", "in", self.tag.ids)])),
            [(self.an_phat, "1310")],
        )
        self.assertEqual(
            list(self._rows(summary, [("account_type", "=", "liability_payable")])), [(self.cuu_long, "3310")]
        )
        groups = summary._read_group(
            [("account_type", "=", "asset_receivable")],
            ["account_id"],
            ["closing_debit:sum", "closing_credit:sum"],
        )
        self.assertEqual(
            [(account.code, *sums) for account, *sums in groups], [("1310", 13_500_000, 1_000_000)]
        )

    def test_drill_down_to_the_items(self):
        row = self._summary().search([("partner_id", "=", self.an_phat.id)])
        action = row.action_open_items()
        items = self.env["account.move.line"].with_company(self.vn).search(action["domain"])
        self.assertEqual(sorted(items.mapped("balance")), [-5_000_000, 7_500_000])
        self.assertEqual(sum(items.mapped("debit")), row.debit)
        self.assertEqual(sum(items.mapped("credit")), row.credit)
        self.assertEqual(items.account_id.code, "1310")

    def test_other_company_and_default_period(self):
        usd = self._summary(company=self.company).search([("partner_id", "=", self.an_phat.id)])
        self.assertEqual(usd.company_id, self.company, "the VND items stay in the VND company")
        self.assertEqual((usd.debit, usd.currency_id), (999.0, self.currency))
        # without dates: the current month up to today (April): the April items only
        april = self._summary(period={}).search([("partner_id", "=", self.an_phat.id)])
        self.assertEqual((april.date_from, april.date_to), (date(2026, 4, 1), date(2026, 4, 15)))
        self.assertEqual((april.opening_debit, april.debit, april.credit), (13_500_000, 1_000_000, 1_000_000))

    def test_xlsx_without_decimals(self):
        summary = self._summary(user=self.billing)
        action = summary.with_context(
            active_domain=[("account_type", "=", "asset_receivable")]
        ).action_export_xlsx()
        url = urlparse(action["url"])
        self.assertEqual(url.path, "/account_debt_followup/xlsx/period_summary")
        self.assertEqual(
            {key: values[0] for key, values in parse_qs(url.query).items()},
            {
                "domain": '[["account_type", "=", "asset_receivable"]]',
                "date_from": "2026-03-01",
                "date_to": "2026-03-31",
            },
            "the list's search: what the list shows",
        )
        content = (
            self.env["debt.xlsx.export"]
            .with_user(self.billing)
            .with_company(self.vn)
            ._period_summary_xlsx([], date(2026, 3, 1), date(2026, 3, 31))
        )
        book = openpyxl.load_workbook(io.BytesIO(content))
        sheet = book[self.vn.name[:31]]
        values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2, max_col=9)]
        values = [row for row in values if any(row)]
        self.assertEqual(
            values,
            [
                ["1310", "KH001", "Công ty An Phát", 11_000_000, 0, 7_500_000, 5_000_000, 13_500_000, 0],
                ["1310", "KH002", "Công ty Bình Minh", 0, 3_000_000, 2_000_000, 0, 0, 1_000_000],
                [
                    "1310",
                    None,
                    "Total 1310 Trade receivables",
                    11_000_000,
                    3_000_000,
                    9_500_000,
                    5_000_000,
                    13_500_000,
                    1_000_000,
                ],
                ["3310", "NCC001", "Công ty Cửu Long", 0, 20_000_000, 8_000_000, 4_400_000, 0, 16_400_000],
                [
                    "3310",
                    None,
                    "Total 3310 Trade payables",
                    0,
                    20_000_000,
                    8_000_000,
                    4_400_000,
                    0,
                    16_400_000,
                ],
            ],
        )
        self.assertEqual(sheet.cell(row=2, column=4).number_format, "#,##0")

    def test_pdf_amounts_in_vnd(self):
        self._render_real_pdfs()
        summary = self._summary(user=self.billing).search([])
        action = summary.action_print_pdf()
        content, kind = (
            self.env["ir.actions.report"]
            .with_user(self.billing)
            .with_company(self.vn)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(action["report_name"], summary.ids, data=action["data"])
        )
        self.assertEqual(kind, "pdf")
        text = " ".join(self._pdf_text(content).split())
        self.assertIn("Summary of Debts", text)
        self.assertIn("1310 Trade receivables", text)
        self.assertIn("3310 Trade payables", text)
        amounts = [
            format_amount(self.env, amount, self.vnd).replace("\xa0", " ")
            for amount in (11_000_000, 7_500_000, 5_000_000, 13_500_000)
        ]
        self.assertIn("KH001 Công ty An Phát " + " ".join(amounts), text)
        self.assertIn("NCC001 Công ty Cửu Long 20,000,000 ₫ 8,000,000 ₫ 4,400,000 ₫ 16,400,000 ₫", text)
        self.assertFalse(re.search(r"\d[.,]\d{2}(?!\d)", text), "VND amounts have no decimals")

    def test_access(self):
        Report = self.env["ir.actions.report"]
        name = "account_debt_followup.report_period_summary"
        data = {"date_from": "2026-03-01", "date_to": "2026-03-31", "domain": []}
        # a salesperson without accounting rights reads nothing, and cannot print nor export it
        with self.assertRaises(AccessError):
            self._summary(user=self.lan).search([])
        with self.assertRaises(AccessError):
            Report.with_user(self.lan).with_company(self.vn)._render_qweb_html(name, [], data=data)
        with self.assertRaises(AccessError):
            self.env["debt.xlsx.export"].with_user(self.lan).with_company(self.vn)._period_summary_xlsx(
                [], date(2026, 3, 1), date(2026, 3, 31)
            )
        # a credit controller of the main company only: not the VND company
        with self.assertRaises(AccessError):
            Report.with_user(self.credit_user).with_context(
                allowed_company_ids=[self.vn.id]
            )._render_qweb_html(name, [], data=data)
        rows = self._summary(user=self.credit_user, company=self.company).search([])
        self.assertNotIn(self.vn, rows.company_id)
        # a billing clerk of the VND company prints it: both accounts, in VND
        html = Report.with_user(self.billing).with_company(self.vn)._render_qweb_html(name, [], data=data)[0]
        html = html.decode()
        self.assertIn("1310", html)
        self.assertIn("3310", html)
        self.assertIn('<span class="oe_currency_value">13,500,000</span>\xa0₫', html)
        values = (
            self.env["report.account_debt_followup.report_period_summary"]
            .with_company(self.vn)
            ._get_report_values([], data)
        )
        self.assertEqual([section["account"].code for section in values["sections"]], ["1310", "3310"])
        self.assertEqual(values["sections"][0]["totals"]["closing_debit"], 13_500_000)
