#!/usr/bin/env bash
# End-to-end benchmark: pairs of WireGuard implementations in network namespaces
# joined by a veth pair, iperf3 through real TUN devices.
#
#   bench/e2e.sh [--seconds N] [--rounds N] [--pairs "a:b c:d ..."] [--gro off|on]
#                [--out FILE]
#
# --gro on turns GRO on for both veth ends of every pair (`ethtool -K DEV gro on`;
# a veth has it off by default, phones' Wi-Fi and cellular drivers do GRO). Every
# pair gets the same setting; `make bench` runs the benchmark once per setting.
#
# For every pair (each in its own two namespaces, all set up first): the first
# ping's round trip (it carries the handshake) against a steady ping, then per
# round, alternating between pairs, a single-stream and a 4-stream iperf3 TCP
# run with the CPU time of each tunnel process (Gbit/s per core and CPU-seconds
# per GB are computed from it: on a phone CPU time is battery). After a pair's last round it is
# left idle: the context switches of both tunnel processes, summed over all
# their threads (/proc/PID/task/*/status), are counted over 30 s starting 15 s
# after its traffic stopped, while the next pairs run (no persistent keepalive).
# At the end: each process's peak RSS (VmHWM). Raw rows go to OUT.tsv, the table
# to OUT (markdown). Needs root. Addresses: 198.51.100.0/24 only.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/lib.sh"
. "$ROOT/bench/impls.sh"

SECONDS_PER_RUN=10
ROUNDS=3
IDLE_DELAY=15
IDLE_WINDOW=30
# wggo-android (wireguard-go as the Android app runs it) is the mobile-fair
# baseline; wggo-mod uses Linux TUN offloads that no phone's VpnService fd has.
PAIRS="culvert:culvert culvert:wggo-android wggo-android:wggo-android gotatun:gotatun boringtun:boringtun culvert:wggo-mod wggo-mod:wggo-mod culvert:wggo-deb wggo-deb:wggo-deb"
VETH_GRO=off
OUT="$ROOT/bench/results-e2e.md"
while [ $# -gt 0 ]; do
    case $1 in
        --seconds) SECONDS_PER_RUN=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --pairs) PAIRS=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --gro) VETH_GRO=$2; shift 2 ;;
        --idle-window) IDLE_WINDOW=$2; shift 2 ;;
        --idle-delay) IDLE_DELAY=$2; shift 2 ;;
        *) echo "usage: $0 [--seconds N] [--rounds N] [--pairs 'a:b ...'] [--gro off|on] [--out FILE]" >&2; exit 2 ;;
    esac
done
case $VETH_GRO in on | off) ;; *) echo "--gro takes on or off" >&2; exit 2 ;; esac

WORK=$(mktemp -d /tmp/culvert-bench.XXXXXX)
TSV="$OUT.tsv"
TAG=$(printf '%04x' $(( $$ % 65536 )))
CLK_TCK=$(getconf CLK_TCK)
declare -a IDLE_JOB SKIP

. "$ROOT/bench/pairs.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

# first_data I — first ping (carries the handshake) and the median of 5 later ones, in ms.
first_data() {
    local i=$1 na=${NS_A[$i]} first steady hs
    hs=$(ip netns exec "$na" wg show "${IF_A[$i]}" latest-handshakes 2>/dev/null | awk '{ print $2 }')
    first=$(ip netns exec "$na" ping -n -c 1 -W 5 198.51.100.66 | sed -nE 's/.*time=([0-9.]+) ms.*/\1/p')
    steady=$(ip netns exec "$na" ping -n -c 5 -i 0.2 -W 2 198.51.100.66 | sed -nE 's/.*time=([0-9.]+) ms.*/\1/p' | sort -n | sed -n 3p)
    local note=""
    [ -n "$hs" ] && [ "$hs" != 0 ] && note="handshake-before-ping"
    printf 'latency\t%s\t%s\t%s\t%s\t%s\n' "$i" "${first:-NA}" "${steady:-NA}" "$note" "" >>"$TSV"
    echo "  first ping ${first:-none} ms, steady ${steady:-none} ms ${note}"
}

