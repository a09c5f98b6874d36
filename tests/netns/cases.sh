# The interop cases of scripts/test-netns.sh. Each case_* function runs in its own
# subshell after nn_init (fresh names); it fails by `fail MSG` (exit 1), skips by
# `skip MSG` (exit 77), and may print `RESULT ...` lines for the summary.

fail() {
    echo "FAIL: $*"
    local f
    for f in "$NN_DIR"/*.log; do
        [ -f "$f" ] && [ "$(basename "$f")" != case.log ] || continue
        echo "--- $(basename "$f") (last 15 lines)"
        tail -n 15 "$f"
    done
    exit 1
}
skip() { echo "$*"; exit 77; }
step() { echo "-- $*"; }

NETNS_CASES=(
    case_harness_wireguard_go_pair
    case_bad_input_errors
    case_culvert_initiates_ipv4_underlay
    case_wireguard_go_initiates_ipv6_underlay
    case_culvert_initiates_ipv6_underlay
    case_preshared_key_both_directions
    case_culvert_to_culvert
    case_wg_show_lists_peer_with_handshake
    case_wg_set_changes_the_running_tunnel
    case_uapi_hardening
    case_iperf3_tcp_both_ways
    case_signals_usr1_usr2_keep_traffic
    case_idle_host_threads_sleep
    case_sigterm_clean_shutdown
    case_default_route_fwmark_policy_routing
)

# pair_up IMPL_A IMPL_B UNDERLAY INITIATOR [EXTRA_A] — namespaces, keys, configs and
# both peers (IMPL: culvert | wggo; UNDERLAY: 4 | 6; INITIATOR: A | B, the side that
# has the other's Endpoint). Tunnel addresses: IPv4 and IPv6 on both sides.
# EXTRA_A: extra [Interface] lines for side A (printf %b escapes).
pair_up() {
    local impl_a=$1 impl_b=$2 fam=$3 init=$4 extra_a=${5:-}
    local ep_a="" ep_b=""
    nn_pair || fail "namespaces/veth"
    nn_keys
    if [ "$fam" = 4 ]; then
        [ "$init" = A ] && ep_b="$OUTER4_B:$PORT_B"
        [ "$init" = B ] && ep_a="$OUTER4_A:$PORT_A"
    else
        [ "$init" = A ] && ep_b="[$OUTER6_B]:$PORT_B"
        [ "$init" = B ] && ep_a="[$OUTER6_A]:$PORT_A"
    fi
    nn_write_conf "$NN_DIR/a.conf" "$PRIV_A" $PORT_A "$INNER4_A/32, $INNER6_A/128" \
        "$PUB_B" "$ep_b" "$INNER4_B/32, $INNER6_B/128" "$extra_a"
    nn_write_conf "$NN_DIR/b.conf" "$PRIV_B" $PORT_B "$INNER4_B/32, $INNER6_B/128" \
        "$PUB_A" "$ep_a" "$INNER4_A/32, $INNER6_A/128"
    # The responder first, so the initiator's first handshake finds it listening.
    local order=(B A)
    [ "$init" = B ] && order=(A B)
    local side impl ifname
    for side in "${order[@]}"; do
        if [ "$side" = A ]; then impl=$impl_a; ifname=$IF_A; else impl=$impl_b; ifname=$IF_B; fi
        if [ "$impl" = culvert ]; then
            nn_culvert "$side" "$ifname" "$NN_DIR/$(echo "$side" | tr AB ab).conf" || fail "culvert up on side $side"
        else
            nn_wggo "$side" "$ifname" "$NN_DIR/$(echo "$side" | tr AB ab).conf" || fail "wireguard-go on side $side"
        fi
    done
}

# pings_both_families FROM TO — the first ping (handshake) with a 10 s deadline, then the rest.
pings_both_families() {
    local from=$1 to=$2 from4 from6 to4 to6
    if [ "$to" = B ]; then to4=$INNER4_B; to6=$INNER6_B; from4=$INNER4_A; from6=$INNER6_A;
    else to4=$INNER4_A; to6=$INNER6_A; from4=$INNER4_B; from6=$INNER6_B; fi
    wait_for 10 nn_ping "$from" "$to4" || fail "no IPv4 ping $from → $to through the tunnel within 10 s"
    wait_for 5 nn_ping "$from" "$to6" || fail "no IPv6 ping $from → $to within 5 s"
    wait_for 5 nn_ping "$to" "$from4" || fail "no IPv4 ping $to → $from within 5 s"
    wait_for 5 nn_ping "$to" "$from6" || fail "no IPv6 ping $to → $from within 5 s"
}

# Sanity of the harness itself: wireguard-go on both sides, pings both families.
case_harness_wireguard_go_pair() {
    pair_up wggo wggo 4 A
    pings_both_families A B
    nn_handshake_done A "$IF_A" || fail "wg show reports no handshake"
}

# Errors a user meets first: bad config (with its line), missing file, not root.
case_bad_input_errors() {
    local out rc
    printf '[Interface]\nPrivateKey = %s\nMTU = big\n' "$(wg genkey)" >"$NN_DIR/bad.conf"
    out=$(timeout 5 "$CULVERT_BIN" up "$NN_DIR/bad.conf" --name "$IF_A" 2>&1); rc=$?
    [ "$rc" -eq 1 ] || fail "bad config: exit $rc, expected 1"
    echo "$out" | grep -q "line 3" || fail "bad config: no line number in: $out"
    echo "$out" | grep -q "INVALID_NUMBER" || fail "bad config: no error kind in: $out"
    out=$(timeout 5 "$CULVERT_BIN" up "$NN_DIR/missing.conf" 2>&1); rc=$?
    [ "$rc" -eq 2 ] || fail "missing file: exit $rc, expected 2"
    nn_keys
    # A file (and directory) the unprivileged user can read.
    local ok; ok=$(mktemp /tmp/culvert-nonroot.XXXXXX)
    nn_write_conf "$ok" "$PRIV_A" $PORT_A "$INNER4_A/32" "$PUB_B" "" "$INNER4_B/32"
    chmod 0644 "$ok"
    if command -v setpriv >/dev/null; then
        out=$(timeout 5 setpriv --reuid=65534 --regid=65534 --clear-groups "$CULVERT_BIN" up "$ok" --name "$IF_A" 2>&1); rc=$?
        [ "$rc" -eq 1 ] || fail "not root: exit $rc, expected 1"
        echo "$out" | grep -q "must run as root" || fail "not root: unclear message: $out"
    fi
    rm -f "$ok"
    [ ! -e "/var/run/wireguard/$IF_A.sock" ] || fail "a failed start left a UAPI socket"
}

case_culvert_initiates_ipv4_underlay() {
    pair_up culvert wggo 4 A "MTU = 1380"
    ip -n "$NS_A" link show "$IF_A" | grep -q "mtu 1380" || fail "the config's MTU was not applied"
    pings_both_families A B
    nn_exec A ping -c1 -W2 -M do -s $(( 1380 - 28 )) "$INNER4_B" >/dev/null || fail "a full-MTU packet did not pass"
    nn_handshake_done A "$IF_A" || fail "wg show $IF_A: no handshake"
    nn_handshake_done B "$IF_B" || fail "wireguard-go saw no handshake"
}

case_wireguard_go_initiates_ipv6_underlay() {
    pair_up culvert wggo 6 B
    pings_both_families B A
    nn_handshake_done A "$IF_A" || fail "wg show $IF_A: no handshake"
    local ep
    ep=$(nn_exec A wg show "$IF_A" endpoints | awk '{print $2}')
    [ "$ep" = "[$OUTER6_B]:$PORT_B" ] || fail "Culvert did not learn wireguard-go's IPv6 endpoint (got '$ep')"
}

case_culvert_initiates_ipv6_underlay() {
    pair_up culvert wggo 6 A
    ip -n "$NS_A" link show "$IF_A" | grep -q "mtu 1420" || fail "default MTU is not 1420"
    pings_both_families A B
    nn_handshake_done A "$IF_A" || fail "wg show $IF_A: no handshake"
}

# PresharedKey on both sides (it enters the handshake): either side initiating.
case_preshared_key_both_directions() {
    nn_pair || fail "namespaces/veth"
    nn_keys
    local psk; psk=$(wg genpsk)
    nn_write_conf "$NN_DIR/a.conf" "$PRIV_A" $PORT_A "$INNER4_A/32, $INNER6_A/128" \
        "$PUB_B" "$OUTER4_B:$PORT_B" "$INNER4_B/32, $INNER6_B/128"
    nn_write_conf "$NN_DIR/b.conf" "$PRIV_B" $PORT_B "$INNER4_B/32, $INNER6_B/128" \
        "$PUB_A" "$OUTER4_A:$PORT_A" "$INNER4_A/32, $INNER6_A/128"
    sed -i "/^PublicKey/a PresharedKey = $psk" "$NN_DIR/a.conf" "$NN_DIR/b.conf"
    nn_wggo B "$IF_B" "$NN_DIR/b.conf" || fail "wireguard-go B"
    nn_culvert A "$IF_A" "$NN_DIR/a.conf" || fail "culvert up A"
    pings_both_families A B
    [ "$(nn_exec A wg show "$IF_A" preshared-keys | awk '{print $2}')" = "$psk" ] ||
        fail "wg show preshared-keys does not show the configured key"
    step "wireguard-go initiates a fresh session (restarted with the same keys)"
    kill -TERM "$WGGO_PID_B"; wait_for 3 sh -c "! kill -0 $WGGO_PID_B" || fail "wireguard-go did not stop"
    nn_wggo B "$IF_B" "$NN_DIR/b.conf" || fail "wireguard-go B restart"
    wait_for 10 nn_ping B "$INNER4_A" || fail "no ping wireguard-go → Culvert with PSK after restart"
    wait_for 5 nn_ping B "$INNER6_A" || fail "no IPv6 ping after restart"
    step "a wrong PSK on one side gets no session"
    nn_exec B wg set "$IF_B" peer "$PUB_A" preshared-key <(wg genpsk) || fail "wg set psk on wireguard-go"
    nn_exec A wg set "$IF_A" peer "$PUB_B" remove || fail "remove"
    nn_exec A wg set "$IF_A" peer "$PUB_B" allowed-ips "$INNER4_B/32" endpoint "$OUTER4_B:$PORT_B" \
        preshared-key <(printf '%s\n' "$psk") || fail "re-add peer"
    ! wait_for 3 nn_ping A "$INNER4_B" || fail "a session came up with mismatched preshared keys"
    true
}

# Culvert on both sides, IPv6 underlay, B initiating; a short iperf3 run.
case_culvert_to_culvert() {
    pair_up culvert culvert 6 B
    pings_both_families B A
    local rate
    rate=$(nn_iperf A B "$INNER4_B" 3) || fail "iperf3 Culvert → Culvert failed"
    [ "${rate:-0}" -gt 0 ] || fail "no throughput"
    echo "RESULT iperf3 TCP Culvert → Culvert ${rate} Mbit/s (3 s)"
}

case_wg_show_lists_peer_with_handshake() {
    pair_up culvert wggo 4 A
    pings_both_families A B
    local dump
    dump=$(nn_exec A wg show "$IF_A" dump) || fail "wg show dump failed"
    echo "$dump"
    # Interface line: private key, public key, listen port, fwmark.
    echo "$dump" | head -n1 | awk -v pub="$PUB_A" -v port="$PORT_A" \
        '$2 == pub && $3 == port && $4 == "off" { ok = 1 } END { exit !ok }' ||
        fail "wg show dump: interface line wrong"
    # Peer line: key, psk, endpoint, allowed ips, handshake, rx, tx, keepalive.
    echo "$dump" | sed -n 2p | awk -v pub="$PUB_B" -v ep="$OUTER4_B:$PORT_B" \
        '$1 == pub && $2 == "(none)" && $3 == ep && $5 > 0 && $6 > 0 && $7 > 0 && $8 == "off" { ok = 1 } END { exit !ok }' ||
        fail "wg show dump: peer line wrong (handshake, rx, tx must be > 0)"
    echo "$dump" | sed -n 2p | grep -q "$INNER4_B/32,$INNER6_B/128\|$INNER6_B/128,$INNER4_B/32" ||
        fail "wg show dump: allowed ips missing"
    local now hs
    now=$(date +%s); hs=$(echo "$dump" | sed -n 2p | awk '{print $5}')
    [ $(( now - hs )) -lt 30 ] || fail "latest handshake $hs is not recent (now $now)"
    # The human format too.
    nn_exec A wg show "$IF_A" | grep -q "latest handshake" || fail "wg show: no 'latest handshake'"
    [ "$(nn_exec A wg show interfaces | tr ' ' '\n' | grep -cx "$IF_A")" = 1 ] || fail "wg show interfaces does not list $IF_A"
}

case_wg_set_changes_the_running_tunnel() {
    pair_up culvert wggo 4 A
    pings_both_families A B
    step "persistent keepalive"
    nn_exec A wg set "$IF_A" peer "$PUB_B" persistent-keepalive 7 || fail "wg set persistent-keepalive"
    [ "$(nn_exec A wg show "$IF_A" persistent-keepalive | awk '{print $2}')" = 7 ] ||
        fail "keepalive not 7 after wg set"
    step "add a peer, then remove it"
    local extra_priv extra_pub
    extra_priv=$(wg genkey); extra_pub=$(printf '%s' "$extra_priv" | wg pubkey)
    nn_exec A wg set "$IF_A" peer "$extra_pub" allowed-ips fd00:3::/64 endpoint "$OUTER4_B:9" || fail "wg set new peer"
    nn_exec A wg show "$IF_A" peers | grep -qx "$extra_pub" || fail "new peer not listed"
    [ "$(nn_exec A wg show "$IF_A" peers | wc -l)" = 2 ] || fail "expected 2 peers"
    wait_for 5 nn_ping A "$INNER4_B" || fail "traffic to the old peer broke after adding a peer"
    nn_exec A wg set "$IF_A" peer "$extra_pub" remove || fail "wg set remove"
    [ "$(nn_exec A wg show "$IF_A" peers | wc -l)" = 1 ] || fail "peer not removed"
    step "replace allowed-ips of the real peer, then restore"
    nn_exec A wg set "$IF_A" peer "$PUB_B" allowed-ips "$INNER6_B/128" || fail "wg set allowed-ips"
    nn_exec A wg show "$IF_A" allowed-ips | grep -q "$INNER4_B" && fail "old allowed ip still listed"
    ! nn_ping A "$INNER4_B" || fail "IPv4 still routed to the peer after removing it from allowed-ips"
    wait_for 5 nn_ping A "$INNER6_B" || fail "IPv6 broke after changing allowed-ips"
    nn_exec A wg set "$IF_A" peer "$PUB_B" allowed-ips "$INNER4_B/32,$INNER6_B/128" || fail "wg set restore"
    wait_for 5 nn_ping A "$INNER4_B" || fail "IPv4 did not come back"
    step "listen port: rebinds, and wireguard-go follows the new source port"
    nn_exec A wg set "$IF_A" listen-port 51999 || fail "wg set listen-port"
    [ "$(nn_exec A wg show "$IF_A" listen-port)" = 51999 ] || fail "listen port not 51999"
    wait_for 5 nn_ping A "$INNER4_B" || fail "no traffic within 5 s after changing the listen port"
    nn_exec B wg show "$IF_B" endpoints | grep -q ":51999" || fail "wireguard-go did not see the new port"
    step "fwmark change is refused (the mark is fixed at start)"
    nn_exec A wg set "$IF_A" fwmark 1234 2>/dev/null && fail "fwmark change accepted"
    [ "$(nn_exec A wg show "$IF_A" fwmark)" = off ] || fail "fwmark changed anyway"
    nn_exec A wg showconf "$IF_A" >/dev/null || fail "wg showconf"
    true
}

# uapi_client SOCKET MODE — talks to a UAPI socket from Python (no wg(8) involved):
#   secret HEX   sends `private_key=HEX` as the first line (not a request)
#   longline     sends a 5000-byte line; prints the answer
#   drip SECS    trickles one byte a second for SECS seconds
uapi_client() {
    python3 - "$@" <<'PY'
import socket, sys, time
path, mode = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(15)
s.connect(path)
if mode == "secret":
    s.sendall(("private_key=%s\n\n" % sys.argv[3]).encode())
    print(s.recv(4096).decode().strip())
elif mode == "longline":
    s.sendall(b"set=1\nlisten_port=" + b"1" * 5000 + b"\n\n")
    print(s.recv(4096).decode().strip())
elif mode == "drip":
    end = time.time() + float(sys.argv[3])
    try:
        while time.time() < end:
            s.sendall(b"s")
            time.sleep(1)
    except OSError:
        pass
PY
}

# Issue 12, item 16, through the real socket and wg(8): owner-only socket, no
# input line in the log, line cap, a trickling client does not hold the server,
# and a `wg set` that fails applies nothing.
case_uapi_hardening() {
    pair_up culvert wggo 4 A
    pings_both_families A B
    local sock=/var/run/wireguard/$IF_A.sock answer
    step "socket is owner-only"
    [ "$(stat -c %a "$sock")" = 600 ] || fail "socket mode $(stat -c %a "$sock"), expected 600"
    step "an input line is never logged"
    local secret; secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
    answer=$(uapi_client "$sock" secret "$secret") || fail "UAPI client (secret)"
    [ "$answer" = "errno=71" ] || fail "expected errno=71 (EPROTO), got: $answer"
    grep -q "${secret:0:16}" "$NN_DIR/$IF_A.log" && fail "the value sent to the UAPI socket is in the log"
    grep -q "uapi: private_key" "$NN_DIR/$IF_A.log" || fail "the key name is not logged"
    step "a line over the cap is refused"
    answer=$(uapi_client "$sock" longline) || fail "UAPI client (long line)"
    [ "$answer" = "errno=90" ] || fail "expected errno=90 (EMSGSIZE), got: $answer"
    step "a trickling client does not hold the server"
    uapi_client "$sock" drip 20 & local drip=$!
    sleep 1
    nn_exec A timeout 10 wg show "$IF_A" listen-port >/dev/null ||
        { kill "$drip" 2>/dev/null; fail "wg show blocked behind a trickling client"; }
    kill "$drip" 2>/dev/null; wait "$drip" 2>/dev/null
    step "a wg set that fails applies nothing"
    local taken=51777
    ip netns exec "$NS_A" python3 -c '
import socket, sys, time
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(("0.0.0.0", int(sys.argv[1])))
b = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
b.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1); b.bind(("::", int(sys.argv[1])))
time.sleep(30)' "$taken" & local holder=$!
    NN_PIDS+=("$holder")
    wait_for 5 sh -c "ip netns exec $NS_A ss -Huan 'sport = :$taken' | grep -q ." || fail "could not take port $taken"
    nn_exec A wg set "$IF_A" listen-port "$taken" peer "$PUB_B" remove 2>/dev/null &&
        fail "wg set with a taken port succeeded"
    nn_exec A wg show "$IF_A" peers | grep -qx "$PUB_B" || fail "the peer is gone from wg show"
    [ "$(nn_exec A wg show "$IF_A" listen-port)" = "$PORT_A" ] || fail "listen port changed"
    wait_for 5 nn_ping A "$INNER4_B" || fail "the running tunnel lost the peer (the failed set was half applied)"
    kill "$holder" 2>/dev/null
    true
}

case_iperf3_tcp_both_ways() {
    pair_up culvert wggo 4 A
    pings_both_families A B
    local up down
    up=$(nn_iperf A B "$INNER4_B" 5) || fail "iperf3 Culvert → wireguard-go (IPv4 inside) failed"
    [ "${up:-0}" -gt 0 ] || fail "iperf3 up: no throughput"
    down=$(nn_iperf B A "$INNER6_A" 5) || fail "iperf3 wireguard-go → Culvert (IPv6 inside) failed"
    [ "${down:-0}" -gt 0 ] || fail "iperf3 down: no throughput"
    echo "RESULT iperf3 TCP Culvert → wireguard-go ${up} Mbit/s, wireguard-go → Culvert ${down} Mbit/s (5 s each)"
    echo "RESULT culvert up peak RSS after both transfers: $(nn_peak_rss_kib "$CULVERT_PID_A") KiB"
}

case_signals_usr1_usr2_keep_traffic() {
    pair_up culvert wggo 4 A
    pings_both_families A B
    kill -USR1 "$CULVERT_PID_A" || fail "SIGUSR1"
    wait_for 5 nn_ping A "$INNER4_B" || fail "no traffic within 5 s after SIGUSR1 (network_changed)"
    kill -USR2 "$CULVERT_PID_A" || fail "SIGUSR2"
    wait_for 5 nn_ping A "$INNER6_B" || fail "no traffic within 5 s after SIGUSR2 (wake)"
    kill -0 "$CULVERT_PID_A" || fail "culvert exited on a signal that should not stop it"
    grep -q "SIGUSR1" "$NN_DIR/$IF_A.log" || fail "SIGUSR1 not logged"
    grep -q "SIGUSR2" "$NN_DIR/$IF_A.log" || fail "SIGUSR2 not logged"
}

# `culvert up`'s own threads (main: signals; UAPI: accept) never wake while idle.
# (The event loop's timers are the runtime's business: `make bench` measures the
# whole process over a longer idle window.)
case_idle_host_threads_sleep() {
    pair_up culvert wggo 4 A
    pings_both_families A B
    local pid=$CULVERT_PID_A tid main_before uapi_before main_after uapi_after
    tid=$(grep -l '^culvert-uapi$' /proc/"$pid"/task/*/comm 2>/dev/null | head -n1 | xargs -r dirname | xargs -r basename)
    [ -n "$tid" ] || fail "no culvert-uapi thread found"
    ctx() { awk '/^(voluntary|nonvoluntary)_ctxt_switches:/ { n += $2 } END { print n + 0 }' "/proc/$pid/task/$1/status"; }
    main_before=$(ctx "$pid"); uapi_before=$(ctx "$tid")
    sleep 3
    main_after=$(ctx "$pid"); uapi_after=$(ctx "$tid")
    echo "RESULT idle 3 s: main thread $(( main_after - main_before )) wake-ups, UAPI thread $(( uapi_after - uapi_before )), whole process $(nn_ctx_switches "$pid") context switches since start"
    [ "$main_after" -eq "$main_before" ] || fail "main thread woke $(( main_after - main_before )) times in 3 idle seconds"
    [ "$uapi_after" -eq "$uapi_before" ] || fail "UAPI thread woke $(( uapi_after - uapi_before )) times in 3 idle seconds"
}

