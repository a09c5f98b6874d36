#!/usr/bin/env bash
# Reliability drills (`make test-drills`; `make test-drills-ci` / `--ci` is the subset
# `make test` runs): Culvert against wireguard-go in network namespaces on real TUN
# devices — peer restart, roaming both ways, loss + rate limit, hostile floods, cookie
# burst, late-resolving host name, junk from the peer's address during restarts, a
# roamed endpoint across `wg set`; the full set adds a 200 s SIGSTOP freeze and a
# 240 s outage of a persistent-keepalive peer.
# Needs root; without it (or without TUN / namespaces) every drill is skipped.
# Usage: scripts/test-drills.sh [--ci] [DRILL-NAME-SUBSTRING]
set -u
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/netns/lib.sh"
. "$ROOT/tests/drills/cases.sh"

CI_ONLY=0
FILTER=""
for a in "$@"; do
    case $a in
        --ci) CI_ONLY=1 ;;
        *) FILTER=$a ;;
    esac
done
if [ "$CI_ONLY" = 1 ]; then ALL=("${DRILLS_CI[@]}"); else ALL=("${DRILLS_FULL[@]}"); fi
SELECTED=()
for c in "${ALL[@]}"; do
    case "$c" in *"$FILTER"*) SELECTED+=("$c") ;; esac
done

nn_prepare test-drills drills ip wg wireguard-go iperf3 ping timeout ss nft tc python3 jq getent

PASSED=0
FAILED=0
SKIPPED=0
NN_DIR=$(mktemp -d /tmp/culvert-drills.XXXXXX)
for c in "${SELECTED[@]}"; do
    name=${c#drill_}
    nn_init d
    start=$(date +%s)
    (trap nn_teardown EXIT; "$c") >"$NN_DIR/case.log" 2>&1
    rc=$?
    NN_NAMESPACES=("$NS_A" "$NS_B")
    NN_SOCKETS=("/var/run/wireguard/$IF_A.sock" "/var/run/wireguard/$IF_B.sock")
    nn_teardown
    rm -rf "/etc/netns/$NS_A" "/etc/netns/$NS_B"
    secs=$(( $(date +%s) - start ))
    if [ "$rc" -eq 0 ]; then
        PASSED=$((PASSED + 1))
        echo "ok   $name (${secs}s)"
        grep '^RESULT ' "$NN_DIR/case.log" | sed 's/^RESULT /     /'
    elif [ "$rc" -eq 77 ]; then
        SKIPPED=$((SKIPPED + 1))
        echo "skip $name: $(tail -n 1 "$NN_DIR/case.log")"
    else
        FAILED=$((FAILED + 1))
        echo "FAIL $name (${secs}s)"
        sed 's/^/     | /' "$NN_DIR/case.log" | tail -n 40
        for f in "$NN_DIR"/*.log; do
            case $f in */case.log) continue ;; esac
            echo "     -- $(basename "$f") (last lines)"
            grep -v ' TRACE ' "$f" | tail -n 15 | sed 's/^/     | /'
        done
    fi
    rm -f "$NN_DIR"/*.log "$NN_DIR"/*.out "$NN_DIR"/*.json
done
rm -rf "$NN_DIR"
summary "$PASSED" "$FAILED" "$SKIPPED"
[ "$FAILED" -eq 0 ]
