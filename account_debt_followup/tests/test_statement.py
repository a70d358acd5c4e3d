# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import io
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl
from freezegun import freeze_time

import odoo
import odoo.tools.pdf
from odoo import fields
from odoo.tests import Form, tagged

from .common import DebtFollowupCommon

TODAY = "2024-06-30"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestStatement(DebtFollowupCommon):
    """USD company, 1 USD = 2 EUR; today 2024-06-30."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Statement Co", "is_company": True, "email": "s@co.vn"}
        )
        with freeze_time(TODAY):
            cls.invoice = cls._create_invoice(cls.customer, 1000.0, "2024-05-01", due_date="2024-05-31")
            cls._register_payment(cls.invoice, 400.0, "2024-06-10")
            cls.eur_invoice = cls._create_invoice(
                cls.customer, 300.0, "2024-06-01", due_date="2024-06-15", currency=cls.eur
            )
            cls._create_invoice(
                cls.customer, 100.0, "2024-06-25", due_date="2024-06-25", move_type="out_refund"
            )
            disputed = cls._create_invoice(cls.customer, 50.0, "2024-06-01", due_date="2024-06-20")
        disputed.line_ids.filtered(lambda line: line.account_type == "asset_receivable").write(
            {"followup_excluded": True, "followup_exclusion_reason": "Disputed"}
        )

    def _ledger_balance(self, partner):
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "=", partner.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("company_id", "=", self.company.id),
            ]
        )
        return sum(lines.mapped("balance"))

    def test_statement_equals_the_partner_ledger(self):
        sections = self.env["debt.statement"]._get_open_items(
            self.customer, self.company, fields.Date.to_date(TODAY)
        )[self.customer.id]
        usd, eur = sections[self.currency], sections[self.eur]
        self.assertAlmostEqual(usd["total"], 550.0)  # 600 + 50 (disputed, still owed) - 100
        # overdue as on the customer's form: the disputed 50 is owed, not overdue
        self.assertAlmostEqual(usd["overdue"], 500.0)
        overdue_on_form = self.customer.with_company(self.company).debt_overdue_amount
        self.assertAlmostEqual(overdue_on_form, usd["overdue"] + eur["overdue"] / 2.0)  # EUR at 2.0
        self.assertAlmostEqual(eur["total"], 300.0)
        self.assertEqual([item["kind"] for item in eur["items"]], ["Invoice"])
        self.assertAlmostEqual(sections[None], 700.0)  # 550 + EUR 300 at 2.0
        self.assertAlmostEqual(sections[None], self._ledger_balance(self.customer))

    def test_aging_bucket_boundaries(self):
        partner = self.env["res.partner"].create({"name": "Buckets"})
        for due in ("2024-07-10", "2024-05-31", "2024-05-30", "2024-02-01"):  # current, 30 days, 31, 150
            self._create_invoice(partner, 100.0, "2024-01-01", due_date=due)
        section = self.env["debt.statement"]._get_open_items(
            partner, self.company, fields.Date.to_date(TODAY)
        )[partner.id][self.currency]
        self.assertEqual(section["buckets"], [100.0, 100.0, 100.0, 0.0, 0.0, 100.0])
        self.assertEqual(
            self.env["debt.statement"]._bucket_labels(self.company),
            ["Current", "1-30 days", "31-60 days", "61-90 days", "91-120 days", "Over 120 days"],
        )

    def test_aging_buckets_follow_the_company_setting(self):
        self.company.debt_aging_days = "15,30,45,60"
        partner = self.env["res.partner"].create({"name": "Short Buckets"})
        self._create_invoice(partner, 100.0, "2024-01-01", due_date="2024-06-10")  # 20 days
        section = self.env["debt.statement"]._get_open_items(
            partner, self.company, fields.Date.to_date(TODAY)
        )[partner.id][self.currency]
        self.assertEqual(section["buckets"], [0.0, 0.0, 100.0, 0.0, 0.0, 0.0])
        with self.assertRaises(odoo.exceptions.ValidationError):
            self.company.debt_aging_days = "30,20"

    def test_activity_statement_opening_plus_movements_is_closing(self):
        activity = self.env["debt.statement"]._get_activity(
            self.customer, self.company, fields.Date.to_date("2024-06-01"), fields.Date.to_date(TODAY)
        )[self.customer.id]
        self.assertAlmostEqual(activity["opening"], 1000.0)
        movements = sum(line["balance"] for line in activity["lines"])
        self.assertAlmostEqual(movements, -400.0 + 150.0 - 100.0 + 50.0)
        self.assertAlmostEqual(activity["closing"], activity["opening"] + movements)
        self.assertAlmostEqual(activity["closing"], self._ledger_balance(self.customer))

    def test_statement_xlsx_opens_with_its_totals(self):
        content = self.env["debt.xlsx.export"]._statement_xlsx(
            self.customer, self.company, fields.Date.to_date(TODAY)
        )
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        self.assertEqual(sorted(workbook.sheetnames), ["EUR", "USD"])
        usd = workbook["USD"]
        self.assertEqual(usd.freeze_panes, "A2")
        rows = list(usd.iter_rows(values_only=True))
        self.assertEqual(rows[0][0], "Customer")
        self.assertEqual(rows[-1][0], "Total")
        self.assertAlmostEqual(rows[-1][6], 550.0)
        self.assertAlmostEqual(list(workbook["EUR"].iter_rows(values_only=True))[-1][6], 300.0)

    def test_aged_balance_screen_and_xlsx(self):
        Aged = self.env["debt.aged.balance"]
        domain = [("partner_id", "=", self.customer.id), ("account_type", "=", "asset_receivable")]
        rows = Aged.search(domain)
        self.assertAlmostEqual(sum(rows.mapped("amount_residual")), 700.0)
        buckets = sum(sum(rows.mapped(name)) for name in Aged._bucket_field_names())
        self.assertAlmostEqual(buckets, 700.0)
        workbook = openpyxl.load_workbook(io.BytesIO(self.env["debt.xlsx.export"]._aged_xlsx(domain)))
        last = list(workbook[self.currency.name].iter_rows(values_only=True))[-1]
        self.assertEqual(last[0], "Total")
        self.assertAlmostEqual(last[7], 700.0)
        self.assertIn("1-30 days", Aged.fields_get(["amount_period_1"])["amount_period_1"]["string"])

    def test_batch_of_20_queues_20_mails_and_reports_who_has_no_email(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Batch {i}", "is_company": True, "email": f"batch{i}@example.vn"} for i in range(20)]
        )
        for partner in partners:
            self._create_invoice(partner, 100.0, "2024-06-01", due_date="2024-06-15")
        no_email = self.env["res.partner"].create({"name": "Silent Co", "is_company": True})
        wizard = Form(
            self.env["debt.statement.wizard"].with_context(
                active_model="res.partner", active_ids=(partners | no_email).ids
            )
        ).save()
        wizard.action_send()
        mails = self.env["mail.mail"].search([("recipient_ids", "in", partners.ids)])
        self.assertEqual(len(mails), 20)
        self.assertEqual(len(mails.attachment_ids), 20)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        self.assertIn("Statements queued for 20 customers", wizard.result)
        self.assertIn("Silent Co", wizard.result)

    def test_amount_in_words_for_vietnamese_customers(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.customer.lang = "vi_VN"
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "account_debt_followup.action_report_statement",
                self.customer.ids,
                data={"company_id": self.company.id, "date_to": TODAY},
            )[0]
            .decode()
        )
        self.assertIn("Năm Trăm Năm Mươi", html)  # USD 550

    def test_statements_of_several_customers_print_as_one_pdf(self):
        self._render_real_pdfs()
        other = self.env["res.partner"].create({"name": "Second Co", "is_company": True})
        self._create_invoice(other, 80.0, "2024-06-01", due_date="2024-06-15")
        wizard = Form(
            self.env["debt.statement.wizard"].with_context(
                active_model="res.partner", active_ids=(self.customer | other).ids
            )
        ).save()
        # a document layout is chosen (else Odoo asks for one first, the test user is an admin)
        self.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        action = wizard.action_print()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertCountEqual(action["context"]["active_ids"], (self.customer | other).ids)
        # what the web client then asks: the report with the action's data as options and its
        # context, no ids (see web/static/src/webclient/actions/reports/utils.js)
        data = dict(json.loads(json.dumps(action["data"], default=str)), context=action["context"])
        content, kind = (
            self.env["ir.actions.report"]
            .with_context(action["context"], force_report_rendering=True)
            ._render_qweb_pdf(action["report_name"], None, data=data)
        )
        self.assertEqual(kind, "pdf")
        self.assertEqual(len(odoo.tools.pdf.OdooPdfFileReader(io.BytesIO(content)).pages), 2)
        text = self._pdf_text(content)
        self.assertIn(self.invoice.name, text)
        self.assertIn("Second Co", text)

    def test_statement_renders_as_a_real_pdf(self):
        self._render_real_pdfs()
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "account_debt_followup.action_report_statement",
                self.customer.ids,
                data={"company_id": self.company.id, "date_to": TODAY},
            )
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        pdftoppm = shutil.which("pdftoppm")
        self.assertTrue(pdftoppm, "poppler-utils (pdftoppm) is needed to check the layout")
        with tempfile.TemporaryDirectory() as folder:
            Path(folder, "statement.pdf").write_bytes(pdf)
            subprocess.run(
                [pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", "statement.pdf", "page"],
                cwd=folder,
                check=True,
            )
            pages = list(Path(folder).glob("page*.png"))
            self.assertEqual(len(pages), 1)
            self.assertGreater(pages[0].stat().st_size, 5000)
