# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import format_amount

from .common import DebtFollowupCommon

TODAY = "2024-06-30"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCreditControl(DebtFollowupCommon):
    """Limit 1000, 600 open (not due): an order of 500 goes over, one of 300 does not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule_limit = cls.env["debt.credit.rule"].create(
            {
                "name": "Over credit limit",
                "rule_type": "credit_limit",
                "action": "block",
                "company_id": cls.company.id,
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Debtor Co", "is_company": True, "email": "a@debtor.vn"}
        )
        cls.customer.credit_limit = 1000.0
        cls.customer.debt_followup_responsible_id = cls.credit_manager
        with freeze_time(TODAY):
            cls._create_invoice(cls.customer, 600.0, "2024-06-20", due_date="2024-07-20")
        cls.salesman.groups_id += cls.env.ref("sales_team.group_sale_salesman_all_leads")

    def _quotation(self, amount, partner=None, **kwargs):
        return self._create_order(partner or self.customer, amount, confirm=False, **kwargs).with_user(
            self.salesman
        )

    def _approve(self, order, reason="Long-standing customer, paying next week"):
        wizard = Form(
            self.env["debt.credit.approval.wizard"]
            .with_user(self.credit_manager)
            .with_context(default_order_id=order.id)
        )
        wizard.reason = reason
        return wizard.save()

    # ------------------------------------------------------------------ block / pass
    def test_over_limit_is_blocked_with_the_figures_and_who_can_approve(self):
        order = self._quotation(500.0)
        self.assertEqual(order.debt_credit_state, "block")
        with self.assertRaises(UserError) as error:
            order.action_confirm()
        message = str(error.exception)
        self.assertIn("Over credit limit", message)
        self.assertIn("1,100.00", message)  # exposure after the order
        self.assertIn("1,000.00", message)  # the limit
        self.assertIn(self.credit_manager.name, message)
        self.assertIn("overdue $\xa00.00 (0 days)", message)
        self.assertEqual(order.state, "draft")

    def test_under_limit_passes(self):
        order = self._quotation(300.0)
        self.assertEqual(order.debt_credit_state, "none")
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_confirmed_orders_count_in_the_next_check(self):
        self._quotation(300.0).action_confirm()
        with self.assertRaises(UserError):
            self._quotation(200.0).action_confirm()  # 600 + 300 + 200 > 1000

    def test_banner_figures_on_the_quotation(self):
        order = self._quotation(500.0)
        self.assertRecordValues(
            order,
            [
                {
                    "debt_partner_credit_limit": 1000.0,
                    "debt_partner_exposure": 600.0,
                    "debt_partner_exposure_after": 1100.0,
                    "debt_partner_overdue": 0.0,
                    "debt_partner_days_overdue": 0,
                }
            ],
        )
        self.assertIn("Over credit limit", order.debt_credit_issues)

    # ------------------------------------------------------------------ other rules
    def test_warn_rule_confirms_and_logs_in_the_chatter(self):
        self.env["debt.credit.rule"].create(
            {"name": "Pays late", "rule_type": "overdue_amount", "threshold_amount": 0.0, "action": "warn"}
        )
        self._create_invoice(self.customer, 50.0, "2024-05-01", due_date="2024-05-31")
        order = self._quotation(100.0)
        self.assertEqual(order.debt_credit_state, "warn")
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        note = order.message_ids.filtered(lambda m: "credit warnings" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Pays late", note.body)

    def test_overdue_days_rule(self):
        self.env["debt.credit.rule"].create(
            {
                "name": "Late over 30 days",
                "rule_type": "overdue_days",
                "threshold_days": 30,
                "action": "block",
            }
        )
        late_20 = self._create_invoice(self.customer, 10.0, "2024-06-01", due_date="2024-06-10")
        self._quotation(10.0).action_confirm()  # 20 days late: passes
        self._create_invoice(self.customer, 10.0, "2024-05-01", due_date="2024-05-15")  # 46 days late
        with self.assertRaises(UserError) as error:
            self._quotation(10.0).action_confirm()
        self.assertIn("overdue for 46 days, more than 30", str(error.exception))
        self.assertTrue(late_20)

    def test_bad_debtor_rule(self):
        self.env["debt.credit.rule"].create(
            {"name": "Bad debtor", "rule_type": "bad_debtor", "action": "block"}
        )
        self.customer.trust = "bad"
        with self.assertRaises(UserError) as error:
            self._quotation(10.0).action_confirm()
        self.assertIn("rated a bad debtor", str(error.exception))

    def test_followup_level_rule(self):
        template = self.env.ref("account_debt_followup.mail_template_followup_reminder")
        Level = self.env["debt.followup.level"]
        Level.create({"name": "Reminder", "delay": 5, "mail_template_id": template.id})
        letter = Level.create({"name": "Formal letter", "delay": 30, "mail_template_id": template.id})
        self.env["debt.credit.rule"].create(
            {
                "name": "In formal follow-up",
                "rule_type": "followup_level",
                "followup_level_id": letter.id,
                "action": "block",
            }
        )
        self._create_invoice(self.customer, 10.0, "2024-06-01", due_date="2024-06-20")  # 10 days: "Reminder"
        self._quotation(10.0).action_confirm()
        self._create_invoice(
            self.customer, 10.0, "2024-05-01", due_date="2024-05-20"
        )  # 41 days: "Formal letter"
        with self.assertRaises(UserError) as error:
            self._quotation(10.0).action_confirm()
        self.assertIn("reached the follow-up level Formal letter", str(error.exception))

    def test_prepay_rule_waits_for_the_prepayment(self):
        self.env["debt.credit.rule"].create(
            {
                "name": "Bad debtor pays first",
                "rule_type": "bad_debtor",
                "action": "prepay",
                "prepayment_percent": 50,
            }
        )
        self.customer.trust = "bad"
        order = self._quotation(200.0)
        with self.assertRaises(UserError) as error:
            order.action_confirm()
        currency = order.currency_id
        expected = "A prepayment of %s is required; %s is paid." % (
            format_amount(self.env, 100.0, currency),
            format_amount(self.env, 0.0, currency),
        )
        self.assertIn(expected, str(error.exception))
        self._pay_online(order, 100.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def _pay_online(self, order, amount, state="done"):
        provider = self.env["payment.provider"].create(
            {
                "name": "Test provider",
                "code": "none",
                "state": "test",
                "company_id": self.company.id,
                "payment_method_ids": [Command.set(self.env.ref("payment.payment_method_unknown").ids)],
            }
        )
        return self.env["payment.transaction"].create(
            {
                "provider_id": provider.id,
                "payment_method_id": self.env.ref("payment.payment_method_unknown").id,
                "amount": amount,
                "currency_id": order.currency_id.id,
                "partner_id": order.partner_id.id,
                "reference": f"{order.name}-pay",
                "sale_order_ids": [Command.set(order.ids)],
                "state": state,
            }
        )

    # ------------------------------------------------------------------ override
    def test_manager_override_with_reason_is_logged_and_lets_the_order_through(self):
        order = self._quotation(500.0)
        self.assertEqual(order.debt_credit_state, "block")
        self._approve(order).action_approve()
        approval = order.debt_approval_ids
        self.assertRecordValues(
            approval,
            [
                {
                    "user_id": self.credit_manager.id,
                    "reason": "Long-standing customer, paying next week",
                    "amount_approved": 500.0,
                    "credit_limit": 1000.0,
                    "exposure_after": 1100.0,
                    "partner_id": self.customer.id,
                }
            ],
        )
        self.assertIn("Over credit limit", approval.issues)
        self.assertEqual(order.debt_credit_state, "approved")
        order.action_confirm()  # the salesperson confirms the approved order
        self.assertEqual(order.state, "sale")
        bodies = " ".join(order.message_ids.mapped("body"))
        self.assertIn("Credit approval by", bodies)
        self.assertIn("Long-standing customer, paying next week", bodies)

    def test_approve_and_confirm_in_one_step(self):
        order = self._quotation(500.0)
        self._approve(order).action_approve_and_confirm()
        self.assertEqual(order.state, "sale")

    def test_non_manager_cannot_override(self):
        order = self._quotation(500.0)
        with self.assertRaises(AccessError):
            self.env["debt.credit.approval.wizard"].with_user(self.salesman).with_context(
                default_order_id=order.id
            ).create({"order_id": order.id, "reason": "I say so"})
        with self.assertRaises(AccessError):
            self.env["debt.credit.approval"].with_user(self.salesman).create(
                {
                    "order_id": order.id,
                    "partner_id": self.customer.id,
                    "reason": "I say so",
                    "currency_id": order.currency_id.id,
                    "amount_approved": 1e9,
                }
            )
        with self.assertRaises(AccessError):  # a credit controller is not a credit manager either
            self.env["debt.credit.approval"].with_user(self.credit_user).create(
                {
                    "order_id": order.id,
                    "partner_id": self.customer.id,
                    "reason": "I say so",
                    "currency_id": order.currency_id.id,
                    "amount_approved": 1e9,
                }
            )
        forged = {
            "skip_credit_check": True,
            "debt_credit_override": True,
            "bypass_credit_check": True,
            "install_mode": True,
            "tracking_disable": True,
        }
        with self.assertRaises(UserError):
            order.with_context(**forged).action_confirm()
        with self.assertRaises(UserError):
            order.with_context(**forged).write({"state": "sale"})
        with self.assertRaises(UserError):
            self.env["sale.order"].with_user(self.salesman).create(
                {
                    "partner_id": self.customer.id,
                    "state": "sale",
                    "order_line": [Command.create({"product_id": self.product.id, "price_unit": 500.0})],
                }
            )
        self.assertEqual(order.state, "draft")

    def test_manager_also_needs_an_approval_with_a_reason(self):
        order = self._quotation(500.0).with_user(self.credit_manager)
        with self.assertRaises(UserError):
            order.action_confirm()
        wizard = self._approve(order, reason="   ")
        with self.assertRaises(UserError):
            wizard.action_approve()

    def test_order_grown_after_approval_is_blocked_again(self):
        order = self._quotation(500.0)
        self._approve(order).action_approve()
        order.order_line[0].price_unit = 600.0
        self.assertEqual(order.debt_credit_state, "block")
        with self.assertRaises(UserError):
            order.action_confirm()
        self._approve(order, reason="Still fine").action_approve()
        order.action_confirm()
        self.assertEqual(len(order.debt_approval_ids), 2)

    def test_duplicated_quotation_needs_its_own_approval(self):
        order = self._quotation(500.0)
        self._approve(order).action_approve()
        copy = order.copy()
        self.assertFalse(copy.debt_approval_ids)
        with self.assertRaises(UserError):
            copy.action_confirm()

    def test_request_approval_schedules_an_activity_for_the_responsible(self):
        order = self._quotation(500.0)
        order.action_debt_request_approval()
        activity = order.activity_ids
        self.assertEqual(activity.user_id, self.credit_manager)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("account_debt_followup.mail_activity_type_credit_approval"),
        )
        self.assertTrue(order.debt_approval_requested)
        self._approve(order).action_approve()
        self.assertFalse(order.activity_ids, "approving closes the approval activity")

    # ------------------------------------------------------------------ portal
    def test_portal_signature_keeps_a_blocked_order_as_quotation(self):
        order = self._quotation(500.0)
        portal_user = new_test_user(self.env, login="portal_buyer", groups="base.group_portal")
        # what the portal controller does after the customer signed, as the portal user with sudo
        order.with_user(portal_user).sudo()._validate_order()
        self.assertEqual(order.state, "draft")
        self.assertTrue(order.debt_approval_requested)
        self.assertEqual(order.activity_ids.user_id, self.credit_manager)
        with self.assertRaises(UserError) as error:
            order.with_user(portal_user).sudo().action_confirm()
        self.assertNotIn("1,000.00", str(error.exception), "internal figures never reach the customer")
        self.assertIn("approval of our credit department", str(error.exception))

    def test_portal_payment_keeps_a_blocked_order_as_quotation(self):
        order = self._quotation(500.0)
        transaction = self._pay_online(order, 100.0)
        confirmed = transaction._check_amount_and_confirm_order()
        self.assertFalse(confirmed)
        self.assertEqual(order.state, "draft")
        self.assertTrue(order.debt_approval_requested)

    def test_portal_payment_confirms_an_order_within_the_limit(self):
        order = self._quotation(300.0)
        transaction = self._pay_online(order, 300.0)
        self.assertEqual(transaction._check_amount_and_confirm_order(), order)
        self.assertEqual(order.state, "sale")

    # ------------------------------------------------------------------ companies, currencies
    def test_other_company_debt_does_not_count(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        self._create_invoice(self.customer, 5000.0, "2024-05-01", due_date="2024-05-10", company=company_b)
        order = self._quotation(300.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_foreign_currency_order_is_converted(self):
        # 1 USD = 2 EUR: EUR 1000 is USD 500 (over), EUR 600 is USD 300 (within)
        with self.assertRaises(UserError):
            self._quotation(1000.0, pricelist=self.eur_pricelist).action_confirm()
        order = self._quotation(600.0, pricelist=self.eur_pricelist)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_no_rule_no_check(self):
        self.rule_limit.active = False
        order = self._quotation(50000.0)
        queries = self._count_queries(
            order._debt_credit_check, warm=lambda: order.read(["partner_id", "company_id"])
        )
        self.assertEqual(queries, 1, "only the rules are read")
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    # ------------------------------------------------------------------ speed
    def test_check_runs_the_same_queries_for_1_or_500_open_invoices(self):
        small = self.env["res.partner"].create({"name": "One Invoice Co", "credit_limit": 1e9})
        large = self.env["res.partner"].create({"name": "Many Invoices Co", "credit_limit": 1e9})
        self._create_invoice(small, 10.0, "2024-06-01", due_date="2024-06-15")
        moves = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": large.id,
                    "invoice_date": "2024-06-01",
                    "invoice_date_due": "2024-06-15",
                    "invoice_line_ids": [Command.create({"name": "x", "price_unit": 10.0, "tax_ids": []})],
                }
                for _i in range(500)
            ]
        )
        moves.action_post()
        small_order = self._quotation(10.0, partner=small)
        large_order = self._quotation(10.0, partner=large)

        # measured as in a confirmation: the order, its customer and the user are loaded already
        def load(order):
            return lambda: (
                order.read(["partner_id", "company_id", "amount_total", "state"]),
                order.partner_id.name,
                self.env.user.tz,
            )

        one = self._count_queries(small_order._debt_credit_check, warm=load(small_order))
        many = self._count_queries(large_order._debt_credit_check, warm=load(large_order))
        self.assertEqual(one, many)
        self.assertLessEqual(many, 10)
        self.assertEqual(large_order.debt_partner_exposure, 5000.0)

    def test_block_message_in_vietnamese(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(["account_debt_followup"], ["vi_VN"], overwrite=True)
        self.salesman.lang = "vi_VN"
        order = self._quotation(500.0).with_context(lang="vi_VN")  # as the web client sends it
        with self.assertRaises(UserError) as error:
            order.action_confirm()
        self.assertIn(f"Không thể xác nhận {order.name} của Debtor Co:", str(error.exception))
        self.assertIn("vượt hạn mức tín dụng", str(error.exception))
