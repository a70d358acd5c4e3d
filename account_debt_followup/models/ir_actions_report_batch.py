# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import io
import logging
import re
import secrets
import shutil
import subprocess
from collections import OrderedDict
from functools import lru_cache

import lxml.html

from odoo import api, models, tools
from odoo.exceptions import UserError

from odoo.addons.base.models.ir_actions_report import PdfFileReader, PdfFileWriter, _get_wkhtmltopdf_bin

_logger = logging.getLogger(__name__)

# the documents rendered in one wkhtmltopdf run at most (a whole company's monthly statements)
BATCH_CHUNK = 50


@lru_cache(maxsize=1)
def _wkhtmltopdf_patched_qt():
    """Whether the server's wkhtmltopdf is a build "with patched qt" (read from ``--version``, as
    Odoo reads the version at start-up)."""
    try:
        out = subprocess.run(
            [_get_wkhtmltopdf_bin(), "--version"], capture_output=True, check=False, timeout=60
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return b"patched qt" in out.lower()


ARTICLE_XPATH = "//div[contains(concat(' ', normalize-space(@class), ' '), ' article ')]"
MARKER_XPATH = ".//*[contains(concat(' ', normalize-space(@class), ' '), ' o_debt_batch_marker ')]"


class IrActionsReport(models.Model):
    """Several customers' documents in one wkhtmltopdf run, split back per customer.

    Debian's wkhtmltopdf (unpatched Qt) renders one HTML document per run and writes no
    outlines, so Odoo's own split (one body per record, cut at the outlines) does not work with
    it. Here the documents of the batch are put one after the other into one body, each starting
    on a new page, with a start marker as the article's first child and an end marker as its
    last: texts of a few white pixels, unique to the run, holding the document's rank in the run
    (the ``o_debt_batch_marker`` span of our templates only says which record an article is). A
    document gets the pages from its start marker to its end marker; any doubt (a document
    starting on the page where the previous one ends) falls back to one run per record."""

    _inherit = "ir.actions.report"

    @api.model
    def _debt_render_pdf_per_record(self, report, res_ids, data=None):
        """The PDF of each of ``res_ids`` printed with ``report``, rendered in one wkhtmltopdf run.

        The user must be allowed to print every record (``_debt_prepare_rendering``, the check of
        every print of this module). Customer documents are about commercial partners: a contact
        gets its company's document.

        :return: ``{res_id: pdf bytes}``, in the order of ``res_ids``; a record for which the
            report writes no document at all is left out.
        """
        report = self._get_report(report)
        if report.report_name not in self._debt_one_record_per_run():
            raise UserError(
                self.env._(
                    "The report %(report)s cannot be printed customer by customer.", report=report.name
                )
            )
        ids = list(dict.fromkeys([res_ids] if isinstance(res_ids, int) else res_ids))
        renderer, printed_ids = self._debt_prepare_rendering(report, ids, data)
        data = dict(data or {}, report_type="pdf")
        streams = renderer._debt_pdf_batch_streams(report, printed_ids, data)
        # the document of each id asked: its commercial partner's for a contact
        records = self.env[report.model].sudo().browse(ids)  # sudo: ids only, checked above
        printed = {
            record.id: (record.commercial_partner_id.id if report.model == "res.partner" else record.id)
            for record in records
        }
        return {
            res_id: streams[printed_id].getvalue()
            for res_id, printed_id in printed.items()
            if streams.get(printed_id) is not None
        }

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """Several records of our customer documents: one run for all (the access is checked by
        ``_render_qweb_pdf`` before); a report set to keep its PDFs as attachments keeps Odoo's
        behaviour, one record per run."""
        report = self._get_report(report_ref)
        if (
            report.report_name not in self._debt_one_record_per_run()
            or not res_ids
            or len(set(res_ids)) < 2
            or report.attachment
        ):
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        data = dict(data or {}, report_type="pdf")
        streams = self._debt_pdf_batch_streams(report, list(dict.fromkeys(res_ids)), data)
        return OrderedDict(
            (res_id, {"stream": stream, "attachment": None}) for res_id, stream in streams.items()
        )

    # ------------------------------------------------------------------ rendering and split
    def _debt_pdf_batch_streams(self, report, res_ids, data):
        """``{res_id: BytesIO of its PDF}`` of ``res_ids``, rendered in one wkhtmltopdf run per
        chunk of ``BATCH_CHUNK`` records. Access is not checked here: callers check it first.

        With a wkhtmltopdf "with patched qt" (Odoo's recommended build), the merged body would give
        every document the first one's header and footer and count the pages across the batch:
        there each record is rendered in its own run, by Odoo's own rendering."""
        if (tools.config["test_enable"] or tools.config["test_file"]) and not self.env.context.get(
            "force_report_rendering"
        ):
            # as Odoo's own rendering in tests: the HTML of each record, no wkhtmltopdf
            return OrderedDict(
                (res_id, io.BytesIO(self._render_qweb_html(report.report_name, [res_id], data=dict(data))[0]))
                for res_id in res_ids
            )
        if self.get_wkhtmltopdf_state() == "install":
            raise UserError(
                self.env._("Unable to find Wkhtmltopdf on this system. The PDF can not be created.")
            )
        if _wkhtmltopdf_patched_qt():
            _logger.info("wkhtmltopdf with patched Qt: one run per record for %s", report.report_name)
            return self._debt_pdf_streams_one_by_one(report, res_ids, data)
        streams = OrderedDict()
        for start in range(0, len(res_ids), BATCH_CHUNK):
            streams.update(self._debt_pdf_batch_chunk(report, res_ids[start : start + BATCH_CHUNK], data))
        return streams

    def _debt_pdf_batch_chunk(self, report, res_ids, data):
        renderer = self.with_context(debug=False)
        html = renderer._render_qweb_html(report.report_name, res_ids, data=dict(data))[0]
        nonce = secrets.token_hex(6).upper()
        html, order = self._debt_batch_html(html, nonce)
        if order is None:
            _logger.info("Report %s has no batch markers: one wkhtmltopdf run per record", report.report_name)
            return self._debt_pdf_streams_one_by_one(report, res_ids, data)
        bodies, _html_ids, header, footer, paperformat_args = report.with_context(debug=False)._prepare_html(
            html, report_model=report.model
        )
        content = renderer._run_wkhtmltopdf(
            [self._debt_merge_bodies(bodies)],
            report_ref=report.report_name,
            header=header,
            footer=footer,
            landscape=self.env.context.get("landscape"),
            specific_paperformat_args=paperformat_args,
            set_viewport_size=self.env.context.get("set_viewport_size"),
        )
        split = self._debt_split_pdf(content, nonce, order)
        if split is None:
            _logger.info(
                "Report %s: the batch could not be split, one wkhtmltopdf run per record", report.report_name
            )
            return self._debt_pdf_streams_one_by_one(report, res_ids, data)
        return OrderedDict((res_id, split[res_id]) for res_id in res_ids if res_id in split)

    def _debt_pdf_streams_one_by_one(self, report, res_ids, data):
        streams = OrderedDict()
        for res_id in res_ids:
            # one id: Odoo's own rendering (see _render_qweb_pdf_prepare_streams)
            stream = self._render_qweb_pdf_prepare_streams(report.report_name, dict(data), res_ids=[res_id])
            streams[res_id] = stream[res_id]["stream"]
        return streams

    @api.model
    def _debt_batch_html(self, html, nonce):
        """``html`` (one ``article`` per record) with a start marker ``ADF<nonce>R<index>Z`` as the
        very first child of each article and an end marker ``ADF<nonce>E<index>Z`` as its last
        child (``index``: the document's rank in the run, so no internal id is printed). The
        ``o_debt_batch_marker`` span of the template only tells which record the article is.

        :return: ``(html, [res_id, ...])`` in the order of the documents, or ``(html, None)`` when
            a document has no marker (a template of another module).
        """
        root = lxml.html.fromstring(html, parser=lxml.html.HTMLParser(encoding="utf-8"))
        articles = root.xpath(ARTICLE_XPATH)
        order = []
        for index, article in enumerate(articles):
            markers = article.xpath(MARKER_XPATH)
            if not markers or not markers[0].get("data-res-id", "").isdigit():
                return html, None
            order.append(int(markers[0].get("data-res-id")))
            for marker in markers:
                marker.getparent().remove(marker)
            # out of the flow (takes no room), where the article starts and where it ends; in a
            # system font: an unpatched Qt draws the layout's web fonts as shapes, without text
            style = (
                "position: absolute; color: #ffffff; font-size: 2px; font-family: 'DejaVu Sans', sans-serif;"
            )
            start = lxml.html.Element("span", {"class": "o_debt_batch_start", "style": style})
            start.text = f"ADF{nonce}R{index}Z"
            end = lxml.html.Element("span", {"class": "o_debt_batch_end", "style": style})
            end.text = f"ADF{nonce}E{index}Z"
            article.insert(0, start)
            article.append(end)
        if not articles or len(set(order)) != len(order):
            return html, None
        return lxml.html.tostring(root, encoding="unicode"), order

    @api.model
    def _debt_merge_bodies(self, bodies):
        """The HTML documents ``bodies`` (one article each, from ``_prepare_html``) as one: the
        first one's page with every article after its own, each on a new page. Each article keeps
        its classes and styles, so a document looks as it does alone."""
        first = lxml.html.document_fromstring(bodies[0])
        anchor = first.xpath(ARTICLE_XPATH)[-1]
        for body in bodies[1:]:
            for article in lxml.html.document_fromstring(body).xpath(ARTICLE_XPATH):
                article.set("style", "page-break-before: always; " + article.get("style", ""))
                anchor.addnext(article)
                anchor = article
        return lxml.html.tostring(first.getroottree(), encoding="unicode", doctype="<!DOCTYPE html>")

    @api.model
    def _debt_split_pdf(self, content, nonce, order):
        """The pages of ``content`` per record: from the page of its start marker to the page of
        its end marker. ``None`` (the caller then renders record by record) unless each marker is
        found once, the first document starts on the first page, the last ends on the last page
        and every document starts on the page right after the previous one's end (never on the
        same page: a page break lost would mix two customers)."""
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        pattern = re.compile(rf"ADF{nonce}([RE])(\d+)Z")
        texts = self._debt_pdf_page_texts(content, reader)
        if len(texts) != len(reader.pages):
            return None
        pages = {}
        for number, text in enumerate(texts):
            for kind, index in pattern.findall("".join(text.split())):
                if (kind, int(index)) in pages:
                    return None
                pages[kind, int(index)] = number
        expected = {(kind, index) for kind in "RE" for index in range(len(order))}
        if not order or set(pages) != expected:
            return None
        previous_end = -1
        for index in range(len(order)):
            first, last = pages["R", index], pages["E", index]
            if first != previous_end + 1 or last < first:
                return None
            previous_end = last
        if previous_end != len(reader.pages) - 1:
            return None
        split = {}
        for index, res_id in enumerate(order):
            writer = PdfFileWriter()
            for number in range(pages["R", index], pages["E", index] + 1):
                writer.add_page(reader.pages[number])
            stream = io.BytesIO()
            writer.write(stream)
            split[res_id] = stream
        return split

    @api.model
    def _debt_pdf_page_texts(self, content, reader):
        """The text of each page of the PDF ``content``: with poppler's ``pdftotext`` when the
        server has it (one run for every page, ten times faster than reading the text in Python,
        which would cost more than wkhtmltopdf itself), else with the PDF library."""
        pdftotext = shutil.which("pdftotext") if not self.env.context.get("debt_pdf_text_in_python") else None
        if pdftotext:
            try:
                result = subprocess.run(
                    [pdftotext, "-q", "-enc", "UTF-8", "-", "-"],
                    input=content,
                    capture_output=True,
                    check=True,
                    timeout=600,
                )
                # a form feed after each page
                return result.stdout.decode("utf-8", "replace").split("\f")[: len(reader.pages)]
            except (OSError, subprocess.SubprocessError) as error:
                _logger.info("pdftotext failed (%s): the text is read in Python", error)
        return [page.extract_text() for page in reader.pages]
