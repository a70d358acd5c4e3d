# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The reminder itself and a way to pay (#17): the items per currency, the VietQR code made by
Odoo's l10n_vn, the link to pay online, on the email, the letter, the statement and the portal.

A VND company (0 decimals) with the Vietnamese chart of accounts; a customer owing invoices in
VND and in USD, one of them disputed. Dates are relative to today: the payment page is
followed over HTTP, where the clock cannot be frozen.
"""

import base64
import contextlib
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from .reminder_pay_common import ReminderPayCommon, emv_fields


@tagged("post_install", "-at_install")
class TestReminderPay(ReminderPayCommon):
    # ------------------------------------------------------------------ 1. the items
    def test_reminder_email_lists_the_overdue_items_per_currency(self):
        body = self._reminder_mail().body_html
        self.assertIn(self.invoice_vnd.name, body)
        self.assertIn(self.invoice_usd.name, body)
        self.assertNotIn(self.invoice_disputed.name, body, "a disputed item is never in the overdue list")
        # each item in its own currency, VND without decimals; a total per currency, none across
        self.assertIn("1,500,000&nbsp;₫", body)
        self.assertIn("$&nbsp;120.50", body)
        self.assertIn("Total in VND", body)
        self.assertIn("Total in USD", body)
        self.assertNotIn("4,512,500", body.split("Total in USD")[1].split("</table>")[0])
        self.assertIn(fields.Date.to_date(self.invoice_vnd.invoice_date_due).strftime("%m/%d/%Y"), body)
        self.assertRegex(body, r">\s*15\s*<", "the days overdue of the VND invoice")

    def test_letter_lists_the_same_items_per_currency(self):
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "account_debt_followup.action_report_followup_letter",
                self.customer.ids,
                data={"company_id": self.vn.id, "level_id": self.level.id},
            )[0]
            .decode()
        )
        self.assertIn(self.invoice_usd.name, html)
        self.assertNotIn(self.invoice_disputed.name, html)
        self.assertRegex(html, r"<strong>Total</strong> <span>USD</span>")
        self.assertIn("120.50", html)

    # ------------------------------------------------------------------ 2. SMS
    def test_sms_placeholders(self):
        with self.assertRaisesRegex(ValidationError, r"\{amount\}"):
            self.level.write({"send_sms": True, "sms_text": "{partner}, please pay {amount}."})
        self.level.write(
            {
                "send_email": False,
                "send_sms": True,
                "sms_text": "{company}: {partner} owes {overdue} since {due_date}, "
                "ref {reference}. {pay_link}",
            }
        )
        self._demo_provider(self.vn)
        self.customer.with_company(self.vn)._debt_followup_execute(self.level, self.vn)
        sms = self.env["sms.sms"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(sms), 1)
        self.assertIn(self.vn.name, sms.body)
        # the amount to pay, in VND: the USD invoice converted, as the pay link asks
        self.assertIn("Công ty Cổ phần Minh Long owes 4,512,500\xa0₫ since", sms.body)
        self.assertIn(self._days_ago(15).strftime("%m/%d/%Y"), sms.body, "the oldest overdue due date")
        self.assertIn("ref KH-ML01", sms.body)
        self.assertIn(f"/debt/pay/{self.customer.id}/{self.vn.id}/", sms.body)
        self.assertNotIn("/payment/pay", sms.body, "never Odoo's replayable payment link")
        self.assertNotIn("Overdue:", sms.body, "the text says {overdue}: nothing is added")

    def test_sms_placeholders_checked_in_every_language(self):
        """A Vietnamese translation with a bad placeholder is refused, whether written with
        the Vietnamese context or through the translation dialog."""
        self.env["res.lang"]._activate_lang("vi_VN")
        self.level.write({"send_sms": True, "sms_text": "{partner}, please pay {overdue}."})
        with self.assertRaisesRegex(ValidationError, r"\{so_tien\}"):
            self.level.with_context(lang="vi_VN").write({"sms_text": "{partner}, vui lòng trả {so_tien}."})
        with self.assertRaisesRegex(ValidationError, r"\{so_tien\}"):
            self.level.update_field_translations("sms_text", {"vi_VN": "{partner}, vui lòng trả {so_tien}."})
        self.level.update_field_translations("sms_text", {"vi_VN": "{partner}, vui lòng trả {overdue}."})
        self.assertEqual(self.level.with_context(lang="vi_VN").sms_text, "{partner}, vui lòng trả {overdue}.")

    # ------------------------------------------------------------------ 4. VietQR
    def test_vietqr_decodes_to_the_overdue_amount_and_reference(self):
        self.assertFalse(
            self.customer._debt_payment_means(self.vn)["qr_image"], "no Vietnamese account: no QR"
        )
        account = self._vietqr_account()
        means = self.customer._debt_payment_means(self.vn)
        self.assertEqual(means["bank"], account)
        self.assertEqual(means["amount"], self.overdue)
        png = base64.b64decode(means["qr_image"].split(",", 1)[1])
        payload = self._decode_qr(png)
        self.assertEqual(payload, means["qr_payload"])
        tags = emv_fields(payload)
        self.assertEqual(tags["54"], "4512500", "the overdue amount, VND without decimals")
        self.assertEqual(tags["53"], "704", "VND")
        self.assertIn("970436", tags["38"], "the bank's NAPAS code")
        self.assertIn("0071000123456", tags["38"])
        self.assertEqual(emv_fields(tags["62"])["08"], "KH-ML01", "the customer's reference")

    def test_vietqr_on_the_email_statement_and_letter(self):
        self._vietqr_account()
        body = self._reminder_mail().body_html
        url = re.search(r'<img[^>]*class="o_debt_vietqr"[^>]*src="([^"]+)"', body) or re.search(
            r'<img[^>]*src="([^"]+)"[^>]*class="o_debt_vietqr"', body
        )
        self.assertTrue(url, "the email shows the QR image")
        src = url.group(1).replace("&amp;", "&")
        response = self.url_open(urlsplit(src)._replace(scheme="", netloc="").geturl())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(emv_fields(self._decode_qr(response.content))["54"], "4512500")
        self.assertIn("KH-ML01", body)
        for action, data in (
            ("account_debt_followup.action_report_statement", {"company_id": self.vn.id}),
            ("account_debt_followup.action_report_followup_letter", {"company_id": self.vn.id}),
        ):
            html = self.env["ir.actions.report"]._render_qweb_html(action, self.customer.ids, data=data)[0]
            image = re.search(rb'<img class="o_debt_vietqr"[^>]* src="data:image/png;base64,([^"]+)"', html)
            self.assertTrue(image, f"{action} shows the QR")
            self.assertEqual(emv_fields(self._decode_qr(base64.b64decode(image.group(1))))["54"], "4512500")

    def test_statement_pdf_read_back(self):
        """The real PDF (wkhtmltopdf): its text, and its QR image decoded back."""
        self._vietqr_account()
        self._render_real_pdfs()
        self.vn.external_report_layout_id = self.env.ref("web.external_layout_standard")
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "account_debt_followup.action_report_statement",
                self.customer.ids,
                data={"company_id": self.vn.id},
            )
        )
        self.assertEqual(kind, "pdf")
        text = " ".join(self._pdf_text(pdf).split())
        self.assertIn("Scan to pay (VietQR)", text)
        self.assertIn("Amount: 4,512,500 ₫", text)
        self.assertIn("Reference: KH-ML01", text)
        with tempfile.TemporaryDirectory() as folder:
            Path(folder, "statement.pdf").write_bytes(pdf)
            subprocess.run(
                [shutil.which("pdfimages"), "-png", "statement.pdf", "image"], cwd=folder, check=True
            )
            payloads = set()
            for image in sorted(Path(folder).glob("image-*.png")):
                with contextlib.suppress(subprocess.CalledProcessError):
                    payloads.add(self._decode_qr(image.read_bytes()))
        self.assertEqual(len(payloads), 1, "one QR code in the statement")
        tags = emv_fields(payloads.pop())
        self.assertEqual(tags["54"], "4512500")
        self.assertEqual(emv_fields(tags["62"])["08"], "KH-ML01")

    def test_credit_controller_of_the_company_sends_it(self):
        """A credit controller (no access to bank accounts or payment providers) sends the
        reminder: the email has the QR code and the link all the same."""
        self._vietqr_account()
        self._demo_provider(self.vn)
        collector = new_test_user(
            self.env,
            login="collector_vn",
            groups="base.group_user,account_debt_followup.group_credit_user",
            company_id=self.vn.id,
        )
        partner = self.customer.with_user(collector).with_company(self.vn)
        partner._debt_followup_execute(self.level.with_user(collector), self.vn)
        body = self.env["mail.mail"].search([("recipient_ids", "in", self.customer.ids)]).body_html
        self.assertIn("o_debt_vietqr", body)
        self.assertIn(f"/debt/pay/{self.customer.id}/{self.vn.id}/", body)
        self.assertNotIn("/payment/pay", body, "never Odoo's replayable payment link")

    def test_banner_says_how_to_collect_the_prepayment(self):
        """A bad debtor's quotation in VND: the banner asks for half of it, payable by the
        order's payment link or a bank transfer with a VietQR code carrying the order number."""
        self._vietqr_account()
        self._demo_provider(self.vn)
        self.env["debt.credit.rule"].create(
            {
                "name": "Bad debtor pays half first",
                "rule_type": "bad_debtor",
                "action": "prepay",
                "prepayment_percent": 50,
                "company_id": self.vn.id,
            }
        )
        self.customer.with_company(self.vn).trust = "bad"
        pricelist = self.env["product.pricelist"].create(
            {"name": "VND", "currency_id": self.vnd.id, "company_id": self.vn.id}
        )
        order = self._create_order(
            self.customer, 2000000.0, confirm=False, company=self.vn, pricelist=pricelist
        )
        order = order.with_user(self.salesman_contacts.id).with_company(self.vn)
        self.salesman_contacts.company_ids |= self.vn
        self.assertEqual(order.debt_prepayment_due, 1000000.0)
        html = order.debt_prepayment_means
        self.assertIn("Collect 1,000,000\xa0₫ before confirming this order.", html)
        self.assertIn(f"sale_order_id={order.id}", html)
        image = re.search(r"class='o_debt_vietqr' src='data:image/png;base64,([^']+)'", html)
        self.assertTrue(image, "the VietQR code of the prepayment")
        tags = emv_fields(self._decode_qr(base64.b64decode(image.group(1))))
        self.assertEqual(tags["54"], "1000000")
        self.assertEqual(emv_fields(tags["62"])["08"], order.name)

    def test_no_vietqr_outside_vnd(self):
        usd_company = self.company  # USD, same Vietnamese account on its partner
        self.env["res.partner.bank"].create(
            {
                "acc_number": "0071000999999",
                "partner_id": usd_company.partner_id.id,
                "bank_id": self.env["res.bank"].create({"name": "VCB", "bic": "970436"}).id,
                "proxy_type": "bank_acc",
                "proxy_value": "0071000999999",
            }
        )
        usd_company.partner_id.write({"country_id": self.env.ref("base.vn").id, "city": "Hà Nội"})
        self._create_invoice(self.customer, 100.0, self._days_ago(30), due_date=self._days_ago(20))
        means = self.customer._debt_payment_means(usd_company)
        self.assertEqual(means["amount"], 100.0)
        self.assertFalse(means["qr_image"], "l10n_vn makes VietQR codes in VND only")

    # ------------------------------------------------------------------ 5. pay online
    def test_pay_link_only_with_a_provider_and_not_forgeable(self):
        self.assertFalse(self.customer._debt_payment_means(self.vn)["pay_link"], "no provider: no link")
        self._demo_provider(self.vn, published=False)
        self.assertFalse(self.customer._debt_payment_means(self.vn)["pay_link"], "a customer cannot use it")
        self._demo_provider(self.vn)
        link = self.customer._debt_payment_means(self.vn)["pay_link"]
        self.assertTrue(link)
        body = self._reminder_mail().body_html
        self.assertIn("o_debt_pay_link", body)
        statement = self.env["ir.actions.report"]._render_qweb_html(
            "account_debt_followup.action_report_statement",
            self.customer.ids,
            data={"company_id": self.vn.id},
        )[0]
        self.assertIn(b"o_debt_pay_link", statement)
        self.assertNotIn("amount", link, "the link carries no amount")
        # the customer follows it, logged out: redirected to the payment page with the amount
        # overdue now, for itself, in VND
        path = urlsplit(link)._replace(scheme="", netloc="").geturl()
        response = self.url_open(path, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        target = urlsplit(response.headers["Location"])
        self.assertEqual(target.path, "/payment/pay")
        params = {key: values[0] for key, values in parse_qs(target.query).items()}
        self.assertEqual(float(params["amount"]), self.overdue)
        self.assertEqual(int(params["partner_id"]), self.customer.id)
        self.assertEqual(int(params["currency_id"]), self.vnd.id)
        self.assertEqual(int(params["company_id"]), self.vn.id)
        response = self.url_open(target._replace(scheme="", netloc="").geturl())
        self.assertEqual(response.status_code, 200)
        self.assertIn("4,512,500", response.text)
        self.assertIn('data-provider-code="demo"', response.text, "the enabled provider is offered")
        # the payment page's own token still covers customer and amount
        other = self.env["res.partner"].create({"name": "Other customer"})
        for forged in ({"partner_id": other.id}, {"amount": 1.0}):
            query = target.query
            for key, value in forged.items():
                query = re.sub(rf"{key}=[^&]*", f"{key}={value}", query)
            self.assertEqual(self.url_open(f"/payment/pay?{query}").status_code, 404)

    def test_portal_page_shows_qr_and_pay_link(self):
        self._vietqr_account()
        self._demo_provider(self.vn)
        user = new_test_user(
            self.env, login="portal_minhlong", groups="base.group_portal", company_id=self.vn.id
        )
        user.partner_id.parent_id = self.customer
        self.authenticate("portal_minhlong", "portal_minhlong")
        page = self.url_open("/my/debt").text
        image = re.search(r'<img class="o_debt_vietqr"[^>]* src="data:image/png;base64,([^"]+)"', page)
        self.assertTrue(image, "the portal page shows the QR")
        self.assertEqual(emv_fields(self._decode_qr(base64.b64decode(image.group(1))))["54"], "4512500")
        link = re.search(r'<a class="btn btn-primary o_debt_pay_link"[^>]* href="([^"]+)"', page)
        self.assertTrue(link, "and the link to pay online")
        response = self.url_open(link.group(1).replace("&amp;", "&"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("4,512,500", response.text)
        self.assertNotIn("Make sure you are logged in as the correct partner", response.text)
