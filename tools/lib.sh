# shellcheck shell=bash
# Shared helpers for the project's scripts: find Odoo 18.0, run the embedded PostgreSQL cluster.
# Sourced, never executed. Nothing here downloads or builds Odoo.
set -euo pipefail

PROJECT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL_DIR="$PROJECT_ROOT/.local"
PG_DIR="$LOCAL_DIR/pg"
PG_DATA="$PG_DIR/data"
PG_RUN="$PG_DIR/run"
PG_LOG="$PG_DIR/postgresql.log"
PG_USER_NAME="odoo"          # the cluster's superuser; Odoo refuses to connect as "postgres"
ODOO_VENV="${ODOO_VENV:-/opt/odoo/venv}"
ODOO_SRC="${ODOO_SRC:-/opt/odoo/18.0}"

die() { echo "ERROR: $*" >&2; exit 1; }
info() { echo "==> $*" >&2; }

# ---------------------------------------------------------------- Odoo discovery
# Sets ODOO_PYTHON (an interpreter that imports odoo 18.0), ODOO_PYTHONPATH and ODOO_ADDONS_PATH.
find_odoo() {
    local candidates=() py
    [ -x "$ODOO_VENV/bin/python" ] && candidates+=("$ODOO_VENV/bin/python")
    command -v python3 >/dev/null 2>&1 && candidates+=("$(command -v python3)")
    ODOO_PYTHONPATH=""
    [ -f "$ODOO_SRC/odoo/__init__.py" ] && ODOO_PYTHONPATH="$ODOO_SRC"
    for py in "${candidates[@]}"; do
        local out
        if out=$(PYTHONPATH="$ODOO_PYTHONPATH${PYTHONPATH:+:$PYTHONPATH}" "$py" - 2>/dev/null <<'PYEOF'
import os, odoo.release as r
import odoo
base = os.path.dirname(os.path.abspath(odoo.__file__))
paths = [os.path.join(base, "addons")]
extra = os.path.join(os.path.dirname(base), "addons")
if os.path.isdir(extra):
    paths.insert(0, extra)
print("%d.%d" % r.version_info[:2])
print(",".join(paths))
PYEOF
        ); then
            local version addons
            version=$(sed -n 1p <<<"$out"); addons=$(sed -n 2p <<<"$out")
            if [ "$version" != "18.0" ]; then
                die "$py imports Odoo $version, but this project needs Odoo 18.0.
       Point ODOO_VENV (a virtualenv with Odoo's requirements, now '$ODOO_VENV')
       and ODOO_SRC (an Odoo 18.0 source tree, now '$ODOO_SRC') at an Odoo 18.0 install."
            fi
            ODOO_PYTHON="$py"; ODOO_ADDONS_PATH="$addons,$PROJECT_ROOT"
            # OCA queue_job, installed by `make` into .local/oca (see the Makefile)
            [ -f "$LOCAL_DIR/oca/odoo/addons/queue_job/__manifest__.py" ] \
                && ODOO_ADDONS_PATH="$ODOO_ADDONS_PATH,$LOCAL_DIR/oca/odoo/addons"
            export ODOO_PYTHON ODOO_PYTHONPATH ODOO_ADDONS_PATH
            return 0
        fi
    done
    die "Odoo 18.0 not found.
       Looked for a virtualenv in ODOO_VENV (now '$ODOO_VENV') and an Odoo 18.0 source tree
       in ODOO_SRC (now '$ODOO_SRC'), then for an 'odoo' package importable by python3.
       Install Odoo 18.0 by hand outside this project (see README.md, Prerequisites) and set
       ODOO_VENV and ODOO_SRC if it is not in the default places."
}

odoo_python() {  # run python with odoo importable
    PYTHONPATH="$ODOO_PYTHONPATH${PYTHONPATH:+:$PYTHONPATH}" "$ODOO_PYTHON" "$@"
}

# ---------------------------------------------------------------- embedded PostgreSQL
find_pg_bin() {
    local dir
    for dir in "${PG_BIN:-}" "$(dirname "$(readlink -f "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")")" \
               /usr/lib/postgresql/*/bin; do
        if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            PG_BIN="$dir"; export PG_BIN; return 0
        fi
    done
    die "PostgreSQL server binaries (initdb, pg_ctl) not found.
       Install them with: apt-get install postgresql   (Debian package; the system service is not used)
       or set PG_BIN to the folder holding initdb and pg_ctl."
}

# PostgreSQL refuses to run as root: as root, the cluster belongs to the 'postgres' system user.
pg_as_owner() {
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' system user (apt-get install postgresql)"
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    odoo_python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
        || python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_init() {
    find_pg_bin
    [ -f "$PG_DATA/PG_VERSION" ] && return 0
    info "creating the embedded PostgreSQL cluster in $PG_DATA"
    mkdir -p "$PG_DATA" "$PG_RUN"
    if [ "$(id -u)" = 0 ]; then
        chown -R postgres: "$PG_DIR"
        runuser -u postgres -- test -w "$PG_DATA" || die "the 'postgres' user cannot write $PG_DATA:
       give it access to the project folder (every parent folder must be searchable)."
    fi
    pg_as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_USER_NAME" --auth=trust -E UTF8 \
        --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
    free_port >"$PG_DIR/port"
    cat >>"$PG_DATA/postgresql.conf" <<CONF
# account_debt_followup embedded cluster: Unix socket only, no TCP
listen_addresses = ''
port = $(cat "$PG_DIR/port")
unix_socket_directories = '$PG_RUN'
fsync = off                   # a throw-away development cluster
synchronous_commit = off
full_page_writes = off
shared_buffers = 256MB
max_connections = 100
CONF
    [ "$(id -u)" = 0 ] && chown postgres: "$PG_DIR/port"
    return 0
}

pg_env() {
    find_pg_bin
    PGHOST="$PG_RUN"; PGPORT="$(cat "$PG_DIR/port")"; PGUSER="$PG_USER_NAME"
    export PGHOST PGPORT PGUSER
}

pg_start() {
    pg_init
    pg_env
    if pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
        return 0
    fi
    info "starting the embedded PostgreSQL on socket $PG_RUN (port $PGPORT)"
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >/dev/null \
        || { tail -20 "$PG_LOG" >&2; die "PostgreSQL did not start (log: $PG_LOG)"; }
}

pg_stop() {
    find_pg_bin
    [ -f "$PG_DATA/PG_VERSION" ] || return 0
    if pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
        info "stopping the embedded PostgreSQL"
        pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
    fi
}

psql_cmd() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres "$@"; }

# Install the module in database $1 with configuration $2 (more install options after), or
# update it when the database exists already.
ensure_database() {
    local db="$1" conf="$2"; shift 2
    if psql_cmd -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
        info "updating the module in the existing database '$db'"
        odoo_python -m odoo -c "$conf" -d "$db" -u account_debt_followup --stop-after-init --log-level=warn \
            || die "the database '$db' could not be updated"
    else
        info "creating the database '$db' (a minute or two)"
        odoo_python -m odoo -c "$conf" -d "$db" -i "${INSTALL_MODULES:-account_debt_followup}" "$@" --stop-after-init --log-level=warn \
            || die "the database '$db' could not be created"
    fi
}

# Write an Odoo configuration for the embedded cluster; echo its path.
write_odoo_conf() {  # $1 = file name, $2.. = extra "key = value" lines
    local conf="$LOCAL_DIR/$1"; shift
    mkdir -p "$LOCAL_DIR/data"
    {
        echo "[options]"
        echo "addons_path = $ODOO_ADDONS_PATH"
        echo "data_dir = $LOCAL_DIR/data"
        echo "db_host = $PG_RUN"
        echo "db_port = $PGPORT"
        echo "db_user = $PG_USER_NAME"
        echo "db_password = False"
        echo "list_db = False"
        local line; for line in "$@"; do echo "$line"; done
    } >"$conf"
    echo "$conf"
}
