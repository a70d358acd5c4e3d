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
        # March: counted back from 31 March, the 1,000 owed are the sales of 10 March: the 21
        # days after it and that whole day
        self.assertRow(
            rows["2026-03"],
            sales=1000,
            receivable_begin=0,
            receivable_end=1000,
            overdue_end=0,
            dso=22.0,
            best_dso=22.0,
            days_delinquent=0,
            cei=None,
        )
        # April: nothing invoiced, all overdue (since 10 April), nothing collected. The DSO holds
        # in a month without sales: 30 April back to 10 March
        self.assertRow(
            rows["2026-04"],
            sales=0,
            receivable_end=1000,
            overdue_end=1000,
            dso=52.0,  # 51 days + the whole of 10 March
            best_dso=0,  # nothing is current
            days_delinquent=21.0,  # 30 April - 9 April
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
            dso=82.4,  # back to 5 May: 500; the 400 left are 0.4 of 10 March, 82 days before 31 May
            best_dso=27.0,  # the 500 not due are the sales of 5 May: 26 days + that day
            days_delinquent=52.0,  # the 400 overdue, due 9 April
            cei=60.0,  # (1000 + 500 - 900) / (1000 + 500 - 500)
            overdue_ratio=44.4,  # 400 / 900
        )
        # June, up to today: the second invoice is overdue since 5 June
        self.assertRow(
            rows["2026-06"],
            days=15,
            receivable_end=900,
            overdue_end=900,
            overdue_ratio=100,
            dso=97.4,  # 15 June back to 10 March: 97 days, + 0.4
            days_delinquent=35.9,  # (400 x 67 + 500 x 11) / 900
        )
        self.assertRow(rows["2025-06"], sales=0, receivable_end=0, dso=0)

    def test_one_invoice_a_few_days_late(self):
        """A short history: one invoice of 10 May due 5 June, unpaid on 15 June. The customer is
        10 days late and the KPIs say so (the 12-month formula said 366 days delinquent)."""
        w = self.env["res.partner"].create({"name": "Customer W", "is_company": True})
        self._create_invoice(w, 700.0, "2026-05-10", "2026-06-05")
        self.assertRow(self._rows(w)["2026-06"], dso=37.0, best_dso=0, days_delinquent=10.0)
        kpis = self.env["debt.kpi"]._get_partner_kpis(w, self.company)[w.id]
        self.assertAlmostEqual(kpis["dso"], 37.0, places=1)  # 36 days since 10 May + that day
        self.assertAlmostEqual(kpis["days_delinquent"], 10.0, places=1)

    def test_credit_notes_and_entries_are_not_sales(self):
        """A month with more credit notes than invoices shows negative sales; the DSO counts back
        over it and holds. A payment or a miscellaneous entry is never a sale."""
        v = self.env["res.partner"].create({"name": "Customer V", "is_company": True})
        self._create_invoice(v, 1000.0, "2026-04-01", "2026-04-30")
        self._create_invoice(v, 300.0, "2026-05-02", "2026-05-02")
        self._create_invoice(v, 400.0, "2026-05-20", move_type="out_refund")
        payment = self.env["account.payment"].create(
            {"partner_id": v.id, "amount": 200.0, "payment_type": "inbound", "date": "2026-05-25"}
        )
        payment.action_post()
        may = self._rows(v)["2026-05"]
        self.assertRow(may, sales=-100, receivable_end=700)
        # back from 31 May: -400 on 20 May, +300 on 2 May (-100 so far), +1,000 on 1 April: the
        # 700 owed need 800 of the 1,000 of 1 April: 60 days + 0.8
        self.assertRow(may, dso=60.8)

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
        # as of today: the June row's countback DSO and days delinquent
        self.assertAlmostEqual(self.x.debt_kpi_dso, 97.4, places=1)
        self.assertAlmostEqual(self.x.debt_kpi_days_delinquent, 35.9, places=1)
        # 1 June 2025 to 15 June 2026: 1,500 invoiced, 600 collected, 900 owed and overdue now
        self.assertAlmostEqual(self.x.debt_kpi_cei, 40.0, places=1)  # 600 / 1500
        self.assertAlmostEqual(self.x.debt_kpi_overdue_ratio, 100.0, places=1)
        self.assertAlmostEqual(self.y.debt_kpi_cei, 100.0, places=1)
        self.assertEqual(self.y.debt_kpi_overdue_ratio, 0.0)
        self.assertEqual(self.y.debt_kpi_dso, 0.0, "nothing owed")

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
