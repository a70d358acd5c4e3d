# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Collection forecast: the cash expected week by week, from due dates corrected by promises,
expected payment dates and each customer's average days late."""

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import DebtFollowupCommon

TODAY = "2026-06-10"  # a Wednesday


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCollectionForecast(DebtFollowupCommon):
    """USD company, today Wednesday 10 June 2026:

    - Good pays on time: 1,000 due 20 June (on its due date), 400 due 1 May (late: expected now),
      250 due 1 June disputed (left out).
    - Slow paid its two last invoices 10 days late: 500 due 15 June, 200 of it paid by an
      unmatched payment, 300 expected on 25 June.
    - Promiser: 300 due 31 May, promised for 18 June.
    - Planner: 800 due 5 June, expected by the customer on 1 July.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.good = Partner.create({"name": "Forecast Good", "is_company": True})
        cls.slow = Partner.create({"name": "Forecast Slow", "is_company": True})
        cls.promiser = Partner.create({"name": "Forecast Promiser", "is_company": True})
        cls.planner = Partner.create({"name": "Forecast Planner", "is_company": True})
        cls._create_invoice(cls.good, 1000.0, "2026-05-20", "2026-06-20")
        cls._create_invoice(cls.good, 400.0, "2026-04-01", "2026-05-01")
        disputed = cls._create_invoice(cls.good, 250.0, "2026-05-01", "2026-06-01")
        disputed.line_ids.filtered(lambda line: line.account_type == "asset_receivable").write(
            {"followup_excluded": True, "followup_exclusion_reason": "Disputed"}
        )
        for due, paid in (("2026-03-01", "2026-03-11"), ("2026-04-01", "2026-04-11")):
            with freeze_time(paid):
                invoice = cls._create_invoice(cls.slow, 100.0, "2026-02-01", due)
                cls._register_payment(invoice, 100.0, paid)
        cls._create_invoice(cls.slow, 500.0, "2026-05-15", "2026-06-15")
        cls._create_payment(cls.slow, 200.0, "2026-06-01")
        promised = cls._create_invoice(cls.promiser, 300.0, "2026-05-01", "2026-05-31")
        cls.env["debt.payment.promise"].create(
            {
                "partner_id": cls.promiser.id,
                "amount": 300.0,
                "promised_date": "2026-06-18",
                "line_ids": [(6, 0, promised.line_ids.filtered(lambda line: line.debit).ids)],
            }
        )
        expected = cls._create_invoice(cls.planner, 800.0, "2026-05-05", "2026-06-05")
        expected.line_ids.filtered(lambda line: line.debit).expected_payment_date = "2026-07-01"

    def _forecast(self, user=None):
        Forecast = self.env["debt.collection.forecast"]
        if user:
            Forecast = Forecast.with_user(user)
        partners = self.good | self.slow | self.promiser | self.planner
        return Forecast, [("partner_id", "in", partners.ids)]

    def test_expected_day_of_each_item(self):
        Forecast, domain = self._forecast()
        rows = {
            (row.partner_id.name, str(row.due)): (
                str(row.expected_date),
                row.basis,
                row.amount,
                row.days_late,
            )
            for row in Forecast.search(domain)
        }
        self.assertEqual(
            rows,
            {
                ("Forecast Good", "2026-06-20"): ("2026-06-20", "due", 1000.0, 0),
                ("Forecast Good", "2026-05-01"): ("2026-06-10", "late", 400.0, 0),
                ("Forecast Slow", "2026-06-15"): ("2026-06-25", "history", 300.0, 10),
                ("Forecast Promiser", "2026-05-31"): ("2026-06-18", "promise", 300.0, 0),
                ("Forecast Planner", "2026-06-05"): ("2026-07-01", "expected", 800.0, 0),
            },
        )

    def test_week_by_week(self):
        Forecast, domain = self._forecast()
        weeks = Forecast._read_group(domain, ["expected_date:week"], ["amount:sum"])
        self.assertEqual(
            [(str(week), amount) for week, amount in weeks],
            # weeks start on Sunday in English (United States), the language of the test user
            [("2026-06-07", 400.0), ("2026-06-14", 1300.0), ("2026-06-21", 300.0), ("2026-06-28", 800.0)],
        )
        # the ledger's open amount, less the disputed item and the unapplied payment
        self.assertEqual(sum(amount for _week, amount in weeks), 2800.0)

    def test_per_company_and_rights(self):
        vn = self._setup_vn_company()
        self._create_invoice(self.good, 5_000_000, "2026-06-01", "2026-06-30", company=vn)
        Forecast, domain = self._forecast(user=self.credit_user)
        self.assertEqual(Forecast.search(domain).company_id, self.company)
        self.assertEqual(sum(Forecast.search(domain).mapped("amount")), 2800.0)
        in_vn = (
            self.env["debt.collection.forecast"].with_company(vn).search([("partner_id", "=", self.good.id)])
        )
        self.assertEqual((in_vn.amount, in_vn.currency_id), (5_000_000, vn.currency_id))
        with self.assertRaises(AccessError):
            self._forecast(user=self.salesman)[0].search([])
