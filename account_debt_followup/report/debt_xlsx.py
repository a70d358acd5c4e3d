# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import io

import xlsxwriter

from odoo import api, models


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
    def _statement_xlsx(self, partners, company, date):
        """Open items of ``partners`` on ``date``: one sheet per currency."""
        items = self.env["debt.statement"]._get_open_items(partners, company, date)
        by_currency = {}
        for partner in partners.commercial_partner_id:
            for currency, section in items.get(partner.id, {}).items():
                if currency:
                    by_currency.setdefault(currency, []).append((partner, section))
        buffer, workbook, formats = self._workbook()
        headers = [
            self.env._("Customer"),
            self.env._("Document"),
            self.env._("Reference"),
            self.env._("Date"),
            self.env._("Due Date"),
            self.env._("Original"),
            self.env._("Open"),
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
    def _aged_xlsx(self, domain):
        """Aged balance per partner for ``domain`` (on debt.aged.balance): one sheet per
        currency, grouped in the database."""
        Aged = self.env["debt.aged.balance"]
        buckets = Aged._bucket_field_names()
        groups = Aged._read_group(
            domain,
            ["currency_id", "partner_id"],
            [f"{name}:sum" for name in buckets] + ["amount_residual:sum", "days_overdue:max"],
        )
        labels = self.env["debt.statement"]._bucket_labels(self.env.company)
        headers = [self.env._("Partner"), *labels, self.env._("Total"), self.env._("Days Overdue")]
        buffer, workbook, formats = self._workbook()
        sheets = {}
        for currency, partner, *amounts in sorted(groups, key=lambda g: (g[0].name, g[1].name or "")):
            if currency not in sheets:
                sheet = self._sheet(
                    workbook, formats, currency.name, headers, [30] + [14] * (len(headers) - 1)
                )
                sheets[currency] = [
                    sheet,
                    1,
                    self._money_format(workbook, currency),
                    [0.0] * (len(amounts) - 1),
                ]
            sheet, row, money, totals = sheets[currency]
            sheet.write(row, 0, partner.name or "")
            for column, amount in enumerate(amounts[:-1], start=1):
                sheet.write_number(row, column, amount, money)
                totals[column - 1] += amount
            sheet.write_number(row, len(amounts), amounts[-1])
            sheets[currency][1] = row + 1
        for currency, (sheet, row, _money, totals) in sheets.items():
            bold = self._money_format(workbook, currency, bold=True)
            sheet.write(row, 0, self.env._("Total"), formats["total"])
            for column, amount in enumerate(totals, start=1):
                sheet.write_number(row, column, amount, bold)
        if not sheets:
            self._sheet(
                workbook, formats, self.env._("Aged Balance"), headers, [30] + [14] * (len(headers) - 1)
            )
        workbook.close()
        return buffer.getvalue()

    @api.model
    def _download(self, content, filename):
        attachment = self.env["ir.attachment"].create(
            {
                "name": filename,
                "raw": content,
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
