# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from markupsafe import Markup

from odoo import models
from odoo.exceptions import UserError

DELIVERY_STAGE = "check_delivery_validation"


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        # Every way of validating a transfer ends here (the button, its backorder and immediate
        # transfer wizards, barcode, batches): the credit rules of the delivery validation first.
        self._debt_credit_check_deliveries()
        # The validation may make the orders grow on its own (the carrier's real cost added to the
        # order): that growth must not stop the warehouse. It is checked once the validation is
        # done, as a whole, and a blocked growth is noted on the order and reviewed by a credit
        # manager (see sale.order._debt_notify_system_growth). The context saying so holds
        # objects an RPC call cannot send.
        # sudo: a warehouse user validates deliveries of orders they may not change
        orders = self.sale_id.sudo()
        before = orders._debt_snapshot()
        context = orders._debt_system_change_context(self)
        result = super(StockPicking, self.with_context(**context))._action_done()
        orders.with_context(debt_credit_system_change=self)._debt_check_changes(before)
        return result

    def _debt_credit_check_deliveries(self):
        """Refuse the validation of deliveries to customers whose sales order the credit rules
        of the delivery validation block (the order's approval by a credit manager lifts them);
        note the warnings on the delivery."""
        deliveries = self.filtered(
            lambda picking: (
                picking.sale_id
                and picking.picking_type_code == "outgoing"
                and picking.location_dest_id.usage == "customer"
            )
        )
        if not deliveries:
            return
        # sudo: a warehouse user validates deliveries of orders and customers they may not read
        orders = deliveries.sale_id.sudo()
        # the orders count in the customer's exposure already: the check adds nothing to it
        evaluation = orders._debt_credit_evaluate(
            rules_only=True, increases=dict.fromkeys(orders, 0.0), stage=DELIVERY_STAGE
        )
        blocked = []
        for picking in deliveries:
            result = evaluation.get(picking.sale_id)
            if not result or not result["issues"]:
                continue
            order = picking.sale_id.sudo()
            blocking = [] if result["approval"] else order._debt_blocking_issues(result)
            if blocking:
                blocked.append((picking, order, blocking, result["figures"]))
                continue
            if result["approval"]:
                intro = self.env._(
                    "Delivered with the credit approval of %(user)s (%(reason)s):",
                    user=result["approval"].user_id.name,
                    reason=result["approval"].reason,
                )
            else:
                intro = self.env._("Delivered despite these credit warnings:")
            items = Markup().join(Markup("<li>%s</li>") % message for _rule, message in result["issues"])
            # sudo: the decision is kept on the delivery, whoever validates it
            picking.sudo().message_post(
                body=Markup("<p>%s</p><ul>%s</ul>") % (intro, items), subtype_xmlid="mail.mt_note"
            )
        if blocked:
            raise UserError(self._debt_block_message(blocked))

    def _debt_block_message(self, blocked):
        parts = []
        Rule = self.env["debt.credit.rule"]
        for picking, order, messages, figures in blocked:
            parts.append(
                self.env._(
                    "%(picking)s for %(customer)s cannot be validated:",
                    picking=picking.name,
                    customer=order.partner_id.commercial_partner_id.display_name,
                )
            )
            parts += ["- " + message for message in messages]
            parts.append(Rule._describe_figures(figures, order.company_id.root_id))
            parts.append(
                self.env._(
                    "A credit manager can approve %(order)s with a reason (“Approve More Credit” on the "
                    "order); then validate the delivery again.",
                    order=order.name,
                )
            )
        return "\n".join(parts)
