# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import io

import xlsxwriter

from odoo import api, fields, models
from odoo.http import content_disposition

from ..models.ir_actions_report import AGED_BALANCE, PERIOD_SUMMARY, STATEMENT


class DebtXlsxExport(models.AbstractModel):
    """XLSX files of statements and aged balances, written row by row (xlsxwriter's constant
    memory mode): the memory used does not grow with the number of rows."""

    _name = "debt.xlsx.export"
    _description = "Debt XLSX Exports"

    @api.model
    def _workbook(self):
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
        formats = {
            "header": workbook.add_format(
                {"bold": True, "bg_color": "#E9ECEF", "border": 1, "text_wrap": True}
            ),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "total": workbook.add_format({"bold": True, "top": 1}),
        }
        return buffer, workbook, formats

    @api.model
    def _money_format(self, workbook, currency, bold=False):
        decimals = "0" if not currency.decimal_places else "0." + "0" * currency.decimal_places
        return workbook.add_format({"num_format": f"#,##{decimals}", "bold": bold})

    @api.model
    def _sheet(self, workbook, formats, name, headers, widths):
        sheet = workbook.add_worksheet(name[:31])
        sheet.freeze_panes(1, 0)
        for column, (header, width) in enumerate(zip(headers, widths, strict=True)):
            sheet.set_column(column, column, width)
            sheet.write(0, column, header, formats["header"])
        return sheet

    @api.model
    def _statement_xlsx(self, partners, company, date, account_type="asset_receivable"):
        """Open items of ``partners`` on ``date`` (suppliers': what we owe, with ``account_type``
        payable): one sheet per currency."""
        partners = partners.commercial_partner_id
        # the same check as the statement's PDF, before anything is read (see ir.actions.report)
        if self.env["ir.actions.report"]._debt_check_access(STATEMENT, partners, company):
            # sudo: a portal user's own statement, checked just above; its rights do not cover the
            # currencies and names read
            return self.sudo()._write_statement_xlsx(partners.sudo(), company.sudo(), date, account_type)
        return self._write_statement_xlsx(partners, company, date, account_type)

    @api.model
    def _write_statement_xlsx(self, partners, company, date, account_type="asset_receivable"):
        items = self.env["debt.statement"]._get_open_items(partners, company, date, account_type=account_type)
        by_currency = {}
        for partner in partners.commercial_partner_id:
            for currency, section in items.get(partner.id, {}).items():
                if currency:
                    by_currency.setdefault(currency, []).append((partner, section))
        buffer, workbook, formats = self._workbook()
        headers = [
            self.env._("Customer") if account_type == "asset_receivable" else self.env._("Supplier"),
            self.env._("Document"),
            self.env._("Reference"),
            self.env._("Date"),
            self.env._("Due Date"),
            self.env._("Original"),
            self.env._("Open Amount"),
            self.env._("Days Overdue"),
            self.env._("Expected Payment"),
        ]
        for currency, sections in sorted(by_currency.items(), key=lambda pair: pair[0].name):
            money = self._money_format(workbook, currency)
            sheet = self._sheet(
                workbook, formats, currency.name, headers, [28, 22, 18, 12, 12, 16, 16, 10, 14]
            )
            row = 1
            total = 0.0
            for partner, section in sections:
                name = partner.name
                for item in section["items"]:
                    sheet.write(row, 0, name)
                    sheet.write(row, 1, f"{item['kind']} {item['move_name']}")
                    sheet.write(row, 2, item["ref"] or "")
                    sheet.write_datetime(row, 3, item["date"], formats["date"])
                    sheet.write_datetime(row, 4, item["date_maturity"], formats["date"])
                    sheet.write_number(row, 5, item["original"], money)
                    sheet.write_number(row, 6, item["open"], money)
                    sheet.write_number(row, 7, item["days_overdue"])
                    if item["expected_payment_date"]:
                        sheet.write_datetime(row, 8, item["expected_payment_date"], formats["date"])
                    row += 1
                total += section["total"]
            sheet.write(row, 0, self.env._("Total"), formats["total"])
            sheet.write_number(row, 6, total, self._money_format(workbook, currency, bold=True))
        if not by_currency:
            self._sheet(workbook, formats, self.env._("Statement"), headers, [28] * len(headers))
        workbook.close()
        return buffer.getvalue()

    @api.model
    def _aged_xlsx(self, domain, groupby=("partner_id",)):
        """The aged balance of ``domain`` (on debt.aged.balance) grouped by ``groupby``, as the
        list shows it: one sheet per currency, a row per group of the last level (per item
        without grouping), the totals of the list's footer."""
        Aged = self.env["debt.aged.balance"]
        self.env["ir.actions.report"]._debt_check_access(AGED_BALANCE, Aged, self.env.company)
        table = Aged._debt_export_table(domain, Aged._export_groupby(list(groupby)))
        headers = [*table["columns"], *table["amount_labels"], self.env._("Days Overdue")]
        widths = [30] * len(table["columns"]) + [18] * len(table["amount_labels"]) + [10]
        buffer, workbook, formats = self._workbook()
        for section in table["sections"]:
            currency = section["currency"]
            money = self._money_format(workbook, currency)
            sheet = self._sheet(workbook, formats, currency.name, headers, widths)
            first_amount = len(table["columns"])
            row = 1
            for keys, amounts, days in section["rows"]:
                for column, key in enumerate(keys):
                    sheet.write(row, column, key)
                for column, amount in enumerate(amounts, start=first_amount):
                    sheet.write_number(row, column, amount, money)
                sheet.write_number(row, first_amount + len(amounts), days)
                row += 1
            bold = self._money_format(workbook, currency, bold=True)
            sheet.write(row, 0, self.env._("Total"), formats["total"])
            for column, amount in enumerate(section["totals"], start=first_amount):
                sheet.write_number(row, column, amount, bold)
        if not table["sections"]:
            self._sheet(workbook, formats, self.env._("Aged Balance"), headers, widths)
        workbook.close()
        return buffer.getvalue()

    @api.model
    def _period_summary_xlsx(self, domain, date_from, date_to):
        """Summary of debts of a period for ``domain`` (on debt.period.summary): one sheet per
        company, the partners by account with each account's totals."""
        Summary = self.env["debt.period.summary"].with_context(debt_date_from=date_from, debt_date_to=date_to)
        # the same check as the PDF's, before anything is read (see ir.actions.report)
        self.env["ir.actions.report"]._debt_check_access(PERIOD_SUMMARY, Summary, self.env.companies)
        names = Summary._amount_field_names()
        rows = Summary.search_fetch(
            domain,
            ["company_id", "account_id", "partner_id", *names],
            order="company_id, account_id, partner_id",
        )
        headers = [
            self.env._("Account"),
            self.env._("Partner Code"),
            self.env._("Partner"),
            self.env._("Opening Debit"),
            self.env._("Opening Credit"),
            self.env._("Debit"),
            self.env._("Credit"),
            self.env._("Closing Debit"),
            self.env._("Closing Credit"),
        ]
        widths = [12, 14, 36] + [16] * len(names)
        buffer, workbook, formats = self._workbook()
        title = self.env._(
            "Summary of Debts %(date_from)s - %(date_to)s",
            date_from=fields.Date.to_string(date_from),
            date_to=fields.Date.to_string(date_to),
        )
        names_used = set()
        for company, company_rows in rows.grouped("company_id").items():
            name = self._sheet_name(company.name)
            if name.lower() in names_used:  # two companies named alike: Excel wants unique names
                name = self._sheet_name(f"{company.id} {company.name}")
            names_used.add(name.lower())
            sheet = self._sheet(workbook, formats, name, headers, widths)
            sheet.write(0, len(headers) + 1, title)
            money = self._money_format(workbook, company.currency_id)
            bold = self._money_format(workbook, company.currency_id, bold=True)
            row = 1
            for account, account_rows in company_rows.grouped("account_id").items():
                totals = [0.0] * len(names)
                for line in account_rows:
                    sheet.write(row, 0, account.code or "")
                    sheet.write(row, 1, line.partner_id.ref or "")
                    sheet.write(row, 2, line.partner_id.name or "")
                    for column, name in enumerate(names):
                        sheet.write_number(row, 3 + column, line[name], money)
                        totals[column] += line[name]
                    row += 1
                sheet.write(row, 0, account.code or "", formats["total"])
                sheet.write(
                    row, 2, self.env._("Total %(account)s", account=account.display_name), formats["total"]
                )
                for column, amount in enumerate(totals):
                    sheet.write_number(row, 3 + column, amount, bold)
                row += 2
        if not rows:
            self._sheet(workbook, formats, self.env._("Summary of Debts"), headers, widths)
        workbook.close()
        return buffer.getvalue()

    @api.model
    def _sheet_name(self, name):
        """A worksheet name Excel accepts: 31 characters at most, none of ``[]:*?/\\``."""
        for char in "[]:*?/\\":
            name = name.replace(char, " ")
        return name[:31]

    @api.model
    def _xlsx_response_headers(self, content, filename):
        return [
            ("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("Content-Length", len(content)),
            ("Content-Disposition", content_disposition(filename)),
        ]
