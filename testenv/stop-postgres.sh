#!/usr/bin/env bash
# stop-postgres.sh STATE_DIR
#
# Stops the PostgreSQL server that start-postgres.sh started from STATE_DIR (fast shutdown).
# Nothing running: says so and exits 0. The data stays in STATE_DIR/postgres; remove it yourself.
set -euo pipefail
if [[ $# -ne 1 || $1 == -h || $1 == --help ]]; then
    sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
fi
log() { printf '[stop-postgres] %s\n' "$*"; }
P="$1/postgres"
if [[ ! -f $P/data/postmaster.pid ]]; then log "not running ($P/data)"; exit 0; fi
BIN=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do BIN=$d; done
[[ -n $BIN ]] || { printf '[stop-postgres] ERROR: pg_ctl not found\n' >&2; exit 1; }
RUNAS=()
[[ $(id -u) -eq 0 ]] && RUNAS=(runuser -u postgres --)
"${RUNAS[@]}" "$BIN/pg_ctl" -D "$P/data" -m fast -w -t 60 stop >/dev/null
log "stopped ($P/data)"
