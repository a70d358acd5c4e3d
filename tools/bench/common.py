"""What every measure shares: the volumes, a rolled back transaction, timing and counting."""

import logging
import os
import statistics
import sys
import time
import traceback
from contextlib import contextmanager

from odoo import SUPERUSER_ID, Command, api

PARTNERS = int(os.environ.get("BENCH_PARTNERS", 10000))
INVOICES = int(os.environ.get("BENCH_INVOICES", 70000))  # 2 lines each
PAYMENTS = int(os.environ.get("BENCH_PAYMENTS", 30000))  # 2 lines each, partially reconciled
ORDERS = int(os.environ.get("BENCH_ORDERS", 20000))
RUNS = int(os.environ.get("BENCH_RUNS", 5))
# BENCH_ONLY=ledger: the credit check, the worklist and the ledger's readers, no cron, PDF or OCA
# peers (the large data sets); BENCH_ONLY=worklist: the credit check and the worklist only
ONLY = os.environ.get("BENCH_ONLY", "")
# the reminder cron at two volumes of due customers (fewer when fewer are due)
CRON_SMALL = int(os.environ.get("BENCH_CRON_SMALL", 1000))
CRON_LARGE = int(os.environ.get("BENCH_CRON_LARGE", 10000))
CRON_BATCH = int(os.environ.get("BENCH_CRON_BATCH", 100))  # customers per call of the cron
MARKER = "account_debt_followup.bench_dataset"
OCA_MODULES = ("sale_financial_risk", "account_credit_control", "partner_statement")
OCA_MARKER = "account_debt_followup.bench_oca_settings"
PDF_PARTNERS = 11  # the statement PDF of one customer, then of this many (side by side)
PDF_BATCH = int(os.environ.get("BENCH_PDF_BATCH", 50))  # the statements of a batch, one run


def log(message):
    print(message, file=sys.stderr, flush=True)


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


def duration(seconds):
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def ratio(ours, theirs):
    return f"{ours / theirs:.3g}" if theirs else "—"


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
