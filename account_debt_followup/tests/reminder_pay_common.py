# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The set-up of the reminder-and-pay tests (test_reminder_pay*.py): a VND company (0 decimals)
with the Vietnamese chart of accounts; a customer owing invoices in VND and in USD, one of them
disputed. Dates are relative to today: the payment page is followed over HTTP, where the clock
cannot be frozen."""

import shutil
import subprocess
import tempfile
from pathlib import Path

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import HttpCase

from .common import DebtFollowupCommon


def emv_fields(payload):
    """The top-level tags of an EMV QR payload: ``{"54": "1500000", ...}``."""
    values, index = {}, 0
    while index < len(payload):
        tag, size = payload[index : index + 2], int(payload[index + 2 : index + 4])
        values[tag] = payload[index + 4 : index + 4 + size]
        index += 4 + size
    return values


class ReminderPayCommon(DebtFollowupCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.vn = cls._setup_vn_company()
        cls.vn.write({"city": "Hà Nội", "street": "12 Tràng Tiền"})
        cls.vnd = cls.vn.currency_id
        cls.usd = cls.env.ref("base.USD")
        cls.env["res.currency.rate"].create(
            {
                "name": "2020-01-01",
                "currency_id": cls.usd.id,
                "company_id": cls.vn.id,
                "inverse_company_rate": 25000.0,
            }
        )
        cls.env.user.company_ids |= cls.vn
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Công ty Cổ phần Minh Long",
                "is_company": True,
                "ref": "KH-ML01",
                "email": "ketoan@minhlong.example.vn",
                "mobile": "+84 90 123 4567",
                "lang": "en_US",
            }
        )
        days = cls._days_ago
        cls.invoice_vnd = cls._create_invoice(
            cls.customer, 1500000.0, days(45), due_date=days(15), company=cls.vn
        )
        cls.invoice_usd = cls._create_invoice(
            cls.customer, 120.5, days(40), due_date=days(10), currency=cls.usd, company=cls.vn
        )
        cls.invoice_disputed = cls._create_invoice(
            cls.customer, 999000.0, days(50), due_date=days(20), company=cls.vn
        )
        cls.invoice_disputed.line_ids.filtered(lambda line: line.account_type == "asset_receivable").write(
            {"followup_excluded": True, "followup_exclusion_reason": "Goods returned, disputed"}
        )
        cls.level = cls.env["debt.followup.level"].create(
            {
                "name": "First reminder",
                "delay": 5,
                "company_id": cls.vn.id,
                "send_email": True,
                "mail_template_id": cls.env.ref("account_debt_followup.mail_template_followup_reminder").id,
            }
        )
        # the overdue amount in VND: 1,500,000 + 120.50 USD at 25,000
        cls.overdue = 1500000.0 + 3012500.0

    @classmethod
    def _days_ago(cls, days):
        return cls.today - relativedelta(days=days)

    def _vietqr_account(self):
        bank = self.env["res.bank"].create({"name": "Vietcombank", "bic": "970436"})
        return self.env["res.partner.bank"].create(
            {
                "acc_number": "0071000123456",
                "partner_id": self.vn.partner_id.id,
                "bank_id": bank.id,
                "proxy_type": "bank_acc",
                "proxy_value": "0071000123456",
                "include_reference": True,
            }
        )

    def _demo_provider(self, company, published=True):
        return self.env["payment.provider"].create(
            {
                "name": "Demo in VND" if published else "Demo in VND, not published",
                "code": "demo",
                "state": "test",
                "is_published": published,
                "company_id": company.id,
                "payment_method_ids": [Command.set(self.env.ref("payment_demo.payment_method_demo").ids)],
            }
        )

    def _decode_qr(self, png):
        zbarimg = shutil.which("zbarimg")
        self.assertTrue(zbarimg, "zbar-tools (zbarimg) is needed to read the QR code back")
        with tempfile.TemporaryDirectory() as folder:
            Path(folder, "qr.png").write_bytes(png)
            result = subprocess.run(
                [zbarimg, "--raw", "-q", "qr.png"], cwd=folder, capture_output=True, text=True, check=True
            )
        return result.stdout.strip()

    def _reminder_mail(self):
        self.customer.with_company(self.vn)._debt_followup_execute(self.level, self.vn)
        mail = self.env["mail.mail"].search([("recipient_ids", "in", self.customer.ids)])
        self.assertEqual(len(mail), 1)
        return mail
