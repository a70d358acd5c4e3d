# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DebtFollowupCommon

TODAY = date(2026, 6, 15)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDebtKpi(DebtFollowupCommon):
    """Monthly KPIs worked out by hand.

    Customer X: invoice 1,000 on 10 March due 9 April, 600 paid on 20 May; invoice 500 on
    5 May due 4 June, unpaid. Customer Y: invoice 2,000 on 10 May due the same day, paid in
    full on 25 May.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(TODAY):
            cls.x = cls.env["res.partner"].create({"name": "Customer X", "is_company": True})
            cls.y = cls.env["res.partner"].create({"name": "Customer Y", "is_company": True})
            first = cls._create_invoice(cls.x, 1000.0, "2026-03-10", "2026-04-09")
            cls._register_payment(first, 600.0, "2026-05-20")
            cls._create_invoice(cls.x, 500.0, "2026-05-05", "2026-06-04")
            second = cls._create_invoice(cls.y, 2000.0, "2026-05-10", "2026-05-10")
            cls._register_payment(second, 2000.0, "2026-05-25")

    def _rows(self, partner):
        rows = (
            self.env["debt.kpi"]
            .with_context(allowed_company_ids=self.company.ids)
            .search(
                [("partner_id", "=", partner.id if partner else False), ("company_id", "=", self.company.id)]
            )
        )
        return {row.month.strftime("%Y-%m"): row for row in rows}

    def assertRow(self, row, **expected):
        for name, value in expected.items():
            if value is None:
                self.assertFalse(row[name], name)
            else:
                self.assertAlmostEqual(row[name], value, places=1, msg=name)

    def test_customer_months(self):
        rows = self._rows(self.x)
        self.assertEqual(len(rows), 13, "12 full months and the current one")
        self.assertRow(
            rows["2026-03"],
            sales=1000,
            receivable_begin=0,
            receivable_end=1000,
            overdue_end=0,
            dso=31.0,
            cei=None,
        )
        # April: nothing invoiced, all overdue, nothing collected
        self.assertRow(
            rows["2026-04"],
            sales=0,
            receivable_end=1000,
            overdue_end=1000,
            dso=None,
            cei=0,
            overdue_ratio=100,
        )
        # May: 600 collected out of the 1,000 that could be; the new invoice is not due yet
        self.assertRow(
            rows["2026-05"],
            sales=500,
            collected=600,
            receivable_begin=1000,
            receivable_end=900,
            overdue_end=400,
            dso=55.8,  # 900 / 500 x 31
            best_dso=31.0,  # (900 - 400) / 500 x 31
            days_delinquent=24.8,  # 400 / 500 x 31
            cei=60.0,  # (1000 + 500 - 900) / (1000 + 500 - 500)
            overdue_ratio=44.4,  # 400 / 900
        )
        # June, up to today: the second invoice is overdue since 5 June
        self.assertRow(rows["2026-06"], days=15, receivable_end=900, overdue_end=900, overdue_ratio=100)
        self.assertRow(rows["2025-06"], sales=0, receivable_end=0)

    def test_unmatched_payment_lowers_overdue(self):
        z = self.env["res.partner"].create({"name": "Customer Z", "is_company": True})
        self._create_invoice(z, 1000.0, "2026-03-10", "2026-04-09")
        payment = self.env["account.payment"].create(
            {"partner_id": z.id, "amount": 400.0, "payment_type": "inbound", "date": "2026-05-03"}
        )
        payment.action_post()
        rows = self._rows(z)
        self.assertRow(rows["2026-04"], overdue_end=1000)
        self.assertRow(rows["2026-05"], receivable_end=600, overdue_end=600, overdue_ratio=100)

    def test_company_months(self):
        rows = self._rows(None)
        # May for the company: X and Y together
        self.assertRow(
            rows["2026-05"],
            sales=2500,
            collected=2600,
            receivable_begin=1000,
            receivable_end=900,
            overdue_end=400,
            cei=86.7,  # (1000 + 2500 - 900) / (1000 + 2500 - 500)
        )

    def test_customer_kpis_over_twelve_months(self):
        # 1 June 2025 to 15 June 2026: 380 days, 1,500 invoiced, 900 owed and overdue now
        self.assertAlmostEqual(self.x.debt_kpi_dso, 228.0, places=1)
        self.assertAlmostEqual(self.x.debt_kpi_days_delinquent, 228.0, places=1)
        self.assertAlmostEqual(self.x.debt_kpi_cei, 40.0, places=1)  # 600 / 1500
        self.assertAlmostEqual(self.x.debt_kpi_overdue_ratio, 100.0, places=1)
        self.assertAlmostEqual(self.y.debt_kpi_cei, 100.0, places=1)
        self.assertEqual(self.y.debt_kpi_overdue_ratio, 0.0)

    def test_customer_kpis_one_query_for_many(self):
        Kpi = self.env["debt.kpi"]

        def kpis(partners):
            return lambda: Kpi._get_partner_kpis(partners, self.company)

        self.assertEqual(self._count_queries(kpis(self.x)), self._count_queries(kpis(self.x | self.y)))

    def test_other_company_rows_are_hidden(self):
        other = self.setup_other_company(name="Company B")["company"]
        self._create_invoice(self.x, 300.0, "2026-05-01", "2026-05-31", company=other)
        user = self.credit_user
        rows = self.env["debt.kpi"].with_user(user).search([("partner_id", "=", self.x.id)])
        self.assertEqual(rows.company_id, self.company)
        self.assertEqual(sum(rows.mapped("sales")), 1500.0)

    def test_trend_action_of_a_customer(self):
        action = self.x.action_open_debt_kpi()
        self.assertEqual(action["res_model"], "debt.kpi")
        self.assertEqual(action["domain"], [("partner_id", "=", self.x.id)])
