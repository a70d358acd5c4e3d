# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import re

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, MissingError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from .common import DebtFollowupCommon

TODAY = "2024-06-30"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCompanyRules(DebtFollowupCommon):
    """A record of every model of the module that belongs to a company, in company B; users of
    company A with every right of the module."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        B = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company_b.id]))
        customer = B["res.partner"].create({"name": "Customer of B", "is_company": True})
        invoice = cls._create_invoice(
            customer, 1000.0, "2024-05-01", due_date="2024-05-31", company=cls.company_b
        )
        receivable = invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        disputed = cls._create_invoice(
            customer, 300.0, "2024-05-02", due_date="2024-05-31", company=cls.company_b
        ).line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        level = B["debt.followup.level"].create({"name": "B level", "delay": 10, "send_email": False})
        order = cls._create_order(customer, 5000.0, confirm=False, company=cls.company_b)
        netting = B["debt.netting"].create(
            {
                "partner_id": customer.id,
                "company_id": cls.company_b.id,
                "currency_id": cls.company_b.currency_id.id,
                "journal_id": B["account.journal"].search([("type", "=", "general")], limit=1).id,
                "amount": 10.0,
            }
        )
        B["debt.credit.guard"]._touch({(customer.id, cls.company_b.id)})
        provision = B["debt.provision"].create({"company_id": cls.company_b.id, "date": "2024-06-30"})
        cls.records_b = {
            "debt.credit.rule": B["debt.credit.rule"].create(
                {"name": "B rule", "company_id": cls.company_b.id}
            ),
            # sudo: approvals and histories are audit records written by the module's code only
            "debt.credit.approval": B["debt.credit.approval"]
            .sudo()
            .create(
                {
                    "order_id": order.id,
                    "partner_id": customer.id,
                    "reason": "Known customer",
                    "currency_id": order.currency_id.id,
                    "amount_approved": 5000.0,
                }
            ),
            "debt.credit.guard": B["debt.credit.guard"].search([("partner_id", "=", customer.id)]),
            "debt.followup.level": level,
            "debt.followup.history": B["debt.followup.history"]
            .sudo()
            .create({"partner_id": customer.id, "company_id": cls.company_b.id, "level_id": level.id}),
            # sudo: the work items of the scheduled runs are written by the runs only
            "debt.followup.run.line": B["debt.followup.run.line"]
            .sudo()
            .create(
                {
                    "kind": "reminder",
                    "partner_id": customer.id,
                    "company_id": cls.company_b.id,
                    "period": "2024-06-30",
                    "level_id": level.id,
                }
            ),
            "debt.credit.history": B["debt.credit.history"]
            .sudo()
            .create({"partner_id": customer.id, "company_id": cls.company_b.id, "credit_limit": 100.0}),
            "debt.payment.promise": B["debt.payment.promise"].create(
                {
                    "partner_id": customer.id,
                    "company_id": cls.company_b.id,
                    "amount": 1000.0,
                    "promised_date": "2024-07-10",
                    "line_ids": [Command.set(receivable.ids)],
                }
            ),
            "debt.dispute": B["debt.dispute"].create(
                {
                    "partner_id": customer.id,
                    "company_id": cls.company_b.id,
                    "line_ids": [Command.set(disputed.ids)],
                    "description": "Goods returned",
                }
            ),
            "debt.netting": netting,
            "debt.netting.line": B["debt.netting.line"].create(
                {
                    "netting_id": netting.id,
                    "side": "receivable",
                    "move_line_id": receivable.id,
                    "amount_before": 1000.0,
                    "amount": 10.0,
                }
            ),
            "debt.confirmation": B["debt.confirmation"].create(
                {
                    "partner_id": customer.id,
                    "company_id": cls.company_b.id,
                    "date_from": "2024-01-01",
                    "date_to": "2024-06-30",
                }
            ),
            "debt.provision": provision,
            "debt.provision.line": B["debt.provision.line"].create(
                {"provision_id": provision.id, "partner_id": customer.id, "move_line_id": receivable.id}
            ),
            "debt.interest.line": B["debt.interest.line"].create(
                {
                    "company_id": cls.company_b.id,
                    "partner_id": customer.id,
                    "move_line_id": receivable.id,
                    "invoice_id": invoice.id,
                    "date_from": "2024-06-01",
                    "date_to": "2024-06-30",
                    "amount": 1.0,
                }
            ),
            "debt.period.summary": B["debt.period.summary"].search([("company_id", "=", cls.company_b.id)]),
            "debt.collection.forecast": B["debt.collection.forecast"].search(
                [("company_id", "=", cls.company_b.id)]
            ),
            "debt.kpi": B["debt.kpi"].search([("company_id", "=", cls.company_b.id)]),
            "debt.aged.balance": B["debt.aged.balance"].search([("company_id", "=", cls.company_b.id)]),
        }
        groups = (
            "base.group_user,account_debt_followup.group_credit_manager,account.group_account_readonly,"
            "sales_team.group_sale_salesman_all_leads"
        )
        cls.user_a = new_test_user(cls.env, login="rules_a", groups=groups, company_id=cls.company.id)
        cls.user_ab = new_test_user(
            cls.env,
            login="rules_ab",
            groups=groups,
            company_id=cls.company.id,
            company_ids=[Command.set((cls.company | cls.company_b).ids)],
        )

    def _company_models(self):
        """The models of this module whose records belong to a company."""
        return {
            name
            for name, model in self.env.registry.items()
            if model._original_module == "account_debt_followup"
            and not model._abstract
            and not model._transient
            and "company_id" in model._fields
            and model._fields["company_id"].store
        }

    def test_every_model_with_a_company_has_a_multi_company_rule(self):
        models = self._company_models()
        self.assertEqual(models, set(self.records_b), "each model with a company is tested below")
        for name in models:
            rules = self.env["ir.rule"].search([("model_id.model", "=", name), ("global", "=", True)])
            self.assertTrue(
                any("company_ids" in rule.domain_force for rule in rules), f"{name} has no multi-company rule"
            )

    def test_a_user_of_company_a_reads_nothing_of_company_b(self):
        for name, records in self.records_b.items():
            with self.subTest(model=name):
                self.assertTrue(records, f"no {name} record in company B to test")
                ids = records.ids
                Model = self.env[name]
                # the control: the same rights in both companies show them
                both = Model.with_user(self.user_ab).with_context(
                    allowed_company_ids=[self.company.id, self.company_b.id]
                )
                self.assertEqual(set(both.search([("id", "in", ids)]).ids), set(ids))
                for user in (self.user_a, self.user_ab):
                    as_a = Model.with_user(user).with_context(allowed_company_ids=[self.company.id])
                    self.assertFalse(as_a.search([("id", "in", ids)]))
                    if Model._auto:
                        with self.assertRaises(AccessError):
                            as_a.browse(ids).read(["company_id"])
                    else:  # a report's rows are computed for the user's companies: other rows, or none
                        try:
                            rows = as_a.browse(ids).read(["company_id"])
                        except (AccessError, MissingError):
                            rows = []
                        self.assertNotIn(self.company_b.id, [row["company_id"][0] for row in rows])


@tagged("post_install", "-at_install")
class TestDocumentsAndRoutes(DebtFollowupCommon, HttpCase):
    """Letters and statements sent to Alpha, then opened by everyone who should not read them, and
    the portal routes tried with other customers' ids, through real HTTP requests.

    Dates are relative to today: the HTTP server runs in another thread."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.alpha = cls.env["res.partner"].create(
            {"name": "Alpha Trading", "is_company": True, "email": "ar@alpha.example.com"}
        )
        cls.beta = cls.env["res.partner"].create({"name": "Beta Logistics", "is_company": True})
        cls.invoice_alpha = cls._create_invoice(
            cls.alpha, 1000.0, fields.Date.add(today, days=-40), due_date=fields.Date.add(today, days=-10)
        )
        cls.invoice_beta = cls._create_invoice(
            cls.beta, 777.0, fields.Date.add(today, days=-40), due_date=fields.Date.add(today, days=-10)
        )
        level = cls.env["debt.followup.level"].create(
            {
                "name": "Letter",
                "delay": 5,
                "send_letter": True,
                "mail_template_id": cls.env.ref("account_debt_followup.mail_template_followup_reminder").id,
            }
        )
        cls.history = cls.alpha.with_user(cls.credit_user)._debt_followup_execute(level, cls.company)
        cls.letter = cls.history.attachment_id
        cls.env["debt.statement.wizard"].with_user(cls.credit_user).create(
            {"partner_ids": [Command.set(cls.alpha.ids)], "date_to": today}
        ).action_send()
        cls.statement = cls.alpha.debt_followup_history_ids.filtered(
            lambda h: h.channels == "statement"
        ).attachment_id

        cls.employee = new_test_user(cls.env, login="plain_employee", groups="base.group_user")
        cls.credit_user_b = new_test_user(
            cls.env,
            login="credit_user_b",
            groups="base.group_user,account_debt_followup.group_credit_user",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.portal_alpha = new_test_user(cls.env, login="portal_alpha", groups="base.group_portal")
        cls.portal_alpha.partner_id.parent_id = cls.alpha

    def _login(self, user):
        self.authenticate(user.login, user.login + "x" * (8 - len(user.login)))

    def _documents(self):
        return self.letter | self.statement

    # ------------------------------------------------------------------ where they are kept
    def test_documents_are_kept_on_the_history_not_on_the_contact(self):
        self.assertEqual(len(self.letter), 1)
        self.assertEqual(len(self.statement), 1)
        for document in self._documents():
            self.assertEqual(document.res_model, "debt.followup.history")
            self.assertFalse(document.public)
            self.assertFalse(document.access_token)
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.alpha.id)]
            ),
            "nothing is attached to the contact",
        )
        # the customer still gets both, by email
        mails = self.env["mail.mail"].search([("recipient_ids", "in", self.alpha.ids)])
        self.assertEqual(mails.attachment_ids, self._documents())

    def test_contact_readers_see_the_message_but_cannot_open_the_documents(self):
        for user in (self.employee, self.billing_clerk, self.salesman_contacts, self.credit_user_b):
            with self.subTest(user=user.login):
                messages = self.alpha.with_user(user).message_ids
                sent = messages.filtered(lambda m: m.message_type == "comment")
                self.assertEqual(len(sent), 2, "the reminder and the statement are in the chatter")
                # the chatter names the documents (as it shows the email), their content is refused
                self.assertEqual(sent.attachment_ids, self._documents())
                for document in sent.attachment_ids:
                    with self.assertRaises(AccessError):
                        document.with_user(user).read(["raw"])
        # the credit controllers of the company do read them
        for document in self._documents():
            self.assertTrue(document.with_user(self.credit_user).raw.startswith(b"<"))

    def test_documents_over_http(self):
        for user in (
            self.employee,
            self.billing_clerk,
            self.salesman_contacts,
            self.credit_user_b,
            self.portal_alpha,
        ):
            self._login(user)
            for document in self._documents():
                with self.subTest(user=user.login, document=document.name):
                    response = self.url_open(f"/web/content/{document.id}?download=true")
                    self.assertEqual(response.status_code, 404)
                    self.assertNotIn(b"Alpha Trading", response.content)
        self._login(self.credit_user)
        for document in self._documents():
            response = self.url_open(f"/web/content/{document.id}?download=true")
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.content, document.raw)

    # ------------------------------------------------------------------ the portal routes
    def _csrf(self):
        page = self.url_open("/my/debt")
        self.assertEqual(page.status_code, 200)
        token = re.search(r'csrf_token: "([^"]+)"', page.text)
        self.assertTrue(token, "the page carries a CSRF token")
        return token.group(1)

    def _routes_refuse_other_customers(self, user):
        self._login(user)
        page = self.url_open(f"/my/debt?partner_id={self.beta.id}&company_id={self.company.id}")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("Beta Logistics", page.text)
        self.assertNotIn(self.invoice_beta.name, page.text)
        statement = self.url_open(
            f"/my/debt/statement?company_id={self.company.id}&partner_id={self.beta.id}"
        )
        self.assertEqual(statement.status_code, 200)
        self.assertNotIn(b"Beta Logistics", statement.content)  # tests render the report's HTML
        self.assertNotIn(self.invoice_beta.name.encode(), statement.content)
        self.assertEqual(self.url_open(f"/my/debt/statement?company_id={self.company_b.id}").status_code, 404)
        token = self._csrf()
        invoices = self.invoice_beta if user == self.portal_alpha else self.invoice_alpha | self.invoice_beta
        for invoice in invoices:
            response = self.url_open(
                f"/my/debt/invoice/{invoice.id}/promise",
                data={"promised_date": fields.Date.to_string(fields.Date.today()), "csrf_token": token},
                allow_redirects=False,
            )
            self.assertEqual(response.status_code, 404)
        self.assertFalse(
            self.env["debt.payment.promise"].search([("partner_id", "in", (self.alpha | self.beta).ids)])
        )
        return page

    def test_portal_customer_reaches_only_its_own_account(self):
        page = self._routes_refuse_other_customers(self.portal_alpha)
        self.assertIn(self.invoice_alpha.name, page.text, "the control: its own invoice is there")

    def test_employee_reaches_no_customer_account(self):
        page = self._routes_refuse_other_customers(self.employee)
        self.assertNotIn(self.invoice_alpha.name, page.text)
        self.assertIn("Nothing is due", page.text)
