# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    debt_provision_account_id = fields.Many2one(
        related="company_id.debt_provision_account_id", readonly=False
    )
    debt_provision_expense_account_id = fields.Many2one(
        related="company_id.debt_provision_expense_account_id", readonly=False
    )
    debt_provision_journal_id = fields.Many2one(
        related="company_id.debt_provision_journal_id", readonly=False
    )
    debt_interest_grace_days = fields.Integer(related="company_id.debt_interest_grace_days", readonly=False)
    debt_interest_account_id = fields.Many2one(related="company_id.debt_interest_account_id", readonly=False)
    debt_interest_journal_id = fields.Many2one(related="company_id.debt_interest_journal_id", readonly=False)
