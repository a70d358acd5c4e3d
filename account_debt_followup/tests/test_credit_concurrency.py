# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import threading
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged

from odoo.addons.account_debt_followup.models.debt_credit_guard import DebtCreditGuard


@tagged("post_install", "-at_install")
class TestCreditConcurrency(TransactionCase):
    """Two users confirm an order of 600 each for a customer with a limit of 1000, at the same
    moment, each in its own transaction (real cursors, threads, REPEATABLE READ), each retried
    by Odoo on a serialization error as an RPC call would be."""

    def setUp(self):
        super().setUp()
        # committed data: the two transactions must see it
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            self.user_ids = [
                env["res.users"]
                .create(
                    {
                        "name": f"Race salesperson {i}",
                        "login": f"race_salesperson_{i}",
                        "company_id": company.id,
                        "company_ids": [Command.set(company.ids)],
                        "groups_id": [Command.set(env.ref("sales_team.group_sale_salesman_all_leads").ids)],
                    }
                )
                .id
                for i in range(2)
            ]
            self.rule_id = (
                env["debt.credit.rule"]
                .create(
                    {
                        "name": "Race limit",
                        "rule_type": "credit_limit",
                        "action": "block",
                        "company_id": company.id,
                    }
                )
                .id
            )
            partner = env["res.partner"].create({"name": "Race Co", "is_company": True})
            partner.with_company(company).credit_limit = 1000.0
            self.partner_id = partner.id
            product = env["product.product"].create(
                {
                    "name": "Race item",
                    "type": "service",
                    "invoice_policy": "order",
                    "taxes_id": [Command.clear()],
                }
            )
            self.product_id = product.id
            self.order_ids = (
                env["sale.order"]
                .create(
                    [
                        {
                            "partner_id": partner.id,
                            "company_id": company.id,
                            "user_id": user_id,
                            "order_line": [Command.create({"product_id": product.id, "price_unit": 600.0})],
                        }
                        for user_id in self.user_ids
                    ]
                )
                .ids
            )
        self.addCleanup(self._remove_committed_data)

    def _remove_committed_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].browse(self.order_ids)
            orders.filtered(lambda o: o.state == "sale")._action_cancel()
            orders.unlink()
            env["debt.credit.guard"].search([("partner_id", "=", self.partner_id)]).unlink()
            env["debt.credit.rule"].browse(self.rule_id).unlink()
            env["product.product"].browse(self.product_id).unlink()
            env["res.users"].browse(self.user_ids).unlink()
            env["res.partner"].browse(self.partner_id).unlink()

    def _confirm_both_at_once(self):
        barrier = threading.Barrier(2, timeout=30)
        results = {}

        def confirm(user_id, order_id):
            with self.registry.cursor() as cr:
                env = api.Environment(cr, user_id, {})
                first_try = [True]

                def attempt():
                    order = env["sale.order"].browse(order_id)
                    order.read(["state", "amount_total"])  # the transaction's snapshot is taken here
                    if first_try[0]:
                        first_try[0] = False
                        barrier.wait()  # both snapshots taken before either confirms
                    order.action_confirm()

                try:
                    retrying(attempt, env)
                    results[order_id] = "confirmed"
                except UserError:
                    cr.rollback()
                    results[order_id] = "blocked"
                except Exception as error:  # reported by the test as an outcome
                    cr.rollback()
                    results[order_id] = f"error: {error!r}"

        threads = [
            threading.Thread(target=confirm, args=(user_id, order_id))
            for user_id, order_id in zip(self.user_ids, self.order_ids, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        return [results.get(order_id) for order_id in self.order_ids]

    def _committed_states(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return env["sale.order"].browse(self.order_ids).mapped("state")

    def test_two_concurrent_confirmations_never_both_pass(self):
        outcomes = self._confirm_both_at_once()
        self.assertEqual(sorted(outcomes), ["blocked", "confirmed"], outcomes)
        self.assertEqual(sorted(self._committed_states()), ["draft", "sale"])

    def test_without_the_guard_both_would_pass(self):
        """The race is real: with the guard write disabled, both orders go through."""
        with patch.object(DebtCreditGuard, "_touch", lambda self, pairs: None):
            outcomes = self._confirm_both_at_once()
        self.assertEqual(outcomes, ["confirmed", "confirmed"])
        self.assertEqual(self._committed_states(), ["sale", "sale"])
