# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "Debt Follow-up and Credit Control",
    "summary": "Credit limits, exposure and overdue debt per customer, "
    "credit control at sale confirmation, staged payment reminders",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "account_debt_followup contributors",
    "license": "LGPL-3",
    "depends": ["account", "sale_management", "mail", "portal"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "views/res_partner_views.xml",
        "views/debt_credit_rule_views.xml",
        "views/debt_credit_approval_views.xml",
        "views/sale_order_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/debt_credit_approval_wizard_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
        "demo/debt_credit_rule_demo.xml",
    ],
}
