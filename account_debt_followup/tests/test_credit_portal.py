# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import io
import json

from PIL import Image

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger


def _png_signature():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


@tagged("post_install", "-at_install")
class TestCreditPortal(HttpCase):
    """The customer signs a blocked quotation on the portal, through the real route."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["debt.credit.rule"].create(
            {
                "name": "Over credit limit",
                "rule_type": "credit_limit",
                "action": "block",
                "company_id": cls.env.company.id,
            }
        )
        cls.manager = cls.env["res.users"].create(
            {
                "name": "Credit Boss",
                "login": "credit_boss",
                "groups_id": [Command.set(cls.env.ref("account_debt_followup.group_credit_manager").ids)],
            }
        )
        cls.customer = cls.env["res.partner"].create({"name": "Portal Debtor", "is_company": True})
        cls.customer.credit_limit = 100.0
        cls.customer.debt_followup_responsible_id = cls.manager
        product = cls.env["product.product"].create(
            {"name": "Item", "type": "service", "taxes_id": [Command.clear()]}
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "require_signature": True,
                "require_payment": False,
                "order_line": [Command.create({"product_id": product.id, "price_unit": 500.0})],
            }
        )
        cls.order.action_quotation_sent()

    def _accept(self):
        response = self.url_open(
            f"/my/orders/{self.order.id}/accept",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "access_token": self.order._portal_ensure_token(),
                        "name": "Nguyễn Văn An",
                        "signature": _png_signature(),
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_signed_blocked_quotation_is_not_confirmed_and_a_manager_is_asked(self):
        result = self._accept()
        self.assertNotIn("error", result)
        self.assertEqual(self.order.signed_by, "Nguyễn Văn An")
        self.assertEqual(self.order.state, "sent", "the signed order waits for the credit approval")
        self.assertTrue(self.order.debt_approval_requested)
        self.assertEqual(self.order.activity_ids.user_id, self.manager)

    def test_signed_quotation_within_the_limit_is_confirmed(self):
        self.customer.credit_limit = 10000.0
        self._accept()
        self.assertEqual(self.order.state, "sale")

    def _call_kw(self, model, method, args, kwargs=None):
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    @mute_logger("odoo.http")  # each refusal is logged as a warning, as it should
    def test_the_portal_customer_reads_no_internal_figure_of_its_orders(self):
        contact = self.env["res.partner"].create({"name": "Anh Minh", "parent_id": self.customer.id})
        new_test_user(self.env, login="portal_debtor", groups="base.group_portal", partner_id=contact.id)
        self.customer.trust = "bad"
        self.authenticate("portal_debtor", "portal_debtor")
        # the customer reads its order over RPC, as the portal lets it
        result = self._call_kw("sale.order", "read", [[self.order.id], ["name", "amount_total"]])
        self.assertEqual(result["result"][0]["name"], self.order.name)
        internal = [
            "debt_partner_credit_limit",
            "debt_partner_exposure",
            "debt_partner_exposure_after",
            "debt_partner_overdue",
            "debt_partner_days_overdue",
            "debt_partner_trust",
            "debt_credit_issues",
            "debt_credit_state",
            "debt_approval_requested",
            "debt_approval_requested_amount",
            "debt_approval_requested_by",
        ]
        for field in internal:
            for method, args, kwargs in (
                ("read", [[self.order.id], [field]], {}),
                ("search_read", [[("id", "=", self.order.id)]], {"fields": [field]}),
                ("web_read", [[self.order.id]], {"specification": {field: {}}}),
            ):
                result = self._call_kw("sale.order", method, args, kwargs)
                self.assertIn("error", result, f"{method} of {field}")
                self.assertEqual(result["error"]["data"]["name"], "odoo.exceptions.AccessError")
                text = json.dumps(result)
                self.assertNotIn("Bad Debtor", text)
                self.assertNotIn("Over credit limit", text)
                self.assertNotIn("100.0", text)

    def test_portal_customer_cannot_ask_for_an_approval_over_rpc(self):
        contact = self.env["res.partner"].create({"name": "Chi Lan", "parent_id": self.customer.id})
        new_test_user(self.env, login="portal_asker", groups="base.group_portal", partner_id=contact.id)
        self.authenticate("portal_asker", "portal_asker")
        result = self._call_kw("sale.order", "read", [[self.order.id], ["name"]])
        self.assertEqual(result["result"][0]["name"], self.order.name, "it reads its order")
        with self.assertLogs("odoo.http", "WARNING") as logs:  # Odoo logs the refusals of RPC calls
            answer = self._call_kw("sale.order", "action_debt_request_approval", [[self.order.id]])
        self.assertIn("Only our staff can ask for a credit approval", logs.output[0])
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.AccessError")
        self.assertFalse(self.order.activity_ids)
        self.assertFalse(self.order.debt_approval_requested)
