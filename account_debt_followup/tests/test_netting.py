# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).

from freezegun import freeze_time

import odoo
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tests.common import new_test_user

from .common import DebtFollowupCommon

TODAY = "2024-06-30"
OPEN_TYPES = ("asset_receivable", "liability_payable")


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestNetting(DebtFollowupCommon):
    """USD company, 1 USD = 2 EUR; today 2024-06-30. The partner owes us 1,000 (due 31 May) and 500
    (due 15 June); we owe it 800 (due 10 June) and 400 (due 20 June)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"vat": "0301234567", "street": "1 Lê Lợi", "city": "Hà Nội"})
        # a credit manager who keeps the books: the lowest rights that can post a netting
        cls.accountant = new_test_user(
            cls.env,
            login="netting_accountant",
            groups="base.group_user,account_debt_followup.group_credit_manager,account.group_account_user",
            company_id=cls.company.id,
        )
        cls.partner = cls.env["res.partner"].create(
            {
                "name": "Both Ways Co",
                "is_company": True,
                "vat": "0312345678",
                "street": "5 Hai Bà Trưng",
                "city": "Hồ Chí Minh",
            }
        )
        with freeze_time(TODAY):
            cls.inv_old = cls._create_invoice(cls.partner, 1000.0, "2024-05-01", due_date="2024-05-31")
            cls.inv_new = cls._create_invoice(cls.partner, 500.0, "2024-06-01", due_date="2024-06-15")
            cls.bill_old = cls._create_invoice(
                cls.partner, 800.0, "2024-05-10", due_date="2024-06-10", move_type="in_invoice"
            )
            cls.bill_new = cls._create_invoice(
                cls.partner, 400.0, "2024-06-05", due_date="2024-06-20", move_type="in_invoice"
            )

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _item(move):
        return move.line_ids.filtered(lambda line: line.account_type in OPEN_TYPES)

    def _wizard(self, partner=None, user=None):
        return Form(
            self.env["debt.netting.wizard"]
            .with_user(user or self.accountant)
            .with_context(active_model="res.partner", active_ids=(partner or self.partner).ids)
        )

    def _confirm(self, form):
        wizard = form.save() if isinstance(form, Form) else form
        action = wizard.action_confirm()
        self.assertEqual(action["res_model"], "debt.netting")
        return self.env["debt.netting"].browse(action["res_id"])

    def _assert_balanced(self, move):
        self.assertEqual(move.state, "posted")
        self.assertAlmostEqual(sum(move.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit")))
        return sum(move.line_ids.mapped("debit"))

    def _set_eur_rate(self, date, rate):
        self.env["res.currency.rate"].create(
            {"name": date, "rate": rate, "currency_id": self.eur.id, "company_id": self.company.id}
        )

    # ------------------------------------------------------------------ netting
    def test_full_netting_balances_and_reconciles(self):
        form = self._wizard()
        self.assertEqual(form.currency_id, self.currency)
        self.assertEqual(form.journal_id.type, "general")
        self.assertEqual((form.receivable_total, form.payable_total, form.amount), (1500.0, 1200.0, 1200.0))
        wizard = form.save()
        self.assertEqual(  # receivables then payables, oldest due first
            wizard.line_ids.move_line_id.ids,
            (
                self._item(self.inv_old)
                | self._item(self.inv_new)
                | self._item(self.bill_old)
                | self._item(self.bill_new)
            ).ids,
        )
        self.assertEqual(wizard.line_ids.mapped("selected"), [True] * 4)
        netting = self._confirm(wizard)

        move = netting.move_id
        self.assertEqual(netting.state, "posted")
        self.assertTrue(netting.name.startswith("NET/2024/"))
        self.assertEqual((move.move_type, move.ref, move.partner_id), ("entry", netting.name, self.partner))
        self.assertAlmostEqual(self._assert_balanced(move), 1200.0)
        receivable_lines = move.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        self.assertAlmostEqual(sum(receivable_lines.mapped("credit")), 1200.0)
        self.assertAlmostEqual(
            sum(
                move.line_ids.filtered(lambda line: line.account_type == "liability_payable").mapped("debit")
            ),
            1200.0,
        )
        # the payables are settled, the oldest invoice too, the newest keeps 300 open
        for document in (self.inv_old, self.bill_old, self.bill_new):
            self.assertTrue(self._item(document).reconciled, document.name)
            self.assertEqual(document.payment_state, "paid", document.name)
        self.assertAlmostEqual(self._item(self.inv_new).amount_residual, 300.0)
        self.assertEqual(self.inv_new.payment_state, "partial")
        self.assertTrue(all(move.line_ids.mapped("reconciled")))
        # what the netting records, and the links both ways
        self.assertEqual(
            [
                (line.side, line.document_id, line.amount_before, line.amount, line.amount_after)
                for line in netting.line_ids
            ],
            [
                ("receivable", self.inv_old, 1000.0, 1000.0, 0.0),
                ("receivable", self.inv_new, 500.0, 200.0, 300.0),
                ("payable", self.bill_old, 800.0, 800.0, 0.0),
                ("payable", self.bill_new, 400.0, 400.0, 0.0),
            ],
        )
        self.assertEqual(netting.line_ids.offset_line_id, move.line_ids)
        for line in netting.line_ids:
            partials = line.offset_line_id.matched_debit_ids | line.offset_line_id.matched_credit_ids
            self.assertEqual(
                (partials.debit_move_id | partials.credit_move_id) - line.offset_line_id, line.move_line_id
            )
        self.assertEqual((netting.receivable_remaining, netting.payable_remaining), (300.0, 0.0))
        self.assertEqual(netting.user_id, self.accountant)
        self.assertIn(netting.name, self.partner.message_ids[0].body)

    def test_partial_netting_takes_the_oldest_items_first(self):
        form = self._wizard()
        form.amount = 700.0
        netting = self._confirm(form)
        self.assertAlmostEqual(self._assert_balanced(netting.move_id), 700.0)
        self.assertAlmostEqual(self._item(self.inv_old).amount_residual, 300.0)
        self.assertAlmostEqual(self._item(self.inv_new).amount_residual, 500.0)
        self.assertAlmostEqual(self._item(self.bill_old).amount_residual, -100.0)
        self.assertAlmostEqual(self._item(self.bill_new).amount_residual, -400.0)
        self.assertFalse(any((self._item(self.inv_old) | self._item(self.bill_old)).mapped("reconciled")))
        self.assertEqual(netting.line_ids.document_id, self.inv_old | self.bill_old)
        self.assertEqual((netting.receivable_remaining, netting.payable_remaining), (800.0, 500.0))

    def test_unticked_items_are_left_open(self):
        form = self._wizard()
        with form.line_ids.edit(2) as line:  # the older bill
            self.assertEqual(line.document_id, self.bill_old)
            line.selected = False
        self.assertEqual(form.amount, 400.0)
        netting = self._confirm(form)
        self.assertAlmostEqual(self._item(self.bill_old).amount_residual, -800.0)
        self.assertTrue(self._item(self.bill_new).reconciled)
        self.assertAlmostEqual(self._item(self.inv_old).amount_residual, 600.0)
        self.assertEqual(netting.line_ids.document_id, self.inv_old | self.bill_new)

    def test_foreign_currency_netting_at_the_day_rate(self):
        eur_invoice = self._create_invoice(self.partner, 300.0, "2024-06-01", currency=self.eur)  # USD 150
        eur_bill = self._create_invoice(
            self.partner, 200.0, "2024-06-02", currency=self.eur, move_type="in_invoice"
        )
        self._set_eur_rate("2024-06-20", 1.6)  # the euro rose: EUR 200 are now USD 125
        form = self._wizard()
        self.assertEqual(form.save().available_currency_ids, self.currency | self.eur)
        form.currency_id = self.eur
        self.assertEqual(form.amount, 200.0)
        netting = self._confirm(form)

        move = netting.move_id
        self.assertEqual(move.line_ids.currency_id, self.eur)
        self.assertEqual(sorted(move.line_ids.mapped("amount_currency")), [-200.0, 200.0])
        self.assertAlmostEqual(self._assert_balanced(move), 125.0)
        invoice_item, bill_item = self._item(eur_invoice), self._item(eur_bill)
        self.assertAlmostEqual(invoice_item.amount_residual_currency, 100.0)
        self.assertAlmostEqual(invoice_item.amount_residual, 50.0)  # EUR 100 at the invoice's rate
        self.assertTrue(bill_item.reconciled)
        self.assertAlmostEqual(bill_item.amount_residual, 0.0)
        # Odoo booked the exchange difference of the bill: USD 100 owed, USD 125 offset
        partials = bill_item.matched_debit_ids
        self.assertTrue(partials.exchange_move_id or bill_item.full_reconcile_id.exchange_move_id)
        # the USD items are untouched
        self.assertAlmostEqual(self._item(self.inv_old).amount_residual, 1000.0)
        self.assertEqual((netting.receivable_remaining, netting.payable_remaining), (100.0, 0.0))

    def test_foreign_balances_are_rounded_to_balance(self):
        self._set_eur_rate("2024-06-20", 3.0)
        first = self._create_invoice(self.partner, 100.0, "2024-06-01", currency=self.eur)
        second = self._create_invoice(self.partner, 100.0, "2024-06-02", currency=self.eur)
        self._create_invoice(self.partner, 200.0, "2024-06-03", currency=self.eur, move_type="in_invoice")
        form = self._wizard()
        form.currency_id = self.eur
        netting = self._confirm(form)
        # EUR 100 / 3 twice is USD 66.66, EUR 200 / 3 is USD 66.67: the entry still balances
        self.assertAlmostEqual(self._assert_balanced(netting.move_id), 66.67)
        self.assertEqual(set((self._item(first) | self._item(second)).mapped("reconciled")), {True})

    # ------------------------------------------------------------------ refusals
    def test_partner_not_both_ways_in_a_currency_is_refused(self):
        partner = self.env["res.partner"].create({"name": "One Way Co", "is_company": True})
        invoice = self._create_invoice(partner, 100.0, "2024-06-01")
        bill = self._create_invoice(partner, 100.0, "2024-06-01", currency=self.eur, move_type="in_invoice")
        with self.assertRaisesRegex(UserError, "no open receivable and open payable in the same currency"):
            self._wizard(partner)
        with self.assertRaisesRegex(UserError, "are not in USD"):
            self.env["debt.netting"].with_user(self.accountant)._create_netting(
                partner,
                self.company,
                self.currency,
                odoo.fields.Date.to_date(TODAY),
                self.company_data["default_journal_misc"],
                self._item(invoice) | self._item(bill),
                50.0,
            )
        with self.assertRaisesRegex(UserError, "must be both a customer and a supplier in USD"):
            self.env["debt.netting"].with_user(self.accountant)._create_netting(
                partner,
                self.company,
                self.currency,
                odoo.fields.Date.to_date(TODAY),
                self.company_data["default_journal_misc"],
                self._item(invoice),
                50.0,
            )

    def test_other_company_items_are_neither_proposed_nor_accepted(self):
        other = self.setup_other_company(name="Company B")["company"]
        other_invoice = self._create_invoice(self.partner, 70.0, "2024-06-01", company=other)
        other_bill = self._create_invoice(
            self.partner, 70.0, "2024-06-01", company=other, move_type="in_invoice"
        )
        wizard = self._wizard().save()
        self.assertEqual(
            wizard.line_ids.move_line_id.move_id, self.inv_old | self.inv_new | self.bill_old | self.bill_new
        )
        self.env.user.company_ids |= other
        Netting = self.env["debt.netting"].with_context(allowed_company_ids=[self.company.id, other.id])
        with self.assertRaisesRegex(UserError, "another company"):
            Netting._create_netting(
                self.partner,
                self.company,
                self.currency,
                odoo.fields.Date.to_date(TODAY),
                self.company_data["default_journal_misc"],
                self._item(self.inv_old) | self._item(other_bill),
                50.0,
            )
        self.assertFalse(self._item(other_invoice).reconciled)

    def test_other_partner_items_are_refused(self):
        stranger = self.env["res.partner"].create({"name": "Stranger"})
        stranger_bill = self._create_invoice(stranger, 100.0, "2024-06-01", move_type="in_invoice")
        with self.assertRaisesRegex(UserError, "not Both Ways Co's"):
            self.env["debt.netting"].with_user(self.accountant)._create_netting(
                self.partner,
                self.company,
                self.currency,
                odoo.fields.Date.to_date(TODAY),
                self.company_data["default_journal_misc"],
                self._item(self.inv_old) | self._item(stranger_bill),
                50.0,
            )

    def test_amount_must_be_positive_and_possible(self):
        for amount, message in ((0.0, "must be positive"), (1200.01, "At most")):
            form = self._wizard()
            form.amount = amount
            with self.assertRaisesRegex(UserError, message):
                form.save().action_confirm()
        self.assertFalse(self.env["debt.netting"].search([("partner_id", "=", self.partner.id)]))

    def test_items_paid_in_the_meantime_are_refused(self):
        wizard = self._wizard().save()
        self._register_payment(self.inv_old, 1000.0, TODAY)
        with self.assertRaisesRegex(UserError, "no longer open"):
            wizard.action_confirm()
        self.assertFalse(self.env["debt.netting"].search([("partner_id", "=", self.partner.id)]))

    def test_only_credit_managers_keeping_the_books_can_net(self):
        with self.assertRaises(AccessError):  # a credit controller (Invoicing rights)
            self._wizard(user=self.credit_user)
        with self.assertRaises(AccessError):
            self.env["debt.netting.wizard"].with_user(self.credit_user).create(
                {"partner_id": self.partner.id}
            )
        with self.assertRaisesRegex(AccessError, "with accounting rights"):  # no accounting rights
            self._wizard(user=self.credit_manager)
        netting = self._confirm(self._wizard())
        # the credit controller reads the netting, but can neither change nor cancel it
        self.assertEqual(netting.with_user(self.credit_user).read(["amount"])[0]["amount"], 1200.0)
        with self.assertRaises(AccessError):
            netting.with_user(self.credit_user).write({"note": "changed"})
        with self.assertRaises(AccessError):
            netting.with_user(self.credit_manager).action_cancel()

    def test_cancel_reverses_the_entry_and_reopens_the_items(self):
        netting = self._confirm(self._wizard())
        netting.with_user(self.accountant).action_cancel()
        self.assertEqual(netting.state, "cancelled")
        reversal = netting.move_id.reversal_move_ids
        self.assertEqual(reversal.state, "posted")
        self.assertTrue(all((netting.move_id | reversal).line_ids.mapped("reconciled")))
        self.assertAlmostEqual(self._item(self.inv_old).amount_residual, 1000.0)
        self.assertAlmostEqual(self._item(self.bill_new).amount_residual, -400.0)
        self.assertEqual(self.inv_old.payment_state, "not_paid")

    # ------------------------------------------------------------------ minute
    def test_minute_renders_both_parties_and_the_amount(self):
        netting = self._confirm(self._wizard())
        self._render_real_pdfs()
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(self.accountant)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("account_debt_followup.action_report_netting", netting.ids)
        )
        self.assertEqual(kind, "pdf")
        text = self._pdf_text(pdf)
        for expected in (
            "Netting Minute",
            netting.name,
            self.company.name,
            "0301234567",
            "Both Ways Co",
            "0312345678",
            "Hai Bà Trưng",
            self.inv_old.name,
            self.bill_new.name,
            "1,200.00",
            "300.00",  # what the partner still owes after the netting
            "For Party A",
            "For Party B",
        ):
            self.assertIn(expected, text)

    def test_several_minutes_print_one_per_run_into_one_pdf(self):
        form = self._wizard()
        form.amount = 500.0
        first = self._confirm(form)
        second = self._confirm(self._wizard())
        self._render_real_pdfs()
        pdf, _kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("account_debt_followup.action_report_netting", (first | second).ids)
        )
        text = self._pdf_text(pdf)
        self.assertIn(first.name, text)
        self.assertIn(second.name, text)
        self.assertIn("700.00", text)  # the second netting takes what was left of the bills

    def test_minute_amount_in_words_for_vietnamese_partners(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.partner.lang = "vi_VN"
        netting = self._confirm(self._wizard())
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account_debt_followup.action_report_netting", netting.ids)[0]
            .decode()
        )
        self.assertIn("Một Nghìn Hai Trăm", html)  # USD 1,200
