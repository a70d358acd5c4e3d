# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import io
import json
from urllib.parse import parse_qs, urlparse

import openpyxl
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import DebtFollowupCommon

RECEIVABLE = [("account_type", "=", "asset_receivable")]


@tagged("post_install", "-at_install")
class TestAgedBalanceExport(DebtFollowupCommon):
    """The aged receivable's Export XLSX and Print PDF give what the list shows: its search (the
    web client sends it as active_domain when nothing is selected), its grouping and its
    totals. Cat Co also sold us something: its bill is a payable the receivable list hides.

    Dates are relative to today: the aging of the list is computed by the database, on its
    own date."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dog = cls.env["res.partner"].create({"name": "Dog Co", "is_company": True})
        cls.cat = cls.env["res.partner"].create({"name": "Cat Co", "is_company": True})
        cls.seller = new_test_user(
            cls.env, login="aged_seller", name="Aged Seller", company_id=cls.company.id
        )
        cls.company.external_report_layout_id = cls.env.ref("web.external_layout_standard")
        today = fields.Date.today()

        def days(count):
            return today - relativedelta(days=count)

        cls._create_invoice(cls.dog, 1000.0, days(60), due_date=days(30))  # 1-30 days
        cls._create_invoice(cls.dog, 200.0, days(10), due_date=days(-20))  # current
        cat_invoice = cls._create_invoice(cls.cat, 4600.0, days(120), due_date=days(90), post=False)
        cat_invoice.invoice_user_id = cls.seller
        cat_invoice.action_post()
        cls._create_invoice(cls.cat, 1500.0, days(30), due_date=days(-1), move_type="in_invoice")
        cls.cat_due_month = fields.Date.to_date(days(90)).strftime("%B %Y")
        cls.ours = [("partner_id", "in", (cls.dog | cls.cat).ids)]

    def _export(self, context, records=None):
        """What the button does, then what the browser downloads from the URL it gets."""
        Aged = self.env["debt.aged.balance"].with_context(**context)
        action = (records.with_context(**context) if records else Aged).action_export_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        url = urlparse(action["url"])
        self.assertEqual(url.path, "/account_debt_followup/xlsx/aged_balance")
        query = {key: json.loads(values[0]) for key, values in parse_qs(url.query).items()}
        content = self.env["debt.xlsx.export"]._aged_xlsx(query["domain"], query["groupby"])
        return list(
            openpyxl.load_workbook(io.BytesIO(content))[self.currency.name].iter_rows(values_only=True)
        )

    def test_export_follows_the_search_not_everything(self):
        rows = self._export(
            {"active_domain": RECEIVABLE + self.ours, "active_ids": [], "debt_groupby": ["partner_id"]}
        )
        self.assertEqual(rows[0][:2], ("Partner", "Current"))
        by_partner = {row[0]: row for row in rows[1:-1]}
        self.assertEqual(set(by_partner), {"Dog Co", "Cat Co"})
        self.assertAlmostEqual(by_partner["Cat Co"][7], 4600.0, msg="the bill of Cat Co is not receivable")
        self.assertAlmostEqual(by_partner["Dog Co"][1], 200.0)  # current
        self.assertAlmostEqual(by_partner["Dog Co"][2], 1000.0)  # 1-30 days
        self.assertEqual(rows[-1][0], "Total")
        self.assertAlmostEqual(rows[-1][7], 5800.0)
        # the same totals as the list's, read the way the list reads them
        groups = self.env["debt.aged.balance"].read_group(
            RECEIVABLE + self.ours, ["amount_residual:sum"], ["partner_id"], lazy=False
        )
        self.assertAlmostEqual(rows[-1][7], sum(group["amount_residual"] for group in groups))

        # nothing in the search but the partners: the payable shows (what we owe, positive, as
        # the Aged Payable shows it), as it does on the screen
        rows = self._export({"active_domain": self.ours, "debt_groupby": ["partner_id"]})
        self.assertAlmostEqual(rows[-1][7], 5800.0 + 1500.0)

    def test_export_follows_the_grouping_of_the_list(self):
        rows = self._export(
            {"active_domain": RECEIVABLE + self.ours, "debt_groupby": ["invoice_user_id", "partner_id"]}
        )
        self.assertEqual(rows[0][:3], ("Salesperson", "Partner", "Current"))
        keys = {(row[0], row[1]): row[8] for row in rows[1:-1]}
        self.assertAlmostEqual(keys[("Aged Seller", "Cat Co")], 4600.0)
        self.assertAlmostEqual(sum(keys.values()), rows[-1][8])

        rows = self._export(
            {"active_domain": RECEIVABLE + self.ours, "debt_groupby": ["date_maturity:month"]}
        )
        self.assertEqual(rows[0][0], "Due Date (month)")
        self.assertIn(self.cat_due_month, [row[0] for row in rows])

        # not grouped: one row per item, as the list shows them
        rows = self._export({"active_domain": RECEIVABLE + self.ours, "debt_groupby": []})
        self.assertEqual(rows[0][:4], ("Document", "Partner", "Date", "Due Date"))
        self.assertEqual(len(rows), 1 + 3 + 1)

    def test_export_of_a_selection(self):
        dog_items = self.env["debt.aged.balance"].search(RECEIVABLE + [("partner_id", "=", self.dog.id)])
        rows = self._export(
            {"active_domain": RECEIVABLE + self.ours, "debt_groupby": ["partner_id"]}, dog_items
        )
        self.assertEqual([row[0] for row in rows[1:-1]], ["Dog Co"])
        self.assertAlmostEqual(rows[-1][7], 1200.0)

    def test_pdf_is_the_list_too(self):
        context = {"active_domain": RECEIVABLE + self.ours, "active_ids": [], "debt_groupby": ["partner_id"]}
        action = self.env["debt.aged.balance"].with_context(**context).action_print_pdf()
        self.assertEqual(action["data"], {"domain": RECEIVABLE + self.ours, "groupby": ["partner_id"]})
        # as the web client asks it: the data as options, no ids
        data = dict(action["data"], context=action["context"])
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(action["report_name"], None, data=data)[0]
            .decode()
        )
        self.assertIn("Cat Co", html)
        self.assertIn("5,800.00", html)
        self.assertNotIn("4,300.00", html, "the payable is not in the receivable total")

    def test_a_grouping_the_list_cannot_have_is_refused(self):
        for groupby in (["no_such_field"], "partner_id", [["partner_id"]]):
            with self.assertRaises(UserError):
                self.env["debt.aged.balance"].with_context(debt_groupby=groupby).action_print_pdf()

    def test_group_totals_have_the_digits_of_the_currency(self):
        Aged = self.env["debt.aged.balance"]
        self.assertEqual(Aged.fields_get(["amount_current"], ["digits"])["amount_current"]["digits"][1], 2)
        vnd = self.env.ref("base.VND")
        vnd.active = True
        company_vn = self.env["res.company"].create({"name": "Aged VN Co", "currency_id": vnd.id})
        self.env.user.company_ids += company_vn
        fields = Aged.with_company(company_vn).fields_get(["amount_current", "amount_residual"], ["digits"])
        self.assertEqual(fields["amount_current"]["digits"][1], 0)
        self.assertEqual(fields["amount_residual"]["digits"][1], 0)
        # two companies, two currencies: no digits forced, the currency of each row decides
        both = Aged.with_context(allowed_company_ids=[self.company.id, company_vn.id])
        self.assertNotIn("digits", both.fields_get(["amount_current"], ["digits"])["amount_current"])
