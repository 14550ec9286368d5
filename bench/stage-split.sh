#!/usr/bin/env bash
# bench/stage-split.sh LOGFILE...
#
# Averages amavisd's per-message TIMING lines ($log_level 2; run bench/run.sh with
# BENCH_LOG_LEVEL=2) into one line per stage: where a message's time goes inside amavisd
# (decode, checks, virus, spam, relay) and the total from the end of DATA to the reply.
set -euo pipefail
(($#)) || { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
grep -h 'TIMING \[total' "$@" | awk '
{
    n++
    if (match($0, /total [0-9]+ ms/)) { t = substr($0, RSTART + 6, RLENGTH - 9); total += t }
    rest = $0; sub(/.*ms\] - /, "", rest)
    k = split(rest, parts, ", ")
    for (i = 1; i <= k; i++) {
        split(parts[i], kv, ": ")
        if (!(kv[1] in sum)) order[++stages] = kv[1]
        sum[kv[1]] += kv[2]
    }
}
END {
    if (n == 0) { print "no TIMING lines (run with BENCH_LOG_LEVEL=2)"; exit 1 }
    printf "%d messages, mean ms per message:", n
    for (i = 1; i <= stages; i++) printf " %s %.2f,", order[i], sum[order[i]] / n
    printf " total %.2f\n", total / n
}'
