# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import DebtFollowupCommon

TODAY = "2024-06-30"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestPromisePick(DebtFollowupCommon):
    """The issue's example: two overdue invoices of 2,500 and 2,100; the customer promises 2,500
    for the first one on the phone. The promise covers that invoice only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Promising Co", "is_company": True})
        cls.invoice_a = cls._create_invoice(cls.customer, 2500.0, "2024-04-01", due_date="2024-05-01")
        cls.invoice_b = cls._create_invoice(cls.customer, 2100.0, "2024-04-15", due_date="2024-05-15")
        cls.item_a = cls._item(cls.invoice_a)
        cls.item_b = cls._item(cls.invoice_b)
        cls.credit_user.tz = "Asia/Ho_Chi_Minh"

    @classmethod
    def _item(cls, invoice):
        return invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")

    def _call(self, **values):
        return (
            self.env["debt.call.wizard"]
            .with_user(self.credit_user)
            .with_context(active_id=self.customer.id)
            .create(dict({"note": "Will pay the April invoice", "outcome": "promise"}, **values))
        )

    def _promise(self, amount, items, promised_date="2024-07-10"):
        self._call(
            promised_amount=amount, promised_date=promised_date, line_ids=[Command.set(items.ids)]
        ).action_log()
        return self.env["debt.payment.promise"].search(
            [("partner_id", "=", self.customer.id)], order="id desc", limit=1
        )

    def test_a_promise_covers_the_picked_invoice_only(self):
        promise = self._promise(2500.0, self.item_a)
        self.assertEqual(promise.line_ids, self.item_a)
        self.assertEqual((promise.amount, promise.residual_at_promise), (2500.0, 2500.0))
        self.assertEqual(str(self.item_a.expected_payment_date), "2024-07-10")
        self.assertFalse(self.item_b.expected_payment_date)
        # paying the other invoice does not keep the promise ...
        self._register_payment(self.invoice_b, 2100.0, TODAY)
        promise.invalidate_recordset()
        self.assertEqual((promise.state, promise.amount_paid), ("open", 0.0))
        # ... paying the promised one does
        self._register_payment(self.invoice_a, 2500.0, TODAY)
        promise.invalidate_recordset()
        self.assertEqual(promise.state, "kept")

    def test_a_promise_without_picked_invoices_covers_the_oldest_until_its_amount(self):
        self._call(promised_amount=2500.0, promised_date="2024-07-10").action_log()
        promise = self.customer.debt_promise_ids
        self.assertEqual(promise.line_ids, self.item_a)  # 2,500 does not cover 4,600
        self.assertFalse(self.item_b.expected_payment_date)
        # the next promise, nothing picked either, skips the promised invoice
        self._call(promised_amount=100.0, promised_date="2024-07-12").action_log()
        self.assertEqual(self.customer.debt_promise_ids.sorted("id")[-1].line_ids, self.item_b)

    def test_a_promise_without_picked_invoices_leaves_the_invoices_not_due_yet(self):
        not_due = self._item(self._create_invoice(self.customer, 900.0, "2024-06-20", due_date="2024-07-20"))
        # 4,700 is more than the overdue invoices owe (4,600): the collector picks the one not due
        with self.assertRaises(ValidationError) as error:
            self._call(promised_amount=4700.0, promised_date="2024-07-10").action_log()
        self.assertIn("pick the other invoices it pays too", str(error.exception))
        self.assertFalse(self.customer.debt_promise_ids)
        self.assertFalse(not_due.expected_payment_date)
        promise = self._promise(4700.0, self.item_a | self.item_b | not_due)
        self.assertEqual(promise.line_ids, self.item_a | self.item_b | not_due)

    def test_a_promise_is_at_most_what_the_picked_invoices_owe(self):
        with self.assertRaises(ValidationError) as error:
            self._promise(4600.0, self.item_a)
        self.assertIn("more than the invoices picked still owe", str(error.exception))
        self.assertEqual(self._promise(4600.0, self.item_a | self.item_b).line_ids, self.item_a | self.item_b)

    def test_an_invoice_is_in_one_open_promise(self):
        self._promise(1000.0, self.item_a)
        with self.assertRaises(ValidationError):
            self._promise(2000.0, self.item_a | self.item_b)
        # the same on the promise's own form
        with self.assertRaises(ValidationError):
            self.env["debt.payment.promise"].with_user(self.credit_user).create(
                {
                    "partner_id": self.customer.id,
                    "amount": 500.0,
                    "promised_date": "2024-07-20",
                    "line_ids": [Command.set(self.item_a.ids)],
                }
            )
        self.assertEqual(self._promise(2000.0, self.item_b).line_ids, self.item_b)

    def test_a_broken_promise_leaves_the_invoice_free_for_a_new_one(self):
        first = self._promise(2500.0, self.item_a, promised_date="2024-07-05")
        with freeze_time("2024-07-10"):
            first.invalidate_recordset()
            self.assertEqual(first.state, "broken")
            second = self._promise(2500.0, self.item_a, promised_date="2024-07-20")
            self.assertNotEqual(first, second)
            self.assertEqual(second.line_ids, self.item_a)

    def test_the_next_call_at_a_time_of_day_in_the_collectors_time_zone(self):
        # 18:30 UTC is 01:30 the next day in Hồ Chí Minh City (UTC+7)
        self._call(
            outcome="reached",
            next_call_at=datetime(2024, 7, 1, 18, 30),
            line_ids=[Command.set(self.item_b.ids)],
        ).action_log()
        activity = self.customer.activity_ids.filtered(lambda a: a.activity_type_id.category == "phonecall")
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, date(2024, 7, 2))
        self.assertEqual(activity.debt_call_at, datetime(2024, 7, 1, 18, 30))
        self.assertEqual(activity.user_id, self.credit_user)
        self.assertIn("1:30", activity.summary)
        history = self.customer.debt_followup_history_ids
        self.assertEqual(
            (history.next_call_at, history.line_ids), (datetime(2024, 7, 1, 18, 30), self.item_b)
        )
        # the next call logged marks it done
        self._call(outcome="no_answer").action_log()
        self.assertFalse(
            self.customer.activity_ids.filtered(lambda a: a.activity_type_id.category == "phonecall")
        )
