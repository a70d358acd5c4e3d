# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import shutil

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestTours(HttpCase):
    """The main screens clicked through in headless Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.env["debt.credit.rule"].search([]).active = False  # the demo rules
        cls.env["debt.credit.rule"].create(
            {
                "name": "Over credit limit",
                "rule_type": "credit_limit",
                "action": "block",
                "company_id": company.id,
            }
        )
        # a rule that only warns, shown apart from the one that blocks
        cls.env["debt.credit.rule"].create(
            {
                "name": "Watch big orders",
                "rule_type": "credit_limit",
                "action": "warn",
                "company_id": company.id,
            }
        )
        cls.manager = new_test_user(
            cls.env,
            login="tour_boss",
            name="Tour Credit Boss",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads,account_debt_followup.group_credit_manager",
        )
        cls.salesman = new_test_user(
            cls.env, login="tour_sales", groups="base.group_user,sales_team.group_sale_salesman_all_leads"
        )
        cls.customer = cls.env["res.partner"].create({"name": "Tour Debtor", "is_company": True})
        cls.customer.credit_limit = 100.0
        cls.customer.debt_followup_responsible_id = cls.manager
        product = cls.env["product.product"].create({"name": "Tour desk", "type": "service", "taxes_id": []})
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": cls.salesman.id,
                "order_line": [Command.create({"product_id": product.id, "price_unit": 500.0})],
            }
        )

    def setUp(self):
        super().setUp()
        # Odoo skips a tour when it finds no Chrome: here that is a failure, not a skip
        self.assertTrue(
            shutil.which("chromium") or shutil.which("google-chrome"), "Chromium is needed for the tours"
        )

    def _order_url(self):
        return f"/odoo/action-sale.action_quotations_with_onboarding/{self.order.id}"

    def test_salesperson_is_blocked_and_asks_for_approval(self):
        # the refusal is the expected outcome: Odoo logs a user error shown to the user as a warning
        with mute_logger("odoo.http"):
            self.start_tour(
                self._order_url(), "account_debt_followup_salesperson_blocked", login="tour_sales"
            )
        self.assertEqual(self.order.state, "draft")
        self.assertTrue(self.order.debt_approval_requested)
        self.assertEqual(self.order.activity_ids.user_id, self.manager)

    def test_credit_manager_approves_and_confirms(self):
        self.start_tour(self._order_url(), "account_debt_followup_manager_approves", login="tour_boss")
        self.assertEqual(self.order.state, "sale")
        self.assertEqual(
            self.order.debt_approval_ids.reason, "Customer paid a deposit by bank transfer this morning"
        )

    def test_collector_sends_a_reminder_from_the_worklist(self):
        template = self.env.ref("account_debt_followup.mail_template_followup_reminder")
        self.env["debt.followup.level"].create(
            {"name": "Tour reminder", "delay": 5000, "mail_template_id": template.id}
        )
        self.env["debt.followup.level"].create(
            {"name": "Tour first reminder", "delay": 1, "mail_template_id": template.id}
        )
        late = self.env["res.partner"].create(
            {"name": "Tour Late Payer", "is_company": True, "email": "late@tour.vn"}
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": late.id,
                "invoice_date": fields.Date.add(fields.Date.today(), days=-40),
                "invoice_date_due": fields.Date.add(fields.Date.today(), days=-10),
                "invoice_line_ids": [Command.create({"name": "Desk", "price_unit": 300.0, "tax_ids": []})],
            }
        )
        invoice.action_post()
        self.manager.groups_id += self.env.ref("account.group_account_invoice")
        self.start_tour(
            "/odoo/action-account_debt_followup.res_partner_action_followup",
            "account_debt_followup_collector_reminds",
            login="tour_boss",
        )
        self.assertEqual(late.debt_followup_history_ids.channels, "email")
        self.assertTrue(self.env["mail.mail"].search([("recipient_ids", "in", late.ids)]))

    def test_collector_reminds_a_selection_from_the_worklist(self):
        template = self.env.ref("account_debt_followup.mail_template_followup_reminder")
        self.env["debt.followup.level"].create(
            {"name": "Tour first reminder", "delay": 1, "mail_template_id": template.id}
        )
        late = self.env["res.partner"]
        for name in ("Tour Selected One", "Tour Selected Two", "Tour Not Selected"):
            partner = self.env["res.partner"].create(
                {"name": name, "is_company": True, "email": f"{name.split()[-1].lower()}@tour.vn"}
            )
            invoice = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": fields.Date.add(fields.Date.today(), days=-40),
                    "invoice_date_due": fields.Date.add(fields.Date.today(), days=-10),
                    "invoice_line_ids": [
                        Command.create({"name": "Desk", "price_unit": 300.0, "tax_ids": []})
                    ],
                }
            )
            invoice.action_post()
            late |= partner
        self.start_tour(
            "/odoo/action-account_debt_followup.res_partner_action_followup",
            "account_debt_followup_collector_reminds_a_selection",
            login="tour_boss",
        )
        Mail = self.env["mail.mail"]
        self.assertTrue(Mail.search([("recipient_ids", "in", late[0].ids)]))
        self.assertTrue(Mail.search([("recipient_ids", "in", late[1].ids)]))
        self.assertFalse(Mail.search([("recipient_ids", "in", late[2].ids)]), "not selected, not sent")

    def test_collector_records_a_promise_and_sends_the_statement(self):
        late = self.env["res.partner"].create(
            {"name": "Tour Promiser", "is_company": True, "email": "p@tour.vn"}
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": late.id,
                "invoice_date": fields.Date.add(fields.Date.today(), days=-40),
                "invoice_date_due": fields.Date.add(fields.Date.today(), days=-10),
                "invoice_line_ids": [Command.create({"name": "Chairs", "price_unit": 300.0, "tax_ids": []})],
            }
        )
        invoice.action_post()
        self.manager.groups_id += self.env.ref("account.group_account_invoice")
        self.start_tour(
            f"/odoo/action-base.action_partner_form/{late.id}",
            "account_debt_followup_collector_promise_and_statement",
            login="tour_boss",
        )
        promise = late.debt_promise_ids
        self.assertEqual(promise.amount, 300.0)
        self.assertEqual(
            promise.line_ids, invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        )
        self.assertEqual(promise.line_ids.expected_payment_date, fields.Date.to_date("2099-12-31"))
        mail = self.env["mail.mail"].search([("recipient_ids", "in", late.ids)])
        self.assertEqual(len(mail.attachment_ids), 1)

    def test_collector_logs_a_call_and_prints_the_statement(self):
        late = self.env["res.partner"].create({"name": "Tour Caller", "is_company": True})
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": late.id,
                "invoice_date": fields.Date.add(fields.Date.today(), days=-40),
                "invoice_date_due": fields.Date.add(fields.Date.today(), days=-10),
                "invoice_line_ids": [Command.create({"name": "Lamps", "price_unit": 250.0, "tax_ids": []})],
            }
        )
        invoice.action_post()
        call = late.activity_schedule("mail.mail_activity_data_call", summary="Call about the lamps")
        self.manager.groups_id += self.env.ref("account.group_account_invoice")
        self.start_tour(
            f"/odoo/action-base.action_partner_form/{late.id}",
            "account_debt_followup_collector_calls_and_prints",
            login="tour_boss",
        )
        history = late.debt_followup_history_ids
        self.assertEqual(history.channels, "call")
        self.assertIn("Spoke with the chief accountant", history.note)
        self.assertEqual(history.amount_overdue, 250.0)
        self.assertEqual(late.debt_promise_ids.amount, 250.0)
        self.assertFalse(call.exists(), "the call activity is done")
        self.assertIn("Promised to pay", late.message_ids[0].body + "".join(late.message_ids.mapped("body")))
