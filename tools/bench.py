"""Benchmark of account_debt_followup on a generated data set (run by `make bench`).

Usage:
    bench.py generate CONFIG DATABASE
    bench.py CONFIG DATABASE REPORT_URL OUTPUT_FILE [OCA_CONFIG OCA_DATABASE OCA_REPORT_URL OCA_STATUS]

The data set is generated once per database with bulk SQL (a marker in ir.config_parameter
keeps it between runs): customers over two companies, posted invoices in two currencies,
payments partially reconciled with them, confirmed sales orders not invoiced. Each measure
runs in a transaction that is rolled back, so runs do not change the data.

With the OCA arguments, the same measures are taken on the OCA peers (sale_financial_risk,
account_credit_control, partner_statement) in OCA_DATABASE, a copy of DATABASE where bench.sh
installed them (OCA_STATUS: one line per module, "name<TAB>installed" or why not), and the
results file gets a side by side table. Our figures are taken first, in this process, before
the OCA code is imported.
"""

import configparser
import logging
import os
import platform
import statistics
import sys
import time
import traceback
import tracemalloc
from contextlib import contextmanager
from datetime import date, timedelta

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.tools import SQL

PARTNERS = int(os.environ.get("BENCH_PARTNERS", 10000))
INVOICES = int(os.environ.get("BENCH_INVOICES", 70000))  # 2 lines each
PAYMENTS = int(os.environ.get("BENCH_PAYMENTS", 30000))  # 2 lines each, partially reconciled
ORDERS = int(os.environ.get("BENCH_ORDERS", 20000))
RUNS = int(os.environ.get("BENCH_RUNS", 5))
MARKER = "account_debt_followup.bench_dataset"
OCA_MODULES = ("sale_financial_risk", "account_credit_control", "partner_statement")
OCA_MARKER = "account_debt_followup.bench_oca_settings"
PDF_PARTNERS = 11  # the statement PDF of one customer, then of this many


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------- data set
def generate(env):
    started = time.time()
    Company = env["res.company"]
    company_a = env.ref("base.main_company")
    company_b = Company.search([("name", "=", "Bench Company B")], limit=1) or Company.create(
        {"name": "Bench Company B", "currency_id": company_a.currency_id.id}
    )
    for company in company_a | company_b:
        if not env["account.journal"].search_count([("company_id", "=", company.id), ("type", "=", "sale")]):
            env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)
    eur = env.ref("base.EUR")
    eur.active = True
    for company in company_a | company_b:
        env["res.currency.rate"].create(
            {"name": "2000-01-01", "rate": 2.0, "currency_id": eur.id, "company_id": company.id}
        )
    log(f"companies and currencies ready ({time.time() - started:.0f} s)")

    partners = env["res.partner"].create(
        [
            {"name": f"Bench Customer {i:05d}", "is_company": True, "email": f"c{i}@bench.example"}
            for i in range(PARTNERS)
        ]
    )
    env.cr.execute(
        SQL(
            "UPDATE res_partner SET credit_limit = jsonb_build_object(%s, 50000.0) WHERE id = ANY(%s)",
            str(company_a.id),
            partners.ids,
        )
    )
    log(f"{PARTNERS} customers ({time.time() - started:.0f} s)")
    product = env["product.product"].create(
        {"name": "Bench service", "type": "service", "invoice_policy": "order"}
    )
    env.flush_all()
    for index, company in enumerate(company_a | company_b):
        _generate_company(env, company, partners.ids, eur, product, index)
        log(f"company {company.name}: invoices, payments, orders ({time.time() - started:.0f} s)")
    Level = env["debt.followup.level"]
    template = env.ref("account_debt_followup.mail_template_followup_reminder")
    for delay in (0, 15, 60):
        Level.create(
            {
                "name": f"Bench {delay}",
                "delay": delay,
                "company_id": company_a.id,
                "mail_template_id": template.id,
            }
        )
    env["debt.credit.rule"].create(
        {"name": "Bench limit", "rule_type": "credit_limit", "action": "block", "company_id": company_a.id}
    )
    env.cr.execute("ANALYZE")
    env["ir.config_parameter"].set_param(MARKER, f"{PARTNERS}/{INVOICES}/{PAYMENTS}/{ORDERS}")
    log(f"data set generated in {time.time() - started:.0f} s")


