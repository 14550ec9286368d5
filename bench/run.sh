#!/usr/bin/env bash
# bench/run.sh [-n COUNT] [-s "SESSIONS..."] [-l "SIZES..."] [-r RCPTS] [-t "TARGETS..."]
#
# Throughput of a content filter measured with Postfix's own test tools:
#   smtp-source -> FILTER (127.0.0.1:FILTER_PORT) -> smtp-sink (127.0.0.1:SINK_PORT)
# and, as the ceiling, smtp-source -> smtp-sink directly. One Markdown table row
# per run (paste into docs/benchmarks.md); rows also go to bench/results/.
#
# Targets (-t / TARGETS, default "direct filter amavisd-new"):
#   direct       smtp-source straight into smtp-sink (the ceiling)
#   filter       FILTER_CMD (default: bin/amavisd -c $FILTER_CONF foreground) on FILTER_PORT
#   standin      testenv/standin-filter.pl on FILTER_PORT (a forking Perl relay)
#   amavisd-new  Debian's amavisd-new (needs root and the package) on AMAVISD_NEW_PORT,
#                with every check bypassed and no scanners
# FILTER_CMD may use {listen} {forward} {state}; it also gets BENCH_LISTEN_PORT,
# BENCH_FORWARD_PORT and BENCH_STATE_DIR in its environment. It must listen on
# 127.0.0.1:{listen} and forward every message to 127.0.0.1:{forward}.
# Environment knobs (defaults): COUNT=2000 SESSIONS="4 1" SIZES=4096 RCPTS=1
#   WARMUP=200 (messages sent first and not measured) REUSE=0 (1: smtp-source -d,
#   all messages of a session over one connection) SINK_PORT=20025
#   FILTER_PORT=20024 AMAVISD_NEW_PORT=20124 FILTER_CONF=bench/amavisd-bench.conf
#   RUN_TIMEOUT=900 (s per smtp-source run) START_TIMEOUT=120 BENCH_STATE=/tmp/amavisd-bench.PID
#   MSGFILE= (a message file sent as it is with smtp-source -F, instead of -l SIZE;
#   e.g. bench/messages/zip-attachment.eml, a text part and a zip)
#   CHECKS=0 (1: both filters run the banned-name and bad-header checks with Debian's stock
#   $banned_filename_re, banned mail discarded; ours reads bench/amavisd-bench-checks.conf)
#   CLAMD=0 (1: a real clamd is started on CLAMD_PORT=20310 with testenv/start-services.sh and
#   both filters scan every message with it, amavisd-new's stock CONTSCAN entry; implies CHECKS=1)
#   SPAMD=0 (1: a real spamd is started on SPAMD_PORT=20783 and both filters ask it about every
#   message through SpamdClient; implies CHECKS=1. amavisd-new's SpamdClient only speaks to port
#   783, so with SPAMD=1 the bench uses 783 when amavisd-new is among the targets)
# Only 127.0.0.1 is ever used; everything started is stopped on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
export PATH="$PATH:/usr/sbin:/sbin"
PROG=bench
log() { printf '[%s] %s\n' "$PROG" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$PROG" "$*" >&2; exit 1; }
usage() { sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

COUNT="${COUNT:-2000}"
SESSIONS="${SESSIONS:-4 1}"
SIZES="${SIZES:-4096}"
RCPTS="${RCPTS:-1}"
TARGETS="${TARGETS:-direct filter amavisd-new}"
WARMUP="${WARMUP:-200}"
REUSE="${REUSE:-0}"
SINK_PORT="${SINK_PORT:-20025}"
FILTER_PORT="${FILTER_PORT:-20024}"
AMAVISD_NEW_PORT="${AMAVISD_NEW_PORT:-20124}"
CHECKS="${CHECKS:-0}"
CLAMD="${CLAMD:-0}"
CLAMD_PORT="${CLAMD_PORT:-20310}"
[[ $CLAMD == 1 ]] && CHECKS=1
SPAMD="${SPAMD:-0}"
SPAMD_PORT="${SPAMD_PORT:-20783}"
[[ $SPAMD == 1 ]] && CHECKS=1
[[ $SPAMD == 1 && " $TARGETS " == *" amavisd-new "* ]] && SPAMD_PORT=783
MSGFILE="${MSGFILE:-}"
if [[ $CHECKS == 1 ]]; then FILTER_CONF="${FILTER_CONF:-$HERE/amavisd-bench-checks.conf}"; fi
FILTER_CONF="${FILTER_CONF:-$HERE/amavisd-bench.conf}"
FILTER_CMD="${FILTER_CMD:-}"
RUN_TIMEOUT="${RUN_TIMEOUT:-900}"
START_TIMEOUT="${START_TIMEOUT:-120}"
while getopts 'n:s:l:r:t:h' o; do
    case "$o" in
    n) COUNT=$OPTARG ;; s) SESSIONS=$OPTARG ;; l) SIZES=$OPTARG ;; r) RCPTS=$OPTARG ;;
    t) TARGETS=$OPTARG ;; h) usage; exit 0 ;; *) usage >&2; exit 2 ;;
    esac
