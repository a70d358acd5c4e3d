# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class DebtNettingLine(models.Model):
    """One item netted: the amount taken from an invoice's receivable or a bill's payable."""

    _name = "debt.netting.line"
    _description = "Netted Item"
    _order = "netting_id, side desc, date_maturity, id"
    _check_company_auto = True

    netting_id = fields.Many2one("debt.netting", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="netting_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="netting_id.currency_id")
    side = fields.Selection(
        [("receivable", "Receivable"), ("payable", "Payable")], required=True, readonly=True
    )
    move_line_id = fields.Many2one(
        "account.move.line", string="Item", required=True, readonly=True, check_company=True, index=True
    )
    offset_line_id = fields.Many2one(
        "account.move.line",
        readonly=True,
        check_company=True,
        help="The line of the netting entry reconciled with this item.",
    )
    document_id = fields.Many2one(related="move_line_id.move_id", string="Document")
    ref = fields.Char(related="move_line_id.move_id.ref", string="Reference")
    date = fields.Date(string="Document Date", compute="_compute_date")
    date_maturity = fields.Date(related="move_line_id.date_maturity", store=True)
    amount_before = fields.Monetary(
        string="Open Before", readonly=True, help="What the item still owed when it was netted."
    )
    amount = fields.Monetary(string="Netted", readonly=True)
    amount_after = fields.Monetary(string="Open After", compute="_compute_amount_after")

    @api.depends("amount_before", "amount")
    def _compute_amount_after(self):
        for line in self:
            line.amount_after = line.amount_before - line.amount

    @api.depends("move_line_id.move_id.invoice_date", "move_line_id.date")
    def _compute_date(self):
        for line in self:
            line.date = line.move_line_id.move_id.invoice_date or line.move_line_id.date
