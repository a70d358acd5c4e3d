# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import threading
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import ValidationError
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged

from odoo.addons.account_debt_followup.models.debt_payment_promise import DebtPaymentPromise


@tagged("post_install", "-at_install")
class TestPromiseConcurrency(TransactionCase):
    """Two collectors record a promise on the same invoice at the same moment, each in its own
    transaction (real cursors, threads, REPEATABLE READ), each retried by Odoo on a
    serialization error as an RPC call would be: one promise only is recorded."""

    def setUp(self):
        super().setUp()
        # committed data: both transactions must see it. Three invoices: W is promised twice at
        # once; X and Z are already in a promise each.
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            partner = env["res.partner"].create({"name": "Race Promiser", "is_company": True})
            invoices = (
                env["account.move"]
                .with_company(company)
                .create(
                    [
                        {
                            "move_type": "out_invoice",
                            "partner_id": partner.id,
                            "invoice_date": fields.Date.add(fields.Date.today(), days=-40),
                            "invoice_date_due": fields.Date.add(fields.Date.today(), days=-10),
                            "invoice_line_ids": [
                                Command.create({"name": name, "price_unit": 500.0, "tax_ids": []})
                            ],
                        }
                        for name in ("W", "X", "Z")
                    ]
                )
            )
            invoices.action_post()
            items = invoices.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
            self.line_w, line_x, line_z = (
                items.filtered(lambda item, m=m: item.move_id == m).id for m in invoices
            )
            promises = env["debt.payment.promise"].create(
                [
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "amount": 100.0,
                        "promised_date": fields.Date.add(fields.Date.today(), days=7),
                        "line_ids": [Command.set([line_id])],
                    }
                    for line_id in (line_x, line_z)
                ]
            )
            self.promise_ids = promises.ids
            self.partner_id, self.invoice_ids, self.company_id = partner.id, invoices.ids, company.id
        self.addCleanup(self._remove_committed_data)

    def _remove_committed_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["debt.payment.promise"].search([("partner_id", "=", self.partner_id)]).unlink()
            invoices = env["account.move"].browse(self.invoice_ids)
            invoices.button_draft()
            invoices.with_context(force_delete=True).unlink()
            env["res.partner"].browse(self.partner_id).unlink()

    def _both_at_once(self, action):
        """Run ``action(env, key)`` for keys 0 and 1 in two transactions at once."""
        barrier = threading.Barrier(2, timeout=30)
        results = {}

        def run(key):
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                first_try = [True]

                def attempt():
                    line = env["account.move.line"].browse(self.line_w)
                    line.read(["amount_residual"])  # the transaction's snapshot is taken here
                    if first_try[0]:
                        first_try[0] = False
                        barrier.wait()  # both snapshots taken before either records
                    action(env, key)
                    env.flush_all()

                try:
                    retrying(attempt, env)
                    results[key] = "promised"
                except ValidationError:
                    cr.rollback()
                    results[key] = "refused"
                except Exception as error:  # reported by the test as an outcome
                    cr.rollback()
                    results[key] = f"error: {error!r}"

        threads = [threading.Thread(target=run, args=(key,)) for key in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        return [results.get(0), results.get(1)]

    def _create_promise(self, env, key):
        env["debt.payment.promise"].create(
            {
                "partner_id": self.partner_id,
                "company_id": self.company_id,
                "amount": 200.0 + key,
                "promised_date": fields.Date.add(fields.Date.today(), days=7),
                "line_ids": [Command.set([self.line_w])],
            }
        )

    def _add_to_promise(self, env, key):
        env["debt.payment.promise"].browse(self.promise_ids[key]).write(
            {"line_ids": [Command.link(self.line_w)]}
        )

    def _promises_of_w(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return env["debt.payment.promise"].search_count([("line_ids", "in", [self.line_w])])

    def test_two_concurrent_promises_on_one_invoice_record_one(self):
        outcomes = self._both_at_once(self._create_promise)
        self.assertEqual(sorted(outcomes), ["promised", "refused"], outcomes)
        self.assertEqual(self._promises_of_w(), 1)

    def test_an_invoice_added_to_two_promises_at_once_is_in_one(self):
        outcomes = self._both_at_once(self._add_to_promise)
        self.assertEqual(sorted(outcomes), ["promised", "refused"], outcomes)
        self.assertEqual(self._promises_of_w(), 1)

    def test_without_the_lock_an_invoice_ends_in_two_promises(self):
        """The race is real: adding the invoice to two promises writes no item, only the lock
        does; without it both transactions go through."""
        with patch.object(DebtPaymentPromise, "_lock_items", lambda self, line_ids: None):
            outcomes = self._both_at_once(self._add_to_promise)
        self.assertEqual(outcomes, ["promised", "promised"])
        self.assertEqual(self._promises_of_w(), 2)
