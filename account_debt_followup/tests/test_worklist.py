# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import DebtFollowupCommon

TODAY = "2024-06-30"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestWorklist(DebtFollowupCommon):
    """The collector's worklist: a selection processed at once, customers whose reminders wait
    for a person, the risk score. Levels at +15 days (automatic) and +90 days (manual)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        template = cls.env.ref("account_debt_followup.mail_template_followup_reminder")
        Level = cls.env["debt.followup.level"]
        common = {"company_id": cls.company.id, "mail_template_id": template.id}
        cls.level_reminder = Level.create({"name": "Reminder", "delay": 15, **common})
        cls.level_legal = Level.create({"name": "Legal", "delay": 90, "auto_execute": False, **common})

    def _customer(self, name, due=None, amount=100.0, email=True, **values):
        partner = self.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "email": email and f"{name.lower().replace(' ', '.')}@example.vn",
                **values,
            }
        )
        if due:
            self._create_invoice(partner, amount, "2024-01-01", due_date=due)
        return partner

    def _mails_to(self, partner):
        return self.env["mail.mail"].search([("recipient_ids", "in", partner.ids)])

    def _worklist(self, partners, user, order=None):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_debt_followup.res_partner_action_followup"
        )
        domain = [*safe_eval(action["domain"]), ("id", "in", partners.ids)]
        return self.env["res.partner"].with_user(user).search(domain, order=order)

    def test_a_selection_gets_its_due_reminders_once(self):
        due = self._customer("Due Customer", "2024-06-01")
        by_hand = self._customer("By Hand Customer", "2024-06-01")
        by_hand.with_company(self.company).debt_followup_by_hand = True
        not_due = self._customer("Not Due Yet", "2024-07-15")
        no_email = self._customer("No Email", "2024-06-01", email=False)
        buyer = self.env["res.partner"].create({"name": "Buyer at Due", "parent_id": due.id})
        selection = (due | by_hand | not_due | no_email | buyer).with_user(self.credit_user)

        result = selection.action_debt_send_due_reminders()

        self.assertEqual(len(self._mails_to(due)), 1, "the contact's row does not send it twice")
        self.assertEqual(len(self._mails_to(by_hand)), 1, "a collector sends what waits for a person")
        self.assertFalse(self._mails_to(not_due))
        message = result["params"]["message"]
        self.assertIn("2 reminders sent, 1 customers left out", message)
        self.assertIn("No Email", message, "the failure is reported, the others are sent")
        self.assertTrue(result["params"]["sticky"])
        history = self.env["debt.followup.history"].search([("partner_id", "in", (due | by_hand).ids)])
        self.assertEqual(history.level_id, self.level_reminder)

        again = selection.action_debt_send_due_reminders()
        self.assertIn("0 reminders sent", again["params"]["message"], "nothing is sent twice")
        self.assertEqual(len(self._mails_to(due)), 1)

    def test_only_credit_controllers_send_a_selection(self):
        due = self._customer("Due Customer", "2024-06-01")
        employee = new_test_user(self.env, login="plain_employee", groups="base.group_user")
        for user in (self.salesman, self.salesman_contacts, self.billing_clerk, employee):
            with self.assertRaises(AccessError, msg=user.name):
                due.with_user(user).action_debt_send_due_reminders()
        self.assertFalse(self._mails_to(due))

    def test_reminders_by_hand_only_wait_for_a_person(self):
        auto = self._customer("Automatic Customer", "2024-06-01")
        by_hand = self._customer("By Hand Customer", "2024-06-01")
        by_hand.with_company(self.company).debt_followup_by_hand = True
        by_hand.invalidate_recordset()
        self.assertEqual(by_hand.debt_followup_status, "in_need_of_action")
        self.assertTrue(by_hand.debt_followup_manual, "it shows under Manual Action Needed")
        self.assertFalse(auto.debt_followup_manual)
        Partner = self.env["res.partner"]
        while Partner._cron_debt_followup(batch_size=50):
            pass
        self.assertEqual(len(self._mails_to(auto)), 1)
        self.assertFalse(self._mails_to(by_hand), "the scheduled run leaves it to the collector")
        manual = Partner.with_user(self.credit_user).search([("debt_followup_manual", "=", True)])
        self.assertIn(by_hand, manual)
        listed = Partner.with_user(self.credit_user).search([("debt_followup_by_hand", "=", True)])
        self.assertIn(by_hand, listed)

    def test_risk_score_ranks_the_worklist(self):
        worst = self._customer("Worst", "2024-01-15", amount=10_000_000.0)
        worst.with_company(self.company).trust = "bad"
        mild = self._customer("Mild", "2024-05-31", amount=0.01)
        mild.with_company(self.company).trust = "good"
        normal = self._customer("Normal", "2024-04-01", amount=500.0)
        clean = self._customer("Clean", "2024-07-31")
        partners = worst | mild | normal | clean
        scores = {p.name: p.debt_risk_score for p in partners.with_user(self.credit_user)}
        # 35 days points (full at 120 days) + 35 amount points (first of the company) + 30 bad
        self.assertEqual(scores["Worst"], 100)
        # 30 days overdue: 35 * 30 / 120 = 8.75; the smallest amount; a good debtor
        self.assertEqual(scores["Mild"], 9)
        self.assertEqual(scores["Clean"], 0, "nothing overdue, no risk")
        self.assertGreater(scores["Normal"], scores["Mild"])
        ordered = self._worklist(partners, self.credit_user, order="debt_risk_score desc, id")
        self.assertEqual(ordered.mapped("name"), ["Worst", "Normal", "Mild", "Clean"])
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.salesman).search([], order="debt_risk_score desc")

    def test_risk_score_queries_do_not_grow_with_customers(self):
        partners = self.env["res.partner"]
        for i in range(30):
            partners |= self._customer(f"Many {i}", "2024-06-01")
        one = self._count_queries(lambda: partners[:1].read(["debt_risk_score"]))
        thirty = self._count_queries(lambda: partners.read(["debt_risk_score"]))
        self.assertEqual(one, thirty)
