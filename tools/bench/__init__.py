"""Benchmark of account_debt_followup on a generated data set (run by ``make bench``).

Usage (from ``tools/``, with Odoo importable):
    python -m bench generate CONFIG DATABASE
    python -m bench CONFIG DATABASE REPORT_URL OUTPUT_FILE [OCA_CONFIG OCA_DATABASE OCA_REPORT_URL OCA_STATUS]
    python -m bench cron-worker CONFIG DATABASE LIMIT     (started by the two-worker measure)

- ``data``: the data set, generated once per database with bulk SQL.
- ``ours``: our measures (credit check, worklist, the ledger's readers, statement PDF).
- ``cron``: the reminder cron without PDF, one worker at two volumes, two workers at once.
- ``oca``: the OCA peers in a copy of the database (sale_financial_risk, account_credit_control,
  partner_statement), when bench.sh installed them.
- ``table``: the results file, ours and side by side.

Each measure runs in a transaction that is rolled back, so runs do not change the data. Our
figures are taken first, in this process, before the OCA code is imported.
"""
