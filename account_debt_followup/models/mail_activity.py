# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    debt_call_at = fields.Datetime(
        string="Call At",
        help="A follow-up call scheduled at a time of day: Odoo's activities hold a date only.",
    )
