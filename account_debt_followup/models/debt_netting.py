# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount

RECEIVABLE = "asset_receivable"
PAYABLE = "liability_payable"
# what a netting offsets: posted receivable debits and payable credits not reconciled yet.
# Credit notes, advances and unapplied payments (receivable credits, payable debits) are left
# out: Odoo's usual reconciliation matches them with their own invoices or bills.
NETTABLE_ITEMS = [
    ("parent_state", "=", "posted"),
    ("reconciled", "=", False),
    "|",
    "&",
    ("account_type", "=", RECEIVABLE),
    ("amount_residual_currency", ">", 0),
    "&",
    ("account_type", "=", PAYABLE),
    ("amount_residual_currency", "<", 0),
]


class DebtNetting(models.Model):
    """Offsets what a partner owes us against what we owe them, with one journal entry.

    The entry has one line per netted item (an invoice's receivable line, a bill's payable line),
    each reconciled with the item it offsets: the amount taken from every item is exact, the
    entry tells which document was offset, and exchange differences are left to Odoo's
    reconciliation.
    """

    _name = "debt.netting"
    _description = "Receivable and Payable Netting"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda self: self.env.company
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    partner_id = fields.Many2one("res.partner", required=True, readonly=True, index=True, check_company=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    date = fields.Date(required=True, readonly=True, default=fields.Date.context_today)
    journal_id = fields.Many2one(
        "account.journal",
        required=True,
        readonly=True,
        check_company=True,
        domain="[('type', '=', 'general')]",
    )
    amount = fields.Monetary(string="Netted Amount", required=True, readonly=True, tracking=True)
    amount_in_words = fields.Char(compute="_compute_amount_in_words")
    move_id = fields.Many2one(
        "account.move", string="Journal Entry", readonly=True, copy=False, check_company=True, index=True
    )
    state = fields.Selection(
        [("requested", "Requested"), ("draft", "Draft"), ("posted", "Posted"), ("cancelled", "Cancelled")],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
    )
    line_ids = fields.One2many("debt.netting.line", "netting_id", string="Netted Items", readonly=True)
    receivable_line_ids = fields.One2many(
        "debt.netting.line", "netting_id", string="Receivable Items", domain=[("side", "=", "receivable")]
    )
    payable_line_ids = fields.One2many(
        "debt.netting.line", "netting_id", string="Payable Items", domain=[("side", "=", "payable")]
    )
    receivable_remaining = fields.Monetary(
        string="Receivable After Netting",
        readonly=True,
        copy=False,
        help="What the partner still owed us in this currency once the netting was posted.",
    )
    payable_remaining = fields.Monetary(
        string="Payable After Netting",
        readonly=True,
        copy=False,
        help="What we still owed the partner in this currency once the netting was posted.",
    )
    user_id = fields.Many2one(
        "res.users", string="Netted By", readonly=True, default=lambda self: self.env.user
    )
    note = fields.Text()

    # ------------------------------------------------------------------ ORM
    @api.model_create_multi
    def create(self, vals_list):
        Sequence = self.env["ir.sequence"]
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                date = vals.get("date") or fields.Date.context_today(self)
                vals["name"] = (
                    Sequence.with_company(company)
                    .with_context(ir_sequence_date=date)
                    .next_by_code("debt.netting", sequence_date=date)
                    or "/"
                )
        return super().create(vals_list)

    @api.depends("amount", "currency_id", "partner_id.lang")
    def _compute_amount_in_words(self):
        Statement = self.env["debt.statement"]
        for netting in self:
            netting.amount_in_words = Statement._amount_in_words(
                netting.amount, netting.currency_id, netting.partner_id
            )

    # ------------------------------------------------------------------ rights
    @api.model
    def _check_netting_rights(self):
        """A netting posts a journal entry: credit managers who also keep the books only."""
        user = self.env.user
        if not user.has_group("account_debt_followup.group_credit_manager") or not (
            user.has_group("account.group_account_user") or user.has_group("account.group_account_manager")
        ):
            raise AccessError(
                self.env._(
                    "Only credit managers with accounting rights can net receivables and payables: "
                    "a netting posts a journal entry."
                )
            )

    @api.model
    def _create_netting(self, partner, company, currency, date, journal, items, amount, note=False):
        """Check the items and the amount, and create the draft netting that takes ``amount``
        from each side, oldest due first."""
        self._check_netting_rights()
        return self._make_netting(partner, company, currency, date, journal, items, amount, note=note)

    @api.model
    def _make_netting(
        self, partner, company, currency, date, journal, items, amount, note=False, state="draft"
    ):
        """The netting of ``_create_netting``, rights checked by the caller."""
        receivables, payables = self._check_items(partner, company, currency, items)
        available = min(
            sum(self._open_amount(line) for line in receivables),
            sum(self._open_amount(line) for line in payables),
        )
        if currency.compare_amounts(amount, 0) <= 0:
            raise UserError(self.env._("The amount to net must be positive."))
        if currency.compare_amounts(amount, available) > 0:
            raise UserError(
                self.env._(
                    "At most %(available)s can be netted with these items, not %(amount)s.",
                    available=format_amount(self.env, available, currency),
                    amount=format_amount(self.env, amount, currency),
                )
            )
        line_commands = [
            Command.create({"side": side, "move_line_id": line.id, "amount_before": before, "amount": taken})
            for side, side_items in (("receivable", receivables), ("payable", payables))
            for line, before, taken in self._allocate(side_items, amount)
        ]
        return self.create(
            {
                "partner_id": partner.commercial_partner_id.id,
                "company_id": company.id,
                "currency_id": currency.id,
                "date": date,
                "journal_id": journal.id,
                "amount": amount,
                "note": note,
                "state": state,
                "line_ids": line_commands,
            }
        )

    # ------------------------------------------------------------------ posting
    def _split_balance(self, amounts, total_balance):
        """Balances in company currency of ``amounts`` (netting currency), summing exactly to
        ``total_balance``: the last one absorbs the rounding, so that both sides are equal."""
        self.ensure_one()
        company_currency = self.company_currency_id
        if self.currency_id == company_currency:
            return list(amounts)
        balances = [
            self.currency_id._convert(amount, company_currency, self.company_id, self.date)
            for amount in amounts[:-1]
        ]
        balances.append(company_currency.round(total_balance - sum(balances)))
        return balances

    def _side_lines(self, side=None):
        """The netting's lines in the order of the entry's lines: receivables, then payables."""
        self.ensure_one()
        if side:
            return self.line_ids.filtered(lambda line: line.side == side).sorted("id")
        return self._side_lines("receivable") + self._side_lines("payable")

    def _prepare_move_values(self):
        self.ensure_one()
        company_currency = self.company_currency_id
        total_balance = (
            self.amount
            if self.currency_id == company_currency
            else self.currency_id._convert(self.amount, company_currency, self.company_id, self.date)
        )
        line_values = []
        for side, sign in (("receivable", -1), ("payable", 1)):
            lines = self._side_lines(side)
            balances = self._split_balance(lines.mapped("amount"), total_balance)
            for line, balance in zip(lines, balances, strict=True):
                line_values.append(
                    {
                        "name": self.env._(
                            "Netting %(netting)s: %(document)s",
                            netting=self.name,
                            document=line.move_line_id.move_id.name,
                        ),
                        "account_id": line.move_line_id.account_id.id,
                        "partner_id": self.partner_id.id,
                        "currency_id": self.currency_id.id,
                        "amount_currency": sign * line.amount,
                        "balance": sign * balance,
                        "date_maturity": self.date,
                    }
                )
        return {
            "move_type": "entry",
            "journal_id": self.journal_id.id,
            "company_id": self.company_id.id,
            "date": self.date,
            "ref": self.name,
            "partner_id": self.partner_id.id,
            "currency_id": self.currency_id.id,
            "line_ids": [Command.create(values) for values in line_values],
        }

    def action_post(self):
        """Post the offset entry, reconcile every netted item with its offset line in one batch,
        and note the netting on the partner."""
        self._check_netting_rights()
        for netting in self:
            if netting.state != "draft":
                raise UserError(
                    self.env._("Netting %(name)s is already posted or cancelled.", name=netting.name)
                )
            netting._check_items(
                netting.partner_id, netting.company_id, netting.currency_id, netting.line_ids.move_line_id
            )
            move = self.env["account.move"].create(netting._prepare_move_values())
            move.action_post()
            lines = netting._side_lines()
            for line, offset_line in zip(lines, move.line_ids.sorted("id"), strict=True):
                line.offset_line_id = offset_line
            # one batch: each item with its own offset line, exact amounts whatever the dates
            self.env["account.move.line"]._reconcile_plan(
                [line.move_line_id | line.offset_line_id for line in lines]
            )
            netting.write({"move_id": move.id, "state": "posted", **netting._remaining_balances()})
            # sudo: posting on a contact needs write access on it (as for reminders)
            netting.partner_id.sudo().message_post(
                body=self.env._(
                    "Receivables and payables netted: %(amount)s (%(netting)s).",
                    amount=format_amount(self.env, netting.amount, netting.currency_id),
                    netting=netting._get_html_link(),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _remaining_balances(self):
        """What each side still owes in the netting's currency, credit notes and advances included."""
        self.ensure_one()
        groups = self.env["account.move.line"]._read_group(
            [
                ("company_id", "=", self.company_id.id),
                ("partner_id.commercial_partner_id", "=", self.partner_id.id),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("currency_id", "=", self.currency_id.id),
                ("account_type", "in", (RECEIVABLE, PAYABLE)),
            ],
            ["account_type"],
            ["amount_residual_currency:sum"],
        )
        residuals = dict(groups)
        return {
            "receivable_remaining": residuals.get(RECEIVABLE, 0.0),
            "payable_remaining": -residuals.get(PAYABLE, 0.0),
        }

    def action_cancel(self):
        """Undo a netting: unreconcile its entry and reverse it; the items are open again."""
        self._check_netting_rights()
        for netting in self:
            if netting.state == "cancelled":
                continue
            if netting.move_id:
                netting.line_ids.offset_line_id.remove_move_reconcile()
                netting.move_id._reverse_moves(
                    [
                        {
                            "date": fields.Date.context_today(self),
                            "ref": self.env._("Cancel %(name)s", name=netting.name),
                        }
                    ],
                    cancel=True,
                )
            netting.state = "cancelled"
        return True

    def action_open_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }

    def action_print(self):
        return self.env.ref("account_debt_followup.action_report_netting").report_action(self)
