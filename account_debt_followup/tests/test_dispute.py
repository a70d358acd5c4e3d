# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import DebtFollowupCommon

TODAY = "2024-06-30"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDispute(DebtFollowupCommon):
    """A dispute case opened from a call takes its items out of the reminders and the overdue
    rules until it is released or resolved."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        template = cls.env.ref("account_debt_followup.mail_template_followup_reminder")
        cls.level = cls.env["debt.followup.level"].create(
            {"name": "Overdue", "delay": 1, "company_id": cls.company.id, "mail_template_id": template.id}
        )
        cls.env["debt.credit.rule"].create(
            {
                "name": "Pays late",
                "rule_type": "overdue_amount",
                "threshold_amount": 0.0,
                "action": "block",
                "company_id": cls.company.id,
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Disputing Co", "is_company": True, "email": "ketoan@disputing.vn"}
        )
        cls.contact = cls.env["res.partner"].create({"name": "Anh Minh", "parent_id": cls.customer.id})
        cls.invoice = cls._create_invoice(cls.customer, 800.0, "2024-05-01", due_date="2024-05-31")
        cls.item = cls.invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        cls.revenue = cls.company_data["default_account_revenue"]

    def _call(self, **values):
        return (
            self.env["debt.call.wizard"]
            .with_user(self.credit_user)
            .with_context(active_id=self.contact.id)
            .create(dict({"note": "Says two boxes were missing"}, **values))
        )

    def _dispute_by_call(self):
        self._call(
            outcome="dispute", dispute_reason="quantity", line_ids=[Command.set(self.item.ids)]
        ).action_log()
        return self.env["debt.dispute"].search([("partner_id", "=", self.customer.id)])

    def _due(self):
        return [partner for partner, _level in self.env["res.partner"]._debt_followup_due(self.company)]

    def _quotation(self):
        return self._create_order(self.customer, 100.0, confirm=False).with_user(self.salesman_contacts)

    def test_a_dispute_from_a_call_stops_reminders_and_the_overdue_rule_until_released(self):
        self.assertIn(self.customer.id, self._due())
        with self.assertRaises(UserError):
            self._quotation().action_confirm()

        dispute = self._dispute_by_call()
        self.assertEqual(
            (dispute.state, dispute.source, dispute.reason, dispute.amount, dispute.line_ids),
            ("open", "call", "quantity", 800.0, self.item),
        )
        self.assertTrue(dispute.name.startswith("DSP/"))
        self.assertEqual(dispute.user_id, self.credit_user)
        self.assertTrue(self.item.debt_disputed)
        self.assertFalse(self.item.followup_excluded)  # the hand-set exclusion is not the case's
        self.assertNotIn(self.customer.id, self._due())
        # the scheduled run sends no reminder to the customer
        self.env["res.partner"]._cron_debt_followup()
        self.assertFalse(self.env["mail.mail"].search([("recipient_ids", "in", self.customer.ids)]))
        figures = self.customer._get_debt_figures(self.company)[self.customer.id]
        self.assertEqual((figures["open"], figures["disputed"], figures["overdue"]), (800.0, 800.0, 0.0))
        order = self._quotation()
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        # the call is in the history with the item discussed
        history = self.customer.debt_followup_history_ids
        self.assertEqual(history.line_ids, self.item)

        # nobody brings the item back by hand while the case is open
        with self.assertRaises(UserError):
            self.item.with_user(self.credit_user).followup_excluded = False

        dispute.with_user(self.credit_user).action_release()
        self.assertEqual((dispute.state, dispute.resolution), ("resolved", "release"))
        self.assertFalse(self.item.debt_disputed)
        self.assertEqual(self.customer._get_followup_lines(self.company), self.item)
        figures = self.customer._get_debt_figures(self.company)[self.customer.id]
        self.assertEqual((figures["disputed"], figures["overdue"]), (0.0, 800.0))
        with self.assertRaises(UserError):
            self._quotation().action_confirm()
        # the call counted as a contact today: the next run after the minimum interval reminds it
        with freeze_time("2024-07-08"):
            self.assertIn(self.customer.id, self._due())

    def test_a_dispute_from_a_call_needs_the_items(self):
        with self.assertRaises(UserError):
            self._call(outcome="dispute").action_log()
        self.assertFalse(self.env["debt.dispute"].search([("partner_id", "=", self.customer.id)]))

    def test_a_credit_note_resolves_the_dispute(self):
        dispute = self._dispute_by_call()
        dispute.amount = 300.0  # partial: only part of the invoice is disputed
        action = dispute.with_user(self.credit_user).action_credit_note()
        reversal = (
            self.env["account.move.reversal"]
            .with_user(self.credit_user)
            .with_context(**action["context"])
            .create({"journal_id": self.invoice.journal_id.id, "date": TODAY})
        )
        reversal.refund_moves()
        credit_note = dispute.resolution_move_ids
        self.assertEqual((credit_note.move_type, credit_note.state), ("out_refund", "draft"))
        self.assertEqual(dispute.state, "open")
        credit_note.invoice_line_ids.price_unit = 300.0
        credit_note.action_post()
        self.assertEqual((dispute.state, dispute.resolution), ("resolved", "credit_note"))
        self.assertEqual(self.item.amount_residual, 500.0)
        self.assertFalse(self.item.debt_disputed)

    def test_a_credit_note_of_another_invoice_does_not_resolve_the_case(self):
        dispute = self._dispute_by_call()
        other = self._create_invoice(self.customer, 300.0, "2024-06-01", due_date="2024-06-10")
        context = dict(
            dispute.with_user(self.credit_user).action_credit_note()["context"], active_ids=other.ids
        )
        reversal = (
            self.env["account.move.reversal"]
            .with_user(self.credit_user)
            .with_context(**context)
            .create({"journal_id": other.journal_id.id, "date": TODAY})
        )
        with self.assertRaises(UserError):
            reversal.refund_moves()
        self.assertFalse(dispute.resolution_move_ids)
        self.assertFalse(other.reversal_move_ids)

    def test_a_write_off_is_posted_by_the_accountant_and_resolves_the_dispute(self):
        dispute = self._dispute_by_call()
        with self.assertRaises(UserError):
            dispute.action_write_off()
        dispute.write_off_account_id = self.company_data["default_account_expense"]
        entry = self.env["account.move"].browse(dispute.action_write_off()["res_id"])
        self.assertEqual(entry.state, "draft")
        self.assertEqual(dispute.state, "open")
        entry.action_post()
        self.assertEqual((dispute.state, dispute.resolution), ("resolved", "write_off"))
        self.assertTrue(self.item.reconciled)

    def test_the_disputed_amount_is_at_most_what_the_items_owe(self):
        with self.assertRaises(ValidationError):
            self.env["debt.dispute"].create(
                {
                    "partner_id": self.customer.id,
                    "line_ids": [Command.set(self.item.ids)],
                    "amount": 900.0,
                    "description": "More than owed",
                }
            )
        other = self.env["res.partner"].create({"name": "Other Co", "is_company": True})
        with self.assertRaises(ValidationError):
            self.env["debt.dispute"].create(
                {"partner_id": other.id, "line_ids": [Command.set(self.item.ids)], "description": "Not its"}
            )

    def test_a_dispute_from_the_invoice_and_the_deadline_activity(self):
        action = self.invoice.with_user(self.credit_user).action_debt_open_dispute()
        context = action["context"]
        dispute = (
            self.env["debt.dispute"]
            .with_user(self.credit_user)
            .with_context(**context)
            .create({"description": "Price differs from the quotation", "date_deadline": "2024-07-15"})
        )
        self.assertEqual((dispute.line_ids, dispute.source), (self.item, "item"))
        activity = dispute.activity_ids
        self.assertEqual((str(activity.date_deadline), activity.user_id), ("2024-07-15", self.credit_user))
        self.assertEqual(self.invoice.with_user(self.billing_clerk).debt_dispute_ids, dispute)
        dispute.action_cancel()
        self.invoice.invalidate_recordset()
        self.assertFalse(self.invoice.debt_dispute_ids)
        self.assertFalse(dispute.activity_ids)
        self.assertFalse(self.item.debt_disputed)

    def test_disputed_items_in_the_credit_limit_per_setting(self):
        self.customer.credit_limit = 850.0
        self._dispute_by_call()
        self.env["debt.credit.rule"].search([("company_id", "=", self.company.id)]).active = False
        self.env["debt.credit.rule"].create(
            {"name": "Limit", "rule_type": "credit_limit", "action": "block", "company_id": self.company.id}
        )
        self.assertTrue(self.company.debt_dispute_in_credit_rules)
        with self.assertRaises(UserError):
            self._quotation().action_confirm()  # 800 disputed + 100 > 850
        self.company.debt_dispute_in_credit_rules = False
        order = self._quotation()
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_a_billing_clerk_cannot_rewire_the_items_of_a_case(self):
        dispute = self._dispute_by_call()
        other = self._create_invoice(self.customer, 300.0, "2024-06-01", due_date="2024-06-10")
        other_item = other.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        clerk_items = (self.item | other_item).with_user(self.billing_clerk)
        with self.assertRaises(AccessError):
            clerk_items[1].write({"debt_dispute_ids": [Command.link(dispute.id)]})
        with self.assertRaises(AccessError):
            clerk_items[0].write({"debt_dispute_ids": [Command.clear()]})
        with self.assertRaises(AccessError):
            clerk_items[0].write({"debt_disputed": False})
        # nor a credit controller, even with the context key the cases used to pass
        with self.assertRaises(AccessError):
            self.item.with_user(self.credit_user).with_context(debt_dispute_sync=True).write(
                {"debt_disputed": False}
            )
        with self.assertRaises(UserError):
            self.item.with_user(self.credit_user).with_context(debt_dispute_sync=True).write(
                {"followup_excluded": True, "followup_exclusion_reason": "Bypass"}
            )
        self.assertEqual(
            (dispute.line_ids, self.item.debt_disputed, other_item.debt_disputed), (self.item, True, False)
        )

    def test_an_exclusion_set_by_hand_survives_a_case(self):
        self.item.with_user(self.credit_user).write(
            {"followup_excluded": True, "followup_exclusion_reason": "Legal proceedings"}
        )
        dispute = self._dispute_by_call()
        self.assertEqual(
            (self.item.followup_excluded, self.item.followup_exclusion_reason, self.item.debt_disputed),
            (True, "Legal proceedings", True),
        )
        dispute.with_user(self.credit_user).action_cancel()
        self.assertEqual(
            (self.item.followup_excluded, self.item.followup_exclusion_reason, self.item.debt_disputed),
            (True, "Legal proceedings", False),
        )
        # still out of reminders and overdue: the ledger reads either flag
        self.assertNotIn(self.customer.id, self._due())
        figures = self.customer._get_debt_figures(self.company)[self.customer.id]
        self.assertEqual((figures["disputed"], figures["overdue"]), (800.0, 0.0))

    def test_who_sees_disputes(self):
        dispute = self._dispute_by_call()
        self.assertEqual(dispute.with_user(self.billing_clerk).read(["name"])[0]["name"], dispute.name)
        with self.assertRaises(AccessError):
            dispute.with_user(self.billing_clerk).action_release()
        with self.assertRaises(AccessError):
            dispute.with_user(self.salesman_contacts).read(["name"])
        with self.assertRaises(AccessError):
            self.env["debt.dispute"].with_user(self.billing_clerk).create(
                {"partner_id": self.customer.id, "line_ids": [Command.set(self.item.ids)], "description": "x"}
            )

    def test_the_statement_marks_disputed_items(self):
        self._dispute_by_call()
        undisputed = self._create_invoice(self.customer, 40.0, "2024-06-01", due_date="2024-06-10")
        self._render_real_pdfs()
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "account_debt_followup.action_report_statement",
                self.customer.ids,
                data={"company_id": self.company.id, "date_to": TODAY},
            )
        )
        self.assertEqual(kind, "pdf")
        text = self._pdf_text(pdf)
        # one item disputed, marked once, on its own line (not on the other invoice's)
        self.assertEqual(text.count("(disputed"), 1)
        other_line = next(line for line in text.splitlines() if undisputed.name in line)
        self.assertNotIn("disputed", other_line)
        self.assertIn(self.invoice.name, text)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDisputeCompanies(DebtFollowupCommon):
    """A case of the main company covers an invoice of its branch; a company in VND (no decimals)
    has its own cases, out of reach of a user of the first company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"child_ids": [Command.create({"name": "Branch Hai Phong"})]})
        cls.env.cr.precommit.run()  # the branch's accounting
        cls.branch = cls.company.child_ids
        cls.env.user.company_ids += cls.branch
        cls.credit_user.company_ids += cls.branch
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=(cls.company | cls.branch).ids))
        cls.customer = cls.env["res.partner"].create({"name": "Branch Buyer", "is_company": True})
        cls.invoice = cls._create_invoice(
            cls.customer, 600.0, "2024-05-01", due_date="2024-05-31", company=cls.branch
        )
        cls.item = cls.invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")

    def test_a_case_of_the_main_company_covers_a_branch_invoice(self):
        dispute = (
            self.env["debt.dispute"]
            .with_user(self.credit_user)
            .with_context(allowed_company_ids=(self.company | self.branch).ids)
            .create(
                {
                    "partner_id": self.customer.id,
                    "line_ids": [Command.set(self.item.ids)],
                    "description": "Delivered to the wrong warehouse",
                }
            )
        )
        self.assertEqual(dispute.company_id, self.company)
        figures = self.customer._get_debt_figures(self.company)[self.customer.id]
        self.assertEqual((figures["disputed"], figures["overdue"]), (600.0, 0.0))
        with self.assertRaises(ValidationError):
            dispute.company_id = self.branch

    def test_a_vnd_company_keeps_its_cases(self):
        vn = self._setup_vn_company()
        self.env.user.company_ids += vn
        customer = self.env["res.partner"].create({"name": "Công ty Sao Khuê", "is_company": True})
        invoice = self._create_invoice(customer, 12_345_678, "2024-05-01", due_date="2024-05-31", company=vn)
        item = invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        dispute = (
            self.env["debt.dispute"]
            .with_context(allowed_company_ids=vn.ids)
            .create(
                {
                    "partner_id": customer.id,
                    "company_id": vn.id,
                    "line_ids": [Command.set(item.ids)],
                    "amount": 2_000_000,
                    "description": "Giao thiếu 2 thùng",
                }
            )
        )
        self.assertEqual(
            (dispute.amount, dispute.open_amount, dispute.currency_id.name), (2_000_000, 12_345_678, "VND")
        )
        figures = customer._get_debt_figures(vn)[customer.id]
        self.assertEqual(figures["disputed"], 12_345_678)  # the item is disputed whole
        # a credit controller of the first company does not see it
        self.assertFalse(
            self.env["debt.dispute"].with_user(self.credit_user).search([("id", "=", dispute.id)])
        )
        # an item of another company cannot be put in a case of the first one
        with self.assertRaises(ValidationError):
            self.env["debt.dispute"].create(
                {
                    "partner_id": customer.id,
                    "line_ids": [Command.set(item.ids)],
                    "description": "Wrong company",
                }
            )