case_sigterm_clean_shutdown() {
    pair_up culvert wggo 4 A
    pings_both_families A B
    local t0 t1
    t0=$(date +%s%N)
    kill -TERM "$CULVERT_PID_A"
    wait_for 1 sh -c "! kill -0 $CULVERT_PID_A" || fail "culvert still running 1 s after SIGTERM"
    t1=$(date +%s%N)
    wait "$CULVERT_PID_A"; local rc=$?
    [ "$rc" -eq 0 ] || fail "exit code $rc after SIGTERM"
    [ ! -e "/var/run/wireguard/$IF_A.sock" ] || fail "UAPI socket left behind"
    ip -n "$NS_A" link show "$IF_A" >/dev/null 2>&1 && fail "interface $IF_A left behind"
    nn_exec A wg show interfaces | grep -qw "$IF_A" && fail "wg still lists $IF_A"
    echo "RESULT SIGTERM to exit: $(( (t1 - t0) / 1000000 )) ms"
    # SIGINT as well, on a fresh start.
    nn_culvert A "$IF_A" "$NN_DIR/a.conf" || fail "restart"
    kill -INT "$CULVERT_PID_A"
    wait_for 1 sh -c "! kill -0 $CULVERT_PID_A" || fail "culvert still running 1 s after SIGINT"
    [ ! -e "/var/run/wireguard/$IF_A.sock" ] || fail "UAPI socket left behind after SIGINT"
    ip -n "$NS_A" link show "$IF_A" >/dev/null 2>&1 && fail "interface left behind after SIGINT"
    true
}

