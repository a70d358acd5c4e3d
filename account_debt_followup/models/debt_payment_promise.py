# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_amount, format_date


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

    @api.constrains("amount", "line_ids")
    def _check_items(self):
        """The promise covers the items picked: not more than they owe, and an item is in one
        open promise at most, checked with one query. ``create`` and ``write`` lock the items
        first (see ``_lock_items``): of two transactions promising the same item at the same
        time, the second fails with a serialization error, and Odoo retries it, then sees the
        first."""
        promises = self.filtered("line_ids")
        if not promises:
            return
        for promise in promises:
            strangers = promise.line_ids.filtered(
                lambda line, p=promise: (
                    line.partner_id.commercial_partner_id != p.partner_id.commercial_partner_id
                )
            )
            if strangers:
                raise ValidationError(
                    self.env._(
                        "%(items)s are not invoices of %(customer)s.",
                        items=", ".join(strangers.mapped("move_name")),
                        customer=promise.partner_id.display_name,
                    )
                )
            owed = sum(promise.line_ids.mapped("amount_residual"))
            if promise.currency_id.compare_amounts(promise.amount, owed) > 0:
                raise ValidationError(
                    self.env._(
                        "The promise of %(amount)s is more than the invoices picked still owe, "
                        "%(owed)s: pick the other invoices it pays too.",
                        amount=format_amount(self.env, promise.amount, promise.currency_id),
                        owed=format_amount(self.env, owed, promise.currency_id),
                    )
                )
        self.flush_model(["line_ids"])
        line_ids = promises.line_ids.ids
        rows = self.env.execute_query(
            SQL(
                """SELECT line_id, promise_id FROM debt_payment_promise_line_rel
                    WHERE line_id = ANY(%s) AND promise_id != ALL(%s)""",
                line_ids,
                promises.ids,
            )
        )
        others = self.browse({promise_id for _line_id, promise_id in rows})
        open_others = others.filtered(lambda other: other.state == "open")
        for line_id, promise_id in rows:
            other = self.browse(promise_id)
            if other in open_others:
                line = self.env["account.move.line"].browse(line_id)
                raise ValidationError(
                    self.env._(
                        "%(invoice)s is already in the open promise to pay of %(date)s: change that "
                        "promise rather than adding another one.",
                        invoice=line.move_name,
                        date=format_date(self.env, other.promised_date),
                    )
                )

    @api.model
    def _lock_items(self, line_ids):
        """Write the items a promise is about to cover (a change of nothing), before anything
        else: a concurrent transaction that writes them too waits, then fails with a
        serialization error under Odoo's REPEATABLE READ (a ``SELECT ... FOR UPDATE`` alone
        would let it go on with its old snapshot)."""
        if not line_ids:
            return
        self.env["account.move.line"].flush_model(["expected_payment_date"])
        self.env.cr.execute(
            SQL(
                """UPDATE account_move_line SET expected_payment_date = expected_payment_date
                    WHERE id IN (SELECT id FROM account_move_line
                                  WHERE id = ANY(%s) ORDER BY id FOR UPDATE)""",
                sorted(line_ids),
            ),
            # a concurrent promise fails here with a serialization error on purpose: Odoo retries
            # the request, so it is not logged as a bad query
            log_exceptions=False,
        )

    @api.model
    def _item_ids_of(self, commands):
        """The items named by ``line_ids`` commands (set, link, or plain ids)."""
        ids = set()
        for command in commands or []:
            if isinstance(command, int):
                ids.add(command)
            elif command[0] == Command.SET:
                ids.update(command[2] or [])
            elif command[0] == Command.LINK:
                ids.add(command[1])
        return ids

    @api.model
    def _oldest_items(self, partner, company, amount):
        """The items a promise of ``amount`` covers when the collector picked none: the customer's
        oldest overdue debits (from the ledger, disputed ones left out; not those not due yet) not in
        another open promise, until the amount is covered."""
        today = fields.Date.context_today(self)
        lines = (
            partner.commercial_partner_id.with_company(company)
            ._get_followup_lines(company)
            .filtered(lambda line: (line.date_maturity or line.date) < today)
        )
        promised = self.search([("line_ids", "in", lines.ids)]).filtered(lambda p: p.state == "open")
        picked = self.env["account.move.line"]
        covered = 0.0
        for line in lines - promised.line_ids:
            if company.currency_id.compare_amounts(covered, amount) >= 0:
                break
            picked |= line
            covered += line.amount_residual
        return picked

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not self._item_ids_of(vals.get("line_ids")) and vals.get("partner_id") and vals.get("amount"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                partner = self.env["res.partner"].browse(vals["partner_id"])
                items = self._oldest_items(partner, company, vals["amount"])
                vals["line_ids"] = [Command.set(items.ids)]
        self._lock_items(set().union(*(self._item_ids_of(vals.get("line_ids")) for vals in vals_list)))
        promises = super().create(vals_list)
        for promise in promises:
            promise.residual_at_promise = sum(promise.line_ids.mapped("amount_residual"))
            # the promised date shows on the items, and the worklist waits for it
            promise.line_ids.expected_payment_date = promise.promised_date
        return promises

    def write(self, vals):
        if "line_ids" in vals:
            self._lock_items(self._item_ids_of(vals["line_ids"]))
        return super().write(vals)

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
