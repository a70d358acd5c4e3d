"""The OCA peers (sale_financial_risk, account_credit_control, partner_statement), measured in
a copy of the bench database where bench.sh installed them, with the settings that match ours."""

import configparser
import statistics
import time
from datetime import date

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.tools import SQL

from .common import (
    OCA_MARKER,
    OCA_MODULES,
    PDF_PARTNERS,
    attempt,
    bench_customers,
    count_queries,
    log,
    main_company_env,
    report_warnings,
    rolled_back,
    sample_quotations,
    time_per_order,
    timed,
)


def read_status(path):
    """``{module: "installed" or why not}`` from the file bench.sh wrote."""
    status = dict.fromkeys(OCA_MODULES, "not tried")
    with open(path, encoding="utf-8") as file:
        for line in file:
            name, _tab, state = line.rstrip("\n").partition("\t")
            status[name] = state
    return status


def configure_oca(env, status):
    """Give the OCA peers the settings that match ours, once, committed in their copy of the data.

    - sale_financial_risk (and account_financial_risk): the credit limit is the same company
      dependent field as ours (50,000 in the main company, written by the generator). Every
      generated customer counts every risk they offer (draft, open and unpaid invoices, other
      receivables, sales orders not invoiced), as our exposure counts open and draft invoices and
      orders not invoiced: one SQL update of the generated customers.
    - account_credit_control: a policy on the main company's receivable accounts with three levels
      at 0, 15 and 60 days past due, like our follow-up levels, by e-mail with the invoices listed,
      made the company's default policy (none on the customers or invoices). Its e-mail template
      without the PDF it attaches, as our cron is measured without PDF.
    """
    params = env["ir.config_parameter"]
    if params.get_param(OCA_MARKER):
        return
    company = env.ref("base.main_company")
    if status["sale_financial_risk"] == "installed":
        env.cr.execute(
            SQL(
                """
                UPDATE res_partner
                   SET risk_invoice_draft_include = TRUE, risk_invoice_open_include = TRUE,
                       risk_invoice_unpaid_include = TRUE, risk_account_amount_include = TRUE,
                       risk_account_amount_unpaid_include = TRUE, risk_sale_order_include = TRUE
                 WHERE name LIKE %s
                """,
                "Bench Customer%",
            )
        )
    if status["account_credit_control"] == "installed":
        Account = env["account.account"].with_company(company)
        receivables = Account.search(
            [*Account._check_company_domain(company), ("account_type", "=", "asset_receivable")]
        )
        template = env.ref("account_credit_control.email_template_credit_control_base").copy(
            {"name": "Bench credit control e-mail, no PDF", "report_template_ids": [Command.clear()]}
        )
        policy = env["credit.control.policy"].create(
            {
                "name": "Bench policy",
                "company_id": company.id,
                "account_ids": [Command.set(receivables.ids)],
                "level_ids": [
                    Command.create(
                        {
                            "name": f"Bench {delay}",
                            "level": level,
                            "computation_mode": "net_days",
                            "delay_days": delay,
                            "email_template_id": template.id,
                            "channel": "email",
                            "mail_show_invoice_detail": True,
                            "custom_text": "Bench reminder",
                            "custom_mail_text": "<p>Bench reminder</p>",
                        }
                    )
                    for level, delay in enumerate((0, 15, 60), start=1)
                ],
            }
        )
        company.credit_policy_id = policy
    env.invalidate_all()
    params.set_param(OCA_MARKER, ",".join(name for name in OCA_MODULES if status[name] == "installed"))
    log("OCA peers configured")


def oca_credit_check(registry):
    """sale_financial_risk: what its ``action_confirm`` runs before confirming, per order."""
    with rolled_back(registry) as env:
        company, env = main_company_env(env)
        orders = sample_quotations(env, bench_customers(env))
        exceeded = []

        def check(order):
            for to_check in order.filtered(lambda so: not so.company_id.allow_overrisk_sale_confirmation):
                partner = to_check.partner_invoice_id.commercial_partner_id
                exceeded.append(bool(to_check.evaluate_risk_message(partner)))

        result = time_per_order(env, orders, check)
        result["exceeded"], result["orders"] = sum(exceeded), len(orders)
        return result


def oca_credit_run(registry, email_customers):
    """account_credit_control: a credit control run of the main company, as its form's button does;
    then the e-mails of the first ``email_customers`` customers, as many as our cron's batch."""
    with rolled_back(registry) as env:
        company, env = main_company_env(env)
        env.flush_all()
        before = env.cr.sql_log_count
        start = time.perf_counter()
        run = env["credit.control.run"].create(
            {
                "date": date.today(),
                "policy_ids": [Command.set(company.credit_policy_id.ids)],
                "company_id": company.id,
            }
        )
        run.generate_credit_lines()
        env.flush_all()
        elapsed = time.perf_counter() - start
        count = env.cr.sql_log_count - before
        [(lines, customers)] = env["credit.control.line"]._read_group(
            [("run_id", "=", run.id)], [], ["__count", "partner_id:count_distinct"]
        )
        result = {"time": elapsed, "queries": count, "lines": lines, "customers": customers}
        result["emails"] = attempt(oca_credit_emails, env, run, email_customers, env=env)
        return result


