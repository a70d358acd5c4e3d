# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_amount

from .res_partner import DEBT_GROUPS

_logger = logging.getLogger(__name__)

TRUST_SELECTION = [("good", "Good Debtor"), ("normal", "Normal Debtor"), ("bad", "Bad Debtor")]
ORDER_STAGE = "check_order_confirmation"
# The customer's internal credit figures on its orders: for the people who sell and those who
# keep the accounts, never for the portal customer reading its own orders.
CREDIT_FIGURE_GROUPS = f"sales_team.group_sale_salesman,{DEBT_GROUPS}"


class DeferredCreditCheck:
    """Orders whose credit check waits for the end of the create or write changing them: their
    lines are created or written within it, and the order is checked once, as it is at the end.

    Passed in the context under ``debt_credit_deferred``. An RPC call cannot put it there
    (JSON has no such object), so a forged context never skips a check.

    ``created_above``: while orders are created, the id of the last order that existed before;
    the orders above it are the ones being created (their lines are created within the create),
    any other order changed meanwhile (a line of a confirmed order updated through the new
    order's lines) is checked as usual.
    """

    __slots__ = ("created_above", "order_ids")

    def __init__(self, order_ids=(), created_above=None):
        self.order_ids = frozenset(order_ids)
        self.created_above = created_above

    @property
    def creating(self):
        return self.created_above is not None

    def covers(self, order_id):
        return order_id in self.order_ids or (
            self.creating and isinstance(order_id, int) and order_id > self.created_above
        )

    def extended(self, order_ids=(), created_above=None):
        floors = [floor for floor in (self.created_above, created_above) if floor is not None]
        return DeferredCreditCheck(self.order_ids | set(order_ids), min(floors) if floors else None)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    debt_approval_ids = fields.One2many(
        "debt.credit.approval", "order_id", string="Credit Approvals", copy=False, readonly=True
    )
    debt_approval_requested_amount = fields.Monetary(
        string="Total Submitted for Credit Approval",
        copy=False,
        readonly=True,
        groups=CREDIT_FIGURE_GROUPS,
        help="The order total when a credit approval was asked; cleared by the approval or refusal.",
    )
    debt_approval_requested_by = fields.Many2one(
        "res.users",
        string="Credit Approval Requested By",
        copy=False,
        readonly=True,
        groups=CREDIT_FIGURE_GROUPS,
    )
    debt_approval_requested = fields.Boolean(
        string="Credit Approval Requested",
        compute="_compute_debt_approval_requested",
        store=True,
        copy=False,
        groups=CREDIT_FIGURE_GROUPS,
        help="Waiting for a credit manager's decision: no longer once the order grows beyond the "
        "total submitted, nor once approved or refused.",
    )
    debt_company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    debt_credit_state = fields.Selection(
        [("none", "No Credit Issue"), ("warn", "Warning"), ("block", "Blocked"), ("approved", "Approved")],
        string="Credit Check",
        compute="_compute_debt_credit",
        groups=CREDIT_FIGURE_GROUPS,
    )
    debt_credit_issues = fields.Text(
        string="Credit Issues", compute="_compute_debt_credit", groups=CREDIT_FIGURE_GROUPS
    )
    debt_partner_credit_limit = fields.Monetary(
        string="Customer Credit Limit",
        compute="_compute_debt_credit",
        currency_field="debt_company_currency_id",
        groups=CREDIT_FIGURE_GROUPS,
    )
    debt_partner_exposure = fields.Monetary(
        string="Customer Exposure",
        compute="_compute_debt_credit",
        currency_field="debt_company_currency_id",
        groups=CREDIT_FIGURE_GROUPS,
        help="The customer's exposure without this order, in company currency.",
    )
    debt_partner_exposure_after = fields.Monetary(
        string="Exposure After This Order",
        compute="_compute_debt_credit",
        currency_field="debt_company_currency_id",
        groups=CREDIT_FIGURE_GROUPS,
    )
    debt_partner_overdue = fields.Monetary(
        string="Customer Overdue Amount",
        compute="_compute_debt_credit",
        currency_field="debt_company_currency_id",
        groups=CREDIT_FIGURE_GROUPS,
    )
    debt_partner_days_overdue = fields.Integer(
        string="Customer Days Overdue", compute="_compute_debt_credit", groups=CREDIT_FIGURE_GROUPS
    )
    debt_partner_trust = fields.Selection(
        TRUST_SELECTION, string="Customer Rating", compute="_compute_debt_credit", groups=CREDIT_FIGURE_GROUPS
    )

    # ------------------------------------------------------------------ display
    @api.depends("debt_approval_requested_amount", "amount_total", "currency_id")
    def _compute_debt_approval_requested(self):
        for order in self:
            requested = order.debt_approval_requested_amount
            order.debt_approval_requested = bool(requested) and (
                order.currency_id.compare_amounts(order.amount_total, requested) <= 0
            )

    @api.depends("partner_id", "company_id", "amount_total", "currency_id", "state", "debt_approval_ids")
    @api.depends_context("company")
    def _compute_debt_credit(self):
        evaluation = self.filtered(lambda o: o.state in ("draft", "sent"))._debt_credit_evaluate()
        for order in self:
            result = evaluation.get(order)
            if not result:
                order.update(
                    {
                        "debt_credit_state": "none",
                        "debt_credit_issues": False,
                        "debt_partner_credit_limit": 0.0,
                        "debt_partner_exposure": 0.0,
                        "debt_partner_exposure_after": 0.0,
                        "debt_partner_overdue": 0.0,
                        "debt_partner_days_overdue": 0,
                        "debt_partner_trust": False,
                    }
                )
                continue
            figures = result["figures"]
            order.update(
                {
                    "debt_credit_state": order._debt_credit_state(result),
                    "debt_credit_issues": "\n".join(message for _rule, message in result["issues"]) or False,
                    "debt_partner_credit_limit": figures["credit_limit"],
                    "debt_partner_exposure": figures["exposure"],
                    "debt_partner_exposure_after": figures["exposure_after"],
                    "debt_partner_overdue": figures["overdue"],
                    "debt_partner_days_overdue": figures["max_days"],
                    "debt_partner_trust": figures["trust"] or False,
                }
            )

    def _debt_credit_state(self, result):
        self.ensure_one()
        if not result["issues"]:
            return "none"
        if result["approval"]:
            return "approved"
        if self._debt_blocking_issues(result):
            return "block"
        return "warn"

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
        paid = None
        for rule, message in result["issues"]:
            if rule.action == "block":
                blocking.append(message)
            elif rule.action == "prepay":
                required = self.amount_total * rule.prepayment_percent / 100.0
                if paid is None:
                    paid = self._debt_prepaid_amount()
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
