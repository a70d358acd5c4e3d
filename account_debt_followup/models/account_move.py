# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from markupsafe import Markup

from odoo import models
from odoo.exceptions import UserError

INVOICE_STAGE = "check_invoice_posting"


class AccountMove(models.Model):
    """A sale entered directly as a customer invoice ("a new sale entered") is checked against
    the credit rules that apply at invoice posting, as an order is at its confirmation. What a
    confirmed sales order brought to the invoice was checked with the order and is not checked
    again."""

    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft)
        posted._debt_credit_check_invoices()
        return posted

    def _debt_new_sale_amount(self):
        """The part of this customer invoice no confirmed sales order brought, in company
        currency, taxes included: its product lines not invoicing a confirmed order's line."""
        self.ensure_one()
        # sudo: a billing clerk posts invoices of orders they may not read
        lines = self.sudo().invoice_line_ids.filtered(
            lambda line: (
                line.display_type == "product"
                and not any(sale_line.order_id.state == "sale" for sale_line in line.sale_line_ids)
            )
        )
        amount = sum(lines.mapped("price_total"))
        if not self.amount_total:
            return 0.0
        # at the invoice's own rate, as the exposure counts it
        return self.company_id.currency_id.round(amount * abs(self.amount_total_signed) / self.amount_total)

    def _debt_credit_check_invoices(self):
        """Check the posted customer invoices of ``self`` against the rules that apply at
        invoice posting: refuse the posting when a rule blocks, unless a credit manager posts
        (the invoice's chatter then keeps the rules overridden); log the warnings."""
        invoices = self.filtered(lambda move: move.move_type == "out_invoice" and move.partner_id)
        if not invoices:
            return
        Rule = self.env["debt.credit.rule"]
        rules = Rule._get_rules(invoices.company_id, INVOICE_STAGE)
        if not rules:
            return
        user = self.env.user
        overrides = user.has_group("account_debt_followup.group_credit_manager") and not user._is_superuser()
        blocked = []
        # a branch follows the rules of its main company, on the ledger's scope
        for company, company_invoices in invoices.grouped(lambda move: move.company_id.root_id).items():
            company_rules = rules.filtered(lambda r, c=company: r.company_id == c)
            if not company_rules:
                continue
            documents = []
            for invoice in company_invoices:
                amount = invoice._debt_new_sale_amount()
                if company.currency_id.compare_amounts(amount, 0.0) > 0:
                    documents.append(
                        {
                            "key": invoice,
                            "partner_id": invoice.commercial_partner_id.id,
                            "amount": amount,
                            "counted": True,  # posted: in the open receivable already
                        }
                    )
            if not documents:
                continue
            evaluation = Rule._evaluate_documents(company, company_rules, documents)
            if any(rule.rule_type == "credit_limit" for rule in company_rules):
                self.env["debt.credit.guard"]._touch(
                    {(document["partner_id"], company.id) for document in documents}
                )
            for invoice, result in evaluation.items():
                if not result["issues"]:
                    continue
                blocking = [message for rule, message in result["issues"] if rule.action == "block"]
                if blocking and not overrides:
                    blocked.append((invoice, blocking, result["figures"]))
                    continue
                intro = (
                    self.env._("Posted by a credit manager despite these credit rules:")
                    if blocking
                    else self.env._("Posted despite these credit warnings:")
                )
                items = Markup().join(Markup("<li>%s</li>") % message for _rule, message in result["issues"])
                # sudo: the decision is kept on the invoice, whoever posts it
                invoice.sudo().message_post(
                    body=Markup("<p>%s</p><ul>%s</ul>") % (intro, items), subtype_xmlid="mail.mt_note"
                )
        if blocked:
            raise UserError(self._debt_block_message(blocked))

    def _debt_block_message(self, blocked):
        parts = []
        for invoice, messages, figures in blocked:
            parts.append(
                self.env._(
                    "%(invoice)s for %(customer)s cannot be posted:",
                    invoice=invoice.name,
                    customer=invoice.commercial_partner_id.display_name,
                )
            )
            parts += ["- " + message for message in messages]
            parts.append(self.env["debt.credit.rule"]._describe_figures(figures, invoice.company_id.root_id))
        parts.append(
            self.env._(
                "A credit manager can post it; or sell through a sales order, which a credit manager "
                "can approve."
            )
        )
        return "\n".join(parts)
