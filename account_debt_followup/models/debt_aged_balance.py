# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json

from werkzeug.urls import url_encode

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

from .debt_ledger import RECEIVABLE_PAYABLE
from .ir_actions_report import AGED_BALANCE


class DebtAgedBalance(models.Model):
    """Open receivable and payable items with their aging bucket, for the aged balance screens.

    A database view: the buckets follow each company's aging setting, computed on the fly.
    """

    _name = "debt.aged.balance"
    _description = "Aged Receivable and Payable"
    _auto = False
    _order = "date_maturity, id"
    _rec_name = "move_id"

    partner_id = fields.Many2one("res.partner", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    move_line_id = fields.Many2one("account.move.line", readonly=True)
    account_type = fields.Selection(
        [("asset_receivable", "Receivable"), ("liability_payable", "Payable")], readonly=True
    )
    invoice_user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    date = fields.Date(readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    amount_residual = fields.Monetary(string="Total", readonly=True)
    amount_current = fields.Monetary(string="Current", readonly=True)
    amount_period_1 = fields.Monetary(string="Period 1", readonly=True)
    amount_period_2 = fields.Monetary(string="Period 2", readonly=True)
    amount_period_3 = fields.Monetary(string="Period 3", readonly=True)
    amount_period_4 = fields.Monetary(string="Period 4", readonly=True)
    amount_older = fields.Monetary(string="Older", readonly=True)

    @property
    def _table_query(self):
        """The ledger's open items of the user's companies, as of ``debt_as_of`` in the context
        (default: now, aged to today), aged by due date or, with ``debt_aging_by`` set to
        ``date``, by document date."""
        as_of = fields.Date.to_date(self.env.context.get("debt_as_of")) or None
        today = as_of or self.env["debt.ledger"]._today()
        age_from = SQL("date") if self.env.context.get("debt_aging_by") == "date" else SQL("due")
        bucket = SQL(
            """
            CASE WHEN days_overdue <= 0 THEN 0
                 WHEN days_overdue <= bound_1 THEN 1
                 WHEN days_overdue <= bound_2 THEN 2
                 WHEN days_overdue <= bound_3 THEN 3
                 WHEN days_overdue <= bound_4 THEN 4
                 ELSE 5 END
            """
        )
        columns = [
            SQL("CASE WHEN %s = %s THEN amount ELSE 0 END AS %s", bucket, index, SQL.identifier(name))
            for index, name in enumerate(self._bucket_field_names())
        ]
        return SQL(
            """
            SELECT aged.*, %(columns)s
              FROM (
                SELECT items.id, items.id AS move_line_id, items.move_id, items.company_id,
                       items.partner_id, items.company_currency_id AS currency_id, items.account_type,
                       items.invoice_user_id, items.date, items.due AS date_maturity,
                       %(today)s - items.%(age_from)s AS days_overdue,
                       CASE WHEN items.account_type = 'liability_payable'
                            THEN -items.residual ELSE items.residual END AS amount_residual,
                       CASE WHEN items.account_type = 'liability_payable'
                            THEN -items.residual ELSE items.residual END AS amount,
                       split_part(company.debt_aging_days, ',', 1)::int AS bound_1,
                       split_part(company.debt_aging_days, ',', 2)::int AS bound_2,
                       split_part(company.debt_aging_days, ',', 3)::int AS bound_3,
                       split_part(company.debt_aging_days, ',', 4)::int AS bound_4
                  FROM (%(items)s) items
                  JOIN res_company company ON company.id = items.company_id
              ) aged
            """,
            columns=SQL(", ").join(columns),
            today=today,
            age_from=age_from,
            items=self.env["debt.ledger"]._items(
                self.env.companies, as_of=as_of, today=today, account_types=RECEIVABLE_PAYABLE
            ),
        )

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        self.env["debt.ledger"]._flush()
        return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)

    @api.model
    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        self.env["debt.ledger"]._flush()
        return super().search_fetch(domain, field_names, offset, limit, order)

    @api.model
    def _bucket_field_names(self):
        return [
            "amount_current",
            "amount_period_1",
            "amount_period_2",
            "amount_period_3",
            "amount_period_4",
            "amount_older",
        ]

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        # the bucket columns are named after the current company's aging setting
        result = super().fields_get(allfields, attributes)
        labels = self.env["debt.statement"]._bucket_labels(self.env.company)
        for name, label in zip(self._bucket_field_names(), labels, strict=True):
            if "string" in result.get(name, {}):
                result[name]["string"] = label
        # The web client writes the totals of a group with the field's digits, not its
        # currency's (55,500,000.00 for VND): give it the digits of the companies' currency.
        currencies = self.env.companies.currency_id
        if len(currencies) == 1 and (attributes is None or "digits" in attributes):
            for name in [*self._bucket_field_names(), "amount_residual"]:
                if name in result:
                    result[name]["digits"] = [69, currencies.decimal_places]
        return result

    # ------------------------------------------------------------------ exports
    def _export_domain(self):
        """The records of the button's call, as the list shows them: the selection, else the
        list's search (the web client sends it as ``active_domain``)."""
        if self:
            return [("id", "in", self.ids)]
        return self.env.context.get("active_domain") or []

    @api.model
    def _export_groupby(self, groupby=None):
        """The list's grouping (the web client sends it as ``debt_groupby``), on fields of this
        model only."""
        if groupby is None:
            groupby = self.env.context.get("debt_groupby", ["partner_id"])
        if not isinstance(groupby, (list, tuple)):
            raise UserError(self.env._("The grouping of the aged balance is not valid."))
        for spec in groupby:
            name = spec.split(":")[0] if isinstance(spec, str) else None
            if name not in self._fields or not self._fields[name]._description_groupable(self.env):
                raise UserError(
                    self.env._("The aged balance cannot be grouped by %(field)s.", field=str(spec))
                )
        return list(groupby)

    @api.model
    def _debt_export_table(self, domain, groupby):
        """What the list shows for ``domain`` grouped by ``groupby``, for exports: per currency,
        one row per group of the last level (one per item without grouping) and the totals.

        :return: ``{"columns": [label], "amount_labels": [label], "sections": [{"currency",
            "rows": [(keys, amounts, days_overdue)], "totals": amounts}]}``, ``amounts`` being
            the aging buckets then the total.
        """
        amount_fields = [*self._bucket_field_names(), "amount_residual"]
        labels = self.fields_get(amount_fields, ["string"])
        amount_labels = [labels[name]["string"] for name in amount_fields]
        sections = {}
        if groupby:
            columns = [self._groupby_label(spec) for spec in groupby]
            groups = self.read_group(
                domain,
                [f"{name}:sum" for name in amount_fields] + ["days_overdue:max"],
                ["currency_id", *groupby],
                lazy=False,
            )
            for group in groups:
                keys = [self._group_key_label(spec, group[spec]) for spec in groupby]
                amounts = [group[name] or 0.0 for name in amount_fields]
                currency = self.env["res.currency"].browse(group["currency_id"][0])
                sections.setdefault(currency, []).append((keys, amounts, group["days_overdue"] or 0))
        else:
            columns = [
                self._fields[name]._description_string(self.env)
                for name in ("move_id", "partner_id", "date", "date_maturity")
            ]
            # what the list shows ungrouped: every item, read in one query
            items = self.search_fetch(
                domain,
                [
                    "move_id",
                    "partner_id",
                    "date",
                    "date_maturity",
                    "currency_id",
                    "days_overdue",
                    *amount_fields,
                ],
            )
            for item in items:
                keys = [
                    item.move_id.display_name,
                    item.partner_id.display_name or "",
                    format_date(self.env, item.date),
                    format_date(self.env, item.date_maturity),
                ]
                amounts = [item[name] for name in amount_fields]
                sections.setdefault(item.currency_id, []).append((keys, amounts, item.days_overdue))
        return {
            "columns": columns,
            "amount_labels": amount_labels,
            "sections": [
                {
                    "currency": currency,
                    "rows": rows,
                    "totals": [
                        currency.round(sum(row[1][index] for row in rows))
                        for index in range(len(amount_fields))
                    ],
                }
                for currency, rows in sorted(sections.items(), key=lambda pair: pair[0].name)
            ],
        }

    @api.model
    def _groupby_label(self, spec):
        name, _sep, granularity = spec.partition(":")
        label = self._fields[name]._description_string(self.env)
        return f"{label} ({granularity})" if granularity else label

    @api.model
    def _group_key_label(self, spec, value):
        """The label of a group's value as the list shows it."""
        field = self._fields[spec.partition(":")[0]]
        if value is False or value is None:
            return self.env._("None")
        if isinstance(value, tuple):  # many2one: (id, display name)
            return value[1]
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, value)
        if field.type == "date" and not isinstance(value, str):
            return format_date(self.env, value)
        return str(value)

    def action_export_xlsx(self):
        domain, groupby = self._export_domain(), self._export_groupby()
        # the same check as the PDF's, before anything is read (see ir.actions.report)
        self.env["ir.actions.report"]._debt_check_access(AGED_BALANCE, self.browse(), self.env.company)
        params = {"domain": json.dumps(domain), "groupby": json.dumps(groupby)}
        # the list as of a date, aged by due or document date (see _table_query)
        for key in ("debt_as_of", "debt_aging_by"):
            if self.env.context.get(key):
                params[key] = self.env.context[key]
        query = url_encode(params)
        return {
            "type": "ir.actions.act_url",
            "url": f"/account_debt_followup/xlsx/aged_balance?{query}",
            "target": "download",
        }

    def action_print_pdf(self):
        return self.env.ref("account_debt_followup.action_report_aged_balance").report_action(
            self, data={"domain": self._export_domain(), "groupby": self._export_groupby()}
        )


class ReportAgedBalance(models.AbstractModel):
    _name = "report.account_debt_followup.report_aged_balance"
    _description = "Aged Balance Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        """The aged balance of the records of ``data["domain"]`` (what the list shows), grouped
        as the list (``data["groupby"]``), or of ``docids`` grouped per partner."""
        data = data or {}
        Aged = self.env["debt.aged.balance"]
        if "domain" in data:
            domain = data["domain"]
        else:
            domain = [("id", "in", docids or [])]
        groupby = Aged._export_groupby(data.get("groupby", ["partner_id"]))
        table = Aged._debt_export_table(domain, groupby)
        return {
            "doc_ids": docids,
            "doc_model": "debt.aged.balance",
            "docs": Aged.browse(docids),
            "company": self.env.company,
            "table": table,
            # the totals of each currency, the aging buckets then the total
            "totals": [[section["currency"], *section["totals"]] for section in table["sections"]],
            "today": fields.Date.to_date(self.env.context.get("debt_as_of"))
            or fields.Date.context_today(self),
        }
