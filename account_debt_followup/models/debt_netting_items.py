# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models
from odoo.exceptions import UserError

from .debt_netting import NETTABLE_ITEMS, PAYABLE, RECEIVABLE


class DebtNetting(models.Model):
    """The items a netting may offset: open receivable debits and payable credits of one
    partner, company and currency."""

    _inherit = "debt.netting"

    @api.model
    def _open_items_domain(self, partner, company, currency=None, date=None):
        """The items a netting may offset (``NETTABLE_ITEMS``) of a commercial partner in a
        company."""
        # _origin: the wizard calls this in onchanges, on new records
        domain = [
            ("company_id", "=", company._origin.id),
            ("partner_id.commercial_partner_id", "=", partner._origin.commercial_partner_id.id),
            *NETTABLE_ITEMS,
        ]
        if currency:
            domain.append(("currency_id", "=", currency._origin.id))
        if date:
            domain.append(("date", "<=", date))
        return domain

    @api.model
    def _netting_currencies(self, partner, company, date=None):
        """Currencies in which the partner has both open receivables and open payables."""
        groups = self.env["account.move.line"]._read_group(
            self._open_items_domain(partner, company, date=date), ["currency_id", "account_type"], ["__count"]
        )
        sides = {}
        for currency, account_type, _count in groups:
            sides.setdefault(currency, set()).add(account_type)
        return self.env["res.currency"].union(
            *(currency for currency, types in sides.items() if types == {RECEIVABLE, PAYABLE})
        )

    @api.model
    def _get_open_items(self, partner, company, currency, date=None):
        """The open items to propose, oldest due first, in one query."""
        return self.env["account.move.line"].search(
            self._open_items_domain(partner, company, currency, date),
            order="date_maturity, date, id",
        )

    @api.model
    def _open_amount(self, line):
        """What an item still owes, positive, in its own currency."""
        return abs(line.amount_residual_currency)

    @api.model
    def _check_items(self, partner, company, currency, items):
        """Refuse items that cannot be netted, with data read afresh from the database."""
        items = items.with_env(self.env)
        items.invalidate_recordset()  # someone may have paid or reconciled them since
        partner = partner.commercial_partner_id
        errors = []
        if items.company_id - company:
            errors.append(
                self.env._("Some items belong to another company than %(company)s.", company=company.name)
            )
        if items.currency_id - currency:
            errors.append(self.env._("Some items are not in %(currency)s.", currency=currency.name))
        if items.partner_id.commercial_partner_id - partner:
            errors.append(self.env._("Some items are not %(partner)s's.", partner=partner.display_name))
        if any(line.account_type not in (RECEIVABLE, PAYABLE) for line in items):
            errors.append(self.env._("Only receivable and payable items can be netted."))
        if errors:
            raise UserError("\n".join(errors))
        stale = items.filtered(
            lambda line: (
                line.parent_state != "posted"
                or line.reconciled
                or (
                    line.account_type == RECEIVABLE
                    and currency.compare_amounts(line.amount_residual_currency, 0) <= 0
                )
                or (
                    line.account_type == PAYABLE
                    and currency.compare_amounts(line.amount_residual_currency, 0) >= 0
                )
            )
        )
        if stale:
            raise UserError(
                self.env._(
                    "These items are no longer open, they were paid, reconciled or reset in the "
                    "meantime: %(items)s. Start the netting again.",
                    items=", ".join(stale.move_id.mapped("display_name")),
                )
            )
        receivables = items.filtered(lambda line: line.account_type == RECEIVABLE)
        payables = items - receivables
        if not receivables or not payables:
            raise UserError(
                self.env._(
                    "%(partner)s must be both a customer and a supplier in %(currency)s to be netted: "
                    "select at least one open receivable and one open payable item.",
                    partner=partner.display_name,
                    currency=currency.name,
                )
            )
        return receivables, payables

    @api.model
    def _allocate(self, items, amount):
        """Take ``amount`` from ``items``, oldest due first: ``[(item, open, taken)]``."""
        allocation = []
        left = amount
        for line in items.sorted(lambda line: (line.date_maturity or line.date, line.date, line.id)):
            open_amount = self._open_amount(line)
            taken = min(open_amount, left)
            if line.currency_id.compare_amounts(taken, 0) <= 0:
                break
            allocation.append((line, open_amount, taken))
            left = line.currency_id.round(left - taken)
        return allocation
