#!/usr/bin/env bash
# make screenshots: the main screens of the demo database (created if missing) as the PNG files
# of README.md in account_debt_followup/static/description/. Odoo runs on a free port while the
# pictures are taken.
source "$(dirname "$0")/lib.sh"
find_odoo
pg_start
DB="${DEMO_DB:-adf_demo}"
PORT="$(free_port)"
CONF=$(write_odoo_conf screenshots.conf "http_port = $PORT" "dbfilter = ^$DB\$" "workers = 0" \
       "max_cron_threads = 0")
ensure_database "$DB" "$CONF"
LOG="$LOCAL_DIR/log/screenshots.log"; mkdir -p "$LOCAL_DIR/log"
# not through odoo_python: $! must be Odoo itself, for the trap to stop it
PYTHONPATH="$ODOO_PYTHONPATH${PYTHONPATH:+:$PYTHONPATH}" "$ODOO_PYTHON" -m odoo -c "$CONF" -d "$DB" \
    --log-level=warn --logfile="$LOG" &
odoo_pid=$!
trap 'kill "$odoo_pid" 2>/dev/null; wait "$odoo_pid" 2>/dev/null' EXIT
for _ in $(seq 120); do
    curl -sf "http://127.0.0.1:$PORT/web/health" >/dev/null && break
    sleep 1
done
curl -sf "http://127.0.0.1:$PORT/web/health" >/dev/null || die "Odoo did not start (log: $LOG)"
odoo_python "$PROJECT_ROOT/tools/screenshots.py" "http://127.0.0.1:$PORT" "$DB" "$PROJECT_ROOT/account_debt_followup/static/description"
