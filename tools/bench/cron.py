"""The reminder cron without PDF, as Odoo runs it: ``res.partner._cron_debt_followup(batch_size=N)``
called until it returns 0, by one worker at two volumes of due customers, then by two workers at
the same time on the same run (two processes, each with its own transaction).

Every run is rolled back: a worker calls the cron in one transaction, flushing and emptying its
cache between calls as a new transaction would, and rolls back at the end. Two workers split the
customers only if concurrent callers skip the customers another one holds (``FOR UPDATE SKIP
LOCKED``); otherwise the second waits for the first (a lock timeout is reported as an error)."""

import json
import os
import statistics
import subprocess
import sys
import time

import odoo
from odoo import SUPERUSER_ID, api

from .common import CRON_BATCH, RUNS, log, rolled_back

CRON_RUNS = int(os.environ.get("BENCH_CRON_RUNS", RUNS))
LOCK_TIMEOUT = os.environ.get("BENCH_CRON_LOCK_TIMEOUT", "120s")


def cron_env(env):
    company = env.ref("base.main_company")
    return env(context={"allowed_company_ids": [company.id], "mail_notify_force_send": False})


def due_customers(registry):
    with rolled_back(registry) as env:
        env = cron_env(env)
        return len(env["res.partner"]._debt_followup_due(env.company))


def run_cron(env, limit):
    """Call the cron until it returns 0 or ``limit`` customers are done; the number done."""
    Partner = env["res.partner"]
    done = 0
    while done < limit:
        count = Partner._cron_debt_followup(batch_size=min(CRON_BATCH, limit - done))
        if not count:
            break
        done += count
        env.flush_all()
        env.invalidate_all()
    return done


def one_worker(registry, limit):
    """``{"time", "customers"}``: the median of ``CRON_RUNS`` runs of one worker up to ``limit``."""
    times, done = [], 0
    for _run in range(CRON_RUNS):
        with rolled_back(registry) as env:
            env = cron_env(env)
            start = time.perf_counter()
            done = run_cron(env, limit)
            times.append(time.perf_counter() - start)
    return {"time": statistics.median(times), "customers": done}


def two_workers(config_file, database, limit):
    """``{"time", "customers", "twice"}`` of two processes calling the cron at once, each up to
    half of ``limit``: the wall time, the distinct customers reminded and those reminded by both
    (the same customer twice: the workers did not split the run); the median of ``CRON_RUNS``
    runs, or ``{"error": ...}``."""
    tools = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    command = [sys.executable, "-m", "bench", "cron-worker", config_file, database, str((limit + 1) // 2)]
    times, totals = [], []
    for _run in range(CRON_RUNS):
        workers = [
            subprocess.Popen(command, cwd=tools, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            for _i in range(2)
        ]
        for worker in workers:  # both ready (registry loaded, transaction open), then both go
            if worker.stdout.readline().strip() != "ready":
                return {"error": "a cron worker did not start (see the log above)"}
        start = time.time()
        for worker in workers:
            worker.stdin.write("go\n")
            worker.stdin.flush()
        results = [json.loads(worker.communicate()[0].strip().splitlines()[-1]) for worker in workers]
        errors = [result["error"] for result in results if result.get("error")]
        if errors:
            return {"error": errors[0]}
        times.append(max(result["end"] for result in results) - start)
        reminded = [set(result["partners"]) for result in results]
        # customers reminded by both workers: without SKIP LOCKED, both take the same batch
        totals.append((len(reminded[0] | reminded[1]), len(reminded[0] & reminded[1])))
    customers, twice = sorted(totals)[len(totals) // 2]
    return {"time": statistics.median(times), "customers": customers, "twice": twice}


def worker_main(config_file, database, limit):
    """One worker process: say ready, wait for go, run the cron, print what it did as JSON."""
    odoo.tools.config.parse_config(["-c", config_file, "-d", database])
    registry = odoo.modules.registry.Registry(database)
    result = {"done": 0}
    with registry.cursor() as cr:
        cr.execute("SET lock_timeout = %s", [LOCK_TIMEOUT])
        env = cron_env(api.Environment(cr, SUPERUSER_ID, {}))
        env["res.partner"]._fields  # noqa: B018 (the registry is loaded before the start)
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM debt_followup_history")
        [last_id] = cr.fetchone()
        print("ready", flush=True)
        sys.stdin.readline()
        try:
            result["done"] = run_cron(env, int(limit))
            # the customers this worker reminded: its own rows (the other worker's are not committed)
            cr.execute("SELECT DISTINCT partner_id FROM debt_followup_history WHERE id > %s", [last_id])
            result["partners"] = [partner_id for (partner_id,) in cr.fetchall()]
        except Exception as error:
            log(f"cron worker: {error}")
            result["error"] = f"{type(error).__name__}: {' '.join(str(error).split())}"[:300]
        result["end"] = time.time()
        cr.rollback()
    print(json.dumps(result), flush=True)


def measure_cron(registry, config_file, database, small, large):
    """One worker at ``small`` and ``large`` due customers, two workers at ``large``."""
    due = due_customers(registry)
    log(f"cron: {due} customers due")
    figures = {"due": due}
    for key, limit in (("small", small), ("large", large)):
        log(f"cron: one worker, up to {limit} customers")
        figures[key] = one_worker(registry, min(limit, due))
    log(f"cron: two workers, up to {large} customers")
    figures["two"] = two_workers(config_file, database, min(large, due))
    return figures


def cron_rows(figures):
    small, large, two = figures["small"], figures["large"], figures["two"]
    rows = []

    def cost(result):
        return result["time"] / result["customers"] if result["customers"] else float("inf")

    for result in (small, large):
        per_second = result["customers"] / result["time"] if result["time"] else 0.0
        rows.append(
            (
                f"reminder cron, no PDF, one worker, {result['customers']} due customers",
                f"{per_second:.1f} customers/s, {cost(result) * 1000:.1f} ms a customer ({result['time']:.1f} s)",
                "",
                "≥50 customers/s" + ("" if per_second >= 50 else " — missed"),
            )
        )
    growth = cost(large) / cost(small) if small["customers"] and large["customers"] else None
    rows.append(
        (
            f"same, cost a customer at {large['customers']} against {small['customers']}",
            f"x{growth:.2f}" if growth else "—",
            "",
            "≤1.2" + ("" if growth and growth <= 1.2 else " — missed"),
        )
    )
    if "error" in two:
        rows.append(("same, two workers at once", two["error"], "", "≥1.7x one worker — missed"))
    else:
        speedup = (
            (two["customers"] / two["time"]) / (large["customers"] / large["time"]) if large["time"] else 0
        )
        twice = f", {two['twice']} reminded by both workers" if two["twice"] else ""
        rows.append(
            (
                f"same, two workers at once, {two['customers']} distinct customers",
                f"{two['customers'] / two['time']:.1f} customers/s, x{speedup:.2f} one worker{twice}",
                "",
                "≥1.7x, none twice" + ("" if speedup >= 1.7 and not two["twice"] else " — missed"),
            )
        )
    return rows
