#!/usr/bin/env bash
# Where a tunnel implementation spends its CPU under load: one pair in network
# namespaces (as bench/e2e.sh), a single-stream iperf3 run, and `perf record`
# (software cpu-clock sampling: no hardware counters in VMs) on the sending and the
# receiving tunnel process. Prints the top symbols of each side.
#   bench/profile.sh [IMPL] [SECONDS]      (default: culvert, 8)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/lib.sh"
. "$ROOT/bench/impls.sh"
IMPL=${1:-culvert}
SECS=${2:-8}
command -v perf >/dev/null || { echo "perf not installed (apt-get install linux-perf)"; exit 1; }
impl_available "$IMPL" || { echo "$IMPL not built"; exit 1; }
WORK=$(mktemp -d /tmp/culvert-profile.XXXXXX)
TAG=$(printf '%04x' $(( $$ % 65536 )))
. "$ROOT/bench/pairs.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

P_A[0]=$IMPL; P_B[0]=$IMPL
setup_pair 0 || { echo "setup failed"; tail -n 5 "$WORK"/pair0/*.log; exit 1; }
wait_for 10 ip netns exec "${NS_A[0]}" ping -c1 -W1 198.51.100.66 || { echo "no tunnel"; exit 1; }
ip netns exec "${NS_A[0]}" iperf3 -c 198.51.100.66 -t $((SECS + 2)) -J >"$WORK/iperf.json" 2>&1 &
iperf=$!
sleep 1
# First half: system calls and context switches per packet; second half: samples.
half=$(( SECS / 2 ))
stats=()
for side in a b; do
    pid=${PID_A[0]}; [ "$side" = b ] && pid=${PID_B[0]}
    perf stat -x, -e raw_syscalls:sys_enter,context-switches -p "$pid" -o "$WORK/$side.stat" -- sleep "$half" >/dev/null 2>&1 &
    stats+=($!)
done
tx0=$(ip netns exec "${NS_A[0]}" cat /sys/class/net/vb${TAG}0a/statistics/tx_packets)
wait "${stats[@]}"
tx1=$(ip netns exec "${NS_A[0]}" cat /sys/class/net/vb${TAG}0a/statistics/tx_packets)
perf record -e cpu-clock -F 999 -g -p "${PID_A[0]}" -o "$WORK/a.data" -- sleep "$half" >"$WORK/a.rec" 2>&1 &
pa=$!
perf record -e cpu-clock -F 999 -g -p "${PID_B[0]}" -o "$WORK/b.data" -- sleep "$half" >"$WORK/b.rec" 2>&1 &
pb=$!
wait "$pa" "$pb"
wait "$iperf"
pkts=$((tx1 - tx0))
[ -s "$WORK/a.data" ] || { echo "perf record failed:"; cat "$WORK/a.rec"; }
echo "== $IMPL, single-stream TCP: $(jq -r '.end.sum_received.bits_per_second / 1e9 * 1000 | floor / 1000' "$WORK/iperf.json") Gbit/s while profiling (perf overhead included)"
for side in a b; do
    sc=$(awk -F, '/raw_syscalls:sys_enter/ { print $1 }' "$WORK/$side.stat")
    cs=$(awk -F, '/context-switches/ { print $1 }' "$WORK/$side.stat")
    echo "== side $side: $(awk -v s="$sc" -v c="$cs" -v p="$pkts" 'BEGIN { if (p > 0) printf "%.2f system calls and %.3f context switches per underlay datagram sent by A (%d datagrams in the window)", s / p, c / p, p }')"
    echo "   time by object: $(perf report -i "$WORK/$side.data" --stdio --no-children --sort dso -g none 2>/dev/null | grep -E '^ +[0-9]' | awk '{ printf "%s %s, ", $2, $1 }' | head -c 300)"
done
for side in a b; do
    [ "$side" = a ] && echo "== sender side (TUN read → encrypt → UDP send), self time" || echo "== receiver side (UDP receive → decrypt → TUN write), self time"
    perf report -i "$WORK/$side.data" --stdio --no-children --sort symbol --percent-limit 1.5 -g none 2>/dev/null |
        grep -E '^ +[0-9]' | head -n 25
done