# run_iperf I ROUND STREAMS — one iperf3 run; appends a row to the TSV.
run_iperf() {
    local i=$1 round=$2 streams=$3 dir=$WORK/pair$i c0 c1 a0 a1 t0 t1 json bps retr cpu cpu_a cpu_b
    json="$dir/iperf-$round-$streams.json"
    a0=$(cpu_ticks "${PID_A[$i]}")
    c0=$(cpu_ticks "${PID_A[$i]}" "${PID_B[$i]}"); t0=$(date +%s%N)
    timeout $((SECONDS_PER_RUN + 20)) ip netns exec "${NS_A[$i]}" iperf3 -c 198.51.100.66 -t "$SECONDS_PER_RUN" -P "$streams" -J >"$json" 2>/dev/null
    t1=$(date +%s%N); c1=$(cpu_ticks "${PID_A[$i]}" "${PID_B[$i]}"); a1=$(cpu_ticks "${PID_A[$i]}")
    bps=$(jq -r '.end.sum_received.bits_per_second // empty' "$json" 2>/dev/null)
    retr=$(jq -r '.end.sum_sent.retransmits // empty' "$json" 2>/dev/null)
    cpu=$(awk -v c=$((c1 - c0)) -v hz="$CLK_TCK" -v ns=$((t1 - t0)) 'BEGIN { printf "%.0f", 100 * c / hz / (ns / 1e9) }')
    cpu_a=$(awk -v c=$((a1 - a0)) -v hz="$CLK_TCK" -v ns=$((t1 - t0)) 'BEGIN { printf "%.0f", 100 * c / hz / (ns / 1e9) }')
    cpu_b=$((cpu - cpu_a))
    # Columns: pair round streams bits/s retransmits CPU%(A+B) CPU%(A) CPU%(B)
    printf 'tcp\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$i" "$round" "$streams" "${bps:-NA}" "${retr:-NA}" "$cpu" "$cpu_a" "$cpu_b" >>"$TSV"
    if [ -n "$bps" ]; then
        echo "  round $round, $streams stream(s): $(awk -v b="$bps" 'BEGIN { printf "%.3f", b / 1e9 }') Gbit/s, $retr retransmits, CPU ${cpu}% of a core (A ${cpu_a}%, B ${cpu_b}%)"
    else
        echo "  round $round, $streams stream(s): FAILED ($(head -c 200 "$json" | tr '\n' ' '))"
    fi
}

# idle_window I — in the background: wait IDLE_DELAY, count switches over IDLE_WINDOW.
idle_window() {
    local i=$1
    (
        sleep "$IDLE_DELAY"
        local s0 s1 a0 a1 dir=$WORK/pair$i
        a0=$(ctx_switches "${PID_A[$i]}"); s0=$(ctx_switches "${PID_B[$i]}")
        thread_switches "${PID_A[$i]}" >"$dir/thr-a0"; thread_switches "${PID_B[$i]}" >"$dir/thr-b0"
        sleep "$IDLE_WINDOW"
        a1=$(ctx_switches "${PID_A[$i]}"); s1=$(ctx_switches "${PID_B[$i]}")
        thread_switches "${PID_A[$i]}" >"$dir/thr-a1"; thread_switches "${PID_B[$i]}" >"$dir/thr-b1"
        printf 'idle\t%s\t%s\t%s\t%s\n' "$i" "$((a1 - a0))" "$((s1 - s0))" "$IDLE_WINDOW" >>"$TSV"
        # Which threads woke: per thread name, summed (threads that came or went count from 0).
        for side in a b; do
            awk -v i="$i" -v side="$side" 'NR == FNR { before[$1] = $3; next }
                { d = $3 - before[$1]; if (d > 0) by[$2] += d }
                END { for (c in by) printf "idlethr\t%s\t%s\t%s\t%d\n", i, toupper(side), c, by[c] }' \
                "$dir/thr-${side}0" "$dir/thr-${side}1" >>"$TSV"
        done
    ) &
    IDLE_JOB[$i]=$!
}

