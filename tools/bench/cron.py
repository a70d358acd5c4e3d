"""The reminder cron without PDF, as Odoo runs it on one worker and on two.

Each run is selected and committed first, as the first call of the day does: the due customers
become work items (``debt.followup.run.line``), one query on the ledger a company; only the
first N are kept, N the size of the run measured. Workers then take batches of items with
``FOR UPDATE SKIP LOCKED`` until none is left, as scheduled actions do: the main job calls
``res.partner._cron_debt_followup(batch_size=N)``, a second worker the helper job
``_cron_debt_run_help`` (what Odoo runs on another cron thread or server). Each worker is a
process of its own, in one transaction (flushing and emptying its cache between calls, as a new
transaction would); a worker that is done waits until all are, then all roll back: the items a
worker claimed stay locked until then, so no other takes them, and nothing sent is kept. The
selection is deleted after each run.

One worker and two workers are measured the same way (processes started, then timed from the
moment all are ready), so the speed-up compares like with like. It is an ideal: real workers
commit each batch, and may meet each other's commits (a batch given up and taken again). A
customer due in two companies whose two items go to two workers would make them wait for each
other (both write the customer) until the lock timeout: the generated data set has follow-up
levels in one company only.

With OCA ``queue_job`` and our glue ``account_debt_followup_queue`` installed, the run is also
split into queue jobs (``_debt_run_share``, one job a batch, channel ``root.debt_followup``),
and two processes perform them as the job runner's workers do (``Job.load``, started,
``perform``, done), each taking the next job waiting with ``FOR UPDATE SKIP LOCKED``; the jobs
posted are deleted with the selection."""

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


def _unselect(env, period):
    """Delete the reminder items of ``period`` and the jobs of the runs still waiting: the
    bench's, or those a bench killed before its clean-up left."""
    env.cr.execute(SQL("DELETE FROM debt_followup_run_line WHERE kind = 'reminder' AND period = %s", period))
    if "queue.job" in env:
        env.cr.execute(
            "DELETE FROM queue_job WHERE model_name = 'res.partner' AND method_name = '_debt_run_job' "
            "AND state IN ('pending', 'enqueued', 'started')"
        )


@contextmanager
def selected(registry, limit):
    """Today's reminder run selected and committed for the measure inside, its first ``limit``
    customers only (the workers take them all: none takes a share given in advance), deleted
    after: yields ``(customers due, customers selected, seconds the selection took)``."""
    with registry.cursor() as cr:
        env = cron_env(api.Environment(cr, SUPERUSER_ID, {}))
        period = _today(env)
        _unselect(env, period)
        start = time.perf_counter()
        rows = env["res.partner"]._debt_followup_select()
        elapsed = time.perf_counter() - start
        env["debt.followup.run.line"]._debt_insert("reminder", period, rows[:limit])
        env.flush_all()
        cr.commit()
    try:
        yield len(rows), min(limit, len(rows)), elapsed
    finally:
        with registry.cursor() as cr:
            _unselect(api.Environment(cr, SUPERUSER_ID, {}), period)
            cr.commit()


def queue_installed(registry):
    with registry.cursor() as cr:
        cr.execute(
            "SELECT 1 FROM ir_module_module WHERE name = 'account_debt_followup_queue' AND state = 'installed'"
        )
        return bool(cr.fetchone())


def post_jobs(registry, customers):
    """The selected run split into queue jobs, as the cron does for a large run
    (``_debt_run_share``), committed (deleted with the selection)."""
    with registry.cursor() as cr:
        env = cron_env(api.Environment(cr, SUPERUSER_ID, {}))
        env["res.partner"]._debt_run_share("reminder", _today(env), CRON_BATCH, customers)
        env.flush_all()
        cr.commit()


def run_queue(env):
    """Perform the queue jobs waiting on ``root.debt_followup``, one at a time as a job
    runner's worker does, until none is left; the number of customers taken."""
    from odoo.addons.queue_job.job import Job

    done = 0
    while True:
        env.cr.execute(
            "SELECT uuid FROM queue_job WHERE state = 'pending' AND channel = 'root.debt_followup' "
            "ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"
        )
        row = env.cr.fetchone()
        if not row:
            return done
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


