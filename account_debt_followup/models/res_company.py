# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    debt_followup_enabled = fields.Boolean(string="Payment Follow-up", default=True)
    debt_followup_min_interval = fields.Integer(
        string="Days Between Reminders",
        default=7,
        help="A customer is not reminded again before this number of days.",
    )
    debt_statement_day = fields.Integer(
        string="Monthly Statements From Day",
        default=1,
        help="The monthly statements are sent from this day of the month on (1 to 28): the first "
        "scheduled run on or after it sends them, once a month.",
    )
    debt_followup_email_from = fields.Char(
        string="Reminders Sent From", help="The sender address of reminders; the company's email when empty."
    )
    debt_portal_promise_days = fields.Integer(
        string="Online Promise: Days After Due Date",
        default=30,
        help="On the portal, a customer may state that it will pay an invoice at the latest this number "
        "of days after its due date; a later date is for a collector to agree on.",
    )
    debt_portal_promise_changes = fields.Integer(
        string="Online Promise: Changes per Invoice",
        default=2,
        help="On the portal, a customer states the date it expects to pay an invoice once, then may "
        "change it this number of times; afterwards the date is changed by a collector only.",
    )

    debt_dispute_in_credit_rules = fields.Boolean(
        string="Disputed Items Count in the Credit Limit",
        default=True,
        help="Whether the items of open dispute cases count in the exposure checked against the credit "
        "limit. They never count as overdue.",
    )
    debt_approval_four_eyes = fields.Boolean(
        string="Four-Eyes Credit Approval",
        help="A credit manager cannot approve an order they are the salesperson of: another "
        "credit manager must.",
    )
    debt_credit_review_days = fields.Integer(
        string="Review Credit Limits Before They Lapse (Days)",
        default=14,
        help="A credit limit with a validity date gets a review activity this number of days "
        "before it lapses. A lapsed limit grants no credit until a credit manager sets it again.",
    )

    debt_aging_days = fields.Char(
        string="Aging Buckets",
        default="30,60,90,120",
        required=True,
        help="Upper bounds, in days overdue, of the aging buckets of statements and aged balances, "
        "separated by commas: 30,60,90,120 gives current, 1-30, 31-60, 61-90, 91-120 and over 120 days.",
    )

    # debtor rating: thresholds of the daily suggestion of the good / normal / bad flag
    debt_rating_auto = fields.Boolean(
        string="Update Debtor Ratings",
        help="Every night, set the debtor rating of each customer to the suggested one, except "
        "where a credit manager pinned it. Otherwise, the suggestion is only shown.",
    )
    debt_rating_min_invoices = fields.Integer(
        string="Invoices Needed for a Rating",
        default=3,
        help="A customer is rated good, or bad for its share of late invoices, only with at least "
        "this number of invoices due in the last 12 months.",
    )
    debt_rating_good_days = fields.Integer(
        string="Good: Days Late at Most",
        default=3,
        help="Good debtors pay, on average weighted by amount, at most this number of days late, "
        "and have nothing overdue for longer.",
    )
    debt_rating_good_share = fields.Integer(
        string="Good: Late Invoices at Most (%)",
        default=10,
        help="Good debtors pay at most this share of their invoices late.",
    )
    debt_rating_bad_days = fields.Integer(
        string="Bad: Days Late From",
        default=30,
        help="A customer paying this number of days late or more, on average weighted by amount, "
        "is a bad debtor.",
    )
    debt_rating_bad_share = fields.Integer(
        string="Bad: Late Invoices From (%)",
        default=50,
        help="A customer paying this share of its invoices late or more is a bad debtor.",
    )
    debt_rating_bad_promises = fields.Integer(
        string="Bad: Broken Promises From",
        default=2,
        help="A customer who broke this number of promises to pay in the last 12 months is a bad debtor.",
    )
    debt_rating_bad_overdue_days = fields.Integer(
        string="Bad: Days Overdue From",
        default=60,
        help="A customer with an invoice overdue for this number of days or more is a bad debtor.",
    )

    def _debt_credit_managers(self):
        """The credit managers of this company: internal users of the group who may work in it,
        OdooBot left out. They are given what has no follow-up responsible."""
        self.ensure_one()
        # sudo: the group's members are read for any user or job that needs someone to notify
        managers = self.env.ref("account_debt_followup.group_credit_manager").sudo().users
        root = self.env.ref("base.user_root")
        return (
            managers.filtered(lambda u: u.active and not u.share and self in u.company_ids and u != root)
            .sorted("id")
            .sudo(False)
        )

    def _debt_aging_bounds(self):
        self.ensure_one()
        return [int(part) for part in (self.debt_aging_days or "30,60,90,120").split(",")]

    @api.constrains("debt_aging_days")
    def _check_debt_aging_days(self):
        for company in self:
            try:
                bounds = company._debt_aging_bounds()
            except ValueError:
                bounds = []
            if len(bounds) != 4 or any(b <= 0 for b in bounds) or bounds != sorted(set(bounds)):
                raise ValidationError(
                    self.env._(
                        "The aging buckets are four increasing numbers of days separated by commas, "
                        "such as 30,60,90,120; not “%(value)s”.",
                        value=company.debt_aging_days,
                    )
                )

    @api.constrains("debt_followup_min_interval")
    def _check_debt_followup_min_interval(self):
        if any(company.debt_followup_min_interval < 0 for company in self):
            raise ValidationError(self.env._("The number of days between two reminders cannot be negative."))

    @api.constrains("debt_statement_day")
    def _check_debt_statement_day(self):
        if any(not 1 <= company.debt_statement_day <= 28 for company in self):
            raise ValidationError(
                self.env._("The monthly statements are sent from a day between 1 and 28 of the month.")
            )

    @api.constrains("debt_credit_review_days")
    def _check_debt_credit_review_days(self):
        if any(company.debt_credit_review_days < 0 for company in self):
            raise ValidationError(
                self.env._("The number of days to review a credit limit before it lapses cannot be negative.")
            )

    @api.constrains("debt_portal_promise_days", "debt_portal_promise_changes")
    def _check_debt_portal_promise_bounds(self):
        if any(c.debt_portal_promise_days < 0 or c.debt_portal_promise_changes < 0 for c in self):
            raise ValidationError(
                self.env._("The bounds of the payment dates stated on the portal cannot be negative.")
            )

    @api.constrains(
        "debt_rating_min_invoices",
        "debt_rating_good_days",
        "debt_rating_good_share",
        "debt_rating_bad_days",
        "debt_rating_bad_share",
        "debt_rating_bad_promises",
        "debt_rating_bad_overdue_days",
    )
    def _check_debt_rating_thresholds(self):
        for company in self:
            values = [
                company.debt_rating_min_invoices,
                company.debt_rating_good_days,
                company.debt_rating_good_share,
                company.debt_rating_bad_days,
                company.debt_rating_bad_share,
                company.debt_rating_bad_promises,
                company.debt_rating_bad_overdue_days,
            ]
            if any(value < 0 for value in values):
                raise ValidationError(self.env._("The debtor rating thresholds cannot be negative."))
            if company.debt_rating_good_share > 100 or company.debt_rating_bad_share > 100:
                raise ValidationError(self.env._("A share of late invoices cannot be over 100%."))
            if (
                company.debt_rating_good_days >= company.debt_rating_bad_days
                or company.debt_rating_good_share >= company.debt_rating_bad_share
            ):
                raise ValidationError(
                    self.env._(
                        "A good debtor's thresholds must be below a bad debtor's: days late %(good_days)s "
                        "against %(bad_days)s, late invoices %(good_share)s%% against %(bad_share)s%%.",
                        good_days=company.debt_rating_good_days,
                        bad_days=company.debt_rating_bad_days,
                        good_share=company.debt_rating_good_share,
                        bad_share=company.debt_rating_bad_share,
                    )
                )

    # ------------------------------------------------------------------ demo data
    @api.model
    def _debt_demo_payment_means(self, company_name):
        """Demo data: the ways to pay on the reminders of the company named ``company_name``
        (made without external ID), where Odoo has what they need: its bank accounts make
        VietQR codes (l10n_vn), and a payment provider in test mode (payment_demo) is enabled
        for it, with an external ID of this module so that uninstalling removes it."""
        company = self.search([("name", "=", company_name)], limit=1)
        Bank = self.env["res.partner.bank"]
        proxy_type = Bank._fields.get("proxy_type")
        if company and proxy_type and "bank_acc" in dict(proxy_type._description_selection(self.env)):
            for account in company.partner_id.bank_ids:
                account.write(
                    {"proxy_type": "bank_acc", "proxy_value": account.acc_number, "include_reference": True}
                )
        demo = self.env.ref("payment.payment_provider_demo", raise_if_not_found=False)
        if company and demo and demo.code == "demo":
            provider = demo.copy(
                {"name": demo.name, "company_id": company.id, "state": "test", "is_published": True}
            )
            self.env["ir.model.data"].create(
                {
                    "module": "account_debt_followup",
                    "name": "demo_payment_provider_vn",
                    "model": provider._name,
                    "res_id": provider.id,
                    "noupdate": True,
                }
            )
