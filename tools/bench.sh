#!/usr/bin/env bash
# make bench: a database with a generated data set (made once, kept between runs), Odoo serving
# it for the PDF assets, then the measures; the table goes to bench/results/.
source "$(dirname "$0")/lib.sh"
find_odoo
pg_start
DB="${BENCH_DB:-adf_bench}"
PORT="$(free_port)"
CONF=$(write_odoo_conf bench.conf "http_port = $PORT" "workers = 0" "max_cron_threads = 0")
ensure_database "$DB" "$CONF" --without-demo=all
info "serving '$DB' on port $PORT for the PDF assets"
odoo_python -m odoo -c "$CONF" -d "$DB" --log-level=warn >"$LOCAL_DIR/log/bench-server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _i in $(seq 1 60); do
    curl -s -o /dev/null "http://127.0.0.1:$PORT/web/login" && break
    sleep 1
done
mkdir -p "$PROJECT_ROOT/bench/results"
OUT="$PROJECT_ROOT/bench/results/$(date +%Y-%m-%d).md"
odoo_python "$PROJECT_ROOT/tools/bench.py" "$CONF" "$DB" "http://127.0.0.1:$PORT" "$OUT"
info "results written to $OUT"
