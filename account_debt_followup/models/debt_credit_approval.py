# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import AccessError

from .sale_order import TRUST_SELECTION


class DebtCreditApproval(models.Model):
    """A credit manager's decision on an order blocked by credit control: let it pass the
    credit rules for one amount, or refuse it with the reason.

    An audit record: made by the approval wizard only, never written nor deleted afterwards
    (no access right allows it, not even to credit managers).
    """

    _name = "debt.credit.approval"
    _description = "Credit Approval"
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "order_id"

    order_id = fields.Many2one(
        "sale.order", required=True, ondelete="cascade", index=True, check_company=True, readonly=True
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        help="The commercial partner approved.",
    )
    decision = fields.Selection(
        [("approved", "Approved"), ("refused", "Refused")], required=True, default="approved", readonly=True
    )
    user_id = fields.Many2one(
        "res.users", string="Decided By", required=True, readonly=True, default=lambda self: self.env.user
    )
    requested_by_id = fields.Many2one(
        "res.users",
        readonly=True,
        help="Who asked for the approval, told of the decision.",
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    reason = fields.Text(required=True, readonly=True)
    currency_id = fields.Many2one("res.currency", string="Order Currency", required=True, readonly=True)
    amount_approved = fields.Monetary(
        required=True, readonly=True, help="The order total approved: a larger total needs a new approval."
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    credit_limit = fields.Monetary(currency_field="company_currency_id", readonly=True)
    exposure_after = fields.Monetary(
        string="Exposure After the Order", currency_field="company_currency_id", readonly=True
    )
    overdue_amount = fields.Monetary(currency_field="company_currency_id", readonly=True)
    max_days_overdue = fields.Integer(string="Days Overdue", readonly=True)
    trust = fields.Selection(
        TRUST_SELECTION,
        string="Debtor Rating",
        readonly=True,
    )
    issues = fields.Text(string="Rules Overridden", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        # No access right allows creating an approval: the approval wizard creates it as
        # superuser, once it checked the user is a credit manager. This also covers code that
        # would create one on behalf of a user.
        if not self.env.su and not self.env.user.has_group("account_debt_followup.group_credit_manager"):
            raise AccessError(
                self.env._("Only a credit manager can approve an order blocked by credit control.")
            )
        return super().create(vals_list)

    def _covers(self, order):
        """Whether this approval still lets ``order`` through: approved, the order's latest
        decision (a refusal after it revokes it), same customer, total not grown."""
        self.ensure_one()
        latest = self.order_id.debt_approval_ids.sorted(lambda a: (a.date, a.id), reverse=True)[:1]
        return (
            self.decision == "approved"
            and latest == self
            and self.order_id == order
            and self.partner_id == order.partner_id.commercial_partner_id
            and self.currency_id == order.currency_id
            and order.currency_id.compare_amounts(order.amount_total, self.amount_approved) <= 0
        )
