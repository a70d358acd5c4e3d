# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class DebtNettingWizardLine(models.TransientModel):
    """An open item proposed for netting; the user may untick it."""

    _name = "debt.netting.wizard.line"
    _description = "Item Proposed for Netting"
    _order = "side desc, date_maturity, id"

    wizard_id = fields.Many2one("debt.netting.wizard", required=True, ondelete="cascade")
    selected = fields.Boolean(string="Net", default=True)
    side = fields.Selection(
        [("receivable", "Receivable"), ("payable", "Payable")], required=True, readonly=True
    )
    move_line_id = fields.Many2one("account.move.line", string="Item", required=True, readonly=True)
    document_id = fields.Many2one(related="move_line_id.move_id", string="Document")
    ref = fields.Char(related="move_line_id.move_id.ref", string="Reference")
    date = fields.Date(string="Document Date", compute="_compute_date")
    date_maturity = fields.Date(related="move_line_id.date_maturity", string="Due Date", store=True)
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    amount_residual = fields.Monetary(string="Open Amount", readonly=True)

    @api.depends("move_line_id.move_id.invoice_date", "move_line_id.date")
    def _compute_date(self):
        for line in self:
            line.date = line.move_line_id.move_id.invoice_date or line.move_line_id.date
