# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged
from odoo.tests.common import new_test_user

from .common import DebtFollowupCommon

TODAY = "2024-06-30"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestFollowupTwoCompanies(DebtFollowupCommon):
    """Saigon Lamps (USD) and Hanoi Trading (VND, no decimals) remind their own customers; the
    scheduled run is the real one: OdooBot, whose company is neither of them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.company
        cls.company_a.write({"name": "Saigon Lamps", "email": "ar@saigonlamps.example.com"})
        vnd = cls.env.ref("base.VND")
        vnd.active = True
        cls.company_b = cls.setup_other_company(
            name="Hanoi Trading", currency_id=vnd.id, email="congno@hanoitrading.example.vn"
        )["company"]
        cls.vnd = cls.company_b.currency_id
        template = cls.env.ref("account_debt_followup.mail_template_followup_reminder")
        cls.level_a = cls.env["debt.followup.level"].create(
            {"name": "Overdue", "delay": 10, "company_id": cls.company_a.id, "mail_template_id": template.id}
        )
        cls.level_b = cls.env["debt.followup.level"].create(
            {
                "name": "Quá hạn",
                "delay": 10,
                "company_id": cls.company_b.id,
                "mail_template_id": template.id,
                "send_letter": True,
            }
        )
        cls.customer_a = cls._customer("Lamp Buyer")
        cls._create_invoice(cls.customer_a, 100.0, "2024-05-01", due_date="2024-06-01")
        cls.customer_b = cls._customer("Khach Ha Noi")
        cls._create_invoice(
            cls.customer_b, 2500000.0, "2024-05-01", due_date="2024-06-01", company=cls.company_b
        )
        cls.customer_ab = cls._customer("Both Sides")
        cls._create_invoice(cls.customer_ab, 300.0, "2024-05-01", due_date="2024-06-01")
        cls._create_invoice(
            cls.customer_ab, 7000000.0, "2024-05-01", due_date="2024-06-01", company=cls.company_b
        )

    @classmethod
    def _customer(cls, name):
        return cls.env["res.partner"].create(
            {"name": name, "is_company": True, "email": f"{name.lower().replace(' ', '.')}@example.vn"}
        )

    def _run_cron_as_odoobot(self):
        root = self.env.ref("base.user_root")
        self.assertNotIn(root.company_id, self.company_a | self.company_b, "the job runs in a third company")
        Partner = self.env["res.partner"].with_user(root)
        while Partner._cron_debt_followup():
            pass
        self.env.invalidate_all()

    @staticmethod
    def _text(html):
        """The HTML of a mail with its no-break spaces as characters, as format_amount writes them."""
        return html.replace("&nbsp;", "\N{NO-BREAK SPACE}")

    def _mail(self, partner, company):
        mails = self.env["mail.mail"].search([("recipient_ids", "in", partner.ids)])
        mail = mails.filtered(lambda m: company.name in (m.subject or ""))
        self.assertEqual(
            len(mail), 1, f"one reminder of {company.name} to {partner.name}: {mails.mapped('subject')}"
        )
        return mail

    def test_template_reads_no_user_company(self):
        templates = self.env["mail.template"].search([("model", "in", ("res.partner", "debt.confirmation"))])
        ours = templates.filtered(lambda t: t.get_external_id()[t.id].startswith("account_debt_followup."))
        self.assertTrue(ours)
        for template in ours:
            for source in (template.subject, template.body_html):
                self.assertNotIn("env.company", source)
                self.assertNotIn("user.company_id", source)

    def test_vietnamese_template_reads_no_user_company(self):
        """The translation carries the template's expressions: it must not bring env.company back."""
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(["account_debt_followup"], ["vi_VN"], overwrite=True)
        template = self.env.ref("account_debt_followup.mail_template_followup_reminder").with_context(
            lang="vi_VN"
        )
        self.assertIn("Thư nhắc thanh toán", template.subject, "the Vietnamese template is loaded")
        for source in (template.subject, template.body_html):
            self.assertNotIn("env.company", source)
            self.assertIn("object.debt_followup_company_id", source)

    def test_cron_writes_each_reminder_for_its_own_company(self):
        self._run_cron_as_odoobot()
        mail_b = self._mail(self.customer_b, self.company_b)
        mail_b_body = self._text(mail_b.body_html)
        self.assertEqual(mail_b.subject, "Hanoi Trading - Payment reminder for Khach Ha Noi")
        self.assertIn("2,500,000\N{NO-BREAK SPACE}₫", mail_b_body, "VND without decimals")
        self.assertNotIn("2,500,000.00", mail_b_body)
        self.assertNotIn("$", mail_b_body)
        self.assertNotIn("Saigon Lamps", mail_b_body)
        self.assertIn("Best regards,<br>Hanoi Trading", mail_b_body)
        self.assertEqual(mail_b.email_from, self.company_b.email_formatted)
        self.assertNotIn("OdooBot", mail_b_body, "no signature of the job's user")

        mail_a = self._mail(self.customer_a, self.company_a)
        mail_a_body = self._text(mail_a.body_html)
        self.assertEqual(mail_a.subject, "Saigon Lamps - Payment reminder for Lamp Buyer")
        self.assertIn("$\N{NO-BREAK SPACE}100.00", mail_a_body)
        self.assertNotIn("Hanoi Trading", mail_a_body)
        self.assertEqual(mail_a.email_from, self.company_a.email_formatted)

        # a customer of both companies gets one reminder from each, each with its own figures
        both_a = self._mail(self.customer_ab, self.company_a)
        both_a_body = self._text(both_a.body_html)
        both_b = self._mail(self.customer_ab, self.company_b)
        both_b_body = self._text(both_b.body_html)
        self.assertIn("$\N{NO-BREAK SPACE}300.00", both_a_body)
        self.assertNotIn("7,000,000", both_a_body)
        self.assertIn("7,000,000\N{NO-BREAK SPACE}₫", both_b_body)
        self.assertNotIn("300.00", both_b_body)
        self.assertRecordValues(
            self.customer_ab.debt_followup_history_ids.sorted("company_id"),
            [
                {"company_id": self.company_a.id, "level_id": self.level_a.id, "amount_due": 300.0},
                {"company_id": self.company_b.id, "level_id": self.level_b.id, "amount_due": 7000000.0},
            ],
        )

    def test_letter_of_the_second_company(self):
        self._run_cron_as_odoobot()
        letter = self.customer_b.debt_followup_history_ids.attachment_id
        self.assertEqual(letter.res_model, "debt.followup.history")
        html = letter.raw.decode()  # tests render the report's HTML, not the PDF
        self.assertIn("Hanoi Trading", html)
        self.assertIn("2,500,000", html)
        self.assertNotIn("2,500,000.00", html)
        self.assertNotIn("Saigon Lamps", html)
        self.assertIn(letter, self._mail(self.customer_b, self.company_b).attachment_ids)

    def test_vietnamese_customer_in_its_language_and_dong(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(["account_debt_followup"], ["vi_VN"], overwrite=True)
        self.customer_b.lang = "vi_VN"
        self._run_cron_as_odoobot()
        mail = self._mail(self.customer_b, self.company_b)
        body = self._text(mail.body_html)
        self.assertIn("Kính gửi", body)
        self.assertIn("2.500.000\N{NO-BREAK SPACE}₫", body, "Vietnamese number format")
        self.assertNotIn("Saigon Lamps", mail.subject + body)

    def _collector_working_in_a(self, login):
        """A credit controller of both companies whose current company is A."""
        collector = new_test_user(
            self.env,
            login=login,
            groups="base.group_user,account_debt_followup.group_credit_user",
            company_id=self.company_a.id,
            company_ids=[Command.set((self.company_a | self.company_b).ids)],
        )
        return collector.with_context(allowed_company_ids=[self.company_a.id, self.company_b.id]).env

    def test_sms_and_manual_reminder_of_the_second_company(self):
        self.assertEqual(self.vnd.decimal_places, 0)
        env_a = self._collector_working_in_a("collector_ab")
        self.level_b.write({"send_sms": True, "send_letter": False})
        self.customer_b.mobile = "+84 912 345 678"
        partner = env_a["res.partner"].browse(self.customer_b.id)
        partner._debt_followup_execute(env_a["debt.followup.level"].browse(self.level_b.id), self.company_b)
        sms = self.env["sms.sms"].search([("partner_id", "=", self.customer_b.id)])
        self.assertEqual(
            sms.body,
            "Hanoi Trading: a payment is overdue on your account. Overdue: 2,500,000\N{NO-BREAK SPACE}₫",
        )
        mail = self._mail(self.customer_b, self.company_b)
        body = self._text(mail.body_html)
        self.assertIn("2,500,000\N{NO-BREAK SPACE}₫", body)
        self.assertNotIn("Saigon Lamps", body)

    def test_send_wizard_prepares_the_reminder_of_its_company(self):
        env_a = self._collector_working_in_a("collector_wizard")
        wizard = Form(
            env_a["debt.followup.send.wizard"].with_context(
                default_partner_id=self.customer_ab.id, default_company_id=self.company_b.id
            )
        )
        self.assertEqual(wizard.level_id, self.level_b)
        self.assertEqual(wizard.subject, "Hanoi Trading - Payment reminder for Both Sides")
        self.assertIn("7,000,000\N{NO-BREAK SPACE}₫", self._text(str(wizard.body)))
        self.assertNotIn("300.00", str(wizard.body))
