# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models


class SaleOrderLine(models.Model):
    """A confirmed order that grows asks for credit again: the credit rules check the increase
    as they check a confirmation. Growth is read on the order's total, before and after any
    creation or change of its lines, whatever the field changed (quantity, price, unit of
    measure, packaging, taxes, a price recomputation, a line moved from another order)."""

    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        order_ids = {vals.get("order_id") for vals in vals_list}
        order_ids.add(self.env.context.get("default_order_id"))  # lines created from the order's form
        orders = self.env["sale.order"].browse([oid for oid in order_ids if isinstance(oid, int) and oid])
        before = orders._debt_snapshot()
        lines = super().create(vals_list)
        orders._debt_check_changes(before)
        return lines

    def write(self, vals):
        orders = self.order_id
        if isinstance(vals.get("order_id"), int):  # a line moved into another order
            orders |= orders.browse(vals["order_id"])
        before = orders._debt_snapshot()
        result = super().write(vals)
        orders._debt_check_changes(before)
        return result
