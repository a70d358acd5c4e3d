# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import DebtFollowupCommon

TODAY = "2024-06-30"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCreditPrepayment(DebtFollowupCommon):
    """A bad debtor pays half of an order of 200 first. In Vietnam the deposit is a bank transfer
    that accounting records, not an online payment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["debt.credit.rule"].create(
            {
                "name": "Bad debtor pays first",
                "rule_type": "bad_debtor",
                "action": "prepay",
                "prepayment_percent": 50,
            }
        )
        cls.customer = cls.env["res.partner"].create({"name": "Deposit Co", "is_company": True})
        cls.customer.trust = "bad"
        cls.bank_journal = cls.company_data["default_journal_bank"]

    def _quotation(self):
        return self._create_order(self.customer, 200.0, confirm=False).with_user(self.salesman_contacts)

    def _deposit(self, amount, order, post=True):
        """A customer payment recorded by the billing clerk for the order."""
        payment = (
            self.env["account.payment"]
            .with_user(self.billing_clerk)
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": self.customer.id,
                    "amount": amount,
                    "journal_id": self.bank_journal.id,
                    "date": fields.Date.to_date(TODAY),
                    "debt_sale_order_id": order.id,
                    "memo": order.name,
                }
            )
        )
        if post:
            payment.action_post()
        return payment

    def test_a_deposit_recorded_for_the_order_counts(self):
        order = self._quotation()
        with self.assertRaises(UserError) as error:
            order.action_confirm()
        self.assertIn("A prepayment of $\xa0100.00 is required; $\xa00.00 is paid.", str(error.exception))
        draft = self._deposit(100.0, order, post=False)
        with self.assertRaises(UserError):
            order.action_confirm()  # a draft payment is no money
        draft.action_post()
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_a_deposit_too_small_or_for_another_order_does_not_count(self):
        order = self._quotation()
        other = self._quotation()
        self._deposit(100.0, other)
        self._deposit(60.0, order)
        with self.assertRaises(UserError) as error:
            order.action_confirm()
        self.assertIn("$\xa060.00 is paid", str(error.exception))

    def _payment(self, partner, payment_type="inbound", partner_type="customer", order=None):
        return (
            self.env["account.payment"]
            .with_user(self.billing_clerk)
            .create(
                {
                    "payment_type": payment_type,
                    "partner_type": partner_type,
                    "partner_id": partner.id,
                    "amount": 150.0,
                    "journal_id": self.bank_journal.id,
                    "date": fields.Date.to_date(TODAY),
                    "debt_sale_order_id": order.id if order else False,
                }
            )
        )

    def test_another_customers_or_a_supplier_payment_is_no_deposit(self):
        order = self._quotation()
        stranger = self.env["res.partner"].create({"name": "Stranger Co", "is_company": True})
        with self.assertRaises(ValidationError):
            self._payment(stranger, order=order)
        with self.assertRaises(ValidationError):
            self._payment(self.customer, payment_type="outbound", partner_type="supplier", order=order)
        # linked afterwards, posted or not
        payment = self._payment(stranger)
        payment.action_post()
        with self.assertRaises(ValidationError):
            payment.debt_sale_order_id = order
        refund = self._payment(self.customer, payment_type="outbound")
        refund.action_post()
        with self.assertRaises(ValidationError):
            refund.debt_sale_order_id = order
        with self.assertRaises(UserError) as error:
            order.action_confirm()
        self.assertIn("$\xa00.00 is paid", str(error.exception))
        self.assertEqual(order.state, "draft")

    def test_a_deposit_of_a_confirmed_order_cannot_be_moved(self):
        order = self._quotation()
        deposit = self._deposit(100.0, order)
        order.action_confirm()
        other = self._quotation()
        with self.assertRaises(UserError):
            deposit.debt_sale_order_id = other
        with self.assertRaises(UserError):
            deposit.debt_sale_order_id = False
        with self.assertRaises(UserError):
            other.action_confirm()

    def test_a_paid_down_payment_invoice_counts_once(self):
        order = self._quotation()
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "percentage", "amount": 50})
        )
        wizard.create_invoices()
        down_payment = order.invoice_ids
        self.assertEqual(down_payment.amount_total, 100.0)
        down_payment.with_user(self.billing_clerk).action_post()
        with self.assertRaises(UserError):
            order.action_confirm()  # invoiced, not paid
        payment = self._register_payment(down_payment, 100.0, TODAY)
        payment.debt_sale_order_id = order  # marked for the order as well: still counted once
        self.assertEqual(order._debt_prepaid_amount(), 100.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_online_payments_still_count(self):
        order = self._quotation()
        provider = self.env["payment.provider"].create(
            {"name": "Test provider", "code": "none", "state": "test", "company_id": self.company.id}
        )
        self.env["payment.transaction"].create(
            {
                "provider_id": provider.id,
                "payment_method_id": self.env.ref("payment.payment_method_unknown").id,
                "amount": 100.0,
                "currency_id": order.currency_id.id,
                "partner_id": self.customer.id,
                "reference": f"{order.name}-online",
                "sale_order_ids": [fields.Command.set(order.ids)],
                "state": "done",
            }
        )
        order.action_confirm()
        self.assertEqual(order.state, "sale")
