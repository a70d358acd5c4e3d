# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import DebtFollowupCommon

TODAY = "2024-06-30"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCreditInvoice(DebtFollowupCommon):
    """A billing clerk enters a sale directly as a customer invoice (ECOUNT's "a new sale
    entered"), for a customer with a limit of 1000 and 600 open."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.env["debt.credit.rule"].create(
            {
                "name": "Over credit limit",
                "rule_type": "credit_limit",
                "action": "block",
                "check_invoice_posting": True,
            }
        )
        cls.customer = cls.env["res.partner"].create({"name": "Direct Sale Co", "is_company": True})
        cls.customer.credit_limit = 1000.0
        with freeze_time(TODAY):
            cls._create_invoice(cls.customer, 600.0, "2024-06-20", due_date="2024-07-20")

    def _draft(self, amount, user=None):
        return self._create_invoice(self.customer, amount, TODAY, post=False).with_user(
            user or self.billing_clerk
        )

    def test_an_invoice_over_the_limit_is_not_posted(self):
        invoice = self._draft(500.0)
        with self.assertRaises(UserError) as error:
            invoice.action_post()
        message = str(error.exception)
        self.assertIn("cannot be posted", message)
        self.assertIn("Over credit limit", message)
        self.assertIn("1,100.00", message)  # exposure with the invoice
        self.assertEqual(invoice.state, "draft")

    def test_an_invoice_within_the_limit_is_posted(self):
        invoice = self._draft(400.0)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_two_invoices_posted_together_are_checked_together(self):
        invoices = self._draft(300.0) | self._draft(300.0)
        with self.assertRaises(UserError):
            invoices.action_post()
        self.assertEqual(set(invoices.mapped("state")), {"draft"})

    def test_a_credit_manager_posts_it_and_the_chatter_says_so(self):
        invoice = self._draft(500.0, user=self.credit_manager)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        note = invoice.message_ids.filtered(lambda m: "Posted by a credit manager" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Over credit limit", note.body)

    def test_rules_of_the_order_confirmation_only_leave_invoices_alone(self):
        self.rule.check_invoice_posting = False
        invoice = self._draft(5000.0)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_an_invoice_of_an_approved_order_is_not_checked_again(self):
        order = self._create_order(self.customer, 500.0, confirm=False)
        wizard = Form(
            self.env["debt.credit.approval.wizard"]
            .with_user(self.credit_manager)
            .with_context(default_order_id=order.id)
        )
        wizard.reason = "Paid on delivery"
        wizard.save().action_approve_and_confirm()
        self.assertEqual(order.state, "sale")
        invoice = order._create_invoices().with_user(self.billing_clerk)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_lines_added_to_an_order_invoice_are_a_new_sale(self):
        order = self._create_order(self.customer, 300.0)
        invoice = order._create_invoices()
        invoice.write(
            {"invoice_line_ids": [Command.create({"name": "Extra", "price_unit": 200.0, "tax_ids": []})]}
        )
        with self.assertRaises(UserError) as error:
            invoice.with_user(self.billing_clerk).action_post()  # 600 + 300 + 200
        self.assertIn("1,100.00", str(error.exception))
        invoice.invoice_line_ids.filtered(lambda line: line.name == "Extra").price_unit = 100.0
        invoice.with_user(self.billing_clerk).action_post()
        self.assertEqual(invoice.state, "posted")

    def test_a_prepayment_rule_cannot_apply_to_invoices(self):
        with self.assertRaises(ValidationError):
            self.env["debt.credit.rule"].create(
                {
                    "name": "Pay first",
                    "rule_type": "bad_debtor",
                    "action": "prepay",
                    "check_invoice_posting": True,
                }
            )

    def test_credit_notes_are_never_checked(self):
        refund = self._create_invoice(self.customer, 5000.0, TODAY, move_type="out_refund", post=False)
        refund.with_user(self.billing_clerk).action_post()
        self.assertEqual(refund.state, "posted")

    def test_an_order_invoice_line_raised_a_hundredfold_is_a_new_sale(self):
        order = self._create_order(self.customer, 30.0)  # exposure 630
        invoice = order._create_invoices().with_user(self.billing_clerk)
        invoice.invoice_line_ids.write({"quantity": 100.0})  # 3000 where the order brought 30
        with self.assertRaises(UserError) as error:
            invoice.action_post()
        self.assertIn("cannot be posted", str(error.exception))
        self.assertEqual(invoice.state, "draft")
        invoice.invoice_line_ids.write({"quantity": 1.0})
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_a_line_linked_to_another_customers_order_is_a_new_sale(self):
        other = self.env["res.partner"].create({"name": "Rich Co", "is_company": True})
        other_order = self._create_order(other, 5000.0)
        invoice = self._draft(500.0)
        invoice.invoice_line_ids.write({"sale_line_ids": [Command.set(other_order.order_line.ids)]})
        self.assertEqual(invoice.invoice_line_ids.sale_line_ids, other_order.order_line)
        with self.assertRaises(UserError) as error:
            invoice.action_post()
        self.assertIn("cannot be posted", str(error.exception))
        self.assertEqual(invoice.state, "draft")

    def test_a_sales_receipt_over_the_limit_is_not_posted(self):
        receipt = self._create_invoice(
            self.customer, 50000.0, TODAY, move_type="out_receipt", post=False
        ).with_user(self.billing_clerk)
        with self.assertRaises(UserError) as error:
            receipt.action_post()
        self.assertIn("cannot be posted", str(error.exception))
        self.assertEqual(receipt.state, "draft")
