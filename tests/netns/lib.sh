# Network-namespace harness for Culvert: two namespaces joined by a veth pair,
# a WireGuard peer in each (Culvert's `culvert up` or Debian's wireguard-go),
# condition waits with deadlines and teardown that runs even on failure.
#
# Source it after scripts/lib.sh (for wait_for):
#   . "$ROOT/scripts/lib.sh"; . "$ROOT/tests/netns/lib.sh"
#   nn_init            # unique names, EXIT trap for teardown
#   nn_pair            # namespaces $NS_A / $NS_B, veth, outer addresses
#   nn_keys            # $PRIV_A $PUB_A $PRIV_B $PUB_B
#   nn_culvert A "$IF_A" FILE    /   nn_wggo B "$IF_B" FILE
#
# Addresses (only inside the namespaces created here):
#   outer (underlay) IPv4 198.51.100.0/25  A=.1   B=.2      IPv6 fd00:1::/64  A=::1 B=::2
#   inner (tunnel)   IPv4 198.51.100.128/25 A=.129 B=.130   IPv6 fd00:2::/64  A=::1 B=::2
# Interface names are unique per run: /var/run/wireguard is shared by all namespaces.

OUTER4_A=198.51.100.1
OUTER4_B=198.51.100.2
OUTER6_A=fd00:1::1
OUTER6_B=fd00:1::2
INNER4_A=198.51.100.129
INNER4_B=198.51.100.130
INNER6_A=fd00:2::1
INNER6_B=fd00:2::2
PORT_A=51820
PORT_B=51821

# Every command that could hang runs under `timeout`; this is the default bound.
NN_CMD_TIMEOUT=${NN_CMD_TIMEOUT:-10}
CULVERT_BIN=${CULVERT_BIN:-$ROOT/target/release/culvert}

NN_PIDS=()
NN_NAMESPACES=()
NN_SOCKETS=()

# nn_init [TAG] — picks unique names ($NS_A, $NS_B, $IF_A, $IF_B, $NN_DIR) and installs the teardown trap.
# nn_prepare LABEL NOUN TOOL... — the prologue of every netns runner, with
# SELECTED (the cases to run) already set. Without root, /dev/net/tun, one of the
# TOOLs or network namespaces, reports every selected case as skipped and exits 0;
# then builds culvert (release) unless CULVERT_BIN_PREBUILT is set, and on a
# failed build counts every selected case as failed and exits 1.
nn_prepare() {
    local label=$1 noun=$2 tool reason=""
    shift 2
    if [ "$(id -u)" -ne 0 ]; then reason="not root"
    elif [ ! -c /dev/net/tun ]; then reason="no /dev/net/tun"
    else
        for tool in "$@"; do
            command -v "$tool" >/dev/null 2>&1 || { reason="missing $tool (run scripts/setup.sh)"; break; }
        done
        if [ -z "$reason" ]; then
            if ip netns add "cvprobe-$$" 2>/dev/null; then ip netns del "cvprobe-$$"
            else reason="cannot create network namespaces"; fi
        fi
    fi
    if [ -n "$reason" ]; then
        echo "$label: $reason: skipping ${#SELECTED[@]} $noun" >&2
        summary 0 0 "${#SELECTED[@]}"
        exit 0
    fi
    if [ -z "${CULVERT_BIN_PREBUILT:-}" ]; then
        echo "== building culvert (release)"
        if ! (cd "$ROOT" && cargo build --quiet --release -p culvert-cli); then
            echo "$label: release build failed"
            summary 0 "${#SELECTED[@]}"
            exit 1
        fi
    fi
}

