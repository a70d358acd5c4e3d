# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""res.partner, rating part: the nightly rating run (select once, then batches).

The ratings themselves are computed in res_partner_rating.py, the run's common steps are in
res_partner_followup_run.py.
"""

import logging

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------------ cron
    @api.model
    def _cron_debt_rating(self, batch_size=200):
        """Suggest a rating to every customer with a history, in every company, and apply it
        where the company allows it and no credit manager pinned it.

        Select once: the first call of the day computes the ratings of every company (a few
        queries and grouped writes of the suggestions a company) and writes the changes to
        apply as work items (``debt.followup.run.line``, one per customer, company and day).
        Each call then applies a batch of ``batch_size`` (each posts a message), taken with
        ``FOR UPDATE SKIP LOCKED``, each customer in its own savepoint: a customer whose change
        fails is recorded on its item and the run goes on. Odoo calls again while
        ``_notify_progress`` says some are left; with none left the run selects again and stops
        when nothing changes.

        :return: the number of customers taken by this call (0: the run is over)
        """
        # sudo: the nightly rating covers every company, whichever companies the cron's user has
        self = self.sudo()
        return self._debt_run("rating", fields.Date.context_today(self), batch_size, select=True)

    @api.model
    def _debt_rating_select(self):
        """Write the suggested ratings of every company and return the changes to apply as work
        items ``(partner_id, company_id, level_id, trust, reason)``."""
        # sudo: the nightly rating covers every company, whichever companies the cron's user has
        self = self.sudo()
        changes = []
        # every company: there are a handful
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            partners = self.with_company(company)
            ratings = partners._get_debt_rating(company)
            # those rated before but without any history now lose their suggestion
            rated = partners.search([("debt_trust_suggested", "!=", False)]).ids
            suggested = {pid: False for pid in rated if pid not in ratings}
            suggested.update({pid: rating["trust"] for pid, rating in ratings.items()})
            by_value = {}
            current = partners.browse(list(suggested)).with_prefetch()
            for partner in current:
                if partner.debt_trust_suggested != suggested[partner.id]:
                    by_value.setdefault(suggested[partner.id], []).append(partner.id)
            for value, ids in by_value.items():
                partners.browse(ids).write({"debt_trust_suggested": value})
            if not company.debt_rating_auto:
                continue
            for partner in current:
                trust = suggested[partner.id]
                if trust and not partner.debt_trust_pinned and partner.trust != trust:
                    changes.append((partner.id, company.id, None, trust, ratings[partner.id]["reason"]))
        return changes

    def _debt_rating_run_batch(self, items):
        """Apply the rating changes of the work items ``items`` (claimed), each in a savepoint."""
        # sudo: the nightly rating covers every company, whichever companies the cron's user has
        self = self.sudo()

        def apply(item):
            partner = self.with_company(item.company_id.id).browse(item.partner_id.id)
            # a credit manager may have pinned or set it since the selection
            if not partner.debt_trust_pinned and partner.trust != item.trust:
                partner._debt_set_trust(item.trust, item.reason)

        failures = items._debt_process(apply)
        _logger.info("Debtor rating: %s customers rated, %s failed", len(items), len(failures))
