# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import hashlib

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

# The open items of the receivables ledger (``debt.ledger._items`` without a date) with every
# column its totals and follow-up status read: the worklist reads all customers' open items from
# this index alone (an index-only scan), not every item of the companies, and one customer's
# (the credit check) are found by company and partner. Its condition is the ledger's own, word for
# word, for the planner to prove that it applies. Dropped on uninstall (hooks.py).
OPEN_ITEMS_INDEX = "account_move_line_debt_open_idx"


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    followup_excluded = fields.Boolean(
        string="Excluded from Follow-up",
        copy=False,
        help="Disputed or blocked: never reminded, and left out of the follow-up levels.",
    )
    followup_exclusion_reason = fields.Char(string="Exclusion Reason", copy=False)
    expected_payment_date = fields.Date(copy=False, help="When the customer said it will pay this item.")
    followup_level_id = fields.Many2one(
        "debt.followup.level", string="Follow-up Level", copy=False, readonly=True, index="btree_not_null"
    )
    followup_date = fields.Date(string="Last Reminder", copy=False, readonly=True)
    debt_dispute_ids = fields.Many2many(
        "debt.dispute",
        relation="debt_dispute_line_rel",
        column1="line_id",
        column2="dispute_id",
        string="Disputes",
        readonly=True,
        copy=False,
    )
    debt_disputed = fields.Boolean(
        string="In an Open Dispute",
        readonly=True,
        copy=False,
        help="Set by the open dispute cases covering the item: never reminded, not overdue.",
    )

    def init(self):
        result = super().init()
        definition = SQL(
            """
            CREATE INDEX %s ON account_move_line (company_id, partner_id)
            INCLUDE (id, move_id, account_id, date_maturity, date, amount_residual,
                     followup_excluded, debt_disputed, expected_payment_date, followup_level_id)
            WHERE reconciled IS NOT TRUE AND amount_residual != 0 AND parent_state = 'posted'
            """,
            SQL.identifier(OPEN_ITEMS_INDEX),
        )
        # the definition's fingerprint is kept as the index's comment: an index of an earlier
        # definition (an upgrade changing it) is made again, not kept as it was
        fingerprint = hashlib.sha256(definition.code.encode()).hexdigest()[:16]
        self.env.cr.execute(SQL("SELECT obj_description(to_regclass(%s), 'pg_class')", OPEN_ITEMS_INDEX))
        if self.env.cr.fetchone()[0] != fingerprint:
            self.env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(OPEN_ITEMS_INDEX)))
            self.env.cr.execute(definition)
            self.env.cr.execute(
                SQL("COMMENT ON INDEX %s IS %s", SQL.identifier(OPEN_ITEMS_INDEX), fingerprint)
            )
        return result

    def action_debt_open_dispute(self):
        """A new dispute case on these items, to be completed and saved by credit control."""
        lines = self.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled and line.balance > 0
        )
        if not lines or len(lines.partner_id.commercial_partner_id) != 1:
            raise UserError(self.env._("Pick open receivable items of one customer to dispute."))
        return {
            "name": self.env._("New Dispute"),
            "type": "ir.actions.act_window",
            "res_model": "debt.dispute",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_partner_id": lines.partner_id.commercial_partner_id.id,
                "default_company_id": lines.company_id.root_id[:1].id,
                "default_line_ids": [fields.Command.set(lines.ids)],
                "default_source": "item",
            },
        }

    @api.constrains("followup_excluded", "followup_exclusion_reason")
    def _check_followup_exclusion_reason(self):
        for line in self:
            if line.followup_excluded and not (line.followup_exclusion_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "Say why %(item)s is excluded from the follow-up.", item=line.move_name or line.name
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any({"debt_dispute_ids", "debt_disputed"} & set(vals) for vals in vals_list):
            raise AccessError(self.env._("The items of a dispute are chosen on the dispute case."))
        return super().create(vals_list)

    def write(self, vals):
        # the link and the flag are maintained by the cases only (as superuser, see
        # debt.dispute._sync_items): from the item side they would leave the flags out of sync
        if not self.env.su and {"debt_dispute_ids", "debt_disputed"} & set(vals):
            raise AccessError(self.env._("The items of a dispute are chosen on the dispute case."))
        if {"followup_excluded", "followup_exclusion_reason"} & set(vals):
            # Excluding an item (disputed) takes it out of the overdue rules of credit control:
            # a decision of credit control, kept in the chatter of the entry.
            if not self.env.su and not self.env.user.has_group("account_debt_followup.group_credit_user"):
                raise AccessError(
                    self.env._("Only credit control can exclude an item from the follow-up or change why.")
                )
            if not self.env.su and self.debt_dispute_ids.filtered(lambda dispute: dispute.state == "open"):
                raise UserError(
                    self.env._(
                        "These items are in an open dispute case: resolve or cancel the case to "
                        "bring them back into the follow-up."
                    )
                )
            changed = self.filtered(
                lambda line: (
                    line.followup_excluded != vals.get("followup_excluded", line.followup_excluded)
                    or (line.followup_exclusion_reason or "")
                    != (vals.get("followup_exclusion_reason", line.followup_exclusion_reason) or "")
                )
            )
            result = super().write(vals)
            for line in changed:
                if line.followup_excluded:
                    note = self.env._(
                        "%(user)s excluded %(item)s from the follow-up: %(reason)s",
                        user=self.env.user.name,
                        item=line.name or line.move_name,
                        reason=line.followup_exclusion_reason,
                    )
                else:
                    note = self.env._(
                        "%(user)s brought %(item)s back into the follow-up.",
                        user=self.env.user.name,
                        item=line.name or line.move_name,
                    )
                # sudo: the change is kept on the entry, whoever may post on it
                line.move_id.sudo().message_post(
                    body=Markup("<p>%s</p>") % note, subtype_xmlid="mail.mt_note"
                )
            return result
        return super().write(vals)
