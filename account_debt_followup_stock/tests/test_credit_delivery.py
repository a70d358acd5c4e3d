# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.account_debt_followup.tests.common import DebtFollowupCommon

TODAY = "2024-06-30"


class DebtStockCommon(DebtFollowupCommon):
    """Storable goods invoiced on delivery, a warehouse user who validates deliveries, a
    customer with a limit of 1000."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.goods = cls.env["product.product"].create(
            {
                "name": "Office chair",
                "type": "consu",
                "is_storable": True,
                "invoice_policy": "delivery",
                "lst_price": 100.0,
                "taxes_id": [Command.clear()],
                "property_account_income_id": cls.company_data["default_account_revenue"].id,
            }
        )
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.env["stock.quant"]._update_available_quantity(cls.goods, cls.warehouse.lot_stock_id, 1000.0)
        cls.storekeeper = new_test_user(
            cls.env,
            login="storekeeper",
            groups="base.group_user,stock.group_stock_user",
            company_id=cls.company.id,
        )
        cls.customer = cls.env["res.partner"].create({"name": "Furniture Buyer Co", "is_company": True})
        cls.customer.credit_limit = 1000.0
        cls.customer.debt_followup_responsible_id = cls.credit_manager

    def _order(self, qty, confirm=True):
        order = self._create_order(
            self.customer, 100.0, qty=qty, confirm=False, product=self.goods
        ).with_user(self.salesman_contacts)
        if confirm:
            order.action_confirm()
        return order

    def _deliver(self, order, qty=None):
        """The storekeeper validates the order's delivery, ``qty`` (default: all) picked."""
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")).with_user(
            self.storekeeper
        )
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty if qty is None else qty
            move.picked = True
        picking.with_context(skip_backorder=True, skip_sms=True).button_validate()
        return picking


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCreditDelivery(DebtStockCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule_limit = cls.env["debt.credit.rule"].create(
            {"name": "Over credit limit", "rule_type": "credit_limit", "action": "block"}
        )

    # ------------------------------------------------------------------ exposure
    def test_goods_invoiced_on_delivery_count_before_they_leave(self):
        self._order(9.0)
        with self.assertRaises(UserError):
            self._order(9.0)  # 900 ordered, not delivered, is exposure already
        self.assertEqual(self.customer.debt_uninvoiced_order_amount, 900.0)

    def test_delivering_more_counts_what_was_delivered(self):
        order = self._order(9.0)
        picking = self._deliver(order, qty=12.0)
        self.assertEqual(picking.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 12.0)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.debt_uninvoiced_order_amount, 1200.0)
        with self.assertRaises(UserError):
            self._order(1.0)  # over the limit now

    # ------------------------------------------------------------------ at delivery validation
    def test_a_delivery_rule_stops_the_goods_of_a_late_payer(self):
        self.env["debt.credit.rule"].create(
            {
                "name": "Overdue for more than 30 days",
                "rule_type": "overdue_days",
                "threshold_days": 30,
                "action": "block",
                "check_order_confirmation": False,
                "check_delivery_validation": True,
            }
        )
        order = self._order(2.0)
        self._create_invoice(self.customer, 50.0, "2024-05-01", due_date="2024-05-20")  # 41 days late
        with self.assertRaises(UserError) as error:
            self._deliver(order)
        message = str(error.exception)
        self.assertIn("cannot be validated", message)
        self.assertIn("overdue for 41 days", message)
        self.assertEqual(order.picking_ids.state, "assigned")
        # a credit manager approves the order: the goods may leave
        wizard = Form(
            self.env["debt.credit.approval.wizard"]
            .with_user(self.credit_manager)
            .with_context(default_order_id=order.id)
        )
        wizard.reason = "Paid by cheque this morning"
        wizard.save().action_approve()
        picking = self._deliver(order)
        self.assertEqual(picking.state, "done")
        note = picking.message_ids.filtered(
            lambda m: "Delivered with the credit approval of" in (m.body or "")
        )
        self.assertIn("Paid by cheque this morning", note.body)

    def test_rules_of_the_confirmation_only_leave_deliveries_alone(self):
        order = self._order(9.0)
        self.customer.credit_limit = 100.0  # far over now
        self.assertEqual(self._deliver(order).state, "done")

    def test_a_prepayment_rule_at_delivery_waits_for_the_deposit(self):
        self.env["debt.credit.rule"].create(
            {
                "name": "Bad debtor pays before delivery",
                "rule_type": "bad_debtor",
                "action": "prepay",
                "prepayment_percent": 100,
                "check_order_confirmation": False,
                "check_delivery_validation": True,
            }
        )
        self.customer.trust = "bad"
        order = self._order(2.0)
        self.assertEqual(order.state, "sale", "confirmed: the rule waits for the delivery")
        with self.assertRaises(UserError) as error:
            self._deliver(order)
        self.assertIn("A prepayment of $\xa0200.00 is required", str(error.exception))
        payment = (
            self.env["account.payment"]
            .with_user(self.billing_clerk)
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": self.customer.id,
                    "amount": 200.0,
                    "journal_id": self.company_data["default_journal_bank"].id,
                    "date": fields.Date.to_date(TODAY),
                    "debt_sale_order_id": order.id,
                }
            )
        )
        payment.action_post()
        self.assertEqual(self._deliver(order).state, "done")


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCreditCarrierCost(DebtStockCommon):
    """The carrier's real cost is added to the order when the warehouse validates the delivery
    (Odoo's stock_delivery): growth the system makes on its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        assert "delivery.carrier" in cls.env, "stock_delivery must be installed to run these tests"
        cls.env["debt.credit.rule"].create(
            {"name": "Over credit limit", "rule_type": "credit_limit", "action": "block"}
        )
        shipping = cls.env["product.product"].create(
            {"name": "Shipping", "type": "service", "taxes_id": [Command.clear()], "invoice_policy": "order"}
        )
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Giao hàng tiết kiệm",
                "product_id": shipping.id,
                "delivery_type": "fixed",
                "fixed_price": 300.0,
                "invoice_policy": "real",
                "integration_level": "rate_and_ship",
            }
        )
        cls.warehouse.out_type_id.print_label = True

    def test_the_carrier_cost_never_stops_the_warehouse(self):
        order = self._order(9.0, confirm=False)
        order.carrier_id = self.carrier
        order.action_confirm()
        picking = order.picking_ids
        picking.carrier_id = self.carrier
        self._deliver(order)
        self.assertEqual(picking.state, "done", "validated, although the order went over the limit")
        self.assertEqual(order.amount_total, 1200.0)
        approval_type = self.env.ref("account_debt_followup.mail_activity_type_credit_approval")
        review = order.activity_ids.filtered(lambda a: a.activity_type_id == approval_type)
        self.assertEqual(review.user_id, self.credit_manager)
        self.assertIn("Credit review for", review.summary)
        note = order.message_ids.filtered(lambda m: "grew to" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn(picking.name, note.body)
        self.assertIn("Over credit limit", note.body)

    def test_the_same_line_added_by_hand_is_refused(self):
        order = self._order(9.0)
        line = {"product_id": self.carrier.product_id.id, "price_unit": 300.0, "is_delivery": True}
        with self.assertRaises(UserError):
            order.write({"order_line": [Command.create(line)]})
        # a context sent over RPC cannot pass for the warehouse's validation
        for forged in (True, [order.picking_ids.id], {"stock.picking": order.picking_ids.ids}):
            with self.assertRaises(UserError):
                order.with_context(debt_credit_system_change=forged).write(
                    {"order_line": [Command.create(line)]}
                )
        self.assertEqual(order.amount_total, 900.0)
