# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError


class DebtNettingWizard(models.TransientModel):
    """Proposes to offset a partner's open receivables against its open payables."""

    _name = "debt.netting.wizard"
    _description = "Net Receivables and Payables"
    _check_company_auto = True

    partner_id = fields.Many2one("res.partner", required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    available_currency_ids = fields.Many2many("res.currency", compute="_compute_available_currency_ids")
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        domain="[('id', 'in', available_currency_ids)]",
        help="Only currencies in which the partner has both open receivables and open payables.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        compute="_compute_journal_id",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        check_company=True,
        domain="[('type', '=', 'general')]",
    )
    line_ids = fields.One2many(
        "debt.netting.wizard.line",
        "wizard_id",
        string="Open Items",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
    )
    receivable_total = fields.Monetary(string="Selected Receivables", compute="_compute_totals")
    payable_total = fields.Monetary(string="Selected Payables", compute="_compute_totals")
    amount = fields.Monetary(
        string="Amount to Net",
        compute="_compute_amount",
        store=True,
        readonly=False,
        help="At most the smaller of the selected receivables and payables; you may lower it.",
    )
    note = fields.Text()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "res.partner" and context.get("active_ids"):
            partners = self.env["res.partner"].browse(context["active_ids"]).commercial_partner_id
            if len(partners) > 1:
                raise UserError(self.env._("Net the receivables and payables of one partner at a time."))
            values["partner_id"] = partners.id
        if values.get("partner_id"):
            if context.get("debt_netting_request"):  # requested, validated by an accountant
                self.env["debt.netting"]._check_netting_request_rights()
            else:
                self.env["debt.netting"]._check_netting_rights()
            partner = self.env["res.partner"].browse(values["partner_id"]).commercial_partner_id
            values["partner_id"] = partner.id
            company = self.env["res.company"].browse(values.get("company_id")) or self.env.company
            if not self.env["debt.netting"]._netting_currencies(partner, company):
                raise UserError(
                    self.env._(
                        "%(partner)s has no open receivable and open payable in the same currency "
                        "in %(company)s: there is nothing to net.",
                        partner=partner.display_name,
                        company=company.name,
                    )
                )
        return values

    @api.depends("partner_id", "company_id", "date")
    def _compute_available_currency_ids(self):
        Netting = self.env["debt.netting"]
        for wizard in self:
            wizard.available_currency_ids = (
                Netting._netting_currencies(wizard.partner_id, wizard.company_id, wizard.date)
                if wizard.partner_id
                else False
            )

    @api.depends("available_currency_ids")
    def _compute_currency_id(self):
        for wizard in self:
            # _origin: on a new wizard, these are new records wrapping the real ones
            currencies = wizard.available_currency_ids._origin
            if wizard.currency_id._origin not in currencies:
                company_currency = wizard.company_id.currency_id._origin
                wizard.currency_id = company_currency if company_currency in currencies else currencies[:1]

    @api.depends("company_id")
    def _compute_journal_id(self):
        for wizard in self:
            company = wizard.company_id
            wizard.journal_id = self.env["account.journal"].search(
                [
                    *self.env["account.journal"]._check_company_domain(company),
                    ("type", "=", "general"),
                    (
                        "id",
                        "not in",
                        (company.currency_exchange_journal_id | company.tax_cash_basis_journal_id).ids,
                    ),
                ],
                limit=1,
            )

    @api.depends("partner_id", "company_id", "currency_id", "date")
    def _compute_line_ids(self):
        Netting = self.env["debt.netting"]
        for wizard in self:
            commands = [fields.Command.clear()]
            if wizard.partner_id and wizard.currency_id:
                items = Netting._get_open_items(
                    wizard.partner_id, wizard.company_id, wizard.currency_id, wizard.date
                )
                commands += [
                    fields.Command.create(
                        {
                            "move_line_id": line.id,
                            "side": "receivable" if line.account_type == "asset_receivable" else "payable",
                            "amount_residual": Netting._open_amount(line),
                        }
                    )
                    for line in items.sorted(lambda line: line.account_type != "asset_receivable")
                ]
            wizard.line_ids = commands

    @api.depends("line_ids.selected", "line_ids.amount_residual")
    def _compute_totals(self):
        for wizard in self:
            selected = wizard.line_ids.filtered("selected")
            wizard.receivable_total = sum(
                selected.filtered(lambda line: line.side == "receivable").mapped("amount_residual")
            )
            wizard.payable_total = sum(
                selected.filtered(lambda line: line.side == "payable").mapped("amount_residual")
            )

    @api.depends("receivable_total", "payable_total")
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = min(wizard.receivable_total, wizard.payable_total)

    def action_request(self):
        """Request the netting: an accountant validates and posts it."""
        self.ensure_one()
        netting = self.env["debt.netting"]._request_netting(
            self.partner_id,
            self.company_id,
            self.currency_id,
            self.date,
            self.journal_id,
            self.line_ids.filtered("selected").move_line_id,
            self.amount,
            note=self.note,
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "debt.netting",
            "res_id": netting.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_confirm(self):
        """Create and post the netting, then show it."""
        self.ensure_one()
        netting = self.env["debt.netting"]._create_netting(
            self.partner_id,
            self.company_id,
            self.currency_id,
            self.date,
            self.journal_id,
            self.line_ids.filtered("selected").move_line_id,
            self.amount,
            note=self.note,
        )
        netting.action_post()
        return {
            "type": "ir.actions.act_window",
            "res_model": "debt.netting",
            "res_id": netting.id,
            "view_mode": "form",
            "target": "current",
        }
