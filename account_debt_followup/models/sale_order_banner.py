# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""sale.order, the credit banner's content: blocking issues apart from warnings, and, for a
prepayment rule, the amount to collect and how (a link to pay online, a VietQR code).

The check itself is in sale_order_check.py, the figures in sale_order.py.
"""

from markupsafe import Markup
from werkzeug import urls

from odoo import fields, models
from odoo.tools import format_amount

from .sale_order import CREDIT_FIGURE_GROUPS


class SaleOrder(models.Model):
    _inherit = "sale.order"

    debt_credit_blocking = fields.Text(
        string="Blocking Credit Issues",
        compute="_compute_debt_credit",
        groups=CREDIT_FIGURE_GROUPS,
        help="What stops the confirmation until a credit manager approves it or the prepayment is paid.",
    )
    debt_credit_warnings = fields.Text(
        string="Credit Warnings",
        compute="_compute_debt_credit",
        groups=CREDIT_FIGURE_GROUPS,
        help="What is logged when the order is confirmed, without stopping it.",
    )
    debt_prepayment_due = fields.Monetary(
        string="Prepayment to Collect",
        compute="_compute_debt_credit",
        groups=CREDIT_FIGURE_GROUPS,
        help="What the customer still has to pay before the order can be confirmed, in the order's currency.",
    )
    debt_prepayment_means = fields.Html(
        string="How to Collect the Prepayment",
        compute="_compute_debt_credit",
        sanitize=False,  # built here from escaped values (Markup), never from user input
        groups=CREDIT_FIGURE_GROUPS,
    )

    def _debt_credit_banner_values(self, result):
        """The banner fields of this order for the evaluation ``result`` (``None`` when not
        checked), computed by ``_compute_debt_credit`` from its one evaluation. The prepayment
        the customer made is read once (``result["paid"]``, see ``_debt_prepaid_for``).

        A prepayment rule whose share is paid only warns, even when another rule asks for a
        larger share still due (that one blocks, with what is due)."""
        self.ensure_one()
        values = {
            "debt_credit_blocking": False,
            "debt_credit_warnings": False,
            "debt_prepayment_due": 0.0,
            "debt_prepayment_means": False,
        }
        if not result or not result["issues"]:
            return values
        blocking = self._debt_blocking_issues(result)
        paid = self._debt_prepaid_for(result)
        shares = self._debt_prepayment_required(result)
        required = max(shares.values(), default=0.0)
        due = max(self.currency_id.round(required - paid), 0.0) if required else 0.0
        met = {rule for rule, share in shares.items() if self.currency_id.compare_amounts(paid, share) >= 0}
        warnings = [
            message
            for rule, message in result["issues"]
            if rule.action == "warn" or (rule.action == "prepay" and rule in met)
        ]
        values.update(
            debt_credit_blocking="\n".join(blocking) or False,
            debt_credit_warnings="\n".join(warnings) or False,
            debt_prepayment_due=due,
            debt_prepayment_means=self._debt_prepayment_means_html(due) if due else False,
        )
        return values

    def _debt_prepayment_required(self, result):
        """``{prepayment rule: share of the order it requires}`` (order's currency)."""
        return {
            rule: self.amount_total * rule.prepayment_percent / 100.0
            for rule, _message in result["issues"]
            if rule.action == "prepay"
        }

    def _debt_prepayment_link(self, amount):
        """A link for the customer to pay ``amount`` of this order online (Odoo's payment link
        of the order: the payment counts as the order's prepayment), or ``False`` without a
        payment provider the customer can use."""
        self.ensure_one()
        # sudo: the providers are the company's configuration, read for a salesperson
        providers = (
            self.env["payment.provider"]
            .sudo()
            ._get_compatible_providers(
                self.company_id.id, self.partner_invoice_id.id, amount, currency_id=self.currency_id.id
            )
            .filtered("is_published")
        )
        if not providers:
            return False
        # the link of Odoo's "Generate a Payment Link" of an order (sale's payment.link.wizard),
        # made here without the wizard, whose token needs an HTTP request
        amount = self.currency_id.round(amount)
        params = {
            "amount": amount,
            "access_token": self.env["res.partner"]._debt_payment_access_token(
                self.partner_invoice_id.id, amount, self.currency_id.id
            ),
            "sale_order_id": self.id,
        }
        return f"{self.get_base_url()}/payment/pay?{urls.url_encode(params)}"

    def _debt_prepayment_means_html(self, amount):
        """How to collect ``amount``: the link to pay online and the VietQR code of the company's
        account with the order's number as reference (``res.partner._debt_vietqr_bank``)."""
        self.ensure_one()
        company = self.company_id.root_id
        parts = [
            Markup("<p class='mb-1'><strong>%s</strong></p>")
            % self.env._(
                "Collect %(amount)s before confirming this order.",
                amount=format_amount(self.env, amount, self.currency_id),
            )
        ]
        link = self.id and self._debt_prepayment_link(amount)
        if link:
            parts.append(
                Markup("<p class='mb-1'>%s <a class='o_debt_prepayment_link' href='%s'>%s</a></p>")
                % (self.env._("Send the customer this link to pay online:"), link, link)
            )
        bank, vals = self.env["res.partner.bank"], None
        if self.currency_id == company.currency_id:
            bank, vals = self.partner_id._debt_vietqr_bank(company, amount, self.name)
        if vals:
            parts.append(
                Markup(
                    "<p class='mb-1'>%s</p><img class='o_debt_vietqr' src='%s' alt='VietQR' "
                    "style='width: 140px; height: 140px;'/>"
                )
                % (
                    self.env._(
                        "Or a bank transfer to %(account)s with the reference %(reference)s: the "
                        "customer scans this VietQR code.",
                        account=bank.acc_number,
                        reference=self.name,
                    ),
                    bank._get_qr_code_base64(**vals),
                )
            )
        elif not link:
            parts.append(
                Markup("<p class='mb-1'>%s</p>")
                % self.env._("By bank transfer, or a payment recorded for this order (a deposit).")
            )
        return Markup().join(parts)
