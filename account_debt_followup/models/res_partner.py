# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.tools import SQL

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
        "not reconciled yet.",
    )
    debt_max_days_overdue = fields.Integer(
        string="Days Overdue",
        compute="_compute_debt_figures",
        search="_search_debt_max_days_overdue",
        groups=DEBT_GROUPS,
        help="Days since the due date of the oldest unpaid overdue invoice.",
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
        empty = dict.fromkeys(("open", "draft", "to_invoice", "overdue", "max_days"), 0)
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
        current company) and its branches, in company currency, with one SQL query.

        :param exclude_order_ids: sales orders left out (those being checked for confirmation)

        :return: ``{commercial_partner_id: {"open", "draft", "to_invoice", "overdue", "max_days"}}``
        """
        company = company or self.env.company
        partner_ids = [pid for pid in self.commercial_partner_id.ids if pid]
        if not partner_ids:
            return {}
        self._flush_debt_sources()
        today = fields.Date.context_today(self)
        query = SQL(
            """
            WITH companies AS (
                SELECT id FROM res_company WHERE parent_path LIKE %(company_path)s
            ), partners AS (
                SELECT id AS partner_id, commercial_partner_id
                  FROM res_partner
                 WHERE commercial_partner_id = ANY(%(partner_ids)s)
            ), items AS (
                -- posted receivable items not reconciled yet
                SELECT p.commercial_partner_id,
                       aml.amount_residual AS open_amount,
                       0.0 AS draft_amount,
                       0.0 AS to_invoice_amount,
                       -- overdue debits, less every credit not reconciled yet whatever its date:
                       -- a payment received early still pays what is late
                       CASE WHEN aml.amount_residual < 0
                              OR COALESCE(aml.date_maturity, aml.date) < %(today)s
                            THEN aml.amount_residual END AS overdue_amount,
                       CASE WHEN COALESCE(aml.date_maturity, aml.date) < %(today)s
                             AND aml.amount_residual > 0
                            THEN %(today)s - COALESCE(aml.date_maturity, aml.date) END AS days_overdue
                  FROM account_move_line aml
                  JOIN partners p ON p.partner_id = aml.partner_id
                  JOIN account_account account ON account.id = aml.account_id
                 WHERE account.account_type = 'asset_receivable'
                   AND aml.parent_state = 'posted'
                   AND aml.reconciled IS NOT TRUE
                   AND aml.company_id IN (SELECT id FROM companies)
                UNION ALL
                -- draft customer invoices and credit notes (signed, company currency)
                SELECT p.commercial_partner_id, 0.0, move.amount_total_signed, 0.0, NULL, NULL
                  FROM account_move move
                  JOIN partners p ON p.partner_id = move.partner_id
                 WHERE move.state = 'draft'
                   AND move.move_type IN ('out_invoice', 'out_refund')
                   AND move.company_id IN (SELECT id FROM companies)
                UNION ALL
                -- confirmed orders: what is left to invoice, taxes included, at the order's rate.
                -- Quantities invoiced count draft invoices too, so nothing is counted twice.
                -- A down payment line gives back what its invoices already brought to receivable
                -- until the final invoice deducts it.
                SELECT p.commercial_partner_id, 0.0, 0.0,
                       CASE
                           WHEN line.is_downpayment THEN -COALESCE((
                               SELECT SUM(inv_line.price_total
                                          * CASE WHEN inv_move.move_type = 'out_refund' THEN -1 ELSE 1 END
                                          * inv_line.balance / NULLIF(inv_line.amount_currency, 0))
                                 FROM sale_order_line_invoice_rel rel
                                 JOIN account_move_line inv_line ON inv_line.id = rel.invoice_line_id
                                 JOIN account_move inv_move ON inv_move.id = inv_line.move_id
                                WHERE rel.order_line_id = line.id
                                  AND inv_move.state != 'cancel'
                           ), 0.0)
                           WHEN line.product_uom_qty != 0 THEN GREATEST(
                               CASE WHEN template.invoice_policy = 'delivery'
                                    THEN line.qty_delivered ELSE line.product_uom_qty END
                               - line.qty_invoiced, 0.0)
                               * line.price_total / line.product_uom_qty
                               / COALESCE(NULLIF(sale.currency_rate, 0), 1.0)
                           ELSE 0.0
                       END,
                       NULL, NULL
                  FROM sale_order_line line
                  JOIN sale_order sale ON sale.id = line.order_id
                  JOIN partners p ON p.partner_id = sale.partner_id
             LEFT JOIN product_product product ON product.id = line.product_id
             LEFT JOIN product_template template ON template.id = product.product_tmpl_id
                 WHERE sale.state = 'sale'
                   AND sale.id != ALL(%(exclude_order_ids)s::int[])
                   AND line.display_type IS NULL
                   AND sale.company_id IN (SELECT id FROM companies)
            )
            SELECT commercial_partner_id,
                   SUM(open_amount), SUM(draft_amount), SUM(to_invoice_amount),
                   COALESCE(SUM(overdue_amount), 0.0), COALESCE(MAX(days_overdue), 0)
              FROM items
          GROUP BY commercial_partner_id
            """,
            company_path=f"{company.parent_path}%",
            partner_ids=partner_ids,
            today=today,
            exclude_order_ids=list(exclude_order_ids),
        )
        currency = company.currency_id
        return {
            partner_id: {
                "open": currency.round(open_amount),
                "draft": currency.round(draft),
                "to_invoice": currency.round(to_invoice),
                "overdue": currency.round(overdue),
                "max_days": max_days,
            }
            for partner_id, open_amount, draft, to_invoice, overdue, max_days in self.env.execute_query(query)
        }

    def _flush_debt_sources(self):
        """Write pending ORM changes of the tables the debt query reads."""
        self.env["account.move.line"].flush_model(
            [
                "account_id",
                "amount_residual",
                "company_id",
                "date",
                "date_maturity",
                "parent_state",
                "partner_id",
                "reconciled",
                "balance",
                "amount_currency",
                "price_total",
                "move_id",
            ]
        )
        self.env["account.move"].flush_model(
            ["amount_total_signed", "company_id", "move_type", "partner_id", "state"]
        )
        self.env["sale.order"].flush_model(["company_id", "currency_rate", "partner_id", "state"])
        self.env["sale.order.line"].flush_model(
            [
                "display_type",
                "invoice_lines",
                "is_downpayment",
                "order_id",
                "price_total",
                "product_id",
                "product_uom_qty",
                "qty_delivered",
                "qty_invoiced",
            ]
        )
        self.env["product.template"].flush_model(["invoice_policy"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])

    def action_open_debt_items(self):
        """Open the customer's receivable items not reconciled yet in the current company."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_account_moves_all")
        action.update(
            name=self.env._("Open Items of %(partner)s", partner=self.commercial_partner_id.display_name),
            domain=[
                ("partner_id", "child_of", self.commercial_partner_id.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("company_id", "child_of", self.env.company.id),
            ],
            context={"search_default_group_by_move": False},
            views=[(self.env.ref("account_debt_followup.account_move_line_view_list_followup").id, "list")],
            view_mode="list",
        )
        return action
