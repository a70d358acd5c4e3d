# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The supplier side: statements and debt confirmation minutes of payables, the year-end batch of
minutes for every partner with a balance, and nettings requested then validated."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tests.common import new_test_user

from .common import DebtFollowupCommon

PAYABLE = "liability_payable"


@tagged("post_install", "-at_install")
@freeze_time("2027-01-15")
class TestSupplierSide(DebtFollowupCommon):
    """2026 in a VND company. Cửu Long, a supplier: a bill of 20,000,000 on 15 November, 8,000,000
    paid on 10 December, a bill of 4,400,000 on 20 December: we owe it 16,400,000 on 31 December.
    Đông Á, a customer: an invoice of 5,000,000 on 1 December. Tây Nam, a supplier paid in full:
    nothing to confirm at the year end."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vn = cls._setup_vn_company()
        cls.env.user.company_ids += cls.vn
        Partner = cls.env["res.partner"]
        cls.cuu_long = Partner.create(
            {"name": "Công ty Cửu Long", "is_company": True, "email": "kt@cuulong.vn"}
        )
        cls.dong_a = Partner.create({"name": "Công ty Đông Á", "is_company": True})
        cls.tay_nam = Partner.create({"name": "Công ty Tây Nam", "is_company": True})
        vn = cls.vn
        cls.bill = cls._create_invoice(
            cls.cuu_long, 20_000_000, "2026-11-15", "2026-12-15", move_type="in_invoice", company=vn
        )
        cls._register_payment(cls.bill, 8_000_000, "2026-12-10")
        cls._create_invoice(
            cls.cuu_long, 4_400_000, "2026-12-20", "2027-01-20", move_type="in_invoice", company=vn
        )
        cls._create_invoice(cls.dong_a, 5_000_000, "2026-12-01", "2026-12-31", company=vn)
        paid = cls._create_invoice(cls.tay_nam, 3_000_000, "2026-06-01", move_type="in_invoice", company=vn)
        cls._register_payment(paid, 3_000_000, "2026-07-01")
        cls.credit_user.company_ids += vn

    # ------------------------------------------------------------------ statements
    def test_supplier_statement_open_items_and_activity(self):
        Statement = self.env["debt.statement"]
        sections = Statement._get_open_items(self.cuu_long, self.vn, date(2026, 12, 31), account_type=PAYABLE)
        section = sections[self.cuu_long.id][self.vn.currency_id]
        self.assertEqual([item["open"] for item in section["items"]], [12_000_000, 4_400_000])
        self.assertEqual([item["kind"] for item in section["items"]], ["Bill", "Bill"])
        self.assertEqual(section["total"], 16_400_000, "what we owe, positive")
        self.assertEqual(section["overdue"], 12_000_000)
        activity = Statement._get_activity(
            self.cuu_long, self.vn, date(2026, 12, 1), date(2026, 12, 31), account_type=PAYABLE
        )[self.cuu_long.id]
        self.assertEqual(activity["opening"], 20_000_000)
        self.assertEqual(
            [(line["kind"], line["balance"], line["running"]) for line in activity["lines"]],
            [("Payment", -8_000_000, 12_000_000), ("Bill", 4_400_000, 16_400_000)],
        )
        self.assertEqual(activity["closing"], 16_400_000)
        # the customers' statement of the same partner is untouched: it has no receivable
        self.assertFalse(Statement._get_open_items(self.cuu_long, self.vn, date(2026, 12, 31)))

    def test_supplier_statement_document(self):
        wizard = Form(
            self.env["debt.statement.wizard"]
            .with_user(self.credit_user)
            .with_company(self.vn)
            .with_context(active_model="res.partner", active_ids=self.cuu_long.ids)
        )
        wizard.account_type = PAYABLE
        wizard.date_to = date(2026, 12, 31)
        wizard.company_id = self.vn
        data = wizard.save()._report_data()
        html = (
            self.env["ir.actions.report"]
            .with_user(self.credit_user)
            .with_company(self.vn)
            ._render_qweb_html("account_debt_followup.report_statement", self.cuu_long.ids, data=data)[0]
            .decode()
        )
        self.assertIn("Supplier Statement", html)
        self.assertIn("What we owe you", html)
        self.assertIn("16,400,000", html)
        self.assertNotIn("Please pay by bank transfer", html)

    # ------------------------------------------------------------------ confirmation minutes
    def _year_wizard(self, **values):
        form = Form(self.env["debt.confirmation.wizard"].with_user(self.credit_user).with_company(self.vn))
        form.date_from, form.date_to = date(2026, 1, 1), date(2026, 12, 31)
        form.company_id = self.vn
        for name, value in values.items():
            setattr(form, name, value)
        return form.save()

    def test_supplier_minute_confirmed_or_disputed(self):
        wizard = self._year_wizard(account_type=PAYABLE)
        wizard.partner_ids = self.cuu_long
        wizard.action_create()
        minute = wizard.confirmation_ids
        self.assertEqual(minute.account_type, PAYABLE)
        self.assertEqual(
            (minute.opening_balance, minute.period_debit, minute.period_credit, minute.closing_balance),
            (0, 24_400_000, 8_000_000, 16_400_000),
        )
        minute._record_response(
            "disputed", date(2027, 1, 10), customer_balance=16_000_000, note="Thiếu 1 phiếu"
        )
        self.assertEqual((minute.state, minute.difference), ("disputed", 400_000))
        minute.sudo().state = "sent"  # answered again: the supplier sends the minute back, signed
        minute._record_response("confirmed", date(2027, 1, 12))
        self.assertEqual((minute.state, minute.customer_balance), ("confirmed", 16_400_000))
        self._render_real_pdfs()
        content, _kind = (
            self.env["ir.actions.report"]
            .with_company(self.vn)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("account_debt_followup.action_report_debt_confirmation", minute.ids)
        )
        text = " ".join(self._pdf_text(content).split())
        self.assertIn("Party A (Buyer)", text)
        self.assertIn("Party B (Supplier): Công ty Cửu Long", text)
        self.assertIn("Party A owes Party B: 16,400,000 ₫", text)
        self.assertIn("Increase Decrease", text)

    def test_year_end_batch_for_every_partner_with_a_balance(self):
        wizard = self._year_wizard(scope="all")
        wizard.action_create()
        minutes = wizard.confirmation_ids
        self.assertEqual(
            sorted(
                (minute.partner_id.name, minute.account_type, minute.closing_balance) for minute in minutes
            ),
            [
                ("Công ty Cửu Long", PAYABLE, 16_400_000),
                ("Công ty Đông Á", "asset_receivable", 5_000_000),
            ],
        )
        self.assertNotIn(self.tay_nam, minutes.partner_id, "paid in full: nothing to confirm")
        with self.assertRaisesRegex(UserError, "Choose the partners"):
            self._year_wizard().action_create()


@tagged("post_install", "-at_install")
@freeze_time("2024-06-30")
class TestNettingRequest(DebtFollowupCommon):
    """A netting requested by a credit manager who does not keep the books, validated and posted by
    an accountant, never by the one who requested it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "base.group_user,account_debt_followup.group_credit_manager,account.group_account_user"
        cls.accountant = new_test_user(cls.env, login="netting_validator", groups=groups)
        cls.other_accountant = new_test_user(cls.env, login="netting_requester_books", groups=groups)
        cls.partner = cls.env["res.partner"].create({"name": "Both Ways Request Co", "is_company": True})
        cls.invoice = cls._create_invoice(cls.partner, 1000.0, "2024-05-01", due_date="2024-05-31")
        cls.bill = cls._create_invoice(
            cls.partner, 600.0, "2024-05-10", due_date="2024-06-10", move_type="in_invoice"
        )

    def _request(self, user):
        wizard = Form(
            self.env["debt.netting.wizard"]
            .with_user(user)
            .with_context(active_model="res.partner", active_ids=self.partner.ids, debt_netting_request=True)
        ).save()
        action = wizard.action_request()
        return self.env["debt.netting"].browse(action["res_id"])

    def test_requested_then_validated_by_an_accountant(self):
        netting = self._request(self.credit_manager)
        self.assertEqual(
            (netting.state, netting.amount, netting.requested_by_id),
            ("requested", 600.0, self.credit_manager),
        )
        self.assertFalse(netting.move_id, "nothing posted before the validation")
        self.assertEqual(self.invoice.amount_residual, 1000.0)
        # the requester does not keep the books: it cannot validate, nor net without a request
        with self.assertRaisesRegex(AccessError, "with accounting rights"):
            netting.with_user(self.credit_manager).action_validate()
        with self.assertRaisesRegex(AccessError, "with accounting rights"):
            Form(
                self.env["debt.netting.wizard"]
                .with_user(self.credit_manager)
                .with_context(active_model="res.partner", active_ids=self.partner.ids)
            )
        with self.assertRaises(AccessError):  # a credit controller cannot even request
            self._request(self.credit_user)
        netting.with_user(self.accountant).action_validate()
        self.assertEqual((netting.state, netting.validated_by_id), ("posted", self.accountant))
        self.assertEqual(netting.move_id.state, "posted")
        self.assertEqual(self.invoice.amount_residual, 400.0)
        self.assertEqual(self.bill.amount_residual, 0.0)

    def test_an_accountant_does_not_validate_its_own_request(self):
        netting = self._request(self.other_accountant)
        with self.assertRaisesRegex(UserError, "another accountant validates it"):
            netting.with_user(self.other_accountant).action_validate()
        with self.assertRaisesRegex(UserError, "already posted or cancelled"):
            netting.with_user(self.accountant).action_post()
        netting.with_user(self.accountant).action_cancel()
        self.assertEqual(netting.state, "cancelled")
        with self.assertRaisesRegex(UserError, "not waiting for a validation"):
            netting.with_user(self.accountant).action_validate()
