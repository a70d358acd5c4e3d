# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models
from odoo.exceptions import UserError


class AccountMoveReversal(models.TransientModel):
    _inherit = "account.move.reversal"

    def refund_moves(self):
        """Opened from a dispute case: the credit notes are linked to it, and resolve it when
        they are posted (see ``account.move._post``). The case comes from the context: it is used
        only for an open case whose invoices include every reversed move."""
        dispute_id = self.env.context.get("debt_dispute_id")
        dispute = self.env["debt.dispute"].browse(dispute_id).exists() if dispute_id else None
        if dispute_id and (
            not dispute or dispute.state != "open" or not self.move_ids or self.move_ids - dispute._invoices()
        ):
            raise UserError(
                self.env._(
                    "A credit note of a dispute case reverses the invoices of that open case only: "
                    "%(moves)s are not.",
                    moves=", ".join(self.move_ids.mapped("name")),
                )
            )
        action = super().refund_moves()
        if dispute:
            dispute.resolution_move_ids = [(4, move.id) for move in self.new_move_ids]
            dispute._resolve_by_moves(self.new_move_ids.filtered(lambda move: move.state == "posted"))
        return action
