# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import contextlib
import io
import logging
import shutil
import socket
import subprocess
import tempfile
import urllib.request
from pathlib import Path

import odoo
import odoo.tools.pdf
from odoo import Command, fields
from odoo.tests.common import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class _KnownWkhtmltopdfNotice(logging.Filter):
    """Debian's wkhtmltopdf is built on an unpatched Qt: it prints that it ignores the header and
    footer switches. That notice, and only it, is expected here."""

    def filter(self, record):
        return "unpatched qt" not in record.getMessage()


class DebtFollowupCommon(AccountTestInvoicingCommon):
    """Invoices, payments and orders built quickly with the ORM, in company currency USD."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        # the test user configures rules and limits: a credit manager
        cls.env.user.groups_id += cls.env.ref("account_debt_followup.group_credit_manager")
        cls.company = cls.company_data["company"]
        cls.currency = cls.company.currency_id
        cls.eur = cls.setup_other_currency("EUR")  # 1 USD = 2 EUR from 2017 on
        cls.product = cls.env["product.product"].create(
            {
                "name": "Consulting day",
                "type": "service",
                "invoice_policy": "order",
                "lst_price": 100.0,
                "taxes_id": [Command.clear()],
                "property_account_income_id": cls.company_data["default_account_revenue"].id,
            }
        )
        # invoiced on delivered quantities (a service delivered by hand here; storable goods and
        # timesheets work the same way): what is ordered counts in the exposure from the start
        cls.product_delivery = cls.env["product.product"].create(
            {
                "name": "Installation hour",
                "type": "service",
                "invoice_policy": "delivery",
                "lst_price": 100.0,
                "taxes_id": [Command.clear()],
                "property_account_income_id": cls.company_data["default_account_revenue"].id,
            }
        )
        cls.eur_pricelist = cls.env["product.pricelist"].create(
            {"name": "EUR prices", "currency_id": cls.eur.id, "company_id": cls.company.id}
        )
        cls.credit_user = new_test_user(
            cls.env,
            login="credit_user",
            groups="base.group_user,account_debt_followup.group_credit_user",
            company_id=cls.company.id,
        )
        cls.credit_manager = new_test_user(
            cls.env,
            login="credit_manager",
            groups="base.group_user,account_debt_followup.group_credit_manager",
            company_id=cls.company.id,
        )
        cls.salesman = new_test_user(
            cls.env,
            login="salesman",
            groups="base.group_user,sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        # the people who would move the gate if they could: a salesperson who edits contacts,
        # and a billing clerk who posts invoices and records payments
        cls.salesman_contacts = new_test_user(
            cls.env,
            login="salesman_contacts",
            groups="base.group_user,base.group_partner_manager,sales_team.group_sale_salesman_all_leads",
            company_id=cls.company.id,
        )
        cls.billing_clerk = new_test_user(
            cls.env,
            login="billing_clerk",
            groups="base.group_user,base.group_partner_manager,account.group_account_invoice",
            company_id=cls.company.id,
        )

    @classmethod
    def _setup_vn_company(cls, name="Công ty TNHH Thương mại Sao Mai"):
        """A company in VND (no decimals) with the Vietnamese chart of accounts of ``l10n_vn``
        (131 receivable, 331 payable). ``tools/test.sh`` installs ``l10n_vn``: without it the
        test fails, it is not skipped."""
        module = cls.env["ir.module.module"]._get("l10n_vn")
        if module.state != "installed":
            raise AssertionError("l10n_vn is not installed in the test database: tools/test.sh installs it.")
        vnd = cls.env.ref("base.VND")
        vnd.active = True
        return cls._create_company(name=name, country_id=cls.env.ref("base.vn").id, currency_id=vnd.id)

    @classmethod
    def _create_payment(cls, partner, amount, date, payment_type="inbound", company=None):
        """A payment registered without matching any invoice (an advance, an unapplied payment)."""
        company = company or cls.company
        payment = (
            cls.env["account.payment"]
            .with_company(company)
            .create(
                {
                    "payment_type": payment_type,
                    "partner_type": "customer" if payment_type == "inbound" else "supplier",
                    "partner_id": partner.id,
                    "amount": amount,
                    "date": fields.Date.to_date(date),
                }
            )
        )
        payment.action_post()
        return payment

    # ------------------------------------------------------------------ builders
    @classmethod
    def _create_invoice(
        cls,
        partner,
        amount,
        invoice_date,
        due_date=None,
        currency=None,
        move_type="out_invoice",
        post=True,
        company=None,
        taxes=None,
    ):
        company = company or cls.company
        values = {
            "move_type": move_type,
            "partner_id": partner.id,
            "invoice_date": invoice_date and fields.Date.to_date(invoice_date),
            "currency_id": (currency or company.currency_id).id,
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": "Debt follow-up test line",
                        "quantity": 1.0,
                        "price_unit": amount,
                        "tax_ids": [Command.set((taxes or cls.env["account.tax"]).ids)],
                    }
                )
            ],
        }
        if due_date:
            values["invoice_date_due"] = fields.Date.to_date(due_date)
        move = cls.env["account.move"].with_company(company).create(values)
        if post:
            move.action_post()
        return move

    @classmethod
    def _register_payment(cls, invoice, amount, date):
        wizard = (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_date": fields.Date.to_date(date)})
        )
        return wizard._create_payments()

    @classmethod
    def _create_order(
        cls,
        partner,
        price_unit,
        qty=1.0,
        pricelist=None,
        confirm=True,
        company=None,
        taxes=None,
        date_order=None,
        product=None,
    ):
        company = company or cls.company
        values = {
            "partner_id": partner.id,
            "company_id": company.id,
            "order_line": [
                Command.create(
                    {
                        "product_id": (product or cls.product).id,
                        "product_uom_qty": qty,
                        "price_unit": price_unit,
                        "tax_id": [Command.set((taxes or cls.env["account.tax"]).ids)],
                    }
                )
            ],
        }
        if pricelist:
            values["pricelist_id"] = pricelist.id
        if date_order:
            values["date_order"] = fields.Datetime.to_datetime(date_order)
        order = cls.env["sale.order"].with_company(company).create(values)
        if confirm:
            order.action_confirm()
        return order

    def _count_queries(self, func, warm=None):
        """Number of SQL queries ``func`` runs on a cold record cache, once Odoo's ormcaches
        (access rights, record rules) are warm and nothing is pending to write."""
        self.env.flush_all()
        self.env.invalidate_all()
        func()
        self.env.invalidate_all()
        if warm:
            warm()  # what the caller has loaded anyway, not counted
        before = self.cr.sql_log_count
        func()
        return self.cr.sql_log_count - before

    # ------------------------------------------------------------------ PDF
    def _render_real_pdfs(self):
        """Let wkhtmltopdf run (tests get HTML otherwise), against this test server's assets."""
        port = odoo.tools.config["http_port"]
        self.env["ir.config_parameter"].set_param("report.url", f"http://127.0.0.1:{port}")
        self._mute_known_wkhtmltopdf_notice()
        # One static file first, alone: Odoo reads every manifest on the first one, and doing
        # that in wkhtmltopdf's parallel requests fails now and then on Python 3.11.7
        # ("SystemError: AST constructor recursion depth mismatch", an error logged by the server).
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/web/static/img/favicon.ico", timeout=30).close()

    def _render_real_pdfs_in_requests(self):
        """Let wkhtmltopdf run in the HTTP requests of an ``HttpCase`` (tests get HTML otherwise).

        The request holds the test cursor's lock until it answers, so wkhtmltopdf cannot fetch the
        report's stylesheet from this server: it is pointed at a port that refuses connections and
        renders the text unstyled (the layout is checked with real PDFs out of requests)."""
        Report = type(self.env["ir.actions.report"])
        pre_render = Report._pre_render_qweb_pdf

        def force_rendering(report, *args, **kwargs):
            return pre_render(report.with_context(force_report_rendering=True), *args, **kwargs)

        self.patch(Report, "_pre_render_qweb_pdf", force_rendering)
        refusing = socket.socket()
        refusing.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        self.addCleanup(refusing.close)
        self.env["ir.config_parameter"].set_param(
            "report.url", "http://127.0.0.1:%s" % refusing.getsockname()[1]
        )
        self._mute_known_wkhtmltopdf_notice()

    def _pdf_pages(self, content):
        return len(odoo.tools.pdf.OdooPdfFileReader(io.BytesIO(content)).pages)

    def _mute_known_wkhtmltopdf_notice(self):
        report_logger = logging.getLogger("odoo.addons.base.models.ir_actions_report")
        notice = _KnownWkhtmltopdfNotice()
        report_logger.addFilter(notice)
        self.addCleanup(report_logger.removeFilter, notice)

    def _pdf_text(self, content):
        """The text of a PDF, read with pdftotext (poppler-utils)."""
        pdftotext = shutil.which("pdftotext")
        self.assertTrue(pdftotext, "poppler-utils (pdftotext) is needed to read the PDF")
        with tempfile.TemporaryDirectory() as folder:
            Path(folder, "document.pdf").write_bytes(content)
            subprocess.run([pdftotext, "-layout", "document.pdf", "document.txt"], cwd=folder, check=True)
            return Path(folder, "document.txt").read_text()
