# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount

TRUST_SELECTION = [("good", "Good Debtor"), ("normal", "Normal Debtor"), ("bad", "Bad Debtor")]
NO_DEBT = {"open": 0.0, "disputed": 0.0, "draft": 0.0, "to_invoice": 0.0, "overdue": 0.0, "max_days": 0}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    debt_approval_ids = fields.One2many(
        "debt.credit.approval", "order_id", string="Credit Approvals", copy=False, readonly=True
    )
    debt_approval_requested = fields.Boolean(string="Credit Approval Requested", copy=False, readonly=True)
    debt_company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    debt_credit_state = fields.Selection(
        [("none", "No Credit Issue"), ("warn", "Warning"), ("block", "Blocked"), ("approved", "Approved")],
        string="Credit Check",
        compute="_compute_debt_credit",
    )
    debt_credit_issues = fields.Text(string="Credit Issues", compute="_compute_debt_credit")
    debt_partner_credit_limit = fields.Monetary(
        string="Customer Credit Limit",
        compute="_compute_debt_credit",
        currency_field="debt_company_currency_id",
    )
    debt_partner_exposure = fields.Monetary(
        string="Customer Exposure",
        compute="_compute_debt_credit",
        currency_field="debt_company_currency_id",
        help="The customer's exposure without this order, in company currency.",
    )
    debt_partner_exposure_after = fields.Monetary(
        string="Exposure After This Order",
        compute="_compute_debt_credit",
        currency_field="debt_company_currency_id",
    )
    debt_partner_overdue = fields.Monetary(
        string="Customer Overdue Amount",
        compute="_compute_debt_credit",
        currency_field="debt_company_currency_id",
    )
    debt_partner_days_overdue = fields.Integer(string="Customer Days Overdue", compute="_compute_debt_credit")
    debt_partner_trust = fields.Selection(
        TRUST_SELECTION, string="Customer Rating", compute="_compute_debt_credit"
    )

    # ------------------------------------------------------------------ display
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
    def _debt_credit_evaluate(self, rules_only=False, increases=None):
        """Check the credit rules for the orders of ``self``, with no side effect.

        :param rules_only: leave out the orders of companies without any credit rule (the
            enforcement needs nothing more; the banner shows the figures anyway)
        :param increases: ``{order: amount}`` for confirmed orders that grew by ``amount`` (in
            company currency): the exposure already counts them, the check is on the increase

        A constant number of queries whatever the customers' number of invoices and orders:
        the rules, one debt query per company, the customers' limits and ratings, the approvals.

        :return: ``{order: {"figures": dict, "rules": company rules, "issues": [(rule, message)],
            "approval": approval}}``
        """
        orders = self.filtered(lambda o: o.partner_id and o.company_id)
        if not orders:
            return {}
        # sudo: a salesperson's order is checked against rules they cannot read
        rules = (
            self.env["debt.credit.rule"]
            .sudo()
            .search_fetch(
                # a branch follows the rules of its main company, on the same scope as the ledger
                [("company_id", "in", orders.company_id.root_id.ids)],
                [
                    "name",
                    "company_id",
                    "rule_type",
                    "threshold_amount",
                    "threshold_days",
                    "action",
                    "prepayment_percent",
                ],
            )
        )
        result = {}
        for company, company_orders in orders.grouped(lambda o: o.company_id.root_id).items():
            company_rules = rules.filtered(lambda r, c=company: r.company_id == c)
            if rules_only and not company_rules:
                continue
            today = fields.Date.context_today(self)
            # sudo: credit limit, rating and debt figures are accounting data; the check and the
            # order's banner need them whoever confirms (salesperson, portal customer, automation)
            partners = company_orders.partner_id.commercial_partner_id.sudo().with_company(company)
            increases = increases or {}
            debt = partners._get_debt_figures(
                company, exclude_order_ids=[o.id for o in company_orders._origin if o not in increases]
            )
            standing = {p.id: (p.credit_limit, p.trust) for p in partners}
            followup = {}
            if any(rule.rule_type == "followup_level" for rule in company_rules):
                followup = partners._get_followup_data(company)
                levels = (
                    self.env["debt.followup.level"]
                    .sudo()
                    .browse({data["level_id"] for data in followup.values() if data["level_id"]})
                )
                level_of = {level.id: level for level in levels}
            batch_total = defaultdict(float)  # orders of this batch already counted, per customer
            for order in company_orders:
                partner_id = order.partner_id.commercial_partner_id.id
                base = debt.get(partner_id, NO_DEBT)
                exposure = base["open"] + base["draft"] + base["to_invoice"]
                if order in increases:  # counted in the exposure already: before it grew, then grown
                    amount = increases[order]
                    exposure -= amount
                else:
                    amount = order.currency_id._convert(
                        order.amount_total, company.currency_id, company, today
                    )
                batch_total[partner_id] += amount
                credit_limit, trust = standing[partner_id]
                reached = followup and level_of.get((followup.get(partner_id) or {}).get("level_id"))
                figures = {
                    "followup_delay": reached.delay if reached else None,
                    "followup_level": reached.name if reached else "",
                    "credit_limit": credit_limit,
                    "trust": trust,
                    "exposure": exposure,
                    "order_amount": amount,
                    "exposure_after": exposure + batch_total[partner_id],
                    "overdue": max(base["overdue"], 0.0),
                    "max_days": base["max_days"],
                }
                result[order] = {
                    "figures": figures,
                    "rules": company_rules,
                    "issues": [
                        (rule, rule._describe(figures)) for rule in company_rules if rule._is_met(figures)
                    ],
                    # sudo: approvals are read to let the order through, whoever confirms it
                    "approval": order.sudo().debt_approval_ids.filtered(lambda a, o=order: a._covers(o))[:1],
                }
        return result

    def _debt_blocking_issues(self, result):
        """The issues of ``result`` that stop the confirmation (an approval lifts them all)."""
        self.ensure_one()
        blocking = []
        for rule, message in result["issues"]:
            if rule.action == "block":
                blocking.append(message)
            elif rule.action == "prepay":
                required = self.amount_total * rule.prepayment_percent / 100.0
                if self.currency_id.compare_amounts(self.amount_paid, required) < 0:
                    blocking.append(
                        self.env._(
                            "%(issue)s A prepayment of %(required)s is required; %(paid)s is paid.",
                            issue=message,
                            required=format_amount(self.env, required, self.currency_id),
                            paid=format_amount(self.env, self.amount_paid, self.currency_id),
                        )
                    )
        return blocking

    def _debt_credit_check(self, increases=None):
        """Enforce the credit rules on orders about to be confirmed, or confirmed orders that
        grew by ``increases`` (``{order: amount in company currency}``).

        Raises a ``UserError`` for blocked orders, logs warnings on the others, and writes the
        customers' guard rows so that two concurrent confirmations cannot both pass.
        """
        evaluation = self._debt_credit_evaluate(rules_only=True, increases=increases)
        if not evaluation:
            return
        guarded = {
            (order.partner_id.commercial_partner_id.id, order.company_id.root_id.id)
            for order, result in evaluation.items()
            if any(rule.rule_type == "credit_limit" for rule in result["rules"])
        }
        self.env["debt.credit.guard"]._touch(guarded)
        blocked = {}
        for order, result in evaluation.items():
            if result["approval"]:
                if result["issues"]:
                    order._debt_log_confirmation(result, approved=True)
                continue
            blocking = order._debt_blocking_issues(result)
            if blocking:
                blocked[order] = (blocking, result["figures"])
            elif result["issues"]:
                order._debt_log_confirmation(result, approved=False)
        if blocked:
            raise UserError(self._debt_block_message(blocked))

    def _debt_log_confirmation(self, result, approved):
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
                if self.state == "sale"
                else self.env._(
                    "Confirmed with the credit approval of %(user)s (%(reason)s):",
                    user=approval.user_id.name,
                    reason=approval.reason,
                )
            )
        elif self.state == "sale":
            intro = self.env._("Order increased despite these credit warnings:")
        else:
            intro = self.env._("Confirmed despite these credit warnings:")
        self.message_post(body=Markup("<p>%s</p><ul>%s</ul>") % (intro, items), subtype_xmlid="mail.mt_note")

    def _debt_block_message(self, blocked):
        if self.env.user._is_public() or self.env.user.share:
            # a customer confirming from the portal never sees internal credit figures
            return self.env._(
                "Your order needs the approval of our credit department before it can be confirmed. "
                "We will contact you shortly."
            )
        parts = []
        for order, (messages, figures) in blocked.items():
            if order.state == "sale":
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
            currency = order.company_id.currency_id
            parts.append(
                self.env._(
                    "Credit limit %(limit)s, exposure after this order %(exposure)s, overdue %(overdue)s "
                    "(%(days)s days).",
                    limit=format_amount(self.env, figures["credit_limit"], currency),
                    exposure=format_amount(self.env, figures["exposure_after"], currency),
                    overdue=format_amount(self.env, figures["overdue"], currency),
                    days=figures["max_days"],
                )
            )
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
    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        confirmed = orders.filtered(lambda o: o.state == "sale")
        if confirmed:
            confirmed._debt_credit_check()
        return orders

    def write(self, vals):
        # Every way of confirming an order ends here: the button, action_confirm over RPC,
        # portal signature and payment, automated actions, a plain write of the state.
        if vals.get("state") == "sale":
            to_check = self.filtered(lambda o: o.state in ("draft", "sent"))
            if to_check:
                to_check._debt_credit_check()
        return super().write(vals)

    def _debt_confirmed_totals(self):
        """The totals of the confirmed orders of ``self``, before a change of their lines."""
        return {order: order.amount_total for order in self if order.state == "sale"}

    def _debt_check_growth(self, before):
        """Check the credit rules on the confirmed orders that grew since ``before``."""
        today = fields.Date.context_today(self)
        increases = {}
        for order, total in before.items():
            grown = order.amount_total - total
            if order.currency_id.compare_amounts(grown, 0) > 0:
                company = order.company_id
                increases[order] = order.currency_id._convert(grown, company.currency_id, company, today)
        if increases:
            self.browse([order.id for order in increases])._debt_credit_check(
                increases={self.browse(order.id): amount for order, amount in increases.items()}
            )

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
        for order in self:
            if order.state not in ("draft", "sent"):
                raise UserError(self.env._("Only a quotation can be submitted for credit approval."))
            order._debt_request_approval()
        return True

    def _debt_request_approval(self, from_portal=False):
        """Ask the follow-up responsible (or a credit manager) to approve this order."""
        self.ensure_one()
        approver = self._debt_approvers()[:1]
        if from_portal:
            note = self.env._("The customer confirmed this quotation online, but credit control blocks it.")
        else:
            note = self.env._("%(user)s asks for a credit approval.", user=self.env.user.name)
        issues = self.debt_credit_issues or ""
        # sudo: a salesperson (or the portal customer) schedules the activity for a credit manager
        order_sudo = self.sudo()
        if approver:
            order_sudo.activity_schedule(
                "account_debt_followup.mail_activity_type_credit_approval",
                summary=self.env._("Credit approval for %(order)s", order=self.name),
                note=Markup("<p>%s</p><p>%s</p>") % (note, issues),
                user_id=approver.id,
            )
        order_sudo.debt_approval_requested = True
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
