# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_amount, format_date

NO_DEBT = {"open": 0.0, "disputed": 0.0, "draft": 0.0, "to_invoice": 0.0, "overdue": 0.0, "max_days": 0}


class DebtCreditRule(models.Model):
    """A condition checked when a sales order is confirmed, and what to do when it is met."""

    _name = "debt.credit.rule"
    _description = "Credit Control Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company.root_id,
        domain="[('parent_id', '=', False)]",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    rule_type = fields.Selection(
        [
            ("credit_limit", "Exposure after the order over the credit limit"),
            ("overdue_amount", "Overdue amount above a threshold"),
            ("overdue_days", "An invoice overdue for more than some days"),
            ("bad_debtor", "Customer rated bad debtor"),
            ("followup_level", "Follow-up level reached"),
        ],
        string="Condition",
        required=True,
        default="credit_limit",
    )
    threshold_amount = fields.Monetary(
        string="Overdue Amount Above",
        help="The rule applies when the customer's overdue amount is above this amount.",
    )
    threshold_days = fields.Integer(
        string="Days Overdue Above",
        help="The rule applies when an unpaid invoice is overdue for more than this number of days.",
    )
    followup_level_id = fields.Many2one(
        "debt.followup.level",
        string="Follow-up Level At Least",
        check_company=True,
        help="The rule applies when the customer's overdue items reached this follow-up level "
        "or a later one.",
    )
    action = fields.Selection(
        [
            ("warn", "Warn"),
            ("block", "Block"),
            ("prepay", "Require prepayment"),
        ],
        required=True,
        default="block",
        help="Warn: the order is confirmed and the warning is logged on it.\n"
        "Block: the order cannot be confirmed until a credit manager approves it.\n"
        "Require prepayment: the order can be confirmed once the prepayment is paid, online or "
        "by a payment recorded for the order (a deposit, a paid down payment invoice).",
    )
    prepayment_percent = fields.Float(
        string="Prepayment (%)",
        default=100.0,
        help="Share of the order total to be paid before it can be confirmed.",
    )
    # Where the rule applies. Each is a boolean field named in ``STAGES``; the Inventory glue
    # module adds the delivery validation.
    check_order_confirmation = fields.Boolean(
        string="At Order Confirmation",
        default=True,
        help="Checked when a sales order is confirmed, and again when a confirmed order grows.",
    )
    check_invoice_posting = fields.Boolean(
        string="At Invoice Posting",
        help="Checked when a customer invoice is posted for a sale not coming from a confirmed "
        "sales order: a sale entered directly in Invoicing, or invoice lines added to an order's "
        "invoice.",
    )

    @api.constrains(
        "rule_type", "threshold_amount", "threshold_days", "prepayment_percent", "action", "followup_level_id"
    )
    def _check_thresholds(self):
        for rule in self:
            if rule.rule_type == "followup_level" and not rule.followup_level_id:
                raise ValidationError(
                    self.env._("Choose the follow-up level of the credit rule %(rule)s.", rule=rule.name)
                )
            if rule.threshold_amount < 0 or rule.threshold_days < 0:
                raise ValidationError(
                    self.env._(
                        "The thresholds of the credit rule %(rule)s cannot be negative.", rule=rule.name
                    )
                )
            if rule.action == "prepay" and not 0 < rule.prepayment_percent <= 100:
                raise ValidationError(
                    self.env._(
                        "The prepayment of the credit rule %(rule)s must be more than 0%% and at most 100%%.",
                        rule=rule.name,
                    )
                )

    @api.constrains("action", "check_invoice_posting")
    def _check_stages(self):
        for rule in self:
            if rule.action == "prepay" and rule.check_invoice_posting:
                raise ValidationError(
                    self.env._(
                        "The credit rule %(rule)s requires a prepayment: it applies to sales orders, "
                        "not to invoices posted directly.",
                        rule=rule.name,
                    )
                )

    @api.model
    def _get_rules(self, companies, stage):
        """The active rules of ``companies`` that apply at ``stage`` (the name of one of the
        ``check_*`` fields), in one query. A branch follows the rules of its main company, on
        the same scope as the ledger: group the documents by ``company_id.root_id``."""
        # sudo: a salesperson or billing clerk is checked against rules they cannot read
        return self.sudo().search_fetch(
            [("company_id", "in", companies.root_id.ids), (stage, "=", True)],
            [
                "name",
                "company_id",
                "rule_type",
                "threshold_amount",
                "threshold_days",
                "action",
                "prepayment_percent",
            ],
        )

    @api.model
    def _evaluate_documents(self, company, rules, documents, exclude_order_ids=()):
        """The figures of the customers of ``documents`` in ``company`` and the ``rules`` they
        meet, with a constant number of queries: one debt query, the customers' limits and
        ratings (and their follow-up levels when a rule needs them).

        :param documents: list of dicts: ``key`` (returned as the key of the result),
            ``partner_id`` (a commercial partner), ``amount`` (what the document adds, in company
            currency) and ``counted`` (whether the debt query counts it already: a confirmed
            order that grew, a posted invoice)
        :param exclude_order_ids: sales orders left out of the debt query (being confirmed)
        :return: ``{key: {"figures": dict, "issues": [(rule, message)]}}``
        """
        today = fields.Date.context_today(self)
        # sudo: credit limit, rating and debt figures are accounting data; the check and the
        # order's banner need them whoever confirms (salesperson, portal customer, automation)
        partners = (
            self.env["res.partner"]
            .browse(list(dict.fromkeys(document["partner_id"] for document in documents)))
            .sudo()
            .with_company(company)
        )
        debt = partners._get_debt_figures(company, exclude_order_ids=exclude_order_ids)
        standing = {p.id: (p.credit_limit, p.trust, p.debt_credit_limit_until) for p in partners}
        followup = {}
        level_of = {}
        if any(rule.rule_type == "followup_level" for rule in rules):
            followup = partners._get_followup_data(company)
            levels = (
                self.env["debt.followup.level"]
                .sudo()
                .browse({data["level_id"] for data in followup.values() if data["level_id"]})
            )
            level_of = {level.id: level for level in levels}
        # per customer: what the documents already counted in the debt query add, and the running
        # total of the documents of this batch, so that a batch is checked as a whole
        counted = defaultdict(float)
        for document in documents:
            if document["counted"]:
                counted[document["partner_id"]] += document["amount"]
        running = defaultdict(float)
        result = {}
        for document in documents:
            partner_id = document["partner_id"]
            base = debt.get(partner_id, NO_DEBT)
            running[partner_id] += document["amount"]
            exposure_after = base["open"] + base["draft"] + base["to_invoice"] - counted[partner_id]
            if not company.root_id.debt_dispute_in_credit_rules:
                exposure_after -= base["disputed"]  # disputed items left out of the limit, per setting
            exposure_after += running[partner_id]
            credit_limit, trust, limit_until = standing[partner_id]
            reached = level_of.get((followup.get(partner_id) or {}).get("level_id"))
            figures = {
                "followup_delay": reached.delay if reached else None,
                "followup_level": reached.name if reached else "",
                "credit_limit": credit_limit,
                "limit_until": limit_until,
                "limit_lapsed": bool(limit_until and limit_until < today),
                "trust": trust,
                "exposure": exposure_after - document["amount"],
                "order_amount": document["amount"],
                "exposure_after": exposure_after,
                "overdue": max(base["overdue"], 0.0),
                "max_days": base["max_days"],
            }
            result[document["key"]] = {
                "figures": figures,
                "issues": [(rule, rule._describe(figures)) for rule in rules if rule._is_met(figures)],
            }
        return result

    @api.model
    def _describe_figures(self, figures, company):
        """One line with the customer's figures behind a refusal."""
        currency = company.currency_id
        return self.env._(
            "Credit limit %(limit)s, exposure after this order %(exposure)s, overdue %(overdue)s "
            "(%(days)s days).",
            limit=format_amount(self.env, figures["credit_limit"], currency),
            exposure=format_amount(self.env, figures["exposure_after"], currency),
            overdue=format_amount(self.env, figures["overdue"], currency),
            days=figures["max_days"],
        )

    def _is_met(self, figures):
        """Whether the rule's condition holds for ``figures`` (see ``sale.order._debt_credit_figures``)."""
        self.ensure_one()
        currency = self.currency_id
        if self.rule_type == "credit_limit":
            if figures.get("limit_lapsed"):  # a lapsed limit grants no credit until it is reviewed
                return currency.compare_amounts(figures["exposure_after"], 0.0) > 0
            limit = figures["credit_limit"]
            return bool(limit) and currency.compare_amounts(figures["exposure_after"], limit) > 0
        if self.rule_type == "overdue_amount":
            return currency.compare_amounts(figures["overdue"], self.threshold_amount) > 0
        if self.rule_type == "overdue_days":
            return figures["max_days"] > self.threshold_days
        if self.rule_type == "bad_debtor":
            return figures["trust"] == "bad"
        if self.rule_type == "followup_level":
            return (
                figures["followup_delay"] is not None
                and figures["followup_delay"] >= self.followup_level_id.delay
            )
        return False

    def _describe(self, figures):
        """One line saying why the rule is met, with the figures that matter."""
        self.ensure_one()

        def amount(value):
            return format_amount(self.env, value, self.currency_id)

        if self.rule_type == "credit_limit" and figures.get("limit_lapsed"):
            return self.env._(
                "%(rule)s: the credit limit of %(limit)s lapsed on %(date)s; a credit manager must "
                "review it. The exposure after this order is %(exposure)s.",
                rule=self.name,
                limit=amount(figures["credit_limit"]),
                date=format_date(self.env, figures["limit_until"]),
                exposure=amount(figures["exposure_after"]),
            )
        if self.rule_type == "credit_limit":
            return self.env._(
                "%(rule)s: the exposure after this order, %(exposure)s, "
                "is over the credit limit of %(limit)s.",
                rule=self.name,
                exposure=amount(figures["exposure_after"]),
                limit=amount(figures["credit_limit"]),
            )
        if self.rule_type == "overdue_amount":
            return self.env._(
                "%(rule)s: the overdue amount, %(overdue)s, is above %(threshold)s.",
                rule=self.name,
                overdue=amount(figures["overdue"]),
                threshold=amount(self.threshold_amount),
            )
        if self.rule_type == "overdue_days":
            return self.env._(
                "%(rule)s: an invoice is overdue for %(days)s days, more than %(threshold)s.",
                rule=self.name,
                days=figures["max_days"],
                threshold=self.threshold_days,
            )
        if self.rule_type == "followup_level":
            return self.env._(
                "%(rule)s: the customer's overdue items reached the follow-up level %(level)s.",
                rule=self.name,
                level=figures["followup_level"],
            )
        return self.env._("%(rule)s: the customer is rated a bad debtor.", rule=self.name)

    @api.constrains("company_id")
    def _check_main_company(self):
        for record in self:
            if record.company_id.parent_id:
                raise ValidationError(
                    self.env._(
                        "Credit rules are set on the main company %(company)s and apply to its branches: "
                        "%(branch)s cannot have rules of its own.",
                        company=record.company_id.root_id.name,
                        branch=record.company_id.name,
                    )
                )
