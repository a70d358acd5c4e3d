# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict

from odoo import api, models

try:
    from num2words import num2words
except ImportError:  # Odoo logs it already, and writes no amount in words either
    num2words = None

RECEIVABLE = "asset_receivable"
PAYABLE = "liability_payable"


class DebtStatement(models.AbstractModel):
    """Builds customer statements: open items with aging, or the activity of a period.

    One query for the items of all the partners of a batch, whatever their number of lines.
    """

    _name = "debt.statement"
    _description = "Customer Statement Builder"

    @api.model
    def _bucket_labels(self, company):
        bounds = company._debt_aging_bounds()
        labels = [self.env._("Current")]
        low = 1
        for high in bounds:
            labels.append(self.env._("%(low)s-%(high)s days", low=low, high=high))
            low = high + 1
        labels.append(self.env._("Over %(days)s days", days=bounds[-1]))
        return labels

    @api.model
    def _bucket_index(self, days_overdue, bounds):
        if days_overdue <= 0:
            return 0
        for index, high in enumerate(bounds, start=1):
            if days_overdue <= high:
                return index
        return len(bounds) + 1

    @api.model
    def _get_open_items(self, partners, company, date, account_type=RECEIVABLE):
        """Open receivable items of ``partners`` (commercial) in ``company`` on ``date``; with
        ``account_type`` payable, the suppliers' open payable items, signed as what we owe.

        :return: ``{partner_id: {currency: section}}`` where a section has the items, the total
            due, the total overdue and the aging buckets, in that currency; and, per partner,
            the total in company currency under the key ``None``.
        """
        partner_ids = partners.commercial_partner_id.ids
        if not partner_ids:
            return {}
        rows = self.env["debt.ledger"]._open_items(
            company, partner_ids, as_of=date, account_types=(account_type,)
        )
        if account_type == PAYABLE:
            rows = [self._owed_by_us(row) for row in rows]
        currencies = self.env["res.currency"].browse({row["currency_id"] for row in rows}).with_prefetch()
        currency_of = {currency.id: currency for currency in currencies}
        bounds = company._debt_aging_bounds()
        kinds = self._item_kinds()
        company_currency = company.currency_id
        result = defaultdict(dict)
        for row in rows:
            currency = currency_of[row["currency_id"]]
            foreign = currency != company_currency
            sections = result[row["partner_id"]]
            section = sections.setdefault(
                currency,
                {"items": [], "total": 0.0, "overdue": 0.0, "buckets": [0.0] * (len(bounds) + 2)},
            )
            open_amount = row["residual_currency"] if foreign else row["residual"]
            days = row["days"]
            item = dict(
                row,
                date_maturity=row["due"],
                followup_excluded=row["disputed"],
                kind=self._item_kind(row, kinds),
                original=row["amount_currency"] if foreign else row["balance"],
                open=open_amount,
                days_overdue=max(days, 0),
            )
            section["items"].append(item)
            section["total"] += open_amount
            # overdue as the ledger counts it: disputed items out, net of the credits not
            # matched yet (they pay the oldest debits first), never below zero
            if not row["disputed"] and (open_amount < 0 or days > 0):
                section["overdue"] += open_amount
            section["buckets"][self._bucket_index(days, bounds)] += open_amount
            sections[None] = sections.get(None, 0.0) + row["residual"]
        for sections in result.values():
            for currency, section in sections.items():
                if currency is not None:
                    section["overdue"] = max(currency.round(section["overdue"]), 0.0)
        return result

    @api.model
    def _owed_by_us(self, row):
        """A payable row with its amounts signed as what we owe the supplier."""
        return dict(
            row,
            **{
                name: -row[name]
                for name in ("balance", "amount_currency", "residual", "residual_currency")
                if name in row
            },
        )

    @api.model
    def _item_kinds(self):
        """The labels of the items' kinds, translated once per statement rather than per item."""
        return {
            "payment": self.env._("Payment"),
            "refund": self.env._("Credit Note"),
            "invoice": self.env._("Invoice"),
            "bill": self.env._("Bill"),
            "entry": self.env._("Entry"),
        }

    @api.model
    def _item_kind(self, row, kinds):
        if row["payment_id"] or row["move_type"] == "entry" and row["balance"] < 0:
            return kinds["payment"]
        if row["move_type"] in ("out_refund", "in_refund"):
            return kinds["refund"]
        if row["move_type"] == "out_invoice":
            return kinds["invoice"]
        if row["move_type"] == "in_invoice":
            return kinds["bill"]
        return kinds["entry"]

    @api.model
    def _get_activity(self, partners, company, date_from, date_to, account_type=RECEIVABLE):
        """Opening balance on ``date_from``, the receivable movements up to ``date_to`` and the
        closing balance, per commercial partner, in company currency, from the ledger; with
        ``account_type`` payable, the suppliers' payables, signed as what we owe."""
        partner_ids = partners.commercial_partner_id.ids
        if not partner_ids:
            return {}
        opening, rows = self.env["debt.ledger"]._movements(
            company, partner_ids, date_from, date_to, account_types=(account_type,)
        )
        if account_type == PAYABLE:
            opening = {partner_id: -balance for partner_id, balance in opening.items()}
            rows = [self._owed_by_us(row) for row in rows]
        result = {
            pid: {"opening": opening.get(pid, 0.0), "lines": [], "closing": opening.get(pid, 0.0)}
            for pid in partner_ids
        }
        kinds = self._item_kinds()
        for row in rows:
            activity = result[row["partner_id"]]
            activity["closing"] += row["balance"]
            activity["lines"].append(
                dict(
                    row,
                    date_maturity=row["due"],
                    kind=self._item_kind(row, kinds),
                    running=activity["closing"],
                )
            )
        return result

    @api.model
    def _document_labels(self, partners, company):
        """The labels of a customer document that Python computes (aging buckets, kinds of
        items), in each customer's language: the document is rendered in it, while labels
        translated in the user's language would stay English on a Vietnamese statement.

        :return: ``{"bucket_labels": {partner_id: labels}, "item_kind": function(item, partner)}``
        """
        by_lang = {}

        def labels_of(partner):
            lang = partner.lang or self.env.lang
            if lang not in by_lang:
                builder = self.with_context(lang=lang)
                by_lang[lang] = (builder._bucket_labels(company), builder._item_kinds())
            return by_lang[lang]

        return {
            "bucket_labels": {partner.id: labels_of(partner)[0] for partner in partners},
            "item_kind": lambda item, partner: self._item_kind(item, labels_of(partner)[1]),
        }

    @api.model
    def _statement_pdf(self, partners, data):
        """The statements of ``partners`` in one PDF, one customer after the other, rendered in one
        wkhtmltopdf run (see ``ir_actions_report_batch.py``)."""
        report = self.env.ref("account_debt_followup.action_report_statement")
        return self.env["ir.actions.report"]._render_qweb_pdf(
            report, partners.commercial_partner_id.ids, data=data
        )[0]

    @api.model
    def _currency_unit_words(self, currency):
        """The name of ``currency``'s unit and subunit to write an amount in words, in the
        language of the environment: Odoo's own names are English words (Dollars, Dong)."""
        units = {
            "VND": (self.env._("Dong"), ""),
            "USD": (self.env._("US Dollars"), self.env._("Cents")),
            "EUR": (self.env._("Euros"), self.env._("Cents")),
        }
        return units.get(currency.name) or (currency.currency_unit_label, currency.currency_subunit_label)

    @api.model
    def _amount_in_words(self, amount, currency, partner):
        """The amount in words in the customer's language (Vietnamese documents print it)."""
        if not partner.lang or num2words is None:
            return ""
        builder = self.with_context(lang=partner.lang)
        lang = builder.env["res.lang"]._lang_get(partner.lang)
        iso = lang.iso_code if lang else "en"

        def words(number):
            try:
                return num2words(number, lang=iso).title()
            except NotImplementedError:
                return num2words(number, lang="en").title()

        unit, subunit = builder._currency_unit_words(currency)
        integral, _sep, fractional = f"{abs(amount):.{currency.decimal_places}f}".partition(".")
        if not int(fractional or 0):
            return builder.env._("%(amount)s %(unit)s", amount=words(int(integral)), unit=unit)
        return builder.env._(
            "%(amount)s %(unit)s and %(fraction)s %(subunit)s",
            amount=words(int(integral)),
            unit=unit,
            fraction=words(int(fractional)),
            subunit=subunit,
        )
