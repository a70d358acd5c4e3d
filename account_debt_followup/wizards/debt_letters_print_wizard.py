# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.pdf import merge_pdf


class DebtLettersPrintWizard(models.TransientModel):
    """The reminder letters of a day in one PDF for the post room: the letters kept on the
    follow-up history when the reminders were sent (the very PDFs the customers get), one after
    the other, then marked as printed so that the next batch does not repeat them."""

    _name = "debt.letters.print.wizard"
    _description = "Letters to Print"

    date = fields.Date(required=True, default=fields.Date.context_today)
    company_ids = fields.Many2many(
        "res.company",
        string="Companies",
        required=True,
        default=lambda self: self.env.companies,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    reprint = fields.Boolean(
        string="Print Again", help="Include the letters of that day printed already (a lost or spoilt batch)."
    )
    letter_count = fields.Integer(string="Letters", compute="_compute_letter_count")
    pdf = fields.Binary(string="Letters PDF", readonly=True)
    pdf_name = fields.Char(string="File Name", readonly=True)

    @api.depends("date", "company_ids", "reprint")
    def _compute_letter_count(self):
        for wizard in self:
            companies = wizard._letters_companies() & self.env.user.company_ids
            wizard.letter_count = (
                self.env["debt.followup.history"]
                .with_context(allowed_company_ids=companies.ids)
                .search_count(wizard._letters_domain())
            )

    def _letters_domain(self):
        self.ensure_one()
        domain = [
            ("date", "=", self.date),
            ("company_id", "in", self._letters_companies().ids),
            ("state", "=", "done"),
            ("channels", "ilike", "letter"),
            ("attachment_id", "!=", False),
        ]
        if not self.reprint:
            domain.append(("letter_printed_date", "=", False))
        return domain

    def _letters_companies(self):
        """The companies asked and their main companies, where the follow-up history is kept: a
        user working in a branch prints its main company's letters."""
        return self.company_ids | self.company_ids.root_id

    def _letters(self):
        """The history rows of the letters to print, in the order the post room folds them."""
        self.ensure_one()
        companies = self._letters_companies()
        if companies - self.env.user.company_ids:
            raise AccessError(self.env._("You may only print the letters of your own companies."))
        # the main companies of the branches asked are active for the search (all the user's own)
        histories = (
            self.env["debt.followup.history"]
            .with_context(allowed_company_ids=companies.ids)
            .search(self._letters_domain())
        )
        return histories.sorted(
            lambda history: (history.company_id.id, history.partner_id.name or "", history.id)
        )

    def action_print(self):
        """Merge the day's letters into one PDF, mark them as printed and download it. The letters
        are marked before the file is downloaded (the download is a second request); the PDF is
        kept on the wizard, which only its creator may read (record rule)."""
        self.ensure_one()
        histories = self._letters()
        if not histories:
            raise UserError(
                self.env._(
                    "No letter to print on %(date)s: none was sent with a printed letter that day, or all "
                    "were printed already (tick Print Again to print them once more).",
                    date=fields.Date.to_string(self.date),
                )
            )
        # the attachments are read as the user: an attachment follows the access to its history row
        content = merge_pdf([history.attachment_id.raw for history in histories])
        # marked as printed now, before the download: a lost download is printed again with
        # Print Again. A reprint keeps the first print's date and user.
        # sudo: the history is an audit record nobody writes over RPC (read-only access rights);
        # printing the letters to post is the credit controller's job
        histories.filtered(lambda history: not history.letter_printed_date).sudo().write(
            {"letter_printed_date": fields.Datetime.now(), "letter_printed_uid": self.env.uid}
        )
        name = self.env._("Letters %(date)s.pdf", date=fields.Date.to_string(self.date))
        self.write({"pdf": base64.b64encode(content), "pdf_name": name})
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/pdf/{name}?download=true",
            "target": "download",
        }
