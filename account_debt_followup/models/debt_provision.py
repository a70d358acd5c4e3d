# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date

# Circular 48/2019/TT-BTC, art. 6: the share of an overdue receivable to provide for, by how
# long it is overdue on the closing date (months, the longest first)
PROVISION_RATES = [(36, 100.0), (24, 70.0), (12, 50.0), (6, 30.0)]
BRACKETS = [
    ("6", "6 months to 1 year"),
    ("12", "1 to 2 years"),
    ("24", "2 to 3 years"),
    ("36", "3 years and more"),
]


class DebtProvision(models.Model):
    """Provision for doubtful debts (dự phòng nợ phải thu khó đòi) as of a closing date: the
    receivables overdue 6 months or more, a share of each by how long (Circular 48/2019), and
    the entry the accountant posts, reversed on the first day of the next period."""

    _name = "debt.provision"
    _description = "Provision for Doubtful Debts"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(
        string="Closing Date",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1) - timedelta(days=1),
        tracking=True,
        help="The receivables as they were on this day, overdue as of this day; the entry is dated "
        "on it and reversed the day after.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("posted", "Posted"), ("cancelled", "Cancelled")],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
    )
    journal_id = fields.Many2one(
        "account.journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        compute="_compute_accounts",
        store=True,
        readonly=False,
        precompute=True,
    )
    account_id = fields.Many2one(
        "account.account",
        string="Provision Account",
        check_company=True,
        compute="_compute_accounts",
        store=True,
        readonly=False,
        precompute=True,
    )
    expense_account_id = fields.Many2one(
        "account.account",
        check_company=True,
        compute="_compute_accounts",
        store=True,
        readonly=False,
        precompute=True,
    )
    line_ids = fields.One2many("debt.provision.line", "provision_id", string="Items", readonly=True)
    amount_total = fields.Monetary(string="Provision", compute="_compute_amount_total", store=True)
    partner_count = fields.Integer(string="Customers", compute="_compute_amount_total", store=True)
    move_id = fields.Many2one("account.move", string="Entry", readonly=True, copy=False, check_company=True)
    reversal_move_id = fields.Many2one(
        "account.move", string="Reversal", readonly=True, copy=False, check_company=True
    )
    note = fields.Text()

    @api.depends("date")
    def _compute_name(self):
        for provision in self:
            provision.name = self.env._(
                "Provision for doubtful debts %(date)s", date=format_date(self.env, provision.date)
            )

    @api.depends("company_id")
    def _compute_accounts(self):
        for provision in self:
            defaults = provision.company_id._debt_provision_defaults()
            provision.journal_id = defaults["journal_id"]
            provision.account_id = defaults["account_id"]
            provision.expense_account_id = defaults["expense_account_id"]

    @api.depends("line_ids.amount", "line_ids.partner_id")
    def _compute_amount_total(self):
        for provision in self:
            provision.amount_total = sum(provision.line_ids.mapped("amount"))
            provision.partner_count = len(provision.line_ids.partner_id)

    @api.constrains("company_id", "date", "state")
    def _check_one_per_date(self):
        for provision in self.filtered(lambda provision: provision.state != "cancelled"):
            other = self.search_count(
                [
                    ("company_id", "=", provision.company_id.id),
                    ("date", "=", provision.date),
                    ("state", "!=", "cancelled"),
                    ("id", "!=", provision.id),
                ]
            )
            if other:
                raise ValidationError(
                    self.env._(
                        "%(company)s already has a provision for doubtful debts on %(date)s: "
                        "cancel it first.",
                        company=provision.company_id.name,
                        date=format_date(self.env, provision.date),
                    )
                )

    # ------------------------------------------------------------------ rights
    @api.model
    def _check_accountant(self):
        """A provision is a journal entry: accountants (full accounting features) only."""
        user = self.env.user
        if not (
            user.has_group("account.group_account_user") or user.has_group("account.group_account_manager")
        ):
            raise AccessError(
                self.env._("Only accountants can compute and post provisions for doubtful debts.")
            )

    # ------------------------------------------------------------------ items
    @api.model
    def _rate(self, due, date):
        """``(bracket, rate)`` of an item due on ``due`` as of ``date``: ``("12", 50.0)`` for an
        item overdue one year or more and less than two; ``(False, 0.0)`` below 6 months. An
        item is overdue ``n`` months on the day its due date plus ``n`` months is reached."""
        for months, rate in PROVISION_RATES:
            if due + relativedelta(months=months) <= date:
                return str(months), rate
        return False, 0.0

    @api.model_create_multi
    def create(self, vals_list):
        provisions = super().create(vals_list)
        provisions._compute_lines()
        return provisions

    def _compute_lines(self):
        """The items to provide for, as of the date: one query on the ledger per provision."""
        Ledger = self.env["debt.ledger"]
        Line = self.env["debt.provision.line"]
        for provision in self:
            if provision.state != "draft":
                raise UserError(self.env._("Only a draft provision is computed again."))
            provision.line_ids.unlink()
            currency = provision.currency_id
            due_before = provision.date - relativedelta(months=PROVISION_RATES[-1][0])
            values = []
            for row in Ledger._provision_items(provision.company_id, provision.date, due_before):
                bracket, rate = self._rate(row["due"], provision.date)
                if not rate or currency.is_zero(row["base"]):
                    continue
                values.append(
                    {
                        "provision_id": provision.id,
                        "partner_id": row["partner_id"],
                        "move_line_id": row["id"],
                        "move_id": row["move_id"],
                        "date": row["date"],
                        "date_maturity": row["due"],
                        "days_overdue": (provision.date - row["due"]).days,
                        "bracket": bracket,
                        "open_amount": row["base"],
                        "rate": rate,
                        "amount": currency.round(row["base"] * rate / 100.0),
                    }
                )
            Line.create(values)

    # ------------------------------------------------------------------ entry
    def _prepare_move_values(self):
        """The entry: the expense debited with the total, the provision account credited for
        each customer (its partner on the line, for the customer's provision to be followed)."""
        self.ensure_one()
        if not (self.journal_id and self.account_id and self.expense_account_id):
            raise UserError(
                self.env._(
                    "Choose the journal, the provision account and the expense account of the provision "
                    "(Settings, Month-End Closing, or on the provision)."
                )
            )
        if self.currency_id.is_zero(self.amount_total):
            raise UserError(
                self.env._("Nothing is overdue 6 months or more: there is nothing to provide for.")
            )
        label = self.name
        lines = [
            Command.create(
                {
                    "account_id": self.account_id.id,
                    "partner_id": partner.id,
                    "name": label,
                    "debit": 0.0,
                    "credit": sum(partner_lines.mapped("amount")),
                }
            )
            for partner, partner_lines in self.line_ids.grouped("partner_id").items()
        ]
        lines.append(
            Command.create(
                {
                    "account_id": self.expense_account_id.id,
                    "name": label,
                    "debit": self.amount_total,
                    "credit": 0.0,
                }
            )
        )
        return {
            "move_type": "entry",
            "journal_id": self.journal_id.id,
            "company_id": self.company_id.id,
            "date": self.date,
            "ref": label,
            "line_ids": lines,
        }

    def action_compute(self):
        self._check_accountant()
        for provision in self:
            if provision.move_id.state == "posted":
                raise UserError(self.env._("The entry of %(name)s is posted.", name=provision.name))
            provision.move_id.unlink()
        self._compute_lines()
        return True

    def action_create_entry(self):
        """The entry as a draft, for the accountant to review."""
        self._check_accountant()
        for provision in self:
            if provision.state != "draft" or provision.move_id:
                raise UserError(self.env._("%(name)s already has its entry.", name=provision.name))
            provision.move_id = self.env["account.move"].create(provision._prepare_move_values())
        return self.action_open_move() if len(self) == 1 else True

    def action_post(self):
        """Post the entry (made now if needed) and its reversal on the first day of the next
        period: posted now when that day has come, else posted by Odoo's scheduled action on
        that day."""
        self._check_accountant()
        today = fields.Date.context_today(self)
        for provision in self:
            if provision.state != "draft":
                raise UserError(self.env._("%(name)s is not a draft.", name=provision.name))
            if not provision.move_id:
                provision.move_id = self.env["account.move"].create(provision._prepare_move_values())
            move = provision.move_id
            if move.state == "draft":
                move.action_post()
            date = provision.date + timedelta(days=1)
            reversal = move._reverse_moves(
                [{"date": date, "ref": self.env._("Reversal of %(name)s", name=provision.name)}]
            )
            if date <= today:
                reversal.action_post()
            else:
                reversal.auto_post = "at_date"
            provision.write({"state": "posted", "reversal_move_id": reversal.id})
        return True

    def action_cancel(self):
        self._check_accountant()
        for provision in self:
            if provision.state == "posted":
                raise UserError(
                    self.env._(
                        "%(name)s is posted: reverse its entry instead of cancelling it.", name=provision.name
                    )
                )
            provision.move_id.unlink()
        self.state = "cancelled"
        return True

    def action_open_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }

    def action_open_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_debt_followup.debt_provision_line_action"
        )
        action["domain"] = [("provision_id", "=", self.id)]
        action["name"] = self.name
        return action

    def action_print(self):
        return self.env.ref("account_debt_followup.action_report_provision").report_action(self)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_not_posted(self):
        if any(provision.state == "posted" for provision in self):
            raise UserError(self.env._("A posted provision cannot be deleted: reverse its entry."))
