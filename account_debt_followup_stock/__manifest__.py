# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "Debt Follow-up and Credit Control - Inventory",
    "summary": "Credit rules checked when a delivery is validated; the carrier's cost added at "
    "validation never stops the warehouse",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "account_debt_followup contributors",
    "license": "LGPL-3",
    "depends": ["account_debt_followup", "sale_stock"],
    "data": [
        "views/debt_credit_rule_views.xml",
    ],
    "auto_install": True,
}
