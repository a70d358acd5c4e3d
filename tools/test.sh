#!/usr/bin/env bash
# make test: a fresh database in the embedded cluster, the module installed (with demo data),
# every test run with pytest-odoo, then the module uninstalled. Warnings in the Odoo log fail.
# With it: its Inventory glue module (account_debt_followup_stock, installed by itself where
# Inventory is) and Odoo's stock_delivery, whose carrier cost at delivery validation it tests;
# and its job queue glue module (account_debt_followup_queue) with OCA queue_job, which `make`
# installs into .local/oca.
source "$(dirname "$0")/lib.sh"
find_odoo
find_pg_bin
if ! pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    trap pg_stop EXIT   # started here, so stopped here
fi
pg_start
DB="${TEST_DB:-adf_test}"
LOG_DIR="$LOCAL_DIR/log"; mkdir -p "$LOG_DIR"
: >"$LOG_DIR/install.log"; : >"$LOG_DIR/uninstall.log"   # Odoo appends to its log file
CONF=$(write_odoo_conf test.conf "http_port = ${TEST_HTTP_PORT:-$(free_port)}" "workers = 0" \
       "max_cron_threads = 0")

check_log() {  # $1 log file, $2 step name: fail on any WARNING, ERROR or CRITICAL line
    if grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$1" >/dev/null; then
        grep -E -A5 '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$1" >&2
        die "$2: Odoo logged warnings or errors (full log: $1)"
    fi
}

info "fresh test database '$DB'"
psql_cmd -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null
rm -rf "$LOCAL_DIR/data/filestore/$DB"

# l10n_vn too (the module does not depend on it): the month-end reports are tested on a VND
# company with the Vietnamese chart of accounts, and those tests fail without it; it also makes
# the VietQR codes of the reminders. payment_demo (Odoo's demo payment provider): the links to
# pay online are followed to the payment page
MODULES="account_debt_followup,account_debt_followup_stock,stock_delivery,l10n_vn,payment_demo"
TEST_DIRS="account_debt_followup/tests account_debt_followup_stock/tests"
if [[ ",$ODOO_ADDONS_PATH," == *"/oca/odoo/addons,"* ]]; then
    MODULES="$MODULES,queue_job,account_debt_followup_queue"
    TEST_DIRS="$TEST_DIRS account_debt_followup_queue/tests"
else
    die "OCA queue_job is missing from .local/oca: run the tests with \`make test\`, which installs it"
fi
info "installing $MODULES with their dependencies and demo data"
odoo_python -m odoo -c "$CONF" -d "$DB" -i "$MODULES" --stop-after-init \
    --log-level=warn --logfile="$LOG_DIR/install.log" || die "install failed (log: $LOG_DIR/install.log)"
check_log "$LOG_DIR/install.log" "install"

info "running the tests (pytest-odoo)"
cd "$PROJECT_ROOT"
set +e
# shellcheck disable=SC2086  # TEST_DIRS: several folders
odoo_python -m pytest $TEST_DIRS -p no:cacheprovider \
    --odoo-config="$CONF" --odoo-database="$DB" --odoo-log-level=warn --odoo-http "$@"
status=$?
set -e
[ "$status" = 0 ] || die "tests failed (pytest exit code $status)"

info "uninstalling account_debt_followup"
odoo_python -m odoo shell -c "$CONF" -d "$DB" --no-http --log-level=warn \
    --logfile="$LOG_DIR/uninstall.log" >"$LOG_DIR/uninstall.out" 2>&1 <<'PY' || { cat "$LOG_DIR/uninstall.out" >&2; die "uninstall failed"; }
module = env["ir.module.module"].search([("name", "=", "account_debt_followup")])
glue = env["ir.module.module"].search([("name", "=", "account_debt_followup_stock")])
queue_glue = env["ir.module.module"].search([("name", "=", "account_debt_followup_queue")])
module.button_immediate_uninstall()
env.cr.execute("SELECT count(*) FROM ir_model_fields WHERE name LIKE 'debt\\_%%'")
left = env.cr.fetchone()[0]
env.cr.execute("SELECT count(*) FROM pg_indexes WHERE indexname LIKE '%%debt%%' AND tablename LIKE 'account%%'")
indexes_left = env.cr.fetchone()[0]
assert module.state == "uninstalled", module.state
assert glue.state == "uninstalled", glue.state
assert queue_glue.state == "uninstalled", queue_glue.state
assert not left, "%s fields of the module are left after uninstall" % left
assert not indexes_left, "%s indexes of the module are left on Odoo's tables" % indexes_left
print("uninstall: ok")
PY
grep -q "uninstall: ok" "$LOG_DIR/uninstall.out" || { cat "$LOG_DIR/uninstall.out" >&2; die "uninstall check did not run"; }
check_log "$LOG_DIR/uninstall.log" "uninstall"
info "all good: install, tests and uninstall passed"
