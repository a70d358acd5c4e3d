# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

from .sale_order import TRUST_SELECTION


class DebtCreditHistory(models.Model):
    """A change of a customer's credit limit, its validity or its debtor rating in a company:
    who, when, before, after and why.

    An audit record: written by the customer's ``write`` only, never changed nor deleted (no
    access right allows it).
    """

    _name = "debt.credit.history"
    _description = "Credit Limit and Rating History"
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        "res.users", string="Changed By", required=True, readonly=True, default=lambda self: self.env.user
    )
    old_credit_limit = fields.Monetary(string="Credit Limit Before", readonly=True)
    credit_limit = fields.Monetary(readonly=True)
    old_limit_until = fields.Date(string="Valid Until Before", readonly=True)
    limit_until = fields.Date(string="Valid Until", readonly=True)
    old_trust = fields.Selection(TRUST_SELECTION, string="Debtor Rating Before", readonly=True)
    trust = fields.Selection(TRUST_SELECTION, string="Debtor Rating", readonly=True)
    reason = fields.Text(readonly=True)
