"""The reminder cron without PDF, as Odoo runs it on one worker and on two.

The run is selected once and committed, as the first call of the day does: the due customers
become work items (``debt.followup.run.line``), one query on the ledger a company. Workers then
take batches of items with ``FOR UPDATE SKIP LOCKED``, as scheduled actions do: the main job
calls ``res.partner._cron_debt_followup(batch_size=N)``, a second worker the helper job
``_cron_debt_run_help`` (what Odoo runs on another cron thread or server). Each worker is a
process of its own, in a transaction of its own rolled back at the end (flushing and emptying
its cache between calls, as a new transaction would): the items it claimed stay locked until
then, so two workers never take the same customer, and nothing they send is kept. The
selection is deleted at the end of the measures.

One worker and two workers are measured the same way (processes started, then timed from the
moment all are ready), so the speed-up compares like with like.

With OCA ``queue_job`` and our glue ``account_debt_followup_queue`` installed, the run is also
split into queue jobs (``_debt_run_share``, one job a batch, channel ``root.debt_followup``),
and two processes perform them as the job runner's workers do (``Job.load``, started,
``perform``, done), each taking the next job waiting with ``FOR UPDATE SKIP LOCKED``, in a
transaction of its own rolled back at the end; the jobs posted are deleted after."""

import json
import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.tools import SQL

from .common import CRON_BATCH, RUNS, log

CRON_RUNS = int(os.environ.get("BENCH_CRON_RUNS", RUNS))
LOCK_TIMEOUT = os.environ.get("BENCH_CRON_LOCK_TIMEOUT", "120s")


def cron_env(env):
    company = env.ref("base.main_company")
    return env(context={"allowed_company_ids": [company.id], "mail_notify_force_send": False})


def _today(env):
    return fields.Date.context_today(env["res.partner"])


def _unselect(env):
    """Delete today's reminder items (the bench's selection, or one a stopped bench left)."""
    env.cr.execute(
        SQL(
            "DELETE FROM debt_followup_run_line WHERE kind = 'reminder' AND period = %s",
            _today(env),
        )
    )


@contextmanager
def selected(registry):
    """Today's reminder run selected and committed for the measures inside, deleted after:
    yields ``(customers due, seconds the selection took)``."""
    with registry.cursor() as cr:
        env = cron_env(api.Environment(cr, SUPERUSER_ID, {}))
        _unselect(env)
        start = time.perf_counter()
        rows = env["res.partner"]._debt_followup_select()
        env["debt.followup.run.line"]._debt_insert("reminder", _today(env), rows)
        env.flush_all()
        elapsed = time.perf_counter() - start
        cr.commit()
    try:
        yield len(rows), elapsed
    finally:
        with registry.cursor() as cr:
            _unselect(api.Environment(cr, SUPERUSER_ID, {}))
            cr.commit()


def run_queue(env, limit):
    """Perform the queue jobs of the run waiting on ``root.debt_followup``, one at a time as a
    job runner's worker does, until none is left or ``limit`` customers are taken."""
    from odoo.addons.queue_job.job import Job

    done = 0
    while done < limit:
        env.cr.execute(
            "SELECT uuid FROM queue_job WHERE state = 'pending' AND channel = 'root.debt_followup' "
            "ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"
        )
        row = env.cr.fetchone()
        if not row:
            break
        job = Job.load(env, row[0])
        job.set_started()
        job.store()
        result = job.perform()  # "<n> customers taken"
        env.flush_all()
        job.set_done(result=result)
        job.store()
        env.flush_all()
        env.invalidate_all()
        done += int(str(result).split()[0])
    return done


def run_cron(env, limit, role):
    """Call the job of ``role`` (``main``: the reminder cron; ``help``: the helper job;
    ``queue``: the queue jobs posted) until it returns 0 or ``limit`` customers are taken; the
    number taken."""
    if role == "queue":
        return run_queue(env, limit)
    Partner = env["res.partner"]
    job = Partner._cron_debt_followup if role == "main" else Partner._cron_debt_run_help
    done = 0
    while done < limit:
        count = job(batch_size=min(CRON_BATCH, limit - done))
        if not count:
            break
        done += count
        env.flush_all()
        env.invalidate_all()
    return done


def queue_installed(registry):
    with registry.cursor() as cr:
        cr.execute(
            "SELECT 1 FROM ir_module_module WHERE name = 'account_debt_followup_queue' AND state = 'installed'"
        )
        return bool(cr.fetchone())


@contextmanager
def queued(registry, limit):
    """The selected run split into queue jobs for ``limit`` customers, as the cron does for a
    large run (``_debt_run_share``), committed; the jobs are deleted after."""
    with registry.cursor() as cr:
        env = cron_env(api.Environment(cr, SUPERUSER_ID, {}))
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM queue_job")
        [last_id] = cr.fetchone()
        env["res.partner"]._debt_run_share("reminder", _today(env), CRON_BATCH, limit)
        env.flush_all()
        cr.commit()
    try:
        yield
    finally:
        with registry.cursor() as cr:
            cr.execute("DELETE FROM queue_job WHERE id > %s AND channel = 'root.debt_followup'", [last_id])
            cr.commit()


