# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_amount


class DebtCreditRule(models.Model):
    """A condition checked when a sales order is confirmed, and what to do when it is met."""

    _name = "debt.credit.rule"
    _description = "Credit Control Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    rule_type = fields.Selection(
        [
            ("credit_limit", "Exposure after the order over the credit limit"),
            ("overdue_amount", "Overdue amount above a threshold"),
            ("overdue_days", "An invoice overdue for more than some days"),
            ("bad_debtor", "Customer rated bad debtor"),
            ("followup_level", "Follow-up level reached"),
        ],
        string="Condition",
        required=True,
        default="credit_limit",
    )
    threshold_amount = fields.Monetary(
        string="Overdue Amount Above",
        help="The rule applies when the customer's overdue amount is above this amount.",
    )
    threshold_days = fields.Integer(
        string="Days Overdue Above",
        help="The rule applies when an unpaid invoice is overdue for more than this number of days.",
    )
    followup_level_id = fields.Many2one(
        "debt.followup.level",
        string="Follow-up Level At Least",
        check_company=True,
        help="The rule applies when the customer's overdue items reached this follow-up level "
        "or a later one.",
    )
    action = fields.Selection(
        [
            ("warn", "Warn"),
            ("block", "Block"),
            ("prepay", "Require prepayment"),
        ],
        required=True,
        default="block",
        help="Warn: the order is confirmed and the warning is logged on it.\n"
        "Block: the order cannot be confirmed until a credit manager approves it.\n"
        "Require prepayment: the order can be confirmed once the prepayment is paid online.",
    )
    prepayment_percent = fields.Float(
        string="Prepayment (%)",
        default=100.0,
        help="Share of the order total to be paid before it can be confirmed.",
    )

    @api.constrains(
        "rule_type", "threshold_amount", "threshold_days", "prepayment_percent", "action", "followup_level_id"
    )
    def _check_thresholds(self):
        for rule in self:
            if rule.rule_type == "followup_level" and not rule.followup_level_id:
                raise ValidationError(
                    self.env._("Choose the follow-up level of the credit rule %(rule)s.", rule=rule.name)
                )
            if rule.threshold_amount < 0 or rule.threshold_days < 0:
                raise ValidationError(
                    self.env._(
                        "The thresholds of the credit rule %(rule)s cannot be negative.", rule=rule.name
                    )
                )
            if rule.action == "prepay" and not 0 < rule.prepayment_percent <= 100:
                raise ValidationError(
                    self.env._(
                        "The prepayment of the credit rule %(rule)s must be more than 0%% and at most 100%%.",
                        rule=rule.name,
                    )
                )

    def _is_met(self, figures):
        """Whether the rule's condition holds for ``figures`` (see ``sale.order._debt_credit_figures``)."""
        self.ensure_one()
        currency = self.currency_id
        if self.rule_type == "credit_limit":
            limit = figures["credit_limit"]
            return bool(limit) and currency.compare_amounts(figures["exposure_after"], limit) > 0
        if self.rule_type == "overdue_amount":
            return currency.compare_amounts(figures["overdue"], self.threshold_amount) > 0
        if self.rule_type == "overdue_days":
            return figures["max_days"] > self.threshold_days
        if self.rule_type == "bad_debtor":
            return figures["trust"] == "bad"
        if self.rule_type == "followup_level":
            return (
                figures["followup_delay"] is not None
                and figures["followup_delay"] >= self.followup_level_id.delay
            )
        return False

    def _describe(self, figures):
        """One line saying why the rule is met, with the figures that matter."""
        self.ensure_one()

        def amount(value):
            return format_amount(self.env, value, self.currency_id)

        if self.rule_type == "credit_limit":
            return self.env._(
                "%(rule)s: the exposure after this order, %(exposure)s, "
                "is over the credit limit of %(limit)s.",
                rule=self.name,
                exposure=amount(figures["exposure_after"]),
                limit=amount(figures["credit_limit"]),
            )
        if self.rule_type == "overdue_amount":
            return self.env._(
                "%(rule)s: the overdue amount, %(overdue)s, is above %(threshold)s.",
                rule=self.name,
                overdue=amount(figures["overdue"]),
                threshold=amount(self.threshold_amount),
            )
        if self.rule_type == "overdue_days":
            return self.env._(
                "%(rule)s: an invoice is overdue for %(days)s days, more than %(threshold)s.",
                rule=self.name,
                days=figures["max_days"],
                threshold=self.threshold_days,
            )
        if self.rule_type == "followup_level":
            return self.env._(
                "%(rule)s: the customer's overdue items reached the follow-up level %(level)s.",
                rule=self.name,
                level=figures["followup_level"],
            )
        return self.env._("%(rule)s: the customer is rated a bad debtor.", rule=self.name)
