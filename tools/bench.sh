#!/usr/bin/env bash
# make bench: a database with a generated data set (made once, kept between runs), Odoo serving
# it for the PDF assets, then the measures; the table goes to bench/results/.
#
# Side by side with the OCA peers when they are installed by hand in OCA_ADDONS (default
# /opt/oca/addons; see README.md, Benchmarks): a copy of the bench database, made again at
# each run, gets them installed, so that their hooks do not touch our own figures.
# BENCH_ONLY=ledger (or worklist): our credit check, worklist (and ledger readers) only, for the
# large data sets.
# shellcheck source=tools/lib.sh
source "$(dirname "$0")/lib.sh"
find_odoo
pg_start
DB="${BENCH_DB:-adf_bench}"
OCA_DB="${BENCH_OCA_DB:-${DB}_oca}"
OCA_ADDONS="${OCA_ADDONS:-/opt/oca/addons}"
OCA_MODULES=(sale_financial_risk account_credit_control partner_statement)
mkdir -p "$LOCAL_DIR/log" "$PROJECT_ROOT/bench/results"
PORT="$(free_port)"
CONF=$(write_odoo_conf bench.conf "http_port = $PORT" "workers = 0" "max_cron_threads = 0")
ensure_database "$DB" "$CONF" --without-demo=all
# OCA queue_job (installed by make into .local/oca) and our glue: the run split into queue jobs
# is measured beside the cron's batches
if [ "$(psql_cmd -d "$DB" -tAc "SELECT state FROM ir_module_module WHERE name = 'account_debt_followup_queue'")" != installed ]; then
    info "installing queue_job and account_debt_followup_queue in '$DB'"
    odoo_python -m odoo -c "$CONF" -d "$DB" -i queue_job,account_debt_followup_queue --without-demo=all \
        --stop-after-init --log-level=warn || die "queue_job could not be installed in '$DB'"
fi
(cd "$PROJECT_ROOT/tools" && odoo_python -m bench generate "$CONF" "$DB")
# what autovacuum does a minute after the bulk inserts, done now: the visibility map that lets the
# ledger read the open items from their index alone (account_move_line_debt_open_idx)
psql_cmd -d "$DB" -c "VACUUM (ANALYZE) account_move_line, account_move, account_partial_reconcile, res_partner"

