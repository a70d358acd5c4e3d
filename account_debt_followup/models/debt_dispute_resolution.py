# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The resolution of an open dispute case by a credit note or a write-off (see ``debt_dispute``)."""

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError


class DebtDispute(models.Model):
    _inherit = "debt.dispute"

    def _invoices(self):
        return self.line_ids.move_id.filtered(lambda move: move.move_type in ("out_invoice", "out_receipt"))

    def action_credit_note(self):
        """Odoo's reversal wizard on the disputed invoices; the credit note it makes resolves the
        case (see ``account.move.reversal``)."""
        self.ensure_one()
        invoices = self._invoices()
        if self.state != "open" or not invoices:
            raise UserError(
                self.env._(
                    "A credit note resolves an open dispute on invoices: %(name)s is not one.", name=self.name
                )
            )
        return {
            "name": self.env._("Credit Note"),
            "type": "ir.actions.act_window",
            "res_model": "account.move.reversal",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": "account.move",
                "active_ids": invoices.ids,
                "debt_dispute_id": self.id,
                "default_reason": self.env._(
                    "%(name)s: %(description)s", name=self.name, description=self.description
                ),
            },
        }

    def action_write_off(self):
        """A draft journal entry crediting the disputed amount to the customer's receivable: the
        accountant chooses the counterpart account and posts it; posting resolves the case and
        matches it with the items (see ``account.move._post``)."""
        self.ensure_one()
        if self.state != "open":
            raise UserError(self.env._("The dispute %(name)s is not open.", name=self.name))
        if not self.write_off_account_id:
            raise UserError(
                self.env._("Choose the account the write-off of %(name)s is charged to.", name=self.name)
            )
        line = self.line_ids[:1]
        move = (
            self.env["account.move"]
            .with_company(line.company_id)
            .create(
                {
                    "move_type": "entry",
                    "ref": self.env._("Write-off of the dispute %(name)s", name=self.name),
                    "line_ids": [
                        fields.Command.create(
                            {
                                "account_id": line.account_id.id,
                                "partner_id": self.partner_id.id,
                                "name": self.name,
                                "credit": self.amount,
                            }
                        ),
                        fields.Command.create(
                            {
                                "account_id": self.write_off_account_id.id,
                                "partner_id": self.partner_id.id,
                                "name": self.name,
                                "debit": self.amount,
                            }
                        ),
                    ],
                }
            )
        )
        self.resolution_move_ids = [fields.Command.link(move.id)]
        self.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Write-off entry %(move)s prepared, to be completed and posted by an accountant.",
                move=move.display_name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": move.id,
            "view_mode": "form",
        }

    def _resolve_by_moves(self, moves):
        """Credit notes or write-offs of these open cases were posted: the cases are resolved."""
        for dispute in self.filtered(lambda d: d.state == "open"):
            posted = (moves & dispute.resolution_move_ids).filtered(lambda move: move.state == "posted")
            if not posted:
                continue
            kind = "credit_note" if any(m.move_type == "out_refund" for m in posted) else "write_off"
            # the credit note or write-off pays the disputed items (Odoo's own matching)
            # (only lines of the case's customer: an entry may carry other partners' lines)
            receivable = posted.line_ids.filtered(
                lambda aml, d=dispute: (
                    aml.account_id in d.line_ids.account_id
                    and not aml.reconciled
                    and aml.partner_id.commercial_partner_id == d.partner_id
                )
            )
            for account in receivable.account_id:
                (receivable | dispute.line_ids).filtered(
                    lambda aml, a=account: aml.account_id == a and not aml.reconciled
                ).reconcile()
            dispute._close("resolved", kind)
