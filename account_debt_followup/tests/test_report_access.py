# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import html
import io
import json
import re
from urllib.parse import quote

import openpyxl
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import Form, HttpCase, tagged
from odoo.tests.common import new_test_user
from odoo.tools import mute_logger

from .common import DebtFollowupCommon

STATEMENT = "account_debt_followup.report_statement"
LETTER = "account_debt_followup.report_followup_letter"
CONFIRMATION = "account_debt_followup.report_debt_confirmation"
NETTING = "account_debt_followup.report_netting"
AGED = "account_debt_followup.report_aged_balance"


@tagged("post_install", "-at_install")
class TestReportAccess(DebtFollowupCommon, HttpCase):
    """Who may print which customer's documents, asked over HTTP as the web client asks: the
    report routes with ids (``/report/pdf/<report>/<ids>``) or with the options and context of
    a report action (``/report/pdf/<report>?options=...&context=...``), the download route the
    client posts to, and the XLSX downloads. The reports read the ledger with SQL, which access
    rights do not filter: each refusal here is a customer's ledger that would leak."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.company.write({"name": "Access Seller Ltd", "vat": "0300000001"})
        cls.alpha = cls.env["res.partner"].create({"name": "Alpha Wholesale", "is_company": True})
        cls.beta = cls.env["res.partner"].create({"name": "Beta Retail", "is_company": True})
        cls.alpha_contact = cls.env["res.partner"].create({"name": "Alpha Buyer", "parent_id": cls.alpha.id})
        days_ago = cls._days_ago
        cls.alpha_invoice = cls._create_invoice(cls.alpha, 1234.0, days_ago(40), due_date=days_ago(10))
        cls.beta_invoice = cls._create_invoice(cls.beta, 4321.0, days_ago(40), due_date=days_ago(10))
        cls._create_invoice(cls.alpha, 300.0, days_ago(30), due_date=days_ago(5), move_type="in_invoice")

        cls.employee = new_test_user(cls.env, login="plain_employee", company_id=cls.company.id)
        # a salesperson who sees only their own documents
        cls.own_salesman = new_test_user(
            cls.env,
            login="own_salesman",
            groups="base.group_user,sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.billing_clerk = new_test_user(
            cls.env,
            login="billing_clerk_documents",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
        )
        cls.portal_alpha = cls._portal_user("portal_alpha_access", cls.alpha)
        cls.portal_beta = cls._portal_user("portal_beta_access", cls.beta)

        Confirmation = cls.env["debt.confirmation"]
        period = {"date_from": days_ago(90), "date_to": cls.today, "company_id": cls.company.id}
        cls.alpha_sent = Confirmation.create(dict(period, partner_id=cls.alpha.id))
        # sudo: the state of a minute is set by its buttons only (an audit record); sent here
        cls.alpha_sent.sudo().state = "sent"
        cls.alpha_draft = Confirmation.create(dict(period, partner_id=cls.alpha.id))
        cls.beta_sent = Confirmation.create(dict(period, partner_id=cls.beta.id))
        cls.beta_sent.sudo().state = "sent"

        # a second company, in VND with 0 decimals, where only some users work
        cls.vnd = cls.env.ref("base.VND")
        cls.vnd.active = True
        cls.company_vn = cls.env["res.company"].create({"name": "Access VN Co", "currency_id": cls.vnd.id})
        cls.env.user.company_ids += cls.company_vn
        cls.vn_controller = new_test_user(
            cls.env,
            login="vn_controller",
            groups="base.group_user,account_debt_followup.group_credit_user",
            company_id=cls.company_vn.id,
        )

    @classmethod
    def _days_ago(cls, days):
        return cls.today - relativedelta(days=days)

    @classmethod
    def _portal_user(cls, login, customer):
        user = new_test_user(cls.env, login=login, groups="base.group_portal", company_id=cls.company.id)
        user.partner_id.parent_id = customer
        return user

    # ------------------------------------------------------------------ requests
    def _login(self, user):
        self.authenticate(user.login, user.login + "x" * (8 - len(user.login)))

    def _options_url(self, converter, report, ids, data):
        """The URL the web client builds for a report action that has data (reports/utils.js)."""
        context = {"lang": "en_US", "active_ids": ids, "active_model": "res.partner"}
        options, context = quote(json.dumps(data)), quote(json.dumps(context))
        return f"/report/{converter}/{report}?options={options}&context={context}"

    def _download(self, report_url):
        """What the web client posts to download a PDF report; the route answers an error as a
        JSON body, not a status."""
        return self.url_open(
            "/report/download",
            data={
                "data": json.dumps([report_url, "qweb-pdf"]),
                "context": json.dumps({"lang": "en_US"}),
                "csrf_token": self._csrf_token(),
            },
        )

    def _csrf_token(self):
        page = self.url_open("/my").text
        return re.search(r'csrf_token: "([^"]+)"', page).group(1)

    def _assert_refused(self, url, user):
        self._login(user)
        with mute_logger("odoo.http", "odoo.addons.web.controllers.report"):
            response = self.url_open(url)
        self.assertEqual(response.status_code, 403, f"{user.login} is refused {url}")
        self.assertNotIn(b"INV/", response.content)

    def _assert_download_refused(self, report_url, user):
        self._login(user)
        with mute_logger("odoo.http", "odoo.addons.web.controllers.report"):
            response = self._download(report_url)
        self.assertFalse(response.content.startswith(b"%PDF"), f"{user.login} gets no PDF of {report_url}")
        error = json.loads(html.unescape(response.text))  # the route escapes its JSON
        self.assertEqual(error["data"]["name"], "odoo.exceptions.AccessError")

    # ------------------------------------------------------------------ refusals
    def test_plain_employee_and_restricted_salesperson_get_no_customer_ledger(self):
        alpha = self.alpha.id
        data = {
            "company_id": self.company.id,
            "date_to": str(self.today),
            "date_from": str(self._days_ago(365)),
        }
        for user in (self.employee, self.own_salesman):
            for converter in ("pdf", "html"):
                self._assert_refused(f"/report/{converter}/{STATEMENT}/{alpha}", user)
                self._assert_refused(self._options_url(converter, STATEMENT, [alpha], data), user)
                self._assert_refused(f"/report/{converter}/{LETTER}/{alpha}", user)
                self._assert_refused(f"/report/{converter}/{CONFIRMATION}/{self.alpha_sent.id}", user)
                self._assert_refused(
                    f"/report/{converter}/{AGED}?options={quote(json.dumps({'domain': []}))}", user
                )
            self._assert_download_refused(self._options_url("pdf", STATEMENT, [alpha], data), user)
            self._assert_refused(
                f"/account_debt_followup/xlsx/statement?partner_ids={alpha}&company_id={self.company.id}",
                user,
            )
            self._assert_refused("/account_debt_followup/xlsx/aged_balance?domain=[]", user)

    def test_portal_user_gets_only_its_own_documents(self):
        beta = self.beta.id
        data = {"company_id": self.company.id, "date_to": str(self.today)}
        for converter in ("pdf", "html"):
            self._assert_refused(f"/report/{converter}/{STATEMENT}/{beta}", self.portal_alpha)
            self._assert_refused(f"/report/{converter}/{STATEMENT}/{self.alpha.id},{beta}", self.portal_alpha)
            self._assert_refused(self._options_url(converter, STATEMENT, [beta], data), self.portal_alpha)
            self._assert_refused(f"/report/{converter}/{LETTER}/{beta}", self.portal_alpha)
            self._assert_refused(f"/report/{converter}/{CONFIRMATION}/{self.beta_sent.id}", self.portal_alpha)
            # its own minute, before it was sent to it
            self._assert_refused(
                f"/report/{converter}/{CONFIRMATION}/{self.alpha_draft.id}", self.portal_alpha
            )
            self._assert_refused(
                f"/report/{converter}/{AGED}?options={quote(json.dumps({'domain': []}))}", self.portal_alpha
            )
        self._assert_download_refused(self._options_url("pdf", STATEMENT, [beta], data), self.portal_alpha)
        self._assert_refused(
            f"/account_debt_followup/xlsx/statement?partner_ids={beta}&company_id={self.company.id}",
            self.portal_alpha,
        )
        self._assert_refused("/account_debt_followup/xlsx/aged_balance?domain=[]", self.portal_alpha)
        # an id that exists or not: the same refusal
        missing = self.env["res.partner"].search([], order="id desc", limit=1).id + 1000
        self._assert_refused(f"/report/html/{STATEMENT}/{missing}", self.portal_alpha)

        # its own statement and minute: its own figures only
        self._login(self.portal_alpha)
        html = self.url_open(f"/report/html/{STATEMENT}/{self.alpha_contact.id}").text
        self.assertIn(self.alpha_invoice.name, html)
        self.assertIn("Access Seller Ltd", html, "the sender is named in the body")
        self.assertNotIn(self.beta_invoice.name, html)
        html = self.url_open(f"/report/html/{CONFIRMATION}/{self.alpha_sent.id}").text
        self.assertIn(self.alpha_sent.name, html)
        self.assertIn(self.alpha_invoice.name, html)
        response = self.url_open(f"/account_debt_followup/xlsx/statement?partner_ids={self.alpha.id}")
        self.assertEqual(response.status_code, 200)
        rows = list(openpyxl.load_workbook(io.BytesIO(response.content))["USD"].iter_rows(values_only=True))
        self.assertEqual([row[0] for row in rows[1:-1]], ["Alpha Wholesale"])

    def test_controller_of_another_company_gets_no_statement_in_ours(self):
        url = self._options_url(
            "html", STATEMENT, [self.alpha.id], {"company_id": self.company.id, "date_to": str(self.today)}
        )
        self._assert_refused(url, self.vn_controller)
        self._assert_refused(
            f"/account_debt_followup/xlsx/statement?partner_ids={self.alpha.id}&company_id={self.company.id}",
            self.vn_controller,
        )
        # in its own company: the customer has nothing there
        self._login(self.vn_controller)
        url = self._options_url(
            "html", STATEMENT, [self.alpha.id], {"company_id": self.company_vn.id, "date_to": str(self.today)}
        )
        html = self.url_open(url).text
        self.assertNotIn(self.alpha_invoice.name, html)
        self.assertIn("Access VN Co", html)

    # ------------------------------------------------------------------ what is allowed
    def test_billing_clerk_prints_from_ids_or_from_the_clients_context(self):
        self._render_real_pdfs_in_requests()
        self._login(self.billing_clerk)
        data = {"company_id": self.company.id, "date_to": str(self.today)}
        # a report action with data: the ids are in the context, not in the URL
        response = self._download(self._options_url("pdf", STATEMENT, [self.alpha_contact.id], data))
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        text = self._pdf_text(response.content)
        self.assertIn(self.alpha_invoice.name, text)
        self.assertIn("Access Seller Ltd", text)
        self.assertIn("0300000001", text, "the sender's tax ID")
        self.assertNotIn(self.beta_invoice.name, text)
        html = self.url_open(f"/report/html/{STATEMENT}/{self.alpha.id},{self.beta.id}").text
        self.assertIn(self.alpha_invoice.name, html)
        self.assertIn(self.beta_invoice.name, html)

    def test_aged_balance_file_as_of_a_date_is_the_lists(self):
        """The list as of a date gives its date to the download: the file is as of that date."""
        domain = [("partner_id", "=", self.alpha.id), ("account_type", "=", "asset_receivable")]
        context = {"active_domain": domain, "debt_groupby": ["partner_id"], "debt_aging_by": "due"}
        Aged = self.env["debt.aged.balance"].with_user(self.credit_user)
        self._login(self.credit_user)
        for as_of, expected in ((None, [1234.0]), (str(self._days_ago(60)), [])):
            action = Aged.with_context(context, debt_as_of=as_of).action_export_xlsx()
            response = self.url_open(action["url"])
            self.assertEqual(response.status_code, 200)
            workbook = openpyxl.load_workbook(io.BytesIO(response.content))
            totals = [row[-2] for row in list(workbook.active.iter_rows(values_only=True))[1:-1]]
            self.assertEqual(totals, expected, f"as of {as_of}")

    def test_a_report_action_without_ids_is_refused_rather_than_blank(self):
        self._login(self.billing_clerk)
        url = "/report/html/{}?options={}&context={}".format(
            STATEMENT, quote(json.dumps({"date_to": str(self.today)})), quote(json.dumps({"lang": "en_US"}))
        )
        with mute_logger("odoo.http"):
            response = self.url_open(url)
        self.assertEqual(response.status_code, 400)
        self.assertIn(b"Nothing to print", response.content)

    def test_statement_values_are_not_computed_for_a_refused_user(self):
        Report = self.env["ir.actions.report"].with_user(self.employee)
        Statement = type(self.env["debt.statement"])
        calls = []
        original = Statement._get_open_items

        def spy(statement, *args, **kwargs):
            calls.append(args)
            return original(statement, *args, **kwargs)

        self.patch(Statement, "_get_open_items", spy)
        with self.assertRaises(Exception) as refusal:
            Report._render_qweb_html(STATEMENT, self.alpha.ids, data={"company_id": self.company.id})
        self.assertEqual(type(refusal.exception).__name__, "AccessError")
        self.assertFalse(calls, "no figure was read")
        # the same report for an allowed user reads them
        self.env["ir.actions.report"].with_user(self.billing_clerk)._render_qweb_html(
            STATEMENT, self.alpha.ids, data={"company_id": self.company.id}
        )
        self.assertTrue(calls)

    def test_portal_user_reads_only_its_minutes_on_its_portal(self):
        self._render_real_pdfs_in_requests()
        netting_manager = new_test_user(
            self.env,
            login="access_accountant",
            groups="base.group_user,account_debt_followup.group_credit_manager,account.group_account_user",
            company_id=self.company.id,
        )
        wizard = Form(
            self.env["debt.netting.wizard"]
            .with_user(netting_manager)
            .with_context(active_model="res.partner", active_ids=self.alpha.ids)
        ).save()
        netting = self.env["debt.netting"].browse(wizard.action_confirm()["res_id"])
        self.assertEqual(netting.state, "posted")

        self._login(self.portal_alpha)
        page = self.url_open("/my/debt").text
        self.assertIn(self.alpha_sent.name, page)
        self.assertIn(netting.name, page)
        self.assertNotIn(self.alpha_draft.name, page, "a draft was not sent")
        self.assertNotIn(self.beta_sent.name, page)
        for url in (f"/my/debt/confirmation/{self.alpha_sent.id}/pdf", f"/my/debt/netting/{netting.id}/pdf"):
            response = self.url_open(url)
            self.assertEqual(response.headers["Content-Type"], "application/pdf")
            self.assertIn("Alpha Wholesale", self._pdf_text(response.content))
        for url in (
            f"/my/debt/confirmation/{self.beta_sent.id}/pdf",
            f"/my/debt/confirmation/{self.beta_sent.id}",
            f"/my/debt/confirmation/{self.alpha_draft.id}/pdf",
        ):
            self.assertEqual(self.url_open(url).status_code, 404, url)
        self._login(self.portal_beta)
        self.assertEqual(self.url_open(f"/my/debt/netting/{netting.id}/pdf").status_code, 404)

    def test_portal_user_answers_its_confirmation(self):
        self._login(self.portal_alpha)
        page = self.url_open(f"/my/debt/confirmation/{self.alpha_sent.id}").text
        self.assertIn("o_debt_portal_answer_form", page)
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        answer = f"/my/debt/confirmation/{self.alpha_sent.id}/answer"

        # the balance it states is ours: that is no dispute
        ours = self.alpha_sent.closing_balance
        response = self.url_open(
            answer, data={"csrf_token": token, "result": "disputed", "customer_balance": str(ours)}
        )
        self.assertIn("o_debt_portal_error", response.text)
        self.assertEqual(self.alpha_sent.state, "sent")

        response = self.url_open(
            answer,
            data={
                "csrf_token": token,
                "result": "disputed",
                "customer_balance": "934",
                "note": "Paid 300 on the 5th",
            },
        )
        self.assertIn("your answer has been recorded", response.text)
        self.alpha_sent.invalidate_recordset()
        self.assertEqual(self.alpha_sent.state, "disputed")
        self.assertAlmostEqual(self.alpha_sent.customer_balance, 934.0)
        self.assertAlmostEqual(self.alpha_sent.difference, ours - 934.0)
        self.assertEqual(self.alpha_sent.response_contact_id, self.portal_alpha.partner_id)
        self.assertEqual(self.alpha_sent.note, "Paid 300 on the 5th")
        notes = self.alpha_sent.message_ids.filtered(
            lambda message: "on the customer portal" in (message.body or "")
        )
        self.assertEqual(len(notes), 1, "the collector reads the answer in the chatter")
        self.assertEqual(notes.author_id, self.portal_alpha.partner_id)

        # answered once: a second answer is refused, and another customer's minute is not found
        response = self.url_open(answer, data={"csrf_token": token, "result": "confirmed"})
        self.assertNotIn("o_debt_portal_answer_form", response.text)
        self.assertEqual(self.alpha_sent.state, "disputed")
        response = self.url_open(
            f"/my/debt/confirmation/{self.beta_sent.id}/answer",
            data={"csrf_token": token, "result": "confirmed"},
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.beta_sent.state, "sent")

    def test_portal_user_confirms_its_balance(self):
        self._login(self.portal_alpha)
        page = self.url_open(f"/my/debt/confirmation/{self.alpha_sent.id}").text
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        self.url_open(
            f"/my/debt/confirmation/{self.alpha_sent.id}/answer",
            data={"csrf_token": token, "result": "confirmed"},
        )
        self.alpha_sent.invalidate_recordset()
        self.assertEqual(self.alpha_sent.state, "confirmed")
        self.assertEqual(self.alpha_sent.customer_balance, self.alpha_sent.closing_balance)
        self.assertEqual(self.alpha_sent.response_date, self.today)
