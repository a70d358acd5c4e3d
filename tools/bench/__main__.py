import os
import platform
import sys
from datetime import date

import odoo
from odoo import SUPERUSER_ID, api

from . import cron, data, oca, ours, table
from .common import CRON_LARGE, CRON_SMALL, MARKER, ONLY, RUNS, log


def load(config_file, database):
    odoo.tools.config.parse_config(["-c", config_file, "-d", database])
    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if not env["ir.config_parameter"].get_param(MARKER):
            data.generate(env)
    return registry


def main():
    if sys.argv[1] == "generate":
        load(*sys.argv[2:4])
        return
    if sys.argv[1] == "cron-worker":
        cron.worker_main(*sys.argv[2:6])
        return
    config_file, database, report_url, output = sys.argv[1:5]
    registry = load(config_file, database)
    log("ours: credit check, worklist, ledger readers")
    rows, figures = ours.measure_ledger(registry, readers=ONLY != "worklist")
    figures["worklist"] = ours.measure_worklist(registry)
    rows.insert(2, ours.worklist_row(figures["worklist"]))
    if ONLY:
        write(output, f"BENCH_ONLY={ONLY}: no reminder cron, no PDF, no OCA peers", rows)
        return
    log("ours: reminder cron")
    figures["crons"] = cron.measure_cron(registry, config_file, database, CRON_SMALL, CRON_LARGE)
    figures["cron"] = figures["crons"]["small"]
    rows += cron.cron_rows(figures["crons"])
    log("ours: statement PDF")
    figures.update(ours.measure_pdf(registry, report_url))
    rows += ours.pdf_rows(figures)
    lines = ours_table(rows)
    lines.append("")
    if len(sys.argv) >= 9:
        oca_config, oca_database, oca_url, oca_status = sys.argv[5:9]
        status = oca.read_status(oca_status)
        theirs = oca.measure_oca(oca_config, oca_database, oca_url, status, figures)
        lines += table.table(
            f"Side by side with the OCA peers, in {oca_database} (a copy of {database} with them installed: "
            "the same customers, orders and open items); ours/theirs is a ratio of times, below 1 ours is faster",
            ("measure", "ours", "OCA peer", "theirs", "ours/theirs"),
            table.comparison(figures, theirs, status),
        )
    else:
        lines.append("OCA modules not installed (see README): no side by side comparison.")
    save(output, lines)


def ours_table(rows):
    return table.table(
        f"account_debt_followup benchmark, {date.today()}, {platform.machine()}, {os.cpu_count()} cores, "
        f"median of {RUNS} runs",
        ("measure", "result", "queries / memory", "target"),
        rows,
    )


def write(output, note, rows):
    save(output, [*ours_table(rows), "", note])


def save(output, lines):
    text = "\n".join(lines) + "\n"
    print(text)
    with open(output, "w", encoding="utf-8") as file:
        file.write(text)


main()
