# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import math

from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _debt_run_share(self, kind, period, batch_size, remaining):
        """A large run is split into queue jobs, one per batch left, on the channel
        ``root.debt_followup``: the job runner gives them to as many Odoo workers and servers
        as the channel's capacity allows. A job takes whichever items are left (``FOR UPDATE
        SKIP LOCKED``), never given ones: two jobs never take the same customer, a job that
        finds the run finished does nothing, and a job that failed and is run again takes
        what is still to do. The scheduled action goes on taking batches beside the jobs: the
        run ends even when no job runner takes the jobs."""
        description = self.env._(
            "Debt follow-up: a batch of the %(kind)s run of %(period)s",
            kind=dict(self.env["debt.followup.run.line"]._fields["kind"]._description_selection(self.env))[
                kind
            ],
            period=period,
        )
        for _index in range(math.ceil(remaining / batch_size)):
            self.with_delay(description=description)._debt_run_job(kind, period, batch_size)
        return False

    @api.model
    def _debt_run_job(self, kind, period, batch_size):
        """The queue job: one batch of the run ``(kind, period)``.

        :return: a line for the job's result
        """
        today = fields.Date.context_today(self)
        period = fields.Date.to_date(period)
        if period != (today.replace(day=1) if kind == "statement" else today):
            # a job left from an earlier day or month: its run is over, today's has its own jobs
            return "0 customers taken: the run of an earlier period"
        if kind == "rating":
            # sudo: the nightly rating covers every company, as its scheduled action does
            self = self.sudo()
        done = self._debt_run(kind, period, batch_size)
        return f"{done} customers taken"
