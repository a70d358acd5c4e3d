# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import io
import shutil

import openpyxl
from freezegun import freeze_time

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import DebtFollowupCommon


@tagged("post_install", "-at_install")
class TestMonthEndTours(DebtFollowupCommon, HttpCase):
    """The month-end reports clicked through in headless Chromium, in a VND company with the
    Vietnamese chart of accounts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vn = cls._setup_vn_company()
        cls.accountant = new_test_user(
            cls.env,
            login="tour_accountant",
            name="Tour Accountant",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.vn.id,
            company_ids=[(6, 0, cls.vn.ids)],
        )
        tag = cls.env["res.partner.category"].create({"name": "Đại lý"})
        Partner = cls.env["res.partner"]
        cls.an_phat = Partner.create(
            {"name": "Công ty An Phát", "ref": "KH001", "is_company": True, "category_id": [(6, 0, tag.ids)]}
        )
        supplier = Partner.create({"name": "Công ty Cửu Long", "ref": "NCC001", "is_company": True})
        with freeze_time("2026-01-15"):
            bill = cls._create_invoice(
                supplier, 20_000_000, "2026-01-15", move_type="in_invoice", company=cls.vn
            )
        with freeze_time("2026-02-10"):
            invoice = cls._create_invoice(cls.an_phat, 11_000_000, "2026-02-10", company=cls.vn)
        with freeze_time("2026-03-05"):
            cls._register_payment(invoice, 5_000_000, "2026-03-05")
        with freeze_time("2026-03-20"):
            cls._create_invoice(cls.an_phat, 7_500_000, "2026-03-20", company=cls.vn)
        with freeze_time("2026-03-25"):
            cls._register_payment(bill, 8_000_000, "2026-03-25")
        with freeze_time("2026-03-28"):
            cls._create_invoice(supplier, 4_400_000, "2026-03-28", move_type="in_invoice", company=cls.vn)

    def setUp(self):
        super().setUp()
        # Odoo skips a tour when it finds no Chrome: here that is a failure, not a skip
        self.assertTrue(
            shutil.which("chromium") or shutil.which("google-chrome"), "Chromium is needed for the tours"
        )

    def test_accountant_reads_the_summary_of_debts(self):
        self.start_tour(
            "/odoo/action-account.action_move_out_invoice_type",
            "account_debt_followup_period_summary",
            login="tour_accountant",
        )

    def test_summary_xlsx_download(self):
        self.authenticate("tour_accountant", "tour_accountant")
        summary = (
            self.env["debt.period.summary"]
            .with_user(self.accountant)
            .with_company(self.vn)
            .with_context(debt_date_from="2026-03-01", debt_date_to="2026-03-31")
        )
        action = summary.with_context(
            active_domain=[("partner_id", "=", self.an_phat.id)]
        ).action_export_xlsx()
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response.headers["Content-Type"])
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        self.assertEqual(
            [cell.value for cell in sheet[2]][:9],
            ["1310", "KH001", "Công ty An Phát", 11_000_000, 0, 7_500_000, 5_000_000, 13_500_000, 0],
        )
        # a billing clerk of the main company gets the main company's rows only: none here
        new_test_user(self.env, login="tour_other", groups="base.group_user,account.group_account_invoice")
        self.authenticate("tour_other", "tour_other")
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        self.assertEqual(sheet.max_row, 1, "the headers only")
        # a salesperson without accounting rights: refused
        new_test_user(self.env, login="tour_seller", groups="base.group_user,sales_team.group_sale_salesman")
        self.authenticate("tour_seller", "tour_seller")
        with mute_logger("odoo.http"):
            response = self.url_open(action["url"])
        self.assertNotEqual(response.status_code, 200)
