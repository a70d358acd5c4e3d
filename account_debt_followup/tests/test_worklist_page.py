# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from ..models.account_move_line import OPEN_ITEMS_INDEX
from .common import DebtFollowupCommon

TODAY = "2024-06-30"
FIGURES = ("debt_overdue_amount", "debt_open_amount", "debt_max_days_overdue", "debt_risk_score")


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestWorklistPage(DebtFollowupCommon):
    """The worklist's page as the web client asks it, sorted by a figure of the ledger: the rows'
    figures come from the query that sorted them, and they are the partner form's to the cent,
    for a collector, a billing clerk and a user working in a branch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"child_ids": [Command.create({"name": "Branch Da Nang"})]})
        cls.env.cr.precommit.run()  # the branch's accounting
        cls.branch = cls.company.child_ids
        cls.env.user.company_ids += cls.branch
        cls.credit_user.company_ids += cls.branch
        cls.branch_user = new_test_user(
            cls.env,
            login="branch_collector",
            groups="base.group_user,account_debt_followup.group_credit_user",
            company_id=cls.branch.id,
            company_ids=[Command.set(cls.branch.ids)],
        )
        template = cls.env.ref("account_debt_followup.mail_template_followup_reminder")
        cls.env["debt.followup.level"].create(
            {"name": "Reminder", "delay": 15, "company_id": cls.company.id, "mail_template_id": template.id}
        )
        Partner = cls.env["res.partner"]
        cls.customers = Partner.create(
            [{"name": f"Page customer {index}", "is_company": True} for index in range(5)]
        )
        first, second, third, fourth, fifth = cls.customers
        # cents that round: a third paid, an invoice in EUR (1 USD = 2 EUR)
        invoice = cls._create_invoice(first, 1000.37, "2024-03-01", due_date="2024-04-01")
        cls._register_payment(invoice, 333.46, "2024-05-02")
        cls._create_invoice(first, 333.33, "2024-05-01", due_date="2024-05-31", currency=cls.eur)
        # an invoice of the branch, and one disputed: in the balance, not overdue
        cls._create_invoice(second, 500.01, "2024-02-01", due_date="2024-03-01", company=cls.branch)
        disputed = cls._create_invoice(second, 200.0, "2024-02-01", due_date="2024-02-15")
        disputed.line_ids.filtered(lambda line: line.account_type == "asset_receivable").write(
            {"followup_excluded": True, "followup_exclusion_reason": "Quantity disputed"}
        )
        # a payment not matched yet pays the oldest invoice
        cls._create_invoice(third, 150.5, "2024-04-01", due_date="2024-04-20")
        cls._create_invoice(third, 99.99, "2024-05-01", due_date="2024-06-01")
        cls._create_payment(third, 160.0, "2024-06-05")
        # a credit note only, and nothing overdue yet
        cls._create_invoice(fourth, 80.0, "2024-06-01", move_type="out_refund")
        cls._create_invoice(fifth, 45.45, "2024-06-20", due_date="2024-07-20")
        # bought through a contact person: the company's row
        contact = Partner.create({"name": "Buyer of customer 4", "parent_id": fifth.id})
        cls._create_invoice(contact, 10.1, "2024-04-01", due_date="2024-04-30")
        action = cls.env["ir.actions.act_window"]._for_xml_id(
            "account_debt_followup.res_partner_action_followup"
        )
        cls.domain = [*safe_eval(action["domain"]), ("id", "in", (cls.customers | contact).ids)]

    def _page(self, user, company, fields, order="debt_overdue_amount desc, id"):
        Partner = self.env["res.partner"].with_user(user).with_company(company)
        page = Partner.web_search_read(self.domain, dict.fromkeys(fields, {}), limit=80, order=order)
        return {row["id"]: row for row in page["records"]}, [row["id"] for row in page["records"]]

    def _form(self, user, company, partner, fields):
        # a fresh environment: the partner form reads its figures on its own
        partner = partner.with_user(user).with_company(company)
        partner.invalidate_recordset()
        return partner.read(fields)[0]

    def assertSameAsForms(self, user, company, fields, order):
        rows, ids = self._page(user, company, fields, order)
        self.assertEqual(len(rows), len(self.customers), "one row a customer, no contact row")
        for partner in self.customers:
            form = self._form(user, company, partner, fields)
            for name in fields:
                self.assertEqual(rows[partner.id][name], form[name], f"{partner.name}: {name}")
        return rows, ids

    def test_page_figures_are_the_forms(self):
        orders = ("debt_overdue_amount desc, id", "debt_open_amount, id", "debt_max_days_overdue desc, id")
        for user, company, fields, sorts in (
            (self.credit_user, self.company, FIGURES, (*orders, "debt_risk_score desc, id")),
            (self.credit_user, self.branch, FIGURES, orders),
            (self.branch_user, self.branch, FIGURES, orders[:1]),
            (self.billing_clerk, self.company, FIGURES[:3], orders),
        ):
            for order in sorts:
                with self.subTest(user=user.login, company=company.name, order=order):
                    rows, ids = self.assertSameAsForms(user, company, fields, order)
                    name, direction = (order.split(",")[0].split() + ["asc"])[:2]
                    values = [rows[pid][name] for pid in ids]
                    self.assertEqual(values, sorted(values, reverse=direction == "desc"), "sorted by it")

    def test_page_figures_cover_the_cases(self):
        """What the page shows, to the cent: the ledger's rules (a payment pays the oldest
        invoice, disputes out of the overdue, branches and EUR in company currency)."""
        first, second, third, fourth, fifth = self.customers
        rows, ids = self._page(self.credit_user, self.branch, FIGURES)
        self.assertAlmostEqual(rows[first.id]["debt_overdue_amount"], 1000.37 - 333.46 + 166.67, 2)
        self.assertAlmostEqual(rows[second.id]["debt_overdue_amount"], 500.01, 2, "not the disputed")
        self.assertAlmostEqual(rows[second.id]["debt_open_amount"], 700.01, 2)
        self.assertAlmostEqual(rows[third.id]["debt_overdue_amount"], 150.5 + 99.99 - 160.0, 2)
        self.assertEqual(rows[third.id]["debt_max_days_overdue"], 29, "the oldest invoice is paid")
        self.assertAlmostEqual(rows[fourth.id]["debt_open_amount"], -80.0, 2)
        self.assertAlmostEqual(rows[fifth.id]["debt_overdue_amount"], 10.1, 2, "its contact's invoice")
        self.assertEqual(ids[0], first.id)
        self.assertEqual(rows[fourth.id]["debt_risk_score"], 0)
        self.assertGreater(rows[first.id]["debt_risk_score"], rows[fifth.id]["debt_risk_score"])

    def test_page_reads_the_ledger_once(self):
        """The rows' figures are those of the query that sorted them: the page's queries do not
        grow with its rows, and the figures are not read again per row."""
        partners = self.env["res.partner"].create(
            [{"name": f"More customer {index}", "is_company": True} for index in range(20)]
        )
        for partner in partners:
            self._create_invoice(partner, 10.0, "2024-04-01", due_date="2024-05-01")
        few = self._count_queries(lambda: self._page(self.credit_user, self.company, FIGURES))
        self.domain = [*self.domain[:-1], ("id", "in", (self.customers | partners).ids)]
        many = self._count_queries(lambda: self._page(self.credit_user, self.company, FIGURES))
        self.assertEqual(few, many)

    def test_who_may_not_read_the_figures_may_not_search_on_them(self):
        """Searching by a figure tells it by bisection (days overdue > 30, > 15...): refused to
        whoever may not read it, as sorting by it is, over RPC too."""
        searches = {
            "debt_followup_status": ("=", "in_need_of_action"),
            "debt_max_days_overdue": (">", 30),
            "debt_followup_manual": ("=", True),
            "debt_promised_date": ("!=", False),
            "debt_at_risk": ("=", True),
        }
        employee = new_test_user(self.env, login="plain_employee", groups="base.group_user")
        for user in (self.salesman, self.salesman_contacts, employee):
            Partner = self.env["res.partner"].with_user(user)
            for name, (operator, value) in searches.items():
                with self.subTest(user=user.login, field=name), self.assertRaises(AccessError):
                    Partner.web_search_read([(name, operator, value)], {"display_name": {}})
        # a billing clerk reads the figures of the credit check (days overdue, at risk), not the
        # collectors' follow-up state
        Partner = self.env["res.partner"].with_user(self.billing_clerk)
        for name, (operator, value) in searches.items():
            if name in ("debt_max_days_overdue", "debt_at_risk"):
                Partner.search([(name, operator, value)])
                continue
            with self.subTest(user="billing_clerk", field=name), self.assertRaises(AccessError):
                Partner.search([(name, operator, value)])
        # a credit user may
        found = (
            self.env["res.partner"].with_user(self.credit_user).search([("debt_max_days_overdue", ">", 30)])
        )
        self.assertIn(self.customers[0], found)

    def test_a_page_token_put_in_the_context_by_a_client_is_ignored(self):
        """The page's figures are read once for the page and its count only: a client putting the
        key in its context does not freeze the answers of its later searches."""
        Partner = self.env["res.partner"].with_user(self.credit_user).with_context(debt_followup_page=1)
        domain = [("debt_max_days_overdue", ">", 500), ("id", "in", self.domain[-1][2])]
        self.assertFalse(Partner.search(domain))
        late = self.customers[1]
        self._create_invoice(late, 10.0, "2022-01-01", due_date="2022-01-31")
        self.assertEqual(Partner.search(domain), late)

    def test_the_open_items_index_is_made_again_when_its_definition_changes(self):
        self.env.cr.execute(f"DROP INDEX {OPEN_ITEMS_INDEX}")
        self.env.cr.execute(f"CREATE INDEX {OPEN_ITEMS_INDEX} ON account_move_line (company_id)")
        self.env["account.move.line"].init()
        self.env.cr.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [OPEN_ITEMS_INDEX])
        self.assertIn("INCLUDE", self.env.cr.fetchone()[0])
