# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException, new_test_user
from odoo.tools import mute_logger

from .common import DebtFollowupCommon

WIZARD = "debt.letters.print.wizard"


@tagged("post_install", "-at_install")
class TestLettersToPrint(DebtFollowupCommon, HttpCase):
    """The day's reminder letters in one PDF for the post room, asked as the web client asks:
    the wizard over JSON-RPC, then the download of its file."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        template = cls.env.ref("account_debt_followup.mail_template_followup_reminder")
        cls.level = cls.env["debt.followup.level"].create(
            {
                "name": "Letter by post",
                "delay": 0,
                "send_email": False,
                "send_letter": True,
                "mail_template_id": template.id,
                "company_id": cls.company.id,
            }
        )
        Partner = cls.env["res.partner"]
        cls.zeta = Partner.create({"name": "Zeta Hardware", "is_company": True, "street": "9 Le Loi"})
        cls.alpha = Partner.create({"name": "Alpha Paints", "is_company": True, "street": "1 Hai Ba Trung"})
        cls.emailed = Partner.create({"name": "Emailed Only Co", "is_company": True, "email": "e@co.vn"})
        due = cls.today - timedelta(days=20)
        for partner in cls.zeta | cls.alpha | cls.emailed:
            cls._create_invoice(partner, 500.0, due - timedelta(days=30), due)
        # a second company with its own letters, where the credit user does not work
        cls.other_company = cls._create_company(name="Other Letters Co")
        cls.env.user.company_ids += cls.other_company
        cls.other_level = cls.env["debt.followup.level"].create(
            {
                "name": "Other letter",
                "delay": 0,
                "send_email": False,
                "send_letter": True,
                "mail_template_id": template.id,
                "company_id": cls.other_company.id,
            }
        )
        cls.other_customer = Partner.create({"name": "Other Company Customer", "is_company": True})
        cls._create_invoice(
            cls.other_customer,
            700.0,
            due - timedelta(days=30),
            due,
            company=cls.other_company,
        )
        # a credit controller of the second company only
        cls.other_credit_user = new_test_user(
            cls.env,
            login="letters_other_credit",
            groups="base.group_user,account_debt_followup.group_credit_user",
            company_id=cls.other_company.id,
        )
        cls.salesperson = new_test_user(
            cls.env,
            login="letters_salesperson",
            groups="base.group_user,base.group_partner_manager,sales_team.group_sale_salesman_all_leads",
            company_id=cls.company.id,
        )

    def setUp(self):
        super().setUp()
        self._render_real_pdfs_in_requests()
        for partner in self.zeta | self.alpha:
            partner._debt_followup_execute(self.level, self.company)
        # a reminder by email without a letter: nothing for the post room
        self.template_level = self.level.copy(
            {"name": "Email only", "delay": 1, "send_letter": False, "send_email": True}
        )
        self.emailed._debt_followup_execute(self.template_level, self.company)
        self.other_customer._debt_followup_execute(self.other_level, self.other_company)
        self.histories = self.env["debt.followup.history"].search(
            [("partner_id", "in", (self.zeta | self.alpha).ids), ("level_id", "=", self.level.id)]
        )
        self.assertEqual(len(self.histories), 2)
        self.assertTrue(all(self.histories.attachment_id.mapped(lambda a: a.raw.startswith(b"%PDF"))))

    # ------------------------------------------------------------------ requests
    def _login(self, user):
        self.authenticate(user.login, user.login + "x" * (8 - len(user.login)))

    def _call(self, model, method, args, kwargs=None, company=None):
        context = {"lang": "en_US", "allowed_company_ids": [(company or self.company).id]}
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": dict(kwargs or {}, context=context),
            },
        )

    def _print(self, values=None):
        """What the dialog does: save the wizard, press Print; then the download of the file."""
        wizard_id = self._call(WIZARD, "create", [values or {}])
        action = self._call(WIZARD, "action_print", [[wizard_id]])
        self.assertEqual((action["type"], action["target"]), ("ir.actions.act_url", "download"))
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        return response.content, action["url"]

    # ------------------------------------------------------------------ tests
    def test_credit_user_prints_the_days_letters_once(self):
        self._login(self.credit_user)
        content, url = self._print()
        self.assertTrue(content.startswith(b"%PDF"))
        self.assertEqual(
            self._pdf_pages(content), sum(self._pdf_pages(a.raw) for a in self.histories.attachment_id)
        )
        text = self._pdf_text(content)
        self.assertIn("Alpha Paints", text)
        self.assertIn("Zeta Hardware", text)
        self.assertLess(text.index("Alpha Paints"), text.index("Zeta Hardware"), "sorted by customer")
        self.assertNotIn("Emailed Only Co", text)
        self.assertNotIn("Other Company Customer", text, "another company's letters")
        self.histories.invalidate_recordset()
        self.assertTrue(all(self.histories.mapped("letter_printed_date")))
        self.assertEqual(self.histories.letter_printed_uid, self.credit_user)
        # tomorrow's batch (here: the same day again) does not repeat them
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException) as refused:
            self._print()
        self.assertEqual(str(refused.exception), "odoo.exceptions.UserError")
        # unless asked to print them again
        again, _url = self._print({"reprint": True})
        self.assertIn("Alpha Paints", self._pdf_text(again))
        # a letter sent after the batch is in the next one, alone
        late = self.env["res.partner"].create({"name": "Late Letter Co", "is_company": True})
        self._create_invoice(late, 90.0, self.today - timedelta(days=60), self.today - timedelta(days=5))
        late._debt_followup_execute(self.level, self.company)
        next_batch, _url = self._print()
        self.assertIn("Late Letter Co", self._pdf_text(next_batch))
        self.assertNotIn("Alpha Paints", self._pdf_text(next_batch))

    def test_letters_of_a_selection_are_rendered_in_one_run(self):
        """The worklist's *Send Reminders* of several customers renders their letters in one
        wkhtmltopdf run; each customer's history keeps its own letter."""
        Report = type(self.env["ir.actions.report"])
        run = Report._run_wkhtmltopdf
        runs = []

        def counting_run(report, bodies, *args, **kwargs):
            runs.append(len(bodies))
            return run(report, bodies, *args, **kwargs)

        self.patch(Report, "_run_wkhtmltopdf", counting_run)
        self.template_level.active = False  # their level: the letter by post
        Partner = self.env["res.partner"]
        customers = Partner.create(
            [{"name": "First Post Co", "is_company": True}, {"name": "Second Post Co", "is_company": True}]
        )
        for customer in customers:
            self._create_invoice(
                customer, 300.0, self.today - timedelta(days=40), self.today - timedelta(days=10)
            )
        customers.with_user(self.credit_user).with_context(
            force_report_rendering=True, allowed_company_ids=self.company.ids
        ).action_debt_send_due_reminders()
        self.assertEqual(runs, [1], "the letters of the selection in one run")
        histories = self.env["debt.followup.history"].search([("partner_id", "in", customers.ids)])
        self.assertEqual(len(histories), 2)
        for history in histories:
            text = self._pdf_text(history.attachment_id.raw)
            self.assertIn(history.partner_id.name, text)
            self.assertNotIn((customers - history.partner_id).name, text)

    def test_no_letter_on_another_day(self):
        self._login(self.credit_user)
        yesterday = fields.Date.to_string(self.today - timedelta(days=1))
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException) as refused:
            self._print({"date": yesterday})
        self.assertEqual(str(refused.exception), "odoo.exceptions.UserError")
        self.assertFalse(any(self.histories.mapped("letter_printed_date")))

    def test_salesperson_and_billing_clerk_cannot(self):
        self._login(self.credit_user)
        _content, url = self._print()
        for user in (self.salesperson, self.billing_clerk):
            self._login(user)
            with mute_logger("odoo.http"), self.assertRaises(JsonRpcException) as refused:
                self._call(WIZARD, "create", [{"reprint": True}])
            self.assertEqual(str(refused.exception), "odoo.exceptions.AccessError")
            # nor download the file printed by the credit controller
            with mute_logger("odoo.http"):
                response = self.url_open(url)
            self.assertFalse(response.content.startswith(b"%PDF"), user.login)

    def test_credit_user_cannot_ask_for_another_companys_letters(self):
        self._login(self.credit_user)
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException) as refused:
            self._print({"company_ids": [(6, 0, self.other_company.ids)]})
        self.assertIn(str(refused.exception), ("odoo.exceptions.AccessError", "odoo.exceptions.UserError"))
        other = self.env["debt.followup.history"].search([("partner_id", "=", self.other_customer.id)])
        self.assertFalse(other.letter_printed_date)

    def test_credit_user_of_another_company_cannot_read_the_printed_letters(self):
        """The merged PDF is kept on the wizard: a credit controller of another company must not
        read it by its id, neither over RPC nor by the download URL."""
        self._login(self.credit_user)
        _content, url = self._print()
        wizard_id = int(url.split("/")[4])
        self._login(self.other_credit_user)
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException) as refused:
            self._call(WIZARD, "read", [[wizard_id], ["pdf", "pdf_name"]], company=self.other_company)
        self.assertEqual(str(refused.exception), "odoo.exceptions.AccessError")
        with mute_logger("odoo.http"):
            response = self.url_open(url)
        self.assertIn(response.status_code, (403, 404))
        self.assertFalse(response.content.startswith(b"%PDF"))
        # nor another credit user of the same company
        other_same = new_test_user(
            self.env,
            login="letters_same_credit",
            groups="base.group_user,account_debt_followup.group_credit_user",
            company_id=self.company.id,
        )
        self._login(other_same)
        with mute_logger("odoo.http"):
            response = self.url_open(url)
        self.assertIn(response.status_code, (403, 404))
        # the creator still downloads it
        self._login(self.credit_user)
        self.assertTrue(self.url_open(url).content.startswith(b"%PDF"))

    def test_print_again_keeps_the_first_print(self):
        self._login(self.credit_user)
        self._print()
        # printed an hour ago, by the credit user
        earlier = fields.Datetime.now() - timedelta(hours=1)
        self.histories.invalidate_recordset()
        self.assertEqual(self.histories.letter_printed_uid, self.credit_user)
        self.histories.sudo().write({"letter_printed_date": earlier})
        first = {history.id: history.letter_printed_date for history in self.histories}
        self._login(self.credit_manager)
        self._print({"reprint": True})
        self.histories.invalidate_recordset()
        self.assertEqual({history.id: history.letter_printed_date for history in self.histories}, first)
        self.assertEqual(self.histories.letter_printed_uid, self.credit_user)

    def test_credit_user_working_in_a_branch_prints_the_main_companys_letters(self):
        self.company.write({"child_ids": [Command.create({"name": "Letters Branch"})]})
        self.env.cr.precommit.run()  # the branch's accounting
        branch = self.company.child_ids
        self.credit_user.company_ids += branch
        self._login(self.credit_user)
        content, _url = self._print_in(branch)
        text = self._pdf_text(content)
        self.assertIn("Alpha Paints", text)
        self.assertIn("Zeta Hardware", text)
        self.assertNotIn("Other Company Customer", text)

    def _print_in(self, company):
        wizard_id = self._call(WIZARD, "create", [{}], company=company)
        self.assertEqual(
            self._call(WIZARD, "read", [[wizard_id], ["letter_count"]], company=company)[0]["letter_count"], 2
        )
        action = self._call(WIZARD, "action_print", [[wizard_id]], company=company)
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        return response.content, action["url"]

    def test_menu_opens_the_wizard_for_credit_users(self):
        menu = self.env.ref("account_debt_followup.menu_debt_letters_to_print")
        self.assertEqual(menu.action, self.env.ref("account_debt_followup.debt_letters_print_wizard_action"))
        visible = self.env["ir.ui.menu"].with_user(self.credit_user)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        self.assertNotIn(menu.id, self.env["ir.ui.menu"].with_user(self.salesperson)._visible_menu_ids())
