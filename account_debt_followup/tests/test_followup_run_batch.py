# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DebtFollowupCommon

TODAY = "2024-06-30"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestFollowupRunBatch(DebtFollowupCommon):
    """The scheduled run sends a batch of reminders together (``_debt_followup_send_batch``):
    what each customer and each chatter get is what the one-by-one path gives, a customer that
    fails is recorded while the others are sent, and nothing is ever sent twice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env.ref("account_debt_followup.mail_template_followup_reminder")
        cls.level = cls.env["debt.followup.level"].create(
            {
                "name": "Overdue",
                "delay": 10,
                "company_id": cls.company.id,
                "mail_template_id": cls.template.id,
            }
        )
        cls.level_late = cls.env["debt.followup.level"].create(
            {
                "name": "Very late",
                "delay": 25,
                "company_id": cls.company.id,
                "mail_template_id": cls.template.id,
                "create_activity": True,
                "activity_type_id": cls.env.ref("mail.mail_activity_data_todo").id,
            }
        )
        cls.odoobot = cls.env.ref("base.user_root")

    def _customer(self, name, due="2024-06-01", **values):
        partner = self.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "email": f"{name.lower().replace(' ', '.')}@example.vn",
                **values,
            }
        )
        self._create_invoice(partner, 100.0, "2024-05-01", due_date=due)
        self._create_invoice(partner, 40.0, "2024-06-10", due_date="2024-06-15")  # 15 days late
        return partner

    def _send_batch(self, partners, level=None, env=None):
        """Send ``partners`` through the batch path as the run does: the partners read together
        in the company of the reminders (the run's batch prefetch), numbered as work items
        (the batch returns the numbers of those it sent)."""
        Partner = (env or self.env)["res.partner"].with_user(self.odoobot).with_company(self.company)
        batch = Partner.browse([partner.id for partner in partners])
        reminders = {
            number: (partner, self.company, level or self.level)
            for number, partner in enumerate(batch, start=1)
        }
        return Partner._debt_followup_send_batch(reminders, {})

    def _send_one_by_one(self, partners, level=None):
        for partner in partners:
            partner.with_user(self.odoobot).with_company(self.company)._debt_followup_execute(
                level or self.level, self.company
            )

    def _sent(self, partner):
        """What the customer and its chatter got, without the ids that differ from a send to
        the next."""
        self.env.invalidate_all()
        mails = self.env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "=", partner.id)])
        history = partner.debt_followup_history_ids
        invoices = self.env["account.move"].search([("partner_id", "=", partner.id)], order="id")
        return {
            "mails": [
                (
                    mail.subject,
                    mail.body_html,
                    mail.email_from,
                    sorted(mail.recipient_ids.mapped("email")),
                    mail.attachment_ids.mapped("name"),
                    mail.state,
                    mail.message_type,
                    mail.subtype_id.id,
                    mail.author_id.id,
                    sorted(mail.mail_message_id.notification_ids.mapped("res_partner_id.email")),
                    mail.mail_message_id.notification_ids.mapped("notification_type"),
                )
                for mail in mails
            ],
            "chatter": [
                (message.message_type, message.subtype_id.id, message.subject, message.body)
                for message in partner.message_ids
            ],
            "history": [
                (
                    row.level_id.id,
                    row.date,
                    row.state,
                    row.channels,
                    row.amount_due,
                    row.amount_overdue,
                    row.line_ids.ids,
                    bool(row.mail_message_id) and row.mail_message_id in mails.mail_message_id,
                    row.activity_id.summary,
                )
                for row in history
            ],
            "items": [(line.followup_level_id.id, line.followup_date) for line in invoices.line_ids],
            "notes": [message.body for message in invoices.message_ids],
            "next": partner.with_company(self.company).debt_followup_next_action_date,
            "activities": partner.activity_ids.mapped("summary"),
        }

    def test_a_batch_sends_what_one_by_one_sends(self):
        """The same customers sent one by one, then (rolled back) in a batch: the same emails
        queued (recipients including the invoice contact, sender, subject, body, notifications),
        the same chatter, history rows, items' levels, notes on the invoices, next dates and
        activities; at two levels, one reached by one invoice only."""
        partners = [self._customer(f"Same customer {i}") for i in range(3)]
        partners[0].child_ids = [
            Command.create({"name": "Accounts", "type": "invoice", "email": "accounts@same.example.vn"})
        ]
        partners[1].lang = "en_US"
        late = [self._customer("Late customer", due="2024-05-20")]
        with self.cr.savepoint() as savepoint:
            self._send_one_by_one(partners)
            self._send_one_by_one(late, self.level_late)
            expected = [self._sent(partner) for partner in partners + late]
            savepoint.rollback()
        self.env.invalidate_all()
        self.assertFalse(partners[0].debt_followup_history_ids, "rolled back")
        self.assertEqual(self._send_batch(partners), [1, 2, 3])
        self.assertEqual(self._send_batch(late, self.level_late), [1])
        got = [self._sent(partner) for partner in partners + late]
        self.assertEqual(len(got[0]["mails"]), 1)
        self.assertEqual(len(got[0]["mails"][0][3]), 2, "the customer and its invoice contact")
        self.assertEqual(got[0]["history"][0][3], "email")
        self.assertEqual(got[3]["activities"], ["Very late"])
        levels = {level for level, _date in got[3]["items"] if level}
        self.assertEqual(levels, {self.level.id, self.level_late.id}, "each item at the level it reached")
        for index, (one_by_one, batch) in enumerate(zip(expected, got, strict=True)):
            for key, value in one_by_one.items():
                self.assertEqual(batch[key], value, f"customer {index}: {key}")

    def test_the_batch_writes_the_next_date_tracking_in_the_chatter(self):
        """As Odoo's own tracking does when the field is written one customer at a time: a note
        with the old and the new next action date."""
        partners = [self._customer(f"Tracked {i}") for i in range(2)]
        partners[0].with_company(self.company).debt_followup_next_action_date = "2024-06-01"
        tracked = dict(self.env.context, tracking_disable=False, mail_notrack=False)
        self._send_batch(partners, env=self.env(context=tracked))
        self.env.invalidate_all()
        for partner, old in zip(partners, ["2024-06-01", False], strict=True):
            tracking = partner.message_ids.tracking_value_ids
            self.assertEqual(tracking.field_id.name, "debt_followup_next_action_date")
            self.assertEqual(tracking.old_value_datetime, old and fields.Datetime.to_datetime(old))
            self.assertEqual(tracking.new_value_datetime, fields.Datetime.to_datetime("2024-07-15"))
            self.assertEqual(tracking.mail_message_id.subtype_id, self.env.ref("mail.mt_note"))

    def test_the_queries_of_a_batch_grow_only_with_its_emails(self):
        """Everything but the email itself (read, claimed, rendered, written) is done once a
        batch: from 5 to 20 customers, a batch costs at most the queries of posting 15 more
        emails (measured here on one email alone)."""
        counts = []
        for size in (5, 20):
            partners = [self._customer(f"Count {size} {i}") for i in range(size)]
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.assertEqual(len(self._send_batch(partners)), size)
            self.env.flush_all()
            counts.append(self.cr.sql_log_count - before)
        alone = self._customer("Posted alone").with_user(self.odoobot).with_company(self.company)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        alone.sudo().with_context(mail_notify_force_send=False).message_post(
            body="<p>Overdue</p>",
            subject="Reminder",
            partner_ids=alone.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            **alone._debt_followup_mail_options(self.company),
        )
        self.env.flush_all()
        email = self.cr.sql_log_count - before
        self.assertLessEqual(counts[1] - counts[0], 15 * email, (counts, email))

    def test_a_customer_failing_in_a_batch_is_recorded_and_the_others_are_sent(self):
        """The template fails in one customer's language only (Vietnamese: the body reads a
        reference this customer does not have): the batch is given up and sent one by one, the
        failing customer is recorded, the others get their reminder once; a customer without
        email is left to the one-by-one path from the start."""
        self.env["res.lang"]._activate_lang("vi_VN")
        template = self.template.copy({"name": "Reference template"})
        template.body_html = "<p>Your account is overdue.</p>"
        template.with_context(lang="vi_VN").body_html = '<p>Tài khoản <t t-out="object.ref.upper()"/></p>'
        (self.level | self.level_late).mail_template_id = template  # the run sends the late one
        fine = [self._customer(f"Fine {i}") for i in range(3)]
        poisoned = self._customer("Khach loi", lang="vi_VN")
        no_email = self._customer("No email")
        no_email.email = False
        Item = self.env["debt.followup.run.line"]
        with mute_logger("odoo.addons.mail.models.mail_render_mixin"):
            self.assertEqual(self._send_batch([*fine, poisoned, no_email]), [], "all one by one")
            self.env["res.partner"].with_user(self.odoobot)._cron_debt_followup()
        self.env.invalidate_all()
        for partner in fine:
            self.assertEqual(len(partner.debt_followup_history_ids), 1)
            self.assertEqual(partner.debt_followup_history_ids.state, "done")
            mails = self.env["mail.mail"].search([("recipient_ids", "in", partner.ids)])
            self.assertEqual(len(mails), 1)
            self.assertIn("Your account is overdue", mails.body_html)
        for partner in (poisoned, no_email):
            self.assertEqual(Item.search([("partner_id", "=", partner.id)]).state, "failed")
            self.assertEqual(partner.debt_followup_history_ids.state, "failed")
            self.assertIn("could not be sent", partner.message_ids[0].body)
            self.assertFalse(self.env["mail.mail"].search([("recipient_ids", "in", partner.ids)]))

    def test_a_batch_never_sends_twice(self):
        """A customer reminded by hand today is skipped by the batch's claim; a batch rolled back
        (a crash) keeps nothing, and the batch sent after it sends each reminder once; a second
        batch the same day sends nothing."""
        by_hand = self._customer("By hand")
        others = [self._customer(f"Once {i}") for i in range(2)]
        self._send_one_by_one([by_hand])
        with self.assertRaises(RuntimeError), self.cr.savepoint():
            self._send_batch([by_hand, *others])
            raise RuntimeError("worker killed")
        self.env.invalidate_all()
        self.assertFalse(
            self.env["debt.followup.history"].search([("partner_id", "in", [p.id for p in others])])
        )
        self.assertEqual(self._send_batch([by_hand, *others]), [1, 2, 3])
        self.assertEqual(self._send_batch([by_hand, *others]), [1, 2, 3], "done: sent already today")
        self.env.invalidate_all()
        for partner in (by_hand, *others):
            self.assertEqual(len(partner.debt_followup_history_ids), 1)
            self.assertEqual(len(self.env["mail.mail"].search([("recipient_ids", "in", partner.ids)])), 1)
