# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DebtFollowupCommon

TODAY = "2024-06-30"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestFollowupRuns(DebtFollowupCommon):
    """The scheduled runs at scale: select once, claim, process in batches, one customer's error
    never stops the others. Saigon Lamps (USD) with a branch in Hanoi, Hanoi Trading (VND, no
    decimals); the job runs as OdooBot, whose company is neither of them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"child_ids": [Command.create({"name": "Branch Hai Phong"})]})
        cls.env.cr.precommit.run()  # the branch's accounting
        cls.branch = cls.company.child_ids
        cls.env.user.company_ids += cls.branch
        vnd = cls.env.ref("base.VND")
        vnd.active = True
        cls.company_vn = cls.setup_other_company(name="Hanoi Trading", currency_id=vnd.id)["company"]
        cls.template = cls.env.ref("account_debt_followup.mail_template_followup_reminder")
        cls.level = cls.env["debt.followup.level"].create(
            {
                "name": "Overdue",
                "delay": 10,
                "company_id": cls.company.id,
                "mail_template_id": cls.template.id,
            }
        )
        cls.level_vn = cls.env["debt.followup.level"].create(
            {
                "name": "Quá hạn",
                "delay": 10,
                "company_id": cls.company_vn.id,
                "mail_template_id": cls.template.id,
            }
        )
        cls.odoobot = cls.env.ref("base.user_root")

    def _customer(self, name, due="2024-06-01", company=None, amount=100.0, **values):
        partner = self.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "email": f"{name.lower().replace(' ', '.')}@example.vn",
                **values,
            }
        )
        if due:
            self._create_invoice(partner, amount, "2024-05-01", due_date=due, company=company)
        return partner

    def _mails_to(self, partner, subject=None):
        mails = self.env["mail.mail"].search([("recipient_ids", "in", partner.ids)])
        return mails.filtered(lambda mail: subject in (mail.subject or "")) if subject else mails

    def _run(self, method="_cron_debt_followup", **kwargs):
        Partner = self.env["res.partner"].with_user(self.odoobot)
        calls = 0
        while getattr(Partner, method)(**kwargs):
            calls += 1
            self.assertLess(calls, 50, "the scheduled run never ends")
        self.env.invalidate_all()
        return calls

    def _items(self, partner, kind="reminder"):
        return self.env["debt.followup.run.line"].search(
            [("partner_id", "=", partner.id), ("kind", "=", kind)]
        )

    # ------------------------------------------------------------------ select once, claim, process
    def test_run_selects_once_then_takes_batches(self):
        """Seven customers due, batches of two: four batches, and the ledger is read twice in
        the whole run (at its start, and once at its end for what became due meanwhile), not
        once a batch."""
        partners = [self._customer(f"Batch customer {i}") for i in range(7)]
        Partner = type(self.env["res.partner"])
        original = Partner._debt_followup_due
        selections = []

        def counting(model, company, partner_ids=None):
            if partner_ids is None:  # every customer (a batch checks its own customers)
                selections.append(company.id)
            return original(model, company, partner_ids)

        with patch.object(Partner, "_debt_followup_due", counting):
            calls = self._run(batch_size=2)
        self.assertEqual(calls, 4)
        self.assertEqual(len(selections), 2 * len(set(selections)), "one selection a company, twice a run")
        for partner in partners:
            self.assertEqual(len(self._mails_to(partner)), 1)
            self.assertRecordValues(
                self._items(partner),
                [{"state": "done", "company_id": self.company.id, "level_id": self.level.id}],
            )
        # the same day again: nothing selected, nothing sent
        self.assertEqual(self._run(batch_size=2), 0)
        self.assertEqual([len(self._mails_to(p)) for p in partners], [1] * 7)

    def test_the_helper_job_shares_a_large_run_and_never_selects(self):
        partners = [self._customer(f"Shared customer {i}") for i in range(5)]
        Partner = self.env["res.partner"].with_user(self.odoobot)
        self.assertEqual(Partner._cron_debt_run_help(batch_size=2), 0, "the helper never selects")
        items = self.env["debt.followup.run.line"].search([("partner_id", "in", [p.id for p in partners])])
        self.assertFalse(items)
        self.assertEqual(Partner._cron_debt_followup(batch_size=2), 2)
        # the helper takes batches beside the main job, the main job ends the run
        self.assertEqual(Partner._cron_debt_run_help(batch_size=2), 2)
        self._run(batch_size=2)
        self.assertEqual([len(self._mails_to(p)) for p in partners], [1] * 5)

    def test_without_job_queue_a_large_run_triggers_the_helper_job(self):
        # the module's own way, whether the job queue glue module is installed or not
        from ..models.res_partner_followup_run import ResPartner

        helper = self.env.ref("account_debt_followup.ir_cron_debt_run_help")
        Trigger = self.env["ir.cron.trigger"].sudo()
        before = Trigger.search([("cron_id", "=", helper.id)])
        Partner = self.env["res.partner"].with_user(self.odoobot)
        shared = ResPartner._debt_run_share(Partner, "reminder", fields.Date.to_date(TODAY), 50, 120)
        self.assertFalse(shared, "the main job goes on beside the helper")
        self.assertEqual(len(Trigger.search([("cron_id", "=", helper.id)]) - before), 1)

    def test_crash_mid_run_keeps_what_was_done_and_the_next_run_takes_the_rest(self):
        partners = [self._customer(f"Crash customer {i}") for i in range(5)]
        Partner = self.env["res.partner"].with_user(self.odoobot)
        self.assertEqual(Partner._cron_debt_followup(batch_size=2), 2)  # committed by Odoo
        with self.assertRaises(RuntimeError), self.cr.savepoint():
            Partner._cron_debt_followup(batch_size=2)
            raise RuntimeError("worker killed")
        self.env.invalidate_all()
        states = [self._items(partner).state for partner in partners]
        self.assertEqual(states, ["done", "done", "todo", "todo", "todo"])
        self._run(batch_size=2)
        self.assertEqual([len(self._mails_to(p)) for p in partners], [1] * 5)
        self.assertEqual({self._items(p).state for p in partners}, {"done"})

    def test_a_customer_paid_after_the_selection_is_not_reminded(self):
        first = self._customer("Aa first in line")
        paid = self._customer("Zz pays meanwhile")
        Partner = self.env["res.partner"].with_user(self.odoobot)
        self.assertEqual(Partner._cron_debt_followup(batch_size=1), 1)
        self.assertEqual(self._items(paid).state, "todo")
        invoice = self.env["account.move"].search([("partner_id", "=", paid.id)])
        self._register_payment(invoice, 100.0, TODAY)
        self._run(batch_size=1)
        self.assertEqual(len(self._mails_to(first)), 1)
        self.assertFalse(self._mails_to(paid))
        self.assertEqual(self._items(paid).state, "skipped")

    def test_a_collector_without_the_branch_is_told_not_refused(self):
        """The reminder lists the branch's items too: a collector who may not open the branch
        gets a clear message naming it, one who may gets the reminder."""
        customer = self._customer("Branch and main buyer")
        self._create_invoice(customer, 50.0, "2024-05-01", due_date="2024-06-01", company=self.branch)
        with self.assertRaisesRegex(UserError, "Branch Hai Phong"):
            customer.with_user(self.credit_user).action_debt_send_reminder()
        self.credit_user.company_ids += self.branch
        action = customer.with_user(self.credit_user).action_debt_send_reminder()
        self.assertEqual(action["res_model"], "debt.followup.send.wizard")

    def test_branch_vnd_company_and_reminded_by_hand_yesterday(self):
        branch_customer = self._customer("Branch buyer", company=self.branch)
        vn_customer = self._customer("Khach Ha Noi", company=self.company_vn, amount=2500000.0)
        by_hand = self._customer("Called yesterday")
        with freeze_time("2024-06-29"):
            by_hand._debt_followup_execute(self.level, self.company)
        self.assertEqual(len(self._mails_to(by_hand)), 1)
        self._run()
        self.assertRecordValues(
            self._items(branch_customer), [{"company_id": self.company.id, "state": "done"}]
        )
        self.assertRecordValues(
            self._items(vn_customer), [{"company_id": self.company_vn.id, "level_id": self.level_vn.id}]
        )
        self.assertIn("2,500,000&nbsp;₫", self._mails_to(vn_customer).body_html, "VND, no decimals")
        self.assertFalse(self._items(by_hand), "reminded yesterday, the minimum interval is 7 days")
        self.assertEqual(len(self._mails_to(by_hand)), 1)

    def test_a_run_on_a_past_date_is_its_own_run(self):
        customer = self._customer("Past date", due="2024-06-10")
        with freeze_time("2024-06-25"):
            self._run()
        self.assertEqual(self._items(customer).period, fields.Date.to_date("2024-06-25"))
        self._run()  # today: reminded 5 days ago, within the interval
        self.assertEqual(len(self._items(customer)), 1)
        self.assertEqual(len(self._mails_to(customer)), 1)

    # ------------------------------------------------------------------ poisoned customers
    def test_a_customer_whose_template_fails_does_not_stop_the_others(self):
        """The level's template reads the customer's reference: one customer has none, its
        reminder cannot be rendered. Every day it fails alone; the others are reminded, and each
        call of the job returns normally: Odoo's ``_run_job`` counts a failure (and deactivates
        the job after five) only when the call raises."""
        template = self.template.copy({"name": "Reference template"})
        template.body_html = '<p>Your account <t t-out="object.ref.upper()"/> is overdue.</p>'
        self.level.mail_template_id = template
        poisoned = self._customer("Aardvark without reference")
        fine = [self._customer(f"With reference {i}", ref=f"c-{i}") for i in range(3)]
        with mute_logger("odoo.addons.mail.models.mail_render_mixin"):
            self._run(batch_size=2)
        for partner in fine:
            self.assertEqual(len(self._mails_to(partner)), 1)
            self.assertIn(partner.ref.upper(), self._mails_to(partner).body_html)
        item = self._items(poisoned)
        self.assertEqual(item.state, "failed")
        self.assertTrue(item.error)
        self.assertEqual(poisoned.debt_followup_history_ids.state, "failed")
        self.assertIn("could not be sent", poisoned.message_ids[0].body)
        # not taken again the same day: one failed item, one report
        self.assertEqual(self._run(batch_size=2), 0)
        self.assertEqual(len(self._items(poisoned)), 1)
        # the next day, the reference written: sent
        poisoned.ref = "found"
        with freeze_time("2024-07-01"):
            self._run(batch_size=2)
        self.assertEqual(len(self._mails_to(poisoned)), 1)

    def test_a_database_error_of_one_customer_is_recorded_and_the_run_goes_on(self):
        """A database error that is not a concurrency one (here a NOT NULL violation, made by
        patching our own send method for one customer: no data of a real customer produces
        one today) is rolled back to that customer's savepoint and recorded."""
        poisoned = self._customer("Broken data")
        others = [self._customer(f"Healthy {i}") for i in range(3)]
        Partner = type(self.env["res.partner"])
        original = Partner._debt_followup_execute

        def execute(partner, level, company=None, **kwargs):
            if partner.id == poisoned.id:
                partner.env.cr.execute("INSERT INTO debt_followup_history (partner_id) VALUES (NULL)")
            return original(partner, level, company, **kwargs)

        with patch.object(Partner, "_debt_followup_execute", execute), mute_logger("odoo.sql_db"):
            self._run(batch_size=2)
        for partner in others:
            self.assertEqual(len(self._mails_to(partner)), 1)
        item = self._items(poisoned)
        self.assertEqual(item.state, "failed")
        self.assertIn("null value", item.error)
        self.assertFalse(self._mails_to(poisoned))

    def test_a_concurrency_error_aborts_the_batch_to_be_taken_again(self):
        from psycopg2 import errors

        partners = [self._customer(f"Serialized {i}") for i in range(2)]
        Partner = type(self.env["res.partner"])
        original = Partner._debt_followup_execute

        def execute(partner, level, company=None, **kwargs):
            if partner.id == partners[1].id:
                partner.env.cr.execute(
                    "DO $$ BEGIN RAISE EXCEPTION 'concurrent update' USING ERRCODE = '40001'; END $$"
                )
            return original(partner, level, company, **kwargs)

        with (
            patch.object(Partner, "_debt_followup_execute", execute),
            mute_logger("odoo.sql_db"),
            self.assertRaises(errors.SerializationFailure),
            self.cr.savepoint(),
        ):
            self.env["res.partner"].with_user(self.odoobot)._cron_debt_followup()
        self.env.invalidate_all()
        self.assertFalse(self._items(partners[0]), "the batch was rolled back whole, selection included")
        self._run()
        self.assertEqual([len(self._mails_to(p)) for p in partners], [1, 1])

    # ------------------------------------------------------------------ monthly statements
    def test_monthly_statements_catch_up_and_are_sent_once_a_month(self):
        not_due = self._customer("Not due yet", due="2024-07-20", debt_statement_monthly=True)
        overdue = self._customer("Overdue monthly", debt_statement_monthly=True)
        branch = self._customer("Branch monthly", company=self.branch, debt_statement_monthly=True)
        vn = self._customer(
            "Ha Noi monthly", company=self.company_vn, amount=1500000.0, debt_statement_monthly=True
        )
        nothing_open = self._customer("Nothing open", due=None, debt_statement_monthly=True)
        not_asking = self._customer("Not asking")
        no_email = self._customer("No address", debt_statement_monthly=True, email=False)
        with freeze_time("2024-07-03"):  # no run on the 1st: caught up on the 3rd
            self._run("_cron_debt_monthly_statements", batch_size=2)
            self._run("_cron_debt_monthly_statements", batch_size=2)  # a second run that month
        with freeze_time("2024-07-20"):
            self._run("_cron_debt_monthly_statements", batch_size=2)
        for partner in (not_due, overdue, branch):
            mails = self._mails_to(partner, "Statement of account")
            self.assertEqual(len(mails), 1, partner.name)
            self.assertEqual(self._items(partner, "statement").company_id, self.company)
        self.assertEqual(self._items(vn, "statement").company_id, self.company_vn)
        self.assertEqual(len(self._mails_to(vn, "Statement of account")), 1)
        self.assertFalse(self._mails_to(nothing_open) | self._mails_to(not_asking))
        self.assertEqual(self._items(no_email, "statement").state, "failed")
        self.assertIn("no email address", no_email.message_ids[0].body)
        history = not_due.debt_followup_history_ids
        self.assertEqual(history.channels, "statement")
        self.assertTrue(history.attachment_id.raw)
        # the address is given: the next day's run of the same month sends it, once
        no_email.email = "no.address@example.vn"
        with freeze_time("2024-07-21"):
            self._run("_cron_debt_monthly_statements", batch_size=2)
            self._run("_cron_debt_monthly_statements", batch_size=2)
        self.assertEqual(self._items(no_email, "statement").state, "done")
        self.assertEqual(len(self._mails_to(no_email, "Statement of account")), 1)
        self.assertEqual(len(self._mails_to(overdue, "Statement of account")), 1, "the others not again")
        with freeze_time("2024-08-01"):
            self._run("_cron_debt_monthly_statements", batch_size=2)
        self.assertEqual(len(self._mails_to(not_due, "Statement of account")), 2)

    def test_a_failing_statement_does_not_stop_a_later_company_day(self):
        """A statement that fails every day (no address) is tried again, and a company whose
        statement day comes later in the month is still selected and sent."""
        no_email = self._customer("Never an address", debt_statement_monthly=True, email=False)
        vn = self._customer(
            "Ha Noi tenth", company=self.company_vn, amount=1500000.0, debt_statement_monthly=True
        )
        self.company_vn.debt_statement_day = 10
        with freeze_time("2024-07-03"):
            self._run("_cron_debt_monthly_statements", batch_size=2)
        self.assertEqual(self._items(no_email, "statement").state, "failed")
        self.assertFalse(self._items(vn, "statement"))
        notes = len(no_email.message_ids)
        with freeze_time("2024-07-11"):
            self._run("_cron_debt_monthly_statements", batch_size=2)
        self.assertEqual(len(self._mails_to(vn, "Statement of account")), 1)
        self.assertEqual(self._items(no_email, "statement").state, "failed")
        self.assertEqual(len(no_email.message_ids), notes, "the failure is said once a month")

    def test_monthly_statements_wait_for_the_company_day(self):
        customer = self._customer("Fifth of the month", debt_statement_monthly=True)
        self.company.debt_statement_day = 5
        with freeze_time("2024-07-04"):
            self._run("_cron_debt_monthly_statements")
        self.assertFalse(self._mails_to(customer))
        with freeze_time("2024-07-06"):
            self._run("_cron_debt_monthly_statements")
        self.assertEqual(len(self._mails_to(customer)), 1)
        with self.assertRaises(ValidationError):
            self.company.debt_statement_day = 31

    def test_statement_pdfs_are_rendered_once_a_batch(self):
        customers = [self._customer(f"Rendered {i}", debt_statement_monthly=True) for i in range(3)]
        Report = type(self.env["ir.actions.report"])
        original = Report._debt_render_pdf_per_record
        batches = []

        def render(report_model, report_ref, res_ids, data=None):
            batches.append(list(res_ids))
            return original(report_model, report_ref, res_ids, data=data)

        with patch.object(Report, "_debt_render_pdf_per_record", render), freeze_time("2024-07-01"):
            self._run("_cron_debt_monthly_statements", batch_size=2)
        self.assertEqual(sorted(sum(batches, [])), sorted(c.id for c in customers))
        self.assertEqual([len(batch) for batch in batches], [2, 1])

    # ------------------------------------------------------------------ rating
    def test_rating_run_isolates_a_failing_customer(self):
        self.company.debt_rating_auto = True
        late = [self._customer(f"Late payer {i}", due="2024-01-31") for i in range(3)]
        for partner in late:
            partner.trust = "good"
        Partner = type(self.env["res.partner"])
        original = Partner._debt_set_trust

        def set_trust(partner, trust, reason, by_hand=False):
            if partner.id == late[0].id:
                partner.env.cr.execute("INSERT INTO debt_followup_history (partner_id) VALUES (NULL)")
            return original(partner, trust, reason, by_hand=by_hand)

        with patch.object(Partner, "_debt_set_trust", set_trust), mute_logger("odoo.sql_db"):
            self._run("_cron_debt_rating", batch_size=2)
        self.assertEqual([p.trust for p in late], ["good", "bad", "bad"])
        self.assertEqual(self._items(late[0], "rating").state, "failed")
