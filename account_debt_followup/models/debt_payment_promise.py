# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class DebtPaymentPromise(models.Model):
    """The customer's word: this amount will be paid by that date, for these items."""

    _name = "debt.payment.promise"
    _description = "Promise to Pay"
    _order = "promised_date desc, id desc"
    _check_company_auto = True
    _inherit = ["mail.thread"]
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, domain="[('is_company', '=', True)]"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(required=True, tracking=True)
    promised_date = fields.Date(required=True, tracking=True)
    contact_id = fields.Many2one("res.partner", string="Promised By", help="Who made the promise.")
    user_id = fields.Many2one("res.users", string="Recorded By", default=lambda self: self.env.user)
    note = fields.Text()
    line_ids = fields.Many2many(
        "account.move.line",
        relation="debt_payment_promise_line_rel",
        column1="promise_id",
        column2="line_id",
        string="Items",
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id), ('account_type', '=', 'asset_receivable'), "
        "('reconciled', '=', False), ('parent_state', '=', 'posted')]",
    )
    source = fields.Selection(
        [("collector", "Collector"), ("portal", "Customer Portal")],
        required=True,
        default="collector",
        readonly=True,
        help="Who recorded the promise: a collector, or the customer itself on its portal.",
    )
    portal_count = fields.Integer(
        string="Dates Stated Online",
        readonly=True,
        help="How many times the customer stated or moved this date on its portal.",
    )
    residual_at_promise = fields.Monetary(
        string="Owed When Promised",
        readonly=True,
        help="What the items still owed when the promise was recorded.",
    )
    amount_paid = fields.Monetary(string="Paid Since", compute="_compute_state")
    state = fields.Selection(
        [("open", "Open"), ("kept", "Kept"), ("broken", "Broken")], compute="_compute_state"
    )

    @api.constrains("amount")
    def _check_amount(self):
        for promise in self:
            if promise.currency_id.compare_amounts(promise.amount, 0) <= 0:
                raise ValidationError(self.env._("A promise to pay is for a positive amount."))

    @api.model_create_multi
    def create(self, vals_list):
        promises = super().create(vals_list)
        for promise in promises:
            promise.residual_at_promise = sum(promise.line_ids.mapped("amount_residual"))
            # the promised date shows on the items, and the worklist waits for it
            promise.line_ids.expected_payment_date = promise.promised_date
        return promises

    @api.depends("line_ids.amount_residual", "amount", "promised_date", "residual_at_promise")
    @api.depends_context("company")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for promise in self:
            paid = promise.residual_at_promise - sum(promise.line_ids.mapped("amount_residual"))
            promise.amount_paid = paid
            if promise.currency_id.compare_amounts(paid, promise.amount) >= 0:
                promise.state = "kept"
            elif promise.promised_date and promise.promised_date < today:
                promise.state = "broken"
            else:
                promise.state = "open"