nn_init() {
    local tag=${1:-t}
    NN_ID="${tag}$$"
    NN_SEQ=$(( ${NN_SEQ:-0} + 1 ))
    NS_A="cva-${NN_ID}-${NN_SEQ}"
    NS_B="cvb-${NN_ID}-${NN_SEQ}"
    # Interface names: at most 15 characters.
    IF_A="cva$(( $$ % 100000 ))x${NN_SEQ}"
    IF_B="cvb$(( $$ % 100000 ))x${NN_SEQ}"
    NN_DIR=${NN_DIR:-$(mktemp -d /tmp/culvert-netns.XXXXXX)}
    trap nn_teardown_all EXIT
    trap 'exit 130' INT TERM
}

# nn_ns A|B — the namespace name of side A or B.
nn_ns() { if [ "$1" = A ]; then echo "$NS_A"; else echo "$NS_B"; fi; }

# nn_exec A|B CMD... — runs CMD in side A's or B's namespace, bounded by NN_CMD_TIMEOUT.
nn_exec() {
    local ns; ns=$(nn_ns "$1"); shift
    timeout "$NN_CMD_TIMEOUT" ip netns exec "$ns" "$@"
}

# nn_pair — creates both namespaces, the veth pair and the outer addresses.
nn_pair() {
    ip netns add "$NS_A" || return 1
    NN_NAMESPACES+=("$NS_A")
    ip netns add "$NS_B" || return 1
    NN_NAMESPACES+=("$NS_B")
    ip -n "$NS_A" link set lo up
    ip -n "$NS_B" link set lo up
    ip link add vth0 netns "$NS_A" type veth peer name vth1 netns "$NS_B" || return 1
    ip -n "$NS_A" address add "$OUTER4_A/25" dev vth0
    ip -n "$NS_B" address add "$OUTER4_B/25" dev vth1
    ip -n "$NS_A" address add "$OUTER6_A/64" dev vth0 nodad
    ip -n "$NS_B" address add "$OUTER6_B/64" dev vth1 nodad
    ip -n "$NS_A" link set vth0 up
    ip -n "$NS_B" link set vth1 up
    wait_for 5 nn_exec A ping -c1 -W1 "$OUTER4_B" || return 1
    wait_for 5 nn_exec A ping -c1 -W1 "$OUTER6_B" || return 1
}

# nn_keys — generates $PRIV_A $PUB_A $PRIV_B $PUB_B with wg.
nn_keys() {
    PRIV_A=$(wg genkey); PUB_A=$(printf '%s' "$PRIV_A" | wg pubkey)
    PRIV_B=$(wg genkey); PUB_B=$(printf '%s' "$PRIV_B" | wg pubkey)
}

# nn_write_conf FILE PRIV PORT ADDRS PEER_PUB PEER_ENDPOINT PEER_ALLOWED [EXTRA_INTERFACE_LINES] —
# writes a wg-quick file (Address included; wireguard-go's side strips it, see nn_wggo).
# PEER_ENDPOINT may be empty (the peer must initiate).
nn_write_conf() {
    local file=$1 priv=$2 port=$3 addrs=$4 peer=$5 endpoint=$6 allowed=$7 extra=${8:-}
    {
        echo "[Interface]"
        echo "PrivateKey = $priv"
        echo "ListenPort = $port"
        echo "Address = $addrs"
        [ -n "$extra" ] && printf '%b\n' "$extra"
        echo
        echo "[Peer]"
        echo "PublicKey = $peer"
        [ -n "$endpoint" ] && echo "Endpoint = $endpoint"
        echo "AllowedIPs = $allowed"
    } >"$file"
}