SERVERS=()
stop_servers() {
    local pid
    for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap stop_servers EXIT
serve() {  # $1 = configuration, $2 = database, $3 = port, $4 = log file
    info "serving '$2' on port $3 for the PDF assets"
    # not through odoo_python (a function): $! must be Odoo's own process, for the trap to stop it
    PYTHONPATH="$ODOO_PYTHONPATH${PYTHONPATH:+:$PYTHONPATH}" "$ODOO_PYTHON" -m odoo -c "$1" -d "$2" \
        --log-level=warn >"$4" 2>&1 &
    SERVERS+=($!)
    local _i
    for _i in $(seq 1 60); do
        if curl -s -o /dev/null "http://127.0.0.1:$3/web/login"; then
            # One static file first: Odoo reads every manifest on the first one, and doing that in
            # the parallel requests of wkhtmltopdf failed here (Python 3.11.7, SystemError: AST
            # constructor recursion depth mismatch), a 500 in the first PDF.
            curl -s -o /dev/null "http://127.0.0.1:$3/web/static/img/favicon.ico" || true
            return 0
        fi
        sleep 1
    done
    info "'$2' did not answer on port $3 (log: $4)"
}

# The OCA peers: one line per module in OCA_STATUS, "name<TAB>installed" or "name<TAB>why not".
install_error() {  # $1 = the log of a failed install: its exception, else its last error or warning
    local why
    why=$(grep -E '^[A-Za-z_][A-Za-z0-9_.]*: ' "$1" | tail -1 || true)  # a traceback's last line
    [ -n "$why" ] || why=$(grep -E ' (CRITICAL|ERROR) ' "$1" | tail -1 | sed -E 's/^.* (CRITICAL|ERROR) [^ ]+ [^ ]+: //' || true)
    [ -n "$why" ] || why=$(grep -E ' WARNING ' "$1" | tail -1 | sed -E 's/^.* WARNING [^ ]+ [^ ]+: //' || true)
    echo "${why:-see $1}" | cut -c1-200
}
OCA_ARGS=()
present=()
for module in "${OCA_MODULES[@]}"; do
    [ -f "$OCA_ADDONS/$module/__manifest__.py" ] && present+=("$module")
done
if [ -n "${BENCH_ONLY:-}" ]; then
    info "BENCH_ONLY=$BENCH_ONLY: our credit check and worklist measures only (no cron, PDF or OCA peers)"
elif [ "${#present[@]}" -gt 0 ]; then
    OCA_STATUS="$LOCAL_DIR/log/bench-oca-status.tsv"
    : >"$OCA_STATUS"
    OCA_PORT="$(free_port)"
    while [ "$OCA_PORT" = "$PORT" ]; do OCA_PORT="$(free_port)"; done
    # write_odoo_conf writes ODOO_ADDONS_PATH: the OCA folder comes last, Odoo's and ours first
    OCA_CONF=$(ODOO_ADDONS_PATH="$ODOO_ADDONS_PATH,$OCA_ADDONS" write_odoo_conf bench-oca.conf \
        "http_port = $OCA_PORT" "workers = 0" "max_cron_threads = 0")
    info "copying '$DB' to '$OCA_DB' for the OCA modules of $OCA_ADDONS"
    psql_cmd -c "DROP DATABASE IF EXISTS \"$OCA_DB\""
    for _i in $(seq 1 10); do  # the template must have no session left: wait for the last ones to close
        psql_cmd -c "CREATE DATABASE \"$OCA_DB\" TEMPLATE \"$DB\" STRATEGY FILE_COPY" 2>/dev/null && break
        [ "$_i" = 10 ] && die "could not copy '$DB': is another process using it? (psql: SELECT * FROM pg_stat_activity)"
        sleep 3
    done
    FILESTORE="$LOCAL_DIR/data/filestore"
    rm -rf "${FILESTORE:?}/$OCA_DB"
    if [ -d "$FILESTORE/$DB" ]; then cp -a "$FILESTORE/$DB" "$FILESTORE/$OCA_DB"; fi
    for module in "${OCA_MODULES[@]}"; do
        if [[ " ${present[*]} " != *" $module "* ]]; then
            printf '%s\tnot found in %s\n' "$module" "$OCA_ADDONS" >>"$OCA_STATUS"
            continue
        fi
        log="$LOCAL_DIR/log/bench-oca-install-$module.log"
        info "installing the OCA module $module in '$OCA_DB' (log: $log)"
        if odoo_python -m odoo -c "$OCA_CONF" -d "$OCA_DB" -i "$module" --without-demo=all \
            --stop-after-init --log-level=warn >"$log" 2>&1 \
            && [ "$(psql_cmd -d "$OCA_DB" -tAc \
                "SELECT state FROM ir_module_module WHERE name = '$module'")" = installed ]; then
            printf '%s\tinstalled\n' "$module" >>"$OCA_STATUS"
        else
            printf '%s\tinstall failed: %s\n' "$module" "$(install_error "$log")" >>"$OCA_STATUS"
        fi
    done
    serve "$OCA_CONF" "$OCA_DB" "$OCA_PORT" "$LOCAL_DIR/log/bench-oca-server.log"
    OCA_ARGS=("$OCA_CONF" "$OCA_DB" "http://127.0.0.1:$OCA_PORT" "$OCA_STATUS")
else
    info "no OCA module in OCA_ADDONS=$OCA_ADDONS: our figures only (README.md, Benchmarks)"
fi

[ -n "${BENCH_ONLY:-}" ] || serve "$CONF" "$DB" "$PORT" "$LOCAL_DIR/log/bench-server.log"
OUT="$PROJECT_ROOT/bench/results/$(date +%Y-%m-%d).md"
(cd "$PROJECT_ROOT/tools" && odoo_python -m bench "$CONF" "$DB" "http://127.0.0.1:$PORT" "$OUT" "${OCA_ARGS[@]}")
info "results written to $OUT"
