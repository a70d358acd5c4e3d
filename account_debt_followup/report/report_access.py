# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Who may print the month-end debt reports: ``ir.actions.report`` checks nothing by itself."""

from odoo.exceptions import AccessError

REPORT_GROUPS = (
    "account_debt_followup.group_credit_user",
    "account.group_account_invoice",
    "account.group_account_readonly",
)


def check_debt_report_access(env, companies):
    """Raise ``AccessError`` unless the user is a credit controller or in an accounting group,
    and ``companies`` are among the companies the user works in now."""
    user = env.user
    if not any(user.has_group(group) for group in REPORT_GROUPS):
        raise AccessError(env._("Only credit controllers and accountants can print the debt reports."))
    outside = companies - env.companies
    if outside:
        raise AccessError(
            env._(
                "You cannot print the debts of %(companies)s: select the company first.",
                companies=", ".join(outside.mapped("name")),
            )
        )
