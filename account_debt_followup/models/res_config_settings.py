# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    debt_followup_enabled = fields.Boolean(related="company_id.debt_followup_enabled", readonly=False)
    debt_statement_day = fields.Integer(related="company_id.debt_statement_day", readonly=False)
    debt_followup_min_interval = fields.Integer(
        related="company_id.debt_followup_min_interval", readonly=False
    )
    debt_followup_email_from = fields.Char(related="company_id.debt_followup_email_from", readonly=False)
    debt_aging_days = fields.Char(related="company_id.debt_aging_days", readonly=False)
    debt_dispute_in_credit_rules = fields.Boolean(
        related="company_id.debt_dispute_in_credit_rules", readonly=False
    )
    debt_approval_four_eyes = fields.Boolean(related="company_id.debt_approval_four_eyes", readonly=False)
    debt_credit_review_days = fields.Integer(related="company_id.debt_credit_review_days", readonly=False)
    debt_portal_promise_days = fields.Integer(related="company_id.debt_portal_promise_days", readonly=False)
    debt_portal_promise_changes = fields.Integer(
        related="company_id.debt_portal_promise_changes", readonly=False
    )

    debt_rating_auto = fields.Boolean(related="company_id.debt_rating_auto", readonly=False)
    debt_rating_min_invoices = fields.Integer(related="company_id.debt_rating_min_invoices", readonly=False)
    debt_rating_good_days = fields.Integer(related="company_id.debt_rating_good_days", readonly=False)
    debt_rating_good_share = fields.Integer(related="company_id.debt_rating_good_share", readonly=False)
    debt_rating_bad_days = fields.Integer(related="company_id.debt_rating_bad_days", readonly=False)
    debt_rating_bad_share = fields.Integer(related="company_id.debt_rating_bad_share", readonly=False)
    debt_rating_bad_promises = fields.Integer(related="company_id.debt_rating_bad_promises", readonly=False)
    debt_rating_bad_overdue_days = fields.Integer(
        related="company_id.debt_rating_bad_overdue_days", readonly=False
    )
