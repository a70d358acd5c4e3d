# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import DebtFollowupCommon

TODAY = "2024-06-30"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCreditLimitRights(DebtFollowupCommon):
    """Who may move the gate: the credit limit and the debtor rating the rules read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["debt.credit.rule"].create(
            {"name": "Over credit limit", "rule_type": "credit_limit", "action": "block"}
        )
        cls.env["debt.credit.rule"].create(
            {"name": "Bad debtor", "rule_type": "bad_debtor", "action": "block"}
        )
        cls.customer = cls.env["res.partner"].create({"name": "Gatekeeper Co", "is_company": True})
        cls.customer.with_context(debt_credit_reason="Opening the account").credit_limit = 1000.0
        cls.customer.debt_followup_responsible_id = cls.credit_manager

    def _set_limit(self, limit, until=None, reason="Yearly review", user=None):
        wizard = Form(
            self.env["debt.credit.limit.wizard"]
            .with_user(user or self.credit_manager)
            .with_context(active_id=self.customer.id)
        )
        wizard.credit_limit = limit
        wizard.limit_until = until
        wizard.reason = reason
        return wizard.save().action_confirm()

    # ------------------------------------------------------------------ who
    def test_a_salesperson_who_edits_contacts_cannot_rate_or_raise(self):
        customer = self.customer.with_user(self.salesman_contacts)
        customer.write({"phone": "+84 24 3826 0000"})  # editing the contact is their job
        with self.assertRaises(AccessError):
            customer.write({"trust": "good"})
        self.customer.trust = "bad"
        with self.assertRaises(AccessError):
            customer.write({"trust": "normal"})  # the bad-debtor rule would let them through
        with self.assertRaises(AccessError):
            customer.write({"credit_limit": 1e9})
        self.assertEqual(self.customer.trust, "bad")
        self.assertEqual(self.customer.credit_limit, 1000.0)

    def test_a_salesperson_cannot_detach_a_contact_of_a_bad_debtor(self):
        self.customer.trust = "bad"
        self._create_invoice(self.customer, 300.0, TODAY)
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": self.customer.id})
        order = self._create_order(contact, 100.0, confirm=False).with_user(self.salesman_contacts)
        with self.assertRaises(UserError):
            order.action_confirm()
        seller_contact = contact.with_user(self.salesman_contacts)
        with self.assertRaises(AccessError):
            seller_contact.write({"parent_id": False})
        with self.assertRaises(AccessError):
            seller_contact.write({"is_company": True})
        self.assertEqual(contact.commercial_partner_id, self.customer)
        with self.assertRaises(UserError):
            order.action_confirm()
        # a new contact of a customer that owes nothing is still the salesperson's to move
        newcomer = self.env["res.partner"].create({"name": "Newcomer Co", "is_company": True})
        person = self.env["res.partner"].create({"name": "Person", "parent_id": newcomer.id})
        person.with_user(self.salesman_contacts).write({"parent_id": False})
        self.assertFalse(person.parent_id)
        contact.write({"parent_id": False})  # a credit manager (with rights on contacts) may
        self.assertFalse(contact.parent_id)

    def test_a_billing_clerk_cannot_change_the_limit(self):
        customer = self.customer.with_user(self.billing_clerk)
        with self.assertRaises(AccessError):
            customer.credit_limit = 1e9
        with self.assertRaises(AccessError):
            customer.use_partner_credit_limit = False  # back to the company default: no limit
        with self.assertRaises(AccessError):
            customer.debt_credit_limit_until = date(2030, 1, 1)
        self.assertEqual(self.customer.credit_limit, 1000.0)

    def test_nobody_creates_a_customer_with_its_own_limit_or_rating(self):
        Partner = self.env["res.partner"].with_user(self.salesman_contacts)
        with self.assertRaises(AccessError):
            Partner.create({"name": "Self Rated Co", "is_company": True, "trust": "good"})
        with self.assertRaises(AccessError):
            Partner.with_user(self.billing_clerk).create({"name": "Big Limit Co", "credit_limit": 1e9})
        created = Partner.create({"name": "Plain Co", "is_company": True, "trust": "normal"})
        self.assertTrue(created)

    def test_a_contact_of_the_company_gets_its_limit_without_a_manager(self):
        contact = (
            self.env["res.partner"]
            .with_user(self.salesman_contacts)
            .create({"name": "Chị Lan", "parent_id": self.customer.id, "type": "contact"})
        )
        self.assertEqual(contact.sudo().credit_limit, 1000.0)
        self._set_limit(2000.0)
        self.assertEqual(contact.sudo().credit_limit, 2000.0)
        self.assertEqual(len(contact.sudo().debt_credit_history_ids), 0, "the company's history only")

    def test_negative_limits_are_refused(self):
        with self.assertRaises(ValidationError) as error:
            self.customer.credit_limit = -1.0
        self.assertIn("cannot be negative", str(error.exception))

    # ------------------------------------------------------------------ history
    def test_every_change_is_in_the_credit_history(self):
        self._set_limit(2500.0, until=date(2024, 12, 31), reason="Signed a yearly contract")
        wizard = Form(
            self.env["debt.rating.wizard"]
            .with_user(self.credit_manager)
            .with_context(active_id=self.customer.id)
        )
        wizard.trust = "bad"
        wizard.reason = "Two cheques bounced"
        wizard.save().action_confirm()
        rating, limit, opening = self.customer.debt_credit_history_ids
        self.assertRecordValues(
            rating,
            [
                {
                    "user_id": self.credit_manager.id,
                    "old_trust": "normal",
                    "trust": "bad",
                    "old_credit_limit": 2500.0,
                    "credit_limit": 2500.0,
                    "reason": "Two cheques bounced",
                }
            ],
        )
        self.assertRecordValues(
            limit,
            [
                {
                    "user_id": self.credit_manager.id,
                    "old_credit_limit": 1000.0,
                    "credit_limit": 2500.0,
                    "old_limit_until": False,
                    "limit_until": date(2024, 12, 31),
                    "trust": "normal",
                    "reason": "Signed a yearly contract",
                }
            ],
        )
        self.assertRecordValues(
            opening,
            [
                {
                    "user_id": self.env.user.id,
                    "old_credit_limit": 0.0,
                    "credit_limit": 1000.0,
                    "reason": "Opening the account",
                }
            ],
        )
        self.assertEqual((rating | limit | opening).company_id, self.company)

    def test_the_history_cannot_be_written_over_rpc(self):
        row = self.customer.debt_credit_history_ids
        for user in (self.credit_manager, self.credit_user):
            with self.assertRaises(AccessError):
                row.with_user(user).write({"credit_limit": 1e9})
            with self.assertRaises(AccessError):
                row.with_user(user).unlink()
            with self.assertRaises(AccessError):
                self.env["debt.credit.history"].with_user(user).create(
                    {"partner_id": self.customer.id, "company_id": self.company.id, "credit_limit": 1e9}
                )
        self.assertEqual(row.with_user(self.credit_user).credit_limit, 1000.0, "credit controllers read it")

    def test_the_history_of_another_company_is_not_shown(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        self.env.user.company_ids += company_b
        self.customer.with_company(company_b).credit_limit = 99.0
        self.credit_user.company_ids += company_b
        rows = self.customer.with_user(self.credit_user).with_company(self.company).debt_credit_history_ids
        self.assertEqual(rows.company_id, self.company)
        self.customer.invalidate_recordset()
        both = self.customer.with_user(self.credit_user).with_context(
            allowed_company_ids=[self.company.id, company_b.id]
        )
        self.assertEqual(both.debt_credit_history_ids.company_id, self.company | company_b)

    # ------------------------------------------------------------------ validity
    def test_a_lapsed_limit_grants_no_credit(self):
        self._set_limit(1000.0, until=date(2024, 7, 31))
        order = self._create_order(self.customer, 100.0, confirm=False).with_user(self.salesman_contacts)
        order.action_confirm()
        with freeze_time("2024-08-01"):
            late = self._create_order(self.customer, 100.0, confirm=False).with_user(self.salesman_contacts)
            with self.assertRaises(UserError) as error:
                late.action_confirm()
            self.assertIn("lapsed on 07/31/2024", str(error.exception))

    def test_a_review_activity_before_the_limit_lapses(self):
        self._set_limit(1000.0, until=date(2024, 7, 31))
        Partner = self.env["res.partner"]
        Review = self.env.ref("account_debt_followup.mail_activity_type_credit_review")
        with freeze_time("2024-07-10"):
            Partner._cron_debt_credit_review()  # 21 days before: not yet (14 days)
            self.assertFalse(self.customer.activity_ids.filtered(lambda a: a.activity_type_id == Review))
        with freeze_time("2024-07-20"):
            Partner._cron_debt_credit_review()
            Partner._cron_debt_credit_review()  # once
            review = self.customer.activity_ids.filtered(lambda a: a.activity_type_id == Review)
            self.assertEqual(len(review), 1)
            self.assertEqual(review.user_id, self.credit_manager)
            self.assertEqual(review.date_deadline, date(2024, 7, 31))
            self._set_limit(1200.0, until=date(2025, 7, 31), reason="Reviewed")
            self.assertFalse(review.exists(), "setting the limit again closes the review")

    def test_the_limit_wizard_is_for_credit_managers(self):
        with self.assertRaises(AccessError):
            self._set_limit(1e9, user=self.billing_clerk)
        with self.assertRaises(UserError):
            self._set_limit(1000.0, until=date(2024, 1, 1))  # already past
