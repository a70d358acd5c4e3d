# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Late-payment interest (Commercial Law 2005, art. 306) of March 2026 in a VND company, worked
out by hand: a rate a customer agreed, the rate of a follow-up level, a grace period of 5 days."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tests.common import new_test_user

from .common import DebtFollowupCommon

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@tagged("post_install", "-at_install")
@freeze_time("2026-04-15")
class TestInterest(DebtFollowupCommon):
    """Minh Long agreed 18% a year: on 73,000,000 that is 36,000 a day, on 36,500,000 18,000.

    - Invoice A, 73,000,000 due 31 January, half paid on 10 March: 9 days at 36,000 (1 to 9 March)
      and 22 days at 18,000 (10 to 31 March, the payment's day not charged on the paid half):
      324,000 + 396,000 = 720,000.
    - Invoice B, 36,500,000 due 20 March: the grace period ends on the 25th, 6 days at 18,000
      (26 to 31 March) = 108,000.
    - Invoice C, disputed: no interest.

    Hòa Bình has no rate of its own; the follow-up levels charge 0% from 7 days and 10% a year
    from 30 days: invoice D, 36,500,000 due 14 February, reaches 30 days on 16 March: 16 days at
    10,000 = 160,000.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vn = cls._setup_vn_company()
        cls.vn.debt_interest_grace_days = 5
        cls.vnd = cls.vn.currency_id
        cls.env.user.company_ids += cls.vn
        cls.billing = new_test_user(
            cls.env,
            login="billing_interest",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.vn.id,
        )
        Partner = cls.env["res.partner"]
        cls.minh_long = Partner.create({"name": "Công ty Minh Long", "is_company": True})
        cls.minh_long.with_company(cls.vn).debt_interest_rate = 18.0
        cls.hoa_binh = Partner.create({"name": "Công ty Hòa Bình", "is_company": True})
        template = cls.env.ref("account_debt_followup.mail_template_followup_reminder")
        Level = cls.env["debt.followup.level"].with_company(cls.vn)
        Level.create({"name": "7 ngày", "delay": 7, "mail_template_id": template.id, "company_id": cls.vn.id})
        Level.create(
            {
                "name": "30 ngày",
                "delay": 30,
                "mail_template_id": template.id,
                "company_id": cls.vn.id,
                "interest_rate": 10.0,
            }
        )
        vn = cls.vn
        cls.invoice_a = cls._create_invoice(cls.minh_long, 73_000_000, "2026-01-01", "2026-01-31", company=vn)
        cls._register_payment(cls.invoice_a, 36_500_000, "2026-03-10")
        cls.invoice_b = cls._create_invoice(cls.minh_long, 36_500_000, "2026-02-20", "2026-03-20", company=vn)
        invoice_c = cls._create_invoice(cls.minh_long, 50_000_000, "2026-01-01", "2026-01-31", company=vn)
        invoice_c.line_ids.filtered(lambda line: line.account_type == "asset_receivable").write(
            {"followup_excluded": True, "followup_exclusion_reason": "Disputed"}
        )
        cls.invoice_d = cls._create_invoice(cls.hoa_binh, 36_500_000, "2026-01-15", "2026-02-14", company=vn)

    def _interest(self, partners=None, period=MARCH):
        items = self.env["debt.interest.line"]._compute_interest(
            self.vn, partners or self.env["res.partner"], *period
        )
        return {
            item["move_name"]: (item["date_from"], item["date_to"], item["days"], item["amount"])
            for item in items
        }

    def test_interest_of_march_by_hand(self):
        self.assertEqual(
            self._interest(),
            {
                self.invoice_a.name: (date(2026, 3, 1), date(2026, 3, 31), 31, 720_000),
                self.invoice_b.name: (date(2026, 3, 26), date(2026, 3, 31), 6, 108_000),
                self.invoice_d.name: (date(2026, 3, 16), date(2026, 3, 31), 16, 160_000),
            },
        )

    def test_draft_debit_notes_charged_once(self):
        wizard = Form(self.env["debt.interest.wizard"].with_user(self.billing).with_company(self.vn))
        wizard.date_from, wizard.date_to = MARCH
        wizard = wizard.save()
        wizard.action_propose()
        notes = wizard.note_ids
        self.assertEqual(sorted(notes.partner_id.mapped("name")), ["Công ty Hòa Bình", "Công ty Minh Long"])
        note = notes.filtered(lambda move: move.partner_id == self.minh_long)
        self.assertEqual((note.state, note.move_type, note.invoice_date), ("draft", "out_invoice", MARCH[1]))
        self.assertEqual(note.amount_total, 828_000)
        self.assertFalse(note.invoice_line_ids.tax_ids)
        self.assertEqual(note.invoice_line_ids.account_id.code, "5150", "515 of the Vietnamese chart")
        self.assertIn(f"Late-payment interest on {self.invoice_a.name}", note.invoice_line_ids[0].name)
        self.assertIn("31 days from 03/01/2026 to 03/31/2026 at 18% a year", note.invoice_line_ids[0].name)
        # charged: March again gives nothing, April starts on the 1st
        self.assertEqual(self._interest(), {})
        april = self._interest(period=(date(2026, 4, 1), date(2026, 4, 15)))
        self.assertEqual(april[self.invoice_a.name], (date(2026, 4, 1), date(2026, 4, 15), 15, 270_000))
        # posted, the note bears no interest of its own; cancelled, its interest is due again
        note.action_post()
        later = self._interest(period=(date(2026, 4, 1), date(2026, 12, 31)))
        self.assertNotIn(note.name, later)
        note.button_draft()
        note.button_cancel()
        self.assertEqual(self._interest()[self.invoice_a.name][3], 720_000)

    def test_reminder_shows_the_interest_accrued(self):
        self.env["debt.interest.line"]._propose_notes(self.vn, self.minh_long, *MARCH)
        accrued = self.env["debt.interest.line"]._accrued(self.vn, self.minh_long, date(2026, 4, 15))
        # April 1 to 15 on A's half and on B, 18,000 a day each
        self.assertEqual(accrued, {self.minh_long.id: 540_000})
        html = (
            self.env["ir.actions.report"]
            .with_company(self.vn)
            ._render_qweb_html(
                "account_debt_followup.report_followup_letter",
                self.minh_long.ids,
                data={"company_id": self.vn.id},
            )[0]
            .decode()
        )
        self.assertIn("Late-payment interest accrued to date", html)
        self.assertIn("540,000", html)
        # a customer with nothing accrued gets no such line
        html = (
            self.env["ir.actions.report"]
            .with_company(self.vn)
            ._render_qweb_html(
                "account_debt_followup.report_followup_letter",
                self.env["res.partner"].create({"name": "No interest"}).ids,
                data={"company_id": self.vn.id},
            )[0]
            .decode()
        )
        self.assertNotIn("Late-payment interest accrued", html)

    def test_no_rate_no_interest_and_rights(self):
        self.minh_long.with_company(self.vn).debt_interest_rate = 0.0
        self.env["debt.followup.level"].search([("company_id", "=", self.vn.id)]).interest_rate = 0.0
        self.assertEqual(self._interest(), {})
        with self.assertRaises(AccessError):
            self.env["debt.interest.wizard"].with_user(self.salesman).create({})
