# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json

from werkzeug.exceptions import BadRequest

from odoo import fields
from odoo.http import Controller, request, route


class DebtXlsxController(Controller):
    """The XLSX downloads of the statements, the aged balance and the summary of debts. The
    exports check that the user may see what is asked (``ir.actions.report._debt_check_access``)
    before reading."""

    @route("/account_debt_followup/xlsx/statement", type="http", auth="user", methods=["GET"])
    def debt_xlsx_statement(
        self, partner_ids="", company_id=None, date=None, account_type="asset_receivable", **kwargs
    ):
        if account_type not in ("asset_receivable", "liability_payable"):
            raise BadRequest()
        try:
            ids = [int(partner_id) for partner_id in partner_ids.split(",") if partner_id]
            company = (
                request.env["res.company"].browse(int(company_id)) if company_id else request.env.company
            )
            date = fields.Date.to_date(date) or fields.Date.context_today(request.env.user)
        except ValueError:
            raise BadRequest() from None
        partners = request.env["res.partner"].browse(ids)
        Export = request.env["debt.xlsx.export"]
        content = Export._statement_xlsx(partners, company, date, account_type)
        filename = request.env._("Statements %(date)s.xlsx", date=fields.Date.to_string(date))
        return request.make_response(content, headers=Export._xlsx_response_headers(content, filename))

    @route("/account_debt_followup/xlsx/aged_balance", type="http", auth="user", methods=["GET"])
    def debt_xlsx_aged_balance(
        self, domain="[]", groupby='["partner_id"]', debt_as_of=None, debt_aging_by=None, **kwargs
    ):
        try:
            domain, groupby = json.loads(domain), json.loads(groupby)
            as_of = fields.Date.to_date(debt_as_of)
        except ValueError:
            raise BadRequest() from None
        if not isinstance(domain, list) or debt_aging_by not in (None, "due", "date"):
            raise BadRequest()
        # the list as of a date, aged by due or document date (see debt.aged.balance)
        Export = request.env["debt.xlsx.export"].with_context(
            debt_as_of=as_of and fields.Date.to_string(as_of), debt_aging_by=debt_aging_by
        )
        content = Export._aged_xlsx(domain, groupby)
        filename = request.env._("Aged Balance.xlsx")
        return request.make_response(content, headers=Export._xlsx_response_headers(content, filename))

    @route("/account_debt_followup/xlsx/period_summary", type="http", auth="user", methods=["GET"])
    def debt_xlsx_period_summary(self, domain="[]", date_from=None, date_to=None, **kwargs):
        try:
            domain = json.loads(domain)
            date_from, date_to = fields.Date.to_date(date_from), fields.Date.to_date(date_to)
        except ValueError:
            raise BadRequest() from None
        if not isinstance(domain, list) or not date_from or not date_to:
            raise BadRequest()
        Export = request.env["debt.xlsx.export"]
        content = Export._period_summary_xlsx(domain, date_from, date_to)
        filename = request.env._(
            "Summary of Debts %(date_from)s %(date_to)s.xlsx",
            date_from=fields.Date.to_string(date_from),
            date_to=fields.Date.to_string(date_to),
        )
        return request.make_response(content, headers=Export._xlsx_response_headers(content, filename))
