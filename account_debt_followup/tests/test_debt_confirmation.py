# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import io

from freezegun import freeze_time

import odoo
import odoo.tools.pdf
from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import DebtFollowupCommon

TODAY = "2024-06-30"
DATE_FROM = fields.Date.to_date("2024-03-01")
DATE_TO = fields.Date.to_date("2024-05-31")


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDebtConfirmation(DebtFollowupCommon):
    """USD company; the period is 2024-03-01 to 2024-05-31. Confirm Co has:

    - an invoice of 1,000 before the period (2024-02-10): the opening balance;
    - invoices of 500 (03-05) and 300 (04-10) and a payment of 600 (04-20) in it;
    - an invoice of 200 after it (06-15), which no figure may count.

    Opening 1,000 + debits 800 - credits 600 = closing 1,200.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Confirm Co", "is_company": True, "email": "accounts@confirm.example.vn"}
        )
        cls.accountant = cls.env["res.partner"].create(
            {"name": "Chief Accountant", "parent_id": cls.customer.id, "email": "chief@confirm.example.vn"}
        )
        with freeze_time(TODAY):
            first = cls._create_invoice(cls.customer, 1000.0, "2024-02-10", due_date="2024-03-10")
            cls._create_invoice(cls.customer, 500.0, "2024-03-05", due_date="2024-04-05")
            cls._create_invoice(cls.customer, 300.0, "2024-04-10", due_date="2024-05-10")
            cls._register_payment(first, 600.0, "2024-04-20")
            cls.late_invoice = cls._create_invoice(cls.customer, 200.0, "2024-06-15", due_date="2024-07-15")
        cls.Confirmation = cls.env["debt.confirmation"]

    def _confirmation(self, partner=None, env=None):
        env = env or self.env
        return env["debt.confirmation"].create(
            {"partner_id": (partner or self.customer).id, "date_from": DATE_FROM, "date_to": DATE_TO}
        )

    def _customer_with_invoice(self, name, email=True):
        partner = self.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "email": email and f"{name.lower().replace(' ', '.')}@example.vn",
            }
        )
        self._create_invoice(partner, 100.0, "2024-04-01", due_date="2024-05-01")
        return partner

    def _ledger_balance(self, partner, date_to):
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "child_of", partner.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("company_id", "=", self.company.id),
                ("date", "<=", date_to),
            ]
        )
        return sum(lines.mapped("balance"))

    def _answer(self, confirmation, result, env=None, **values):
        env = env or self.env
        action = confirmation.with_env(env)._action_response_wizard(result)
        with Form(env[action["res_model"]].with_context(**action["context"])) as wizard:
            for name, value in values.items():
                setattr(wizard, name, value)
        return wizard.record.action_record()

    # ------------------------------------------------------------------ figures
    def test_figures_equal_the_partner_ledger(self):
        confirmation = self._confirmation(env=self.env(user=self.credit_user))
        self.assertEqual(confirmation.company_id, self.company)
        self.assertRegex(confirmation.name, r"^DC/2024/\d{5}$")
        self.assertEqual(confirmation.state, "draft")
        self.assertAlmostEqual(confirmation.opening_balance, 1000.0)
        self.assertAlmostEqual(confirmation.period_debit, 800.0)
        self.assertAlmostEqual(confirmation.period_credit, 600.0)
        self.assertAlmostEqual(confirmation.closing_balance, 1200.0)
        self.assertAlmostEqual(
            confirmation.opening_balance + confirmation.period_debit - confirmation.period_credit,
            confirmation.closing_balance,
        )
        self.assertAlmostEqual(confirmation.closing_balance, self._ledger_balance(self.customer, DATE_TO))
        self.assertAlmostEqual(
            confirmation.opening_balance,
            self._ledger_balance(self.customer, fields.Date.to_date("2024-02-29")),
        )

    def test_figures_are_kept_once_sent_and_refreshed_while_draft(self):
        confirmation = self._confirmation()
        self._create_invoice(self.customer, 50.0, "2024-05-20", due_date="2024-06-20")  # posted late
        self.assertAlmostEqual(confirmation.closing_balance, 1200.0, "the minute keeps its creation figures")
        confirmation.action_refresh_figures()
        self.assertAlmostEqual(confirmation.period_debit, 850.0)
        self.assertAlmostEqual(confirmation.closing_balance, 1250.0)
        confirmation._send_by_email()
        self._create_invoice(self.customer, 70.0, "2024-05-21", due_date="2024-06-21")
        confirmation.action_refresh_figures()
        self.assertAlmostEqual(confirmation.closing_balance, 1250.0, "a sent minute keeps what was sent")
        with self.assertRaises(odoo.exceptions.UserError):
            confirmation.date_to = "2024-06-30"

    def test_minute_is_for_the_customer_not_its_contact_and_a_real_period(self):
        with self.assertRaises(ValidationError):
            self._confirmation(partner=self.accountant)
        with self.assertRaises(ValidationError):
            self.Confirmation.create(
                {"partner_id": self.customer.id, "date_from": DATE_TO, "date_to": DATE_FROM}
            )

    def test_each_company_numbers_its_minutes(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        first_a = self._confirmation()
        second_a = self._confirmation()
        first_b = self.Confirmation.with_company(company_b).create(
            {"partner_id": self.customer.id, "date_from": DATE_FROM, "date_to": DATE_TO}
        )
        number = lambda confirmation: int(confirmation.name.rsplit("/", 1)[1])  # noqa: E731
        self.assertEqual(number(second_a), number(first_a) + 1)
        self.assertEqual(number(first_b), 1, "company B starts its own numbering")
        self.assertEqual(first_b.company_id, company_b)
        self.assertAlmostEqual(first_b.closing_balance, 0.0, "company A's invoices are not company B's debt")

    # ------------------------------------------------------------------ batch
    def test_batch_creates_one_minute_per_customer_and_reports_the_skipped(self):
        other = self._customer_with_invoice("Second Co")
        silent = self._customer_with_invoice("Silent Co", email=False)
        idle = self.env["res.partner"].create(
            {"name": "Idle Co", "is_company": True, "email": "idle@example.vn"}
        )
        env = self.env(user=self.credit_user)
        wizard_form = Form(
            env["debt.confirmation.wizard"].with_context(
                active_model="res.partner",
                active_ids=(self.customer | self.accountant | other | silent | idle).ids,
            )
        )
        self.assertEqual(wizard_form.date_from, fields.Date.to_date("2024-01-01"))
        self.assertEqual(wizard_form.date_to, fields.Date.to_date("2024-05-31"), "the end of last month")
        wizard_form.send_email = True
        wizard = wizard_form.save()
        wizard.action_create()
        confirmations = wizard.confirmation_ids
        self.assertEqual(confirmations.partner_id, self.customer | other | silent)
        self.assertEqual(len(confirmations), 3, "one minute per customer, its contact adds none")
        self.assertAlmostEqual(
            confirmations.filtered(lambda c: c.partner_id == self.customer).closing_balance, 1200.0
        )
        self.assertIn("Debt confirmations created: 3", wizard.result)
        self.assertIn("Idle Co", wizard.result)
        self.assertIn("Sent by email: 2", wizard.result)
        self.assertIn("no email address: Silent Co", wizard.result)
        self.assertEqual(
            {c.partner_id.name: c.state for c in confirmations},
            {"Confirm Co": "sent", "Second Co": "sent", "Silent Co": "draft"},
        )
        action = wizard.action_open_confirmations()
        self.assertEqual(env["debt.confirmation"].search(action["domain"]), confirmations)

    def test_batch_queries_do_not_grow_with_the_number_of_customers(self):
        # tracking on, as in production: the chatter of a new minute must not cost queries per minute
        env = self.env(user=self.credit_user, context=dict(self.env.context, tracking_disable=False))
        customers = [self._customer_with_invoice(f"Batch {index}") for index in range(11)]
        idle = self.env["res.partner"].create({"name": "Idle Batch", "is_company": True})

        def count(partners):
            wizard = env["debt.confirmation.wizard"].create(
                {
                    "partner_ids": [fields.Command.set((partners | idle).ids)],
                    "date_from": DATE_FROM,
                    "date_to": DATE_TO,
                }
            )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            wizard.action_create()
            self.env.flush_all()
            queries = self.cr.sql_log_count - before
            self.assertEqual(len(wizard.confirmation_ids), len(partners))
            return queries

        Partner = self.env["res.partner"]
        count(customers[0])  # warms Odoo's caches (access rights, rules, sequence)
        two = count(Partner.concat(*customers[1:3]))
        ten = count(Partner.concat(*customers[1:11]))
        self.assertEqual(ten, two, "the queries of a batch do not depend on its number of customers")

    # ------------------------------------------------------------------ sending
    def test_sending_queues_an_email_with_the_minute_attached(self):
        confirmation = self._confirmation(env=self.env(user=self.credit_user))
        confirmation.action_send()
        self.assertEqual(confirmation.state, "sent")
        mail = self.env["mail.mail"].search(
            [("model", "=", "debt.confirmation"), ("res_id", "=", confirmation.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing", "queued, sent by the mail queue")
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertIn(confirmation.name, mail.subject)
        self.assertIn("1,200.00", mail.body_html)
        self.assertEqual(mail.attachment_ids.mapped("name"), [f"Debt Confirmation {confirmation.name}.pdf"])
        self.assertEqual(mail.attachment_ids.res_model, "debt.confirmation")

    def test_sending_without_email_address_fails_clearly(self):
        silent = self._customer_with_invoice("Silent Co", email=False)
        confirmation = self._confirmation(partner=silent)
        with self.assertRaises(odoo.exceptions.UserError) as error:
            confirmation.action_send()
        self.assertIn("no email address: Silent Co", str(error.exception))
        self.assertEqual(confirmation.state, "draft")

    # ------------------------------------------------------------------ answer
    def test_confirmed_records_date_and_contact_and_shows_on_the_customer(self):
        confirmation = self._confirmation()
        confirmation._send_by_email()
        env = self.env(user=self.credit_user)
        self._answer(
            confirmation,
            "confirmed",
            env=env,
            response_date=fields.Date.to_date("2024-06-20"),
            response_contact_id=self.accountant.with_env(env),
        )
        self.assertEqual(confirmation.state, "confirmed")
        self.assertEqual(confirmation.response_date, fields.Date.to_date("2024-06-20"))
        self.assertEqual(confirmation.response_contact_id, self.accountant)
        self.assertEqual(confirmation.difference, 0.0)
        older = self.Confirmation.create(
            {"partner_id": self.customer.id, "date_from": "2024-01-01", "date_to": "2024-02-29"}
        )
        customer = self.customer.with_user(self.credit_user)
        self.assertEqual(customer.debt_confirmation_count, 2)
        self.assertEqual(
            customer.debt_confirmation_last_id, confirmation, "the latest period, not the latest record"
        )
        self.assertEqual(customer.debt_confirmation_last_state, "confirmed")
        self.assertEqual(customer.debt_confirmation_last_date, DATE_TO)
        self.assertEqual(self.accountant.with_user(self.credit_user).debt_confirmation_last_id, confirmation)
        self.assertEqual(customer.debt_confirmation_ids, confirmation | older)
        action = customer.action_open_debt_confirmations()
        self.assertEqual(self.Confirmation.search(action["domain"]), confirmation | older)

    def test_dispute_needs_the_customer_balance_or_a_note(self):
        confirmation = self._confirmation()
        with self.assertRaises(ValidationError):
            self._answer(confirmation, "disputed")  # the customer's balance is ours, no note
        self.assertEqual(confirmation.state, "draft")
        self._answer(confirmation, "disputed", customer_balance=900.0, response_contact_id=self.accountant)
        self.assertEqual(confirmation.state, "disputed")
        self.assertAlmostEqual(confirmation.difference, 300.0)
        other = self._confirmation()
        self._answer(other, "disputed", note="Invoice of 2024-04-10 not received")
        self.assertEqual(other.state, "disputed")
        self.assertEqual(other.note, "Invoice of 2024-04-10 not received")
        with self.assertRaises(ValidationError):
            self._answer(
                other, "confirmed", response_contact_id=self.env["res.partner"].create({"name": "Stranger"})
            )

    # ------------------------------------------------------------------ access
    def test_credit_user_sees_only_its_companies_minutes(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        self._create_invoice(self.customer, 400.0, "2024-04-01", due_date="2024-05-01", company=company_b)
        minute_b = self.Confirmation.with_company(company_b).create(
            {"partner_id": self.customer.id, "date_from": DATE_FROM, "date_to": DATE_TO}
        )
        self.assertAlmostEqual(minute_b.closing_balance, 400.0)
        minute_a = self._confirmation()
        Confirmation = self.Confirmation.with_user(self.credit_user)
        self.assertEqual(Confirmation.search([("partner_id", "=", self.customer.id)]), minute_a)
        with self.assertRaises(AccessError):
            minute_b.with_user(self.credit_user).read(["closing_balance"])
        self.assertEqual(self.customer.with_user(self.credit_user).debt_confirmation_count, 1)
        with self.assertRaises(AccessError):
            minute_a.with_user(self.credit_user).unlink()
        minute_a.with_user(self.credit_manager).unlink()
        self.assertFalse(minute_a.exists())

    # ------------------------------------------------------------------ PDF
    def test_minute_renders_as_a_real_pdf(self):
        self._render_real_pdfs()
        self.company.vat = "0312345678"
        self.customer.write({"vat": "0109876543", "street": "Số 12 đường Lê Lợi", "city": "Hà Nội"})
        confirmation = self._confirmation()
        content, kind = (
            self.env["ir.actions.report"]
            .with_user(self.credit_user)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("account_debt_followup.action_report_debt_confirmation", confirmation.ids)
        )
        self.assertEqual(kind, "pdf")
        text = self._pdf_text(content)
        for expected in (
            "Debt Confirmation Minute",
            confirmation.name,
            self.company.name,
            "Confirm Co",
            "0312345678",
            "0109876543",
            "Số 12 đường Lê Lợi",
            "Opening balance",
            "1,000.00",
            "Closing balance",
            "1,200.00",
            "We confirm the balance above",
            "We disagree",
            "Seller Representative",
            "Customer Representative",
        ):
            self.assertIn(expected, text)
        self.assertNotIn(self.late_invoice.name, text, "the invoice after the period is not listed")

    def test_several_minutes_print_as_one_pdf_in_one_run(self):
        self._render_real_pdfs()
        other = self._customer_with_invoice("Second Co")
        confirmations = self._confirmation() | self._confirmation(partner=other)
        Report = type(self.env["ir.actions.report"])
        run_wkhtmltopdf = Report._run_wkhtmltopdf
        runs = []

        def count_runs(report, bodies, *args, **kwargs):
            runs.append(len(bodies))
            return run_wkhtmltopdf(report, bodies, *args, **kwargs)

        self.patch(Report, "_run_wkhtmltopdf", count_runs)
        content, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("account_debt_followup.action_report_debt_confirmation", confirmations.ids)
        )
        self.assertEqual(kind, "pdf")
        text = self._pdf_text(content)
        self.assertIn(confirmations[0].name, text)
        self.assertIn(confirmations[1].name, text)
        self.assertIn("Second Co", text)
        # one wkhtmltopdf run of one HTML body (Debian's renders one document a run), split per minute
        self.assertEqual(runs, [1], "both minutes in one wkhtmltopdf run")
        self.assertEqual(len(odoo.tools.pdf.OdooPdfFileReader(io.BytesIO(content)).pages), 2)
        first, second = (
            self._pdf_text(document)
            for document in self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._debt_render_pdf_per_record(
                "account_debt_followup.action_report_debt_confirmation", confirmations.ids
            )
            .values()
        )
        self.assertIn(confirmations[0].name, first)
        self.assertNotIn(confirmations[1].name, first)
        self.assertIn(confirmations[1].name, second)
        self.assertNotIn(confirmations[0].name, second)
