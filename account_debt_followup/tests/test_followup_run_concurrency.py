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
            self.assertEqual(env_b["debt.followup.run.line"]._debt_remaining("reminder", PERIOD), 6)
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
