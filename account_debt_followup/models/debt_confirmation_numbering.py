# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

SEQUENCE_CODE = "debt.confirmation"


class DebtConfirmation(models.Model):
    """The numbering of debt confirmation minutes, per company."""

    _inherit = "debt.confirmation"

    @api.model
    def _company_sequence(self, company):
        """The numbering of ``company``'s minutes: its own, started from the shared one the
        module installs (companies number their documents apart)."""
        sequences = self.env["ir.sequence"].search(
            [("code", "=", SEQUENCE_CODE), ("company_id", "in", [company.id, False])]
        )
        own = sequences.filtered(lambda sequence: sequence.company_id == company)[:1]
        if own:
            return own
        if not sequences:
            raise UserError(
                self.env._("The numbering of debt confirmations is missing: reinstall the module.")
            )
        # sudo: sequences are configured by administrators; the first minute of a company starts
        # that company's numbering, whoever creates it (a credit controller)
        own = (
            sequences[:1]
            .sudo()
            .copy(
                {"company_id": company.id, "name": f"{sequences[:1].name} ({company.name})", "number_next": 1}
            )
        )
        return own.sudo(False)

    @api.model
    def _next_names(self, company, count):
        """``count`` new numbers of ``company``'s minutes."""
        sequence = self._company_sequence(company)
        if sequence.implementation == "standard" and not sequence.use_date_range:
            # one query for a whole batch: a standard sequence draws its numbers from the PostgreSQL
            # sequence named after it (see ir.sequence._next_do)
            rows = self.env.execute_query(
                SQL("SELECT nextval(%s) FROM generate_series(1, %s)", f"ir_sequence_{sequence.id:03d}", count)
            )
            return [sequence.get_next_char(number) for number in sorted(row[0] for row in rows)]
        return [sequence._next() for _index in range(count)]
