# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import DebtFollowupCommon

TODAY = "2024-06-30"
MODULE = "account_debt_followup"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDocumentWording(DebtFollowupCommon):
    """What the documents and screens say, in the reader's language: a Vietnamese customer's
    statement printed by an English-speaking controller is Vietnamese throughout; the screens
    show words and local formats, not codes and ISO dates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.env["ir.module.module"]._load_module_terms([MODULE, "account"], ["vi_VN"], overwrite=True)
        cls.company.write({"name": "Wording Seller", "vat": "0301112223"})
        cls.customer = cls.env["res.partner"].create(
            {"name": "Công ty Từ Ngữ", "is_company": True, "lang": "vi_VN", "email": "tn@example.vn"}
        )
        with freeze_time(TODAY):
            cls.invoice = cls._create_invoice(cls.customer, 1800.0, "2024-05-01", due_date="2024-05-31")

    def _statement_html(self, data=None):
        report = self.env["ir.actions.report"].with_context(lang="en_US")
        return report._render_qweb_html(
            "account_debt_followup.action_report_statement",
            self.customer.ids,
            data=dict({"company_id": self.company.id, "date_to": TODAY}, **(data or {})),
        )[0].decode()

    def test_statement_of_a_vietnamese_customer_is_vietnamese(self):
        html = self._statement_html()
        self.assertIn(f"Hóa đơn</span> <span>{self.invoice.name}", html, "the kind of the item")
        self.assertIn("1-30 ngày", html, "the aging buckets")
        self.assertNotIn("1-30 days", html)
        self.assertNotIn(">Invoice<", html)
        self.assertIn("Một Nghìn Tám Trăm", html, "the amount in words")
        # the currency's name in words is the module's (translated), not Odoo's English word
        self.assertNotIn("Tám Trăm Dollars", html)
        html = self._statement_html({"date_from": "2024-01-01"})
        self.assertIn(f"Hóa đơn</span> <span>{self.invoice.name}", html)

    def test_sender_and_payment_instructions_are_in_the_body(self):
        bank = self.env["res.bank"].create({"name": "Vietcombank", "bic": "BFTVVNVX"})
        self.env["res.partner.bank"].create(
            {
                "acc_number": "0071000999",
                "partner_id": self.company.partner_id.id,
                "bank_id": bank.id,
                "acc_holder_name": "WORDING SELLER LTD",
            }
        )
        for html in (
            self._statement_html(),
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "account_debt_followup.action_report_followup_letter",
                self.customer.ids,
                data={"company_id": self.company.id},
            )[0]
            .decode(),
        ):
            self.assertIn('name="debt_sender"', html)
            self.assertIn("Wording Seller", html)
            self.assertIn("0301112223", html)
            self.assertIn("0071000999", html)
            self.assertIn("Vietcombank", html)
            self.assertIn("WORDING SELLER LTD", html)

    def test_amount_in_words_in_vnd(self):
        vnd = self.env.ref("base.VND")
        words = self.env["debt.statement"]._amount_in_words(180500000, vnd, self.customer)
        self.assertTrue(words.startswith("Một Trăm Tám Mươi Triệu Năm Trăm Nghìn "), words)
        self.assertNotIn(" và ", words, "no fraction: VND has no decimals")
        english = self.env["res.partner"].create({"name": "English Co", "lang": "en_US"})
        usd = self.env["debt.statement"]._amount_in_words(1800.5, self.currency, english)
        self.assertEqual(usd, "One Thousand, Eight Hundred US Dollars and Fifty Cents")

    def test_history_channels_are_words(self):
        history = (
            self.env["debt.followup.history"]
            .sudo()
            .create(  # made by the system, read-only to users
                {"partner_id": self.customer.id, "company_id": self.company.id, "channels": "letter, email"}
            )
        )
        self.assertEqual(history.channels_label, "Letter, Email")
        self.assertEqual(history.with_context(lang="vi_VN").channels_label.count(","), 1)

    def test_reminder_warning_writes_the_date_in_the_users_format(self):
        self.company.debt_followup_min_interval = 7
        level = self.env["debt.followup.level"].create(
            {
                "name": "Wording level",
                "delay": 1,
                "company_id": self.company.id,
                "mail_template_id": self.env.ref(f"{MODULE}.mail_template_followup_reminder").id,
            }
        )
        self.env["debt.followup.history"].sudo().create(  # made by the system, read-only to users
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "level_id": level.id,
                "date": "2024-06-25",
            }
        )
        wizard = Form(
            self.env["debt.followup.send.wizard"].with_context(
                default_partner_id=self.customer.id, default_level_id=level.id
            )
        )
        self.assertIn("06/25/2024", wizard.warning)
        self.assertNotIn("2024-06-25", wizard.warning)

    def test_days_late_with_the_decimal_separator_of_the_language(self):
        Partner = self.env["res.partner"]
        values = {"invoices": 3, "late": 3, "days_late": 68.0, "broken": 0, "overdue": 0.0, "overdue_days": 0}
        self.assertIn("paid 68 days late", Partner._debt_rating_reason(values, self.company))
        values["days_late"] = 68.46
        self.assertIn("paid 68.5 days late", Partner._debt_rating_reason(values, self.company))
        vietnamese = Partner.with_context(lang="vi_VN")._debt_rating_reason(values, self.company)
        self.assertIn("68,5", vietnamese)
        self.assertNotIn("68.5", vietnamese)

    def test_suggested_rating_reads_as_odoos_rating(self):
        for lang in ("en_US", "vi_VN"):
            env = self.env(context={"lang": lang})
            odoo_words = dict(env["res.partner"]._fields["trust"]._description_selection(env))
            ours = dict(env["res.partner"]._fields["debt_trust_suggested"]._description_selection(env))
            self.assertEqual(ours, odoo_words)

    def test_open_items_list_is_named_after_the_customer(self):
        action = self.customer.action_open_debt_items()
        self.assertEqual(action["display_name"], "Open Items of Công ty Từ Ngữ")
        self.assertEqual(action["name"], action["display_name"])

    def test_netting_is_offered_only_with_something_to_net(self):
        self.assertFalse(self.customer.debt_can_net)
        bill = self._create_invoice(self.customer, 300.0, "2024-06-01", move_type="in_invoice")
        self.customer.invalidate_recordset(["debt_can_net"])
        self.assertTrue(self.customer.debt_can_net)
        contact = self.env["res.partner"].create({"name": "Anh Tư", "parent_id": self.customer.id})
        self.assertTrue(contact.debt_can_net)
        self._register_payment(bill, 300.0, "2024-06-10")
        self.customer.invalidate_recordset(["debt_can_net"])
        self.assertFalse(self.customer.debt_can_net, "nothing is owed to the customer any more")

    def test_minute_keeps_the_signatures_with_the_conclusion(self):
        """However many lines, the signatures are on the page of the conclusion and the
        customer's answer, never alone on the last page."""
        self._render_real_pdfs()
        minutes = []
        for name, count in (("Few Lines Co", 3), ("Many Lines Co", 25)):
            customer = self.env["res.partner"].create({"name": name, "is_company": True})
            for index in range(count):
                self._create_invoice(customer, 100.0 + index, "2024-03-01", due_date="2024-04-01")
            minutes.append(
                self.env["debt.confirmation"].create(
                    {"partner_id": customer.id, "date_from": "2024-01-01", "date_to": TODAY}
                )
            )
        few, many = minutes
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        for confirmation, pages in ((few, 1), (many, 2)):
            content, _kind = Report._render_qweb_pdf(
                "account_debt_followup.action_report_debt_confirmation", confirmation.ids
            )
            self.assertEqual(self._pdf_pages(content), pages)
            texts = self._pdf_text(content).split("\f")
            last = [text for text in texts if "Customer Representative" in text]
            self.assertEqual(len(last), 1)
            self.assertIn("Party B owes Party A", last[0], "the signatures are with the conclusion")
            self.assertIn("We confirm the balance above", last[0])
        # the opening balance is written even when it is zero
        opening = [line for line in self._pdf_text(content).splitlines() if "Opening balance" in line]
        self.assertIn("0.00", opening[0])
