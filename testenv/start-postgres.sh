#!/usr/bin/env bash
# start-postgres.sh STATE_DIR
#
# Starts a throwaway PostgreSQL server for the SQL lookup tests, from Debian's binaries
# (/usr/lib/postgresql/*/bin/initdb and pg_ctl; package 'postgresql'), everything under
# STATE_DIR/postgres (data, socket, log). No system service or cluster is touched.
#   listens on 127.0.0.1:$PG_PORT (25432) only; Unix socket in STATE_DIR/postgres/sock
#   superuser $PG_USER (amavis), trust authentication on loopback, database $PG_DB (mail_prefs)
# As root the server runs as the user 'postgres' (PostgreSQL refuses to run as root);
# otherwise as the calling user. Idempotent: a server already running from STATE_DIR is left alone.
# Writes STATE_DIR/postgres/env (PG_PORT, PG_USER, PG_DB, PG_JDBC_URL).
# Environment knobs (defaults): PG_PORT=25432 PG_USER=amavis PG_DB=mail_prefs START_TIMEOUT=60
# Stop it with: bash stop-postgres.sh STATE_DIR
set -euo pipefail

if [[ $# -ne 1 || $1 == -h || $1 == --help ]]; then
    sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
fi
log() { printf '[start-postgres] %s\n' "$*"; }
die() { printf '[start-postgres] ERROR: %s\n' "$*" >&2; exit 1; }

PG_PORT="${PG_PORT:-25432}"
PG_USER="${PG_USER:-amavis}"
PG_DB="${PG_DB:-mail_prefs}"
START_TIMEOUT="${START_TIMEOUT:-60}"
if ! [[ $PG_PORT =~ ^[0-9]+$ ]] || ((PG_PORT < 1 || PG_PORT > 65535)); then die "PG_PORT must be a TCP port number, not '$PG_PORT'"; fi

BIN=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do BIN=$d; done
[[ -n $BIN && -x $BIN/initdb && -x $BIN/pg_ctl ]] ||
    die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: install the Debian package 'postgresql' (testenv/ensure-packages.sh postgres)"

mkdir -p "$1"
S="$(cd "$1" && pwd)"
case "$S" in *[[:space:]]*) die "STATE_DIR must not contain whitespace: $S" ;; esac
P="$S/postgres"
mkdir -p "$P/sock"

RUNAS=()
if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "user 'postgres' missing (it comes with the Debian package postgresql-common)"
    chown -R postgres: "$P"
    # the server user must reach its data directory
    d="$S"; while [[ $d != / ]]; do chmod o+x "$d" 2>/dev/null || true; d=$(dirname "$d"); done
    RUNAS=(runuser -u postgres --)
fi
as_pg() { "${RUNAS[@]}" "$@"; }

if [[ -f $P/data/postmaster.pid ]] && as_pg "$BIN/pg_ctl" -D "$P/data" status >/dev/null 2>&1; then
    log "already running from $P/data"
else
    if [[ ! -f $P/data/PG_VERSION ]]; then
        log "initdb $P/data ($BIN)"
        as_pg "$BIN/initdb" -D "$P/data" -U "$PG_USER" --auth=trust -E UTF8 --no-locale >"$P/initdb.log" 2>&1 ||
            { cat "$P/initdb.log" >&2; die "initdb failed"; }
    fi
    log "starting on 127.0.0.1:$PG_PORT"
    if ! as_pg "$BIN/pg_ctl" -D "$P/data" -l "$P/postgres.log" -w -t "$START_TIMEOUT" \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$P/sock -c fsync=off" start >/dev/null; then
        tail -20 "$P/postgres.log" >&2 || true
        die "pg_ctl start failed (port $PG_PORT in use?)"
    fi
fi
if ! as_pg "$BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$PG_DB'" | grep -q 1; then
    as_pg "$BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" "$PG_DB" || die "createdb $PG_DB failed"
fi
printf 'PG_PORT=%s\nPG_USER=%s\nPG_DB=%s\nPG_JDBC_URL=jdbc:postgresql://127.0.0.1:%s/%s\n' \
    "$PG_PORT" "$PG_USER" "$PG_DB" "$PG_PORT" "$PG_DB" >"$P/env"
log "ready: DBI:Pg:database=$PG_DB;host=127.0.0.1;port=$PG_PORT user $PG_USER"
