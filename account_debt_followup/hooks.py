# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tools import SQL

from .models.account_move_line import OPEN_ITEMS_INDEX


def uninstall_hook(env):
    """Unmatch and delete the payments of this module's demo data, so that uninstalling removes
    the demo invoices and customers like the rest of its records: Odoo refuses to delete
    reconciled journal items, and leaves a deleted payment's entry behind. Without demo data
    there is nothing to do.

    The index of the ledger's open items, on Odoo's own table, goes too."""
    env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(OPEN_ITEMS_INDEX)))
    data = env["ir.model.data"].search(
        [("module", "=", "account_debt_followup"), ("model", "in", ("account.move", "account.payment"))]
    )
    moves = env["account.move"].browse(data.filtered(lambda d: d.model == "account.move").mapped("res_id"))
    payments = env["account.payment"].browse(
        data.filtered(lambda d: d.model == "account.payment").mapped("res_id")
    )
    lines = moves.exists().line_ids | payments.exists().move_id.line_ids
    lines.filtered(lambda line: line.matched_debit_ids or line.matched_credit_ids).remove_move_reconcile()
    payments = payments.exists()
    payments.action_draft()
    payments.unlink()
