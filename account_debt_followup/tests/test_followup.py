# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import DebtFollowupCommon

TODAY = "2024-06-30"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestFollowup(DebtFollowupCommon):
    """Levels at -3 (courtesy), 0, +15, +60 (automatic) and +90 days (manual). Today 2024-06-30."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env.ref("account_debt_followup.mail_template_followup_reminder")
        Level = cls.env["debt.followup.level"]
        common = {"company_id": cls.company.id, "mail_template_id": cls.template.id}
        cls.level_courtesy = Level.create({"name": "Courtesy", "delay": -3, **common})
        cls.level_due = Level.create({"name": "Due", "delay": 0, "send_letter": True, **common})
        cls.level_call = Level.create(
            {
                "name": "Call",
                "delay": 15,
                "create_activity": True,
                "activity_type_id": cls.env.ref("mail.mail_activity_data_call").id,
                **common,
            }
        )
        cls.level_letter = Level.create({"name": "Letter", "delay": 60, "send_letter": True, **common})
        cls.level_legal = Level.create(
            {
                "name": "Legal",
                "delay": 90,
                "send_email": False,
                "auto_execute": False,
                "create_activity": True,
                "activity_type_id": cls.env.ref("mail.mail_activity_data_todo").id,
                **common,
            }
        )

    def _customer(self, name, *due_dates, email=True, amount=100.0):
        partner = self.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "email": email and f"{name.lower().replace(' ', '.')}@example.vn",
            }
        )
        for due in due_dates:
            self._create_invoice(partner, amount, "2024-01-01", due_date=due)
        partner.invalidate_recordset()
        return partner

    def _mails_to(self, partner):
        return self.env["mail.mail"].search([("recipient_ids", "in", partner.ids)])

    def _run_cron_until_done(self, batch_size=50, user=None):
        Partner = self.env["res.partner"].with_user(user or self.env.user)
        runs = 0
        while Partner._cron_debt_followup(batch_size=batch_size):
            runs += 1
            self.assertLess(runs, 50, "the scheduled run never ends")
        self.env.invalidate_all()
        return runs

    # ------------------------------------------------------------------ configuration
    def test_bad_configuration_is_rejected(self):
        with self.assertRaises(ValidationError):
            self.env["debt.followup.level"].create({"name": "No template", "delay": 5, "send_email": True})
        other_template = self.env["mail.template"].create(
            {"name": "Invoice template", "model_id": self.env.ref("account.model_account_move").id}
        )
        with self.assertRaises(ValidationError):
            self.env["debt.followup.level"].create(
                {"name": "Wrong model", "delay": 5, "mail_template_id": other_template.id}
            )
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):  # same delay twice
            self.env["debt.followup.level"].create(
                {"name": "Twin", "delay": 15, "mail_template_id": self.template.id}
            )

    # ------------------------------------------------------------------ levels and status
    def test_levels_with_negative_zero_and_positive_delays(self):
        cases = [
            ("Not yet", "2024-07-10", False),  # due in 10 days: before the courtesy reminder
            ("Courtesy", "2024-07-02", self.level_courtesy),  # due in 2 days
            ("Due", "2024-06-30", self.level_due),  # due today
            ("Late", "2024-06-10", self.level_call),  # 20 days late
            ("Very late", "2024-04-15", self.level_letter),  # 76 days late
            ("Legal", "2024-03-01", self.level_legal),  # 121 days late
        ]
        for name, due, level in cases:
            partner = self._customer(name, due)
            self.assertEqual(partner.debt_followup_level_id, level or self.env["debt.followup.level"], name)
            expected_status = "in_need_of_action" if level else "no_action"
            self.assertEqual(partner.debt_followup_status, expected_status, name)
        self.assertTrue(self._customer("Legal 2", "2024-03-01").debt_followup_manual)

    def test_excluded_lines_are_ignored(self):
        partner = self._customer("Disputed", "2024-04-15", "2024-06-10")
        disputed = partner._get_followup_lines().filtered(
            lambda line: line.date_maturity == fields.Date.to_date("2024-04-15")
        )
        with self.assertRaises(ValidationError):
            disputed.followup_excluded = True  # a reason is required
        disputed.write({"followup_excluded": True, "followup_exclusion_reason": "Goods returned, disputed"})
        partner.invalidate_recordset()
        self.assertEqual(partner.debt_followup_level_id, self.level_call)
        self.assertNotIn(disputed, partner._get_followup_lines())
        self._run_cron_until_done()
        self.assertFalse(disputed.followup_level_id)

    def test_only_credit_control_excludes_an_item_and_the_entry_says_so(self):
        partner = self._customer("Clerk Dispute", "2024-04-15", "2024-06-10")
        item = partner._get_followup_lines().filtered(
            lambda line: line.date_maturity == fields.Date.to_date("2024-04-15")
        )
        clerk_item = item.with_user(self.billing_clerk)
        with self.assertRaises(AccessError):
            clerk_item.write(
                {"followup_excluded": True, "followup_exclusion_reason": "Disputed, says the clerk"}
            )
        with self.assertRaises(AccessError):
            clerk_item.followup_exclusion_reason = "Changed"
        self.assertFalse(item.followup_excluded)
        item.with_user(self.credit_user).write(
            {"followup_excluded": True, "followup_exclusion_reason": "Goods returned, disputed"}
        )
        self.assertTrue(item.followup_excluded)
        note = item.move_id.message_ids.filtered(lambda m: "excluded" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Goods returned, disputed", note.body)
        self.assertIn(self.credit_user.name, note.body)

    # ------------------------------------------------------------------ executing
    def test_reminder_queues_a_mail_schedules_the_call_and_records_everything(self):
        partner = self._customer("Late Payer", "2024-06-10")
        partner.debt_followup_responsible_id = self.credit_user
        history = partner._debt_followup_execute(self.level_call)
        mail = self._mails_to(partner)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing", "queued, never sent inside the transaction")
        self.assertIn("Payment reminder", mail.subject)
        activity = partner.activity_ids
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(activity.user_id, self.credit_user)
        self.assertRecordValues(
            history,
            [
                {
                    "level_id": self.level_call.id,
                    "channels": "email, activity",
                    "amount_due": 100.0,
                    "amount_overdue": 100.0,
                }
            ],
        )
        line = history.line_ids
        self.assertEqual(line.followup_level_id, self.level_call)
        self.assertEqual(line.followup_date, fields.Date.to_date(TODAY))
        self.assertIn("Reminder “Call”", line.move_id.message_ids[0].body)
        partner.invalidate_recordset()
        self.assertEqual(partner.debt_followup_status, "with_overdue_invoices")
        self.assertEqual(
            partner.debt_followup_next_action_date, fields.Date.to_date("2024-08-14")
        )  # +45 days
        self.assertEqual(partner.debt_followup_last_date, fields.Date.to_date(TODAY))

    def test_letter_is_attached(self):
        partner = self._customer("Due Today", "2024-06-30")
        history = partner._debt_followup_execute(self.level_due)
        self.assertTrue(history.attachment_id)
        self.assertIn(history.attachment_id, self._mails_to(partner).attachment_ids)
        self.assertIn(b"Payment Reminder", history.attachment_id.raw)
        self.assertEqual(
            (history.attachment_id.res_model, history.attachment_id.res_id),
            ("debt.followup.history", history.id),
            "kept on the history, not on the contact",
        )

    # ------------------------------------------------------------------ the scheduled run
    def test_cron_twice_sends_one_mail_per_customer(self):
        partners = [self._customer(f"Customer {i}", "2024-06-10") for i in range(3)]
        self._run_cron_until_done()
        self._run_cron_until_done()
        for partner in partners:
            self.assertEqual(len(self._mails_to(partner)), 1)

    def test_cron_interrupted_then_resumed_sends_each_reminder_once(self):
        partners = [self._customer(f"Batch {i}", "2024-06-10") for i in range(5)]
        Partner = self.env["res.partner"]
        self.assertEqual(Partner._cron_debt_followup(batch_size=2), 2)  # first batch committed
        with self.assertRaises(RuntimeError), self.cr.savepoint():  # second batch crashes
            Partner._cron_debt_followup(batch_size=2)
            raise RuntimeError("server killed")
        self.env.invalidate_all()
        self._run_cron_until_done(batch_size=2)
        self.assertEqual([len(self._mails_to(partner)) for partner in partners], [1] * 5)

    def test_cron_reports_progress(self):
        for i in range(3):
            self._customer(f"Progress {i}", "2024-06-10")
        progress = self.env["ir.cron.progress"].create(
            {"cron_id": self.env.ref("account_debt_followup.ir_cron_debt_followup").id}
        )
        self.env["res.partner"].with_context(ir_cron_progress_id=progress.id)._cron_debt_followup(
            batch_size=2
        )
        self.assertRecordValues(progress, [{"done": 2, "remaining": 1}])

    def test_cron_leaves_manual_levels_to_people(self):
        partner = self._customer("Legal Case", "2024-03-01")
        self._run_cron_until_done()
        self.assertFalse(self._mails_to(partner))
        self.assertFalse(partner.debt_followup_history_ids)

    def test_minimum_interval_between_reminders(self):
        partner = self._customer("Reminded", "2024-06-10")
        # a reminder sent 3 days ago (the history is written by the reminders only)
        self.env["debt.followup.history"].sudo().create(
            {
                "partner_id": partner.id,
                "company_id": self.company.id,
                "level_id": self.level_due.id,
                "date": "2024-06-27",
            }
        )
        self._run_cron_until_done()
        self.assertFalse(self._mails_to(partner), "reminded 3 days ago, the minimum is 7")
        wizard = Form(self.env["debt.followup.send.wizard"].with_context(default_partner_id=partner.id))
        self.assertIn("less than 7 days ago", wizard.warning)

    def test_failing_customer_is_logged_and_the_run_goes_on(self):
        no_email = self._customer("No Email", "2024-06-10", email=False)
        fine = self._customer("Fine", "2024-06-10")
        self._run_cron_until_done()
        self.assertEqual(len(self._mails_to(fine)), 1)
        failed = no_email.debt_followup_history_ids
        self.assertEqual(failed.state, "failed")
        self.assertIn("has no email address", failed.note)
        self.assertIn("could not be sent", no_email.message_ids[0].body)

    def test_failure_is_reported_once_to_a_credit_manager_then_sent_when_fixed(self):
        odoobot = self.env.ref("base.user_root")
        customer = self._customer("No Email Yet", "2024-06-10", email=False)
        for day in ("2024-06-30", "2024-07-01", "2024-07-02"):
            with freeze_time(day):
                self._run_cron_until_done(user=odoobot)  # the real job's user
        failed = customer.debt_followup_history_ids
        self.assertRecordValues(failed, [{"state": "failed", "level_id": self.level_call.id}])
        self.assertEqual(failed.date, fields.Date.to_date("2024-07-02"), "the day of the last attempt")
        notes = customer.message_ids.filtered(lambda m: "could not be sent" in (m.body or ""))
        self.assertEqual(len(notes), 1, "reported once, not every day")
        todo = customer.activity_ids
        self.assertEqual(len(todo), 1)
        self.assertIn("Reminder not sent", todo.summary)
        self.assertNotEqual(todo.user_id, odoobot)
        self.assertTrue(todo.user_id.has_group("account_debt_followup.group_credit_manager"))
        self.assertIn(self.company, todo.user_id.company_ids)

        customer.email = "found@example.vn"
        with freeze_time("2024-07-03"):
            self._run_cron_until_done(user=odoobot)
        self.assertEqual(len(self._mails_to(customer)), 1)
        self.assertEqual(customer.debt_followup_history_ids.mapped("state"), ["done", "failed"])
        # the call level's activity goes to a credit manager too, not to OdooBot
        call = customer.activity_ids.filtered(
            lambda a: a.activity_type_id == self.level_call.activity_type_id
        )
        self.assertEqual(len(call), 1)
        self.assertNotEqual(call.user_id, odoobot)
        self.assertTrue(call.user_id.has_group("account_debt_followup.group_credit_manager"))

    def test_a_collector_sending_by_hand_gets_the_call_without_responsible(self):
        partner = self._customer("Manual Call", "2024-06-10")
        partner.with_user(self.credit_user)._debt_followup_execute(
            self.level_call.with_user(self.credit_user)
        )
        self.assertEqual(partner.activity_ids.user_id, self.credit_user)

    def test_failure_goes_to_the_follow_up_responsible(self):
        customer = self._customer("No Email Assigned", "2024-06-10", email=False)
        customer.debt_followup_responsible_id = self.credit_user
        self._run_cron_until_done(user=self.env.ref("base.user_root"))
        self.assertEqual(customer.activity_ids.user_id, self.credit_user)

    def test_other_company_is_not_reminded(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        partner = self._customer("Two Companies", "2024-06-10")
        self._create_invoice(partner, 500.0, "2024-01-01", due_date="2024-01-31", company=company_b)
        self._run_cron_until_done()
        history = partner.debt_followup_history_ids
        self.assertEqual(history.company_id, self.company)
        self.assertEqual(history.amount_due, 100.0, "company B's invoice is not in company A's reminder")
        self.assertEqual(partner.with_company(company_b).debt_followup_status, "with_overdue_invoices")

    # ------------------------------------------------------------------ promises
    def test_promise_holds_reminders_then_kept_or_broken(self):
        partner = self._customer("Promising", "2024-06-10")
        line = partner._get_followup_lines()
        promise = self.env["debt.payment.promise"].create(
            {
                "partner_id": partner.id,
                "amount": 100.0,
                "promised_date": "2024-07-05",
                "line_ids": [(6, 0, line.ids)],
            }
        )
        self.assertEqual(line.expected_payment_date, fields.Date.to_date("2024-07-05"))
        self.assertEqual(promise.state, "open")
        partner.invalidate_recordset()
        self.assertEqual(
            partner.debt_followup_status, "with_overdue_invoices", "waiting for the promised date"
        )
        with freeze_time("2024-07-06"):
            partner.invalidate_recordset()
            promise.invalidate_recordset()
            self.assertEqual(promise.state, "broken")
            self.assertEqual(partner.debt_followup_status, "in_need_of_action")
            self._register_payment(line.move_id, 100.0, "2024-07-06")
            promise.invalidate_recordset()
            self.assertEqual(promise.state, "kept")

    # ------------------------------------------------------------------ manual
    def test_manual_wizard_sends_once_a_day(self):
        partner = self._customer("Manual", "2024-06-10")
        wizard_form = Form(self.env["debt.followup.send.wizard"].with_context(default_partner_id=partner.id))
        self.assertEqual(wizard_form.level_id, self.level_call)
        self.assertIn("Payment reminder", wizard_form.subject)
        wizard_form.subject = "Please pay invoice INV/2024/0001"
        wizard_form.create_activity = False
        wizard_form.save().action_send()
        mail = self._mails_to(partner)
        self.assertEqual(mail.subject, "Please pay invoice INV/2024/0001")
        self.assertFalse(partner.activity_ids)
        with self.assertRaises(UserError):
            Form(
                self.env["debt.followup.send.wizard"].with_context(default_partner_id=partner.id)
            ).save().action_send()

    def test_levels_never_go_backwards(self):
        """Items 75, 40 and 10 days overdue: the 60-day letter covers the lower levels, nothing
        is proposed after it, and a lower reminder sent by hand the same day (with a reason)
        does not lower any item's level."""
        partner = self._customer("Backwards", "2024-04-16", "2024-05-21", "2024-06-20")
        lines = partner._get_followup_lines(self.company)
        oldest, middle, recent = lines.sorted("date_maturity")
        self.assertEqual(partner.debt_followup_todo_level_id, self.level_letter)
        partner._debt_followup_execute(self.level_letter, self.company)
        partner.invalidate_recordset()
        self.assertEqual(oldest.followup_level_id, self.level_letter)
        self.assertEqual(middle.followup_level_id, self.level_call, "covered at the level it reached")
        self.assertEqual(recent.followup_level_id, self.level_due)
        self.assertFalse(partner.debt_followup_todo_level_id, "the lower levels were covered")
        wizard = Form(self.env["debt.followup.send.wizard"].with_context(default_partner_id=partner.id))
        wizard.level_id = self.level_call
        wizard = wizard.save()
        self.assertTrue(wizard.reminded_today)
        with self.assertRaisesRegex(UserError, "reminded today already"):
            wizard.action_send()
        wizard.override_reason = "The customer asked for a copy of the call summary"
        wizard.action_send()
        self.assertEqual(oldest.followup_level_id, self.level_letter, "never lowered")
        history = partner.debt_followup_history_ids.filtered(lambda h: h.level_id == self.level_call)
        self.assertIn("copy of the call summary", history.note)

    # ------------------------------------------------------------------ worklist and speed
    def test_worklist_filters(self):
        todo = self._customer("To Do", "2024-06-10")
        quiet = self._customer("Quiet", "2024-07-20")
        very_late = self._customer("Very Late", "2024-04-15")
        Partner = self.env["res.partner"]
        in_need = Partner.search([("debt_followup_status", "=", "in_need_of_action")])
        self.assertIn(todo, in_need)
        self.assertNotIn(quiet, in_need)
        self.assertIn(quiet, Partner.search([("debt_followup_status", "=", "no_action")]))
        over_60 = Partner.search([("debt_max_days_overdue", ">", 60)])
        self.assertIn(very_late, over_60)
        self.assertNotIn(todo, over_60)

    def test_worklist_ranks_every_commercial_partner_by_overdue(self):
        """Households and sole traders (individuals without a company) are in the worklist; it
        sorts by overdue amount and days overdue, one row per customer, as a collector sees it."""
        small = self._customer("Small company", "2024-06-10", amount=100.0)
        big = self._customer("Big company", "2024-05-01", amount=900.0)
        person = self.env["res.partner"].create({"name": "Household Nguyen", "is_company": False})
        self._create_invoice(person, 500.0, "2024-01-01", due_date="2024-06-01")
        contact = self.env["res.partner"].create({"name": "Buyer at Big", "parent_id": big.id})
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_debt_followup.res_partner_action_followup"
        )
        domain = [*safe_eval(action["domain"]), ("id", "in", (small | big | person | contact).ids)]
        Partner = self.env["res.partner"].with_user(self.credit_user)
        by_amount = Partner.search(domain, order="debt_overdue_amount desc, id")
        self.assertEqual(by_amount.ids, [big.id, person.id, small.id], "no contact row, individuals in")
        by_days = Partner.search(domain, order="debt_max_days_overdue desc, id")
        self.assertEqual(by_days.ids, [big.id, person.id, small.id])
        self.assertEqual(Partner.search(domain, order="debt_open_amount asc, id")[0], small)
        fields_info = Partner.fields_get(["debt_overdue_amount"], ["sortable"])
        self.assertTrue(fields_info["debt_overdue_amount"]["sortable"], "the web client offers the sort")
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.salesman).search([], order="debt_overdue_amount desc")

    def test_status_query_count_does_not_grow_with_partners(self):
        partners = self.env["res.partner"]
        for i in range(50):
            partners |= self._customer(f"Many {i}", "2024-06-10")
        names = [
            "debt_followup_status",
            "debt_followup_level_id",
            "debt_followup_todo_level_id",
            "debt_followup_last_date",
        ]
        one = self._count_queries(lambda: partners[:1].read(names))
        fifty = self._count_queries(lambda: partners.read(names))
        self.assertEqual(one, fifty)

    def test_reminder_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(["account_debt_followup"], ["vi_VN"], overwrite=True)
        partner = self._customer("Cong Ty Minh An", "2024-06-10")
        partner.lang = "vi_VN"
        partner._debt_followup_execute(self.level_call)
        mail = self._mails_to(partner)
        self.assertIn("Thư nhắc thanh toán gửi Cong Ty Minh An", mail.subject)
        self.assertIn("Kính gửi", mail.body_html)

    def test_unreconciled_payment_covering_the_debt_needs_no_reminder(self):
        partner = self._customer("Paid Not Matched", "2024-06-10")
        self.init_payment(60.0, post=True, date="2024-06-25", partner=partner)
        partner.invalidate_recordset()
        self.assertEqual(partner.debt_followup_status, "in_need_of_action", "40 is still overdue")
        self.init_payment(40.0, post=True, date="2024-06-26", partner=partner)
        partner.invalidate_recordset()
        self.assertEqual(partner.debt_followup_status, "no_action")
        self.assertFalse(partner.debt_followup_todo_level_id)
        self._run_cron_until_done()
        self.assertFalse(self._mails_to(partner))

    def test_statement_sent_is_in_the_history_and_holds_the_next_reminder(self):
        partner = self._customer("Statement First", "2024-06-10")
        self.env["debt.statement.wizard"].create(
            {"partner_ids": [Command.set(partner.ids)], "date_to": TODAY}
        ).action_send()
        history = partner.debt_followup_history_ids
        self.assertRecordValues(
            history,
            [{"channels": "statement", "level_id": False, "amount_due": 100.0, "amount_overdue": 100.0}],
        )
        self.assertEqual(history.attachment_id.res_model, "debt.followup.history")
        self.assertEqual(history.mail_message_id.attachment_ids, history.attachment_id)
        self._run_cron_until_done()
        self.assertEqual(len(self._mails_to(partner)), 1, "the statement only: contacted today")
        with freeze_time("2024-07-07"):
            self._run_cron_until_done()
        self.assertEqual(len(self._mails_to(partner)), 2, "7 days later, the reminder")

    def test_statement_and_sms_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(["account_debt_followup"], ["vi_VN"], overwrite=True)
        partner = self._customer("Cong Ty An Binh", "2024-05-20")
        partner.write({"lang": "vi_VN", "mobile": "+84 912 345 678"})
        self.env["debt.statement.wizard"].create(
            {"partner_ids": [Command.set(partner.ids)], "date_to": TODAY}
        ).action_send()
        self.assertEqual(self._mails_to(partner).subject, "Bảng kê công nợ của Cong Ty An Binh")
        level = self.env["debt.followup.level"].create(
            {"name": "SMS", "delay": 30, "send_email": False, "send_sms": True}
        )
        partner._debt_followup_execute(level)
        sms = self.env["sms.sms"].search([("partner_id", "=", partner.id)])
        self.assertEqual(
            sms.body,
            f"{self.company.name}: tài khoản của quý khách có khoản thanh toán quá hạn. "
            "Quá hạn: $\N{NO-BREAK SPACE}100,00",
        )

    def test_sms_reminder_is_queued(self):
        self.assertIn("sms.sms", self.env, "the SMS module comes with Sales: it must be installed")
        level = self.env["debt.followup.level"].create(
            {
                "name": "SMS",
                "delay": 30,
                "send_email": False,
                "send_sms": True,
                "sms_text": "Minh An Co: please pay your invoices.",
            }
        )
        partner = self._customer("Texted", "2024-05-20")
        partner.mobile = "+84 912 345 678"
        history = partner._debt_followup_execute(level)
        self.assertEqual(history.channels, "sms")
        sms = self.env["sms.sms"].search([("partner_id", "=", partner.id)])
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.state, "outgoing", "queued, sent by the SMS queue")
        self.assertIn("Minh An Co: please pay your invoices. Overdue:", sms.body)
        no_phone = self._customer("No Phone", "2024-05-20")
        with self.assertRaises(UserError):
            no_phone._debt_followup_execute(level)
