"""Benchmark of account_debt_followup on a generated data set (run by `make bench`).

Usage: bench.py CONFIG DATABASE REPORT_URL OUTPUT_FILE

The data set is generated once per database with bulk SQL (a marker in ir.config_parameter
keeps it between runs): customers over two companies, posted invoices in two currencies,
payments partially reconciled with them, confirmed sales orders not invoiced. Each measure
runs in a transaction that is rolled back, so runs do not change the data.
"""

import os
import platform
import statistics
import sys
import time
import tracemalloc
from contextlib import contextmanager
from datetime import date

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.tools import SQL

PARTNERS = int(os.environ.get("BENCH_PARTNERS", 10000))
INVOICES = int(os.environ.get("BENCH_INVOICES", 70000))  # 2 lines each
PAYMENTS = int(os.environ.get("BENCH_PAYMENTS", 30000))  # 2 lines each, partially reconciled
ORDERS = int(os.environ.get("BENCH_ORDERS", 20000))
RUNS = int(os.environ.get("BENCH_RUNS", 5))
MARKER = "account_debt_followup.bench_dataset"


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


def queries(env, func):
    """The number of queries ``func`` runs, worded ("1 query", "9 queries")."""
    env.flush_all()
    before = env.cr.sql_log_count
    func()
    count = env.cr.sql_log_count - before
    return f"{count} query" if count == 1 else f"{count} queries"


def measure(registry, report_url):
    rows = []
    with rolled_back(registry) as env:
        company = env.ref("base.main_company")
        env = env(context={"allowed_company_ids": [company.id]})
        Partner = env["res.partner"].with_company(company)
        partners = Partner.search([("name", "like", "Bench Customer")], order="id")
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
        sample = partners[:: max(1, len(partners) // 100)][:100]
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": p.id,
                    "order_line": [
                        Command.create(
                            {
                                "name": "x",
                                "product_id": env["product.product"]
                                .search([("name", "=", "Bench service")], limit=1)
                                .id,
                                "price_unit": 10.0,
                            }
                        )
                    ],
                }
                for p in sample
            ]
        )
        env.flush_all()
        durations, counts = [], []
        for order in orders:
            env.invalidate_all()
            order.read(["partner_id", "company_id", "amount_total", "state"])
            start = time.perf_counter()
            env.flush_all()
            before = env.cr.sql_log_count
            order._debt_credit_check()
            counts.append(env.cr.sql_log_count - before)
            durations.append(time.perf_counter() - start)
        rows.append(
            (
                "credit check at confirmation",
                f"p50 {statistics.median(durations) * 1000:.1f} ms, p95 {p95(durations) * 1000:.1f} ms",
                f"{max(counts)} queries",
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

        rows.append(
            (
                "follow-up status, all customers (worklist query)",
                f"{statistics.median(timed(status_all)) * 1000:.0f} ms",
                queries(env, status_all),
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

        # speed and memory in separate runs: tracemalloc slows every allocation down
        export = env["debt.xlsx.export"]
        elapsed = statistics.median(
            timed(lambda: export._statement_xlsx(partners, company, date.today()), runs=3)
        )
        tracemalloc.start()
        content = export._statement_xlsx(partners, company, date.today())
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        xlsx_rows = sum(
            len(section["items"])
            for sections in env["debt.statement"]._get_open_items(partners, company, date.today()).values()
            for currency, section in sections.items()
            if currency
        )
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
        partners = env["res.partner"].search([("name", "like", "Bench Customer")], order="id", limit=11)
        data = {"company_id": company.id, "date_to": str(date.today())}
        statement = env["debt.statement"].with_context(force_report_rendering=True)
        single = statistics.median(timed(lambda: statement._statement_pdf(partners[:1], data), runs=3))
        eleven = statistics.median(timed(lambda: statement._statement_pdf(partners, data), runs=2))
        rows.append(
            (
                "statement PDF",
                f"{single:.2f} s one customer, +{(eleven - single) / 10:.2f} s per extra customer",
                "",
                "≤4 s, ≤0.5 s marginal",
            )
        )
    return rows


def main():
    config_file, database, report_url, output = sys.argv[1:5]
    odoo.tools.config.parse_config(["-c", config_file, "-d", database])
    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if not env["ir.config_parameter"].get_param(MARKER):
            generate(env)
    rows = measure(registry, report_url)
    lines = [
        f"account_debt_followup benchmark, {date.today()}, {platform.machine()}, {os.cpu_count()} cores, "
        f"median of {RUNS} runs",
        "",
        "| measure | result | queries / memory | target |",
        "|---|---|---|---|",
        *[f"| {name} | {result} | {extra} | {target} |" for name, result, extra, target in rows],
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    with open(output, "w", encoding="utf-8") as file:
        file.write(text)


if __name__ == "__main__":
    main()
