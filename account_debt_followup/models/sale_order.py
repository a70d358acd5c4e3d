# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging

from odoo import api, fields, models

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
                        **order._debt_credit_banner_values(None),
                    }
                )
                continue
            figures = result["figures"]
            order.update(
                {
                    **order._debt_credit_banner_values(result),
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
