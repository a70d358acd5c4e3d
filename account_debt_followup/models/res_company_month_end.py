# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

# The accounts of the Vietnamese chart (l10n_vn, Circular 200/2014/TT-BTC) proposed when the
# settings leave them empty, by their template ids: Odoo pads the codes to four digits.
VN_PROVISION_ACCOUNT = "chart2293"  # dự phòng phải thu khó đòi
VN_PROVISION_EXPENSE_ACCOUNTS = ("chart6426", "chart6422")  # chi phí dự phòng (6426 in TT200)


class ResCompany(models.Model):
    """The settings of the month-end documents: provisions for doubtful debts, late-payment
    interest."""

    _inherit = "res.company"

    debt_provision_account_id = fields.Many2one(
        "account.account",
        string="Provision Account",
        check_company=True,
        help="Credited by the provision for doubtful debts (2293 in the Vietnamese chart).",
    )
    debt_provision_expense_account_id = fields.Many2one(
        "account.account",
        string="Provision Expense Account",
        check_company=True,
        help="Debited by the provision for doubtful debts (6426 in the Vietnamese chart of "
        "Circular 200, 6422 in the chart of Circular 133).",
    )
    debt_provision_journal_id = fields.Many2one(
        "account.journal",
        string="Provision Journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="The miscellaneous journal of the provision entries.",
    )

    debt_interest_grace_days = fields.Integer(
        string="Interest Grace Period (days)",
        help="Late-payment interest runs from this number of days after the due date.",
    )
    debt_interest_account_id = fields.Many2one(
        "account.account",
        string="Interest Income Account",
        check_company=True,
        help="Credited by the debit notes of late-payment interest (515 in the Vietnamese chart).",
    )
    debt_interest_journal_id = fields.Many2one(
        "account.journal",
        string="Interest Journal",
        check_company=True,
        domain="[('type', '=', 'sale')]",
        help="The sales journal of the debit notes of late-payment interest.",
    )

    @api.constrains("debt_interest_grace_days")
    def _check_debt_interest_grace_days(self):
        if any(company.debt_interest_grace_days < 0 for company in self):
            raise ValidationError(self.env._("The grace period of late-payment interest cannot be negative."))

    def _debt_chart_account(self, *template_ids):
        """The first account of the company's chart of accounts among ``template_ids`` (the ids
        of the chart template, e.g. ``chart2293``), or an empty recordset."""
        self.ensure_one()
        ChartTemplate = self.env["account.chart.template"].with_company(self)
        for template_id in template_ids:
            account = ChartTemplate.ref(template_id, raise_if_not_found=False)
            if account and account._name == "account.account":
                return account
        return self.env["account.account"]

    def _debt_provision_defaults(self):
        """``{"account_id", "expense_account_id", "journal_id"}``: the settings, else the
        Vietnamese chart's accounts and the first miscellaneous journal."""
        self.ensure_one()
        return {
            "account_id": (
                self.debt_provision_account_id or self._debt_chart_account(VN_PROVISION_ACCOUNT)
            ).id,
            "expense_account_id": (
                self.debt_provision_expense_account_id
                or self._debt_chart_account(*VN_PROVISION_EXPENSE_ACCOUNTS)
            ).id,
            "journal_id": (
                self.debt_provision_journal_id
                or self.env["account.journal"].search(
                    [*self.env["account.journal"]._check_company_domain(self), ("type", "=", "general")],
                    limit=1,
                )
            ).id,
        }