: >"$TSV"
i=0
for pair in $PAIRS; do
    P_A[$i]=${pair%%:*}; P_B[$i]=${pair##*:}
    SKIP[$i]=""
    for impl in "${P_A[$i]}" "${P_B[$i]}"; do
        impl_available "$impl" || SKIP[$i]="$impl not built ($(impl_bin "$impl"))"
    done
    i=$((i + 1))
done
NPAIRS=$i

{
    printf 'meta\tdate\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf 'meta\tmachine\t%s, %s cores, %s GiB, kernel %s\n' "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" "$(nproc)" "$(awk '/MemTotal/ { printf "%d", $2 / 1048576 + 0.5 }' /proc/meminfo)" "$(uname -r)"
    printf 'meta\tload_start\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
    printf 'meta\tsettings\t%s s per iperf3 run, %s rounds, idle window %s s starting %s s after traffic, veth GRO %s\n' "$SECONDS_PER_RUN" "$ROUNDS" "$IDLE_WINDOW" "$IDLE_DELAY" "$VETH_GRO"
    printf 'meta\tgro\t%s\n' "$VETH_GRO"
    for impl in culvert wggo-android wggo-mod wggo-deb boringtun gotatun; do
        impl_available "$impl" && printf 'meta\tversion\t%s\t%s\n' "$impl" "$(impl_version "$impl")"
    done
} >>"$TSV"
for i in $(seq 0 $((NPAIRS - 1))); do
    printf 'pair\t%s\t%s\t%s\t%s\n' "$i" "${P_A[$i]}" "${P_B[$i]}" "${SKIP[$i]}" >>"$TSV"
done

echo "== setting up $NPAIRS pairs"
for i in $(seq 0 $((NPAIRS - 1))); do
    [ -n "${SKIP[$i]}" ] && { echo "pair $i ${P_A[$i]}↔${P_B[$i]}: skipped: ${SKIP[$i]}"; continue; }
    echo "pair $i: $(impl_label "${P_A[$i]}") ↔ $(impl_label "${P_B[$i]}")"
    if ! setup_pair "$i"; then
        SKIP[$i]="setup failed"
        echo "  setup failed; logs:"; tail -n 5 "$WORK/pair$i/"*.log 2>/dev/null
        printf 'pair\t%s\t%s\t%s\t%s\n' "$i" "${P_A[$i]}" "${P_B[$i]}" "setup failed" >>"$TSV"
        continue
    fi
    first_data "$i"
done

for round in $(seq 1 "$ROUNDS"); do
    # Odd rounds go forwards through the pairs, even rounds backwards.
    order=$(seq 0 $((NPAIRS - 1)))
    [ $((round % 2)) -eq 0 ] && order=$(seq $((NPAIRS - 1)) -1 0)
    for i in $order; do
        [ -n "${SKIP[$i]}" ] && continue
        if ! alive "${PID_A[$i]}" || ! alive "${PID_B[$i]}"; then
            echo "pair $i: a tunnel process died"; SKIP[$i]="process died"
            printf 'pair\t%s\t%s\t%s\t%s\n' "$i" "${P_A[$i]}" "${P_B[$i]}" "process died in round $round" >>"$TSV"
            continue
        fi
        echo "== round $round/$ROUNDS: $(impl_label "${P_A[$i]}") ↔ $(impl_label "${P_B[$i]}")"
        if [ $((round % 2)) -eq 1 ]; then
            run_iperf "$i" "$round" 1; run_iperf "$i" "$round" 4
        else
            run_iperf "$i" "$round" 4; run_iperf "$i" "$round" 1
        fi
        [ "$round" -eq "$ROUNDS" ] && idle_window "$i"
    done
done

echo "== waiting for the idle windows"
for i in $(seq 0 $((NPAIRS - 1))); do
    [ -n "${IDLE_JOB[$i]:-}" ] && wait "${IDLE_JOB[$i]}"
done
for i in $(seq 0 $((NPAIRS - 1))); do
    [ -n "${SKIP[$i]}" ] && continue
    printf 'rss\t%s\t%s\t%s\n' "$i" "$(hwm_kb "${PID_A[$i]}")" "$(hwm_kb "${PID_B[$i]}")" >>"$TSV"
done
printf 'meta\tload_end\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$TSV"

python3 "$ROOT/bench/report.py" "$TSV" >"$OUT"
cat "$OUT"
