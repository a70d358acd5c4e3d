# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models


class AccountMoveReversal(models.TransientModel):
    _inherit = "account.move.reversal"

    def refund_moves(self):
        """Opened from a dispute case: the credit notes are linked to it, and resolve it when
        they are posted (see ``account.move._post``)."""
        action = super().refund_moves()
        dispute_id = self.env.context.get("debt_dispute_id")
        if dispute_id:
            dispute = self.env["debt.dispute"].browse(dispute_id)
            dispute.resolution_move_ids = [(4, move.id) for move in self.new_move_ids]
            dispute._resolve_by_moves(self.new_move_ids.filtered(lambda move: move.state == "posted"))
        return action
