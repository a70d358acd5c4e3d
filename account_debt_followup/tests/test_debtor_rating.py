# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import DebtFollowupCommon

TODAY = date(2026, 6, 15)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDebtorRating(DebtFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(TODAY):
            cls.punctual = cls._customer_paying("Punctual", [0, 0, -2, 0])
            cls.late = cls._customer_paying("Always Late", [40, 40, 40, 40])
            cls.mixed = cls._customer_paying("Sometimes Late", [10, 0, 0, 0])
            cls.newcomer = cls._customer_paying("Newcomer", [0])
            # one invoice, overdue for 70 days: too little history, but overdue too long
            cls.overdue = cls.env["res.partner"].create({"name": "Long Overdue", "is_company": True})
            cls._create_invoice(cls.overdue, 800.0, TODAY - timedelta(days=100), TODAY - timedelta(days=70))
            # punctual payer who broke two promises to pay
            cls.promiser = cls._customer_paying("Promise Breaker", [0, 0, 0, 0])
            for days_ago in (20, 10):
                invoice = cls._create_invoice(
                    cls.promiser,
                    300.0,
                    TODAY - timedelta(days=days_ago + 5),
                    TODAY - timedelta(days=days_ago + 1),
                )
                cls.env["debt.payment.promise"].create(
                    {
                        "partner_id": cls.promiser.id,
                        "amount": 300.0,
                        "promised_date": TODAY - timedelta(days=days_ago),
                        "line_ids": [(6, 0, cls._receivable(invoice).ids)],
                    }
                )
            # these two broken promises' invoices are only 11 to 21 days overdue: under 60
        cls.company.debt_rating_auto = False

    @classmethod
    def _receivable(cls, invoice):
        return invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")

    @classmethod
    def _customer_paying(cls, name, days_late, amount=1000.0):
        """A customer with an invoice due each month before today, each paid ``days_late``."""
        partner = cls.env["res.partner"].create({"name": name, "is_company": True})
        for index, late in enumerate(days_late):
            due = TODAY - timedelta(days=60 + 30 * index)
            invoice = cls._create_invoice(partner, amount, due - timedelta(days=30), due)
            cls._register_payment(invoice, amount, due + timedelta(days=late))
        return partner

    def _ratings(self, *partners):
        return self.env["res.partner"].browse()._get_debt_rating(self.company, [p.id for p in partners])

    def test_suggestions_from_payment_behaviour(self):
        ratings = self._ratings(
            self.punctual, self.late, self.mixed, self.newcomer, self.overdue, self.promiser
        )
        self.assertEqual(ratings[self.punctual.id]["trust"], "good")
        self.assertEqual(ratings[self.late.id]["trust"], "bad")
        self.assertEqual(ratings[self.late.id]["metrics"]["days_late"], 40.0)
        self.assertEqual(ratings[self.late.id]["metrics"]["late"], 4)
        # one invoice in four paid late (25 %): not good (10 %), not bad (50 %)
        self.assertEqual(ratings[self.mixed.id]["trust"], "normal")
        self.assertEqual(ratings[self.mixed.id]["metrics"]["days_late"], 2.5)
        # a single invoice paid on time is not enough to judge
        self.assertFalse(ratings[self.newcomer.id]["trust"])
        self.assertEqual(ratings[self.overdue.id]["trust"], "bad")
        self.assertEqual(ratings[self.overdue.id]["metrics"]["overdue_days"], 70)
        self.assertEqual(ratings[self.promiser.id]["metrics"]["broken"], 2)
        self.assertEqual(ratings[self.promiser.id]["trust"], "bad")
        self.assertIn("paid 40 days late on average", ratings[self.late.id]["reason"])
        self.assertIn("2 broken promises to pay", ratings[self.promiser.id]["reason"])

    def test_days_late_weighted_by_amount(self):
        partner = self.env["res.partner"].create({"name": "Weighted", "is_company": True})
        for amount, late, due in ((3000.0, 0, 100), (1000.0, 40, 70)):
            invoice = self._create_invoice(
                partner, amount, TODAY - timedelta(days=due + 30), TODAY - timedelta(days=due)
            )
            self._register_payment(invoice, amount, TODAY - timedelta(days=due - late))
        metrics = self._ratings(partner)[partner.id]["metrics"]
        self.assertEqual(metrics["days_late"], 10.0)  # (3000 x 0 + 1000 x 40) / 4000, not (0 + 40) / 2
        self.assertEqual((metrics["invoices"], metrics["late"]), (2, 1))

    def test_credit_note_is_not_a_late_payment(self):
        partner = self.env["res.partner"].create({"name": "Refunded", "is_company": True})
        invoice = self._create_invoice(partner, 500.0, TODAY - timedelta(days=90), TODAY - timedelta(days=60))
        refund = self._create_invoice(partner, 500.0, TODAY - timedelta(days=10), move_type="out_refund")
        (self._receivable(invoice) | self._receivable(refund)).reconcile()
        metrics = self._ratings(partner)[partner.id]["metrics"]
        self.assertEqual((metrics["invoices"], metrics["late"], metrics["days_late"]), (1, 0, 0.0))

    def test_history_older_than_a_year_is_forgotten(self):
        partner = self._customer_paying("Reformed", [50, 50, 50, 50])
        with freeze_time(TODAY + timedelta(days=400)):
            self.assertNotIn(partner.id, self._ratings(partner))

    def test_queries_do_not_grow_with_customers(self):
        few = self.overdue  # a reason with an amount, like some of the many
        many = self.punctual | self.late | self.mixed | self.newcomer | self.overdue | self.promiser

        def rate(partners):
            return lambda: partners._get_debt_rating(self.company)

        self.assertEqual(self._count_queries(rate(few)), self._count_queries(rate(many)))

    def test_cron_suggests_without_changing_the_rating(self):
        self.late.trust = "normal"
        self.env["res.partner"]._cron_debt_rating()
        self.assertEqual(self.late.debt_trust_suggested, "bad")
        self.assertEqual(self.punctual.debt_trust_suggested, "good")
        self.assertFalse(self.newcomer.debt_trust_suggested)
        self.assertEqual(self.late.trust, "normal")

    def test_cron_applies_the_rating_where_allowed_and_not_pinned(self):
        self.company.debt_rating_auto = True
        self.late.trust = "normal"
        self.mixed.trust = "good"
        self.overdue.write({"trust": "normal", "debt_trust_pinned": True})
        Partner = self.env["res.partner"]
        while Partner._cron_debt_rating(batch_size=2):
            pass
        self.assertEqual(self.late.trust, "bad")
        self.assertEqual(self.mixed.trust, "normal")
        self.assertEqual(self.overdue.trust, "normal", "a pinned rating is left alone")
        message = self.late.message_ids[0]
        self.assertIn("from Normal Debtor to Bad Debtor by the nightly rating", message.body)
        self.assertIn("paid 40 days late on average", message.body)
        # nothing left to change: the next run changes nothing and posts nothing
        count = len(self.late.message_ids)
        self.assertEqual(Partner._cron_debt_rating(), 0)
        self.assertEqual(len(self.late.message_ids), count)

    def test_cron_rates_each_company_with_its_own_setting(self):
        other = self.setup_other_company(name="Company B")["company"]
        partner = self.late.with_company(other)
        self.company.debt_rating_auto = True
        other.debt_rating_auto = True
        self.late.trust = "normal"
        self.env["res.partner"]._cron_debt_rating()
        self.assertEqual(self.late.trust, "bad")
        # no history in the other company: no suggestion, the rating there is unchanged
        self.assertFalse(partner.debt_trust_suggested)
        self.assertEqual(partner.trust, "normal")

    def test_nobody_but_a_credit_manager_creates_a_pinned_rating(self):
        Partner = self.env["res.partner"].with_user(self.salesman_contacts)
        with self.assertRaises(AccessError):
            Partner.create({"name": "Pinned From Birth Co", "is_company": True, "debt_trust_pinned": True})
        partner = Partner.create({"name": "Plain Co", "is_company": True})
        self.assertFalse(partner.debt_trust_pinned)

    def test_only_a_credit_manager_pins_a_rating(self):
        accountant = self.env["res.users"].create(
            {
                "name": "Accountant",
                "login": "accountant_rating",
                "groups_id": [(6, 0, [self.env.ref("account.group_account_manager").id])],
            }
        )
        with self.assertRaises(AccessError):
            self.late.with_user(accountant).write({"debt_trust_pinned": True})
        Wizard = self.env["debt.rating.wizard"].with_context(active_id=self.late.id)
        with self.assertRaises(AccessError):
            Wizard.with_user(self.credit_user).create({"trust": "good", "reason": "Known for years"})
        # a credit manager, without rights on contacts, sets and pins the rating with the wizard
        wizard = Wizard.with_user(self.credit_manager).create({"trust": "good", "reason": "Known for years"})
        self.assertEqual(wizard.suggested, "bad")
        wizard.action_confirm()
        self.assertEqual((self.late.trust, self.late.debt_trust_pinned), ("good", True))
        self.assertIn("Known for years", self.late.message_ids[0].body)
        # the nightly rating leaves it alone, even where it applies ratings
        self.company.debt_rating_auto = True
        self.env["res.partner"]._cron_debt_rating()
        self.assertEqual(self.late.trust, "good")
        self.assertEqual(self.late.debt_trust_suggested, "bad")

    def test_apply_suggested_rating_by_hand(self):
        self.late.trust = "good"
        with self.assertRaises(AccessError):
            self.late.with_user(self.credit_user).action_debt_apply_suggested_rating()
        self.late.with_user(self.credit_manager).action_debt_apply_suggested_rating()
        self.assertEqual(self.late.trust, "bad")
        self.assertIn("as the payment behaviour suggests", self.late.message_ids[0].body)

    def test_thresholds_must_make_sense(self):
        with self.assertRaises(ValidationError):
            self.company.debt_rating_good_days = 40  # above the bad threshold of 30
        with self.assertRaises(ValidationError):
            self.company.debt_rating_bad_share = 120

    def test_at_risk_customers(self):
        self.env["res.partner"]._cron_debt_rating()
        limited = self.env["res.partner"].create(
            {"name": "Over Limit", "is_company": True, "credit_limit": 100.0}
        )
        self._create_invoice(limited, 500.0, TODAY, TODAY + timedelta(days=30))
        at_risk = self.env["res.partner"].search([("debt_at_risk", "=", True), ("id", "in", self._all().ids)])
        self.assertEqual(at_risk, self.late | self.overdue | self.promiser | limited)
        self.assertTrue(limited.debt_at_risk)
        self.assertFalse(self.punctual.debt_at_risk)

    def _all(self):
        return (
            self.punctual
            | self.late
            | self.mixed
            | self.newcomer
            | self.overdue
            | self.promiser
            | (self.env["res.partner"].search([("name", "=", "Over Limit")]))
        )
