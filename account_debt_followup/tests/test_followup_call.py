# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DebtFollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupCall(DebtFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Called Customer", "is_company": True})
        cls.contact = cls.env["res.partner"].create({"name": "Chị Lan", "parent_id": cls.customer.id})
        cls._create_invoice(cls.customer, 700.0, "2024-01-01", due_date="2024-01-31")

    def _wizard(self, **values):
        return (
            self.env["debt.call.wizard"]
            .with_user(self.credit_user)
            .with_context(active_id=self.contact.id)
            .create(dict({"note": "Talked about the January invoice"}, **values))
        )

    def test_a_call_without_promise_is_history_and_chatter(self):
        self._wizard(outcome="no_answer", contact_id=self.contact.id).action_log()
        history = self.customer.debt_followup_history_ids
        self.assertEqual(
            (history.channels, history.amount_overdue, history.level_id.id), ("call", 700.0, False)
        )
        self.assertIn("Call with Chị Lan: No answer", history.note)
        self.assertFalse(self.customer.debt_promise_ids)
        self.assertIn("No answer", self.customer.message_ids[0].body)

    def test_a_promise_on_the_phone_is_a_promise_to_pay(self):
        self._wizard(outcome="promise", promised_amount=400.0, promised_date="2099-01-15").action_log()
        promise = self.customer.debt_promise_ids
        self.assertEqual((promise.amount, str(promise.promised_date)), (400.0, "2099-01-15"))
        self.assertEqual(promise.line_ids.move_id.partner_id, self.customer)

    def test_a_promise_needs_a_date_and_an_amount(self):
        with self.assertRaises(UserError):
            self._wizard(outcome="promise", promised_amount=400.0).action_log()
        self.assertFalse(self.customer.debt_followup_history_ids)

    def test_two_calls_the_same_day_are_both_kept(self):
        self._wizard(outcome="no_answer").action_log()
        self._wizard(outcome="reached").action_log()
        self.assertEqual(len(self.customer.debt_followup_history_ids), 2)
