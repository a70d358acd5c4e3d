# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

from .debt_provision import BRACKETS


class DebtProvisionLine(models.Model):
    """An overdue receivable item of a provision for doubtful debts, with its share."""

    _name = "debt.provision.line"
    _description = "Provision for Doubtful Debts: Item"
    _order = "provision_id, partner_id, date_maturity, id"
    _check_company_auto = True

    provision_id = fields.Many2one(
        "debt.provision", string="Provision Run", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="provision_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="provision_id.currency_id")
    date_provision = fields.Date(related="provision_id.date", string="Closing Date", store=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    move_line_id = fields.Many2one(
        "account.move.line", string="Item", check_company=True, ondelete="set null"
    )
    move_id = fields.Many2one("account.move", string="Document", check_company=True, ondelete="set null")
    date = fields.Date(string="Document Date")
    date_maturity = fields.Date(string="Due Date")
    days_overdue = fields.Integer(aggregator="max")
    bracket = fields.Selection(BRACKETS, string="Overdue")
    open_amount = fields.Monetary(
        string="Amount Due",
        help="What the customer owed of the item on the closing date, less its unapplied credits.",
    )
    rate = fields.Float(string="Rate (%)", aggregator=None, digits=(5, 2))
    amount = fields.Monetary(string="Provision")