def run_cron(env, limit, role):
    """Call the job of ``role`` (``main``: the reminder cron; ``help``: the helper job;
    ``queue``: the queue jobs posted) until it returns 0 or ``limit`` customers are taken; the
    number taken."""
    if role == "queue":
        return run_queue(env)
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


def _stop(processes):
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()


def workers(registry, config_file, database, limit, count, role=None):
    """``{"time", "customers", "twice", "due", "selection"}`` of ``count`` worker processes
    started together on a run of ``limit`` customers: the wall time from the start until the
    run is done, the distinct reminders sent (customer and company) and those sent by more
    than one worker; the median of ``CRON_RUNS`` runs, or ``{"error": ...}``. ``role``: every
    process's (``queue``: the run split into queue jobs first), else the first runs the cron
    and the others its helper job.

    A worker that is done waits, its transaction open and its items locked, until every worker
    is done: rolled back earlier, its items would be free again for the others."""
    tools = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    roles = [role] * count if role else ["main"] + ["help"] * (count - 1)
    times, totals, selection = [], [], {}
    for _run in range(CRON_RUNS):
        with selected(registry, limit) as (due, customers, seconds):
            selection = {"due": due, "selection": seconds}
            if role == "queue":
                post_jobs(registry, customers)
            processes = [
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "bench",
                        "cron-worker",
                        config_file,
                        database,
                        str(customers),
                        name,
                    ],
                    cwd=tools,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                for name in roles
            ]
            try:
                for process in processes:  # all ready (registry loaded, transaction open), then all go
                    if process.stdout.readline().strip() != "ready":
                        return {"error": "a cron worker did not start (see the log above)"}
                start = time.time()
                for process in processes:
                    process.stdin.write("go\n")
                    process.stdin.flush()
                results = []
                for process in processes:
                    line = process.stdout.readline()
                    if not line:
                        return {"error": "a cron worker stopped (see the log above)"}
                    results.append(json.loads(line))
                for process in processes:  # every worker done: now they roll back and stop
                    process.stdin.write("stop\n")
                    process.stdin.flush()
                    process.wait()
            finally:
                _stop(processes)
        errors = [result["error"] for result in results if result.get("error")]
        if errors:
            return {"error": errors[0]}
        times.append(max(result["end"] for result in results) - start)
        sent = [{tuple(pair) for pair in result["sent"]} for result in results]
        distinct = set().union(*sent)
        totals.append((len(distinct), sum(len(pairs) for pairs in sent) - len(distinct)))
    customers, twice = sorted(totals)[len(totals) // 2]
    return {"time": statistics.median(times), "customers": customers, "twice": twice, **selection}


def worker_main(config_file, database, limit, role):
    """One worker process: say ready, wait for go, run its job, print what it did as JSON,
    wait for stop, roll back."""
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
            # the reminders this worker sent: its own rows (the others' are not committed)
            cr.execute(
                "SELECT DISTINCT partner_id, company_id FROM debt_followup_history WHERE id > %s", [last_id]
            )
            result["sent"] = cr.fetchall()
        except Exception as error:
            log(f"cron worker: {error}")
            result["error"] = f"{type(error).__name__}: {' '.join(str(error).split())}"[:300]
        result["end"] = time.time()
        print(json.dumps(result), flush=True)
        sys.stdin.readline()  # stop: every worker is done
        cr.rollback()


def measure_cron(registry, config_file, database, small, large):
    """One worker on runs of ``small`` and ``large`` customers, two workers on ``large``: the
    cron and its helper job, then the run's queue jobs when the queue glue is installed."""
    figures = {}
    for key, limit in (("small", small), ("large", large)):
        log(f"cron: one worker, a run of up to {limit} customers")
        figures[key] = workers(registry, config_file, database, limit, 1)
    log(f"cron: two workers, a run of up to {large} customers")
    figures["two"] = workers(registry, config_file, database, large, 2)
    if queue_installed(registry):
        log(f"cron: two queue_job workers, a run of up to {large} customers")
        figures["queue"] = workers(registry, config_file, database, large, 2, role="queue")
    else:
        figures["queue"] = {"error": "account_debt_followup_queue not installed"}
    figures["due"] = figures["large"].get("due", 0)
    figures["selection"] = figures["large"].get("selection", 0.0)
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
                f"reminder cron, no PDF, one worker, a run of {result['customers']} of the {figures['due']} due customers",
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
