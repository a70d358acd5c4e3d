# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount


class DebtInterestWizard(models.TransientModel):
    """Propose the late-payment interest of a period as draft debit notes."""

    _name = "debt.interest.wizard"
    _description = "Late-Payment Interest"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    date_from = fields.Date(string="From", required=True, default=lambda self: self._default_dates()[0])
    date_to = fields.Date(string="To", required=True, default=lambda self: self._default_dates()[1])
    partner_ids = fields.Many2many(
        "res.partner", string="Customers", help="Empty: every customer with overdue items."
    )
    note_ids = fields.Many2many("account.move", string="Debit Notes", readonly=True)
    result = fields.Html(readonly=True)

    @api.model
    def _default_dates(self):
        date_to = fields.Date.context_today(self).replace(day=1) - relativedelta(days=1)
        return date_to.replace(day=1), date_to

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "res.partner" and self.env.context.get("active_ids"):
            partners = self.env["res.partner"].browse(self.env.context["active_ids"]).commercial_partner_id
            values["partner_ids"] = [fields.Command.set(partners.ids)]
        return values

    def action_propose(self):
        self.ensure_one()
        if self.date_from > self.date_to:
            raise UserError(self.env._("The period cannot end before it starts."))
        if self.company_id not in self.env.companies:
            raise UserError(self.env._("Select the company %(company)s first.", company=self.company_id.name))
        notes = self.env["debt.interest.line"]._propose_notes(
            self.company_id, self.partner_ids, self.date_from, self.date_to
        )
        if notes:
            total = format_amount(self.env, sum(notes.mapped("amount_total")), self.company_id.currency_id)
            result = self.env._(
                "Draft debit notes: %(count)s, for %(total)s. Review them, then confirm them.",
                count=len(notes),
                total=total,
            )
        else:
            result = self.env._(
                "No interest in the period: nothing overdue past the grace period, or no rate."
            )
        self.write({"result": Markup("<p>%s</p>") % result, "note_ids": [fields.Command.set(notes.ids)]})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_open_notes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [("id", "in", self.note_ids.ids)]
        action["context"] = {"default_move_type": "out_invoice"}
        return action