def workers(config_file, database, limit, count, role=None):
    """``{"time", "customers", "twice"}`` of ``count`` worker processes started together on the
    selected run, each up to ``limit // count`` customers: the wall time from the start, the
    distinct customers reminded and those reminded by more than one worker; the median of
    ``CRON_RUNS`` runs, or ``{"error": ...}``. ``role``: every process's (``queue``), else the
    first runs the cron and the others its helper job."""
    tools = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    share = -(-limit // count)
    times, totals = [], []
    for _run in range(CRON_RUNS):
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "bench", "cron-worker", config_file, database, str(share), role],
                cwd=tools,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for role in ([role] * count if role else ["main"] + ["help"] * (count - 1))
        ]
        for process in processes:  # all ready (registry loaded, transaction open), then all go
            if process.stdout.readline().strip() != "ready":
                return {"error": "a cron worker did not start (see the log above)"}
        start = time.time()
        for process in processes:
            process.stdin.write("go\n")
            process.stdin.flush()
        results = [json.loads(process.communicate()[0].strip().splitlines()[-1]) for process in processes]
        errors = [result["error"] for result in results if result.get("error")]
        if errors:
            return {"error": errors[0]}
        times.append(max(result["end"] for result in results) - start)
        reminded = [set(result["partners"]) for result in results]
        distinct = set().union(*reminded)
        totals.append((len(distinct), sum(len(partners) for partners in reminded) - len(distinct)))
    customers, twice = sorted(totals)[len(totals) // 2]
    return {"time": statistics.median(times), "customers": customers, "twice": twice}


def worker_main(config_file, database, limit, role):
    """One worker process: say ready, wait for go, run its job, print what it did as JSON."""
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
            result["done"] = run_cron(env, int(limit), role)
            # the customers this worker reminded: its own rows (the others' are not committed)
            cr.execute("SELECT DISTINCT partner_id FROM debt_followup_history WHERE id > %s", [last_id])
            result["partners"] = [partner_id for (partner_id,) in cr.fetchall()]
        except Exception as error:
            log(f"cron worker: {error}")
            result["error"] = f"{type(error).__name__}: {' '.join(str(error).split())}"[:300]
        result["end"] = time.time()
        cr.rollback()
    print(json.dumps(result), flush=True)


def measure_cron(registry, config_file, database, small, large):
    """The selection, then one worker at ``small`` and ``large`` due customers, two at ``large``."""
    with selected(registry) as (due, selection):
        log(f"cron: {due} customers due, selected in {selection:.1f} s")
        figures = {"due": due, "selection": selection}
        for key, limit in (("small", small), ("large", large)):
            log(f"cron: one worker, up to {limit} customers")
            figures[key] = workers(config_file, database, min(limit, due), 1)
        log(f"cron: two workers, up to {large} customers")
        figures["two"] = workers(config_file, database, min(large, due), 2)
        if queue_installed(registry):
            log(f"cron: two queue_job workers, up to {large} customers")
            with queued(registry, min(large, due)):
                figures["queue"] = workers(config_file, database, min(large, due), 2, role="queue")
        else:
            figures["queue"] = {"error": "account_debt_followup_queue not installed"}
    return figures


def cron_rows(figures):
    small, large, two = figures["small"], figures["large"], figures["two"]
    rows = [
        (
            f"reminder cron: the day's selection, {figures['due']} due customers (once a run)",
            f"{figures['selection']:.1f} s",
            "",
            "",
        )
    ]

    def cost(result):
        return result["time"] / result["customers"] if result.get("customers") else float("inf")

    for result in (small, large):
        if "error" in result:
            rows.append(
                ("reminder cron, no PDF, one worker", result["error"], "", "≥50 customers/s — missed")
            )
            continue
        per_second = result["customers"] / result["time"] if result["time"] else 0.0
        rows.append(
            (
                f"reminder cron, no PDF, one worker, {result['customers']} due customers",
                f"{per_second:.1f} customers/s, {cost(result) * 1000:.1f} ms a customer ({result['time']:.1f} s)",
                "",
                "≥50 customers/s" + ("" if per_second >= 50 else " — missed"),
            )
        )
    ok = "error" not in small and "error" not in large and small["customers"] and large["customers"]
    growth = cost(large) / cost(small) if ok else None
    rows.append(
        (
            f"same, cost a customer at {large.get('customers')} against {small.get('customers')}",
            f"x{growth:.2f}" if growth else "—",
            "",
            "≤1.2" + ("" if growth and growth <= 1.2 else " — missed"),
        )
    )
    if "error" in two or "error" in large:
        rows.append(("same, two workers at once", two.get("error", "—"), "", "≥1.7x one worker — missed"))
    else:
        speedup = (
            (two["customers"] / two["time"]) / (large["customers"] / large["time"]) if large["time"] else 0
        )
        twice = f", {two['twice']} reminded by both workers" if two["twice"] else ""
        rows.append(
            (
                f"same, two workers at once (the cron and its helper job), {two['customers']} distinct customers",
                f"{two['customers'] / two['time']:.1f} customers/s, x{speedup:.2f} one worker{twice}",
                "",
                "≥1.7x, none twice" + ("" if speedup >= 1.7 and not two["twice"] else " — missed"),
            )
        )
    queue = figures.get("queue", {"error": "not measured"})
    if "error" in queue or "error" in large:
        rows.append(("same, two queue_job workers", queue.get("error", "—"), "", "≥1.7x one worker — missed"))
    else:
        speedup = (
            (queue["customers"] / queue["time"]) / (large["customers"] / large["time"])
            if large["time"]
            else 0
        )
        twice = f", {queue['twice']} reminded by both workers" if queue["twice"] else ""
        rows.append(
            (
                "same, two queue_job workers performing the run's jobs (root.debt_followup), "
                f"{queue['customers']} distinct customers",
                f"{queue['customers'] / queue['time']:.1f} customers/s, x{speedup:.2f} one worker{twice}",
                "",
                "≥1.7x, none twice" + ("" if speedup >= 1.7 and not queue["twice"] else " — missed"),
            )
        )
    return rows
