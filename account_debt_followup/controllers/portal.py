# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import re
from datetime import timedelta

from werkzeug.exceptions import NotFound

from odoo import Command, fields
from odoo.http import content_disposition, request, route
from odoo.tools import format_amount, format_date

from odoo.addons.portal.controllers.portal import CustomerPortal


class DebtCustomerPortal(CustomerPortal):
    """The customer's account statement on its portal: open items, aging, promises to pay, the
    statement PDF, and the date it expects to pay an invoice.

    Everything is about the commercial partner of the logged-in user, in the user's companies: no
    partner is ever read from the request, and an invoice id in a URL is accepted only once proven
    to be that partner's. Portal users have no rights on the journal items of invoices they do not
    follow nor on promises to pay, hence the sudo() calls, each after that decision.
    """

    _debt_promise_limit = 20  # the most recent promises shown

    # ------------------------------------------------------------------ home
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "debt_open_count" in counters:
            partner = self._debt_portal_partner()
            values["debt_open_count"] = sum(
                count for _company, count in self._debt_portal_open_counts(partner)
            )
        return values

    # ------------------------------------------------------------------ helpers
    def _debt_portal_partner(self):
        """The customer whose account is shown: the logged-in user's commercial partner, only."""
        return request.env.user.partner_id.commercial_partner_id

    def _debt_portal_today(self):
        return fields.Date.context_today(request.env.user)

    def _debt_portal_open_counts(self, partner):
        """``[(company, number of documents with an open item)]`` of ``partner`` in the user's
        companies, in one grouped query."""
        domain = [
            ("partner_id.commercial_partner_id", "=", partner.id),
            ("company_id", "in", request.env.user.company_ids.ids),
            ("account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual", "!=", 0),
            ("date", "<=", self._debt_portal_today()),
        ]
        # sudo: a portal user reads only the invoices it follows; the domain keeps the lines of its own
        # commercial partner (archived contacts included, as on the statement) in its own companies
        lines = request.env["account.move.line"].sudo().with_context(active_test=False)
        return lines._read_group(domain, ["company_id"], ["move_id:count_distinct"])

    def _debt_portal_company(self, company_id):
        """The company of a statement download: one of the user's companies, else 404."""
        companies = request.env.user.company_ids
        if not company_id:
            return request.env.company if request.env.company in companies else companies[:1]
        try:
            company = companies.filtered(lambda c: c.id == int(company_id))
        except ValueError:
            company = None
        if not company:
            raise NotFound()
        return company

    def _prepare_debt_portal_values(self, error=None, error_invoice_id=None, error_date=None, saved=False):
        partner = self._debt_portal_partner()
        today = self._debt_portal_today()
        Statement = request.env["debt.statement"]
        # sudo: portal users have no access to promises; these are the user's commercial partner's
        promises = (
            request.env["debt.payment.promise"]
            .sudo()
            .search(
                [("partner_id", "=", partner.id), ("company_id", "in", request.env.user.company_ids.ids)],
                limit=self._debt_promise_limit,
            )
        )
        companies = request.env["res.company"].browse(
            {company.id for company, _count in self._debt_portal_open_counts(partner)}
            | set(promises.company_id.ids)
        )
        state_labels = dict(promises._fields["state"]._description_selection(request.env))
        company_values = []
        stated = self._debt_portal_dates_stated(partner)
        for company in companies.sorted(lambda c: (c.sequence, c.name)):
            # raw SQL on the partner's receivable lines only: no access right is involved
            open_items = Statement._get_open_items(partner, company, today).get(partner.id, {})
            sections = []
            for currency, section in open_items.items():
                if currency is None:  # the total in company currency, shown per currency instead
                    continue
                seen_moves = set()
                items = []
                for item in section["items"]:
                    can_promise = (
                        item["move_type"] == "out_invoice"
                        and item["open"] > 0
                        and item["move_id"] not in seen_moves  # one form per invoice, on its first item
                    )
                    seen_moves.add(item["move_id"])
                    latest = self._debt_portal_latest_date(company, item["date_maturity"])
                    locked = can_promise and (
                        latest < today
                        or stated.get(item["move_id"], 0) > company.root_id.debt_portal_promise_changes
                    )
                    # only what the customer may see: no exclusion flag or reason, no follow-up level
                    items.append(
                        {
                            key: item[key]
                            for key in (
                                "move_id",
                                "kind",
                                "move_name",
                                "ref",
                                "date",
                                "date_maturity",
                                "original",
                                "open",
                                "days_overdue",
                                "expected_payment_date",
                            )
                        }
                        | {
                            "can_promise": can_promise and not locked,
                            "promise_locked": locked,
                            "latest": latest,
                        }
                    )
                sections.append(
                    {
                        "currency": currency,
                        "items": items,
                        "total": section["total"],
                        "overdue": section["overdue"],
                        "buckets": section["buckets"],
                    }
                )
            # sudo: the ways to pay what this customer owes: its own overdue amount (ledger),
            # the company's bank account and payment providers, none readable by a portal user
            means = (
                partner.sudo()._debt_payment_means(company, payer=request.env.user.partner_id.sudo())
                if company == company.root_id
                else None
            )
            company_values.append(
                {
                    "company": company,
                    "payment_means": means,
                    "sections": sorted(sections, key=lambda s: s["currency"] != company.currency_id),
                    "bucket_labels": Statement._bucket_labels(company),
                    "promises": [
                        {
                            "date": promise.promised_date,
                            "amount": promise.amount,
                            "currency": promise.currency_id,
                            "invoices": ", ".join(promise.line_ids.move_id.mapped("name")),
                            "state": promise.state,
                            "state_label": state_labels.get(promise.state, ""),
                        }
                        for promise in promises.filtered(lambda p, company=company: p.company_id == company)
                    ],
                }
            )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "debt_statement",
                "partner": partner,
                "companies": company_values,
                "today": today,
                "error": error,
                "error_invoice_id": error_invoice_id,
                "error_date": error_date,
                "promise_saved": saved,
            }
        )
        return values

    # ------------------------------------------------------------------ routes
    @route("/my/debt", type="http", auth="user", website=True, methods=["GET"])
    def portal_my_debt(self, promise_saved=None, **kwargs):
        values = self._prepare_debt_portal_values(saved=bool(promise_saved))
        return request.render("account_debt_followup.portal_my_debt", values)

    @route("/my/debt/statement", type="http", auth="user", website=True, methods=["GET"])
    def portal_my_debt_statement(self, company_id=None, **kwargs):
        partner = self._debt_portal_partner()
        company = self._debt_portal_company(company_id)
        today = self._debt_portal_today()
        # sudo: the statement report is for credit controllers; the partner printed is the logged-in
        # user's own commercial partner, and the company one of the user's
        content = (
            request.env["debt.statement"]
            .sudo()
            .with_company(company)
            ._statement_pdf(partner, {"company_id": company.id, "date_to": fields.Date.to_string(today)})
        )
        filename = "{}_{}.pdf".format(
            request.env._("Statement"), re.sub(r"\W+", "_", partner.name or "").strip("_")
        )
        headers = [
            ("Content-Type", "application/pdf"),
            ("Content-Length", len(content)),
            ("Content-Disposition", content_disposition(filename)),
        ]
        return request.make_response(content, headers=headers)

    @route(
        "/my/debt/invoice/<int:invoice_id>/promise", type="http", auth="user", website=True, methods=["POST"]
    )
    def portal_my_debt_promise(self, invoice_id, promised_date=None, **kwargs):
        partner = self._debt_portal_partner()
        # sudo: the invoice may not be followed by the user; it is used only once proven to be a posted
        # invoice of the user's commercial partner in one of the user's companies, else 404 (whether
        # it exists or belongs to someone else is not disclosed)
        invoice = request.env["account.move"].sudo().browse(invoice_id).exists()
        if (
            not invoice
            or invoice.move_type != "out_invoice"
            or invoice.state != "posted"
            or invoice.commercial_partner_id != partner
            or invoice.company_id not in request.env.user.company_ids
        ):
            raise NotFound()
        lines = invoice.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        )
        date, error = self._debt_portal_check_promise(invoice, lines, promised_date)
        if error:
            values = self._prepare_debt_portal_values(
                error=error, error_invoice_id=invoice.id, error_date=promised_date
            )
            return request.render("account_debt_followup.portal_my_debt", values)
        self._debt_portal_record_promise(invoice, lines, date)
        return request.redirect("/my/debt?promise_saved=1")

    # ------------------------------------------------------------------ promises
    def _debt_portal_latest_date(self, company, due_date):
        """The latest payment date a customer may state online for an item due on ``due_date``:
        the number of days after it set on ``company`` (its main company for a branch, as the rest
        of the follow-up); a later date is for a collector to agree on."""
        return due_date + timedelta(days=company.root_id.debt_portal_promise_days)

    def _debt_portal_dates_stated(self, partner, lines=None):
        """``{invoice id: number of times the customer stated or moved its payment date online}``
        for ``partner``'s invoices (or those of ``lines``), in one grouped query."""
        domain = [("partner_id", "=", partner.id), ("portal_count", ">", 0)]
        if lines is not None:
            domain.append(("line_ids", "in", lines.ids))
        # sudo: portal users have no access to promises; these are the user's commercial partner's
        promises = (
            request.env["debt.payment.promise"].sudo().search_fetch(domain, ["portal_count", "line_ids"])
        )
        stated = {}
        for promise in promises:
            for move in promise.line_ids.move_id:
                stated[move.id] = stated.get(move.id, 0) + promise.portal_count
        return stated

    def _debt_portal_check_promise(self, invoice, lines, promised_date):
        """``(date, None)`` when ``promised_date`` may be promised for ``invoice``, else
        ``(None, error message)``: a date from today on, at most the company's number of days after
        the due date, and not more often than the company allows."""
        company = invoice.company_id
        if invoice.company_currency_id.compare_amounts(sum(lines.mapped("amount_residual")), 0) <= 0:
            return None, request.env._(
                "Invoice %(invoice)s is already paid: thank you!", invoice=invoice.name
            )
        times = self._debt_portal_dates_stated(invoice.commercial_partner_id, lines).get(invoice.id, 0)
        if times > company.root_id.debt_portal_promise_changes:
            return None, request.env._(
                "The expected payment date of %(invoice)s cannot be changed online any more: "
                "please contact us.",
                invoice=invoice.name,
            )
        # sudo: portal users have no access to promises; the lines were proven the user's
        agreed = (
            request.env["debt.payment.promise"]
            .sudo()
            .search([("line_ids", "in", lines.ids)])
            .filtered(lambda promise: promise.state == "open" and promise.line_ids != lines)
        )
        if agreed:
            return None, request.env._(
                "The payment of %(invoice)s was agreed with our collector: please contact us to change it.",
                invoice=invoice.name,
            )
        today = self._debt_portal_today()
        due = min(lines.mapped(lambda line: line.date_maturity or line.date))
        latest = self._debt_portal_latest_date(company, due)
        if latest < today:
            return None, request.env._(
                "Invoice %(invoice)s was due on %(due)s: please contact us to agree on a payment date.",
                invoice=invoice.name,
                due=format_date(request.env, due),
            )
        try:
            date = fields.Date.to_date(promised_date)
        except ValueError:
            date = None
        if not date:
            return None, request.env._(
                "Please enter the date you expect to pay invoice %(invoice)s.", invoice=invoice.name
            )
        if date < today:
            return None, request.env._(
                "The expected payment date of %(invoice)s cannot be in the past.", invoice=invoice.name
            )
        if date > latest:
            return None, request.env._(
                "The expected payment date of %(invoice)s must be on or before %(date)s.",
                invoice=invoice.name,
                date=format_date(request.env, latest),
            )
        return date, None

    def _debt_portal_record_promise(self, invoice, lines, date):
        """Record the customer's word that ``invoice`` (its open ``lines``) will be paid by ``date``,
        and tell the customer's follow-up responsible (else a credit manager of the company).

        One open promise per invoice: an open promise on exactly these items, whether stated here or
        recorded by a collector, is moved to the new date for what is still owed, rather than adding a
        second promise for the same money. A collector's promise covering other invoices too is left
        as it is.
        """
        partner = invoice.commercial_partner_id
        company = invoice.company_id
        contact = request.env.user.partner_id
        amount = sum(lines.mapped("amount_residual"))
        # sudo: portal users have no access rights on promises to pay; the invoice and its lines were
        # checked to be the user's commercial partner's
        Promise = request.env["debt.payment.promise"].sudo().with_company(company)
        promise = Promise.search(
            [("partner_id", "=", partner.id), ("company_id", "=", company.id), ("line_ids", "in", lines.ids)]
        ).filtered(lambda p: p.state == "open" and p.line_ids == lines)[:1]
        values = {"promised_date": date, "amount": amount, "contact_id": contact.id, "source": "portal"}
        if promise:
            promise.write(dict(values, residual_at_promise=amount, portal_count=promise.portal_count + 1))
            lines.expected_payment_date = date
        else:
            promise = Promise.create(
                dict(
                    values,
                    partner_id=partner.id,
                    company_id=company.id,
                    line_ids=[Command.set(lines.ids)],
                    portal_count=1,
                )
            )
        # sudo: the responsible or credit manager told, and their partner, are read for a portal user
        notified = partner.sudo()._debt_followup_assignee(company.root_id).sudo().partner_id
        # sudo: a portal user cannot post on a contact; the note is written as the user's partner
        partner.sudo().message_post(
            body=request.env._(
                "%(contact)s expects to pay invoice %(invoice)s (%(amount)s) on %(date)s, "
                "as stated on the customer portal.",
                contact=contact.name,
                invoice=invoice.name,
                amount=format_amount(request.env, amount, company.currency_id),
                date=format_date(request.env, date),
            ),
            subtype_xmlid="mail.mt_note",
            author_id=contact.id,
            partner_ids=notified.ids,
        )
        return promise
