# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The pay link of a reminder, followed over HTTP by the people who would abuse it: a link that
once paid must ask for nothing more; a link changed to another customer, company or date, or
whose token was altered, or too old, is refused; the email and SMS carry only this link, never
Odoo's generic ``/payment/pay`` link (whose token never expires: replayed after the debt was
paid, it charged a saved card twice)."""

from urllib.parse import parse_qs, urlsplit

from dateutil.relativedelta import relativedelta

from odoo.tests import tagged

from ..models.res_partner_payment_means import PAY_LINK_VALIDITY_DAYS
from .reminder_pay_common import ReminderPayCommon


@tagged("post_install", "-at_install")
class TestReminderPayLink(ReminderPayCommon):
    def setUp(self):
        super().setUp()
        self._demo_provider(self.vn)

    def _path(self, partner=None, company=None, issued=None, token=None):
        partner = partner or self.customer
        company = company or self.vn
        issued = issued or self.today
        token = token or partner._debt_pay_link_token(company, issued)
        return f"/debt/pay/{partner.id}/{company.id}/{issued.isoformat()}/{token}"

    def _follow(self, path):
        return self.url_open(path, allow_redirects=False)

    def _redirected_amount(self, response):
        self.assertEqual(response.status_code, 303, response.text[:500])
        target = urlsplit(response.headers["Location"])
        self.assertEqual(target.path, "/payment/pay")
        return float(parse_qs(target.query)["amount"][0])

    def test_link_pays_what_is_overdue_when_followed(self):
        link = self.customer._debt_payment_means(self.vn)["pay_link"]
        path = urlsplit(link).path
        self.assertEqual(path, self._path())
        self.assertEqual(self._redirected_amount(self._follow(path)), self.overdue)
        # part of the VND invoice is paid after the reminder went out: the same link asks less
        self._register_payment(self.invoice_vnd, 500000.0, self.today)
        self.assertEqual(self._redirected_amount(self._follow(path)), self.overdue - 500000.0)

    def test_link_of_a_paid_debt_asks_nothing(self):
        path = urlsplit(self.customer._debt_payment_means(self.vn)["pay_link"]).path
        self._register_payment(self.invoice_vnd, 1500000.0, self.today)
        self._register_payment(self.invoice_usd, 120.5, self.today)
        response = self._follow(path)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Location", response.headers, "no way to the payment page")
        self.assertIn("o_debt_pay_link_page", response.text)
        self.assertIn("there is nothing to pay", response.text)
        self.assertNotIn("/payment/pay", response.text)

    def _transaction(self, amount, state, payer=None, currency=None):
        provider = self.env["payment.provider"].search(
            [("code", "=", "demo"), ("company_id", "=", self.vn.id)], limit=1
        )
        return self.env["payment.transaction"].create(
            {
                "provider_id": provider.id,
                "payment_method_id": self.env.ref("payment_demo.payment_method_demo").id,
                "reference": f"DEBT-TEST-{state}-{amount}",
                "amount": amount,
                "currency_id": (currency or self.vnd).id,
                "partner_id": (payer or self.customer).id,
                "state": state,
            }
        )

    def test_link_followed_again_while_a_payment_is_processed_asks_only_the_rest(self):
        """The customer paid online through the link; the provider has not confirmed yet, or has
        and Odoo has not posted the payment yet: the ledger still shows the debt. Followed
        again, the link must not ask for the same money twice."""
        path = self._path()
        accountant = self.env["res.partner"].create(
            {"name": "Kế toán Minh Long", "parent_id": self.customer.id, "type": "invoice"}
        )
        pending = self._transaction(1000000.0, "pending", payer=accountant)
        self.assertEqual(self._redirected_amount(self._follow(path)), self.overdue - 1000000.0)
        # confirmed by the provider, the payment not posted yet: still in flight
        pending.state = "done"
        self.assertEqual(self._redirected_amount(self._follow(path)), self.overdue - 1000000.0)
        # a card authorized for the rest in USD (3,512,500 VND at 25,000): nothing more to pay now
        self._transaction(140.5, "authorized", currency=self.usd)
        response = self._follow(path)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Location", response.headers, "no way to the payment page")
        self.assertIn("is being processed", response.text)
        self.assertNotIn("/payment/pay", response.text)
        # none of these count: abandoned, failed or cancelled; another customer's; a payment
        # of a named invoice (it pays what it names); older than a few days (the ledger is the
        # truth again); done and posted; a refund
        self.env["payment.transaction"].search([("reference", "like", "DEBT-TEST-")]).state = "cancel"
        self._transaction(500000.0, "draft")
        self._transaction(500000.0, "error")
        other = self.env["res.partner"].create({"name": "Another customer"})
        self._transaction(700000.0, "pending", payer=other)
        named = self._transaction(800000.0, "pending")
        named.invoice_ids = self.invoice_vnd
        old = self._transaction(900000.0, "pending")
        self.env.cr.execute(
            "UPDATE payment_transaction SET last_state_change = NOW() - INTERVAL '5 days' WHERE id = %s",
            [old.id],
        )
        old.invalidate_recordset()
        self._transaction(600000.0, "done").is_post_processed = True
        refund = self._transaction(400000.0, "pending")
        refund.operation = "refund"
        self.assertEqual(self._redirected_amount(self._follow(path)), self.overdue)

    def test_changed_or_forged_links_are_refused(self):
        other = self.env["res.partner"].create({"name": "Other customer"})
        self._create_invoice(
            other, 800000.0, self._days_ago(40), due_date=self._days_ago(10), company=self.vn
        )
        token = self.customer._debt_pay_link_token(self.vn, self.today)
        yesterday = self.today - relativedelta(days=1)
        today = self.today.isoformat()
        forged = {
            "another customer": f"/debt/pay/{other.id}/{self.vn.id}/{today}/{token}",
            "another company": f"/debt/pay/{self.customer.id}/{self.company.id}/{today}/{token}",
            "another date": f"/debt/pay/{self.customer.id}/{self.vn.id}/{yesterday.isoformat()}/{token}",
            "another token": self._path(token=token[:-1] + ("0" if token[-1] != "0" else "1")),
            "not a date": f"/debt/pay/{self.customer.id}/{self.vn.id}/2026-13-01/{token}",
            "no such customer": f"/debt/pay/999999999/{self.vn.id}/{today}/{token}",
        }
        for case, path in forged.items():
            with self.subTest(case):
                response = self._follow(path)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("Location", response.headers)
        self.assertEqual(self._redirected_amount(self._follow(self._path())), self.overdue)

    def test_expired_link_is_refused(self):
        last_day = self.today - relativedelta(days=PAY_LINK_VALIDITY_DAYS)
        self.assertEqual(self._redirected_amount(self._follow(self._path(issued=last_day))), self.overdue)
        # sent in the morning in Vietnam, followed while it is still the day before in UTC
        tomorrow = self.today + relativedelta(days=1)
        self.assertEqual(self._redirected_amount(self._follow(self._path(issued=tomorrow))), self.overdue)
        for issued in (last_day - relativedelta(days=1), self.today + relativedelta(days=2)):
            with self.subTest(issued=issued):
                response = self._follow(self._path(issued=issued))
                self.assertEqual(response.status_code, 410)
                self.assertIn("This payment link has expired", response.text)
                self.assertNotIn("Location", response.headers)

    def test_email_and_sms_carry_only_this_link(self):
        self.level.write({"send_sms": True, "sms_text": "{partner}: {overdue}. {pay_link}"})
        self.customer.with_company(self.vn)._debt_followup_execute(self.level, self.vn)
        mail = self.env["mail.mail"].search([("recipient_ids", "in", self.customer.ids)])
        sms = self.env["sms.sms"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((len(mail), len(sms)), (1, 1))
        for body in (mail.body_html, sms.body):
            self.assertIn(self._path(), body)
            self.assertNotIn("/payment/pay", body)

    def test_one_amount_to_pay_with_an_unmatched_payment(self):
        """The customer paid 1,000,000 VND without saying which invoice: the item tables show
        the invoices as booked, a line under them what the payment takes off, and the amount to
        pay (button, link, SMS) is the rest, in VND."""
        _subject, body = self.customer.with_company(self.vn)._debt_followup_render(
            self.level.mail_template_id, self.vn, self.level
        )
        self.assertIn("Pay 4,512,500\xa0₫ online", body)
        self.assertNotIn("o_debt_unmatched", body, "nothing unmatched: no such line")
        self._create_payment(self.customer, 1000000.0, self.today, company=self.vn)
        self.env.invalidate_all()  # the figures read above were cached; a new reminder run reads anew
        to_pay = self.overdue - 1000000.0
        self.level.write({"send_sms": True, "sms_text": "{partner} owes {overdue}. {pay_link}"})
        body = self._reminder_mail().body_html
        self.assertIn("1,500,000&nbsp;₫", body, "the VND invoice as booked")
        self.assertIn("$&nbsp;120.50", body)
        unmatched = body.split('class="o_debt_unmatched"')[1].split("</table>")[0]
        self.assertIn("Payments and credit notes not matched yet", unmatched)
        self.assertIn("1,000,000&nbsp;₫", unmatched)
        self.assertIn("3,512,500&nbsp;₫", unmatched)
        self.assertIn("Pay 3,512,500&nbsp;₫ online", body)
        sms = self.env["sms.sms"].search([("partner_id", "=", self.customer.id)])
        self.assertIn("owes 3,512,500\xa0₫.", sms.body)
        self.assertEqual(self._redirected_amount(self._follow(self._path())), to_pay)
