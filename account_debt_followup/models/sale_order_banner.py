# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""sale.order, the credit banner's content: blocking issues apart from warnings, and, for a
prepayment rule, the amount to collect and how (a link to pay online, a VietQR code).

The check itself is in sale_order_check.py, the figures in sale_order.py.
"""

from markupsafe import Markup
from werkzeug import urls

from odoo import api, fields, models
from odoo.tools import format_amount

from .sale_order import CREDIT_FIGURE_GROUPS


class SaleOrder(models.Model):
    _inherit = "sale.order"

    debt_credit_blocking = fields.Text(
        string="Blocking Credit Issues",
        compute="_compute_debt_credit_banner",
        groups=CREDIT_FIGURE_GROUPS,
        help="What stops the confirmation until a credit manager approves it or the prepayment is paid.",
    )
    debt_credit_warnings = fields.Text(
        string="Credit Warnings",
        compute="_compute_debt_credit_banner",
        groups=CREDIT_FIGURE_GROUPS,
        help="What is logged when the order is confirmed, without stopping it.",
    )
    debt_prepayment_due = fields.Monetary(
        string="Prepayment to Collect",
        compute="_compute_debt_credit_banner",
        groups=CREDIT_FIGURE_GROUPS,
        help="What the customer still has to pay before the order can be confirmed, in the order's currency.",
    )
    debt_prepayment_means = fields.Html(
        string="How to Collect the Prepayment",
        compute="_compute_debt_credit_banner",
        sanitize=False,  # built here from escaped values (Markup), never from user input
        groups=CREDIT_FIGURE_GROUPS,
    )

    @api.depends("debt_credit_state", "debt_credit_issues")
    @api.depends_context("company")
    def _compute_debt_credit_banner(self):
        evaluation = self.filtered(lambda o: o.state in ("draft", "sent"))._debt_credit_evaluate()
        for order in self:
            result = evaluation.get(order)
            values = {
                "debt_credit_blocking": False,
                "debt_credit_warnings": False,
                "debt_prepayment_due": 0.0,
                "debt_prepayment_means": False,
            }
            if result and result["issues"]:
                blocking, due = order._debt_blocking_split(result)
                warnings = [
                    message
                    for rule, message in result["issues"]
                    if rule.action == "warn" or (rule.action == "prepay" and not due)
                ]
                values.update(
                    debt_credit_blocking="\n".join(blocking) or False,
                    debt_credit_warnings="\n".join(warnings) or False,
                    debt_prepayment_due=due,
                    debt_prepayment_means=order._debt_prepayment_means_html(due) if due else False,
                )
            order.update(values)

    def _debt_blocking_split(self, result):
        """``(blocking messages, prepayment still due)`` of the evaluation ``result``: the
        messages are ``_debt_blocking_issues``'; the prepayment due is the largest part a
        prepayment rule requires, less what is paid, in the order's currency."""
        self.ensure_one()
        blocking = self._debt_blocking_issues(result)
        required = max(
            (
                self.amount_total * rule.prepayment_percent / 100.0
                for rule, _message in result["issues"]
                if rule.action == "prepay"
            ),
            default=0.0,
        )
        due = 0.0
        if required:
            due = max(self.currency_id.round(required - self._debt_prepaid_amount()), 0.0)
        return blocking, due

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
