# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import OrderedDict

from odoo import api, models
from odoo.exceptions import AccessError, MissingError, UserError

from .res_partner import DEBT_GROUPS

STATEMENT = "account_debt_followup.report_statement"
LETTER = "account_debt_followup.report_followup_letter"
NETTING = "account_debt_followup.report_netting"
CONFIRMATION = "account_debt_followup.report_debt_confirmation"
AGED_BALANCE = "account_debt_followup.report_aged_balance"
PERIOD_SUMMARY = "account_debt_followup.report_period_summary"
PROVISION = "account_debt_followup.report_provision"
DEBT_REPORTS = {STATEMENT, LETTER, NETTING, CONFIRMATION, AGED_BALANCE, PERIOD_SUMMARY, PROVISION}
# the reports of a list's lines: what the list shows when nothing is selected, one document
LIST_REPORTS = {AGED_BALANCE, PERIOD_SUMMARY}
# the company's own books: never a portal user's
STAFF_REPORTS = LIST_REPORTS | {PROVISION}
# what a customer may see of its own documents: a minute once it was sent to it
PORTAL_STATES = {NETTING: ("posted",), CONFIRMATION: ("sent", "confirmed", "disputed")}


class IrActionsReport(models.Model):
    """Every report of this module goes through ``_debt_prepare_rendering``: it finds the
    records to print (the ids given, or those of the web client's context) and checks that the
    user may see them, before any figure is computed (the reports read the ledger with SQL, which
    access rights do not filter)."""

    _inherit = "ir.actions.report"

    @api.model
    def _debt_one_record_per_run(self):
        """Reports rendered one record per wkhtmltopdf run then merged: the wkhtmltopdf of Debian
        (unpatched Qt) fails to render several documents in one run."""
        return DEBT_REPORTS - LIST_REPORTS

    # ------------------------------------------------------------------ rendering
    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        report = self._get_report(report_ref)
        if report.report_name not in DEBT_REPORTS:
            return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
        renderer, res_ids = self._debt_prepare_rendering(report, res_ids, data)
        return super(IrActionsReport, renderer)._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)

    @api.model
    def _render_qweb_html(self, report_ref, docids, data=None):
        report = self._get_report(report_ref)
        if report.report_name not in DEBT_REPORTS:
            return super()._render_qweb_html(report_ref, docids, data=data)
        renderer, docids = self._debt_prepare_rendering(report, docids, data)
        return super(IrActionsReport, renderer)._render_qweb_html(report_ref, docids, data=data)

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        report = self._get_report(report_ref)
        if report.report_name not in self._debt_one_record_per_run() or not res_ids or len(set(res_ids)) < 2:
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        streams = OrderedDict()
        for res_id in dict.fromkeys(res_ids):
            streams.update(super()._render_qweb_pdf_prepare_streams(report_ref, dict(data), res_ids=[res_id]))
        return streams

    @api.model
    def _debt_render_pdf_per_record(self, report_ref, res_ids, data=None):
        """``{res_id: pdf bytes}``: one PDF of ``report_ref`` per record, for the batches of the
        scheduled runs (the monthly statements), called once per batch.

        A simple loop for now, one rendering per record; the batch renderer (one wkhtmltopdf
        run for the batch, split per record) replaces this body. A record whose PDF cannot be
        rendered may be left out: the caller renders it again on its own and records the error
        on that customer only.
        """
        return {
            res_id: self._render_qweb_pdf(report_ref, [res_id], data=dict(data or {}))[0]
            for res_id in dict.fromkeys(res_ids)
        }

    # ------------------------------------------------------------------ records and access
    @api.model
    def _debt_prepare_rendering(self, report, res_ids, data):
        """The records ``report`` prints, once the user is proven to may see them.

        Ids come from ``res_ids`` (server code, ``/report/pdf/<report>/<ids>``) or, when the web
        client sends a report action with data (``/report/pdf/<report>?options=...&context=...``),
        from the ``active_ids`` of that context. The customer documents are about commercial
        partners: a contact prints its company's statement, once.

        :return: ``(renderer, ids)``: the ``ir.actions.report`` to render with (as superuser
            for a portal user's own documents, which its access rights do not cover) and the ids.
        :raise AccessError: when the user may not see one of the records.
        """
        data = data or {}
        if res_ids:
            ids = [res_ids] if isinstance(res_ids, int) else list(res_ids)
        else:
            ids = (data.get("context") or {}).get("active_ids") or []
        company_id = data.get("company_id")
        try:
            ids = [int(record_id) for record_id in ids]
            companies = self.env["res.company"].browse(int(company_id)) if company_id else self.env.company
        except (TypeError, ValueError):
            raise AccessError(self.env._("These documents cannot be printed.")) from None
        # sudo: existence and commercial partners only; what the user may see is decided below
        records = self.env[report.model].sudo().browse(ids).exists()
        if len(records) != len(set(ids)):
            if self.env.su or self.env.user._is_internal():
                raise MissingError(self.env._("Some of these documents were deleted."))
            raise self._debt_refusal()  # whether a record exists is not told to a portal user
        if report.model == "res.partner":
            records = records.commercial_partner_id
        ids = list(dict.fromkeys(records.ids))
        if not ids and report.report_name not in LIST_REPORTS:
            # the web client asked without ids: a blank document would hide the mistake
            raise UserError(self.env._("Nothing to print: no customer or minute was given."))
        sudo_needed = self._debt_check_access(report.report_name, records.sudo(False), companies)
        renderer = self.sudo() if sudo_needed else self
        return renderer, ids

    @api.model
    def _debt_refusal(self):
        return AccessError(
            self.env._("You are not allowed to see these customers' statements, reminders or minutes.")
        )

    @api.model
    def _debt_check_access(self, report_name, records, companies):
        """Whether the user may print ``records`` of the report ``report_name`` computed in
        ``companies``: credit controllers and accountants the records they can read, in their
        companies; a portal user the documents of its own commercial partner. Raises otherwise.

        :return: ``True`` when the rendering needs superuser rights (a portal user's own
            documents), ``False`` when the user's own rights are enough.
        """
        if self.env.su:
            return False  # a superuser call (portal routes, crons) decided already
        user = self.env.user
        refused = self._debt_refusal()
        record_companies = records.sudo().company_id if "company_id" in records._fields else companies
        # the companies the user works in now (the web client's selection), as record rules do
        allowed = self.env.companies if user._is_internal() else user.company_ids
        if (companies | record_companies) - allowed:
            raise refused
        if user._is_internal():
            if not any(user.has_group(group) for group in DEBT_GROUPS.split(",")):
                raise refused
            try:
                records.check_access("read")
            except AccessError:
                raise refused from None
            return False
        # a portal user: its own commercial partner's customer documents, once sent
        own = user.partner_id.commercial_partner_id
        if report_name in STAFF_REPORTS or not records:
            raise refused
        records_sudo = records.sudo()
        partners = records_sudo if records._name == "res.partner" else records_sudo.partner_id
        if partners.commercial_partner_id != own:
            raise refused
        if report_name in PORTAL_STATES and any(
            record.state not in PORTAL_STATES[report_name] for record in records_sudo
        ):
            raise refused
        return True
