# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models


class SaleOrderLine(models.Model):
    """A confirmed order that grows (a line added, a quantity or a price raised) asks for credit
    again: the credit rules check the increase as they check a confirmation."""

    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        orders = self.env["sale.order"].browse(
            {vals["order_id"] for vals in vals_list if vals.get("order_id")}
        )
        before = orders._debt_confirmed_totals()
        lines = super().create(vals_list)
        orders._debt_check_growth(before)
        return lines

    def write(self, vals):
        if not {"product_uom_qty", "price_unit", "discount", "tax_id", "order_id"} & set(vals):
            return super().write(vals)
        orders = self.order_id
        before = orders._debt_confirmed_totals()
        result = super().write(vals)
        (orders | self.order_id)._debt_check_growth(before)
        return result
