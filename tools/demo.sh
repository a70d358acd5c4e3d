#!/usr/bin/env bash
# make demo: the embedded cluster up, a database with the module and demo data, Odoo serving it.
source "$(dirname "$0")/lib.sh"
find_odoo
pg_start
DB="${DEMO_DB:-adf_demo}"
PORT="${DEMO_PORT:-8069}"
CONF=$(write_odoo_conf demo.conf "http_port = $PORT" "dbfilter = ^$DB\$" "workers = 0")
if ! psql_cmd -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    info "creating the demo database '$DB' (a minute or two)"
    odoo_python -m odoo -c "$CONF" -d "$DB" -i account_debt_followup --stop-after-init \
        --log-level=warn || die "the demo database could not be created"
else
    info "updating the module in the existing demo database '$DB' (DEMO_DB=other to start afresh)"
    odoo_python -m odoo -c "$CONF" -d "$DB" -u account_debt_followup --stop-after-init \
        --log-level=warn || die "the demo database could not be updated"
fi
cat >&2 <<MSG

    Odoo is starting on http://localhost:$PORT
    log in as  admin / admin   (credit manager)   or   demo / demo   (sales user)
    stop with Ctrl-C; 'make stop' stops the embedded PostgreSQL.

MSG
exec env PYTHONPATH="$ODOO_PYTHONPATH${PYTHONPATH:+:$PYTHONPATH}" "$ODOO_PYTHON" -m odoo -c "$CONF" -d "$DB"
