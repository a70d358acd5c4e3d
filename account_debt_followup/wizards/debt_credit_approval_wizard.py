# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount


class DebtCreditApprovalWizard(models.TransientModel):
    _name = "debt.credit.approval.wizard"
    _description = "Approve or Refuse an Order Blocked by Credit Control"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    company_id = fields.Many2one(related="order_id.company_id")
    debt_company_currency_id = fields.Many2one(related="order_id.debt_company_currency_id")
    currency_id = fields.Many2one(related="order_id.currency_id")
    amount_total = fields.Monetary(related="order_id.amount_total")
    order_state = fields.Selection(related="order_id.state")
    requested_by_id = fields.Many2one(related="order_id.debt_approval_requested_by")
    amount_approved = fields.Monetary(
        string="Approved Up To",
        compute="_compute_amount_approved",
        store=True,
        readonly=False,
        help="A confirmed order may grow up to this total, taxes included, without asking again.",
    )
    issues = fields.Text(related="order_id.debt_credit_issues")
    credit_limit = fields.Monetary(
        related="order_id.debt_partner_credit_limit", currency_field="debt_company_currency_id"
    )
    exposure_after = fields.Monetary(
        related="order_id.debt_partner_exposure_after", currency_field="debt_company_currency_id"
    )
    overdue_amount = fields.Monetary(
        related="order_id.debt_partner_overdue", currency_field="debt_company_currency_id"
    )
    max_days_overdue = fields.Integer(related="order_id.debt_partner_days_overdue")
    trust = fields.Selection(related="order_id.debt_partner_trust")
    reason = fields.Text(
        required=True,
        help="Why this order may be confirmed anyway, or why it is refused; kept on the order and "
        "told to who asked.",
    )

    @api.depends("order_id")
    def _compute_amount_approved(self):
        for wizard in self:
            wizard.amount_approved = wizard.order_id.amount_total

    @api.model
    def default_get(self, fields_list):
        self._check_manager()
        return super().default_get(fields_list)

    def _check_manager(self):
        if not self.env.user.has_group("account_debt_followup.group_credit_manager"):
            raise AccessError(
                self.env._("Only a credit manager can approve an order blocked by credit control.")
            )

    def action_approve(self):
        return self._approve(confirm=False)

    def action_approve_and_confirm(self):
        return self._approve(confirm=True)

    def _check_decision(self):
        """The checks common to an approval and a refusal; returns the reason."""
        self.ensure_one()
        self._check_manager()
        order = self.order_id
        if order.state not in ("draft", "sent", "sale"):
            raise UserError(
                self.env._(
                    "Only a quotation or a confirmed order can be approved: %(order)s is neither.",
                    order=order.name,
                )
            )
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason for the decision."))
        return reason

    def _record_decision(self, decision, amount, reason):
        """The audit record of the decision, with the customer's figures of this moment."""
        order = self.order_id
        result = order._debt_credit_evaluate()[order]
        figures = result["figures"]
        # sudo: no access right creates approvals, so that they are never made or changed over
        # RPC; the user was checked to be a credit manager (approvals' create checks it again)
        approval = (
            self.env["debt.credit.approval"]
            .sudo()
            .create(
                {
                    "order_id": order.id,
                    "decision": decision,
                    "partner_id": order.partner_id.commercial_partner_id.id,
                    "requested_by_id": order.debt_approval_requested_by.id,
                    "reason": reason,
                    "currency_id": order.currency_id.id,
                    "amount_approved": amount,
                    "credit_limit": figures["credit_limit"],
                    "exposure_after": figures["exposure_after"],
                    "overdue_amount": figures["overdue"],
                    "max_days_overdue": figures["max_days"],
                    "trust": figures["trust"] or False,
                    "issues": "\n".join(message for _rule, message in result["issues"]) or False,
                }
            )
            .sudo(False)
        )
        # the request is answered: asked again if need be
        order.sudo().debt_approval_requested_amount = False
        return approval, figures

    def _approve(self, confirm):
        reason = self._check_decision()
        order = self.order_id
        if order.company_id.debt_approval_four_eyes and order.user_id == self.env.user:
            raise UserError(
                self.env._(
                    "You are the salesperson of %(order)s: another credit manager must approve it.",
                    order=order.name,
                )
            )
        # sudo: who asked is read whatever the approver may read of the order
        if (
            order.company_id.debt_approval_four_eyes
            and order.sudo().debt_approval_requested_by == self.env.user
        ):
            raise UserError(
                self.env._(
                    "You asked for the credit approval of %(order)s: another credit manager must approve it.",
                    order=order.name,
                )
            )
        amount = order.amount_total
        if order.state == "sale":
            # a confirmed order: approved up to a larger total, for the lines still to come
            amount = self.amount_approved
            if order.currency_id.compare_amounts(amount, order.amount_total) < 0:
                raise UserError(
                    self.env._(
                        "Approve at least the order's total, %(amount)s.",
                        amount=format_amount(self.env, order.amount_total, order.currency_id),
                    )
                )
            confirm = False
        approval, figures = self._record_decision("approved", amount, reason)
        currency = order.debt_company_currency_id
        order.message_post(
            body=Markup("<p>%s</p><ul><li>%s</li><li>%s</li><li>%s</li><li>%s</li></ul>")
            % (
                self.env._(
                    "Credit approval by %(user)s for %(amount)s: %(reason)s",
                    user=approval.user_id.name,
                    amount=format_amount(self.env, amount, order.currency_id),
                    reason=approval.reason,
                ),
                self.env._(
                    "Credit limit: %(amount)s",
                    amount=format_amount(self.env, figures["credit_limit"], currency),
                ),
                self.env._(
                    "Exposure after the order: %(amount)s",
                    amount=format_amount(self.env, figures["exposure_after"], currency),
                ),
                self.env._(
                    "Overdue amount: %(amount)s", amount=format_amount(self.env, figures["overdue"], currency)
                ),
                self.env._("Days overdue: %(days)s", days=figures["max_days"]),
            ),
            subtype_xmlid="mail.mt_note",
            partner_ids=self._notified_partners().ids,
        )
        order.activity_feedback(
            ["account_debt_followup.mail_activity_type_credit_approval"], feedback=self.env._("Approved")
        )
        if confirm:
            order.action_confirm()
        return {"type": "ir.actions.act_window_close"}

    def action_refuse(self):
        reason = self._check_decision()
        order = self.order_id
        approval, _figures = self._record_decision("refused", order.amount_total, reason)
        order.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Credit approval refused by %(user)s: %(reason)s",
                user=approval.user_id.name,
                reason=approval.reason,
            ),
            subtype_xmlid="mail.mt_note",
            partner_ids=self._notified_partners().ids,
        )
        order.activity_feedback(
            ["account_debt_followup.mail_activity_type_credit_approval"],
            feedback=self.env._("Refused: %(reason)s", reason=reason),
        )
        return {"type": "ir.actions.act_window_close"}

    def _notified_partners(self):
        """Who is told of the decision: who asked for it, else the order's salesperson."""
        order = self.order_id
        user = order.debt_approval_requested_by or order.user_id
        return user.partner_id if user and user != self.env.user else self.env["res.partner"]
