# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from .debt_netting import NETTABLE_ITEMS
from .res_partner import DEBT_GROUPS


class ResPartner(models.Model):
    _inherit = "res.partner"

    debt_can_net = fields.Boolean(
        string="Can Be Netted",
        compute="_compute_debt_can_net",
        groups=DEBT_GROUPS,
        help="The customer is also a supplier: it has open receivables and open payables in the "
        "same currency in the current company.",
    )

    @api.depends_context("company")
    def _compute_debt_can_net(self):
        """One grouped query for all the partners: the sides open per partner and currency."""
        commercial = self.commercial_partner_id
        groups = self.env["account.move.line"]._read_group(
            [
                ("company_id", "=", self.env.company.id),
                ("partner_id", "child_of", commercial.ids),
                *NETTABLE_ITEMS,
            ],
            ["partner_id", "currency_id", "account_type"],
            ["__count"],
        )
        sides = {}
        for partner, currency, account_type, _count in groups:
            sides.setdefault((partner.commercial_partner_id.id, currency.id), set()).add(account_type)
        both = {partner_id for (partner_id, _currency), types in sides.items() if len(types) == 2}
        for partner in self:
            partner.debt_can_net = partner.commercial_partner_id.id in both
