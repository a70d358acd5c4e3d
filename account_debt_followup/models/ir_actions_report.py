# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import OrderedDict

from odoo import api, models

ONE_RECORD_PER_RUN = {
    "account_debt_followup.report_debt_confirmation",
    "account_debt_followup.report_netting",
}


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    def _debt_one_record_per_run(self):
        """Reports rendered one record per wkhtmltopdf run then merged: the wkhtmltopdf of Debian
        (unpatched Qt) fails to render several documents in one run."""
        return ONE_RECORD_PER_RUN

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        report = self._get_report(report_ref)
        if report.report_name not in self._debt_one_record_per_run() or not res_ids or len(set(res_ids)) < 2:
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        streams = OrderedDict()
        for res_id in dict.fromkeys(res_ids):
            streams.update(super()._render_qweb_pdf_prepare_streams(report_ref, dict(data), res_ids=[res_id]))
        return streams
