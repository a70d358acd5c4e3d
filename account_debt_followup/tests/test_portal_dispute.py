# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import re

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import DebtFollowupCommon


@tagged("post_install", "-at_install")
class TestPortalDispute(DebtFollowupCommon, HttpCase):
    """A customer disputes one of its invoices on its portal, through real HTTP requests; another
    customer can neither dispute it nor see the case."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.customer_a = cls.env["res.partner"].create({"name": "Alpha Trading", "is_company": True})
        cls.customer_b = cls.env["res.partner"].create({"name": "Beta Logistics", "is_company": True})
        cls.customer_a.debt_followup_responsible_id = cls.credit_user
        cls.portal_a = cls._portal_user("portal_alpha", cls.customer_a)
        cls.portal_b = cls._portal_user("portal_beta", cls.customer_b)
        cls.invoice_a = cls._create_invoice(
            cls.customer_a, 1000.0, today - relativedelta(days=40), due_date=today - relativedelta(days=10)
        )
        cls.invoice_b = cls._create_invoice(cls.customer_b, 777.0, today - relativedelta(days=40))

    @classmethod
    def _portal_user(cls, login, customer):
        user = new_test_user(cls.env, login=login, groups="base.group_portal", company_id=cls.company.id)
        user.partner_id.parent_id = customer
        return user

    def _login(self, user):
        self.authenticate(user.login, user.login + "x" * (8 - len(user.login)))

    def _page(self):
        response = self.url_open("/my/debt")
        self.assertEqual(response.status_code, 200)
        return response.text

    def _post(self, invoice, reason="quantity", description="Two boxes missing from the delivery"):
        token = re.search(r'name="csrf_token" value="([^"]+)"', self._page()).group(1)
        return self.url_open(
            "/my/debt/dispute",
            data={
                "csrf_token": token,
                "invoice_id": invoice.id,
                "reason": reason,
                "description": description,
            },
            allow_redirects=False,
        )

    def _disputes(self):
        return self.env["debt.dispute"].search(
            [("partner_id", "in", (self.customer_a | self.customer_b).ids)]
        )

    def test_a_customer_disputes_its_invoice_and_sees_its_case(self):
        self._login(self.portal_a)
        self.assertIn("o_debt_portal_dispute_form", self._page())
        response = self._post(self.invoice_a)
        self.assertEqual(response.status_code, 303)
        dispute = self._disputes()
        self.assertEqual(
            (dispute.partner_id, dispute.source, dispute.reason, dispute.user_id, dispute.amount),
            (self.customer_a, "portal", "quantity", self.credit_user, 1000.0),
        )
        # to review: nothing flagged until credit control accepts it, a short to-do for the owner
        receivable = self.invoice_a.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        self.assertEqual(dispute.state, "to_review")
        self.assertFalse(receivable.debt_disputed)
        self.assertEqual(
            (dispute.activity_ids.user_id, dispute.activity_ids.date_deadline),
            (self.credit_user, fields.Date.today() + relativedelta(days=2)),
        )
        # the customer does not follow the case (its chatter holds credit control's notes)
        self.assertNotIn(self.portal_a.partner_id, dispute.message_partner_ids)
        html = self._page()
        self.assertIn(dispute.name, html)
        self.assertIn("o_debt_portal_dispute_row", html)
        # twice the same invoice: refused, no second case
        response = self._post(self.invoice_a)
        self.assertIn("already disputed", response.text)
        self.assertEqual(len(self._disputes()), 1)
        # the other customer sees no case of Alpha's
        self._login(self.portal_b)
        html = self._page()
        self.assertNotIn(dispute.name, html)
        self.assertNotIn("o_debt_portal_dispute_row", html)
        # accepted by credit control: open, the items are flagged, the owner has 7 days
        dispute.with_user(self.credit_user).action_accept()
        self.assertEqual(dispute.state, "open")
        self.assertTrue(receivable.debt_disputed)
        self.assertEqual(dispute.activity_ids.date_deadline, fields.Date.today() + relativedelta(days=7))

    def test_a_customer_cannot_dispute_another_customers_invoice(self):
        self._login(self.portal_a)
        response = self._post(self.invoice_b)
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self._disputes())

    def test_a_dispute_needs_a_reason_and_words(self):
        self._login(self.portal_a)
        response = self._post(self.invoice_a, description="  ")
        self.assertIn("o_debt_portal_dispute_error", response.text)
        response = self._post(self.invoice_a, reason="made_up")
        self.assertIn("o_debt_portal_dispute_error", response.text)
        self.assertFalse(self._disputes())

    def test_a_date_stated_online_leaves_a_collectors_promise_alone(self):
        other = self._create_invoice(
            self.customer_a,
            400.0,
            fields.Date.today() - relativedelta(days=20),
            due_date=fields.Date.today() - relativedelta(days=5),
        )
        items = (self.invoice_a | other).line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        promise = self.env["debt.payment.promise"].create(
            {
                "partner_id": self.customer_a.id,
                "amount": 1400.0,
                "promised_date": fields.Date.today() + relativedelta(days=10),
                "line_ids": [fields.Command.set(items.ids)],
            }
        )
        self._login(self.portal_a)
        token = re.search(r'name="csrf_token" value="([^"]+)"', self._page()).group(1)
        response = self.url_open(
            f"/my/debt/invoice/{self.invoice_a.id}/promise",
            data={
                "csrf_token": token,
                "promised_date": fields.Date.to_string(fields.Date.today() + relativedelta(days=3)),
            },
        )
        self.assertIn("agreed with our collector", response.text)
        self.assertEqual(
            self.env["debt.payment.promise"].search([("partner_id", "=", self.customer_a.id)]), promise
        )

    def test_a_portal_dispute_does_not_lift_the_credit_gate(self):
        """A customer blocked by an overdue rule cannot unblock itself by disputing online: the case
        waits for credit control; once refused or released, the customer cannot open it again."""
        self.env["debt.credit.rule"].create(
            {"name": "Late over 5 days", "rule_type": "overdue_days", "threshold_days": 5, "action": "block"}
        )
        with self.assertRaises(UserError):
            self._create_order(self.customer_a, 50.0)
        self._login(self.portal_a)
        self.assertEqual(self._post(self.invoice_a).status_code, 303)
        dispute = self._disputes()
        with self.assertRaises(UserError):
            self._create_order(self.customer_a, 50.0)
        # refused by credit control: cancelled, still blocked, a new case online is refused
        dispute.with_user(self.credit_user).action_refuse()
        self.assertEqual(dispute.state, "cancelled")
        response = self._post(self.invoice_a)
        self.assertIn("please contact us", response.text)
        self.assertEqual(len(self._disputes()), 1)
        with self.assertRaises(UserError):
            self._create_order(self.customer_a, 50.0)
        # reopened (accepted) by credit control: the invoice is disputed, the order goes through
        dispute.with_user(self.credit_user).action_reopen()
        self.assertEqual(self._create_order(self.customer_a, 50.0).state, "sale")
        # released: blocked again, and the customer cannot dispute the invoice again online
        dispute.with_user(self.credit_user).action_release()
        with self.assertRaises(UserError):
            self._create_order(self.customer_a, 50.0)
        self.assertIn("please contact us", self._post(self.invoice_a).text)
        self.assertEqual(len(self._disputes()), 1)

    def test_a_portal_case_is_accepted_or_refused_once(self):
        self._login(self.portal_a)
        self._post(self.invoice_a)
        dispute = self._disputes()
        dispute.with_user(self.credit_user).action_accept()
        with self.assertRaises(UserError):
            dispute.with_user(self.credit_user).action_refuse()
        with self.assertRaises(UserError):
            dispute.with_user(self.credit_user).action_accept()

    def test_a_case_accepted_after_a_payment_disputes_at_most_what_is_still_owed(self):
        """The customer disputes 1,000 on the portal, then pays 400 of the invoice while the
        case waits for review: accepting it as it is would flag 1,000 for an item that owes 600."""
        self._login(self.portal_a)
        self._post(self.invoice_a)
        dispute = self._disputes()
        self.assertEqual(dispute.amount, 1000.0)
        self._register_payment(self.invoice_a, 400.0, fields.Date.today())
        self.env.invalidate_all()
        with self.assertRaises(ValidationError) as refused:  # Odoo's: in a savepoint rolled back
            dispute.with_user(self.credit_user).action_accept()
        self.assertIn("at most what the items still owe, $\xa0600.00.", str(refused.exception))
        dispute.invalidate_recordset()  # read back from the database: nothing was kept
        self.assertEqual(dispute.state, "to_review")
        dispute.with_user(self.credit_user).write({"amount": 600.0})
        dispute.with_user(self.credit_user).action_accept()
        self.assertEqual(dispute.state, "open")
        # released, paid 100 more, opened again: what the items still owe is disputed
        dispute.with_user(self.credit_user).action_release()
        self._register_payment(self.invoice_a, 100.0, fields.Date.today())
        dispute.with_user(self.credit_user).action_reopen()
        self.assertEqual((dispute.state, dispute.amount), ("open", 500.0))

    def test_a_case_is_closed_whatever_became_of_its_invoice(self):
        """The invoice was reset to draft and cancelled (the goods never arrived) while the case
        waited: the case can still be refused or cancelled, not reopened."""
        self._login(self.portal_a)
        self._post(self.invoice_a)
        dispute = self._disputes()
        self.invoice_a.button_draft()
        self.invoice_a.button_cancel()
        dispute.with_user(self.credit_user).action_refuse()
        self.assertEqual(dispute.state, "cancelled")
        with self.assertRaises(ValidationError):
            dispute.with_user(self.credit_user).action_reopen()

    def test_a_case_opened_over_rpc_is_checked_too(self):
        """Writing the state over RPC, past the buttons, is checked as accepting is."""
        self._login(self.portal_a)
        self._post(self.invoice_a)
        dispute = self._disputes()
        self._register_payment(self.invoice_a, 1000.0, fields.Date.today())
        self.env.invalidate_all()
        with self.assertRaises(ValidationError):
            dispute.with_user(self.credit_user).write({"state": "open"})