def _generate_company(env, company, partner_ids, eur, product, index):
    """Half of the volumes in each company, with bulk SQL."""
    invoices, payments, orders = INVOICES // 2, PAYMENTS // 2, ORDERS // 2
    accounts = env["account.account"].with_company(company)
    domain = env["account.account"]._check_company_domain(company)
    receivable = accounts.search([*domain, ("account_type", "=", "asset_receivable")], limit=1)
    income = accounts.search([*domain, ("account_type", "=", "income")], limit=1)
    sale_journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
    )
    bank_journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
    )
    usd = company.currency_id
    params = {
        "company": company.id,
        "journal": sale_journal.id,
        "bank_journal": bank_journal.id,
        "bank_account": bank_journal.default_account_id.id,
        "receivable": receivable.id,
        "income": income.id,
        "usd": usd.id,
        "eur": eur.id,
        "partners": partner_ids,
        "n_partners": len(partner_ids),
        "invoices": invoices,
        "payments": payments,
        "orders": orders,
        "prefix": f"BENCH{index}",
        "product": product.id,
        "product_name": product.name,
        "uom": product.uom_id.id,
        "user": SUPERUSER_ID,
    }
    cr = env.cr
    # invoices: one in five in EUR (rate 2); amounts 100..9999; issued over the last year, due 30 days later
    cr.execute(
        SQL(
            """
            INSERT INTO account_move (name, move_type, state, auto_post, journal_id, company_id, currency_id,
                                      partner_id, commercial_partner_id, date, invoice_date, invoice_date_due,
                                      amount_untaxed, amount_total, amount_residual, amount_untaxed_signed,
                                      amount_total_signed, amount_residual_signed, payment_state,
                                      create_uid, write_uid, create_date, write_date)
            SELECT %(prefix)s || '/INV/' || g, 'out_invoice', 'posted', 'no', %(journal)s, %(company)s,
                   CASE WHEN mod(g, 5) = 0 THEN %(eur)s ELSE %(usd)s END,
                   (%(partners)s::int[])[1 + mod(g, %(n_partners)s)], (%(partners)s::int[])[1 + mod(g, %(n_partners)s)],
                   CURRENT_DATE - (mod(g, 365)), CURRENT_DATE - (mod(g, 365)), CURRENT_DATE - (mod(g, 365)) + 30,
                   100 + mod(g * 7919, 9900), 100 + mod(g * 7919, 9900), 100 + mod(g * 7919, 9900),
                   (100 + mod(g * 7919, 9900)) / CASE WHEN mod(g, 5) = 0 THEN 2 ELSE 1 END,
                   (100 + mod(g * 7919, 9900)) / CASE WHEN mod(g, 5) = 0 THEN 2 ELSE 1 END,
                   (100 + mod(g * 7919, 9900)) / CASE WHEN mod(g, 5) = 0 THEN 2 ELSE 1 END,
                   'not_paid', %(user)s, %(user)s, NOW(), NOW()
              FROM generate_series(1, %(invoices)s) g
            """,
            **params,
        )
    )
    for kind in ("receivable", "income"):
        sign = SQL("1") if kind == "receivable" else SQL("-1")
        cr.execute(
            SQL(
                """
                INSERT INTO account_move_line (move_id, move_name, journal_id, company_id, company_currency_id,
                                               currency_id, account_id, partner_id, date, date_maturity, name,
                                               display_type, parent_state, balance, debit, credit,
                                               amount_currency, amount_residual, amount_residual_currency,
                                               reconciled, quantity, price_unit, price_subtotal, price_total,
                                               create_uid, write_uid, create_date, write_date)
                SELECT move.id, move.name, move.journal_id, move.company_id, %(usd)s, move.currency_id,
                       %(account)s, move.partner_id, move.date, move.invoice_date_due, %(label)s,
                       %(display)s, 'posted',
                       %(sign)s * move.amount_total_signed,
                       CASE WHEN %(sign)s > 0 THEN move.amount_total_signed ELSE 0 END,
                       CASE WHEN %(sign)s < 0 THEN move.amount_total_signed ELSE 0 END,
                       %(sign)s * move.amount_total,
                       CASE WHEN %(sign)s > 0 THEN move.amount_total_signed ELSE 0 END,
                       CASE WHEN %(sign)s > 0 THEN move.amount_total ELSE 0 END,
                       FALSE, 1, move.amount_total, move.amount_total, move.amount_total,
                       %(user)s, %(user)s, NOW(), NOW()
                  FROM account_move move
                 WHERE move.company_id = %(company)s AND move.name LIKE %(like)s
                """,
                **params,
                account=params[kind],
                label="Bench invoice" if kind == "receivable" else "Bench service",
                display="payment_term" if kind == "receivable" else "product",
                sign=sign,
                like=f"{params['prefix']}/INV/%",
            )
        )
    # payments: 40% of the first invoices in USD, partially reconciled with them
    cr.execute(
        SQL(
            """
            WITH targets AS (
                SELECT line.id AS line_id, line.move_id, line.partner_id, line.date, ROUND(line.balance * 0.4, 2) AS paid
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                 WHERE move.company_id = %(company)s AND move.name LIKE %(like)s
                   AND line.account_id = %(receivable)s AND move.currency_id = %(usd)s
              ORDER BY line.id LIMIT %(payments)s
            ), moves AS (
                INSERT INTO account_move (name, move_type, state, auto_post, journal_id, company_id, currency_id,
                                          partner_id, commercial_partner_id, date, amount_total, amount_total_signed,
                                          create_uid, write_uid, create_date, write_date, ref)
                SELECT %(prefix)s || '/PAY/' || targets.line_id, 'entry', 'posted', 'no', %(bank_journal)s,
                       %(company)s, %(usd)s, targets.partner_id, targets.partner_id, targets.date + 20, targets.paid,
                       targets.paid, %(user)s, %(user)s, NOW(), NOW(), targets.line_id::text
                  FROM targets
             RETURNING id, ref, partner_id, date, amount_total
            ), lines AS (
                INSERT INTO account_move_line (move_id, journal_id, company_id, company_currency_id, currency_id,
                                               account_id, partner_id, date, date_maturity, name, display_type,
                                               parent_state, balance, debit, credit, amount_currency, amount_residual,
                                               amount_residual_currency, reconciled,
                                               create_uid, write_uid, create_date, write_date)
                SELECT moves.id, %(bank_journal)s, %(company)s, %(usd)s, %(usd)s, account.id, moves.partner_id,
                       moves.date, moves.date, 'Bench payment', 'product', 'posted',
                       CASE WHEN account.id = %(receivable)s THEN -moves.amount_total ELSE moves.amount_total END,
                       CASE WHEN account.id = %(receivable)s THEN 0 ELSE moves.amount_total END,
                       CASE WHEN account.id = %(receivable)s THEN moves.amount_total ELSE 0 END,
                       CASE WHEN account.id = %(receivable)s THEN -moves.amount_total ELSE moves.amount_total END,
                       0, 0, account.id = %(receivable)s, %(user)s, %(user)s, NOW(), NOW()
                  FROM moves CROSS JOIN (VALUES (%(receivable)s), (%(bank_account)s)) AS account(id)
             RETURNING id, move_id, account_id
            )
            INSERT INTO account_partial_reconcile (debit_move_id, credit_move_id, amount, debit_amount_currency,
                                                   credit_amount_currency, company_id, debit_currency_id,
                                                   credit_currency_id, max_date, create_uid, write_uid,
                                                   create_date, write_date)
            SELECT moves.ref::int, lines.id, moves.amount_total, moves.amount_total, moves.amount_total,
                   %(company)s, %(usd)s, %(usd)s, moves.date, %(user)s, %(user)s, NOW(), NOW()
              FROM lines JOIN moves ON moves.id = lines.move_id
             WHERE lines.account_id = %(receivable)s
            """,
            **params,
            like=f"{params['prefix']}/INV/%",
        )
    )
    cr.execute(
        SQL(
            """
            UPDATE account_move_line line
               SET amount_residual = line.balance - partial.amount,
                   amount_residual_currency = line.amount_currency - partial.amount
              FROM account_partial_reconcile partial
             WHERE partial.debit_move_id = line.id AND partial.company_id = %(company)s;
            UPDATE account_move move
               SET amount_residual = line.amount_residual, amount_residual_signed = line.amount_residual,
                   payment_state = 'partial'
              FROM account_move_line line
             WHERE line.move_id = move.id AND line.account_id = %(receivable)s
               AND line.amount_residual < line.balance AND move.company_id = %(company)s
            """,
            **params,
        )
    )
    # confirmed orders not invoiced, one line each
    cr.execute(
        SQL(
            """
            WITH orders AS (
                INSERT INTO sale_order (name, company_id, partner_id, partner_invoice_id, partner_shipping_id,
                                        date_order, state, currency_id, currency_rate, amount_untaxed,
                                        amount_total, amount_tax, invoice_status, create_uid, write_uid,
                                        create_date, write_date)
                SELECT %(prefix)s || '/SO/' || g, %(company)s, partner, partner, partner,
                       NOW() - make_interval(days => mod(g, 60)), 'sale', %(usd)s, 1.0,
                       100 + mod(g * 104729, 4900), 100 + mod(g * 104729, 4900), 0, 'to invoice',
                       %(user)s, %(user)s, NOW(), NOW()
                  FROM (SELECT g, (%(partners)s::int[])[1 + mod(g * 31, %(n_partners)s)] AS partner
                          FROM generate_series(1, %(orders)s) g) source
             RETURNING id, amount_total
            )
            INSERT INTO sale_order_line (order_id, name, product_id, product_uom, product_uom_qty, price_unit,
                                         price_subtotal, price_total, price_tax, qty_invoiced, qty_delivered,
                                         qty_to_invoice, customer_lead, currency_id, company_id, state,
                                         is_downpayment, untaxed_amount_to_invoice, create_uid, write_uid,
                                         create_date, write_date)
            SELECT orders.id, %(product_name)s, %(product)s, %(uom)s, 1, orders.amount_total, orders.amount_total,
                   orders.amount_total, 0, 0, 0, 1, 0, %(usd)s, %(company)s, 'sale', FALSE, orders.amount_total,
                   %(user)s, %(user)s, NOW(), NOW()
              FROM orders
            """,
            **params,
        )
    )


