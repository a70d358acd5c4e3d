# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The link a reminder (email, SMS, letter, statement) gives to pay online.

It never carries an amount: ``/debt/pay/<partner>/<company>/<issued>/<token>``, the token an
HMAC of the database secret over the customer, the company and the date the link was issued
(``res.partner._debt_pay_link_token``), valid ``PAY_LINK_VALIDITY_DAYS`` days. When followed,
the customer's overdue amount in that company is read from the ledger at that moment: nothing
overdue, a page saying so; else a redirect to Odoo's payment page with that amount and a fresh
payment access token. A link thus never pays more than what is overdue when it is followed, and
a payment made through it (or any other) makes it ask for nothing more; a payment made online and
still being processed (not posted yet) is not asked for again.

A link with a wrong token (another customer, company or date) is answered 404; an expired one,
a page saying the link has expired (status 410) and to use the latest reminder or the portal.
"""

import datetime

from werkzeug import urls
from werkzeug.exceptions import NotFound

from odoo import fields
from odoo.http import Controller, request, route
from odoo.tools import consteq, format_amount

from odoo.addons.payment import utils as payment_utils

from ..models.res_partner_payment_means import PAY_LINK_VALIDITY_DAYS


class DebtPayLink(Controller):
    @route(
        "/debt/pay/<int:partner_id>/<int:company_id>/<string:issued>/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
    )
    def debt_pay(self, partner_id, company_id, issued, token, **kwargs):
        try:
            issued_date = datetime.date.fromisoformat(issued)
        except ValueError as error:
            raise NotFound() from error
        # sudo: a public visitor; nothing is read before the token is proven right below, and
        # then only the customer's own overdue amount and the company's payment configuration
        env = request.env(su=True)
        partner = env["res.partner"].browse(partner_id).exists()
        company = env["res.company"].browse(company_id).exists()
        if (
            not partner
            or partner != partner.commercial_partner_id  # links are made for the customer itself
            or not company
            or issued_date.isoformat() != issued
        ):
            raise NotFound()
        expected = partner._debt_pay_link_token(company, issued_date)
        if not consteq(expected, token):
            raise NotFound()
        today = fields.Date.context_today(partner)
        if not request.session.uid:  # the customer's link: its pages in the customer's language
            request.update_context(lang=partner._debt_followup_lang_env().lang)
        lang_env = request.env
        # a day of grace ahead: the link is dated in the sender's time zone (Vietnam is UTC+7),
        # a visitor's day may still be the day before
        if (issued_date - today).days > 1 or (today - issued_date).days > PAY_LINK_VALIDITY_DAYS:
            return request.render(
                "account_debt_followup.debt_pay_link_page",
                {
                    "company": company,
                    "message": lang_env._(
                        "This payment link has expired. Please use the link of your latest "
                        "reminder, or contact %(company)s.",
                        company=company.name,
                    ),
                },
                status=410,
            )
        currency = company.currency_id
        overdue = partner._get_debt_figures(company).get(partner.id, {}).get("overdue", 0.0)
        # paid online a moment ago, not in the books yet: asked again, it would be paid twice
        in_flight = partner._debt_pay_in_flight(company)
        amount = overdue - in_flight
        if currency.compare_amounts(amount, 0.0) <= 0 < currency.compare_amounts(overdue, 0.0):
            return request.render(
                "account_debt_followup.debt_pay_link_page",
                {
                    "company": company,
                    "message": lang_env._(
                        "Your payment of %(amount)s is being processed by %(company)s: there is "
                        "nothing more to pay for now.",
                        amount=format_amount(lang_env, in_flight, currency),
                        company=company.name,
                    ),
                },
            )
        if currency.compare_amounts(amount, 0.0) <= 0:
            return request.render(
                "account_debt_followup.debt_pay_link_page",
                {
                    "company": company,
                    "message": lang_env._(
                        "Nothing is overdue on your account with %(company)s: there is nothing to pay.",
                        company=company.name,
                    ),
                },
            )
        payer = partner
        user_partner = request.env.user.partner_id
        if request.session.uid and user_partner.commercial_partner_id == partner:
            payer = user_partner  # the customer's own contact, logged in: the page is theirs
        amount = currency.round(amount)
        params = {
            "reference": partner._debt_payment_reference() or None,
            "amount": amount,
            "currency_id": currency.id,
            "partner_id": payer.id,
            "company_id": company.id,
            "access_token": payment_utils.generate_access_token(payer.id, amount, currency.id),
        }
        return request.redirect(f"/payment/pay?{urls.url_encode(params)}", local=True)