done
for v in COUNT RCPTS WARMUP SINK_PORT FILTER_PORT AMAVISD_NEW_PORT RUN_TIMEOUT START_TIMEOUT; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a number, not '${!v}'"
done
if [[ -n $MSGFILE ]]; then
    [[ -r $MSGFILE ]] || die "MSGFILE $MSGFILE is not readable"
    SIZES=$(stat -c %s "$MSGFILE") # the size column then shows the file's size
fi
for v in $SESSIONS $SIZES; do [[ $v =~ ^[1-9][0-9]*$ ]] || die "sessions and sizes must be positive numbers, not '$v'"; done

for b in smtp-source smtp-sink; do
    command -v "$b" >/dev/null 2>&1 || die "'$b' not found: install the Debian package 'postfix' (testenv/ensure-packages.sh postfix)"
done
command -v timeout >/dev/null 2>&1 || die "'timeout' not found (Debian package 'coreutils')"

BENCH_STATE="${BENCH_STATE:-/tmp/amavisd-bench.$$}"
mkdir -p "$BENCH_STATE"
chmod 755 "$BENCH_STATE"
RESULTS_DIR="$ROOT/bench/results"
mkdir -p "$RESULTS_DIR"
RESULTS="$RESULTS_DIR/$(date +%Y%m%d-%H%M%S).md"
HZ=$(getconf CLK_TCK)
now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }

