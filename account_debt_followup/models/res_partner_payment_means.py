# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""res.partner, what a reminder shows the customer: the items it is about, per currency, and the
ways to pay them (a VietQR code of the company's bank account, a link to pay online).

The VietQR code is Odoo's own: ``l10n_vn`` adds the Vietnamese EMV QR to the bank accounts of
Vietnam (``res.partner.bank``, method ``emv_qr``); nothing here builds a QR payload. Without
``l10n_vn`` (or without a Vietnamese account Odoo can make a QR for), no QR is shown.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import format_amount, format_date
from odoo.tools.misc import hmac, remove_accents

from .debt_followup_level import SMS_PLACEHOLDER_RE

# EMV "purpose of transaction" (tag 62, sub-tag 08) holds 25 characters at most
REFERENCE_SIZE = 25
# how long the pay link of a reminder (``/debt/pay/...``, controllers/debt_pay.py) can be
# followed after the day it was issued; a later reminder issues a new one
PAY_LINK_VALIDITY_DAYS = 60
# an online payment not in the books after that many days is left to the ledger (Odoo stops
# trying to post a transaction after 4 days too)
IN_FLIGHT_DAYS = 4
# the scope of the pay link's HMAC: its tokens are of no use anywhere else
PAY_LINK_SCOPE = "account_debt_followup.pay_link"


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------------ the items
    def _debt_followup_line_groups(self, company=None, level=None, lines=None, today=None):
        """The items of this customer's reminder (``_get_followup_lines``, the one list the
        email and the letter show), grouped by the currency of each item, company currency
        first: ``[{"currency", "items": [{"line", "name", "ref", "date", "date_maturity",
        "amount", "days"}], "total"}]``. Amounts are the open amounts in the item's currency;
        there is no total across currencies."""
        self.ensure_one()
        company = (company or self.env.company).root_id
        if lines is None:
            lines = self._get_followup_lines(company, level)
        today = today or fields.Date.context_today(self)
        groups = {}
        for line in lines:
            currency = line.currency_id or company.currency_id
            amount = (
                line.amount_residual if currency == company.currency_id else line.amount_residual_currency
            )
            group = groups.setdefault(currency, {"currency": currency, "items": [], "total": 0.0})
            group["items"].append(
                {
                    "line": line,
                    "name": line.move_id.name,
                    "ref": line.move_id.ref or "",
                    "date": line.date,
                    "date_maturity": line.date_maturity or line.date,
                    "amount": amount,
                    "days": max((today - (line.date_maturity or line.date)).days, 0),
                }
            )
            group["total"] += amount
        for group in groups.values():
            group["total"] = group["currency"].round(group["total"])
        return sorted(
            groups.values(), key=lambda g: (g["currency"] != company.currency_id, g["currency"].name)
        )

    # ------------------------------------------------------------------ the ways to pay
    def _debt_payment_reference(self):
        """The reference the customer's transfer carries: its customer reference, else its
        name, without accents, as short as a bank transfer's purpose allows."""
        partner = self.commercial_partner_id
        reference = remove_accents(partner.ref or partner.name or "").replace("đ", "d").replace("Đ", "D")
        return reference.strip()[:REFERENCE_SIZE]

    def _debt_vietqr_bank(self, company, amount, reference):
        """The company's bank account a VietQR code can be made for, and its QR values, or
        ``(empty, None)``. The account is chosen as Odoo chooses the one printed on customer
        invoices (the company's accounts, of no or that company, trusted ones first), among
        those of Vietnam Odoo can make a VietQR for (``l10n_vn``: a bank with its BIC code, a
        proxy type and value, in VND)."""
        # sudo: the company's own bank details, printed on every reminder, are read for whoever
        # renders it (a credit controller, the scheduled action, a portal customer)
        Bank = self.env["res.partner.bank"].sudo()
        if "emv_qr" not in dict(Bank.get_available_qr_methods_in_sequence()):
            return Bank, None
        banks = (
            company.partner_id.sudo()
            .bank_ids.filtered(
                lambda bank: (not bank.company_id or bank.company_id == company) and bank.country_code == "VN"
            )
            .sorted(lambda bank: not bank.allow_out_payment)
        )
        for bank in banks:
            vals = bank._build_qr_code_vals(
                amount, reference, None, company.currency_id, self.commercial_partner_id, qr_method="emv_qr"
            )
            if vals:
                return bank, vals
        return Bank, None

    @api.model
    def _debt_payment_access_token(self, *values):
        """The access token of Odoo's payment links (``payment.utils.generate_access_token``,
        which reads the database secret through the HTTP request): the same token, made
        outside a request too (the scheduled reminders, the mail queue)."""
        return hmac(self.env(su=True), "generate_access_token", "|".join(str(value) for value in values))

    def _debt_pay_link_token(self, company, issued):
        """The token of this customer's pay link in ``company`` issued on ``issued`` (a date):
        an HMAC of the database secret over the customer, the company and the date."""
        partner = self.commercial_partner_id
        return hmac(self.env(su=True), PAY_LINK_SCOPE, f"{partner.id}|{company.id}|{issued.isoformat()}")

    def _debt_pay_in_flight(self, company):
        """What this customer paid to ``company`` through a pay link that the books do not show
        yet, in the company's currency: its transactions of the last ``IN_FLIGHT_DAYS`` days
        pending or authorized, or done but not yet turned into a payment (Odoo posts it a
        moment later). The ledger sees a payment only once it is posted: a pay link followed
        again meanwhile must not ask for it twice.

        Only the link's own transactions count (no invoice or order named: those pay what they
        name, which may not be overdue), and only recent ones: a wire transfer announced on the
        payment page stays pending for good, while the accountant books the money from the
        bank statement; after a few days the ledger is the truth again. A partly captured
        authorization is left out (its captures are payments already)."""
        partner = self.commercial_partner_id
        since = fields.Datetime.now() - timedelta(days=IN_FLIGHT_DAYS)
        # sudo: the customer's own transactions, read for the pay link's public visitor (whose
        # token was proven) or a job; only their amounts leave this method
        transactions = (
            self.env["payment.transaction"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", partner.id),
                    ("company_id", "=", company.id),
                    ("operation", "not in", ("refund", "validation")),
                    ("payment_id", "=", False),
                    ("invoice_ids", "=", False),
                    ("sale_order_ids", "=", False),
                    ("child_transaction_ids", "=", False),
                    ("last_state_change", ">=", since),
                    "|",
                    ("state", "in", ("pending", "authorized")),
                    "&",
                    ("state", "=", "done"),
                    ("is_post_processed", "=", False),
                ]
            )
        )
        today = fields.Date.context_today(self)
        return sum(
            transaction.currency_id._convert(transaction.amount, company.currency_id, company, today)
            for transaction in transactions
        )

    def _debt_pay_link(self, company, amount, reference=None, payer=None):
        """The link of a reminder to pay online what is overdue in ``company`` (main company),
        or ``False`` when no payment provider is enabled for the company. The link carries no
        amount: it leads to ``/debt/pay/<customer>/<company>/<issued>/<token>``, which reads the
        overdue amount from the ledger when it is followed (controllers/debt_pay.py); it is valid
        ``PAY_LINK_VALIDITY_DAYS`` days. ``amount`` (in the company currency) and ``payer`` only
        choose whether a provider can take the payment; ``reference`` is unused (kept for
        callers)."""
        partner = self.commercial_partner_id
        payer = payer or partner
        currency = company.currency_id
        # sudo: the providers are the company's configuration, read for a customer too
        providers = (
            self.env["payment.provider"]
            .sudo()
            ._get_compatible_providers(company.id, payer.id, amount, currency_id=currency.id)
            .filtered("is_published")  # those the customer's payment page offers
        )
        if not providers:
            return False
        issued = fields.Date.context_today(self)
        token = partner._debt_pay_link_token(company, issued)
        return f"{self.get_base_url()}/debt/pay/{partner.id}/{company.id}/{issued.isoformat()}/{token}"

    def _debt_payment_means(self, company=None, amount=None, payer=None):
        """How this customer can pay its overdue amount in ``company`` (main company and
        branches, from the ledger unless ``amount`` is given), in the company currency:
        ``{"amount", "currency", "reference", "bank", "qr_image" (data URI, for PDFs and
        pages), "qr_url" (absolute URL of the same image, for emails), "qr_payload",
        "pay_link"}``. No QR when the company has no Vietnamese account Odoo can make a VietQR
        for, or when its currency is not VND; no link without an enabled payment provider;
        neither when nothing is overdue."""
        self.ensure_one()
        company = (company or self.env.company).root_id
        partner = self.commercial_partner_id
        currency = company.currency_id
        if amount is None:
            amount = partner._get_debt_figures(company).get(partner.id, {}).get("overdue", 0.0)
        reference = partner._debt_payment_reference()
        means = {
            "amount": amount,
            "currency": currency,
            "reference": reference,
            "bank": self.env["res.partner.bank"],
            "qr_image": False,
            "qr_url": False,
            "qr_payload": False,
            "pay_link": False,
        }
        if currency.compare_amounts(amount, 0.0) <= 0:
            return means
        bank, vals = partner._debt_vietqr_bank(company, amount, reference)
        if vals:
            means.update(
                bank=bank,
                qr_image=bank._get_qr_code_base64(**vals),
                qr_url=self.get_base_url() + bank._get_qr_code_url(**vals),
                qr_payload=bank._get_qr_vals(**vals),
            )
        means["pay_link"] = partner._debt_pay_link(company, amount, reference, payer=payer)
        return means

    # ------------------------------------------------------------------ what the reminder says
    def _debt_followup_mail_values(self):
        """What the reminder email template shows (``{"groups", "means", "unmatched"}``), for
        the company it is written for (``debt_followup_company_id``) and the level in the
        context (``_debt_followup_render``): the same items as the letter, the ways to pay.

        One amount to pay in the whole message: the ledger's overdue amount in the company
        currency (``means["amount"]``, the button, QR code, link and SMS ``{overdue}``), which
        is net of the payments and credit notes not matched yet. The item tables show each item's
        open amount as booked; ``unmatched`` (company currency, 0 when none) is what those
        payments and credit notes take off the overdue items, shown under the tables."""
        self.ensure_one()
        company = self.debt_followup_company_id.root_id
        Level = self.env["debt.followup.level"]
        batch_lines = self.env.context.get("debt_followup_lines", {}).get(self.id)
        if batch_lines is None:
            level = Level.browse(self.env.context.get("debt_followup_level_id")).exists()
            groups = self._debt_followup_line_groups(company, level or None)
            means = self._debt_payment_means(company)
        else:
            # the scheduled run's batch read the items and the overdue amounts of all its
            # customers at once (_debt_followup_batch_render): the same figures
            level = Level.browse(self.env.context["debt_followup_level_id"])
            lines = self.env["account.move.line"].browse(batch_lines)
            groups = self._debt_followup_line_groups(company, level, lines=lines)
            overdue = self.commercial_partner_id.with_company(company).debt_overdue_amount
            means = self._debt_payment_means(company, amount=overdue)
        return {
            "groups": groups,
            "means": means,
            "unmatched": self._debt_unmatched_amount(groups, means["amount"], company),
        }

    @api.model
    def _debt_unmatched_amount(self, groups, amount_to_pay, company):
        """What the customer's payments and credit notes not matched yet take off the overdue
        items of ``groups`` (``_debt_followup_line_groups``): their open amounts in the company
        currency less ``amount_to_pay`` (the ledger's overdue), or 0."""
        currency = company.currency_id
        overdue_items = sum(
            item["line"].amount_residual for group in groups for item in group["items"] if item["days"] > 0
        )
        return max(currency.round(overdue_items - max(amount_to_pay, 0.0)), 0.0)

    def _debt_followup_sms_values(self, level, amount_overdue, company):
        """The values of the SMS placeholders (``SMS_PLACEHOLDERS``) for this customer, written
        in the language of ``self.env``. ``{overdue}`` is ``amount_overdue``, the ledger's
        overdue amount in the company currency: the amount the pay link asks for (see
        ``_debt_followup_mail_values``)."""
        self.ensure_one()
        partner = self.commercial_partner_id
        due_dates = [
            item["date_maturity"]
            for group in partner._debt_followup_line_groups(company, level)
            for item in group["items"]
            if item["days"] > 0
        ]
        pay_link = ""
        if company.currency_id.compare_amounts(amount_overdue, 0.0) > 0:
            pay_link = partner._debt_pay_link(company.root_id, amount_overdue) or ""
        return {
            "partner": partner.name or "",
            "company": company.name or "",
            "overdue": format_amount(self.env, max(amount_overdue, 0.0), company.currency_id),
            "due_date": format_date(self.env, min(due_dates)) if due_dates else "",
            "reference": partner._debt_payment_reference(),
            "pay_link": pay_link,
        }

    def _debt_followup_sms_body(self, level, amount_overdue, company):
        """The text message of ``level`` for this customer, in its language: the level's text
        with its placeholders replaced; the overdue amount (``amount_overdue``, in ``company``'s
        currency) is added at the end when the text does not say ``{overdue}``."""
        self.ensure_one()
        lang_env = self._debt_followup_lang_env()
        text = (level.with_env(lang_env).sms_text or "").strip() or lang_env._(
            "%(company)s: a payment is overdue on your account.", company=company.name
        )
        names = set(SMS_PLACEHOLDER_RE.findall(text))
        values = (
            self.with_env(lang_env)._debt_followup_sms_values(level, amount_overdue, company) if names else {}
        )
        body = SMS_PLACEHOLDER_RE.sub(lambda match: values.get(match.group(1), match.group(0)), text)
        if "overdue" in names:
            return body
        amount = format_amount(lang_env, amount_overdue, company.currency_id)
        return lang_env._("%(text)s Overdue: %(amount)s", text=body, amount=amount)