def oca_credit_emails(env, run, customers):
    """The lines of ``customers`` customers marked to be sent (untimed, as a collector does), then
    the run's button that sends them: one communication per customer, level and currency, and its
    e-mail queued (not sent), like our cron."""
    partners = run.line_ids.partner_id.sorted("id")[:customers]
    run.line_ids.filtered(lambda line: line.partner_id in partners).write({"state": "to_be_sent"})
    env.flush_all()
    start = time.perf_counter()
    run.with_context(mail_notify_force_send=False).run_channel_action()
    env.flush_all()
    elapsed = time.perf_counter() - start
    communications = env["credit.control.communication"].search_count([("partner_id", "in", partners.ids)])
    return {"time": elapsed, "customers": len(partners), "communications": communications}


def statement_rows(values):
    return sum(
        len(section["lines"])
        for partner in values["data"].values()
        for section in partner["currencies"].values()
    )


def oca_statements(registry, report_url):
    """partner_statement: the outstanding statement's values, XLSX and PDF, as its wizard prints them."""
    result = {}
    with rolled_back(registry) as env:
        env["ir.config_parameter"].set_param("report.url", report_url)
        company, env = main_company_env(env)
        partners = bench_customers(env)
        today = date.today()

        def prepared(ids):
            """The report data of the wizard's defaults, for the customers ``ids``."""
            wizard = (
                env["outstanding.statement.wizard"]
                .with_context(active_ids=ids, active_model="res.partner")
                .create({"company_id": company.id, "date_end": today})
            )
            return wizard._prepare_statement()

        report_model = env["report.partner_statement.outstanding_statement"]
        Report = env["ir.actions.report"].with_context(force_report_rendering=True)
        # the report drops the customers with nothing due from the list it is given: fresh copies
        for key, some in (("one", partners[:1]), ("all", partners)):
            data = prepared(some.ids)

            def values(data=data):
                return report_model._get_report_values(
                    list(data["partner_ids"]), dict(data, partner_ids=list(data["partner_ids"]))
                )

            def xlsx(data=data):
                return Report._render_xlsx(
                    "partner_statement.action_print_outstanding_statement_xlsx",
                    list(data["partner_ids"]),
                    dict(data, partner_ids=list(data["partner_ids"])),
                )

            result[f"values_{key}"] = values_result = attempt(
                lambda values=values: {
                    "time": statistics.median(timed(values, runs=3)),
                    "queries": count_queries(env, values),
                    "rows": statement_rows(values()),
                },
                env=env,
            )
            rows = values_result.get("rows")
            result[f"xlsx_{key}"] = attempt(
                lambda xlsx=xlsx, rows=rows: {"time": statistics.median(timed(xlsx, runs=3)), "rows": rows},
                env=env,
            )

        def pdf(data):
            return Report._render_qweb_pdf(
                "partner_statement.action_print_outstanding_statement",
                list(data["partner_ids"]),
                data=dict(data, partner_ids=list(data["partner_ids"])),
            )[0]

        for key, some, runs in (("pdf_one", partners[:1], 3), ("pdf_several", partners[:PDF_PARTNERS], 2)):
            data = prepared(some.ids)
            with report_warnings() as warnings:
                result[key] = attempt(
                    lambda data=data, runs=runs: {
                        "time": statistics.median(timed(lambda: pdf(data), runs=runs))
                    },
                    env=env,
                )
            if "error" in result[key] and warnings:
                said = warnings[-1].strip().splitlines()[-1]
                result[key]["error"] += f" (wkhtmltopdf's last words: {said})"
    return result


def measure_oca(config_file, database, report_url, status, ours):
    """The OCA peers' figures, or why there is none, in the copy of the bench database."""
    parser = configparser.ConfigParser()
    parser.read(config_file)
    # the OCA folder, after Odoo's and ours: only now, once our own figures are taken
    odoo.tools.config["addons_path"] = parser["options"]["addons_path"]
    odoo.modules.module.initialize_sys_path()
    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        configure_oca(api.Environment(cr, SUPERUSER_ID, {}), status)
    oca = {}
    if status["sale_financial_risk"] == "installed":
        log("OCA: sale_financial_risk, credit check at confirmation")
        oca["check"] = attempt(oca_credit_check, registry)
    if status["account_credit_control"] == "installed":
        log("OCA: account_credit_control, credit control run")
        oca["run"] = attempt(oca_credit_run, registry, ours["cron"].get("customers", 0))
        oca["emails"] = oca["run"].pop("emails", oca["run"])
    if status["partner_statement"] == "installed":
        log("OCA: partner_statement, outstanding statements")
        statements = attempt(oca_statements, registry, report_url)
        if "error" in statements:
            statements = dict.fromkeys(
                ("values_one", "values_all", "xlsx_one", "xlsx_all", "pdf_one", "pdf_several"), statements
            )
        oca.update(statements)
    return oca
