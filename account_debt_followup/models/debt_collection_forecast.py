# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

BASIS = [
    ("promise", "Promise to pay"),
    ("expected", "Expected payment date"),
    ("history", "Due date + days late on average"),
    ("due", "Due date"),
    ("late", "Late: expected now"),
]


class DebtCollectionForecast(models.Model):
    """The cash expected from the open receivables, week by week: each item on the day of its
    promise, of its expected payment date, or of its due date moved by the customer's own
    average days late (measured by the debtor rating). A database view over the ledger."""

    _name = "debt.collection.forecast"
    _description = "Collection Forecast"
    _auto = False
    _order = "expected_date, partner_id, id"
    _rec_name = "move_id"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    due = fields.Date(string="Due Date", readonly=True)
    expected_date = fields.Date(string="Expected On", readonly=True)
    basis = fields.Selection(BASIS, readonly=True, help="What the expected day comes from.")
    days_late = fields.Integer(
        string="Days Late on Average", readonly=True, aggregator="max", help="The customer's, over 12 months."
    )
    amount = fields.Monetary(string="Expected", readonly=True)

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        return self.env["debt.ledger"]._forecast_sql(self.env.companies, today, self._days_late())

    @api.model
    def _days_late(self):
        """``{partner_id: days}`` paid late on average, weighted by amount, by the customers of
        the user's companies over 12 months: the debtor rating's measure."""
        days = {}
        Partner = self.env["res.partner"]
        for company in self.env.companies.root_id:
            metrics = Partner.with_company(company)._get_debt_rating_metrics(company)
            days.update(
                {
                    partner_id: values["days_late"]
                    for partner_id, values in metrics.items()
                    if values["days_late"]
                }
            )
        return days

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        self.env["debt.ledger"]._flush()
        self.env["debt.payment.promise"].flush_model()
        return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)

    @api.model
    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        self.env["debt.ledger"]._flush()
        self.env["debt.payment.promise"].flush_model()
        return super().search_fetch(domain, field_names, offset, limit, order)
