# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import threading

from odoo import SUPERUSER_ID, api
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestFollowupConcurrency(TransactionCase):
    """Two servers send the same reminder at the same moment (real cursors, threads, REPEATABLE
    READ, Odoo's retry on serialization errors): the customer gets one mail."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.company_id = env.ref("base.main_company").id
            self.partner_id = (
                env["res.partner"].create({"name": "Race Debtor", "email": "race@example.vn"}).id
            )
            self.level_id = (
                env["debt.followup.level"]
                .create(
                    {
                        "name": "Race level",
                        "delay": 4242,
                        "company_id": self.company_id,
                        "mail_template_id": env.ref(
                            "account_debt_followup.mail_template_followup_reminder"
                        ).id,
                    }
                )
                .id
            )
        self.addCleanup(self._remove_committed_data)

    def _remove_committed_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner = env["res.partner"].browse(self.partner_id)
            env["mail.mail"].search([("recipient_ids", "in", partner.ids)]).unlink()
            env["mail.message"].search([("model", "=", "res.partner"), ("res_id", "=", partner.id)]).unlink()
            env["debt.followup.history"].search([("partner_id", "=", partner.id)]).unlink()
            env["debt.followup.level"].browse(self.level_id).unlink()
            partner.unlink()

    def test_same_reminder_sent_at_once_by_two_transactions_is_sent_once(self):
        barrier = threading.Barrier(2, timeout=30)
        outcomes = []

        def send():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                first_try = [True]

                def attempt():
                    partner = env["res.partner"].browse(self.partner_id)
                    partner.read(["name"])  # snapshot taken here
                    if first_try[0]:
                        first_try[0] = False
                        barrier.wait()
                    company = env["res.company"].browse(self.company_id)
                    level = env["debt.followup.level"].browse(self.level_id)
                    return partner.with_company(company)._debt_followup_execute(level, company)

                try:
                    history = retrying(attempt, env)
                    outcomes.append("sent" if history else "skipped")
                except Exception as error:  # reported by the test as an outcome
                    cr.rollback()
                    outcomes.append(f"error: {error!r}")

        threads = [threading.Thread(target=send) for _i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual(sorted(outcomes), ["sent", "skipped"], outcomes)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            mails = env["mail.mail"].search([("recipient_ids", "in", [self.partner_id])])
            self.assertEqual(len(mails), 1)
            self.assertEqual(
                env["debt.followup.history"].search_count([("partner_id", "=", self.partner_id)]), 1
            )
