# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import format_amount, format_date

from .res_partner import DEBT_GROUPS

_logger = logging.getLogger(__name__)

# What opens or closes the credit gate: Odoo's own company-dependent credit limit and debtor
# rating (read by the credit rules), and the date the limit lapses.
CREDIT_FIELDS = ("credit_limit", "debt_credit_limit_until", "trust")
MANAGER_GROUP = "account_debt_followup.group_credit_manager"


class ResPartner(models.Model):
    """Who may move the credit gate: only credit managers change a customer's credit limit, its
    validity and its debtor rating; every change is kept in the credit history (who, when,
    before, after, why)."""

    _inherit = "res.partner"

    debt_credit_limit_until = fields.Date(
        string="Credit Limit Valid Until",
        company_dependent=True,
        copy=False,
        groups=DEBT_GROUPS,
        help="The credit limit lapses after this date: it then grants no credit until a credit "
        "manager reviews it. A review activity is scheduled before.",
    )
    debt_credit_history_ids = fields.One2many(
        "debt.credit.history",
        "partner_id",
        string="Credit History",
        groups="account_debt_followup.group_credit_user",
    )
    debt_may_edit_credit = fields.Boolean(
        string="May Change Credit Limits",
        compute="_compute_debt_may_edit_credit",
        help="Whether the current user may change credit limits and debtor ratings.",
    )

    def _compute_debt_may_edit_credit(self):
        self.debt_may_edit_credit = self.env.user.has_group(MANAGER_GROUP)

    @api.constrains("credit_limit")
    def _check_debt_credit_limit(self):
        for partner in self:
            if partner.sudo().credit_limit < 0:
                raise ValidationError(
                    self.env._(
                        "The credit limit of %(partner)s cannot be negative.", partner=partner.display_name
                    )
                )

    # ------------------------------------------------------------------ the guard
    def _debt_credit_standing(self):
        """``(credit limit, valid until, rating)`` of the current company, comparable."""
        self.ensure_one()
        # sudo: the values are compared and kept in the history whoever changes them
        partner = self.sudo()
        return (
            self.env.company.currency_id.round(partner.credit_limit),
            partner.debt_credit_limit_until or False,
            partner.trust or "normal",  # not rated is a normal debtor
        )

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        if any(field in vals for vals in vals_list for field in CREDIT_FIELDS):
            fallback = self._debt_default_standing()
            partners._debt_check_credit_change(dict.fromkeys(partners.ids, fallback))
        return partners

    def write(self, vals):
        if not any(field in vals for field in CREDIT_FIELDS):
            return super().write(vals)
        before = {partner.id: partner._debt_credit_standing() for partner in self}
        result = super().write(vals)
        self._debt_check_credit_change(before)
        return result

    def _debt_default_standing(self):
        # sudo: the company's default credit limit, which a new customer gets
        limit = self._fields["credit_limit"].get_company_dependent_fallback(self.sudo())
        return (self.env.company.currency_id.round(limit or 0.0), False, "normal")

    def _debt_check_credit_change(self, before):
        """Refuse the change of ``self``'s credit standing from ``before`` (``{partner id:
        standing}``) unless made by a credit manager, and record it in the credit history."""
        changed = self.filtered(lambda p: p._debt_credit_standing() != before[p.id])
        # A contact of a company gets the company's credit limit when created or when the company's
        # changes (Odoo's commercial fields): that is no change of the gate, which reads the
        # company's. Anything else needs a credit manager.
        changed -= changed.filtered(
            lambda p: (
                p.commercial_partner_id != p
                and p._debt_credit_standing() == p.commercial_partner_id._debt_credit_standing()
            )
        )
        if not changed:
            return
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Only a credit manager can change the credit limit or the debtor rating of %(partners)s.",
                    partners=", ".join(changed.mapped("display_name")),
                )
            )
        reason = self.env.context.get("debt_credit_reason")
        company = self.env.company
        vals_list = []
        changed = changed.filtered(lambda p: p.commercial_partner_id == p)  # the gate reads these
        for partner in changed:
            old_limit, old_until, old_trust = before[partner.id]
            limit, until, trust = partner._debt_credit_standing()
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "old_credit_limit": old_limit,
                    "credit_limit": limit,
                    "old_limit_until": old_until,
                    "limit_until": until,
                    "old_trust": old_trust,
                    "trust": trust,
                    "reason": reason if isinstance(reason, str) else False,
                }
            )
        # sudo: no access right creates history rows, so that none is written or changed over RPC
        self.env["debt.credit.history"].sudo().create(vals_list)
        # a limit set again is reviewed
        reviewed = changed.filtered(lambda p: before[p.id][:2] != p._debt_credit_standing()[:2])
        if reviewed:
            # sudo: the review activity may be assigned to another credit manager
            reviewed.sudo().activity_feedback(["account_debt_followup.mail_activity_type_credit_review"])

    # ------------------------------------------------------------------ review
    @api.model
    def _cron_debt_credit_review(self, batch_size=200):
        """Schedule a review activity for the credit limits lapsing within the company's review
        period (or lapsed already), one per customer at a time; at most ``batch_size`` per run,
        Odoo runs the job again while ``_notify_progress`` says some are left."""
        # sudo: the limits of every company are reviewed, whichever companies the cron's user has
        self = self.sudo()
        activity_type = self.env.ref("account_debt_followup.mail_activity_type_credit_review")
        today = fields.Date.context_today(self)
        todo = []
        # every company: there are a handful
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            partners = self.with_company(company).search(
                [
                    ("debt_credit_limit_until", "!=", False),
                    (
                        "debt_credit_limit_until",
                        "<=",
                        today + timedelta(days=company.debt_credit_review_days),
                    ),
                ]
            )
            if not partners:
                continue
            pending = self.env["mail.activity"].search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", partners.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
            planned = set(pending.mapped("res_id"))
            todo += [(company, partner) for partner in partners if partner.id not in planned]
        batch = todo[:batch_size]
        for company, partner in batch:
            partner._debt_schedule_credit_review(company, activity_type)
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=len(todo) - len(batch))
        return len(batch)

    def _debt_schedule_credit_review(self, company, activity_type):
        self.ensure_one()
        partner = self.with_company(company)
        reviewer = partner.debt_followup_responsible_id
        if not reviewer or not reviewer.has_group(MANAGER_GROUP):
            reviewer = (
                self.env.ref(MANAGER_GROUP)
                .users.filtered(lambda u: not u.share and company in u.company_ids and not u._is_superuser())
                .sorted("id")[:1]
            )
        until = partner.debt_credit_limit_until
        note = self.env._(
            "The credit limit of %(limit)s of %(partner)s in %(company)s lapses after %(date)s: "
            "set it again, with its new validity, or let it lapse (no credit is then granted).",
            limit=format_amount(self.env, partner.credit_limit, company.currency_id),
            partner=partner.display_name,
            company=company.name,
            date=format_date(self.env, until),
        )
        partner.activity_schedule(
            activity_type_id=activity_type.id,
            date_deadline=until,
            summary=self.env._("Review the credit limit of %(partner)s", partner=partner.display_name),
            note=Markup("<p>%s</p>") % note,
            user_id=(reviewer or self.env.user).id,
        )
        _logger.info("Credit limit review scheduled for partner %s in company %s", partner.id, company.id)
