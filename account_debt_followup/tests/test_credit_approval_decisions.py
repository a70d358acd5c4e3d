# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import DebtFollowupCommon

TODAY = "2024-06-30"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCreditApprovalDecisions(DebtFollowupCommon):
    """Limit 1000, 600 open: a quotation of 500 is blocked; the salesperson asks, a credit
    manager decides."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["debt.credit.rule"].create(
            {"name": "Over credit limit", "rule_type": "credit_limit", "action": "block"}
        )
        cls.customer = cls.env["res.partner"].create({"name": "Decision Co", "is_company": True})
        cls.customer.credit_limit = 1000.0
        cls.customer.debt_followup_responsible_id = cls.credit_manager
        with freeze_time(TODAY):
            cls._create_invoice(cls.customer, 600.0, "2024-06-20", due_date="2024-07-20")
        cls.seller = cls.salesman_contacts

    def setUp(self):
        super().setUp()
        self.order = self._create_order(self.customer, 500.0, confirm=False).with_user(self.seller)
        self.order.user_id = self.seller
        self.order.action_debt_request_approval()

    def _wizard(self, reason="Known customer", user=None):
        wizard = Form(
            self.env["debt.credit.approval.wizard"]
            .with_user(user or self.credit_manager)
            .with_context(default_order_id=self.order.id)
        )
        wizard.reason = reason
        return wizard.save()

    # ------------------------------------------------------------------ refusal
    def test_a_refusal_with_its_reason_tells_the_requester(self):
        self.assertTrue(self.order.debt_approval_requested)
        self.assertEqual(self.order.debt_approval_requested_by, self.seller)
        self._wizard(reason="Pays 90 days late, no more credit").action_refuse()
        self.assertFalse(self.order.debt_approval_requested, "answered: the salesperson may ask again")
        self.assertFalse(self.order.activity_ids, "the approval activity is done")
        refusal = self.order.debt_approval_ids
        self.assertRecordValues(
            refusal,
            [
                {
                    "decision": "refused",
                    "user_id": self.credit_manager.id,
                    "requested_by_id": self.seller.id,
                    "reason": "Pays 90 days late, no more credit",
                }
            ],
        )
        message = self.order.message_ids.filtered(lambda m: "refused by" in (m.body or ""))
        self.assertEqual(len(message), 1)
        self.assertIn("Pays 90 days late", message.body)
        self.assertIn(self.seller.partner_id, message.notified_partner_ids)
        with self.assertRaises(UserError):
            self.order.action_confirm()  # a refusal lets nothing through
        self.assertEqual(self.order.with_user(self.seller).debt_credit_state, "block")

    def test_an_approval_answers_the_request(self):
        self._wizard().action_approve()
        self.assertFalse(self.order.debt_approval_requested)
        message = self.order.message_ids.filtered(lambda m: "Credit approval by" in (m.body or ""))
        self.assertIn(self.seller.partner_id, message.notified_partner_ids)

    def test_the_request_lapses_when_the_quotation_grows(self):
        self.order.order_line.price_unit = 450.0  # smaller: still what was submitted
        self.assertTrue(self.order.debt_approval_requested)
        self.order.order_line.price_unit = 800.0
        self.assertFalse(self.order.debt_approval_requested, "grown beyond what was submitted")
        self.assertNotIn(self.order, self.env["sale.order"].search([("debt_approval_requested", "=", True)]))

    def test_a_refusal_needs_a_reason_and_a_credit_manager(self):
        with self.assertRaises(UserError):
            self._wizard(reason="  ").action_refuse()
        with self.assertRaises(AccessError):
            self._wizard(user=self.credit_user)

    def test_a_refusal_after_an_approval_revokes_it(self):
        self._wizard().action_approve()
        self.assertEqual(self.order.debt_credit_state, "approved")
        self._wizard(reason="Cheque bounced since, no more credit").action_refuse()
        self.assertEqual(self.order.debt_credit_state, "block")
        with self.assertRaises(UserError):
            self.order.action_confirm()
        self.assertEqual(self.order.state, "draft")

    # ------------------------------------------------------------------ four eyes
    def test_four_eyes_forbids_approving_what_one_asked(self):
        self.company.debt_approval_four_eyes = True
        self.order.sudo().user_id = self.salesman  # the seller asked, another salesperson sells
        self.seller.groups_id += self.env.ref("account_debt_followup.group_credit_manager")
        with self.assertRaises(UserError) as error:
            self._wizard(user=self.seller).action_approve_and_confirm()
        self.assertIn("You asked for the credit approval", str(error.exception))
        self.assertEqual(self.order.state, "draft")

    def test_four_eyes_forbids_approving_ones_own_order(self):
        self.company.debt_approval_four_eyes = True
        self.seller.groups_id += self.env.ref("account_debt_followup.group_credit_manager")
        with self.assertRaises(UserError) as error:
            self._wizard(user=self.seller).action_approve_and_confirm()
        self.assertIn("another credit manager must approve it", str(error.exception))
        self.assertEqual(self.order.state, "draft")
        self._wizard().action_approve_and_confirm()  # another credit manager
        self.assertEqual(self.order.state, "sale")

    def test_without_four_eyes_a_manager_approves_their_own_order(self):
        self.seller.groups_id += self.env.ref("account_debt_followup.group_credit_manager")
        self._wizard(user=self.seller).action_approve_and_confirm()
        self.assertEqual(self.order.state, "sale")

    # ------------------------------------------------------------------ audit records
    def test_approvals_are_made_by_the_wizard_only(self):
        self._wizard().action_approve()
        approval = self.order.debt_approval_ids
        for user in (self.credit_manager, self.seller):
            with self.assertRaises(AccessError):
                approval.with_user(user).write({"amount_approved": 1e9})
            with self.assertRaises(AccessError):
                approval.with_user(user).unlink()
            with self.assertRaises(AccessError):
                self.env["debt.credit.approval"].with_user(user).create(
                    {
                        "order_id": self.order.id,
                        "partner_id": self.customer.id,
                        "reason": "Forged",
                        "currency_id": self.order.currency_id.id,
                        "amount_approved": 1e9,
                    }
                )
        self.assertEqual(approval.amount_approved, 500.0)

    def test_the_follow_up_history_is_read_only_over_rpc(self):
        history = (
            self.env["debt.followup.history"]
            .sudo()
            .create({"partner_id": self.customer.id, "company_id": self.company.id, "channels": "call"})
        )
        for user in (self.credit_user, self.credit_manager):
            history_as_user = history.with_user(user)
            self.assertEqual(history_as_user.channels, "call")
            with self.assertRaises(AccessError):
                history_as_user.write({"note": "Never called"})
            with self.assertRaises(AccessError):
                self.env["debt.followup.history"].with_user(user).create(
                    {"partner_id": self.customer.id, "company_id": self.company.id, "channels": "email"}
                )

    def test_a_confirmation_minute_is_changed_through_its_actions_only(self):
        minute = (
            self.env["debt.confirmation"]
            .with_user(self.credit_user)
            .create({"partner_id": self.customer.id, "date_from": "2024-01-01", "date_to": "2024-06-30"})
        )
        self.assertEqual(minute.closing_balance, 600.0)
        for values in (
            {"closing_balance": 1.0},
            {"state": "confirmed"},
            {"customer_balance": 1.0, "response_date": "2024-06-30"},
            {"name": "BB-FORGED"},
        ):
            with self.assertRaises(AccessError):
                minute.write(values)
        with self.assertRaises(AccessError):
            minute.create(
                {
                    "partner_id": self.customer.id,
                    "date_from": "2024-01-01",
                    "date_to": "2024-06-30",
                    "closing_balance": 1.0,
                }
            )
        minute.write({"note": "Sent by post as well"})  # the note stays the user's
        wizard = Form(
            self.env["debt.confirmation.response.wizard"]
            .with_user(self.credit_user)
            .with_context(default_confirmation_id=minute.id, default_result="confirmed")
        )
        wizard.save().action_record()
        self.assertRecordValues(minute, [{"state": "confirmed", "customer_balance": 600.0}])