# ---------------------------------------------------------------------------------- measures
@contextmanager
def rolled_back(registry):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        try:
            yield env
        finally:
            cr.rollback()


def timed(func, runs=RUNS):
    times = []
    for _i in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return times


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def count_queries(env, func):
    """The number of queries ``func`` runs."""
    env.flush_all()
    before = env.cr.sql_log_count
    func()
    return env.cr.sql_log_count - before


def worded(count):
    return f"{count} query" if count == 1 else f"{count} queries"


def queries(env, func):
    """The number of queries ``func`` runs, worded ("1 query", "9 queries")."""
    return worded(count_queries(env, func))


def main_company_env(env):
    """The main company and an environment restricted to it, as for every measure."""
    company = env.ref("base.main_company")
    return company, env(context={**env.context, "allowed_company_ids": [company.id]})


def bench_customers(env, limit=None):
    return env["res.partner"].search([("name", "like", "Bench Customer")], order="id", limit=limit)


def sample_quotations(env, partners):
    """One quotation for every hundredth customer (the same customers in both databases)."""
    sample = partners[:: max(1, len(partners) // 100)][:100]
    product = env["product.product"].search([("name", "=", "Bench service")], limit=1)
    orders = env["sale.order"].create(
        [
            {
                "partner_id": p.id,
                "order_line": [Command.create({"name": "x", "product_id": product.id, "price_unit": 10.0})],
            }
            for p in sample
        ]
    )
    env.flush_all()
    return orders


def time_per_order(env, orders, check):
    """``check(order)`` timed and its queries counted, one order at a time, from a cold cache."""
    durations, counts = [], []
    for order in orders:
        env.invalidate_all()
        order.read(["partner_id", "company_id", "amount_total", "state"])
        start = time.perf_counter()
        env.flush_all()
        before = env.cr.sql_log_count
        check(order)
        counts.append(env.cr.sql_log_count - before)
        durations.append(time.perf_counter() - start)
    return {"p50": statistics.median(durations), "p95": p95(durations), "queries": max(counts)}


def measure(registry, report_url):
    """Our measures: the rows of the results table, and the raw figures the OCA peers are compared with."""
    rows, ours = [], {}
    with rolled_back(registry) as env:
        company, env = main_company_env(env)
        Partner = env["res.partner"].with_company(company)
        partners = bench_customers(env).with_company(company)
        open_lines = env["account.move.line"].search_count(
            [
                ("partner_id", "in", partners.ids),
                ("reconciled", "=", False),
                ("account_type", "=", "asset_receivable"),
            ]
        )
        rows.append(
            (
                "data set",
                f"{len(partners)} customers, {open_lines} open receivable lines (2 companies)",
                "",
                "",
            )
        )

        # credit check at confirmation, one quotation per customer sampled
        orders = sample_quotations(env, partners)
        ours["check"] = check = time_per_order(env, orders, lambda order: order._debt_credit_check())
        rows.append(
            (
                "credit check at confirmation",
                f"p50 {check['p50'] * 1000:.1f} ms, p95 {check['p95'] * 1000:.1f} ms",
                worded(check["queries"]),
                "≤10 queries, p95 ≤50 ms",
            )
        )
        one = partners[:1]

        def floor():
            env.cr.execute(
                SQL(
                    "SELECT SUM(amount_residual) FROM account_move_line WHERE partner_id = %s AND reconciled IS NOT TRUE",
                    one.id,
                )
            )

        rows.append(
            (
                "floor: SQL sum of one customer's open lines",
                f"{statistics.median(timed(floor)) * 1000:.2f} ms",
                "1 query",
                "",
            )
        )

        Partner = env["res.partner"].with_company(company)

        def status_all():
            today = date.today()
            data = Partner._get_followup_data(company, all_partners=True)
            return {pid: Partner._debt_followup_status_of(values, today) for pid, values in data.items()}

        elapsed = statistics.median(timed(status_all))
        count = count_queries(env, status_all)
        ours["status_all"] = {"time": elapsed, "queries": count, "customers": len(status_all())}
        rows.append(
            (
                "follow-up status, all customers (worklist query)",
                f"{elapsed * 1000:.0f} ms",
                worded(count),
                "≤250 ms for 10k",
            )
        )

        def status_read():
            env.invalidate_all()
            partners.read(["debt_followup_status", "debt_followup_todo_level_id"])

        rows.append(
            (
                "same, read through the ORM for all customers",
                f"{statistics.median(timed(status_read)) * 1000:.0f} ms",
                queries(env, status_read),
                "",
            )
        )

        def exposure_all():
            env.invalidate_all()
            partners.read(["debt_exposure", "debt_overdue_amount"])

        rows.append(
            (
                "exposure and overdue, all customers",
                f"{statistics.median(timed(exposure_all)) * 1000:.0f} ms",
                queries(env, exposure_all),
                "",
            )
        )

        def aged():
            env["debt.aged.balance"]._read_group(
                [("account_type", "=", "asset_receivable")],
                ["partner_id"],
                ["amount_residual:sum", "amount_older:sum"],
            )

        rows.append(
            (
                "aged receivable, grouped by customer",
                f"{statistics.median(timed(aged)) * 1000:.0f} ms",
                "1 query",
                "≤2 s",
            )
        )

        past = date.today() - timedelta(days=45)

        def aged_as_of():
            env["debt.aged.balance"].with_context(debt_as_of=past.isoformat())._read_group(
                [("account_type", "=", "asset_receivable")],
                ["partner_id"],
                ["amount_residual:sum", "amount_older:sum"],
            )

        rows.append(
            (
                f"aged receivable as of a past date ({past}), grouped by customer",
                f"{statistics.median(timed(aged_as_of)) * 1000:.0f} ms",
                "1 query",
                "≤1 s",
            )
        )

        # the summary of debts of last month, receivables and payables, as the list, the PDF and
        # the XLSX read it: every row of every partner
        month_end = date.today().replace(day=1) - timedelta(days=1)
        summary = env["debt.period.summary"].with_context(
            debt_date_from=month_end.replace(day=1).isoformat(), debt_date_to=month_end.isoformat()
        )

        def period_summary():
            return summary.search_fetch([], ["partner_id", "account_id", *summary._amount_field_names()])

        summary_rows = len(period_summary())
        rows.append(
            (
                f"period summary for all partners ({summary_rows} rows, {month_end:%Y-%m})",
                f"{statistics.median(timed(period_summary, runs=3)) * 1000:.0f} ms",
                queries(env, period_summary),
                "≤2 s",
            )
        )

        def rating():
            return env["res.partner"].with_company(company)._get_debt_rating(company)

        rated = rating()
        rows.append(
            (
                f"debtor rating suggested, all customers ({len(rated)} with a history)",
                f"{statistics.median(timed(rating, runs=3)) * 1000:.0f} ms",
                queries(env, rating),
                "",
            )
        )

        def kpi_trend():
            env["debt.kpi"].search_read(
                [("partner_id", "=", False)], ["month", "dso", "cei", "overdue_ratio"]
            )

        rows.append(
            (
                "collection KPIs, company trend (13 months)",
                f"{statistics.median(timed(kpi_trend, runs=3)) * 1000:.0f} ms",
                queries(env, kpi_trend),
                "",
            )
        )

        def kpi_partners():
            env["debt.kpi"]._get_partner_kpis(partners, company)

        rows.append(
            (
                "collection KPIs of 12 months, all customers",
                f"{statistics.median(timed(kpi_partners, runs=3)) * 1000:.0f} ms",
                queries(env, kpi_partners),
                "",
            )
        )

        # the statement's values (open items per customer and currency, aging) for the side by side
        statement = env["debt.statement"]
        today = date.today()
        for key, some in (("one", partners[:1]), ("all", partners)):
            elapsed = statistics.median(
                timed(lambda some=some: statement._get_open_items(some, company, today), runs=3)
            )
            ours[f"values_{key}"] = {
                "time": elapsed,
                "queries": count_queries(
                    env, lambda some=some: statement._get_open_items(some, company, today)
                ),
                "rows": sum(
                    len(section["items"])
                    for sections in statement._get_open_items(some, company, today).values()
                    for currency, section in sections.items()
                    if currency
                ),
            }
        xlsx_rows = ours["values_all"]["rows"]

        # speed and memory in separate runs: tracemalloc slows every allocation down
        export = env["debt.xlsx.export"]
        ours["xlsx_one"] = {
            "time": statistics.median(
                timed(lambda: export._statement_xlsx(partners[:1], company, today), runs=3)
            ),
            "rows": ours["values_one"]["rows"],
        }
        elapsed = statistics.median(timed(lambda: export._statement_xlsx(partners, company, today), runs=3))
        tracemalloc.start()
        content = export._statement_xlsx(partners, company, today)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        ours["xlsx_all"] = {"time": elapsed, "rows": xlsx_rows, "peak": peak}
        rows.append(
            (
                "statement XLSX, all customers",
                f"{xlsx_rows / elapsed:,.0f} rows/s ({xlsx_rows} rows, {len(content) // 1024} KiB)",
                f"peak {peak / 2**20:.0f} MiB (Python)",
                "≥5,000 rows/s, ≤300 MB",
            )
        )

    with rolled_back(registry) as env:
        company = env.ref("base.main_company")
        env = env(context={"allowed_company_ids": [company.id], "mail_notify_force_send": False})
        due = env["res.partner"]._debt_followup_due(company)
        batch = min(1000, len(due))
        start = time.perf_counter()
        done = env["res.partner"]._cron_debt_followup(batch_size=batch)
        elapsed = time.perf_counter() - start
        ours["cron"] = {"time": elapsed, "customers": done}
        rows.append(
            (
                "follow-up cron, no PDF",
                f"{done / elapsed:.1f} customers/s ({done} in {elapsed:.1f} s)",
                "",
                "≥20 customers/s",
            )
        )

    with rolled_back(registry) as env:
        env["ir.config_parameter"].set_param("report.url", report_url)
        company = env.ref("base.main_company")
        partners = bench_customers(env, limit=PDF_PARTNERS)
        data = {"company_id": company.id, "date_to": str(date.today())}
        statement = env["debt.statement"].with_context(force_report_rendering=True)
        single = statistics.median(timed(lambda: statement._statement_pdf(partners[:1], data), runs=3))
        several = statistics.median(timed(lambda: statement._statement_pdf(partners, data), runs=2))
        ours["pdf_one"], ours["pdf_several"] = {"time": single}, {"time": several}
        rows.append(
            (
                "statement PDF",
                f"{single:.2f} s one customer, +{(several - single) / (len(partners) - 1):.2f} s per extra customer",
                "",
                "≤4 s, ≤0.5 s marginal",
            )
        )
    return rows, ours


# ---------------------------------------------------------------------------------- OCA peers
def read_status(path):
    """``{module: "installed" or why not}`` from the file bench.sh wrote."""
    status = dict.fromkeys(OCA_MODULES, "not tried")
    with open(path, encoding="utf-8") as file:
        for line in file:
            name, _tab, state = line.rstrip("\n").partition("\t")
            status[name] = state
    return status


def attempt(func, *args, env=None):
    """``func(*args)``, or ``{"error": text}`` when the peer fails on this data (told in the table).

    With ``env``, in a savepoint of its transaction, so that the next measures can go on.
    """
    try:
        if env is None:
            return func(*args)
        with env.cr.savepoint():
            return func(*args)
    except Exception as error:
        log(traceback.format_exc())
        if env is not None:
            env.invalidate_all()
        text = " ".join(str(error).split())
        return {"error": f"{type(error).__name__}: {text}"[:300]}


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


class Collected(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextmanager
def report_warnings():
    """The warnings Odoo logs while rendering PDFs (what wkhtmltopdf said)."""
    handler = Collected()
    logger = logging.getLogger("odoo.addons.base.models.ir_actions_report")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


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
        oca["run"] = attempt(oca_credit_run, registry, ours["cron"]["customers"])
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


# ---------------------------------------------------------------------------------- side by side
def duration(seconds):
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def ratio(ours, theirs):
    return f"{ours / theirs:.3g}" if theirs else "—"


def comparison(ours, oca, status):
    """The side by side table: ``[(measure, ours, OCA peer, theirs, ours/theirs)]``."""
    table = []

    def add(measure, our_text, module, key, their_text, ratio_text):
        """``their_text(figures)`` and ``ratio_text(figures)`` unless the module or measure failed."""
        if status[module] != "installed":
            table.append((measure, our_text, module, status[module], "—"))
        elif "error" in oca[key]:
            table.append((measure, our_text, module, oca[key]["error"], "—"))
        else:
            table.append((measure, our_text, module, their_text(oca[key]), ratio_text(oca[key])))

    check = ours["check"]
    add(
        "credit check at confirmation, 100 quotations",
        f"p50 {duration(check['p50'])}, p95 {duration(check['p95'])}, {worded(check['queries'])}",
        "sale_financial_risk",
        "check",
        lambda t: (
            f"p50 {duration(t['p50'])}, p95 {duration(t['p95'])}, {worded(t['queries'])} "
            f"({t['exceeded']} of {t['orders']} over the limit)"
        ),
        lambda t: f"p50 {ratio(check['p50'], t['p50'])}, p95 {ratio(check['p95'], t['p95'])}",
    )
    status_all, cron = ours["status_all"], ours["cron"]
    add(
        "follow-up run: who is due, at which level",
        f"{duration(status_all['time'])} for {status_all['customers']} customers, "
        f"{worded(status_all['queries'])} (worklist query, nothing written)",
        "account_credit_control",
        "run",
        lambda t: (
            f"{duration(t['time'])}, {worded(t['queries'])}: a run writing {t['lines']} credit lines "
            f"of {t['customers']} customers"
        ),
        lambda t: ratio(status_all["time"], t["time"]),
    )
    if cron["customers"]:
        per_customer = cron["time"] / cron["customers"]
        add(
            "reminder e-mails, no PDF, queued",
            f"{duration(cron['time'])} for {cron['customers']} customers, {duration(per_customer)} each "
            "(the cron: level, e-mail, history)",
            "account_credit_control",
            "emails",
            lambda t: (
                f"{duration(t['time'])} for {t['customers']} customers, {duration(t['time'] / t['customers'])} "
                f"each (the run's button: {t['communications']} communications e-mailed)"
                if t["customers"]
                else "no customer with an overdue item"
            ),
            lambda t: ratio(per_customer, t["time"] / t["customers"]) if t["customers"] else "—",
        )
    for key, who in (("one", "1 customer"), ("all", "all customers")):
        values = ours[f"values_{key}"]
        add(
            f"statement values (open items, aging), {who}",
            f"{duration(values['time'])}, {worded(values['queries'])}, {values['rows']} items",
            "partner_statement",
            f"values_{key}",
            lambda t: f"{duration(t['time'])}, {worded(t['queries'])}, {t['rows']} items",
            lambda t, values=values: ratio(values["time"], t["time"]),
        )

    def xlsx_text(figures, key):
        """The time, and the speed in rows/s of a whole book (one customer's is all overhead)."""
        if not figures["rows"]:
            return duration(figures["time"])
        speed = f", {figures['rows'] / figures['time']:,.0f} rows/s" if key == "all" else ""
        return f"{duration(figures['time'])} ({figures['rows']} rows{speed})"

    for key, who in (("one", "1 customer"), ("all", "all customers")):
        xlsx = ours[f"xlsx_{key}"]
        add(
            f"statement XLSX, {who}",
            xlsx_text(xlsx, key),
            "partner_statement",
            f"xlsx_{key}",
            lambda t, key=key: xlsx_text(t, key),
            lambda t, xlsx=xlsx: ratio(xlsx["time"], t["time"]),
        )
    for key, who in (("one", "1 customer"), ("several", f"{PDF_PARTNERS} customers")):
        pdf = ours[f"pdf_{key}"]
        add(
            f"statement PDF, {who}",
            duration(pdf["time"]) + (" (one wkhtmltopdf run a customer, merged)" if key == "several" else ""),
            "partner_statement",
            f"pdf_{key}",
            lambda t, key=key: duration(t["time"]) + (" (one wkhtmltopdf run)" if key == "several" else ""),
            lambda t, pdf=pdf: ratio(pdf["time"], t["time"]),
        )
    return table


def table(title, header, rows):
    return [
        title,
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows],
    ]


def main():
    if sys.argv[1] == "generate":
        config_file, database = sys.argv[2:4]
        odoo.tools.config.parse_config(["-c", config_file, "-d", database])
        registry = odoo.modules.registry.Registry(database)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            if not env["ir.config_parameter"].get_param(MARKER):
                generate(env)
        return
    config_file, database, report_url, output = sys.argv[1:5]
    odoo.tools.config.parse_config(["-c", config_file, "-d", database])
    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if not env["ir.config_parameter"].get_param(MARKER):
            generate(env)
    rows, ours = measure(registry, report_url)
    lines = table(
        f"account_debt_followup benchmark, {date.today()}, {platform.machine()}, {os.cpu_count()} cores, "
        f"median of {RUNS} runs",
        ("measure", "result", "queries / memory", "target"),
        rows,
    )
    lines.append("")
    if len(sys.argv) >= 9:
        oca_config, oca_database, oca_url, oca_status = sys.argv[5:9]
        status = read_status(oca_status)
        oca = measure_oca(oca_config, oca_database, oca_url, status, ours)
        lines += table(
            f"Side by side with the OCA peers, in {oca_database} (a copy of {database} with them installed: "
            "the same customers, orders and open items); ours/theirs is a ratio of times, below 1 ours is faster",
            ("measure", "ours", "OCA peer", "theirs", "ours/theirs"),
            comparison(ours, oca, status),
        )
    else:
        lines.append("OCA modules not installed (see README): no side by side comparison.")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(output, "w", encoding="utf-8") as file:
        file.write(text)


if __name__ == "__main__":
    main()
