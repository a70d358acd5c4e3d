# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""sale.order, credit control part: the gates (create, write, confirmation) and the buttons.

The check itself and the figures the order shows are in sale_order.py.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .sale_order import DeferredCreditCheck


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------------ the gates
    def _debt_deferred_check(self):
        deferred = self.env.context.get("debt_credit_deferred")
        return deferred if isinstance(deferred, DeferredCreditCheck) else DeferredCreditCheck()

    def _debt_system_change(self):
        """The operation the system is running on its own, if any: a recordset put in the
        context by the code running it (the Inventory glue module puts the pickings being
        validated), which an RPC call cannot forge."""
        operation = self.env.context.get("debt_credit_system_change")
        return operation if isinstance(operation, models.BaseModel) else None

    def _debt_system_change_context(self, operation):
        """The context of an ``operation`` (a recordset) the system runs on its own, which may
        make the orders of ``self`` grow (the carrier's real cost added when the warehouse
        validates a delivery). Their credit check waits until the operation is done: the caller
        then calls ``_debt_check_changes`` once, under ``debt_credit_system_change`` alone, and
        a blocked growth is noted and reviewed rather than refused."""
        return {
            "debt_credit_deferred": self._debt_deferred_check().extended(self.ids),
            "debt_credit_system_change": operation,
        }

    @api.model_create_multi
    def create(self, vals_list):
        deferred = self._debt_deferred_check()
        # The orders created get ids above the last one visible now (ids only grow, and the
        # transaction does not see the orders other transactions create meanwhile).
        self.env.cr.execute(SQL("SELECT COALESCE(MAX(id), 0) FROM sale_order"))
        last_id = self.env.cr.fetchone()[0]
        orders = super(
            SaleOrder, self.with_context(debt_credit_deferred=deferred.extended(created_above=last_id))
        ).create(vals_list)
        orders = orders.with_env(self.env)  # the caller's context, without the deferral
        if not deferred.creating:
            confirmed = orders.filtered(lambda o: o.state == "sale")
            if confirmed:
                confirmed._debt_credit_check()
        return orders

    def write(self, vals):
        # Every way of confirming or changing an order ends here: the button, action_confirm over
        # RPC, portal signature and payment, automated actions, a plain write of the state, of the
        # customer or of the lines. The check is made on the orders as they are after the write.
        deferred = self._debt_deferred_check()
        to_check = self.filtered(lambda o: not deferred.covers(o.id))
        if not to_check:
            return super().write(vals)
        before = to_check._debt_snapshot()
        result = super(
            SaleOrder, self.with_context(debt_credit_deferred=deferred.extended(to_check.ids))
        ).write(vals)
        to_check._debt_check_changes(before)
        return result

    def _debt_snapshot(self):
        """What the credit check compares an order with after a change: ``{order id: (state,
        customer, company, currency, total)}`` of the orders of ``self`` not checked by an
        enclosing create or write."""
        deferred = self._debt_deferred_check()
        return {
            order.id: (
                order.state,
                order.partner_id.commercial_partner_id.id,
                order.company_id.id,
                order.currency_id.id,
                order.amount_total,
            )
            for order in self
            if isinstance(order.id, int) and not deferred.covers(order.id)
        }

    def _debt_check_changes(self, before):
        """Check the credit rules on the orders of ``before`` (see ``_debt_snapshot``) that are
        confirmed now: in full when they were not confirmed, or changed customer, company or
        currency; on the increase when they grew, whatever made them grow."""
        if not before:
            return
        today = fields.Date.context_today(self)
        confirmed = self.browse()
        increases = {}
        for order in self.browse(list(before)):
            if order.state != "sale":
                continue
            state, partner_id, company_id, currency_id, total = before[order.id]
            company = order.company_id
            if state != "sale" or (partner_id, company_id, currency_id) != (
                order.partner_id.commercial_partner_id.id,
                company.id,
                order.currency_id.id,
            ):
                confirmed |= order
            elif order.currency_id.compare_amounts(order.amount_total, total) > 0:
                increases[order] = order.currency_id._convert(
                    order.amount_total - total, company.currency_id, company, today
                )
        to_check = confirmed | self.browse([order.id for order in increases])
        if to_check:
            to_check._debt_credit_check(increases=increases, soft=self._debt_system_change() is not None)

    def _validate_order(self):
        # Portal signature: a blocked order stays a quotation, signed, and a credit manager is asked.
        blocked = self.filtered(lambda o: o._debt_is_blocked())
        for order in blocked:
            order._debt_request_approval(from_portal=True)
        return super(SaleOrder, self - blocked)._validate_order()

    def _debt_is_blocked(self):
        self.ensure_one()
        result = self._debt_credit_evaluate(rules_only=True).get(self)
        return bool(result and not result["approval"] and self._debt_blocking_issues(result))

    # ------------------------------------------------------------------ buttons
    def action_debt_request_approval(self):
        # A button of the order's form, callable over RPC by whoever reads the order: kept for
        # the staff who may edit it, never its portal customer.
        if not self.env.su and not self.env.user._is_internal():
            raise AccessError(self.env._("Only our staff can ask for a credit approval."))
        self.check_access("write")
        for order in self:
            if order.state not in ("draft", "sent"):
                raise UserError(self.env._("Only a quotation can be submitted for credit approval."))
            if order._debt_approval_pending():
                raise UserError(
                    self.env._("A credit approval of %(order)s is requested already.", order=order.name)
                )
            order._debt_request_approval()
        return True

    def _debt_approval_pending(self):
        """Whether a request for the credit approval of this order, for its current total, waits
        for a credit manager's decision."""
        self.ensure_one()
        # sudo: the order's credit fields are read for whoever asks, the portal customer included
        return self.sudo().debt_approval_requested

    def _debt_request_approval(self, from_portal=False):
        """Ask the follow-up responsible (or a credit manager) to approve this order, once: while a
        request is open, signing or paying again on the portal asks nothing more."""
        self.ensure_one()
        if self._debt_approval_pending():
            return
        approver = self._debt_approvers()[:1]
        if from_portal:
            note = self.env._("The customer confirmed this quotation online, but credit control blocks it.")
        else:
            note = self.env._("%(user)s asks for a credit approval.", user=self.env.user.name)
        # sudo: a salesperson (or the portal customer) schedules the activity for a credit manager
        order_sudo = self.sudo()
        issues = order_sudo.debt_credit_issues or ""
        request_type = self.env.ref("account_debt_followup.mail_activity_type_credit_approval")
        asked = order_sudo.activity_ids.filtered(lambda a: a.activity_type_id == request_type)
        if asked:  # asked before for a smaller total: one request per order, brought up to date
            asked.write({"note": Markup("<p>%s</p><p>%s</p>") % (note, issues)})
        elif approver:
            order_sudo.activity_schedule(
                "account_debt_followup.mail_activity_type_credit_approval",
                summary=self.env._("Credit approval for %(order)s", order=self.name),
                note=Markup("<p>%s</p><p>%s</p>") % (note, issues),
                user_id=approver.id,
            )
        order_sudo.write(
            {
                "debt_approval_requested_amount": self.amount_total,
                # the answer goes to who asked; from the portal, to the order's salesperson
                "debt_approval_requested_by": (self.user_id if from_portal else self.env.user).id,
            }
        )
        order_sudo.message_post(
            body=Markup("<p>%s</p><p>%s</p>") % (note, issues), subtype_xmlid="mail.mt_note"
        )

    def action_debt_open_approval_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit Approval"),
            "res_model": "debt.credit.approval.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def action_debt_open_items(self):
        self.ensure_one()
        return self.partner_id.commercial_partner_id.with_company(self.company_id).action_open_debt_items()