# nn_culvert A|B IFNAME FILE — starts `culvert up FILE --name IFNAME` in the side's
# namespace (log: $NN_DIR/IFNAME.log) and waits for its UAPI socket and interface.
# Sets CULVERT_PID_A or CULVERT_PID_B.
nn_culvert() {
    local side=$1 ifname=$2 file=$3 ns
    ns=$(nn_ns "$side")
    RUST_LOG=${RUST_LOG:-info} ip netns exec "$ns" "$CULVERT_BIN" up "$file" --name "$ifname" \
        >"$NN_DIR/$ifname.log" 2>&1 &
    local pid=$!
    NN_PIDS+=("$pid")
    NN_SOCKETS+=("/var/run/wireguard/$ifname.sock")
    eval "CULVERT_PID_$side=$pid"
    if ! wait_for 10 test -S "/var/run/wireguard/$ifname.sock"; then
        echo "culvert up did not serve its UAPI socket within 10 s; log:" >&2
        sed 's/^/    /' "$NN_DIR/$ifname.log" >&2
        return 1
    fi
    wait_for 5 ip -n "$ns" link show "$ifname"
}

# nn_wggo A|B IFNAME FILE — starts Debian's wireguard-go as IFNAME in the side's
# namespace, applies FILE's WireGuard keys with `wg setconf` and its Address,
# the MTU (1420) and a route per AllowedIPs with `ip`. Sets WGGO_PID_A / WGGO_PID_B.
nn_wggo() {
    local side=$1 ifname=$2 file=$3 ns
    ns=$(nn_ns "$side")
    WG_PROCESS_FOREGROUND=1 LOG_LEVEL=${WGGO_LOG_LEVEL:-error} \
        ip netns exec "$ns" wireguard-go -f "$ifname" >"$NN_DIR/$ifname.log" 2>&1 &
    local pid=$!
    NN_PIDS+=("$pid")
    NN_SOCKETS+=("/var/run/wireguard/$ifname.sock")
    eval "WGGO_PID_$side=$pid"
    wait_for 10 test -S "/var/run/wireguard/$ifname.sock" || return 1
    # wg setconf takes the WireGuard keys only.
    grep -viE '^[[:space:]]*(Address|DNS|MTU|Table|PreUp|PostUp|PreDown|PostDown|SaveConfig)[[:space:]]*=' \
        "$file" >"$file.wg"
    nn_exec "$side" wg setconf "$ifname" "$file.wg" || return 1
    local addr
    for addr in $(sed -n 's/^[[:space:]]*Address[[:space:]]*=//p' "$file" | tr ',' ' '); do
        ip -n "$ns" address add "$addr" dev "$ifname" nodad 2>/dev/null ||
            ip -n "$ns" address add "$addr" dev "$ifname" || return 1
    done
    ip -n "$ns" link set mtu 1420 up dev "$ifname" || return 1
    local net
    for net in $(sed -n 's/^[[:space:]]*AllowedIPs[[:space:]]*=//p' "$file" | tr ',' ' '); do
        ip -n "$ns" route replace "$net" dev "$ifname" || return 1
    done
}

# nn_handshake_done A|B IFNAME — true once `wg show IFNAME latest-handshakes` shows a non-zero time.
nn_handshake_done() {
    nn_exec "$1" wg show "$2" latest-handshakes 2>/dev/null | awk '$2 > 0 { ok = 1 } END { exit !ok }'
}

# nn_ping A|B ADDR — one ping with a 1 s deadline.
nn_ping() { nn_exec "$1" ping -c1 -W1 "$2" >/dev/null 2>&1; }

# nn_iperf FROM TO TO_ADDR SECONDS [EXTRA...] — TCP iperf3 from side FROM to a server on
# side TO at TO_ADDR; prints the receiver's throughput in Mbit/s; fails on error.
nn_iperf() {
    local from=$1 to=$2 addr=$3 secs=$4; shift 4
    local port=$(( 5201 + (NN_SEQ % 100) ))
    nn_exec "$to" iperf3 -s -1 -p "$port" >/dev/null 2>&1 &
    local spid=$!
    NN_PIDS+=("$spid")
    wait_for 5 nn_exec "$to" sh -c "ss -ltn | grep -q ':$port '" || return 1
    local out
    out=$(NN_CMD_TIMEOUT=$(( secs + 15 )) nn_exec "$from" iperf3 -c "$addr" -p "$port" -t "$secs" -J "$@") || {
        echo "$out" | tail -n 5 >&2
        return 1
    }
    wait "$spid" 2>/dev/null
    echo "$out" | awk -F'[:,]' '/"sum_received"/ { r = 1 } r && /"bits_per_second"/ { printf "%.0f\n", $2 / 1e6; exit }'
}

