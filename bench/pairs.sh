# Pairs of WireGuard implementations in network namespaces, for bench/e2e.sh and
# bench/profile.sh. Source after scripts/lib.sh and bench/impls.sh; needs WORK (a
# scratch directory) and TAG (a short unique hex string). Pair I lives in namespaces
# cvb$TAG-I-a / -b joined by a veth (198.51.100.1 ↔ .2), tunnel addresses
# 198.51.100.65 ↔ .66, an iperf3 server on B. State: P_A/P_B (implementations),
# NS_A/NS_B, IF_A/IF_B, PID_A/PID_B, IPERF_PID, PIDS (everything started).

declare -a P_A P_B NS_A NS_B IF_A IF_B PID_A PID_B IPERF_PID
PIDS=()

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    sleep 0.3
    for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null; done
    for ns in "${NS_A[@]}" "${NS_B[@]}"; do ip netns del "$ns" 2>/dev/null; done
    for i in "${!IF_A[@]}"; do rm -f "/var/run/wireguard/${IF_A[$i]}.sock" "/var/run/wireguard/${IF_B[$i]}.sock"; done
    rm -rf "$WORK"
}

# cpu_ticks PID... — utime+stime of the processes, in clock ticks.
cpu_ticks() {
    local t=0 pid
    for pid in "$@"; do
        t=$((t + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo "$t"
}

# ctx_switches PID... — voluntary + involuntary context switches over all threads.
ctx_switches() {
    local pid
    for pid in "$@"; do cat /proc/"$pid"/task/*/status 2>/dev/null; done |
        awk '/^(voluntary|nonvoluntary)_ctxt_switches:/ { s += $2 } END { print s + 0 }'
}

# thread_switches PID — "TID COMM SWITCHES" per thread (COMM without spaces).
thread_switches() {
    local t
    for t in /proc/"$1"/task/*; do
        [ -r "$t/status" ] || continue
        awk -v tid="${t##*/}" -v comm="$(tr ' ' '_' <"$t/comm" 2>/dev/null)" \
            '/^(voluntary|nonvoluntary)_ctxt_switches:/ { s += $2 } END { print tid, comm, s + 0 }' "$t/status"
    done
}

# hwm_kb PID — peak RSS (VmHWM) in kB.
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

alive() { kill -0 "$1" 2>/dev/null; }

# setup_pair I — namespaces, veth, keys, both tunnel processes and an iperf3 server.
setup_pair() {
    local i=$1
    local a=${P_A[$i]} b=${P_B[$i]} dir=$WORK/pair$i
    NS_A[$i]="cvb$TAG-$i-a"; NS_B[$i]="cvb$TAG-$i-b"
    IF_A[$i]="cvb${TAG}${i}a"; IF_B[$i]="cvb${TAG}${i}b"
    local na=${NS_A[$i]} nb=${NS_B[$i]}
    ip netns add "$na" && ip netns add "$nb" || return 1
    for ns in "$na" "$nb"; do
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
        ip -n "$ns" link set lo up
    done
    ip link add "vb${TAG}${i}a" netns "$na" type veth peer name "vb${TAG}${i}b" netns "$nb" || return 1
    ip -n "$na" address add 198.51.100.1/30 dev "vb${TAG}${i}a"
    ip -n "$nb" address add 198.51.100.2/30 dev "vb${TAG}${i}b"
    ip -n "$na" link set "vb${TAG}${i}a" up
    ip -n "$nb" link set "vb${TAG}${i}b" up
    if [ "${VETH_GRO:-off}" = on ]; then
        ip netns exec "$na" ethtool -K "vb${TAG}${i}a" gro on >/dev/null || return 1
        ip netns exec "$nb" ethtool -K "vb${TAG}${i}b" gro on >/dev/null || return 1
    fi
    local ka kb
    ka=$(wg genkey); kb=$(wg genkey)
    write_peer_conf "$dir/a" "$ka" 51820 "$(echo "$kb" | wg pubkey)" 198.51.100.2:51820 198.51.100.65/32 198.51.100.66/32 1420
    write_peer_conf "$dir/b" "$kb" 51820 "$(echo "$ka" | wg pubkey)" 198.51.100.1:51820 198.51.100.66/32 198.51.100.65/32 1420
    PID_A[$i]=$(impl_start "$a" "$na" "${IF_A[$i]}" "$dir/a" "$dir/a.log") || return 1
    PIDS+=("${PID_A[$i]}")
    PID_B[$i]=$(impl_start "$b" "$nb" "${IF_B[$i]}" "$dir/b" "$dir/b.log") || return 1
    PIDS+=("${PID_B[$i]}")
    impl_configure "$a" "$na" "${IF_A[$i]}" "$dir/a" || return 1
    impl_configure "$b" "$nb" "${IF_B[$i]}" "$dir/b" || return 1
    ip netns exec "$nb" iperf3 -s -B 198.51.100.66 >"$dir/iperf3-server.log" 2>&1 &
    IPERF_PID[$i]=$!
    PIDS+=("${IPERF_PID[$i]}")
    wait_for 5 ip netns exec "$nb" bash -c 'exec 3<>/dev/tcp/198.51.100.66/5201' || return 1
}
