# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "Debt Follow-up and Credit Control - Job Queue",
    "summary": "The large scheduled runs (reminders, monthly statements, debtor ratings) split "
    "into queue jobs that several Odoo workers and servers take at once",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "account_debt_followup contributors",
    "license": "LGPL-3",
    "depends": ["account_debt_followup", "queue_job"],
    "data": [
        "data/queue_job_data.xml",
    ],
    "auto_install": True,
    "uninstall_hook": "uninstall_hook",
}
