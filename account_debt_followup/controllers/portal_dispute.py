# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from werkzeug.exceptions import NotFound

from odoo import Command
from odoo.http import request, route

from .portal_minutes import DebtMinutesPortal

# the days the owner of a dispute opened on the portal is given to review it (an activity)
PORTAL_DISPUTE_DAYS = 2


class DebtDisputePortal(DebtMinutesPortal):
    """The customer disputes one of its open invoices on its portal, and follows its disputes.

    As for promises, an invoice id is used only once proven to be an open invoice of the logged-in
    user's commercial partner in one of the user's companies (else 404); portal users have no
    access rights on disputes, hence the sudo() calls after that proof. The customer sees its own
    cases only: number, invoices, amount, reason and state (not the owner nor the internal notes).
    """

    def _debt_portal_disputes(self, partner):
        # sudo: see the class docstring; the domain keeps the user's commercial partner's cases
        return (
            request.env["debt.dispute"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("company_id", "in", request.env.user.company_ids.root_id.ids),
                ],
                limit=self._debt_promise_limit,
            )
        )

    def _prepare_debt_portal_values(self, *args, dispute_error=None, dispute_saved=False, **kwargs):
        values = super()._prepare_debt_portal_values(*args, **kwargs)
        disputes = self._debt_portal_disputes(values["partner"])
        disputed_moves = set(
            disputes.filtered(lambda d: d.state in ("to_review", "open")).line_ids.move_id.ids
        )
        reasons = request.env["debt.dispute"]._fields["reason"]._description_selection(request.env)
        states = dict(request.env["debt.dispute"]._fields["state"]._description_selection(request.env))
        labels = dict(reasons)
        open_moves = {
            item["move_id"]: item
            for company_data in values["companies"]
            for section in company_data["sections"]
            for item in section["items"]
            if item["open"] > 0 and item["move_id"] not in disputed_moves
        }
        # sudo: the moves of the user's own open items, read for their type only
        invoice_ids = set(
            request.env["account.move"]
            .sudo()
            .browse(list(open_moves))
            .filtered(lambda move: move.move_type == "out_invoice")
            .ids
        )
        invoices = [item for move_id, item in open_moves.items() if move_id in invoice_ids]
        values.update(
            debt_disputes=[
                {
                    "name": dispute.name,
                    "invoices": ", ".join(dispute.line_ids.move_id.mapped("name")),
                    "amount": dispute.amount,
                    "currency": dispute.currency_id,
                    "reason": labels.get(dispute.reason, ""),
                    "state": dispute.state,
                    "state_label": states.get(dispute.state, ""),
                }
                for dispute in disputes
            ],
            debt_dispute_reasons=reasons,
            debt_dispute_invoices=invoices,
            dispute_error=dispute_error,
            dispute_saved=dispute_saved,
        )
        return values

    @route("/my/debt", type="http", auth="user", website=True, methods=["GET"])
    def portal_my_debt(self, promise_saved=None, dispute_saved=None, **kwargs):
        values = self._prepare_debt_portal_values(
            saved=bool(promise_saved), dispute_saved=bool(dispute_saved)
        )
        return request.render("account_debt_followup.portal_my_debt", values)

    @route("/my/debt/dispute", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_debt_dispute(self, invoice_id=None, reason=None, description=None, **kwargs):
        partner = self._debt_portal_partner()
        try:
            invoice_id = int(invoice_id or 0)
        except ValueError:
            raise NotFound() from None
        # sudo: the invoice is used only once proven to be the user's (see the class docstring);
        # whether it exists or belongs to someone else is not disclosed
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
            lambda line: line.account_type == "asset_receivable" and not line.reconciled and line.balance > 0
        )
        reasons = dict(request.env["debt.dispute"]._fields["reason"]._description_selection(request.env))
        error = None
        if not lines:
            error = request.env._("Invoice %(invoice)s is already paid: thank you!", invoice=invoice.name)
        elif lines.debt_dispute_ids.filtered(lambda dispute: dispute.state in ("to_review", "open")):
            error = request.env._(
                "Invoice %(invoice)s is already disputed: we are on it.", invoice=invoice.name
            )
        elif lines.debt_dispute_ids.filtered(
            lambda dispute: dispute.state == "cancelled" or dispute.resolution == "release"
        ):
            # a case closed without a credit note is not reopened by the customer alone
            error = request.env._(
                "A dispute of invoice %(invoice)s was already closed: please contact us.",
                invoice=invoice.name,
            )
        elif reason not in reasons or not (description or "").strip():
            error = request.env._("Please say what is wrong with invoice %(invoice)s.", invoice=invoice.name)
        if error:
            values = self._prepare_debt_portal_values(dispute_error=error)
            return request.render("account_debt_followup.portal_my_debt", values)
        company = invoice.company_id.root_id
        owner = partner._debt_followup_assignee(company)
        if not owner:
            # sudo: a credit controller of the company, for a customer without a responsible
            owner = (
                request.env["res.users"]
                .sudo()
                .search(
                    [
                        ("groups_id", "in", request.env.ref("account_debt_followup.group_credit_user").ids),
                        ("company_ids", "in", company.ids),
                        ("share", "=", False),
                    ],
                    limit=1,
                )
            )
        if not owner:
            values = self._prepare_debt_portal_values(
                dispute_error=request.env._(
                    "Nobody can handle a dispute of invoice %(invoice)s online yet: please contact us.",
                    invoice=invoice.name,
                )
            )
            return request.render("account_debt_followup.portal_my_debt", values)
        contact = request.env.user.partner_id
        # sudo: portal users have no access rights on disputes; the items were proven the user's.
        # The customer is not made a follower: the chatter holds credit control's internal notes.
        dispute = (
            request.env["debt.dispute"]
            .sudo()
            .with_company(company)
            .with_context(mail_create_nosubscribe=True)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "line_ids": [Command.set(lines.ids)],
                    "reason": reason,
                    "description": description.strip(),
                    "user_id": owner.id,
                    "date_deadline": self._debt_portal_today() + timedelta(days=PORTAL_DISPUTE_DAYS),
                    "source": "portal",
                    # nothing is flagged until credit control accepts the case
                    "state": "to_review",
                }
            )
        )
        dispute.message_post(
            body=request.env._(
                "%(contact)s disputes invoice %(invoice)s on the customer portal.",
                contact=contact.name,
                invoice=invoice.name,
            ),
            author_id=contact.id,
            subtype_xmlid="mail.mt_note",
            partner_ids=owner.partner_id.ids,
        )
        return request.redirect("/my/debt?dispute_saved=1")
