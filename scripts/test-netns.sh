#!/usr/bin/env bash
# Interop tests: Culvert (`culvert up`, release build) against Debian's wireguard-go
# in two network namespaces over a veth pair, on real TUN devices.
# Needs root (namespaces, TUN); without it every case is reported as skipped.
# Usage: scripts/test-netns.sh [CASE-NAME-SUBSTRING]
set -u
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/netns/lib.sh"
. "$ROOT/tests/netns/cases.sh"

FILTER=${1:-}
PASSED=0
FAILED=0
SKIPPED=0
SELECTED=()
for c in "${NETNS_CASES[@]}"; do
    case "$c" in *"$FILTER"*) SELECTED+=("$c") ;; esac
done

nn_prepare test-netns cases ip wg wireguard-go iperf3 ping timeout ss

BASE_DIR=$(mktemp -d /tmp/culvert-netns.XXXXXX)
for c in "${SELECTED[@]}"; do
    name=${c#case_}
    NN_DIR="$BASE_DIR/$name"
    mkdir -p "$NN_DIR"
    nn_init "${NN_TAG:-n}"  # NN_TAG: a prefix of your own for the namespace names
    start=$(date +%s)
    # Each case runs in a subshell so that a failing step ends only that case;
    # its teardown runs here, whatever happened.
    (trap nn_teardown EXIT; "$c") >"$NN_DIR/case.log" 2>&1
    rc=$?
    # The subshell's PIDs/namespaces are not visible here: tear down by name.
    NN_NAMESPACES=("$NS_A" "$NS_B")
    NN_SOCKETS=("/var/run/wireguard/$IF_A.sock" "/var/run/wireguard/$IF_B.sock")
    nn_teardown
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
    fi
done
NN_DIR=$BASE_DIR
rm -rf "$BASE_DIR"
summary "$PASSED" "$FAILED" "$SKIPPED"
[ "$FAILED" -eq 0 ]