# AllowedIPs = 0.0.0.0/0, ::/0 on Culvert's side: its own UDP must not loop into the
# tunnel (fwmark + policy routing), and an address only B's tunnel side has is reached.
case_default_route_fwmark_policy_routing() {
    nn_pair || fail "namespaces/veth"
    nn_keys
    nn_write_conf "$NN_DIR/a.conf" "$PRIV_A" $PORT_A "$INNER4_A/32, $INNER6_A/128" \
        "$PUB_B" "$OUTER4_B:$PORT_B" "0.0.0.0/0, ::/0"
    nn_write_conf "$NN_DIR/b.conf" "$PRIV_B" $PORT_B "$INNER4_B/32, $INNER6_B/128" \
        "$PUB_A" "" "$INNER4_A/32, $INNER6_A/128"
    # Addresses only B has, reachable from A only through the tunnel's default route.
    ip -n "$NS_B" address add 198.51.100.200/32 dev lo
    ip -n "$NS_B" address add fd00:9::200/128 dev lo
    nn_wggo B "$IF_B" "$NN_DIR/b.conf" || fail "wireguard-go B"
    nn_culvert A "$IF_A" "$NN_DIR/a.conf" || fail "culvert up A"
    local mark
    mark=$(nn_exec A wg show "$IF_A" fwmark)
    [ -n "$mark" ] && [ "$mark" != off ] || fail "no fwmark on the tunnel (wg show fwmark: '$mark')"
    mark=$((mark))   # wg prints it in hex
    echo "RESULT fwmark/table $mark"
    nn_exec A ip -4 rule | grep -q "not from all fwmark $(printf '0x%x' "$mark") lookup $mark" ||
        fail "no 'not fwmark' IPv4 rule: $(nn_exec A ip -4 rule)"
    nn_exec A ip -6 rule | grep -q "suppress_prefixlength 0" || fail "no suppress_prefixlength IPv6 rule"
    wait_for 10 nn_ping A 198.51.100.200 || fail "no IPv4 ping over the default route within 10 s"
    wait_for 5 nn_ping A fd00:9::200 || fail "no IPv6 ping over the default route within 5 s"
    nn_handshake_done A "$IF_A" || fail "no handshake"
    # The underlay to B still works directly (main table's more specific route).
    nn_ping A "$OUTER4_B" || fail "the underlay broke"
    # Any other address (outside the underlay's /25) goes into the tunnel: the route says so.
    nn_exec A ip -4 route get 198.51.100.250 | grep -q "dev $IF_A" || fail "default route not via $IF_A"
    nn_exec A ip -4 route get "$OUTER4_B" mark "$mark" | grep -q "dev vth0" || fail "marked packets do not take the underlay"
    kill -TERM "$CULVERT_PID_A"
    wait_for 2 sh -c "! kill -0 $CULVERT_PID_A" || fail "did not stop"
    nn_exec A ip -4 rule | grep -q "fwmark" && fail "IPv4 policy rule left behind"
    nn_exec A ip -6 rule | grep -q "suppress_prefixlength" && fail "IPv6 policy rule left behind"
    true
}
