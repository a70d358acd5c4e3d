# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models
from odoo.exceptions import AccessError
from odoo.tools import SQL


class ResPartner(models.Model):
    """Who owes what is read on the commercial partner: moving a contact that has debts or
    confirmed orders out of its company (or making it a company) would make it a customer of its
    own, free of its company's credit rules. Only a credit manager may do that."""

    _inherit = "res.partner"

    def write(self, vals):
        if ("parent_id" in vals or "is_company" in vals) and not self.env.su:
            self._debt_check_commercial_change(vals)
        return super().write(vals)

    def _debt_check_commercial_change(self, vals):
        changed = self.filtered(
            lambda p: (
                ("parent_id" in vals and p.parent_id.id != (vals["parent_id"] or False))
                or ("is_company" in vals and p.is_company != bool(vals["is_company"]))
            )
        )
        if not changed or self.env.user.has_group("account_debt_followup.group_credit_manager"):
            return
        # the whole commercial entity counts: a contact of a company owing money moved out of it
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner.id
                  FROM res_partner partner
                 WHERE partner.commercial_partner_id = ANY(%(ids)s)
                   AND (EXISTS (SELECT 1 FROM account_move_line aml
                                  JOIN account_account account ON account.id = aml.account_id
                                 WHERE aml.partner_id = partner.id AND aml.parent_state = 'posted'
                                   AND account.account_type = 'asset_receivable')
                        OR EXISTS (SELECT 1 FROM sale_order so
                                    WHERE so.partner_id = partner.id AND so.state = 'sale'))
                 LIMIT 1
                """,
                ids=list(set(changed.ids) | set(changed.commercial_partner_id.ids)),
            )
        )
        if rows:
            raise AccessError(
                self.env._(
                    "%(partner)s belongs to a customer with receivables or confirmed orders: only a "
                    "credit manager can change its company or make it a company.",
                    partner=", ".join(changed.mapped("display_name")),
                )
            )
