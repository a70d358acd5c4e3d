# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from .common import DebtFollowupCommon

TODAY = "2024-06-30"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCreditBanner(DebtFollowupCommon):
    """The quotation's banner as the salesperson reads it: what blocks apart from what only
    warns, and for a prepayment rule, how much to collect and how."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Rule = cls.env["debt.credit.rule"]
        Rule.search([]).active = False  # the demo rules
        Rule.create({"name": "Over the limit", "rule_type": "credit_limit", "action": "block"})
        Rule.create(
            {"name": "Late payer", "rule_type": "overdue_days", "threshold_days": 10, "action": "warn"}
        )
        Rule.create(
            {
                "name": "Bad debtor pays first",
                "rule_type": "bad_debtor",
                "action": "prepay",
                "prepayment_percent": 50,
            }
        )
        cls.customer = cls.env["res.partner"].create({"name": "Banner Co", "is_company": True})
        cls.customer.trust = "bad"
        cls._create_invoice(cls.customer, 500.0, "2024-05-01", due_date="2024-05-31")

    def _quotation(self):
        return self._create_order(self.customer, 200.0, confirm=False).with_user(self.salesman_contacts)

    def _deposit(self, order, amount):
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer.id,
                "amount": amount,
                "date": fields.Date.to_date(TODAY),
                "debt_sale_order_id": order.id,
            }
        )
        payment.action_post()

    def test_blocking_rules_and_warnings_apart(self):
        self.customer.credit_limit = 600.0
        order = self._quotation()
        self.assertEqual(order.debt_credit_state, "block")
        self.assertIn("Over the limit", order.debt_credit_blocking)
        self.assertIn(
            "A prepayment of $\xa0100.00 is required; $\xa00.00 is paid.", order.debt_credit_blocking
        )
        self.assertNotIn("Late payer", order.debt_credit_blocking)
        self.assertIn("Late payer", order.debt_credit_warnings)
        self.assertNotIn("Over the limit", order.debt_credit_warnings)
        self.assertEqual(order.debt_prepayment_due, 100.0)
        self.assertIn("Collect $\xa0100.00 before confirming this order.", order.debt_prepayment_means)
        self.assertNotIn("/payment/pay", order.debt_prepayment_means, "no payment provider: no link")

    def test_only_warnings_when_the_prepayment_is_paid(self):
        order = self._quotation()
        self.assertEqual(order.debt_credit_state, "block", "the prepayment is due")
        self.assertFalse(order.debt_credit_warnings and "Over the limit" in order.debt_credit_warnings)
        self._deposit(order, 60.0)
        order.invalidate_recordset()
        self.assertEqual(order.debt_prepayment_due, 40.0, "what is left to collect")
        self.assertIn("Collect $\xa040.00", order.debt_prepayment_means)
        self._deposit(order, 40.0)
        order.invalidate_recordset()
        self.assertEqual(order.debt_credit_state, "warn")
        self.assertFalse(order.debt_credit_blocking)
        self.assertFalse(order.debt_prepayment_due)
        self.assertIn("Late payer", order.debt_credit_warnings)

    def test_prepayment_link_with_a_payment_provider(self):
        self.env["payment.provider"].create(
            {
                "name": "Demo provider",
                "code": "demo",
                "state": "test",
                "is_published": True,
                "company_id": self.company.id,
                "payment_method_ids": [Command.set(self.env.ref("payment_demo.payment_method_demo").ids)],
            }
        )
        order = self._quotation()
        means = order.debt_prepayment_means
        self.assertIn("/payment/pay?", means)
        self.assertIn("amount=100.0", means)
        self.assertIn(f"sale_order_id={order.id}", means, "the payment counts for this order")

    def test_a_met_prepayment_rule_warns_beside_one_still_due(self):
        """Two prepayment rules, 20 % paid: the 20 % rule's message is a warning, the 50 % rule
        blocks with what is still due; the banner is computed from one evaluation."""
        self.env["debt.credit.rule"].create(
            {
                "name": "Bad debtor pays a fifth",
                "rule_type": "bad_debtor",
                "action": "prepay",
                "prepayment_percent": 20,
            }
        )
        order = self._quotation()
        self._deposit(order, order.amount_total * 0.2)
        order.invalidate_recordset()
        evaluate = type(order)._debt_credit_evaluate
        with patch.object(type(order), "_debt_credit_evaluate", autospec=True, side_effect=evaluate) as spy:
            blocking, warnings = order.debt_credit_blocking, order.debt_credit_warnings
            self.assertEqual(order.debt_credit_state, "block")
            self.assertEqual(order.debt_prepayment_due, order.amount_total * 0.3)
        self.assertEqual(spy.call_count, 1, "state, figures and banner from one evaluation")
        self.assertIn("Bad debtor pays first", blocking)
        self.assertIn("Bad debtor pays a fifth", warnings)
        self.assertNotIn("Bad debtor pays a fifth", blocking)
