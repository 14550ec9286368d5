#!/usr/bin/env bash
# bench/config-load.sh [ENTRIES...]  -- how long amavisd takes to read a large amavisd.conf
#
# Writes configs with N entries in each of: a %local_domains hash, an ACL, a read_hash file,
# a new_RE table of N/10 patterns, and N/10 policy banks; then runs `bin/amavisd -c FILE
# showconfig` five times per size and reports the reader's own time (the "configuration read
# in" line: parsing, evaluation and regex compilation, without JVM start-up).
# Default sizes: 1000 10000 50000. Needs a build (mvn -B -DskipTests package).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZES=("${@:-1000 10000 50000}")
# shellcheck disable=SC2206
SIZES=(${SIZES[*]})
work=$(mktemp -d /tmp/amavisd-confbench.XXXXXX)
trap 'rm -rf "$work"' EXIT

write_conf() { # write_conf N FILE
    local n=$1 f=$2 i
    {
        echo "use strict;"
        echo "%local_domains = ("
        for ((i = 0; i < n; i++)); do echo "  'dom$i.example.com' => 1,"; done
        echo ");"
        echo "@local_domains_acl = qw("
        for ((i = 0; i < n; i++)); do echo "  .sub$i.example.net !user$i@example.org"; done
        echo ");"
        echo "%whitelist = read_hash('$work/wl-$n.txt');"
        echo "\$local_domains_re = new_RE("
        for ((i = 0; i < n / 10; i++)); do echo "  qr'^[^@]+@(mx|mail)$i\\.example\\.(com|net)\$'i,"; done
        echo ");"
        for ((i = 0; i < n / 10; i++)); do
            echo "\$policy_bank{'BANK$i'} = { originating => 1, log_level => 2, spam_lovers_maps => ['user$i\@example.com'] };"
        done
        echo "1;"
    } >"$f"
    for ((i = 0; i < n; i++)); do echo "sender$i@example.org 1"; done >"$work/wl-$n.txt"
}

printf '| date | entries per table | config lines | read ms (min of 5) | read ms (median) |\n|---|---:|---:|---:|---:|\n'
for n in "${SIZES[@]}"; do
    conf="$work/amavisd-$n.conf"
    write_conf "$n" "$conf"
    times=()
    for _ in 1 2 3 4 5; do
        t=$("$ROOT/bin/amavisd" -c "$conf" showconfig | sed -n 's/^# configuration read in \([0-9.]*\) ms$/\1/p')
        [[ -n $t ]] || { echo "bench/config-load.sh: no timing from showconfig for $conf" >&2; exit 1; }
        times+=("$t")
    done
    sorted=$(printf '%s\n' "${times[@]}" | sort -n)
    printf '| %s | %s | %s | %s | %s |\n' "$(date +%F)" "$n" "$(wc -l <"$conf")" "$(sed -n 1p <<<"$sorted")" "$(sed -n 3p <<<"$sorted")"
done
