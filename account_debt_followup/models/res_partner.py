# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

DEBT_GROUPS = (
    "account_debt_followup.group_credit_user,account.group_account_invoice,account.group_account_readonly"
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Odoo's own credit_limit, use_partner_credit_limit, trust, credit, credit_to_invoice and
    # days_sales_outstanding are reused as they are; the fields below complete them.
    debt_followup_responsible_id = fields.Many2one(
        "res.users",
        string="Follow-up Responsible",
        company_dependent=True,
        domain="[('share', '=', False)]",
        tracking=True,
        help="The person who follows up this customer's debt in the current company: "
        "reminders and calls are assigned to them, and they are asked to approve orders "
        "blocked by credit control.",
    )
    debt_open_amount = fields.Monetary(
        string="Open Receivable",
        compute="_compute_debt_figures",
        groups=DEBT_GROUPS,
        help="Posted customer invoices, credit notes and payments not yet reconciled, in company currency.",
    )
    debt_draft_invoice_amount = fields.Monetary(
        string="Draft Invoices",
        compute="_compute_debt_figures",
        groups=DEBT_GROUPS,
        help="Customer invoices and credit notes still in draft, in company currency.",
    )
    debt_uninvoiced_order_amount = fields.Monetary(
        string="Confirmed Orders to Invoice",
        compute="_compute_debt_figures",
        groups=DEBT_GROUPS,
        help="Confirmed sales orders not invoiced yet (taxes included), converted at the "
        "order's rate to company currency.",
    )
    debt_exposure = fields.Monetary(
        string="Credit Exposure",
        compute="_compute_debt_figures",
        groups=DEBT_GROUPS,
        help="What the customer owes or will owe: open receivable + draft invoices + "
        "confirmed orders not invoiced yet, in company currency.",
    )
    debt_overdue_amount = fields.Monetary(
        string="Overdue Amount",
        compute="_compute_debt_figures",
        groups=DEBT_GROUPS,
        help="Open receivable whose due date has passed, less the payments and credit notes "
        "not reconciled yet; disputed items are left out.",
    )
    debt_max_days_overdue = fields.Integer(
        string="Days Overdue",
        compute="_compute_debt_figures",
        search="_search_debt_max_days_overdue",
        groups=DEBT_GROUPS,
        help="Days since the due date of the oldest overdue invoice that the payments and credit "
        "notes not reconciled yet do not pay; disputed items are left out.",
    )
    debt_credit_available = fields.Monetary(
        string="Credit Available",
        compute="_compute_debt_figures",
        groups=DEBT_GROUPS,
        help="Credit limit minus exposure; zero when no credit limit applies.",
    )
    debt_over_limit = fields.Boolean(
        string="Over Credit Limit",
        compute="_compute_debt_figures",
        groups=DEBT_GROUPS,
    )

    @api.depends_context("company")
    def _compute_debt_figures(self):
        figures = self._get_debt_figures()
        empty = dict.fromkeys(("open", "disputed", "draft", "to_invoice", "overdue", "max_days"), 0)
        for partner in self:
            values = figures.get(partner.commercial_partner_id.id, empty)
            exposure = values["open"] + values["draft"] + values["to_invoice"]
            limit = partner.commercial_partner_id.credit_limit
            partner.debt_open_amount = values["open"]
            partner.debt_draft_invoice_amount = values["draft"]
            partner.debt_uninvoiced_order_amount = values["to_invoice"]
            partner.debt_exposure = exposure
            partner.debt_overdue_amount = max(values["overdue"], 0.0)
            partner.debt_max_days_overdue = values["max_days"]
            partner.debt_credit_available = limit - exposure if limit else 0.0
            partner.debt_over_limit = bool(limit) and partner.currency_id.compare_amounts(exposure, limit) > 0

    def _get_debt_figures(self, company=None, exclude_order_ids=()):
        """Debt figures of the commercial partners of ``self`` in ``company`` (default: the
        current company) with its main company and branches, in company currency, read from
        the receivables ledger with one query.

        :param exclude_order_ids: sales orders left out (those being checked for confirmation)

        :return: ``{commercial_partner_id: {"open", "disputed", "draft", "to_invoice",
            "overdue", "max_days"}}``
        """
        partner_ids = [pid for pid in self.commercial_partner_id.ids if pid]
        return self.env["debt.ledger"]._partner_figures(
            company or self.env.company, partner_ids, exclude_order_ids
        )

    def action_open_debt_items(self):
        """Open the customer's receivable items not reconciled yet in the current company."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_account_moves_all")
        name = self.env._("Open Items of %(partner)s", partner=self.commercial_partner_id.display_name)
        action.update(
            name=name,
            display_name=name,  # the title the web client shows
            domain=[
                ("partner_id", "child_of", self.commercial_partner_id.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("company_id", "child_of", self.env.company.root_id.id),
            ],
            context={"search_default_group_by_move": False},
            views=[(self.env.ref("account_debt_followup.account_move_line_view_list_followup").id, "list")],
            view_mode="list",
        )
        return action
