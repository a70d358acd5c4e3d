# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import re

import lxml.html
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.account_debt_followup.models import ir_actions_report_batch

from .common import DebtFollowupCommon

TODAY = "2024-07-01"
STATEMENT = "account_debt_followup.action_report_statement"
MARKER = re.compile(r"ADF[0-9A-F]+[RE]\d+Z")


@tagged("post_install", "-at_install")
class TestPdfBatch(DebtFollowupCommon):
    """Several customers' statements in one wkhtmltopdf run, split back per customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.long_co = Partner.create({"name": "Long Statement Co", "is_company": True})
        cls.short_co = Partner.create({"name": "Short Statement Co", "is_company": True})
        cls.nothing_co = Partner.create({"name": "Nothing Due Co", "is_company": True})
        cls.vn = cls._setup_vn_company()
        cls.vn_co = Partner.create({"name": "Công ty Bình Minh", "is_company": True})
        cls.vn_other = Partner.create({"name": "Công ty Hoàng Hà", "is_company": True})
        with freeze_time(TODAY):
            # enough items for a statement of several pages
            cls.long_invoices = [
                cls._create_invoice(cls.long_co, 100.0 + day, f"2024-05-{day:02d}", due_date="2024-06-15")
                for day in range(1, 29)
            ] + [
                cls._create_invoice(cls.long_co, 200.0 + day, f"2024-04-{day:02d}", due_date="2024-05-15")
                for day in range(1, 29)
            ]
            cls.short_invoice = cls._create_invoice(cls.short_co, 80.0, "2024-06-01", due_date="2024-06-15")
            cls.vn_invoice = cls._create_invoice(
                cls.vn_co, 12_500_000, "2024-06-01", "2024-06-15", company=cls.vn
            )
            cls._create_invoice(cls.vn_other, 3_000_000, "2024-06-03", "2024-06-20", company=cls.vn)
        cls.env.user.company_ids += cls.vn

    def setUp(self):
        super().setUp()
        self._render_real_pdfs()
        # one document layout chosen (else Odoo asks for one first)
        for company in self.company | self.vn:
            company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        Report = type(self.env["ir.actions.report"])
        run = Report._run_wkhtmltopdf
        self.wkhtmltopdf_runs = []

        def counting_run(report, bodies, *args, **kwargs):
            self.wkhtmltopdf_runs.append(len(bodies))
            return run(report, bodies, *args, **kwargs)

        self.patch(Report, "_run_wkhtmltopdf", counting_run)

    def _alone(self, partner, company):
        content, _kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(STATEMENT, partner.ids, data={"company_id": company.id, "date_to": TODAY})
        )
        return content

    def _words(self, content):
        """The words of a PDF, without the batch's marker (white text of 2 pixels)."""
        return MARKER.sub("", self._pdf_text(content)).split()

    def test_batch_in_one_run_gives_each_customer_its_own_document(self):
        partners = self.long_co | self.short_co | self.nothing_co
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        batch = Report._debt_render_pdf_per_record(
            STATEMENT, partners.ids, data={"company_id": self.company.id, "date_to": TODAY}
        )
        self.assertEqual(self.wkhtmltopdf_runs, [1], "one wkhtmltopdf run, one HTML body")
        self.assertEqual(list(batch), partners.ids)
        self.assertGreaterEqual(self._pdf_pages(batch[self.long_co.id]), 2, "a statement of several pages")
        self.assertEqual(self._pdf_pages(batch[self.short_co.id]), 1)
        self.assertEqual(self._pdf_pages(batch[self.nothing_co.id]), 1)
        texts = {partner_id: " ".join(self._words(content)) for partner_id, content in batch.items()}
        self.assertIn(self.long_invoices[0].name, texts[self.long_co.id])
        self.assertIn(self.long_invoices[-1].name, texts[self.long_co.id])
        self.assertIn(self.short_invoice.name, texts[self.short_co.id])
        self.assertIn("Nothing is due", texts[self.nothing_co.id])
        for partner in partners:
            for other in partners - partner:
                self.assertNotIn(other.name, texts[partner.id], "pages of two customers mixed")
        # the same words as the statement rendered alone, page for page
        for partner in partners:
            alone = self._alone(partner, self.company)
            self.assertEqual(self._pdf_pages(alone), self._pdf_pages(batch[partner.id]), partner.name)
            self.assertEqual(self._words(alone), self._words(batch[partner.id]), partner.name)
        self.assertEqual(len(self.wkhtmltopdf_runs), 4)

    def test_split_reads_the_markers_without_pdftotext_too(self):
        """Without poppler's pdftotext on the server, the pages' text is read in Python: same split."""
        partners = self.long_co | self.short_co
        data = {"company_id": self.company.id, "date_to": TODAY}
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        with_poppler = Report._debt_render_pdf_per_record(STATEMENT, partners.ids, data=dict(data))
        in_python = Report.with_context(debt_pdf_text_in_python=True)._debt_render_pdf_per_record(
            STATEMENT, partners.ids, data=dict(data)
        )
        self.assertEqual(self.wkhtmltopdf_runs, [1, 1])
        for partner in partners:
            self.assertEqual(
                self._pdf_pages(in_python[partner.id]), self._pdf_pages(with_poppler[partner.id])
            )
            self.assertEqual(self._words(in_python[partner.id]), self._words(with_poppler[partner.id]))

    def test_batch_of_a_vnd_company(self):
        partners = self.vn_co | self.vn_other
        self.env["res.lang"]._activate_lang("vi_VN")
        self.vn_co.lang = "vi_VN"
        Report = self.env["ir.actions.report"].with_company(self.vn).with_context(force_report_rendering=True)
        batch = Report._debt_render_pdf_per_record(
            STATEMENT, partners.ids, data={"company_id": self.vn.id, "date_to": TODAY}
        )
        self.assertEqual(self.wkhtmltopdf_runs, [1])
        text = " ".join(self._words(batch[self.vn_co.id]))
        self.assertIn("12.500.000", text)  # VND, no decimals, Vietnamese separators
        self.assertNotIn("Hoàng Hà", text)
        self.assertIn("3,000,000", " ".join(self._words(batch[self.vn_other.id])))
        for partner in partners:
            alone = Report.with_company(self.vn)._render_qweb_pdf(
                STATEMENT, partner.ids, data={"company_id": self.vn.id, "date_to": TODAY}
            )[0]
            self.assertEqual(self._words(alone), self._words(batch[partner.id]), partner.name)

    def test_download_of_several_statements_is_one_run(self):
        """The web client's download (``_render_qweb_pdf`` of many ids) merges the split
        documents: one run, the customers one after the other."""
        partners = self.short_co | self.long_co
        content, kind = (
            self.env["ir.actions.report"]
            .with_user(self.credit_user)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(STATEMENT, partners.ids, data={"company_id": self.company.id, "date_to": TODAY})
        )
        self.assertEqual((kind, self.wkhtmltopdf_runs), ("pdf", [1]))
        words = " ".join(self._words(content))
        self.assertLess(words.index(self.short_invoice.name), words.index(self.long_invoices[0].name))

    def test_contact_gets_its_company_document(self):
        contact = self.env["res.partner"].create({"name": "Ms Short", "parent_id": self.short_co.id})
        batch = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._debt_render_pdf_per_record(
                STATEMENT,
                [contact.id, self.nothing_co.id],
                data={"company_id": self.company.id, "date_to": TODAY},
            )
        )
        self.assertEqual(list(batch), [contact.id, self.nothing_co.id])
        self.assertIn(self.short_invoice.name, " ".join(self._words(batch[contact.id])))

    def test_batch_refuses_customers_the_user_may_not_read(self):
        # a customer of the VND company only: the credit controller of the main company cannot read it
        self.vn_co.company_id = self.vn
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        data = {"company_id": self.company.id, "date_to": TODAY}
        with self.assertRaises(AccessError):
            Report.with_user(self.credit_user)._debt_render_pdf_per_record(
                STATEMENT, (self.short_co | self.vn_co).ids, data=data
            )
        # nor its statement computed in the VND company, a company the user is not in
        with self.assertRaises(AccessError):
            Report.with_user(self.credit_user)._debt_render_pdf_per_record(
                STATEMENT, self.short_co.ids, data={"company_id": self.vn.id, "date_to": TODAY}
            )
        # a salesperson who edits contacts, a plain salesperson: no customer's ledger
        for user in (self.salesman_contacts, self.salesman):
            with self.assertRaises(AccessError):
                Report.with_user(user)._debt_render_pdf_per_record(STATEMENT, self.short_co.ids, data=data)
        self.assertEqual(self.wkhtmltopdf_runs, [], "refused before anything is rendered")
        batch = Report.with_user(self.credit_user)._debt_render_pdf_per_record(
            STATEMENT, self.short_co.ids, data=data
        )
        self.assertIn(self.short_invoice.name, " ".join(self._words(batch[self.short_co.id])))

    def test_no_split_without_markers(self):
        """A document without its marker (a template of another module) or a PDF where the
        markers are not found is not split: the caller renders one record per run instead."""
        html = b'<html><body><main><div class="article"><p>No marker</p></div></main></body></html>'
        Report = self.env["ir.actions.report"]
        self.assertIsNone(Report._debt_batch_html(html, "ABC")[1])
        alone = self._alone(self.short_co, self.company)
        self.assertIsNone(Report._debt_split_pdf(alone, "ABC", [self.short_co.id]))

    def test_long_address_keeps_its_first_pages(self):
        """A customer whose address fills the first page of its statement (a street a
        salesperson or the customer on the portal can edit) keeps that page: it does not go to the
        customer before it in the batch."""
        street = " ".join(f"Lô {number} Khu công nghiệp Tân Tạo" for number in range(400))
        wordy = self.env["res.partner"].create(
            {"name": "Wordy Street Co", "is_company": True, "street": street}
        )
        with freeze_time(TODAY):
            wordy_invoice = self._create_invoice(wordy, 90.0, "2024-06-02", due_date="2024-06-16")
        partners = self.short_co | wordy
        data = {"company_id": self.company.id, "date_to": TODAY}
        batch = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._debt_render_pdf_per_record(STATEMENT, partners.ids, data=dict(data))
        )
        self.assertEqual(self.wkhtmltopdf_runs, [1], "split in one run")
        short_text = " ".join(self._words(batch[self.short_co.id]))
        self.assertNotIn("Wordy Street Co", short_text)
        self.assertNotIn("Tân Tạo", short_text)
        self.assertEqual(self._pdf_pages(batch[self.short_co.id]), 1)
        wordy_pages = self._pdf_text(batch[wordy.id]).split("\f")
        self.assertIn("Wordy Street Co", wordy_pages[0], "its name on its own first page")
        self.assertIn("Tân Tạo", wordy_pages[0])
        self.assertIn(wordy_invoice.name, " ".join(self._words(batch[wordy.id])))
        for partner in partners:
            alone = self._alone(partner, self.company)
            self.assertEqual(self._pdf_pages(alone), self._pdf_pages(batch[partner.id]), partner.name)
            self.assertEqual(self._words(alone), self._words(batch[partner.id]), partner.name)

    def test_markers_hold_no_record_id(self):
        partners = self.long_co | self.short_co
        batch = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._debt_render_pdf_per_record(
                STATEMENT, partners.ids, data={"company_id": self.company.id, "date_to": TODAY}
            )
        )
        for index, partner in enumerate(partners):
            markers = re.findall(
                r"ADF[0-9A-F]+([RE])(\d+)Z", "".join(self._pdf_text(batch[partner.id]).split())
            )
            self.assertEqual(sorted(markers), [("E", str(index)), ("R", str(index))], partner.name)

    def test_split_refuses_a_document_starting_on_the_previous_ones_last_page(self):
        html = (
            b'<html><body><main><div class="article"><span class="o_debt_batch_marker" data-res-id="7"/>'
            b"<p>First</p></div>"
            b'<div class="article"><span class="o_debt_batch_marker" data-res-id="9"/><p>Second</p></div>'
            b"</main></body></html>"
        )
        Report = self.env["ir.actions.report"]
        marked, order = Report._debt_batch_html(html, "ABC")
        self.assertEqual(order, [7, 9])
        # the start marker first in each article, before anything else, the end marker last
        articles = lxml.html.fromstring(marked).xpath("//div[@class='article']")
        self.assertEqual(
            [(a[0].text, a[-1].text) for a in articles],
            [("ADFABCR0Z", "ADFABCE0Z"), ("ADFABCR1Z", "ADFABCE1Z")],
        )
        # both documents on one page (no page break): not split
        content = Report.with_context(force_report_rendering=True)._run_wkhtmltopdf([marked])
        self.assertIn("ADFABCR1Z", "".join(self._pdf_text(content).split()))
        self.assertIsNone(Report._debt_split_pdf(content, "ABC", order))

    def test_statements_of_many_customers_are_rendered_in_chunks(self):
        self.patch(ir_actions_report_batch, "BATCH_CHUNK", 2)
        partners = self.long_co | self.short_co | self.nothing_co
        batch = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._debt_render_pdf_per_record(
                STATEMENT, partners.ids, data={"company_id": self.company.id, "date_to": TODAY}
            )
        )
        self.assertEqual(self.wkhtmltopdf_runs, [1, 1])
        self.assertEqual(list(batch), partners.ids)
        self.assertIn("Nothing is due", " ".join(self._words(batch[self.nothing_co.id])))

    def test_patched_qt_renders_one_record_per_run(self):
        """A wkhtmltopdf with patched Qt would give every document the first one's header and
        footer in a merged body: each record is rendered by Odoo's own rendering instead."""
        self.patch(ir_actions_report_batch, "_wkhtmltopdf_patched_qt", lambda: True)
        partners = self.long_co | self.short_co
        batch = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._debt_render_pdf_per_record(
                STATEMENT, partners.ids, data={"company_id": self.company.id, "date_to": TODAY}
            )
        )
        self.assertEqual(self.wkhtmltopdf_runs, [1, 1])
        self.assertIn(self.short_invoice.name, " ".join(self._words(batch[self.short_co.id])))

    def test_only_customer_documents_are_split(self):
        with self.assertRaises(UserError):
            self.env["ir.actions.report"]._debt_render_pdf_per_record(
                "account_debt_followup.action_report_aged_balance", self.short_co.ids
            )
