# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import DebtFollowupCommon

TODAY = "2024-06-30"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCreditGrowth(DebtFollowupCommon):
    """Limit 1000, 600 open, an order of 300 confirmed: exposure 900. The order may not grow
    past the limit after its confirmation, by a new line, a quantity or a price."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["debt.credit.rule"].create(
            {
                "name": "Over credit limit",
                "rule_type": "credit_limit",
                "action": "block",
                "company_id": cls.company.id,
            }
        )
        cls.customer = cls.env["res.partner"].create({"name": "Growing Co", "is_company": True})
        cls.customer.credit_limit = 1000.0
        with freeze_time(TODAY):
            cls._create_invoice(cls.customer, 600.0, "2024-06-20", due_date="2024-07-20")
        cls.salesman.groups_id += cls.env.ref("sales_team.group_sale_salesman_all_leads")

    def setUp(self):
        super().setUp()
        self.order = self._create_order(self.customer, 300.0).with_user(self.salesman)
        self.assertEqual(self.order.state, "sale")

    def test_a_new_line_over_the_limit_is_refused(self):
        with self.assertRaises(UserError) as error:
            self.order.write(
                {"order_line": [Command.create({"product_id": self.product.id, "price_unit": 200.0})]}
            )
        self.assertIn("cannot grow to", str(error.exception))
        self.assertIn("Over credit limit", str(error.exception))

    def test_a_raised_quantity_or_price_is_refused(self):
        line = self.order.order_line
        with self.assertRaises(UserError):
            line.write({"product_uom_qty": 2.0, "price_unit": 300.0})  # 600: exposure 1200
        with self.assertRaises(UserError):
            line.write({"price_unit": 450.0})

    def test_a_new_order_cannot_grow_a_confirmed_one_through_its_lines(self):
        line = self.order.order_line
        with self.assertRaises(UserError) as error:
            self.env["sale.order"].with_user(self.salesman).create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [Command.update(line.id, {"product_uom_qty": 500.0})],
                }
            )
        self.assertIn("cannot grow to", str(error.exception))
        self.assertEqual(line.product_uom_qty, 1.0)

    def test_growth_within_the_limit_passes(self):
        self.order.order_line.write({"price_unit": 400.0})  # exposure 1000, at the limit
        self.assertEqual(self.order.amount_total, 400.0)

    def test_lowering_never_asks_for_credit(self):
        self.customer.credit_limit = 100.0  # already far over: lowering still allowed
        self.order.order_line.write({"price_unit": 250.0})
        self.assertEqual(self.order.amount_total, 250.0)

    def test_quotations_are_not_checked_before_confirmation(self):
        quotation = self._create_order(self.customer, 100.0, confirm=False)
        quotation.order_line.write({"price_unit": 5000.0})
        self.assertEqual(quotation.state, "draft")

    def test_a_credit_manager_approves_growth_up_to_an_amount(self):
        with self.assertRaises(UserError):
            self.order.order_line.write({"price_unit": 500.0})
        wizard = Form(
            self.env["debt.credit.approval.wizard"]
            .with_user(self.credit_manager)
            .with_context(default_order_id=self.order.id)
        )
        self.assertEqual(wizard.amount_approved, 300.0)
        wizard.amount_approved = 550.0
        wizard.reason = "Extra desks, paid on delivery"
        wizard.save().action_approve()
        self.assertEqual(self.order.debt_approval_ids.amount_approved, 550.0)
        self.order.order_line.write({"price_unit": 500.0})  # within the approval
        self.assertIn("Order increased with the credit approval of", self.order.message_ids[0].body)
        with self.assertRaises(UserError):
            self.order.order_line.write({"price_unit": 600.0})  # beyond it

    def test_an_approval_below_the_total_is_refused(self):
        wizard = Form(
            self.env["debt.credit.approval.wizard"]
            .with_user(self.credit_manager)
            .with_context(default_order_id=self.order.id)
        )
        wizard.amount_approved = 100.0
        wizard.reason = "Typo"
        with self.assertRaises(UserError):
            wizard.save().action_approve()
