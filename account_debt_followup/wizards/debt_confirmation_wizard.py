# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class DebtConfirmationWizard(models.TransientModel):
    """Debt confirmation minutes for many customers at once, sent by email if asked."""

    _name = "debt.confirmation.wizard"
    _description = "Create Debt Confirmations"

    scope = fields.Selection(
        [("selected", "The partners chosen"), ("all", "Every partner with a balance (year end)")],
        required=True,
        default="selected",
        help="Every partner with a balance: one minute per customer with a receivable balance and one "
        "per supplier with a payable balance on the last day of the period.",
    )
    account_type = fields.Selection(
        [("asset_receivable", "Customers (receivable)"), ("liability_payable", "Suppliers (payable)")],
        string="Debt",
        required=True,
        default="asset_receivable",
    )
    partner_ids = fields.Many2many("res.partner", string="Partners")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    date_from = fields.Date(string="From", required=True, default=lambda self: self._default_dates()[0])
    date_to = fields.Date(string="To", required=True, default=lambda self: self._default_dates()[1])
    send_email = fields.Boolean(string="Send by Email Now")
    confirmation_ids = fields.Many2many("debt.confirmation", string="Debt Confirmations", readonly=True)
    result = fields.Html(readonly=True)

    @api.model
    def _default_dates(self):
        """The year to the end of last month: what an accountant confirms at a month or year end."""
        date_to = fields.Date.context_today(self).replace(day=1) - relativedelta(days=1)
        return date_to.replace(month=1, day=1), date_to

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "res.partner" and self.env.context.get("active_ids"):
            partners = self.env["res.partner"].browse(self.env.context["active_ids"]).commercial_partner_id
            values["partner_ids"] = [fields.Command.set(partners.ids)]
        return values

    def action_create(self):
        self.ensure_one()
        if self.date_from > self.date_to:
            raise UserError(self.env._("The period cannot end before it starts."))
        confirmations, skipped = self._create_confirmations()
        lines = [self.env._("Debt confirmations created: %(count)s.", count=len(confirmations))]
        if skipped:
            lines.append(
                self.env._(
                    "Skipped, no balance nor movement in the period: %(partners)s",
                    partners=", ".join(skipped.mapped("display_name")),
                )
            )
        if self.send_email and confirmations:
            sent, no_email = confirmations._send_by_email()
            lines.append(self.env._("Sent by email: %(count)s.", count=len(sent)))
            if no_email:
                lines.append(
                    self.env._(
                        "Not sent, no email address: %(partners)s",
                        partners=", ".join(no_email.partner_id.mapped("display_name")),
                    )
                )
        self.write(
            {
                "result": Markup("<br/>").join(lines),
                "confirmation_ids": [fields.Command.set(confirmations.ids)],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Debt Confirmations"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _create_confirmations(self):
        """The minutes of the partners chosen, or of every partner with a balance on the last day
        of the period, customers and suppliers (from the ledger).

        :return: ``(confirmations, skipped partners)``
        """
        Confirmation = self.env["debt.confirmation"]
        Partner = self.env["res.partner"]
        if self.scope == "selected":
            if not self.partner_ids:
                raise UserError(self.env._("Choose the partners to confirm the debts of."))
            return Confirmation._create_for_partners(
                self.partner_ids,
                self.company_id,
                self.date_from,
                self.date_to,
                account_type=self.account_type,
            )
        confirmations, skipped = Confirmation, Partner
        Ledger = self.env["debt.ledger"]
        for account_type in ("asset_receivable", "liability_payable"):
            partners = Partner.browse(
                Ledger._partners_with_balance(self.company_id, self.date_to, account_type)
            )
            created, left = Confirmation._create_for_partners(
                partners, self.company_id, self.date_from, self.date_to, account_type=account_type
            )
            confirmations |= created
            skipped |= left
        return confirmations, skipped

    def action_open_confirmations(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("account_debt_followup.debt_confirmation_action")
        action["domain"] = [("id", "in", self.confirmation_ids.ids)]
        return action
