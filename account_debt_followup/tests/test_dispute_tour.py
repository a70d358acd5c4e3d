# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import shutil

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestDisputeTour(HttpCase):
    """The collector's path in headless Chromium: a call where the customer disputes an invoice,
    the dispute case it opened, released once the customer accepts the debt."""

    def test_collector_opens_a_dispute_from_a_call_and_releases_it(self):
        self.assertTrue(
            shutil.which("chromium") or shutil.which("google-chrome"), "Chromium is needed for the tours"
        )
        collector = new_test_user(
            self.env,
            login="tour_collector",
            name="Tour Collector",
            groups="base.group_user,base.group_partner_manager,account_debt_followup.group_credit_user",
        )
        customer = self.env["res.partner"].create({"name": "Tour Disputer", "is_company": True})
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": fields.Date.add(fields.Date.today(), days=-40),
                "invoice_date_due": fields.Date.add(fields.Date.today(), days=-10),
                "invoice_line_ids": [Command.create({"name": "Chairs", "price_unit": 450.0, "tax_ids": []})],
            }
        )
        invoice.action_post()
        item = invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        self.start_tour(
            f"/odoo/action-base.action_partner_form/{customer.id}",
            "account_debt_followup_collector_dispute",
            login="tour_collector",
        )
        dispute = self.env["debt.dispute"].search([("partner_id", "=", customer.id)])
        self.assertEqual((dispute.source, dispute.line_ids, dispute.user_id), ("call", item, collector))
        self.assertEqual((dispute.state, dispute.resolution), ("resolved", "release"))
        self.assertFalse(item.debt_disputed)
        self.assertIn("Two chairs arrived broken", customer.debt_followup_history_ids.note)
