# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

RECEIVABLE = "asset_receivable"
PERIOD_FIELDS = {"partner_id", "company_id", "date_from", "date_to", "account_type"}
FIGURE_FIELDS = {"opening_balance", "period_debit", "period_credit", "closing_balance"}
# Set by the minute's own actions only (the figures from the ledger, the number, sending, the
# customer's answer): never written over RPC.
AUDITED_FIELDS = FIGURE_FIELDS | {"name", "state", "response_date", "response_contact_id", "customer_balance"}


class DebtConfirmation(models.Model):
    """A debt confirmation minute ("biên bản đối chiếu công nợ"): the receivable balance of a
    customer over a period as we sent it, and the customer's answer (confirmed, or disputed with
    its own balance).

    The figures are computed when the minute is created (and refreshed while it is a draft), then
    kept: the minute states what was sent, whatever is posted later.
    """

    _name = "debt.confirmation"
    _description = "Debt Confirmation"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_to desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/")
    account_type = fields.Selection(
        [("asset_receivable", "Customer (receivable)"), ("liability_payable", "Supplier (payable)")],
        string="Debt",
        required=True,
        default="asset_receivable",
        tracking=True,
        help="A customer's receivable, or a supplier's payable: then the balances are what we owe.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="From", required=True, tracking=True)
    date_to = fields.Date(string="To", required=True, tracking=True)
    opening_balance = fields.Monetary(
        readonly=True, help="What the customer owed before the first day of the period."
    )
    period_debit = fields.Monetary(
        string="Debits", readonly=True, help="Invoices and other charges of the period."
    )
    period_credit = fields.Monetary(
        string="Credits", readonly=True, help="Payments and credit notes of the period."
    )
    closing_balance = fields.Monetary(
        readonly=True, help="What the customer owed on the last day of the period: the balance to confirm."
    )
    state = fields.Selection(
        [("draft", "Draft"), ("sent", "Sent"), ("confirmed", "Confirmed"), ("disputed", "Disputed")],
        required=True,
        default="draft",
        tracking=True,
        copy=False,
        readonly=True,
    )
    response_date = fields.Date(string="Answered On", tracking=True, copy=False, readonly=True)
    response_contact_id = fields.Many2one(
        "res.partner",
        string="Answered By",
        tracking=True,
        copy=False,
        readonly=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id)]",
        help="The customer's contact who confirmed or disputed the balance.",
    )
    customer_balance = fields.Monetary(
        tracking=True,
        copy=False,
        readonly=True,
        help="The balance the customer states it owed on the last day of the period.",
    )
    # stored to sum and sort the differences in the list of minutes
    difference = fields.Monetary(
        compute="_compute_difference",
        store=True,
        help="Our closing balance minus the customer's, when the customer disputes it.",
    )
    note = fields.Text(copy=False)

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "The number of a debt confirmation must be unique.",
        ),
    ]

    @api.depends("state", "closing_balance", "customer_balance")
    def _compute_difference(self):
        for confirmation in self:
            if confirmation.state == "disputed":
                confirmation.difference = confirmation.closing_balance - confirmation.customer_balance
            else:
                confirmation.difference = 0.0

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for confirmation in self:
            if confirmation.date_from > confirmation.date_to:
                raise ValidationError(
                    self.env._("The period of a debt confirmation cannot end before it starts.")
                )

    @api.constrains("partner_id", "response_contact_id")
    def _check_partners(self):
        for confirmation in self:
            partner = confirmation.partner_id
            if partner != partner.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "Confirm the debt of %(company)s, not of its contact %(contact)s.",
                        company=partner.commercial_partner_id.display_name,
                        contact=partner.display_name,
                    )
                )
            contact = confirmation.response_contact_id
            if contact and contact.commercial_partner_id != partner:
                raise ValidationError(
                    self.env._(
                        "%(contact)s is not a contact of %(partner)s.",
                        contact=contact.display_name,
                        partner=partner.display_name,
                    )
                )

    @api.constrains("state", "note", "customer_balance", "closing_balance")
    def _check_dispute(self):
        for confirmation in self:
            if (
                confirmation.state == "disputed"
                and not (confirmation.note or "").strip()
                and confirmation.currency_id.is_zero(confirmation.difference)
            ):
                raise ValidationError(
                    self.env._(
                        "%(name)s is disputed: record the balance the customer states, or a note "
                        "explaining the disagreement.",
                        name=confirmation.name,
                    )
                )

    # ------------------------------------------------------------------ creation
    def _check_audited_fields(self, vals_list, creating=False):
        """A minute is an audit record: its figures, number, state and the customer's answer
        are set by its own actions, which write them as superuser; never by a user directly."""
        if self.env.su:
            return
        for vals in vals_list:
            if not creating:
                forged = AUDITED_FIELDS & vals.keys()
            else:  # a draft, numbered and computed here
                forged = {
                    field
                    for field in AUDITED_FIELDS & vals.keys()
                    if vals[field] and (field, vals[field]) not in (("state", "draft"), ("name", "/"))
                }
            if forged:
                raise AccessError(
                    self.env._(
                        "The figures, number, state and answer of a debt confirmation are set by its "
                        "buttons only, not by hand (%(fields)s).",
                        fields=", ".join(sorted(forged)),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_audited_fields(vals_list, creating=True)
        self._fill_figures(vals_list)
        by_company = defaultdict(list)
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                by_company[vals.get("company_id") or self.env.company.id].append(vals)
        for company_id, company_vals in by_company.items():
            names = self._next_names(self.env["res.company"].browse(company_id), len(company_vals))
            for vals, name in zip(company_vals, names, strict=True):
                vals["name"] = name
        return super().create(vals_list)

    def write(self, vals):
        self._check_audited_fields([vals])
        if PERIOD_FIELDS & vals.keys() and any(confirmation.state != "draft" for confirmation in self):
            raise UserError(
                self.env._(
                    "The customer and the period of a debt confirmation cannot change once it is sent."
                )
            )
        result = super().write(vals)
        if PERIOD_FIELDS & vals.keys():
            self._refresh_figures()
        return result

    @api.model
    def _figures(self, activity):
        """The stored figures from an activity of ``debt.statement._get_activity``."""
        balances = [line["balance"] for line in activity["lines"]]
        return {
            "opening_balance": activity["opening"],
            "period_debit": sum(balance for balance in balances if balance > 0),
            "period_credit": -sum(balance for balance in balances if balance < 0),
            "closing_balance": activity["closing"],
        }

    @api.model
    def _fill_figures(self, vals_list):
        """Add the figures to the values that lack them: one ``_get_activity`` per company and
        period, whatever the number of customers."""
        groups = defaultdict(list)
        for vals in vals_list:
            if "closing_balance" in vals or not (
                vals.get("partner_id") and vals.get("date_from") and vals.get("date_to")
            ):
                continue
            key = (
                vals.get("company_id") or self.env.company.id,
                fields.Date.to_date(vals["date_from"]),
                fields.Date.to_date(vals["date_to"]),
                vals.get("account_type") or RECEIVABLE,
            )
            groups[key].append(vals)
        for (company_id, date_from, date_to, account_type), group in groups.items():
            partners = self.env["res.partner"].browse([vals["partner_id"] for vals in group])
            company = self.env["res.company"].browse(company_id)
            activities = self.env["debt.statement"]._get_activity(
                partners, company, date_from, date_to, account_type=account_type
            )
            for vals in group:
                # a contact instead of its company has no activity of its own: _check_partners says why
                if vals["partner_id"] in activities:
                    vals.update(self._figures(activities[vals["partner_id"]]))

    def _refresh_figures(self):
        """Recompute the figures of the drafts, one ``_get_activity`` per company and period."""
        drafts = self.filtered(lambda confirmation: confirmation.state == "draft")
        Statement = self.env["debt.statement"]
        for (company, date_from, date_to, account_type), group in drafts.grouped(
            lambda confirmation: confirmation._period_key()
        ).items():
            activities = Statement._get_activity(
                group.partner_id, company, date_from, date_to, account_type=account_type
            )
            for confirmation in group:
                if confirmation.partner_id.id in activities:
                    # sudo: the figures are the ledger's, written by this method only
                    confirmation.sudo().write(self._figures(activities[confirmation.partner_id.id]))

    def _period_key(self):
        """What one ``_get_activity`` computes the figures of: company, period and debt."""
        return self.company_id, self.date_from, self.date_to, self.account_type

    @api.model
    def _create_for_partners(self, partners, company, date_from, date_to, account_type=RECEIVABLE):
        """One draft minute per customer (commercial partner) with a balance or movements in the
        period (per supplier, with ``account_type`` payable); the figures of all of them come from
        one ``_get_activity``.

        :return: ``(confirmations, skipped)``: the partners with nothing to confirm are skipped.
        """
        partners = partners.commercial_partner_id
        activities = self.env["debt.statement"]._get_activity(
            partners, company, date_from, date_to, account_type=account_type
        )
        currency = company.currency_id
        vals_list, skipped_ids = [], []
        for partner_id in partners.ids:
            activity = activities[partner_id]
            if not activity["lines"] and currency.is_zero(activity["opening"]):
                skipped_ids.append(partner_id)
                continue
            vals_list.append(
                {
                    "partner_id": partner_id,
                    "account_type": account_type,
                    "company_id": company.id,
                    "date_from": date_from,
                    "date_to": date_to,
                    **self._figures(activity),
                }
            )
        self.check_access("create")
        # sudo: the figures and numbers are set here, from the ledger (see _check_audited_fields);
        # the user's right to create minutes was checked above
        return self.sudo().create(vals_list).sudo(False), partners.browse(skipped_ids)
