# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import io
import shutil

import openpyxl
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import DebtFollowupCommon

STATEMENT = "account_debt_followup.report_statement"
LETTER = "account_debt_followup.report_followup_letter"
NETTING = "account_debt_followup.report_netting"
CONFIRMATION = "account_debt_followup.report_debt_confirmation"
AGED = "account_debt_followup.report_aged_balance"


@tagged("post_install", "-at_install")
class TestPrintTours(DebtFollowupCommon, HttpCase):
    """Every print, preview and export button of the module clicked in headless Chromium, by a
    credit controller working in English (a company in USD) and one working in Vietnamese (a
    company in VND, 0 decimals). What the server sends the browser is recorded as it leaves
    (``_render_qweb_pdf`` and the XLSX exports, called by the routes the browser asks) and read
    back: a PDF with pdftotext, an XLSX with openpyxl."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.today = fields.Date.today()
        layout = cls.env.ref("web.external_layout_standard")
        cls.company.write(
            {
                "name": "Tour Seller Inc",
                "vat": "US-TOUR-7",
                "street": "7 Harbour Road",
                "external_report_layout_id": layout.id,
            }
        )
        vnd = cls.env.ref("base.VND")
        vnd.active = True
        cls.company_vn = cls.setup_other_company(name="Công ty Tour Việt", currency_id=vnd.id)["company"]
        cls.company_vn.write({"vat": "0319999999", "external_report_layout_id": layout.id})
        cls.vnd = vnd
        cls.en = cls._print_data(cls.company, "en_US", 1000.0)
        cls.vi = cls._print_data(cls.company_vn, "vi_VN", 55500000.0)

    @classmethod
    def _days_ago(cls, days):
        return cls.today - relativedelta(days=days)

    @classmethod
    def _print_data(cls, company, lang, amount):
        """Two customers of ``company`` speaking ``lang``; Alpha owes two invoices, Beta one, and
        Alpha also sold us something (a bill, partly netted). A level of reminders, a netting
        and a debt confirmation sent to Alpha."""
        partners = cls.env["res.partner"].create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "lang": lang,
                    "email": f"{name.split()[-1].lower()}@tour.example",
                    "company_id": company.id,
                }
                for name in ("Tour Print Alpha", "Tour Print Beta")
            ]
        )
        alpha, beta = partners
        days = cls._days_ago
        invoices = (
            cls._create_invoice(alpha, amount, days(80), due_date=days(50), company=company)
            | cls._create_invoice(alpha, amount * 2, days(40), due_date=days(10), company=company)
            | cls._create_invoice(beta, amount * 3, days(40), due_date=days(10), company=company)
        )
        bill = cls._create_invoice(
            alpha, amount / 2, days(30), due_date=days(-10), move_type="in_invoice", company=company
        )
        template = cls.env.ref("account_debt_followup.mail_template_followup_reminder")
        cls.env["debt.followup.level"].create(
            {
                "name": "Tour letter",
                "delay": 1,
                "send_letter": True,
                "mail_template_id": template.id,
                "company_id": company.id,
            }
        )
        # a netting of half the bill: the rest is still owed to Alpha (a payable the aged
        # receivable must not show)
        Netting = cls.env["debt.netting"].with_company(company)
        items = (invoices[0] | bill).line_ids.filtered(
            lambda line: line.account_type in ("asset_receivable", "liability_payable")
        )
        journal = cls.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "general")], limit=1
        )
        netting = Netting._create_netting(
            alpha, company, company.currency_id, cls.today, journal, items, amount / 4
        )
        netting.action_post()
        confirmation = cls.env["debt.confirmation"].create(
            {"partner_id": alpha.id, "company_id": company.id, "date_from": days(365), "date_to": cls.today}
        )
        confirmation.sudo().state = "sent"  # as sending it does (the state is set by its buttons)
        user = new_test_user(
            cls.env,
            login=f"tour_printer_{lang[:2]}",
            name=f"Tour Printer {lang}",
            lang=lang,
            groups="base.group_user,account_debt_followup.group_credit_manager,account.group_account_user",
            company_id=company.id,
        )
        return {
            "company": company,
            "alpha": alpha,
            "beta": beta,
            "invoices": invoices,
            "bill": bill,
            "netting": netting,
            "confirmation": confirmation,
            "user": user,
        }

    def setUp(self):
        super().setUp()
        self.assertTrue(
            shutil.which("chromium") or shutil.which("google-chrome"), "Chromium is needed for the tours"
        )
        self._render_real_pdfs_in_requests()
        self.files = []
        Report = type(self.env["ir.actions.report"])
        render_pdf = Report._render_qweb_pdf

        def record_pdf(report, report_ref, res_ids=None, data=None):
            content, kind = render_pdf(report, report_ref, res_ids=res_ids, data=data)
            name = report._get_report(report_ref).report_name
            self.files.append(
                {"report": name, "res_ids": res_ids, "data": data, "kind": kind, "content": content}
            )
            return content, kind

        self.patch(Report, "_render_qweb_pdf", record_pdf)
        Export = type(self.env["debt.xlsx.export"])
        for method in ("_statement_xlsx", "_aged_xlsx"):
            self.patch(Export, method, self._recorder(Export, method))

    def _recorder(self, Export, method):
        original = getattr(Export, method)

        def record_xlsx(export, *args, **kwargs):
            content = original(export, *args, **kwargs)
            self.files.append({"report": method, "args": args, "kind": "xlsx", "content": content})
            return content

        return record_xlsx

    # ------------------------------------------------------------------ reading the files
    def _take(self, report):
        files = [file for file in self.files if file["report"] == report]
        self.assertEqual(len(files), 1, f"the browser got one {report}")
        self.files.remove(files[0])
        return files[0]

    def _pdf(self, report):
        file = self._take(report)
        self.assertEqual(file["kind"], "pdf")
        self.assertTrue(file["content"].startswith(b"%PDF"))
        text = self._pdf_text(file["content"])
        self.assertGreater(len(text.split()), 30, "the PDF is not blank")
        return file, text

    def _xlsx_rows(self, report, sheet):
        file = self._take(report)
        workbook = openpyxl.load_workbook(io.BytesIO(file["content"]))
        return list(workbook[sheet].iter_rows(values_only=True))

    def _open_receivable(self, data, partner):
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", data["company"].id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
            ]
        )
        return sum(lines.mapped("amount_residual"))

    def _money(self, data, amount):
        """An amount as the customer's documents write it."""
        lang = data["alpha"].lang
        return (
            self.env["res.lang"]
            ._lang_get(lang)
            .format("%.0f" if lang == "vi_VN" else "%.2f", amount, grouping=True)
        )

    # ------------------------------------------------------------------ the tours
    def _run_tours(self, data):
        user = data["user"].login
        # Print > Customer Statement on several customers of the Customers list
        self.start_tour(
            "/odoo/action-account.res_partner_action_customer?view_type=list",
            "account_debt_followup_print_from_customers",
            login=user,
        )
        file, text = self._pdf(STATEMENT)
        self.assertGreaterEqual(self._pdf_pages(file["content"]), 2, "a statement per customer")
        self.assertIn("Tour Print Alpha", text)
        self.assertIn("Tour Print Beta", text)
        self._assert_sender(data, text)
        for invoice in data["invoices"]:
            self.assertIn(invoice.name, text)

        # the customer's buttons: statement (open items, activity, XLSX) and reminder letter
        self.start_tour(
            f"/odoo/action-account.res_partner_action_customer/{data['alpha'].id}",
            "account_debt_followup_print_from_customer",
            login=user,
        )
        alpha_invoices = data["invoices"].filtered(lambda move: move.partner_id == data["alpha"])
        open_items = [
            file for file in self.files if file["report"] == STATEMENT and "date_from" not in file["data"]
        ]
        self.assertEqual(len(open_items), 1)
        self.files.remove(open_items[0])
        text = self._pdf_text(open_items[0]["content"])
        self._assert_sender(data, text)
        for invoice in alpha_invoices:
            self.assertIn(invoice.name, text)
        self.assertNotIn(data["invoices"][-1].name, text, "Beta's invoice is not on Alpha's statement")
        self.assertIn(self._money(data, self._open_receivable(data, data["alpha"])), text)

        _file, text = self._pdf(STATEMENT)  # the activity of the period
        self._assert_sender(data, text)
        for invoice in alpha_invoices:
            self.assertIn(invoice.name, text)
        self.assertIn(data["netting"].move_id.name, text, "the netting entry is a movement of the period")

        rows = self._xlsx_rows("_statement_xlsx", data["company"].currency_id.name)
        self.assertAlmostEqual(rows[-1][6], self._open_receivable(data, data["alpha"]), msg="the total row")
        self.assertEqual({row[0] for row in rows[1:-1]}, {"Tour Print Alpha"})

        _file, text = self._pdf(LETTER)
        self._assert_sender(data, text)
        for invoice in alpha_invoices:
            self.assertIn(invoice.name, text)

        # the aged receivable, filtered on a customer, nothing selected
        self.start_tour(
            "/odoo/action-account_debt_followup.debt_aged_receivable_action",
            "account_debt_followup_print_aged_balance",
            login=user,
        )
        on_screen = self._open_receivable(data, data["alpha"])
        rows = self._xlsx_rows("_aged_xlsx", data["company"].currency_id.name)
        self.assertEqual(
            [row[0] for row in rows[1:-1]], ["Tour Print Alpha"], "the list's search and grouping"
        )
        self.assertAlmostEqual(rows[-1][-2], on_screen, msg="the total of the list, without the payable")
        self.assertAlmostEqual(rows[1][-2], on_screen)
        _file, text = self._pdf(AGED)
        self._assert_sender(data, text)
        self.assertIn("Tour Print Alpha", text)
        self.assertNotIn("Tour Print Beta", text)
        self.assertIn(self._money(data, on_screen), text)

        # the minutes
        self.start_tour(
            f"/odoo/action-account_debt_followup.debt_netting_action/{data['netting'].id}",
            "account_debt_followup_print_netting",
            login=user,
        )
        _file, text = self._pdf(NETTING)
        self.assertIn(data["netting"].name, text)
        self.assertIn("Tour Print Alpha", text)
        self._assert_sender(data, text)
        self.start_tour(
            f"/odoo/action-account_debt_followup.debt_confirmation_action/{data['confirmation'].id}",
            "account_debt_followup_print_confirmation",
            login=user,
        )
        _file, text = self._pdf(CONFIRMATION)
        self.assertIn(data["confirmation"].name, text)
        for invoice in alpha_invoices:
            self.assertIn(invoice.name, text)
        self._assert_sender(data, text)
        self.assertFalse(self.files, "nothing else was sent")
        return text

    def _assert_sender(self, data, text):
        company = data["company"]
        self.assertIn(company.name, text, "the sender is named")
        self.assertIn(company.vat, text, "with its tax ID")

    def test_every_document_in_english(self):
        self._run_tours(self.en)

    def test_every_document_in_vietnamese_and_vnd(self):
        confirmation_text = self._run_tours(self.vi)
        self.assertIn("Hóa đơn", confirmation_text, "the kind of the documents in the customer's language")
        self.assertNotIn("55.500.000,00", confirmation_text, "VND has no decimals")
