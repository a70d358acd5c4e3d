# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from .res_partner import DEBT_GROUPS


class ResPartner(models.Model):
    """Collection KPIs of the last 12 months on the customer, from the ``debt.kpi`` view."""

    _inherit = "res.partner"

    debt_kpi_dso = fields.Float(
        string="DSO (12 Months)",
        compute="_compute_debt_kpis",
        digits=(16, 1),
        groups=DEBT_GROUPS,
        help="Days sales outstanding: what the customer owes now divided by what it was invoiced "
        "in the last 12 months, times the number of days.",
    )
    debt_kpi_days_delinquent = fields.Float(
        string="Average Days Delinquent",
        compute="_compute_debt_kpis",
        digits=(16, 1),
        groups=DEBT_GROUPS,
        help="The part of the DSO that is overdue: the DSO less the DSO counting only what is not due yet.",
    )
    debt_kpi_cei = fields.Float(
        string="Collection Effectiveness (%)",
        compute="_compute_debt_kpis",
        digits=(16, 1),
        groups=DEBT_GROUPS,
        help="What was collected in the last 12 months out of what could have been: receivable "
        "12 months ago + invoiced - receivable now, divided by the same less what is not due yet.",
    )
    debt_kpi_overdue_ratio = fields.Float(
        string="Overdue Ratio (%)",
        compute="_compute_debt_kpis",
        digits=(16, 1),
        groups=DEBT_GROUPS,
        help="The share of what the customer owes now that is overdue.",
    )

    @api.depends_context("company")
    def _compute_debt_kpis(self):
        kpis = self.env["debt.kpi"]._get_partner_kpis(self, self.env.company)
        for partner in self:
            values = kpis.get(partner.commercial_partner_id.id, {})
            partner.debt_kpi_dso = values.get("dso", 0.0)
            partner.debt_kpi_days_delinquent = values.get("days_delinquent", 0.0)
            partner.debt_kpi_cei = values.get("cei", 0.0)
            partner.debt_kpi_overdue_ratio = values.get("overdue_ratio", 0.0)

    def action_open_debt_kpi(self):
        """The customer's monthly KPIs, as a trend graph."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account_debt_followup.debt_kpi_action")
        action.update(
            name=self.env._(
                "Collection KPIs of %(partner)s", partner=self.commercial_partner_id.display_name
            ),
            domain=[("partner_id", "=", self.commercial_partner_id.id)],
            context={"search_default_filter_customers": 0},
        )
        return action