# nn_stop_pid PID [SECONDS] — SIGTERM, wait up to SECONDS (default 2) for it to exit, then SIGKILL.
# Returns 0 if it exited on SIGTERM in time.
nn_stop_pid() {
    local pid=$1 secs=${2:-2}
    kill -TERM "$pid" 2>/dev/null || return 0
    if wait_for "$secs" sh -c "! kill -0 $pid"; then
        wait "$pid" 2>/dev/null
        return 0
    fi
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 1
}

# nn_teardown — stops every process started here and deletes the namespaces (for one case).
nn_teardown() {
    local pid ns sock
    for pid in "${NN_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${NN_PIDS[@]}"; do
        wait_for 2 sh -c "! kill -0 $pid" || kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    NN_PIDS=()
    # Anything still running in our namespaces was started by this harness.
    for ns in "${NN_NAMESPACES[@]}"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null; done
    done
    for ns in "${NN_NAMESPACES[@]}"; do
        wait_for 2 sh -c "[ -z \"\$(ip netns pids $ns 2>/dev/null)\" ]" ||
            for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
        ip netns del "$ns" 2>/dev/null
    done
    NN_NAMESPACES=()
    for sock in "${NN_SOCKETS[@]}"; do
        rm -f "$sock"
    done
    NN_SOCKETS=()
}

# nn_teardown_all — nn_teardown plus the scratch directory (the EXIT trap).
nn_teardown_all() {
    nn_teardown
    if [ -n "${NN_DIR:-}" ] && [ -z "${NN_KEEP_DIR:-}" ]; then rm -rf "$NN_DIR"; fi
}

# --- Pieces for fault drills and benchmarks -------------------------------------

# nn_loss A|B PERCENT — drops PERCENT % of the side's incoming underlay UDP at random
# (nftables numgen; `tc netem` is not available on every kernel). PERCENT=0 removes it.
nn_loss() {
    local side=$1 pct=$2
    nn_exec "$side" nft delete table inet culvert_loss 2>/dev/null
    [ "$pct" -gt 0 ] || return 0
    nn_exec "$side" nft -f - <<NFT
table inet culvert_loss {
    chain input {
        type filter hook input priority -10; policy accept;
        meta l4proto udp numgen random mod 100 < $pct counter drop
    }
}
NFT
}

# nn_loss_dropped A|B — how many packets nn_loss dropped so far.
nn_loss_dropped() {
    nn_exec "$1" nft list table inet culvert_loss 2>/dev/null |
        awk '/counter packets/ { for (i = 1; i <= NF; i++) if ($i == "packets") print $(i+1) }'
}

# nn_readdress A|B OLD_CIDR NEW_CIDR — moves the side's underlay address (roaming).
nn_readdress() {
    local side=$1 old=$2 new=$3 dev=vth0 ns
    [ "$side" = B ] && dev=vth1
    ns=$(nn_ns "$side")
    ip -n "$ns" address del "$old" dev "$dev" || return 1
    case $new in
        *:*) ip -n "$ns" address add "$new" dev "$dev" nodad ;;
        *) ip -n "$ns" address add "$new" dev "$dev" ;;
    esac
}

# nn_peak_rss_kib PID — the process's peak resident set (VmHWM) in KiB.
nn_peak_rss_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

# nn_ctx_switches PID — voluntary + involuntary context switches summed over all threads.
nn_ctx_switches() {
    cat /proc/"$1"/task/*/status 2>/dev/null |
        awk '/^(voluntary|nonvoluntary)_ctxt_switches:/ { n += $2 } END { print n + 0 }'
}
