# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import DebtFollowupCommon

TODAY = "2024-06-30"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestPartnerDebt(DebtFollowupCommon):
    """Exposure, overdue amount and days overdue against amounts worked out by hand.

    Company currency USD; 1 USD = 2 EUR. Today is 2024-06-30.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.setup_other_company(name="Company B")["company"]
        cls.customer = cls.env["res.partner"].create({"name": "Debtor Co", "is_company": True})
        cls.contact = cls.env["res.partner"].create(
            {"name": "Buyer", "parent_id": cls.customer.id, "type": "contact"}
        )
        cls.tax_10 = cls.env["account.tax"].create(
            {"name": "Sales 10%", "amount": 10.0, "amount_type": "percent", "type_tax_use": "sale"}
        )
        with freeze_time(TODAY):
            # open receivable: 1000 - 400 paid, EUR 300 = USD 150, not due 500, credit note -100
            cls.inv_partly_paid = cls._create_invoice(
                cls.customer, 1000.0, "2024-05-01", due_date="2024-05-31"
            )
            cls._register_payment(cls.inv_partly_paid, 400.0, "2024-06-10")
            cls._create_invoice(cls.customer, 300.0, "2024-06-01", due_date="2024-06-15", currency=cls.eur)
            cls._create_invoice(cls.customer, 500.0, "2024-06-20", due_date="2024-07-20")
            cls._create_invoice(
                cls.customer, 100.0, "2024-06-25", due_date="2024-06-25", move_type="out_refund"
            )
            # drafts: 250 invoice
            cls._create_invoice(cls.customer, 250.0, "2024-06-28", post=False)
            # confirmed orders not invoiced: 2 x 100 by the child contact, EUR 400, 100 + 10% tax
            cls._create_order(cls.contact, 100.0, qty=2.0)
            cls._create_order(cls.customer, 400.0, pricelist=cls.eur_pricelist)
            cls._create_order(cls.customer, 100.0, taxes=cls.tax_10)
            # not counted: a quotation, a cancelled order, company B's invoice
            cls._create_order(cls.customer, 9999.0, confirm=False)
            cls._create_order(cls.customer, 8888.0).with_context(disable_cancel_warning=True)._action_cancel()
            cls._create_invoice(
                cls.customer, 700.0, "2024-06-01", due_date="2024-06-10", company=cls.company_2
            )
        cls.customer.credit_limit = 1500.0

    def test_figures_worked_out_by_hand(self):
        customer = self.customer.with_user(self.credit_user)
        self.assertRecordValues(
            customer,
            [
                {
                    "debt_open_amount": 1150.0,  # 600 + 150 + 500 - 100
                    "debt_draft_invoice_amount": 250.0,
                    "debt_uninvoiced_order_amount": 510.0,  # 200 + 200 + 110
                    "debt_exposure": 1910.0,
                    "debt_overdue_amount": 650.0,  # 600 + 150 - 100 (credit note dated in the past)
                    "debt_max_days_overdue": 30,  # due 2024-05-31
                    "debt_credit_available": -410.0,
                    "debt_over_limit": True,
                }
            ],
        )

    def test_child_contact_shows_commercial_partner_figures(self):
        self.assertEqual(self.contact.with_user(self.credit_user).debt_exposure, 1910.0)

    def test_other_company_sees_only_its_own_debt(self):
        customer_b = self.customer.with_company(self.company_2).with_user(self.credit_manager)
        self.credit_manager.company_ids += self.company_2
        self.assertRecordValues(
            customer_b,
            [
                {
                    "debt_open_amount": 700.0,
                    "debt_draft_invoice_amount": 0.0,
                    "debt_uninvoiced_order_amount": 0.0,
                    "debt_exposure": 700.0,
                    "debt_overdue_amount": 700.0,
                    "debt_max_days_overdue": 20,
                    "debt_over_limit": False,  # the limit of 1500 was set in company A only
                }
            ],
        )

    def test_payment_in_full_clears_overdue(self):
        self._register_payment(self.inv_partly_paid, 600.0, "2024-06-30")
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.debt_open_amount, 550.0)
        self.assertEqual(self.customer.debt_overdue_amount, 50.0)  # 150 - 100
        self.assertEqual(self.customer.debt_max_days_overdue, 15)

    def test_unreconciled_payment_dated_later_still_reduces_overdue(self):
        self.init_payment(200.0, post=True, date="2024-07-05", partner=self.customer)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.debt_open_amount, 950.0)
        self.assertEqual(self.customer.debt_overdue_amount, 450.0)  # 750 overdue - 100 - 200
        self.init_payment(2000.0, post=True, date="2024-07-05", partner=self.customer)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.debt_open_amount, -1050.0)
        self.assertEqual(self.customer.debt_overdue_amount, 0.0)

    def test_invoicing_an_order_does_not_count_it_twice(self):
        customer = self.env["res.partner"].create({"name": "Single Order Co"})
        order = self._create_order(customer, 100.0, qty=3.0, taxes=self.tax_10)
        self.assertEqual(customer.debt_exposure, 330.0)
        invoice = order._create_invoices()
        customer.invalidate_recordset()
        self.assertRecordValues(
            customer,
            [
                {
                    "debt_draft_invoice_amount": 330.0,
                    "debt_uninvoiced_order_amount": 0.0,
                    "debt_exposure": 330.0,
                }
            ],
        )
        invoice.action_post()
        customer.invalidate_recordset()
        self.assertRecordValues(
            customer,
            [{"debt_open_amount": 330.0, "debt_uninvoiced_order_amount": 0.0, "debt_exposure": 330.0}],
        )

    def test_down_payment_is_not_counted_twice(self):
        customer = self.env["res.partner"].create({"name": "Down Payment Co"})
        order = self._create_order(customer, 1000.0, taxes=self.tax_10)  # 1100 taxes included
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "percentage", "amount": 30.0})
        )
        wizard.create_invoices()
        down_payment = order.invoice_ids
        self.assertEqual(down_payment.amount_total, 330.0)
        customer.invalidate_recordset()
        self.assertEqual(customer.debt_exposure, 1100.0)  # draft 330 + order 1100 - 330
        down_payment.action_post()
        self._register_payment(down_payment, 330.0, "2024-06-30")
        customer.invalidate_recordset()
        self.assertRecordValues(
            customer,
            [{"debt_open_amount": 0.0, "debt_uninvoiced_order_amount": 770.0, "debt_exposure": 770.0}],
        )
        final = order._create_invoices(final=True)
        self.assertEqual(final.amount_total, 770.0)
        customer.invalidate_recordset()
        self.assertRecordValues(
            customer,
            [
                {
                    "debt_draft_invoice_amount": 770.0,
                    "debt_uninvoiced_order_amount": 0.0,
                    "debt_exposure": 770.0,
                }
            ],
        )

    def test_salesman_cannot_read_debt_figures(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesman).read(["debt_exposure"])

    def test_open_items_action_lists_the_unpaid_items(self):
        action = self.customer.with_user(self.credit_user).action_open_debt_items()
        lines = self.env["account.move.line"].search(action["domain"])
        self.assertEqual(len(lines), 4)
        self.assertAlmostEqual(sum(lines.mapped("amount_residual")), 1150.0)

    def test_query_count_does_not_grow_with_partners(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Customer {i}", "is_company": True} for i in range(50)]
        )
        for partner in partners:
            self._create_invoice(partner, 100.0, "2024-06-01", due_date="2024-06-15")
        self._create_order(partners[0], 50.0)
        fields_to_read = ["debt_exposure", "debt_overdue_amount", "debt_max_days_overdue", "debt_over_limit"]
        one = self._count_queries(lambda: partners[:1].with_user(self.credit_user).read(fields_to_read))
        fifty = self._count_queries(lambda: partners.with_user(self.credit_user).read(fields_to_read))
        self.assertEqual(one, fifty)
        self.assertEqual(partners[1].debt_exposure, 100.0)
        self.assertEqual(partners[0].debt_exposure, 150.0)
