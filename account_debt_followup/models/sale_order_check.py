# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""sale.order, credit control part: the check of the credit rules, without side effect but
the guard row and the log.

The fields and the banner are in sale_order.py, the gates (create, write, confirmation)
in sale_order_gate.py.
"""

import logging

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount

from .sale_order import ORDER_STAGE

_logger = logging.getLogger(__name__)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------------ the check
    def _debt_credit_evaluate(self, rules_only=False, increases=None, stage=ORDER_STAGE):
        """Check the credit rules for the orders of ``self``, with no side effect.

        :param rules_only: leave out the orders of companies without any credit rule (the
            enforcement needs nothing more; the banner shows the figures anyway)
        :param increases: ``{order: amount}`` for confirmed orders that grew by ``amount`` (in
            company currency): the exposure already counts them, the check is on the increase
        :param stage: the rules that apply: the name of one of the rules' ``check_*`` fields

        A constant number of queries whatever the customers' number of invoices and orders:
        the rules, one debt query per company, the customers' limits and ratings, the approvals.

        :return: ``{order: {"figures": dict, "rules": company rules, "issues": [(rule, message)],
            "approval": approval}}``
        """
        orders = self.filtered(lambda o: o.partner_id and o.company_id)
        if not orders:
            return {}
        increases = increases or {}
        Rule = self.env["debt.credit.rule"]
        rules = Rule._get_rules(orders.company_id, stage)
        result = {}
        for company, company_orders in orders.grouped(lambda o: o.company_id.root_id).items():
            company_rules = rules.filtered(lambda r, c=company: r.company_id == c)
            if rules_only and not company_rules:
                continue
            today = fields.Date.context_today(self)
            documents = [
                {
                    "key": order,
                    "partner_id": order.partner_id.commercial_partner_id.id,
                    # a grown order counts in the exposure already, before it grew and grown
                    "amount": increases[order]
                    if order in increases
                    else order.currency_id._convert(order.amount_total, company.currency_id, company, today),
                    "counted": order in increases,
                }
                for order in company_orders
            ]
            evaluation = Rule._evaluate_documents(
                company,
                company_rules,
                documents,
                exclude_order_ids=[o.id for o in company_orders._origin if o not in increases],
            )
            for order in company_orders:
                result[order] = {
                    **evaluation[order],
                    "rules": company_rules,
                    # sudo: approvals are read to let the order through, whoever confirms it
                    "approval": order.sudo().debt_approval_ids.filtered(lambda a, o=order: a._covers(o))[:1],
                }
        return result

    def _debt_blocking_issues(self, result):
        """The issues of ``result`` that stop the order (an approval lifts them all)."""
        self.ensure_one()
        blocking = []
        for rule, message in result["issues"]:
            if rule.action == "block":
                blocking.append(message)
            elif rule.action == "prepay":
                required = self.amount_total * rule.prepayment_percent / 100.0
                paid = self._debt_prepaid_for(result)
                if self.currency_id.compare_amounts(paid, required) < 0:
                    blocking.append(
                        self.env._(
                            "%(issue)s A prepayment of %(required)s is required; %(paid)s is paid.",
                            issue=message,
                            required=format_amount(self.env, required, self.currency_id),
                            paid=format_amount(self.env, paid, self.currency_id),
                        )
                    )
        return blocking

    def _debt_prepaid_for(self, result):
        """``_debt_prepaid_amount``, read once per evaluation ``result`` (kept in it)."""
        if "paid" not in result:
            result["paid"] = self._debt_prepaid_amount()
        return result["paid"]

    def _debt_prepaid_amount(self):
        """What the customer paid for this order, in the order's currency: payments online
        (transactions authorized or done), payments posted for the order (a deposit by bank
        transfer recorded in accounting), and the part of the order's invoices (down payments)
        paid by a payment or a bank statement line. Each payment counts once."""
        self.ensure_one()
        # sudo: whoever confirms (a salesperson, the portal customer) is checked against the
        # payments accounting recorded
        order = self.sudo()
        currency, company = order.currency_id, order.company_id
        today = fields.Date.context_today(self)
        paid = order.amount_paid  # online transactions (sale)
        online = order.transaction_ids.filtered(lambda tx: tx.state in ("authorized", "done")).payment_id
        deposits = (
            self.env["account.payment"]
            .sudo()
            .search(
                [
                    ("debt_sale_order_id", "=", order.id),
                    ("state", "in", ("in_process", "paid")),
                    # only what this customer paid in: never a refund, a supplier payment, another's
                    ("payment_type", "=", "inbound"),
                    ("partner_type", "=", "customer"),
                    ("partner_id.commercial_partner_id", "=", order.partner_id.commercial_partner_id.id),
                    ("id", "not in", online.ids),
                ]
            )
        )
        for payment in deposits:
            paid += payment.currency_id._convert(payment.amount, currency, company, payment.date or today)
        counted_moves = (online | deposits).move_id
        invoices = order.invoice_ids.filtered(lambda m: m.state == "posted" and m.move_type == "out_invoice")
        for invoice in invoices:
            for partial in invoice._get_all_reconciled_invoice_partials():
                counterpart = partial["aml"].move_id
                if partial["is_exchange"] or counterpart in counted_moves:
                    continue
                if not (counterpart.origin_payment_id or counterpart.statement_line_id):
                    continue  # a credit note or a netting corrects, it does not pay
                paid += invoice.currency_id._convert(
                    partial["amount"], currency, company, invoice.invoice_date or today
                )
        return paid

    def _debt_credit_check(self, increases=None, soft=False):
        """Enforce the credit rules on orders confirmed, or confirmed orders that grew by
        ``increases`` (``{order: amount in company currency}``).

        Raises a ``UserError`` for blocked orders (with ``soft``, notes them and asks a credit
        manager instead), logs warnings on the others, and writes the customers' guard rows so
        that two concurrent confirmations cannot both pass.
        """
        evaluation = self._debt_credit_evaluate(rules_only=True, increases=increases)
        if not evaluation:
            return
        increases = increases or {}
        guarded = {
            (order.partner_id.commercial_partner_id.id, order.company_id.root_id.id)
            for order, result in evaluation.items()
            if any(rule.rule_type == "credit_limit" for rule in result["rules"])
        }
        self.env["debt.credit.guard"]._touch(guarded)
        blocked = {}
        for order, result in evaluation.items():
            grown = order in increases
            if result["approval"]:
                if result["issues"]:
                    order._debt_log_confirmation(result, approved=True, grown=grown)
                continue
            blocking = order._debt_blocking_issues(result)
            if blocking:
                blocked[order] = (blocking, result["figures"])
            elif result["issues"]:
                order._debt_log_confirmation(result, approved=False, grown=grown)
        if not blocked:
            return
        if soft:
            for order, (messages, _figures) in blocked.items():
                order._debt_notify_system_growth(messages)
            return
        raise UserError(self._debt_block_message(blocked, increases))

    def _debt_log_confirmation(self, result, approved, grown):
        self.ensure_one()
        items = Markup().join(Markup("<li>%s</li>") % message for _rule, message in result["issues"])
        if approved:
            approval = result["approval"]
            intro = (
                self.env._(
                    "Order increased with the credit approval of %(user)s (%(reason)s):",
                    user=approval.user_id.name,
                    reason=approval.reason,
                )
                if grown
                else self.env._(
                    "Confirmed with the credit approval of %(user)s (%(reason)s):",
                    user=approval.user_id.name,
                    reason=approval.reason,
                )
            )
        elif grown:
            intro = self.env._("Order increased despite these credit warnings:")
        else:
            intro = self.env._("Confirmed despite these credit warnings:")
        # sudo: the chatter of the order keeps the decision, whoever made the change
        self.sudo().message_post(
            body=Markup("<p>%s</p><ul>%s</ul>") % (intro, items), subtype_xmlid="mail.mt_note"
        )

    def _debt_notify_system_growth(self, messages):
        """The order grew during an operation the system makes on its own (the carrier's real
        cost added when the warehouse validates a delivery): that operation is not stopped.
        The order's chatter says so and a credit manager is asked to review it."""
        self.ensure_one()
        operation = self._debt_system_change()
        operation_name = ", ".join(operation.mapped("display_name")) if operation else ""
        intro = self.env._(
            "%(order)s grew to %(amount)s when %(operation)s was validated, beyond what credit "
            "control allows. The validation went through; a credit manager is asked to review "
            "the order:",
            order=self.name,
            amount=format_amount(self.env, self.amount_total, self.currency_id),
            operation=operation_name,
        )
        items = Markup().join(Markup("<li>%s</li>") % message for message in messages)
        note = Markup("<p>%s</p><ul>%s</ul>") % (intro, items)
        _logger.info(
            "Credit control: order %s grew to %s during %s, beyond its credit rules; review asked",
            self.id,
            self.amount_total,
            operation_name,
        )
        # sudo: the warehouse user validating the delivery may not write on sales orders
        order_sudo = self.sudo()
        approver = self._debt_approvers()[:1]
        if approver:
            order_sudo.activity_schedule(
                "account_debt_followup.mail_activity_type_credit_approval",
                summary=self.env._("Credit review for %(order)s", order=self.name),
                note=note,
                user_id=approver.id,
            )
        order_sudo.message_post(body=note, subtype_xmlid="mail.mt_note")

    def _debt_block_message(self, blocked, increases=None):
        if self.env.user._is_public() or self.env.user.share:
            # a customer confirming from the portal never sees internal credit figures
            return self.env._(
                "Your order needs the approval of our credit department before it can be confirmed. "
                "We will contact you shortly."
            )
        increases = increases or {}
        parts = []
        for order, (messages, figures) in blocked.items():
            if order in increases:
                parts.append(
                    self.env._(
                        "%(order)s for %(customer)s is confirmed; it cannot grow to %(amount)s:",
                        order=order.name,
                        customer=order.partner_id.commercial_partner_id.display_name,
                        amount=format_amount(self.env, order.amount_total, order.currency_id),
                    )
                )
            else:
                parts.append(
                    self.env._(
                        "%(order)s for %(customer)s cannot be confirmed:",
                        order=order.name,
                        customer=order.partner_id.commercial_partner_id.display_name,
                    )
                )
            parts += ["- " + message for message in messages]
            parts.append(self.env["debt.credit.rule"]._describe_figures(figures, order.company_id.root_id))
            approvers = order._debt_approvers()
            parts.append(
                self.env._(
                    "A credit manager can approve it with a reason (%(approvers)s): "
                    "use “Request Credit Approval” on the order.",
                    approvers=", ".join(approvers.mapped("name")[:5]) or self.env._("nobody is set up yet"),
                )
            )
        return "\n".join(parts)

    def _debt_approvers(self):
        """Who can approve this order: the customer's follow-up responsible when a credit
        manager, then the credit managers of the company."""
        self.ensure_one()
        # sudo: the group's members are listed for a salesperson who cannot read groups
        managers = (
            self.env.ref("account_debt_followup.group_credit_manager")
            .sudo()
            .users.filtered(
                lambda u: (
                    not u.share
                    and self.company_id in u.company_ids
                    and u.id != self.env.ref("base.user_root").id
                )
            )
        )
        responsible = (
            self.partner_id.commercial_partner_id.sudo()
            .with_company(self.company_id)
            .debt_followup_responsible_id
        )
        if responsible in managers:
            managers = responsible | (managers - responsible)
        return managers
