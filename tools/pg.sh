#!/usr/bin/env bash
# Start, stop or show the project's embedded PostgreSQL cluster (.local/pg).
source "$(dirname "$0")/lib.sh"
case "${1:-status}" in
    start) find_odoo 2>/dev/null || true; pg_start; echo "PostgreSQL is up: PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=$PGUSER" ;;
    stop) pg_stop ;;
    status) find_pg_bin; pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status || true ;;
    *) die "usage: tools/pg.sh start|stop|status" ;;
esac
