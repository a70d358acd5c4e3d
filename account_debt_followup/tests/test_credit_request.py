# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tests.common import new_test_user

from .common import DebtFollowupCommon

TODAY = "2024-06-30"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCreditApprovalRequest(DebtFollowupCommon):
    """A quotation of 500 for a customer with a limit of 100: blocked. Who may ask a credit
    manager to approve it, and how many times."""

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
        cls.customer = cls.env["res.partner"].create({"name": "Blocked Co", "is_company": True})
        cls.customer.credit_limit = 100.0
        cls.customer.debt_followup_responsible_id = cls.credit_manager
        cls.order = cls._create_order(cls.customer, 500.0, confirm=False)
        cls.order.user_id = cls.salesman
        cls.portal_user = new_test_user(cls.env, login="portal_blocked", groups="base.group_portal")
        cls.portal_user.partner_id.parent_id = cls.customer
        cls.order.message_subscribe(cls.portal_user.partner_id.ids)  # the customer reads its order
        cls.request_type = cls.env.ref("account_debt_followup.mail_activity_type_credit_approval")

    def _requests(self):
        return self.order.activity_ids.filtered(lambda a: a.activity_type_id == self.request_type)

    def _request_notes(self):
        return self.order.message_ids.filtered(
            lambda m: "credit approval" in (m.body or "") or "credit control blocks it" in (m.body or "")
        )

    def test_the_portal_customer_cannot_ask(self):
        as_customer = self.order.with_user(self.portal_user)
        self.assertEqual(as_customer.read(["name"])[0]["name"], self.order.name, "it reads its order")
        with self.assertRaises(AccessError):
            as_customer.action_debt_request_approval()
        self.assertFalse(self._requests())
        self.assertFalse(self.order.debt_approval_requested)

    def test_only_who_may_edit_the_order_asks(self):
        auditor = new_test_user(
            self.env, login="order_auditor", groups="base.group_user,account.group_account_readonly"
        )
        as_auditor = self.order.with_user(auditor)
        self.assertEqual(as_auditor.read(["name"])[0]["name"], self.order.name, "it reads the order")
        with self.assertRaises(AccessError):
            as_auditor.action_debt_request_approval()
        self.assertFalse(self._requests())
        self.order.with_user(self.salesman).action_debt_request_approval()
        self.assertEqual(self._requests().user_id, self.credit_manager)

    def test_one_open_request_per_order(self):
        self.order.with_user(self.salesman).action_debt_request_approval()
        with self.assertRaises(UserError) as error:
            self.order.with_user(self.salesman).action_debt_request_approval()
        self.assertIn("requested already", str(error.exception))
        # signing and paying on the portal while the request is open ask nothing more
        for _step in range(3):
            self.order.with_user(self.portal_user).sudo()._validate_order()
        transaction = self.env["payment.transaction"].create(
            {
                "provider_id": self.env["payment.provider"]
                .create(
                    {
                        "name": "Test provider",
                        "code": "none",
                        "state": "test",
                        "company_id": self.company.id,
                        "payment_method_ids": [
                            Command.set(self.env.ref("payment.payment_method_unknown").ids)
                        ],
                    }
                )
                .id,
                "payment_method_id": self.env.ref("payment.payment_method_unknown").id,
                "amount": 50.0,
                "currency_id": self.order.currency_id.id,
                "partner_id": self.customer.id,
                "reference": "blocked-pay",
                "sale_order_ids": [Command.set(self.order.ids)],
                "state": "done",
            }
        )
        transaction._check_amount_and_confirm_order()
        self.assertEqual(self.order.state, "draft")
        self.assertEqual(len(self._requests()), 1)
        self.assertEqual(len(self._request_notes()), 1)

        # the order grows past the total submitted: asked again, still one request for the manager
        self.order.order_line.write({"price_unit": 800.0})
        self.assertFalse(self.order.debt_approval_requested)
        self.order.with_user(self.salesman).action_debt_request_approval()
        self.assertEqual(len(self._requests()), 1)
        self.assertIn("asks for a credit approval", str(self._requests().note))
        self.assertEqual(len(self._request_notes()), 2)

        # once the manager decided, the next block may be asked about again
        wizard = Form(
            self.env["debt.credit.approval.wizard"]
            .with_user(self.credit_manager)
            .with_context(default_order_id=self.order.id)
        )
        wizard.reason = "Paying next week"
        wizard.save().action_approve()
        self.assertFalse(self._requests())
        self.order.order_line.write({"product_uom_qty": 2, "price_unit": 500.0})  # past what was approved
        self.assertEqual(self.order.debt_credit_state, "block")
        self.order.with_user(self.salesman).action_debt_request_approval()
        self.assertEqual(len(self._requests()), 1)

    def test_portal_steps_without_a_request_ask_once(self):
        for _step in range(2):
            self.order.with_user(self.portal_user).sudo()._validate_order()
        self.assertEqual(len(self._requests()), 1)
        self.assertEqual(len(self._request_notes()), 1)
        self.assertTrue(self.order.debt_approval_requested)
