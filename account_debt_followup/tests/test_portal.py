# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json
import re

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from .common import DebtFollowupCommon


@tagged("post_install", "-at_install")
class TestDebtPortal(DebtFollowupCommon, HttpCase):
    """Two customers, each with a portal user, through real HTTP requests.

    Dates are relative to today: the HTTP server runs in another thread, and a portal session
    must not depend on a frozen clock.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.customer_a = cls.env["res.partner"].create(
            {"name": "Alpha Trading", "is_company": True, "comment": "Internal: slow payer, call Mrs Lan"}
        )
        cls.customer_b = cls.env["res.partner"].create({"name": "Beta Logistics", "is_company": True})
        cls.customer_a.credit_limit = 987654321.0
        cls.portal_a = cls._portal_user("portal_alpha", cls.customer_a)
        cls.portal_b = cls._portal_user("portal_beta", cls.customer_b)
        days = cls._days_ago
        cls.overdue_a = cls._create_invoice(cls.customer_a, 1000.0, days(60), due_date=days(30))
        cls.current_a = cls._create_invoice(cls.customer_a, 500.0, days(5), due_date=days(-15))
        cls.current_a.line_ids.filtered(lambda line: line.account_type == "asset_receivable").write(
            {"followup_excluded": True, "followup_exclusion_reason": "Quarrel over the delivery note"}
        )
        cls.paid_a = cls._create_invoice(cls.customer_a, 300.0, days(20), due_date=days(10))
        cls._register_payment(cls.paid_a, 300.0, days(1))
        cls.draft_a = cls._create_invoice(cls.customer_a, 200.0, days(2), post=False)
        cls.invoice_b = cls._create_invoice(cls.customer_b, 777.0, days(40), due_date=days(10))

    @classmethod
    def _days_ago(cls, days):
        return cls.today - relativedelta(days=days)

    @classmethod
    def _portal_user(cls, login, customer):
        user = new_test_user(cls.env, login=login, groups="base.group_portal", company_id=cls.company.id)
        user.partner_id.parent_id = customer
        return user

    # ------------------------------------------------------------------ helpers
    def _receivable(self, invoice):
        return invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")

    def _promises(self):
        return self.env["debt.payment.promise"].search(
            [("partner_id", "in", (self.customer_a | self.customer_b).ids)]
        )

    def _login(self, user):
        self.authenticate(user.login, user.login + "x" * (8 - len(user.login)))

    def _page(self):
        response = self.url_open("/my/debt")
        self.assertEqual(response.status_code, 200)
        return response.text

    def _csrf_token(self):
        token = re.search(r'name="csrf_token" value="([^"]+)"', self._page())
        self.assertTrue(token, "the statement page has a form with a CSRF token")
        return token.group(1)

    def _post_promise(self, invoice_id, date, token=None, allow_redirects=False):
        data = {"promised_date": fields.Date.to_string(date) if date else ""}
        if token is not False:
            data["csrf_token"] = token or self._csrf_token()
        return self.url_open(
            f"/my/debt/invoice/{invoice_id}/promise", data=data, allow_redirects=allow_redirects
        )

    # ------------------------------------------------------------------ page
    def test_page_shows_own_statement_only(self):
        self._login(self.portal_a)
        html = self._page()
        self.assertIn(self.overdue_a.name, html)
        self.assertIn(self.current_a.name, html)
        self.assertNotIn(self.invoice_b.name, html)
        self.assertNotIn("Beta Logistics", html)
        self.assertNotIn(self.paid_a.name, html, "a paid invoice is not open")
        self.assertIn("1-30 days", html, "the aging buckets are shown")
        self.assertIn("Total Due", html)
        self.assertIn("1,500.00", html, "A owes 1000 + 500")
        self.assertEqual(html.count('name="promised_date"'), 2, "one form per open invoice")
        self.assertIn(f'action="/my/debt/invoice/{self.overdue_a.id}/promise"', html)

        self._login(self.portal_b)
        html = self._page()
        self.assertIn(self.invoice_b.name, html)
        self.assertNotIn(self.overdue_a.name, html)
        self.assertNotIn(self.current_a.name, html)

    def test_page_shows_no_internal_figure(self):
        self.env["debt.payment.promise"].create(
            {
                "partner_id": self.customer_a.id,
                "amount": 1000.0,
                "promised_date": self._days_ago(-3),
                "line_ids": self._receivable(self.overdue_a).ids,
                "note": "Director says he will pay after Tet",
            }
        )
        self._login(self.portal_a)
        html = self._page()
        self.assertIn("o_debt_portal_promise_row", html, "the promise is listed")
        for internal in (
            "987,654,321",
            "987654321",
            "Quarrel over the delivery note",
            "slow payer",
            "after Tet",
            "Credit Limit",
        ):
            self.assertNotIn(internal, html)

    def test_home_entry_and_counter(self):
        self._login(self.portal_a)
        home = self.url_open("/my/home")
        self.assertEqual(home.status_code, 200)
        self.assertIn('href="/my/debt"', home.text)
        response = self.url_open(
            "/my/counters",
            data=json.dumps(
                {"jsonrpc": "2.0", "method": "call", "params": {"counters": ["debt_open_count"]}}
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.json()["result"]["debt_open_count"], 2)

    def test_anonymous_visitor_is_sent_to_login(self):
        self.authenticate(None, None)
        for url in ("/my/debt", "/my/debt/statement"):
            response = self.url_open(url, allow_redirects=False)
            self.assertIn(response.status_code, (302, 303))
            self.assertIn("/web/login", response.headers["Location"])
        response = self.url_open(
            f"/my/debt/invoice/{self.overdue_a.id}/promise",
            data={"promised_date": fields.Date.to_string(self.today)},
            allow_redirects=False,
        )
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])
        self.assertFalse(self._promises())

    # ------------------------------------------------------------------ statement PDF
    def test_statement_pdf_is_the_users_own(self):
        self._render_real_pdfs_in_requests()
        self._login(self.portal_a)
        response = self.url_open("/my/debt/statement?company_id=%s" % self.company.id)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", response.headers["Content-Disposition"])
        self.assertTrue(response.content.startswith(b"%PDF"))
        text = self._pdf_text(response.content)
        self.assertIn("Alpha Trading", text)
        self.assertIn(self.overdue_a.name, text)
        self.assertNotIn(self.invoice_b.name, text)
        self.assertNotIn("Beta Logistics", text)

    def test_statement_of_a_foreign_company_is_not_found(self):
        other = self.env["res.company"].create({"name": "Not My Supplier"})
        self._login(self.portal_a)
        for company_id in (other.id, "abc"):
            response = self.url_open(f"/my/debt/statement?company_id={company_id}")
            self.assertEqual(response.status_code, 404)

    # ------------------------------------------------------------------ promises
    def test_valid_promise_is_recorded_once_and_told_to_the_collector(self):
        # overdue_a was due 30 days ago: dates up to 60 days after its due date may be stated online
        self.company.debt_portal_promise_days = 60
        self._login(self.portal_a)
        date = self._days_ago(-10)
        response = self._post_promise(self.overdue_a.id, date)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/my/debt", response.headers["Location"])
        self.assertIn(
            "your expected payment date has been recorded", self.url_open(response.headers["Location"]).text
        )
        promise = self._promises()
        self.assertEqual(len(promise), 1)
        self.assertEqual(promise.partner_id, self.customer_a)
        self.assertEqual(promise.company_id, self.company)
        self.assertEqual(promise.contact_id, self.portal_a.partner_id)
        self.assertEqual(promise.line_ids, self._receivable(self.overdue_a))
        self.assertAlmostEqual(promise.amount, 1000.0)
        self.assertEqual(promise.promised_date, date)
        self.assertEqual(promise.state, "open")
        self.assertEqual(self._receivable(self.overdue_a).expected_payment_date, date)
        note = self.customer_a.message_ids.filtered(lambda m: self.overdue_a.name in (m.body or ""))
        self.assertEqual(len(note), 1, "the collector sees the promise in the customer's chatter")
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(note.author_id, self.portal_a.partner_id)

        html = self._page()
        self.assertIn("o_debt_portal_promise_row", html)
        self.assertIn(f'value="{fields.Date.to_string(date)}"', html, "the form shows the expected date")

        # stating another date moves the promise instead of adding a second one
        later = self._days_ago(-20)
        self.assertIn(self._post_promise(self.overdue_a.id, later).status_code, (302, 303))
        self.assertEqual(self._promises(), promise)
        self.assertEqual(promise.promised_date, later)
        self.assertEqual(self._receivable(self.overdue_a).expected_payment_date, later)

    def test_promise_on_another_customers_invoice_is_not_found(self):
        self._login(self.portal_a)
        token = self._csrf_token()
        missing_id = self.env["account.move"].search([], order="id desc", limit=1).id + 1000
        for invoice_id in (self.invoice_b.id, missing_id, self.draft_a.id):
            response = self._post_promise(invoice_id, self._days_ago(-5), token=token)
            self.assertEqual(response.status_code, 404, invoice_id)
        self.assertFalse(self._promises())
        self.assertFalse(self._receivable(self.invoice_b).expected_payment_date)
        self.assertFalse(self.customer_b.message_ids.filtered(lambda m: "customer portal" in (m.body or "")))

    def test_refused_promises_say_why_and_record_nothing(self):
        self._login(self.portal_a)
        token = self._csrf_token()
        cases = [
            (self.paid_a, self._days_ago(-5), "already paid"),
            (self.overdue_a, self._days_ago(1), "cannot be in the past"),
            (self.overdue_a, self.today + relativedelta(years=1, days=1), "must be on or before"),
            (self.overdue_a, None, "Please enter the date"),
        ]
        for invoice, date, message in cases:
            response = self._post_promise(invoice.id, date, token=token)
            self.assertEqual(response.status_code, 200)
            self.assertIn(message, response.text)
            self.assertIn("o_debt_portal_error", response.text)
        response = self.url_open(
            f"/my/debt/invoice/{self.overdue_a.id}/promise",
            data={"promised_date": "not-a-date", "csrf_token": token},
            allow_redirects=False,
        )
        self.assertIn("Please enter the date", response.text)
        self.assertFalse(self._promises())
        self.assertFalse(self._receivable(self.overdue_a).expected_payment_date)

    def test_promise_needs_a_csrf_token(self):
        self._login(self.portal_a)
        for token in (False, "forged-token"):
            with self.assertLogs("odoo.http", "WARNING") as logs:
                response = self._post_promise(self.overdue_a.id, self._days_ago(-5), token=token)
            self.assertEqual(response.status_code, 400)
            self.assertIn("CSRF", logs.output[0])
        self.assertFalse(self._promises())

    # ------------------------------------------------------------------ bounds of the promises
    def test_promise_at_most_the_company_days_after_the_due_date(self):
        self.company.debt_portal_promise_days = 40  # overdue_a was due 30 days ago: 10 days from now
        latest = self._days_ago(-10)
        self._login(self.portal_a)
        html = self._page()
        form = re.search(rf'action="/my/debt/invoice/{self.overdue_a.id}/promise".*?</form>', html, re.S)
        self.assertIn(f'max="{fields.Date.to_string(latest)}"', form.group(0))
        response = self._post_promise(self.overdue_a.id, self._days_ago(-11))
        self.assertEqual(response.status_code, 200)
        self.assertIn("must be on or before", response.text)
        self.assertFalse(self._promises())
        self.assertIn(self._post_promise(self.overdue_a.id, latest).status_code, (302, 303))
        self.assertEqual(self._promises().promised_date, latest)

    def test_an_invoice_due_too_long_ago_is_for_a_collector(self):
        self.company.debt_portal_promise_days = 20  # overdue_a: 10 days ago at the latest
        self._login(self.portal_a)
        html = self._page()
        self.assertNotIn(f'action="/my/debt/invoice/{self.overdue_a.id}/promise"', html)
        self.assertIn("o_debt_portal_promise_locked", html)
        self.assertIn(f'action="/my/debt/invoice/{self.current_a.id}/promise"', html, "not due yet: it may")
        response = self._post_promise(self.overdue_a.id, self.today)
        self.assertIn("please contact us to agree on a payment date", response.text)
        self.assertFalse(self._promises())

    def test_changes_of_the_date_are_bounded_and_each_is_told_to_the_responsible(self):
        self.company.write({"debt_portal_promise_days": 60, "debt_portal_promise_changes": 1})
        self.customer_a.debt_followup_responsible_id = self.credit_user
        self._login(self.portal_a)
        token = self._csrf_token()
        first, second, third = self._days_ago(-5), self._days_ago(-10), self._days_ago(-15)
        for date in (first, second):
            self.assertIn(self._post_promise(self.overdue_a.id, date, token=token).status_code, (302, 303))
        response = self._post_promise(self.overdue_a.id, third, token=token)
        self.assertEqual(response.status_code, 200)
        self.assertIn("cannot be changed online any more", response.text)
        promise = self._promises()
        self.assertRecordValues(promise, [{"promised_date": second, "source": "portal", "portal_count": 2}])
        self.assertIn("o_debt_portal_promise_locked", self._page())
        notes = self.customer_a.message_ids.filtered(lambda m: "customer portal" in (m.body or ""))
        self.assertEqual(len(notes), 2, "one note per date stated, and no more than the bound")
        self.assertEqual(notes.partner_ids, self.credit_user.partner_id)
        notified = self.env["mail.notification"].search(
            [("mail_message_id", "in", notes.ids), ("res_partner_id", "=", self.credit_user.partner_id.id)]
        )
        self.assertEqual(len(notified), 2, "the follow-up responsible is notified of each")

    def test_without_responsible_a_credit_manager_is_told(self):
        self.company.debt_portal_promise_days = 60
        self._login(self.portal_a)
        self._post_promise(self.overdue_a.id, self._days_ago(-5))
        note = self.customer_a.message_ids.filtered(lambda m: "customer portal" in (m.body or ""))
        self.assertEqual(len(note.partner_ids), 1)
        manager = note.partner_ids.user_ids
        self.assertTrue(manager.has_group("account_debt_followup.group_credit_manager"))
        self.assertIn(self.company, manager.company_ids)
        self.assertNotEqual(manager, self.env.ref("base.user_root"))

    def test_a_promised_customer_stays_on_the_worklist(self):
        self.company.debt_portal_promise_days = 60
        date = self._days_ago(-20)
        self._login(self.portal_a)
        self._post_promise(self.overdue_a.id, date)
        Partner = self.env["res.partner"].with_user(self.credit_user)
        customer = Partner.browse(self.customer_a.id)
        self.assertEqual(customer.debt_promised_date, date)
        self.assertEqual(customer.debt_followup_status, "with_overdue_invoices")
        worklist = Partner.search(
            [
                ("is_company", "=", True),
                ("debt_followup_status", "in", ("in_need_of_action", "with_overdue_invoices")),
                ("debt_promised_date", "!=", False),
            ]
        )
        self.assertIn(customer, worklist)
        self.assertNotIn(self.customer_b, worklist)
