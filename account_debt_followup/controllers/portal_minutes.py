# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import math
import re

from werkzeug.exceptions import NotFound

from odoo import fields
from odoo.http import content_disposition, request, route
from odoo.tools import float_compare

from .portal import DebtCustomerPortal

CONFIRMATION_STATES = ("sent", "confirmed", "disputed")
NETTING_STATES = ("posted",)


class DebtMinutesPortal(DebtCustomerPortal):
    """The minutes a customer is asked to sign, on its portal: its debt confirmations (download,
    and answer: confirmed, or disputed with its own balance) and its netting minutes (download).

    As for the statement, a minute id in a URL is used only once proven to be one sent to the
    logged-in user's commercial partner in one of the user's companies (else 404); portal users
    have no access rights on minutes, hence the sudo() calls after that proof.
    """

    # ------------------------------------------------------------------ helpers
    def _debt_portal_minute(self, model, record_id, states):
        partner = self._debt_portal_partner()
        # sudo: see the class docstring; the record is returned only once proven to be the user's
        record = request.env[model].sudo().browse(record_id).exists()
        if (
            not record
            or record.partner_id != partner
            or record.company_id not in request.env.user.company_ids
            or record.state not in states
        ):
            raise NotFound()
        return record

    def _debt_portal_minutes(self, partner):
        """The user's minutes to show: confirmations sent and nettings posted, newest first."""
        domain = [("partner_id", "=", partner.id), ("company_id", "in", request.env.user.company_ids.ids)]
        # sudo: see the class docstring; the domain keeps the user's commercial partner's minutes
        confirmations = (
            request.env["debt.confirmation"]
            .sudo()
            .search(domain + [("state", "in", CONFIRMATION_STATES)], limit=self._debt_promise_limit)
        )
        nettings = (
            request.env["debt.netting"]
            .sudo()
            .search(domain + [("state", "in", NETTING_STATES)], limit=self._debt_promise_limit)
        )
        return confirmations, nettings

    def _prepare_debt_portal_values(self, *args, **kwargs):
        values = super()._prepare_debt_portal_values(*args, **kwargs)
        confirmations, nettings = self._debt_portal_minutes(values["partner"])
        values.update(debt_confirmations=confirmations, debt_nettings=nettings)
        return values

    def _debt_portal_pdf(self, report_xmlid, record, name):
        # rendered as the user: the report checks again that the minute is the user's own
        content, _type = request.env["ir.actions.report"]._render_qweb_pdf(report_xmlid, record.ids)
        filename = "{}.pdf".format(re.sub(r"[^\w-]+", "_", name).strip("_"))
        headers = [
            ("Content-Type", "application/pdf"),
            ("Content-Length", len(content)),
            ("Content-Disposition", content_disposition(filename)),
        ]
        return request.make_response(content, headers=headers)

    # ------------------------------------------------------------------ routes
    @route(
        "/my/debt/confirmation/<int:confirmation_id>", type="http", auth="user", website=True, methods=["GET"]
    )
    def portal_my_debt_confirmation(self, confirmation_id, answered=None, **kwargs):
        confirmation = self._debt_portal_minute("debt.confirmation", confirmation_id, CONFIRMATION_STATES)
        return request.render(
            "account_debt_followup.portal_my_debt_confirmation",
            self._debt_confirmation_values(confirmation, answered=bool(answered)),
        )

    def _debt_confirmation_values(self, confirmation, error=None, answered=False, form=None):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "debt_confirmation",
                "confirmation": confirmation,
                "error": error,
                "answered": answered,
                "form": form or {},
            }
        )
        return values

    @route(
        "/my/debt/confirmation/<int:confirmation_id>/pdf",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_my_debt_confirmation_pdf(self, confirmation_id, **kwargs):
        confirmation = self._debt_portal_minute("debt.confirmation", confirmation_id, CONFIRMATION_STATES)
        return self._debt_portal_pdf(
            "account_debt_followup.action_report_debt_confirmation",
            confirmation.sudo(False),
            request.env._("Debt Confirmation %(name)s", name=confirmation.name),
        )

    @route(
        "/my/debt/confirmation/<int:confirmation_id>/answer",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_my_debt_confirmation_answer(
        self, confirmation_id, result=None, customer_balance=None, note=None, **kwargs
    ):
        confirmation = self._debt_portal_minute("debt.confirmation", confirmation_id, CONFIRMATION_STATES)
        form = {"result": result, "customer_balance": customer_balance, "note": note}
        balance, error = self._debt_portal_check_answer(confirmation, result, customer_balance, note)
        if error:
            values = self._debt_confirmation_values(confirmation, error=error, form=form)
            return request.render("account_debt_followup.portal_my_debt_confirmation", values)
        confirmation._record_response(
            result,
            fields.Date.context_today(request.env.user),
            contact=request.env.user.partner_id,
            customer_balance=balance,
            note=(note or "").strip() or None,
        )
        confirmation.message_post(
            body=request.env._(
                "%(contact)s answered on the customer portal: %(answer)s.",
                contact=request.env.user.partner_id.name,
                answer=dict(confirmation._fields["state"]._description_selection(request.env))[result],
            ),
            subtype_xmlid="mail.mt_note",
        )
        return request.redirect(f"/my/debt/confirmation/{confirmation.id}?answered=1")

    def _debt_portal_check_answer(self, confirmation, result, customer_balance, note):
        """``(balance, None)`` when the answer can be recorded (``balance``: the one the customer
        states, ``None`` when it confirms ours), else ``(None, error message)``."""
        if confirmation.state != "sent":
            return None, request.env._("This minute was answered already: thank you!")
        if result == "confirmed":
            return None, None
        if result != "disputed":
            return None, request.env._("Please confirm the balance, or state yours.")
        try:
            balance = float(customer_balance)  # an <input type="number">: digits and a dot
            if not math.isfinite(balance):
                raise ValueError(customer_balance)
        except (TypeError, ValueError):
            return None, request.env._("Please enter the balance your books show, as a number.")
        currency = confirmation.currency_id
        if (
            not float_compare(balance, confirmation.closing_balance, precision_rounding=currency.rounding)
            and not (note or "").strip()
        ):
            return None, request.env._("Your balance is ours: confirm it, or tell us what you disagree with.")
        return currency.round(balance), None

    @route("/my/debt/netting/<int:netting_id>/pdf", type="http", auth="user", website=True, methods=["GET"])
    def portal_my_debt_netting_pdf(self, netting_id, **kwargs):
        netting = self._debt_portal_minute("debt.netting", netting_id, NETTING_STATES)
        return self._debt_portal_pdf(
            "account_debt_followup.action_report_netting",
            netting.sudo(False),
            request.env._("Netting Minute %(name)s", name=netting.name),
        )
