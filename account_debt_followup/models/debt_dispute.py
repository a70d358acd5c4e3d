# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A customer's dispute of some of its items, a case from opening to resolution.

One truth: the ledger reads an item as ``disputed`` when it is excluded by hand
(``followup_excluded``, with a reason) or covered by an open case (``debt_disputed``, maintained by
the cases only). Opening a case flags its items; resolving or cancelling it clears the flag of the
items no other open case covers. An exclusion set by hand stays as it is.

A case opened by the customer on its portal starts "To Review": it flags nothing (reminders and
credit rules apply as before) until credit control accepts it (open) or refuses it (cancelled).

A partial dispute (an amount below the items' open amount) is recorded for its resolution (the
credit note or write-off is for the disputed amount), but the items are disputed whole while the
case is open: reminders, levels and overdue figures work per item.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount

# the days the owner of an accepted portal case is given to resolve it
ACCEPTED_DISPUTE_DAYS = 7


class DebtDispute(models.Model):
    _name = "debt.dispute"
    _description = "Debt Dispute"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, date_deadline, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company.root_id,
        domain="[('parent_id', '=', False)]",
        help="The main company: the items of its branches may be disputed in the same case.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    line_ids = fields.Many2many(
        "account.move.line",
        relation="debt_dispute_line_rel",
        column1="dispute_id",
        column2="line_id",
        string="Disputed Items",
        domain="[('partner_id', 'child_of', partner_id), ('account_type', '=', 'asset_receivable'), "
        "('reconciled', '=', False), ('parent_state', '=', 'posted'), ('balance', '>', 0)]",
    )
    open_amount = fields.Monetary(
        string="Items Open Amount", compute="_compute_open_amount", help="What the items still owe."
    )
    amount = fields.Monetary(
        string="Disputed Amount",
        compute="_compute_amount",
        store=True,
        readonly=False,
        tracking=True,
        help="What the customer disputes: the items' open amount, or less for a partial dispute. "
        "The items are out of reminders and overdue whole while the case is open.",
    )
    reason = fields.Selection(
        [
            ("price", "Wrong price"),
            ("quantity", "Wrong or missing quantity"),
            ("quality", "Quality or damaged goods"),
            ("not_received", "Goods or service not received"),
            ("paid", "Already paid"),
            ("other", "Other"),
        ],
        required=True,
        default="other",
        tracking=True,
    )
    description = fields.Text(string="What the Customer Says", required=True)
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        required=True,
        check_company=True,
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    date_deadline = fields.Date(string="Deadline", tracking=True)
    source = fields.Selection(
        [("call", "Call"), ("item", "Item"), ("portal", "Customer Portal")],
        required=True,
        default="item",
        readonly=True,
    )
    state = fields.Selection(
        [("to_review", "To Review"), ("open", "Open"), ("resolved", "Resolved"), ("cancelled", "Cancelled")],
        required=True,
        default="open",
        readonly=True,
        tracking=True,
        help="To Review: opened by the customer on its portal, nothing is flagged until credit control "
        "accepts the case (the items stay in reminders and credit rules).\n"
        "Open: the items are disputed, out of reminders and overdue.",
    )
    resolution = fields.Selection(
        [("credit_note", "Credit note"), ("write_off", "Write-off"), ("release", "Released")],
        readonly=True,
        tracking=True,
        help="Credit note: the customer was right, a credit note pays the disputed amount.\n"
        "Write-off: the disputed amount is written off by a journal entry.\n"
        "Released: the customer accepted the debt, the items are followed up again.",
    )
    resolution_move_ids = fields.Many2many(
        "account.move",
        relation="debt_dispute_move_rel",
        column1="dispute_id",
        column2="move_id",
        string="Credit Notes and Write-offs",
        readonly=True,
        copy=False,
    )
    date_resolved = fields.Date(readonly=True, copy=False)
    write_off_account_id = fields.Many2one(
        "account.account",
        string="Write-off Account",
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'income_other', 'expense_direct_cost'))]",
        help="The account a write-off of the disputed amount is charged to.",
    )

    @api.depends("line_ids.amount_residual")
    def _compute_open_amount(self):
        for dispute in self:
            dispute.open_amount = sum(dispute.line_ids.mapped("amount_residual"))

    @api.depends("line_ids")
    def _compute_amount(self):
        for dispute in self:
            dispute.amount = sum(dispute.line_ids.mapped("amount_residual"))

    # ------------------------------------------------------------------ checks
    @api.constrains("line_ids", "partner_id", "company_id", "amount")
    def _check_lines(self):
        for dispute in self:
            lines = dispute.line_ids
            if not lines:
                raise ValidationError(
                    self.env._("The dispute %(name)s must name the disputed items.", name=dispute.name)
                )
            wrong = lines.filtered(
                lambda line, d=dispute: (
                    line.partner_id.commercial_partner_id != d.partner_id.commercial_partner_id
                    or line.company_id.root_id != d.company_id
                    or line.account_type != "asset_receivable"
                    or line.parent_state != "posted"
                )
            )
            if wrong:
                raise ValidationError(
                    self.env._(
                        "%(items)s cannot be disputed in %(name)s: a dispute covers posted receivable "
                        "items of its customer in its company and branches.",
                        items=", ".join(wrong.mapped("move_name")),
                        name=dispute.name,
                    )
                )
            if dispute.currency_id.compare_amounts(dispute.amount, 0) <= 0 or (
                dispute.state == "open"
                and dispute.currency_id.compare_amounts(dispute.amount, dispute.open_amount) > 0
            ):
                raise ValidationError(
                    self.env._(
                        "The disputed amount of %(name)s must be more than zero and at most what the "
                        "items still owe, %(open)s.",
                        name=dispute.name,
                        open=format_amount(self.env, dispute.open_amount, dispute.currency_id),
                    )
                )

    @api.constrains("company_id")
    def _check_main_company(self):
        for dispute in self:
            if dispute.company_id.parent_id:
                raise ValidationError(
                    self.env._(
                        "A dispute belongs to the main company %(company)s, not to its branch.",
                        company=dispute.company_id.root_id.name,
                    )
                )

    # ------------------------------------------------------------------ life
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("partner_id"):
                vals["partner_id"] = (
                    self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
                )
        disputes = super().create(vals_list)
        for dispute in disputes:
            # sudo: the numbering is shared configuration, read by the portal too
            dispute.name = (
                self.env["ir.sequence"]
                .sudo()
                .with_company(dispute.company_id)
                .next_by_code("debt.dispute", sequence_date=fields.Date.context_today(self))
                or "/"
            )
            dispute._schedule_deadline()
        disputes._sync_items(disputes.line_ids)
        return disputes

    def write(self, vals):
        before = self.line_ids
        result = super().write(vals)
        if vals.get("state") == "open":
            # a case opened (accepted, reopened, or written so over RPC): its items must still be
            # open debts, at least the amount disputed (they may have been paid meanwhile); a
            # case closed is never checked, whatever became of its invoice
            self._check_lines()
        if {"line_ids", "state"} & set(vals):
            self._sync_items(before | self.line_ids)
        if {"date_deadline", "user_id"} & set(vals):
            for dispute in self.filtered(lambda d: d.state in ("to_review", "open")):
                dispute.activity_unlink(["mail.mail_activity_data_todo"])
                dispute._schedule_deadline()
        return result

    def _schedule_deadline(self):
        """A to-do for the owner on the deadline: review a case opened on the portal, resolve an
        open one."""
        self.ensure_one()
        if self.date_deadline and self.state in ("to_review", "open"):
            if self.state == "to_review":
                summary = self.env._("Review the dispute %(name)s", name=self.name)
            else:
                summary = self.env._("Resolve the dispute %(name)s", name=self.name)
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=self.date_deadline,
                summary=summary,
                user_id=self.user_id.id,
            )

    def _sync_items(self, lines):
        """Set ``debt_disputed`` of ``lines`` from the open cases covering them, with one search
        for all of them. The exclusion set by hand (``followup_excluded``) is left alone."""
        if not lines:
            return
        # sudo: the items' flag follows the cases whoever opens them (a portal customer, a collector);
        # the flag is written only as superuser (see account.move.line's write)
        open_cases = self.sudo().search([("state", "=", "open"), ("line_ids", "in", lines.ids)])
        lines = lines.sudo()
        covered = open_cases.line_ids & lines
        covered.filtered(lambda line: not line.debt_disputed).write({"debt_disputed": True})
        (lines - covered).filtered("debt_disputed").write({"debt_disputed": False})

    def _close(self, state, resolution=False, moves=None):
        for dispute in self:
            if dispute.state != "open":
                raise UserError(self.env._("The dispute %(name)s is not open.", name=dispute.name))
        values = {"state": state, "resolution": resolution, "date_resolved": fields.Date.context_today(self)}
        if moves:
            values["resolution_move_ids"] = [fields.Command.link(move.id) for move in moves]
        self.write(values)
        self.activity_unlink(["mail.mail_activity_data_todo"])

    def action_release(self):
        """The customer accepted the debt: the items are followed up again."""
        self._close("resolved", "release")
        for dispute in self:
            dispute.message_post(
                body=self.env._("Released: the customer accepts the debt, the items are followed up again."),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_cancel(self):
        self._close("cancelled")
        return True

    def _check_to_review(self):
        for dispute in self:
            if dispute.state != "to_review":
                raise UserError(
                    self.env._("The dispute %(name)s is not waiting for a review.", name=dispute.name)
                )

    def action_accept(self):
        """Credit control accepts a case opened on the portal: it is open, its items are flagged
        (out of reminders and overdue), its owner has the usual days to resolve it."""
        self._check_to_review()
        self.write({"state": "open"})  # checked again (write): paid in part during the review?
        for dispute in self:
            # a new deadline: the review to-do is replaced by the resolution one (see write)
            dispute.date_deadline = fields.Date.context_today(self) + timedelta(days=ACCEPTED_DISPUTE_DAYS)
            dispute.message_post(
                body=self.env._("Accepted: the items are out of the follow-up until the case is closed."),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_refuse(self):
        """Credit control refuses a case opened on the portal: cancelled, nothing was flagged."""
        self._check_to_review()
        self.write({"state": "cancelled", "date_resolved": fields.Date.context_today(self)})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        for dispute in self:
            dispute.message_post(
                body=self.env._("Refused: the items stay in the follow-up."), subtype_xmlid="mail.mt_note"
            )
        return True

    def action_reopen(self):
        for dispute in self:
            if dispute.state in ("open", "to_review"):
                continue
            values = {"state": "open", "resolution": False, "date_resolved": False}
            if dispute.currency_id.compare_amounts(dispute.amount, dispute.open_amount) > 0:
                # paid in part since it was closed: what the items still owe is disputed (nothing
                # owed: refused by _check_lines)
                values["amount"] = dispute.open_amount
            dispute.write(values)  # checked again (write): its items must still be open debts
            dispute._schedule_deadline()
        return True
