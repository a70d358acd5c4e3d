# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError

INVOICE_STAGE = "check_invoice_posting"
# the documents of a sale on credit the invoice gate checks: customer invoices and sales receipts
DEBT_SALE_TYPES = ("out_invoice", "out_receipt")


class AccountMove(models.Model):
    """A sale entered directly as a customer invoice ("a new sale entered") is checked against
    the credit rules that apply at invoice posting, as an order is at its confirmation. What a
    confirmed sales order brought to the invoice was checked with the order and is not checked
    again."""

    _inherit = "account.move"

    debt_dispute_ids = fields.Many2many(
        "debt.dispute",
        string="Open Disputes",
        compute="_compute_debt_dispute_ids",
        groups="account_debt_followup.group_credit_user,account.group_account_invoice",
        help="The open dispute cases on this invoice: it is not reminded while they are open.",
    )

    def _compute_debt_dispute_ids(self):
        for move in self:
            move.debt_dispute_ids = move.line_ids.debt_dispute_ids.filtered(lambda d: d.state == "open")

    def _post(self, soft=True):
        posted = super()._post(soft)
        posted._debt_credit_check_invoices()
        # a credit note or write-off of a dispute case resolves it
        # sudo: the case may be owned by credit control while an accountant posts the entry
        disputes = (
            self.env["debt.dispute"]
            .sudo()
            .search([("state", "=", "open"), ("resolution_move_ids", "in", posted.ids)])
        )
        disputes._resolve_by_moves(posted)
        return posted

    def action_debt_open_dispute(self):
        """Dispute this invoice's open receivable items (a new case)."""
        return self.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        ).action_debt_open_dispute()

    def _debt_new_sale_amount(self):
        """The part of this customer invoice no confirmed sales order brought, in company
        currency, taxes included.

        A product line is covered by the order lines it invoices only when they are confirmed,
        of this invoice's customer, and up to what they still have to invoice (their amount with
        taxes for the larger of the quantities ordered and delivered, less what other posted
        invoices took of them): anything above, or a line linked to another customer's order,
        is a new sale."""
        self.ensure_one()
        if not self.amount_total:
            return 0.0
        # sudo: a billing clerk posts invoices of orders they may not read
        invoice = self.sudo()
        currency, company = invoice.currency_id, invoice.company_id
        date = invoice.invoice_date or fields.Date.context_today(self)
        remaining = {}  # {sale line: what it may still bring to an invoice, in invoice currency}
        amount = 0.0
        for line in invoice.invoice_line_ids.filtered(lambda aml: aml.display_type == "product"):
            sale_lines = line.sale_line_ids.filtered(
                lambda sl, inv=invoice: (
                    sl.order_id.state == "sale"
                    and sl.order_id.partner_id.commercial_partner_id == inv.commercial_partner_id
                    and sl.company_id.root_id == inv.company_id.root_id
                )
            )
            if currency.compare_amounts(line.price_total, 0.0) <= 0:
                # a deduction (a down payment taken back) lowers the new sale unless an order brought it
                amount += 0.0 if sale_lines else line.price_total
                continue
            covered = 0.0
            for sale_line in sale_lines:
                if sale_line not in remaining:
                    remaining[sale_line] = invoice._debt_left_to_invoice(sale_line, date)
                part = min(remaining[sale_line], line.price_total - covered)
                if part > 0:
                    covered += part
                    remaining[sale_line] -= part
            amount += line.price_total - covered
        # at the invoice's own rate, as the exposure counts it
        return company.currency_id.round(amount * abs(invoice.amount_total_signed) / invoice.amount_total)

    def _debt_left_to_invoice(self, sale_line, date):
        """What ``sale_line`` may still bring to this invoice, taxes included, in the invoice's
        currency: its amount for max(ordered, delivered) (a down payment: its order's total),
        less what the other posted customer invoices and credit notes took of it."""
        self.ensure_one()
        order = sale_line.order_id
        if sale_line.is_downpayment:
            total = order.amount_total
        else:
            total = sale_line.price_reduce_taxinc * max(sale_line.product_uom_qty, sale_line.qty_delivered)
        total = order.currency_id._convert(total, self.currency_id, self.company_id, date)
        invoiced = 0.0
        for aml in sale_line.invoice_lines:
            move = aml.move_id
            if (
                move == self
                or move.state != "posted"
                or move.move_type not in DEBT_SALE_TYPES + ("out_refund",)
            ):
                continue
            sign = -1 if move.move_type == "out_refund" else 1
            invoiced += sign * move.currency_id._convert(
                aml.price_total, self.currency_id, self.company_id, date
            )
        return max(total - invoiced, 0.0)

    def _debt_credit_check_invoices(self):
        """Check the posted customer invoices of ``self`` against the rules that apply at
        invoice posting: refuse the posting when a rule blocks, unless a credit manager posts
        (the invoice's chatter then keeps the rules overridden); log the warnings."""
        invoices = self.filtered(lambda move: move.move_type in DEBT_SALE_TYPES and move.partner_id)
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