# ------------------------------------------------------------ process helpers (by pid only)
proc_field_sum() { # utime+stime+cutime+cstime (clock ticks) of one pid
    local l
    read -r l 2>/dev/null <"/proc/$1/stat" || { echo 0; return; }
    l=${l##*) }
    # after ")": state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17) -> fields 12..15 here
    awk '{print $12 + $13 + $14 + $15}' <<<"$l"
}
children_of() {
    local f p l
    for f in /proc/[0-9]*; do
        p=${f#/proc/}
        read -r l 2>/dev/null <"$f/stat" || continue
        l=${l##*) }
        l=${l#* }
        [[ ${l%% *} == "$1" ]] && echo "$p"
    done
    return 0
}
tree_of() { # pid and all its descendants
    local p
    echo "$1"
    for p in $(children_of "$1"); do tree_of "$p"; done
}
tree_cpu_ticks() { local t=0 p; for p in $(tree_of "$1"); do t=$((t + $(proc_field_sum "$p"))); done; echo "$t"; }
tree_hwm_kb() { # sum of VmHWM (peak RSS) over the tree
    local t=0 p v
    for p in $(tree_of "$1"); do
        v=$(awk '/^VmHWM/{print $2}' "/proc/$p/status" 2>/dev/null || true)
        t=$((t + ${v:-0}))
    done
    echo "$t"
}
alive() { [[ -d /proc/$1 ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
stop_tree() { # TERM the process and its descendants, KILL after 10 s
    local pid=$1 all p i
    alive "$pid" || return 0
    all=$(tree_of "$pid")
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 500; i++)); do alive "$pid" || break; sleep 0.02; done
    for p in $all; do
        if alive "$p"; then kill -KILL "$p" 2>/dev/null || true; fi
    done
}
STARTED=()
cleanup() {
    local p
    for p in "${STARTED[@]}"; do stop_tree "$p"; done
    [[ $CLAMD == 1 || $SPAMD == 1 ]] && bash "$ROOT/testenv/stop-services.sh" "$BENCH_STATE/svc" >/dev/null 2>&1
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_banner() { # wait_banner PORT PID NAME LOG
    local deadline=$((SECONDS + START_TIMEOUT)) reply
    while ((SECONDS < deadline)); do
        alive "$2" || { tail -n 20 "$4" >&2 2>/dev/null || true; die "$3 exited during start-up (log: $4)"; }
        if { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null; then
            reply=
            IFS= read -r -t 5 reply <&3 || true
            printf 'QUIT\r\n' >&3 2>/dev/null || true
            exec 3<&- 3>&-
            [[ $reply == 220* ]] && return 0
        fi
        sleep 0.1
    done
    tail -n 20 "$4" >&2 2>/dev/null || true
    die "$3 did not answer on 127.0.0.1:$1 within ${START_TIMEOUT}s (log: $4)"
}
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ------------------------------------------------------------ sink
SINK_PID=
start_sink() {
    port_free "$SINK_PORT" || die "127.0.0.1:$SINK_PORT is already in use (set SINK_PORT)"
    local u=()
    [[ $(id -u) -eq 0 ]] && u=(-u nobody)
    : >"$BENCH_STATE/sink.out"
    setsid smtp-sink -c "${u[@]}" 127.0.0.1:"$SINK_PORT" 256 </dev/null >"$BENCH_STATE/sink.out" 2>"$BENCH_STATE/sink.err" &
    SINK_PID=$!
    STARTED+=("$SINK_PID")
    wait_banner "$SINK_PORT" "$SINK_PID" smtp-sink "$BENCH_STATE/sink.err"
}
sink_count() { # messages received so far (smtp-sink -c counter "mesg=N")
    local n
    n=$(tr '\r' '\n' <"$BENCH_STATE/sink.out" | sed -n 's/.*mesg=\([0-9]*\).*/\1/p' | tail -n 1)
    echo "${n:-0}"
}
stop_sink() { [[ -n $SINK_PID ]] && stop_tree "$SINK_PID"; SINK_PID=; }

# ------------------------------------------------------------ filters
FILTER_PID=
start_filter() { # start_filter TARGET SESSIONS -> sets FILTER_PID, LISTEN
    local target=$1 sessions=$2 d="$BENCH_STATE/$1" cmd
    mkdir -p "$d"
    case "$target" in
    standin)
        LISTEN=$FILTER_PORT
        port_free "$LISTEN" || die "127.0.0.1:$LISTEN is already in use (set FILTER_PORT)"
        setsid perl "$ROOT/testenv/standin-filter.pl" "$LISTEN" "$SINK_PORT" "$d/standin.log" </dev/null >"$d/out.log" 2>&1 &
        ;;
    filter)
        LISTEN=$FILTER_PORT
        port_free "$LISTEN" || die "127.0.0.1:$LISTEN is already in use (set FILTER_PORT)"
        cmd=${FILTER_CMD//\{listen\}/$LISTEN}
        cmd=${cmd//\{forward\}/$SINK_PORT}
        cmd=${cmd//\{state\}/$d}
        BENCH_LISTEN_PORT=$LISTEN BENCH_FORWARD_PORT=$SINK_PORT BENCH_STATE_DIR=$d \
            setsid bash -c "cd \"\$1\" && exec $cmd" bench-filter "$ROOT" </dev/null >"$d/out.log" 2>&1 &
        ;;
    amavisd-new)
        LISTEN=$AMAVISD_NEW_PORT
        port_free "$LISTEN" || die "127.0.0.1:$LISTEN is already in use (set AMAVISD_NEW_PORT)"
        write_amavisd_new_conf "$d" "$sessions"
        setsid amavisd -c "$d/etc/amavisd.conf" foreground </dev/null >"$d/out.log" 2>&1 &
        ;;
    esac
    FILTER_PID=$!
    STARTED+=("$FILTER_PID")
    wait_banner "$LISTEN" "$FILTER_PID" "$target" "$d/out.log"
}
stop_filter() { [[ -n $FILTER_PID ]] && stop_tree "$FILTER_PID"; FILTER_PID=; }

write_amavisd_new_conf() { # a minimal amavisd-new config: no scanners, every check bypassed
    local d=$1 servers=$2
    ((servers >= 2)) || servers=2 # -m 1 is a non-forking special case; keep the usual pre-fork model
    install -d -o root -g root -m 755 "$d/etc"
    install -d -o amavis -g amavis -m 750 "$d/var" "$d/var/tmp" "$d/var/db"
    cat >"$d/etc/amavisd.conf" <<EOF
# generated by bench/run.sh
use strict;
\$daemon_user = 'amavis'; \$daemon_group = 'amavis';
\$MYHOME = '$d/var'; \$TEMPBASE = '$d/var/tmp'; \$db_home = '$d/var/db';
\$helpers_home = '$d/var'; \$pid_file = '$d/var/amavisd.pid'; \$lock_file = '$d/var/amavisd.lock';
\$QUARANTINEDIR = undef;
\$DO_SYSLOG = 0; \$LOGFILE = '$d/var/amavisd.log'; \$log_level = 0;
\$myhostname = 'bench.example.test'; \$mydomain = 'example.test';
@local_domains_acl = ('example.test');
\$inet_socket_bind = '127.0.0.1'; \$inet_socket_port = $LISTEN; @inet_acl = qw(127.0.0.1);
\$forward_method = 'smtp:[127.0.0.1]:$SINK_PORT'; \$notify_method = \$forward_method;
\$max_servers = $servers; \$max_requests = 100000;
\$enable_db = 0; \$enable_zmq = 0; \$enable_dkim_verification = 0; \$enable_dkim_signing = 0;
@av_scanners = (); @av_scanners_backup = (); @spam_scanners = ();
@bypass_virus_checks_maps = (1); @bypass_spam_checks_maps = (1);
EOF
    [[ $CLAMD == 1 ]] && av_scanners_conf >>"$d/etc/amavisd.conf"
    [[ $SPAMD == 1 ]] && spam_scanners_conf amavisd-new >>"$d/etc/amavisd.conf"
    if [[ $CHECKS == 1 ]]; then
        cat "$ROOT/bench/banned-rules.conf" >>"$d/etc/amavisd.conf"
    else
        echo '@bypass_banned_checks_maps = (1); @bypass_header_checks_maps = (1);' >>"$d/etc/amavisd.conf"
    fi
    echo '1;' >>"$d/etc/amavisd.conf"
    chown root:root "$d/etc/amavisd.conf"
    chmod 644 "$d/etc/amavisd.conf"
}

av_scanners_conf() { # the stock ClamAV-clamd entry, on the bench's clamd over TCP
    cat <<EOF
@av_scanners = (['ClamAV-clamd', \&ask_daemon, ["CONTSCAN {}\n", "127.0.0.1:$CLAMD_PORT"],
  qr/\bOK$/m, qr/\bFOUND$/m, qr/^.*?: (?!Infected Archive)(.*) FOUND$/m]);
@bypass_virus_checks_maps = (0);
EOF
}
spam_scanners_conf() { # SpamdClient: amavisd-new's has no port option (783 only); ours takes one
    if [[ ${1:-} == amavisd-new ]]; then
        echo "@spam_scanners = (['SpamdClient', 'Amavis::SpamControl::SpamdClient']);"
        echo '@bypass_spam_checks_maps = (0); $sa_tag_level_deflt = -999;'
    else
        echo "@spam_scanners = (['SpamdClient', 'Amavis::SpamControl::SpamdClient', port => $SPAMD_PORT]);"
        echo '@bypass_spam_checks_maps = (0); $sa_tag_level_deflt = -999;'
    fi
}
if [[ $CLAMD == 1 || $SPAMD == 1 ]]; then
    mkdir -p "$BENCH_STATE/svc"
    chmod 755 "$BENCH_STATE" "$BENCH_STATE/svc"
    svcs=()
    [[ $CLAMD == 1 ]] && svcs+=(clamd)
    [[ $SPAMD == 1 ]] && svcs+=(spamd)
    SERVICES="${svcs[*]}" CLAMD_PORT=$CLAMD_PORT SPAMD_PORT=$SPAMD_PORT \
        bash "$ROOT/testenv/start-services.sh" "$BENCH_STATE/svc" >"$BENCH_STATE/svc.log" 2>&1 ||
        die "could not start ${svcs[*]} (see $BENCH_STATE/svc.log)"
    # our filter reads its scanner entries from this file (bench/amavisd-bench-checks.conf includes it)
    {
        [[ $CLAMD == 1 ]] && av_scanners_conf
        [[ $SPAMD == 1 ]] && spam_scanners_conf
        echo '1;'
    } >"$BENCH_STATE/scanners.conf"
    export BENCH_AV_CONF="$BENCH_STATE/scanners.conf"
fi

# ------------------------------------------------------------ one run
smtp_source() { # smtp_source PORT SESSIONS SIZE COUNT
    local d=()
    [[ $REUSE == 1 ]] && d=(-d)
    local body=(-l "$3")
    [[ -n $MSGFILE ]] && body=(-F "$MSGFILE")
    timeout "$RUN_TIMEOUT" smtp-source "${d[@]}" -4 -s "$2" -m "$4" "${body[@]}" -r "$RCPTS" \
        -M bench.example.test -f sender@example.test -t rcpt@example.test 127.0.0.1:"$1"
}
wait_sink() { # wait_sink N: until the sink has N messages (at most 10 s more)
    local i
    for ((i = 0; i < 500; i++)); do (($(sink_count) >= $1)) && return 0; sleep 0.02; done
    return 0
}

CPU_MODEL=$(awk -F': *' '/^model name/{print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
CPU_MODEL=${CPU_MODEL:-$(uname -p)}
CORES=$(nproc)
ARCH=$(uname -m)
TODAY=$(date +%Y-%m-%d)
HEADER='| date | arch | CPU | cores | target | msgs | size B | rcpts | sessions | elapsed s | msgs/s | filter CPU s | CPU ms/msg | peak RSS MiB | sink got | note |'
SEP='|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|'
printf '%s\n%s\n' "$HEADER" "$SEP" | tee "$RESULTS"

run_one() { # run_one TARGET SESSIONS SIZE
    local target=$1 sessions=$2 size=$3 port c0 c1 t0 t1 before got rc=0 note="" cpu="-" cpums="-" rss="-"
    start_sink
    if [[ $target == direct ]]; then
        port=$SINK_PORT
    else
        start_filter "$target" "$sessions"
        port=$LISTEN
    fi
    if ((WARMUP > 0)); then
        smtp_source "$port" "$sessions" "$size" "$WARMUP" >/dev/null 2>&1 || note="warm-up failed; "
        wait_sink "$WARMUP"
    fi
    before=$(sink_count)
    [[ -n $FILTER_PID ]] && c0=$(tree_cpu_ticks "$FILTER_PID")
    t0=$(now_us)
    smtp_source "$port" "$sessions" "$size" "$COUNT" >"$BENCH_STATE/source.out" 2>&1 || rc=$?
    t1=$(now_us)
    wait_sink "$((before + COUNT))"
    got=$(($(sink_count) - before))
    if [[ -n $FILTER_PID ]]; then
        c1=$(tree_cpu_ticks "$FILTER_PID")
        cpu=$(awk -v t=$((c1 - c0)) -v hz="$HZ" 'BEGIN{printf "%.2f", t / hz}')
        cpums=$(awk -v t=$((c1 - c0)) -v hz="$HZ" -v n="$COUNT" 'BEGIN{printf "%.2f", t / hz * 1000 / n}')
        rss=$(($(tree_hwm_kb "$FILTER_PID") / 1024))
    fi
    if ((rc == 124)); then
        note+="smtp-source timed out after ${RUN_TIMEOUT}s; "
    elif ((rc != 0)); then
        note+="smtp-source exit $rc: $(tail -n 1 "$BENCH_STATE/source.out" | tr '|' '/'); "
    fi
    ((got == COUNT)) || note+="LOST $((COUNT - got)) messages; "
    [[ $REUSE == 1 ]] && note+="connection reuse; "
    stop_filter
    stop_sink
    local el rate
    el=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", (b - a) / 1e6}')
    rate=$(awk -v a="$t0" -v b="$t1" -v n="$COUNT" 'BEGIN{printf "%.0f", n / ((b - a) / 1e6)}')
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
        "$TODAY" "$ARCH" "$CPU_MODEL" "$CORES" "$target" "$COUNT" "$size" "$RCPTS" "$sessions" \
        "$el" "$rate" "$cpu" "$cpums" "$rss" "$got" "${note%; }" | tee -a "$RESULTS"
}

runnable() { # runnable TARGET: say why not, if not
    case "$1" in
    direct | standin) return 0 ;;
    filter)
        if [[ -z $FILTER_CMD ]]; then
            [[ -x $ROOT/bin/amavisd ]] || { log "skipping 'filter': $ROOT/bin/amavisd does not exist yet and FILTER_CMD is not set"; return 1; }
            [[ -r $FILTER_CONF ]] || { log "skipping 'filter': no config $FILTER_CONF (set FILTER_CONF)"; return 1; }
            FILTER_CMD="bin/amavisd -c $FILTER_CONF foreground"
        fi
        return 0 ;;
    amavisd-new)
        command -v amavisd >/dev/null 2>&1 || { log "skipping 'amavisd-new': not installed (Debian package 'amavisd-new')"; return 1; }
        [[ $(id -u) -eq 0 ]] || { log "skipping 'amavisd-new': it must be started as root (it drops to user amavis)"; return 1; }
        getent passwd amavis >/dev/null || { log "skipping 'amavisd-new': user 'amavis' missing"; return 1; }
        return 0 ;;
    *) log "skipping unknown target '$1' (direct filter standin amavisd-new)"; return 1 ;;
    esac
}

for target in $TARGETS; do
    runnable "$target" || continue
    for size in $SIZES; do
        for sessions in $SESSIONS; do
            run_one "$target" "$sessions" "$size"
        done
    done
done
log "rows also written to $RESULTS; state (logs) in $BENCH_STATE"
