#!/usr/bin/env bash
# ensure-packages.sh [--check] [GROUP...]
#
# Makes sure the Debian packages that the end-to-end tests need are installed.
# Groups (default: postfix clamd spamd):
#   postfix    postfix            (MTA sandwich; also smtp-source/smtp-sink for bench/)
#   clamd      clamav-daemon clamav (virus scanner daemon; clamscan, the command-line scanner)
#   spamd      spamd spamassassin (spam scanner daemon)
#   rspamd     rspamd             (the other spam scanner daemon, run on loopback without Redis)
#   swaks      swaks              (handy SMTP client; testenv/selftest.sh uses it)
#   testfiles  clamav-testfiles   (44 ClamAV test samples, optional)
#   oracle     amavisd-new libmime-tools-perl (the Perl original, and its MIME parser, to
#              compare against; optional)
#   dkim       opendkim-tools     (optional)
#   dns        dnsmasq-base       (optional)
#   postgres   postgresql         (SQL lookup tests against a real server; optional)
#   archivers  unrar-free arj cabextract lhasa (the decoder's external archive programs),
#              rpm tnef libole-storage-lite-perl (rpmbuild makes real RPM packages for the
#              decoder tests, tnef checks the TNEF test files, OLE::Storage_Lite writes OLE2 ones)
#   all        every group above
# Everything present: prints one line and exits 0 (no apt-get at all).
# Something missing, running as root with apt-get: installs it non-interactively
#   (--no-install-recommends; a policy-rc.d that exits 101 so no service starts,
#   removed again only if this script created it; postfix preseeded to
#   "No configuration"); runs apt-get update only when needed.
# Something missing otherwise, or with --check: names the missing packages and
#   the one command that installs them, exits 1.
# Environment: APT_TIMEOUT (seconds for each apt-get call, default 900).
set -euo pipefail

PROG=ensure-packages
log() { printf '[%s] %s\n' "$PROG" "$*"; }
err() { printf '[%s] ERROR: %s\n' "$PROG" "$*" >&2; }
usage() { sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

CHECK_ONLY=0
groups=()
for a in "$@"; do
    case "$a" in
    --check) CHECK_ONLY=1 ;;
    -h | --help) usage; exit 0 ;;
    -*) err "unknown option '$a'"; usage >&2; exit 2 ;;
    *) groups+=("$a") ;;
    esac
done
((${#groups[@]})) || groups=(postfix clamd spamd)

packages_of() { # packages_of GROUP -> Debian package names
    case "$1" in
    postfix) echo postfix ;;
    clamd) echo clamav-daemon clamav ;;
    spamd) echo spamd spamassassin ;;
    rspamd) echo rspamd ;;
    swaks) echo swaks ;;
    testfiles) echo clamav-testfiles ;;
    oracle) echo amavisd-new libmime-tools-perl ;;
    dkim) echo opendkim-tools ;;
    dns) echo dnsmasq-base ;;
    postgres) echo postgresql ;;
    archivers) echo unrar-free arj cabextract lhasa rpm tnef libole-storage-lite-perl ;;
    all) for g in postfix clamd spamd rspamd swaks testfiles oracle dkim dns postgres archivers; do packages_of "$g"; done ;;
    *) return 1 ;;
    esac
}
binary_of() { # a program each package provides, for systems without dpkg
    case "$1" in
    postfix) echo postfix ;; clamav-daemon) echo clamd ;; clamav) echo clamscan ;; spamd) echo spamd ;;
    spamassassin) echo spamassassin ;; rspamd) echo rspamd ;; swaks) echo swaks ;; amavisd-new) echo amavisd ;;
    opendkim-tools) echo opendkim-genkey ;; dnsmasq-base) echo dnsmasq ;; postgresql) echo pg_ctlcluster ;;
    unrar-free) echo unrar ;; arj) echo arj ;; cabextract) echo cabextract ;; lhasa) echo lha ;;
    rpm) echo rpmbuild ;; tnef) echo tnef ;;
    *) echo "" ;;
    esac
}

wanted=()
for g in "${groups[@]}"; do
    if ! pk=$(packages_of "$g"); then err "unknown group '$g'"; usage >&2; exit 2; fi
    for p in $pk; do [[ " ${wanted[*]} " == *" $p "* ]] || wanted+=("$p"); done
done

export PATH="$PATH:/usr/sbin:/sbin"
installed() { # installed PACKAGE
    if command -v dpkg-query >/dev/null 2>&1; then
        [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]
    else
        local b
        b=$(binary_of "$1")
        if [[ -n $b ]]; then command -v "$b" >/dev/null 2>&1; else [[ $1 == clamav-testfiles && -d /usr/share/clamav-testfiles ]]; fi
    fi
}

missing=()
for p in "${wanted[@]}"; do installed "$p" || missing+=("$p"); done
if ((${#missing[@]} == 0)); then
    log "all present: ${wanted[*]}"
    exit 0
fi

install_cmd="apt-get install -y --no-install-recommends ${missing[*]}"
explain_missing() {
    err "missing Debian packages: ${missing[*]}"
    err "install them as root with: $install_cmd"
    err "(on a machine where systemd runs, first: printf '#!/bin/sh\\nexit 101\\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d, so no service auto-starts; or run this script as root)"
}
if ((CHECK_ONLY)); then explain_missing; exit 1; fi
if [[ $(id -u) -ne 0 ]]; then explain_missing; err "not root: cannot install them myself"; exit 1; fi
if ! command -v apt-get >/dev/null 2>&1; then explain_missing; err "apt-get not found: this is not a Debian-like system"; exit 1; fi

APT_TIMEOUT="${APT_TIMEOUT:-900}"
POLICY=/usr/sbin/policy-rc.d
created_policy=0
cleanup() { if ((created_policy)); then rm -f "$POLICY"; fi; }
trap cleanup EXIT
if [[ ! -e $POLICY ]]; then
    printf '#!/bin/sh\n# created by ensure-packages.sh: no service starts during the install\nexit 101\n' >"$POLICY"
    chmod 755 "$POLICY"
    created_policy=1
fi
if [[ " ${missing[*]} " == *" postfix "* ]] && command -v debconf-set-selections >/dev/null 2>&1; then
    printf '%s\n' 'postfix postfix/main_mailer_type select No configuration' \
        'postfix postfix/mailname string mta.example.test' | debconf-set-selections
fi
export DEBIAN_FRONTEND=noninteractive
apt_get() { timeout "$APT_TIMEOUT" apt-get -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"; }

# apt-get update only when a package has no install candidate (no or old lists)
need_update=0
for p in "${missing[@]}"; do
    cand=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/{print $2}')
    if [[ -z $cand || $cand == "(none)" ]]; then need_update=1; fi
done
t0=$SECONDS
if ((need_update)); then
    log "apt-get update (some packages have no install candidate yet)"
    apt_get update >/dev/null || { err "apt-get update failed"; exit 1; }
fi
log "installing: ${missing[*]}"
if ! apt_get install -y --no-install-recommends "${missing[@]}"; then
    if ((need_update)); then err "apt-get install failed"; exit 1; fi
    log "install failed; refreshing the package lists and trying once more"
    apt_get update >/dev/null || { err "apt-get update failed"; exit 1; }
    apt_get install -y --no-install-recommends "${missing[@]}" || { err "apt-get install failed: $install_cmd"; exit 1; }
fi
still=()
for p in "${missing[@]}"; do installed "$p" || still+=("$p"); done
if ((${#still[@]})); then err "still missing after the install: ${still[*]}"; exit 1; fi
log "installed ${missing[*]} in $((SECONDS - t0)) s"
