# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, formatLang

from .res_partner import DEBT_GROUPS


def trust_selection(model):
    """Odoo's debtor ratings (``res.partner.trust``) in Odoo's own words, translated: the
    suggested rating shows beside Odoo's, and reads the same."""
    return model.env["res.partner"]._fields["trust"]._description_selection(model.env)


RATING_DAYS = 365  # the behaviour of the last 12 months


class ResPartner(models.Model):
    """Debtor rating: the good / normal / bad flag (Odoo's ``trust``) suggested from how the
    customer paid over the last 12 months, and applied every night where the company allows it."""

    _inherit = "res.partner"

    debt_trust_suggested = fields.Selection(
        trust_selection,
        string="Suggested Rating",
        company_dependent=True,
        readonly=True,
        groups=DEBT_GROUPS,
        help="The rating the customer's payments of the last 12 months suggest, updated every "
        "night; empty without enough history.",
    )
    debt_trust_pinned = fields.Boolean(
        string="Rating Set by Hand",
        company_dependent=True,
        tracking=True,
        help="A credit manager fixed the debtor rating: the nightly rating leaves it as it is.",
    )
    debt_trust_reason = fields.Char(
        string="Why This Rating",
        compute="_compute_debt_trust_reason",
        groups=DEBT_GROUPS,
        help="The payment behaviour of the last 12 months behind the suggested rating.",
    )

    debt_at_risk = fields.Boolean(
        string="At Risk",
        compute="_compute_debt_at_risk",
        search="_search_debt_at_risk",
        groups=DEBT_GROUPS,
        help="Rated or suggested as a bad debtor, over its credit limit, or with an invoice "
        "overdue for longer than the bad-debtor threshold.",
    )

    @api.depends_context("company")
    def _compute_debt_at_risk(self):
        at_risk = set(
            self.search([("id", "in", self.commercial_partner_id.ids), ("debt_at_risk", "=", True)]).ids
        )
        for partner in self:
            partner.debt_at_risk = partner.commercial_partner_id.id in at_risk

    def _search_debt_at_risk(self, operator, value):
        self._debt_check_search_access("debt_at_risk")
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search customers at risk with “is set” or “is not set” only."))
        company = self.env.company
        # over their limit: the exposure of the customers with a limit, in one query
        limited = self.search(
            [("credit_limit", ">", 0), "|", ("is_company", "=", True), ("parent_id", "=", False)]
        )
        figures = limited._get_debt_figures(company)
        over_limit = [
            partner.id
            for partner in limited
            if partner.id in figures
            and company.currency_id.compare_amounts(
                sum(figures[partner.id][key] for key in ("open", "draft", "to_invoice")), partner.credit_limit
            )
            > 0
        ]
        domain = [
            "|",
            "|",
            "|",
            ("debt_trust_suggested", "=", "bad"),
            ("trust", "=", "bad"),
            ("debt_max_days_overdue", ">=", max(company.debt_rating_bad_overdue_days, 1)),
            ("id", "in", over_limit),
        ]
        positive = (operator == "=") == value
        return domain if positive else ["!", *domain]

    @api.depends_context("company")
    def _compute_debt_trust_reason(self):
        company = self.env.company
        ratings = self._get_debt_rating(company)
        for partner in self:
            rating = ratings.get(partner.commercial_partner_id.id)
            partner.debt_trust_reason = rating and rating["reason"]

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("debt_trust_pinned") for vals in vals_list):
            self._debt_check_pin_rights()
        return super().create(vals_list)

    def write(self, vals):
        if "debt_trust_pinned" in vals:
            self._debt_check_pin_rights()
        return super().write(vals)

    def _debt_check_pin_rights(self):
        if not self.env.user.has_group("account_debt_followup.group_credit_manager"):
            raise AccessError(self.env._("Only a credit manager can pin or unpin a debtor rating."))

    # ------------------------------------------------------------------ figures
    @api.model
    def _get_debt_rating_metrics(self, company, partner_ids=None):
        """Payment behaviour per commercial partner in ``company`` over the last 12 months, with
        three queries whatever the number of partners and invoices.

        :param partner_ids: commercial partners to rate; ``None`` for every customer with
            invoices due in the period, a promise to pay in it or something overdue now.
        :return: ``{partner_id: {"invoices", "late", "days_late", "broken"}}``
        """
        today = fields.Date.context_today(self)
        since = today - timedelta(days=RATING_DAYS)
        self.env["debt.ledger"]._flush()
        self.env["debt.payment.promise"].flush_model()
        partner_filter = (
            SQL("AND partner.commercial_partner_id = ANY(%s)", list(partner_ids))
            if partner_ids is not None
            else SQL()
        )
        # invoices due in the period: how many, how many paid late or still unpaid after their
        # due date, and the days late of what was paid, weighted by the amount paid. A credit
        # note corrects an invoice, it does not pay it: it neither counts as paid nor late.
        invoices = self.env.execute_query(
            SQL(
                """
                WITH items AS (
                    SELECT id, partner_id, due, residual AS amount_residual
                      FROM (%(ledger)s) ledger
                     WHERE move_type = 'out_invoice'
                       AND balance > 0
                       AND due > %(since)s
                       AND due <= %(today)s
                ), payments AS (
                    SELECT items.id, SUM(part.amount) AS paid,
                           SUM(part.amount * GREATEST(part.max_date - items.due, 0)) AS weighted_days,
                           MAX(part.max_date) AS last_paid
                      FROM items
                      JOIN account_partial_reconcile part ON part.debit_move_id = items.id
                      JOIN account_move_line credit ON credit.id = part.credit_move_id
                      JOIN account_move credit_move ON credit_move.id = credit.move_id
                     WHERE credit_move.move_type != 'out_refund'
                  GROUP BY items.id
                )
                SELECT items.partner_id, COUNT(*),
                       COUNT(*) FILTER (WHERE payments.last_paid > items.due
                                           OR (items.amount_residual > 0 AND items.due < %(today)s)),
                       SUM(payments.weighted_days) / NULLIF(SUM(payments.paid), 0)
                  FROM items
             LEFT JOIN payments ON payments.id = items.id
              GROUP BY items.partner_id
                """,
                ledger=self.env["debt.ledger"]._items(company, partner_ids, open_only=False),
                since=since,
                today=today,
            )
        )
        # promises whose date passed in the period without the promised amount being paid:
        # paid = what the items owed when promised less what they owe now (as debt.payment.promise)
        broken = dict(
            self.env.execute_query(
                SQL(
                    """
                    SELECT partner.commercial_partner_id, COUNT(*)
                      FROM debt_payment_promise promise
                      JOIN res_partner partner ON partner.id = promise.partner_id
                      JOIN res_company company ON company.id = promise.company_id
                      JOIN res_currency currency ON currency.id = company.currency_id
                     WHERE promise.company_id = %(company)s
                       AND promise.promised_date > %(since)s
                       AND promise.promised_date < %(today)s
                       %(partner_filter)s
                       AND ROUND(COALESCE(promise.residual_at_promise, 0) - COALESCE((
                               SELECT SUM(aml.amount_residual)
                                 FROM debt_payment_promise_line_rel rel
                                 JOIN account_move_line aml ON aml.id = rel.line_id
                                WHERE rel.promise_id = promise.id), 0)
                             - promise.amount, currency.decimal_places) < 0
                  GROUP BY 1
                    """,
                    company=company.id,
                    since=since,
                    today=today,
                    partner_filter=partner_filter,
                )
            )
        )
        # and those with something overdue now, however old it is, as the ledger counts it
        overdue = [
            (partner_id,)
            for partner_id, totals in self.env["debt.ledger"]._partner_totals(company, partner_ids).items()
            if totals["overdue"] > 0
        ]
        metrics = {
            partner_id: {"invoices": count, "late": late, "days_late": float(days or 0.0), "broken": 0}
            for partner_id, count, late, days in invoices
        }
        for (partner_id,) in overdue:
            metrics.setdefault(partner_id, {"invoices": 0, "late": 0, "days_late": 0.0, "broken": 0})
        for partner_id, count in broken.items():
            metrics.setdefault(partner_id, {"invoices": 0, "late": 0, "days_late": 0.0, "broken": 0})
            metrics[partner_id]["broken"] = count
        return metrics

    def _get_debt_rating(self, company, partner_ids=None):
        """The suggested rating, with its reason, of the commercial partners of ``self`` (or of
        ``partner_ids``; ``None`` with an empty ``self``: every partner with a history), with a
        constant number of queries.

        :return: ``{partner_id: {"trust": "good"|"normal"|"bad"|False, "reason": str}}``
        """
        if partner_ids is None and self:
            partner_ids = [pid for pid in self.commercial_partner_id.ids if pid]
        metrics = self._get_debt_rating_metrics(company, partner_ids)
        overdue_of = self.browse(partner_ids if partner_ids is not None else list(metrics))
        # current overdue, read the way the credit check and the partner form read it
        figures = overdue_of._get_debt_figures(company) if overdue_of else {}
        ratings = {}
        for partner_id in set(metrics) | set(figures):
            values = metrics.get(partner_id, {"invoices": 0, "late": 0, "days_late": 0.0, "broken": 0})
            overdue = figures.get(partner_id, {})
            values = dict(
                values,
                overdue=max(overdue.get("overdue", 0.0), 0.0),
                overdue_days=overdue.get("max_days", 0) if overdue.get("overdue", 0.0) > 0 else 0,
            )
            ratings[partner_id] = {
                "trust": self._debt_rate(values, company),
                "reason": self._debt_rating_reason(values, company),
                "metrics": values,
            }
        return ratings

    @api.model
    def _debt_rate(self, values, company):
        """good / normal / bad from the behaviour ``values``; False without enough history."""
        share = 100.0 * values["late"] / values["invoices"] if values["invoices"] else 0.0
        enough = values["invoices"] >= max(company.debt_rating_min_invoices, 1)
        if (
            values["days_late"] >= company.debt_rating_bad_days
            or (enough and share >= company.debt_rating_bad_share)
            or (company.debt_rating_bad_promises and values["broken"] >= company.debt_rating_bad_promises)
            or (values["overdue"] > 0 and values["overdue_days"] >= company.debt_rating_bad_overdue_days)
        ):
            return "bad"
        if not enough and not values["overdue"] and not values["broken"]:
            return False
        if (
            enough
            and values["days_late"] <= company.debt_rating_good_days
            and share <= company.debt_rating_good_share
            and not values["broken"]
            and values["overdue_days"] <= company.debt_rating_good_days
        ):
            return "good"
        return "normal"

    @api.model
    def _debt_rating_reason(self, values, company):
        parts = [
            self.env._(
                "%(late)s of %(invoices)s invoices due in the last 12 months paid late or unpaid",
                late=values["late"],
                invoices=values["invoices"],
            )
        ]
        if values["days_late"]:
            days = round(values["days_late"], 1)
            parts.append(
                self.env._(
                    "paid %(days)s days late on average",
                    # in the user's language: 68 or 68,5 in Vietnamese, not 68.0 nor 68.5
                    days=formatLang(self.env, days, digits=0 if days == int(days) else 1),
                )
            )
        if values["broken"]:
            parts.append(self.env._("%(count)s broken promises to pay", count=values["broken"]))
        if values["overdue"] > 0:
            parts.append(
                self.env._(
                    "%(amount)s overdue for up to %(days)s days",
                    amount=company.currency_id.format(values["overdue"]),
                    days=values["overdue_days"],
                )
            )
        return "; ".join(parts)

    # ------------------------------------------------------------------ actions
    def action_debt_apply_suggested_rating(self):
        """Set the debtor rating to the suggested one (credit managers)."""
        if not self.env.user.has_group("account_debt_followup.group_credit_manager"):
            raise AccessError(self.env._("Only a credit manager can change a debtor rating from here."))
        company = self.env.company
        ratings = self._get_debt_rating(company)
        for partner in self.commercial_partner_id:
            rating = ratings.get(partner.id)
            if rating and rating["trust"] and rating["trust"] != partner.trust:
                partner._debt_set_trust(rating["trust"], rating["reason"], by_hand=True)
        return True

    def _debt_set_trust(self, trust, reason, by_hand=False):
        """Write the rating of the current company and say why in the customer's chatter."""
        self.ensure_one()
        labels = dict(self._fields["trust"]._description_selection(self.env))
        old = labels.get(self.trust) or self.env._("None")
        # sudo: a credit manager may not edit contacts; the cron runs as the superuser anyway.
        # The reason goes to the credit history.
        self.sudo().with_context(debt_credit_reason=reason).trust = trust
        if by_hand:
            body = self.env._(
                "Debtor rating changed from %(old)s to %(new)s, as the payment behaviour suggests: "
                "%(reason)s.",
                old=old,
                new=labels[trust],
                reason=reason,
            )
        else:
            body = self.env._(
                "Debtor rating changed from %(old)s to %(new)s by the nightly rating: %(reason)s.",
                old=old,
                new=labels[trust],
                reason=reason,
            )
        # sudo: posting on a contact needs write access on it (as for reminders)
        self.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")
