# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A customer's dispute of some of its items, a case from opening to resolution.

One truth: the ledger reads the flag ``followup_excluded`` of the items (``disputed``); the open
cases maintain it. Opening a case flags its items (the reason names the case); resolving or
cancelling it clears the flag of the items no other open case covers. Items flagged by hand
before cases existed (or blocked for another reason) stay excluded as they are.

A partial dispute (an amount below the items' open amount) is recorded for its resolution (the
credit note or write-off is for the disputed amount), but the items are disputed whole while the
case is open: reminders, levels and overdue figures work per item.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount


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
        [("open", "Open"), ("resolved", "Resolved"), ("cancelled", "Cancelled")],
        required=True,
        default="open",
        readonly=True,
        tracking=True,
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
        if {"line_ids", "state"} & set(vals):
            self._sync_items(before | self.line_ids)
        if {"date_deadline", "user_id"} & set(vals):
            for dispute in self.filtered(lambda d: d.state == "open"):
                dispute.activity_unlink(["mail.mail_activity_data_todo"])
                dispute._schedule_deadline()
        return result

    def _schedule_deadline(self):
        """A to-do for the owner on the deadline."""
        self.ensure_one()
        if self.date_deadline and self.state == "open":
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=self.date_deadline,
                summary=self.env._("Resolve the dispute %(name)s", name=self.name),
                user_id=self.user_id.id,
            )

    def _sync_items(self, lines):
        """Set ``followup_excluded`` of ``lines`` from the open cases covering them, with one
        search for all of them."""
        if not lines:
            return
        # sudo: the items' flag follows the cases whoever opens them (a portal customer, a collector)
        open_cases = self.sudo().search([("state", "=", "open"), ("line_ids", "in", lines.ids)])
        covered = {}
        for case in open_cases:
            for line in case.line_ids & lines:
                covered.setdefault(line, case)
        lines = lines.sudo().with_context(debt_dispute_sync=True)
        to_flag = {}
        for line in lines:
            case = covered.get(line)
            if case:
                reason = self.env._("Dispute %(name)s", name=case.name)
                if not line.followup_excluded or line.followup_exclusion_reason != reason:
                    to_flag[reason] = to_flag.get(reason, lines.browse()) | line
        for reason, flagged in to_flag.items():
            flagged.write({"followup_excluded": True, "followup_exclusion_reason": reason})
        released = lines.filtered(
            lambda line: line not in covered and line.followup_excluded and line.debt_dispute_ids
        )
        if released:
            released.write({"followup_excluded": False, "followup_exclusion_reason": False})

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

    def action_reopen(self):
        for dispute in self:
            if dispute.state == "open":
                continue
            dispute.write({"state": "open", "resolution": False, "date_resolved": False})
            dispute._schedule_deadline()
        return True

    def _invoices(self):
        return self.line_ids.move_id.filtered(lambda move: move.move_type in ("out_invoice", "out_receipt"))

    def action_credit_note(self):
        """Odoo's reversal wizard on the disputed invoices; the credit note it makes resolves the
        case (see ``account.move.reversal``)."""
        self.ensure_one()
        invoices = self._invoices()
        if self.state != "open" or not invoices:
            raise UserError(
                self.env._(
                    "A credit note resolves an open dispute on invoices: %(name)s is not one.", name=self.name
                )
            )
        return {
            "name": self.env._("Credit Note"),
            "type": "ir.actions.act_window",
            "res_model": "account.move.reversal",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": "account.move",
                "active_ids": invoices.ids,
                "debt_dispute_id": self.id,
                "default_reason": self.env._(
                    "%(name)s: %(description)s", name=self.name, description=self.description
                ),
            },
        }

    def action_write_off(self):
        """A draft journal entry crediting the disputed amount to the customer's receivable: the
        accountant chooses the counterpart account and posts it; posting resolves the case and
        matches it with the items (see ``account.move._post``)."""
        self.ensure_one()
        if self.state != "open":
            raise UserError(self.env._("The dispute %(name)s is not open.", name=self.name))
        if not self.write_off_account_id:
            raise UserError(
                self.env._("Choose the account the write-off of %(name)s is charged to.", name=self.name)
            )
        line = self.line_ids[:1]
        move = (
            self.env["account.move"]
            .with_company(line.company_id)
            .create(
                {
                    "move_type": "entry",
                    "ref": self.env._("Write-off of the dispute %(name)s", name=self.name),
                    "line_ids": [
                        fields.Command.create(
                            {
                                "account_id": line.account_id.id,
                                "partner_id": self.partner_id.id,
                                "name": self.name,
                                "credit": self.amount,
                            }
                        ),
                        fields.Command.create(
                            {
                                "account_id": self.write_off_account_id.id,
                                "partner_id": self.partner_id.id,
                                "name": self.name,
                                "debit": self.amount,
                            }
                        ),
                    ],
                }
            )
        )
        self.resolution_move_ids = [fields.Command.link(move.id)]
        self.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Write-off entry %(move)s prepared, to be completed and posted by an accountant.",
                move=move.display_name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": move.id,
            "view_mode": "form",
        }

    def _resolve_by_moves(self, moves):
        """Credit notes or write-offs of these open cases were posted: the cases are resolved."""
        for dispute in self.filtered(lambda d: d.state == "open"):
            posted = (moves & dispute.resolution_move_ids).filtered(lambda move: move.state == "posted")
            if not posted:
                continue
            kind = "credit_note" if any(m.move_type == "out_refund" for m in posted) else "write_off"
            # the credit note or write-off pays the disputed items (Odoo's own matching)
            receivable = posted.line_ids.filtered(
                lambda aml, d=dispute: aml.account_id in d.line_ids.account_id and not aml.reconciled
            )
            for account in receivable.account_id:
                (receivable | dispute.line_ids).filtered(
                    lambda aml, a=account: aml.account_id == a and not aml.reconciled
                ).reconcile()
            dispute._close("resolved", kind)
