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

skip_all() {
    echo "test-netns: $1: skipping ${#SELECTED[@]} cases" >&2
    summary 0 0 "${#SELECTED[@]}"
    exit 0
}

[ "$(id -u)" -eq 0 ] || skip_all "not root"
[ -c /dev/net/tun ] || skip_all "no /dev/net/tun"
for tool in ip wg wireguard-go iperf3 ping timeout ss; do
    command -v "$tool" >/dev/null 2>&1 || skip_all "missing $tool (run scripts/setup.d/10-netns.sh)"
done
ip netns add "cvprobe-$$" 2>/dev/null || skip_all "cannot create network namespaces"
ip netns del "cvprobe-$$"

if [ -z "${CULVERT_BIN_PREBUILT:-}" ]; then
    echo "== building culvert (release)"
    if ! (cd "$ROOT" && cargo build --quiet --release -p culvert-cli); then
        echo "test-netns: release build failed"
        summary 0 "${#SELECTED[@]}"
        exit 1
    fi
fi

BASE_DIR=$(mktemp -d /tmp/culvert-netns.XXXXXX)
for c in "${SELECTED[@]}"; do
    name=${c#case_}
    NN_DIR="$BASE_DIR/$name"
    mkdir -p "$NN_DIR"
    nn_init n
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
