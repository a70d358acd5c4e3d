# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged

PERIOD = date(2001, 1, 1)  # a run of its own, far from any real one


@tagged("post_install", "-at_install")
class TestFollowupRunConcurrency(TransactionCase):
    """Two workers (two real transactions, as two cron workers or two servers) take batches of
    the same run at the same time: they get different customers, and what one finished the
    other never takes again."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            self.partner_ids = env["res.partner"].create([{"name": f"Worker race {i}"} for i in range(6)]).ids
            env["debt.followup.run.line"]._debt_insert(
                "reminder", PERIOD, [(pid, company.id, None, None, None) for pid in self.partner_ids]
            )
        self.addCleanup(self._remove_committed_data)

    def _remove_committed_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["debt.followup.run.line"].search([("period", "=", PERIOD)]).unlink()
            env["res.partner"].browse(self.partner_ids).unlink()

    def test_two_workers_claim_disjoint_batches_and_never_the_same_twice(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            batch_a = env_a["debt.followup.run.line"]._debt_claim("reminder", PERIOD, 4)
            # worker A holds its batch (sending); worker B does not wait for it
            batch_b = env_b["debt.followup.run.line"]._debt_claim("reminder", PERIOD, 4)
            self.assertEqual(len(batch_a), 4)
            self.assertEqual(len(batch_b), 2, "B takes what A does not hold, without waiting")
            customers_a = set(batch_a.partner_id.ids)
            customers_b = set(batch_b.partner_id.ids)
            self.assertFalse(customers_a & customers_b)
            self.assertEqual(customers_a | customers_b, set(self.partner_ids))
            self.assertEqual(env_b["debt.followup.run.line"]._debt_count("reminder", PERIOD), 6)
            batch_a._debt_process(lambda item: None)
            cr_a.commit()
            batch_b._debt_process(lambda item: None)
            cr_b.commit()
            # the next batches of both find the run finished
            self.assertFalse(env_a["debt.followup.run.line"]._debt_claim("reminder", PERIOD, 4))
            self.assertFalse(env_b["debt.followup.run.line"]._debt_claim("reminder", PERIOD, 4))
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            items = env["debt.followup.run.line"].search([("period", "=", PERIOD)])
            self.assertEqual(len(items), 6)
            self.assertEqual(set(items.mapped("state")), {"done"})

    def test_a_batch_begun_before_another_workers_commit_is_retried_not_failed(self):
        """Worker B's transaction began before worker A committed its batch: B's claim meets
        rows changed after its snapshot (Odoo's transactions are REPEATABLE READ). B gives its
        batch up without raising, which would fail the scheduled action and put it off to the
        next day, and asks Odoo to call it again in a minute."""
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            cron = env_a.ref("account_debt_followup.ir_cron_debt_followup")
            env_b = api.Environment(cr_b, SUPERUSER_ID, {"cron_id": cron.id})
            batch_a = env_a["debt.followup.run.line"]._debt_claim("reminder", PERIOD, 3)
            batch_a._debt_process(lambda item: None)
            cr_b.execute("SELECT 1")  # B's transaction (and snapshot) begins
            cr_a.commit()
            taken = env_b["res.partner"]._debt_run("reminder", PERIOD, 3)
            self.assertEqual(taken, 0)
            triggers = env_b["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
            self.assertTrue(triggers, "the scheduled action is called again soon")
            cr_b.rollback()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            # in a new transaction, the rest is taken
            self.assertEqual(env["res.partner"]._debt_run("reminder", PERIOD, 3), 3)
            states = env["debt.followup.run.line"].search([("period", "=", PERIOD)]).mapped("state")
            self.assertEqual(states, ["done"] * 3 + ["skipped"] * 3)

    def test_the_run_does_not_select_again_while_other_workers_hold_its_items(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            self.assertEqual(len(env_a["debt.followup.run.line"]._debt_claim("reminder", PERIOD, 10)), 6)
            # B's claim finds nothing free: the run is not over, A holds the rest
            self.assertEqual(env_b["res.partner"]._debt_run("reminder", PERIOD, 10, select=True), 0)
            items = env_b["debt.followup.run.line"].search([("period", "=", PERIOD)])
            self.assertEqual(len(items), 6, "no selection while the run is under way")
            cr_b.rollback()
            cr_a.rollback()
