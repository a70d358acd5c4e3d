# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json

from dateutil.relativedelta import relativedelta
from werkzeug.urls import url_encode

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from .debt_ledger import RECEIVABLE_PAYABLE
from .ir_actions_report import PERIOD_SUMMARY


class DebtPeriodSummary(models.Model):
    """Summary of debts of a period (bảng tổng hợp công nợ): per partner and account (131, 331
    with the Vietnamese chart), the opening balance, the movements and the closing balance, each
    balance on its debit or credit side.

    A database view over the ledger; the period is ``debt_date_from`` .. ``debt_date_to`` in the
    context (default: the current month up to today).
    """

    _name = "debt.period.summary"
    _description = "Summary of Debts"
    _auto = False
    _order = "account_id, partner_id, id"
    _rec_name = "partner_id"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", readonly=True)
    partner_ref = fields.Char(related="partner_id.ref", string="Partner Code")
    partner_category_ids = fields.Many2many(related="partner_id.category_id", string="Partner Tags")
    user_id = fields.Many2one(
        "res.users", string="Salesperson", readonly=True, help="The salesperson of the partner."
    )
    account_id = fields.Many2one("account.account", readonly=True)
    account_type = fields.Selection(
        [("asset_receivable", "Receivable"), ("liability_payable", "Payable")], readonly=True
    )
    date_from = fields.Date(string="From", readonly=True)
    date_to = fields.Date(string="To", readonly=True)
    opening_balance = fields.Monetary(readonly=True, help="Debit minus credit before the period.")
    opening_debit = fields.Monetary(readonly=True)
    opening_credit = fields.Monetary(readonly=True)
    debit = fields.Monetary(readonly=True, help="The debits of the period.")
    credit = fields.Monetary(readonly=True, help="The credits of the period.")
    closing_balance = fields.Monetary(readonly=True, help="Debit minus credit on the last day of the period.")
    closing_debit = fields.Monetary(readonly=True)
    closing_credit = fields.Monetary(readonly=True)

    # ------------------------------------------------------------------ period
    @api.model
    def _period(self):
        """``(date_from, date_to)`` of the context, checked."""
        context = self.env.context
        today = fields.Date.context_today(self)
        date_to = fields.Date.to_date(context.get("debt_date_to")) or today
        date_from = fields.Date.to_date(context.get("debt_date_from")) or date_to.replace(day=1)
        if date_from > date_to:
            raise UserError(self.env._("The period cannot end before it starts."))
        return date_from, date_to

    @api.model
    def _default_period(self):
        """Last month: what an accountant closes."""
        date_to = fields.Date.context_today(self).replace(day=1) - relativedelta(days=1)
        return date_to.replace(day=1), date_to

    @api.model
    def _period_name(self):
        date_from, date_to = self._period()
        return self.env._(
            "Summary of Debts %(date_from)s - %(date_to)s",
            date_from=format_date(self.env, date_from),
            date_to=format_date(self.env, date_to),
        )

    @property
    def _table_query(self):
        date_from, date_to = self._period()
        return self.env["debt.ledger"]._period_summary_sql(
            self.env.companies, date_from, date_to, account_types=RECEIVABLE_PAYABLE
        )

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        self.env["debt.ledger"]._flush()
        return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)

    @api.model
    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        self.env["debt.ledger"]._flush()
        # the rows' figures depend on the period of the context, their ids do not: forget the
        # figures read for another period
        self.invalidate_model()
        return super().search_fetch(domain, field_names, offset, limit, order)

    @api.model
    def _amount_field_names(self):
        return [
            "opening_debit",
            "opening_credit",
            "debit",
            "credit",
            "closing_debit",
            "closing_credit",
        ]

    # ------------------------------------------------------------------ buttons
    def _export_domain(self):
        """The records of the button's call, as the list shows them: the selection, else the
        list's search (the web client sends it as ``active_domain``)."""
        if self:
            return [("id", "in", self.ids)]
        return self.env.context.get("active_domain") or []

    def _report_data(self):
        date_from, date_to = self._period()
        return {
            "domain": self._export_domain(),
            "date_from": fields.Date.to_string(date_from),
            "date_to": fields.Date.to_string(date_to),
        }

    def action_export_xlsx(self):
        # the same check as the PDF's, before anything is read (see ir.actions.report)
        self.env["ir.actions.report"]._debt_check_access(PERIOD_SUMMARY, self.browse(), self.env.companies)
        query = url_encode({**self._report_data(), "domain": json.dumps(self._export_domain())})
        return {
            "type": "ir.actions.act_url",
            "url": f"/account_debt_followup/xlsx/period_summary?{query}",
            "target": "download",
        }

    def action_print_pdf(self):
        return self.env.ref("account_debt_followup.action_report_period_summary").report_action(
            self, data=self._report_data()
        )

    def _items_domain(self):
        self.ensure_one()
        return [
            ("partner_id.commercial_partner_id", "=", self.partner_id.id),
            ("account_id", "=", self.account_id.id),
            ("company_id", "=", self.company_id.id),
            ("parent_state", "=", "posted"),
            ("date", ">=", self.date_from),
            ("date", "<=", self.date_to),
        ]

    def action_open_items(self):
        """The journal items of the row's movements: the period's debits and credits."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "%(partner)s, %(account)s: %(date_from)s - %(date_to)s",
                partner=self.partner_id.display_name,
                account=self.account_id.code,
                date_from=format_date(self.env, self.date_from),
                date_to=format_date(self.env, self.date_to),
            ),
            "res_model": "account.move.line",
            "views": [(self.env.ref("account.view_move_line_tree").id, "list"), (False, "form")],
            "domain": self._items_domain(),
            "context": {"search_default_group_by_move": 0, "create": False},
        }
