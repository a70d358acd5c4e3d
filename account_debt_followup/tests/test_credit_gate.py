# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import DebtFollowupCommon

TODAY = "2024-06-30"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCreditGate(DebtFollowupCommon):
    """The holes a salesperson finds in the gate at confirmation, tried one by one: a customer
    with a limit of 1000 and nothing open, a rule blocking over the limit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["debt.credit.rule"].create(
            {"name": "Over credit limit", "rule_type": "credit_limit", "action": "block"}
        )
        cls.customer = cls.env["res.partner"].create({"name": "Hole Finder Co", "is_company": True})
        cls.customer.credit_limit = 1000.0
        cls.good_customer = cls.env["res.partner"].create({"name": "Good Payer Co", "is_company": True})
        cls.good_customer.credit_limit = 1e9
        cls.usd_pricelist = cls.env["product.pricelist"].create(
            {"name": "USD prices", "currency_id": cls.currency.id, "company_id": cls.company.id}
        )
        cls.seller = cls.salesman_contacts

    def _quotation(self, amount, partner=None, **kwargs):
        return self._create_order(partner or self.customer, amount, confirm=False, **kwargs).with_user(
            self.seller
        )

    # ------------------------------------------------------------------ invoiced on delivery
    def test_orders_invoiced_on_delivery_count_from_their_confirmation(self):
        first = self._quotation(900.0, product=self.product_delivery)
        first.action_confirm()
        self.assertEqual(self.customer.debt_uninvoiced_order_amount, 900.0, "nothing delivered yet")
        second = self._quotation(900.0, product=self.product_delivery)
        with self.assertRaises(UserError) as error:
            second.action_confirm()
        self.assertIn("Over credit limit", str(error.exception))
        self.assertEqual(second.state, "draft")

    def test_delivering_more_than_ordered_counts_what_was_delivered(self):
        order = self._quotation(100.0, qty=3.0, product=self.product_delivery)
        order.action_confirm()
        order.order_line.qty_delivered = 5.0
        self.assertEqual(self.customer.debt_uninvoiced_order_amount, 500.0)
        order.with_env(self.env)._create_invoices().action_post()  # the 5 delivered, invoiced
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.debt_uninvoiced_order_amount, 0.0)
        self.assertEqual(self.customer.debt_exposure, 500.0)

    def test_a_confirmed_order_invoiced_on_delivery_cannot_grow_unchecked(self):
        order = self._quotation(100.0, qty=3.0, product=self.product_delivery)
        order.action_confirm()
        with self.assertRaises(UserError) as error:
            order.order_line.product_uom_qty = 12.0  # 1200
        self.assertIn("cannot grow to", str(error.exception))
        self.assertEqual(order.amount_total, 300.0)

    # ------------------------------------------------------------------ state writes
    def test_a_cancelled_quotation_written_back_to_sale_is_checked(self):
        order = self._quotation(1500.0)
        order._action_cancel()
        self.assertEqual(order.state, "cancel")
        with self.assertRaises(UserError):
            order.write({"state": "sale"})
        self.assertEqual(order.state, "cancel")

    def test_customer_changed_with_the_state_is_checked_as_the_new_customer(self):
        order = self._quotation(1500.0, partner=self.good_customer)
        with self.assertRaises(UserError) as error:
            order.write({"partner_id": self.customer.id, "state": "sale"})
        self.assertIn("Hole Finder Co", str(error.exception))
        self.assertEqual(order.partner_id, self.good_customer)

    def test_pricelist_changed_with_the_state_is_checked_in_the_new_currency(self):
        # EUR 1500 is USD 750: within the limit; USD 1500 is not
        order = self._quotation(1500.0, pricelist=self.eur_pricelist)
        self.assertEqual(order.with_user(self.credit_manager).debt_credit_state, "none")
        with self.assertRaises(UserError):
            order.write({"pricelist_id": self.usd_pricelist.id, "state": "sale"})
        order.action_confirm()  # as it is, in EUR, it passes
        self.assertEqual(order.state, "sale")

    def test_a_confirmed_order_moved_to_another_customer_is_checked(self):
        order = self._quotation(1500.0, partner=self.good_customer)
        order.action_confirm()
        with self.assertRaises(UserError):
            order.write({"partner_id": self.customer.id})
        self.assertEqual(order.partner_id, self.good_customer)

    def test_an_order_created_confirmed_with_its_lines_is_checked_once(self):
        with self.assertRaises(UserError):
            self.env["sale.order"].with_user(self.seller).create(
                {
                    "partner_id": self.customer.id,
                    "state": "sale",
                    "order_line": [Command.create({"product_id": self.product.id, "price_unit": 1500.0})],
                }
            )
        self.env["debt.credit.rule"].create(
            {"name": "Any overdue", "rule_type": "overdue_amount", "threshold_amount": 0.0, "action": "warn"}
        )
        self._create_invoice(self.customer, 10.0, "2024-05-01", due_date="2024-05-31")
        order = (
            self.env["sale.order"]
            .with_user(self.seller)
            .create(
                {
                    "partner_id": self.customer.id,
                    "state": "sale",
                    "order_line": [Command.create({"product_id": self.product.id, "price_unit": 100.0})],
                }
            )
        )
        self.assertEqual(order.state, "sale")
        notes = order.message_ids.filtered(lambda m: "credit warnings" in (m.body or ""))
        self.assertEqual(len(notes), 1, "one check for the order and its lines, one note")
        with self.assertRaises(UserError):
            # the record returned carries no trace of the creation: its next change is checked
            order.order_line.price_unit = 1500.0

    # ------------------------------------------------------------------ growth at the order level
    def test_a_unit_of_measure_change_is_growth(self):
        order = self._create_order(self.customer, 0.0, confirm=False)
        order.order_line.write({"price_unit": 100.0, "technical_price_unit": 100.0})
        order.with_user(self.seller).action_confirm()
        dozen = self.env.ref("uom.product_uom_dozen")
        with self.assertRaises(UserError) as error:
            order.with_user(self.seller).order_line.product_uom = dozen  # 12 units: 1200
        self.assertIn("cannot grow to", str(error.exception))
        self.assertEqual(order.amount_total, 100.0)

    def test_packaging_is_growth(self):
        packaging = self.env["product.packaging"].create(
            {"name": "Box of 12", "product_id": self.product.id, "qty": 12.0}
        )
        order = self._quotation(100.0)
        order.action_confirm()
        with self.assertRaises(UserError):
            order.order_line.write({"product_packaging_id": packaging.id, "product_packaging_qty": 1.0})
        self.assertEqual(order.order_line.product_uom_qty, 1.0)

    def test_a_price_recomputation_is_growth(self):
        order = self._quotation(100.0, qty=5.0)  # at the list price of the day: 500
        self.product.lst_price = 400.0  # the list price rises: recomputing the prices gives 2000
        order.action_confirm()
        with self.assertRaises(UserError):
            order.action_update_prices()
        self.assertEqual(order.amount_total, 500.0)

    def test_a_line_moved_into_a_confirmed_order_is_growth(self):
        order = self._quotation(500.0)
        order.action_confirm()
        other = self._quotation(800.0)
        with self.assertRaises(UserError):
            other.order_line.order_id = order
        self.assertEqual(order.amount_total, 500.0)

    def test_a_line_created_with_the_order_as_default_is_growth(self):
        order = self._quotation(500.0)
        order.action_confirm()
        with self.assertRaises(UserError):
            self.env["sale.order.line"].with_user(self.seller).with_context(default_order_id=order.id).create(
                {"product_id": self.product.id, "price_unit": 800.0}
            )
        self.assertEqual(order.amount_total, 500.0)

    def test_growth_within_the_limit_and_lowering_still_pass(self):
        order = self._quotation(500.0)
        order.action_confirm()
        self.env["sale.order.line"].with_user(self.seller).with_context(default_order_id=order.id).create(
            {"product_id": self.product.id, "price_unit": 500.0}
        )
        self.assertEqual(order.amount_total, 1000.0)
        order.order_line[0].price_unit = 100.0
        self.assertEqual(order.amount_total, 600.0)

    def test_one_check_for_a_form_save_of_a_confirmed_order(self):
        self.env["debt.credit.rule"].create(
            {"name": "Any overdue", "rule_type": "overdue_amount", "threshold_amount": 0.0, "action": "warn"}
        )
        self._create_invoice(self.customer, 10.0, "2024-05-01", due_date="2024-05-31")
        order = self._quotation(100.0)
        order.action_confirm()
        before = len(order.message_ids)
        # what the form sends when a line is changed and one added
        order.write(
            {
                "order_line": [
                    Command.update(order.order_line.id, {"price_unit": 150.0}),
                    Command.create({"product_id": self.product.id, "price_unit": 50.0}),
                ]
            }
        )
        grown = order.message_ids[: len(order.message_ids) - before].filtered(
            lambda m: "increased despite" in (m.body or "")
        )
        self.assertEqual(len(grown), 1)
        self.assertIn("Any overdue", grown.body)

    def test_rules_and_levels_of_a_branch_are_refused(self):
        branch = self.env["res.company"].create({"name": "Hai Phong branch", "parent_id": self.company.id})
        self.env.user.company_ids += branch
        with self.assertRaises(ValidationError) as error:
            self.env["debt.credit.rule"].create(
                {
                    "name": "Branch limit",
                    "rule_type": "credit_limit",
                    "action": "block",
                    "company_id": branch.id,
                }
            )
        self.assertIn("main company", str(error.exception))
        with self.assertRaises(ValidationError):
            self.env["debt.followup.level"].create(
                {"name": "Branch call", "delay": 45, "company_id": branch.id}
            )
        rule = (
            self.env["debt.credit.rule"]
            .with_context(allowed_company_ids=[branch.id, self.company.id])
            .create({"name": "Set from the branch", "rule_type": "credit_limit", "action": "warn"})
        )
        self.assertEqual(rule.company_id, self.company, "defaults to the main company")
