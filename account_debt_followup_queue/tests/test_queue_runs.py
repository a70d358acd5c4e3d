# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.account_debt_followup.tests.common import DebtFollowupCommon
from odoo.addons.account_debt_followup_queue import uninstall_hook
from odoo.addons.queue_job.tests.common import trap_jobs

TODAY = "2024-06-30"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestQueueRuns(DebtFollowupCommon):
    """With queue_job, a large scheduled run is split into queue jobs on root.debt_followup."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        template = cls.env.ref("account_debt_followup.mail_template_followup_reminder")
        cls.level = cls.env["debt.followup.level"].create(
            {"name": "Overdue", "delay": 10, "company_id": cls.company.id, "mail_template_id": template.id}
        )
        cls.customers = cls.env["res.partner"].create(
            [
                {"name": f"Queued customer {i}", "is_company": True, "email": f"queued.{i}@example.vn"}
                for i in range(7)
            ]
        )
        for partner in cls.customers:
            cls._create_invoice(partner, 100.0, "2024-05-01", due_date="2024-06-01")
        cls.odoobot = cls.env.ref("base.user_root")

    def _mails_to(self, partner):
        return self.env["mail.mail"].search([("recipient_ids", "in", partner.ids)])

    def test_large_run_is_split_into_jobs_and_nothing_is_sent_twice(self):
        Partner = self.env["res.partner"].with_user(self.odoobot)
        progress = self.env["ir.cron.progress"].create(
            {"cron_id": self.env.ref("account_debt_followup.ir_cron_debt_followup").id}
        )
        with trap_jobs() as trap:
            self.assertEqual(
                Partner.with_context(ir_cron_progress_id=progress.id)._cron_debt_followup(batch_size=2), 2
            )
            # 5 left in batches of 2: three jobs; the scheduled action goes on beside them, so
            # that the run ends even when no job runner takes the jobs
            trap.assert_jobs_count(3, only=self.env["res.partner"]._debt_run_job)
            self.assertRecordValues(progress, [{"done": 2, "remaining": 5}])
            for job in trap.enqueued_jobs:
                self.assertEqual(job.channel, "root.debt_followup")
                self.assertEqual(job.args, ("reminder", self._today(), 2))
            trap.perform_enqueued_jobs()
        self.env.invalidate_all()
        self.assertEqual([len(self._mails_to(partner)) for partner in self.customers], [1] * 7)
        items = self.env["debt.followup.run.line"].search([("partner_id", "in", self.customers.ids)])
        self.assertEqual(set(items.mapped("state")), {"done"})
        # the jobs run again (a retry) and the next run find nothing left to send
        with trap_jobs() as trap:
            self.assertEqual(Partner._debt_run_job("reminder", self._today(), 2), "0 customers taken")
            self.assertEqual(Partner._cron_debt_followup(batch_size=2), 0)
            trap.assert_jobs_count(0)
        self.assertEqual([len(self._mails_to(partner)) for partner in self.customers], [1] * 7)

    def test_without_a_job_runner_the_scheduled_action_ends_the_run(self):
        Partner = self.env["res.partner"].with_user(self.odoobot)
        with trap_jobs() as trap:  # the jobs are posted, nobody runs them
            runs = 0
            while Partner._cron_debt_followup(batch_size=2):
                runs += 1
                self.assertLess(runs, 10)
            trap.assert_jobs_count(3, only=self.env["res.partner"]._debt_run_job)
        self.assertEqual([len(self._mails_to(partner)) for partner in self.customers], [1] * 7)

    def test_a_job_of_an_earlier_day_takes_nothing(self):
        Partner = self.env["res.partner"].with_user(self.odoobot)
        with trap_jobs():
            Partner._cron_debt_followup(batch_size=2)
        with freeze_time("2024-07-01"):
            self.assertEqual(
                Partner._debt_run_job("reminder", self._today(), 2),
                "0 customers taken: the run of an earlier period",
            )
        self.assertEqual(len(self._mails_to(self.customers)), 2, "only the first batch was sent")

    def test_a_small_run_stays_in_the_scheduled_action(self):
        Partner = self.env["res.partner"].with_user(self.odoobot)
        with trap_jobs() as trap:
            self.assertEqual(Partner._cron_debt_followup(batch_size=10), 7)
            trap.assert_jobs_count(0)
        self.assertEqual(len(self._mails_to(self.customers)), 7)

    def test_the_job_channel_is_declared(self):
        # sudo: the job queue's configuration is for its managers
        channel = self.env.ref("account_debt_followup_queue.channel_debt_followup").sudo()
        self.assertEqual(channel.complete_name, "root.debt_followup")
        function = (
            self.env["queue.job.function"]
            .sudo()
            .search([("model_id.model", "=", "res.partner"), ("method", "=", "_debt_run_job")])
        )
        self.assertEqual(function.channel_id, channel)

    def test_uninstalling_drops_the_jobs_still_waiting(self):
        Partner = self.env["res.partner"].with_user(self.odoobot)
        Partner._cron_debt_followup(batch_size=2)  # no trap: the jobs are stored in the queue
        # sudo: the job queue is for its managers
        Job = self.env["queue.job"].sudo()
        ours = [("model_name", "=", "res.partner"), ("method_name", "=", "_debt_run_job")]
        jobs = Job.search(ours)
        self.assertEqual(len(jobs), 3)
        jobs[0].write({"state": "done"})
        other = self.env["res.partner"].with_delay().exists()  # another module's job stays
        uninstall_hook(self.env(su=True))  # as Odoo calls it when uninstalling
        self.assertEqual(Job.search(ours), jobs[0], "the job done stays, as history")
        self.assertTrue(Job.search([("uuid", "=", other.uuid)]))

    @staticmethod
    def _today():
        from datetime import date

        return date(2024, 6, 30)
