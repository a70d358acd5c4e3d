#!/usr/bin/env bash
# make demo: the embedded cluster up, a database with the module and demo data, Odoo serving it.
source "$(dirname "$0")/lib.sh"
find_odoo
pg_start
DB="${DEMO_DB:-adf_demo}"
PORT="${DEMO_PORT:-8069}"
CONF=$(write_odoo_conf demo.conf "http_port = $PORT" "dbfilter = ^$DB\$" "workers = 0")
# with Odoo's l10n_vn (the VietQR codes of the Vietnamese company's reminders) and payment_demo
# (a payment provider in test mode: the links to pay online)
INSTALL_MODULES="account_debt_followup,l10n_vn,payment_demo" \
    ensure_database "$DB" "$CONF"   # DEMO_DB=other to start afresh
cat >&2 <<MSG

    Odoo is starting on http://localhost:$PORT
    log in as  admin / admin   (credit manager)   or   demo / demo   (sales user)
    the portal of a customer (Công ty TNHH Minh An): minhan / minhan
    stop with Ctrl-C; 'make stop' stops the embedded PostgreSQL.

MSG
exec env PYTHONPATH="$ODOO_PYTHONPATH${PYTHONPATH:+:$PYTHONPATH}" "$ODOO_PYTHON" -m odoo -c "$CONF" -d "$DB"
