# Reliability drills for scripts/test-drills.sh: Culvert (`culvert up`, side A) against
# Debian's wireguard-go (side B) in two network namespaces, on real TUN devices,
# built on the interop harness tests/netns/lib.sh. Each drill_* function runs in
# its own subshell after nn_init; it fails by `fail MSG` (exit 1), skips by `skip MSG`
# (exit 77) and prints `RESULT ...` lines (measured times, counts) for the summary.
#
# A's config has B's endpoint; B has none (Culvert must initiate, re-handshake and
# follow B). Only 198.51.100.0/24 (outer .1-.4, inner .129/.130) is used.

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "$*"; exit 77; }
step() { echo "-- $*"; }

DRILLS_DIR="$ROOT/tests/drills"

# The subset `make test` runs (a few minutes); the full set adds the 200 s freeze.
DRILLS_CI=(
    drill_peer_restart
    drill_roaming_local_address
    drill_roaming_peer_address
    drill_loss_and_rate_limit
    drill_hostile_flood
    drill_handshake_burst_cookies
    drill_hostname_endpoint_resolves_later
    drill_junk_from_peer_address_no_lockout
    drill_roamed_endpoint_survives_wg_set
)
DRILLS_FULL=("${DRILLS_CI[@]}" drill_frozen_past_key_expiry drill_keepalive_peer_back_after_outage)

# now_ms — milliseconds since the epoch.
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# drill_setup [A_ENDPOINT] — the standard pair: Culvert on A (endpoint B, or A_ENDPOINT),
# wireguard-go on B (no endpoint), first ping through the tunnel within 10 s.
drill_setup() {
    local endpoint=${1:-$OUTER4_B:$PORT_B}
    [ -n "${DRILL_PAIRED:-}" ] || nn_pair || fail "namespaces/veth"
    nn_keys
    nn_write_conf "$NN_DIR/a.conf" "$PRIV_A" $PORT_A "$INNER4_A/32" \
        "$PUB_B" "$endpoint" "$INNER4_B/32"
    nn_write_conf "$NN_DIR/b.conf" "$PRIV_B" $PORT_B "$INNER4_B/32" \
        "$PUB_A" "" "$INNER4_A/32"
    nn_culvert A "$IF_A" "$NN_DIR/a.conf" || fail "culvert up (A)"
    nn_wggo B "$IF_B" "$NN_DIR/b.conf" || fail "wireguard-go (B)"
    [ -n "${1:-}" ] && return 0
    wait_for 10 nn_ping A "$INNER4_B" || fail "no ping through the tunnel within 10 s"
}

# culvert_log — Culvert's log file (stderr of `culvert up` on side A).
culvert_log() { echo "$NN_DIR/$IF_A.log"; }

# assert_culvert_alive — Culvert's process still runs.
assert_culvert_alive() {
    kill -0 "$CULVERT_PID_A" 2>/dev/null || { tail -n 20 "$(culvert_log)"; fail "culvert up died"; }
}

# error_lines — Culvert's ERROR log lines.
error_lines() { grep -c ' ERROR ' "$(culvert_log)" 2>/dev/null || true; }

# ping_resumes SECONDS — pings A→B (the app's traffic) until one answers; prints the ms it
# took. Fails if none answered, or the answer came after SECONDS (a ping started just
# before the deadline may finish after it).
ping_resumes() {
    local limit=$1 t0 ms
    t0=$(now_ms)
    wait_for "$limit" nn_ping A "$INNER4_B" || return 1
    ms=$(( $(now_ms) - t0 ))
    echo "$ms"
    [ "$ms" -le $((limit * 1000)) ]
}

# bulk_server PORT SECONDS — a one-shot bulk.py server on B's inner address.
bulk_server() {
    NN_CMD_TIMEOUT=$(( $2 + 5 )) nn_exec B python3 "$DRILLS_DIR/bulk.py" serve "$INNER4_B" "$1" "$2" >/dev/null 2>&1 &
    NN_PIDS+=($!)
    wait_for 5 nn_exec B sh -c "ss -ltn | grep -q ':$1 '" || fail "bulk server did not listen"
}

# bulk_send PORT BYTES SECONDS — sends BYTES from A to the bulk server; prints "bytes=N seconds=S".
bulk_send() {
    NN_CMD_TIMEOUT=$(( $3 + 5 )) nn_exec A python3 "$DRILLS_DIR/bulk.py" send "$INNER4_B" "$1" "$2" "$3"
}

# Peer restart: wireguard-go is killed and started again with the same keys; traffic
# through Culvert resumes without any call from the app (boringtun's 15 s
# keepalive-plus-rekey-timeout rule re-handshakes after a silent peer).
drill_peer_restart() {
    drill_setup
    step "kill wireguard-go and start it again with the same keys"
    kill -KILL "$WGGO_PID_B"; wait "$WGGO_PID_B" 2>/dev/null
    rm -f "/var/run/wireguard/$IF_B.sock"
    wait_for 5 sh -c "! ip -n $NS_B link show $IF_B" || fail "old TUN device did not go away"
    nn_wggo B "$IF_B" "$NN_DIR/b.conf" || fail "wireguard-go restart"
    local ms
    ms=$(ping_resumes 20) || fail "traffic did not resume within 20 s of the peer restart (${ms:-no} ms)"
    assert_culvert_alive
    echo "RESULT traffic resumed ${ms} ms after the peer restart (limit 20000 ms), no app call"
}

# Roaming, our side: Culvert's underlay address changes, SIGUSR1 → network_changed().
drill_roaming_local_address() {
    drill_setup
    step "re-address A's veth ($OUTER4_A → 198.51.100.3), SIGUSR1"
    ip -n "$NS_A" address del "$OUTER4_A/25" dev vth0 || fail "address del"
    ip -n "$NS_A" address add 198.51.100.3/25 dev vth0 || fail "address add"
    kill -USR1 "$CULVERT_PID_A"
    local ms
    ms=$(ping_resumes 5) || fail "traffic did not resume within 5 s of network_changed() (${ms:-no} ms)"
    nn_exec B wg show "$IF_B" endpoints | grep -q '198\.51\.100\.3:' ||
        fail "wireguard-go did not follow A to its new address: $(nn_exec B wg show "$IF_B" endpoints)"
    assert_culvert_alive
    echo "RESULT traffic resumed ${ms} ms after re-addressing + network_changed() (limit 5000 ms)"
}

# Roaming, the peer's side: B's address changes; Culvert follows the authenticated source.
drill_roaming_peer_address() {
    drill_setup
    step "re-address B's veth ($OUTER4_B → 198.51.100.4); B talks first"
    ip -n "$NS_B" address del "$OUTER4_B/25" dev vth1 || fail "address del"
    ip -n "$NS_B" address add 198.51.100.4/25 dev vth1 || fail "address add"
    # wireguard-go keeps sending from the old (now gone) source address ("sticky
    # socket"); re-setting its endpoint for A clears that. Culvert is not touched.
    nn_exec B wg set "$IF_B" peer "$PUB_A" endpoint "$OUTER4_A:$PORT_A" || fail "wg set"
    local t0 ms
    t0=$(now_ms)
    wait_for 5 nn_ping B "$INNER4_A" || fail "B→A traffic did not pass from B's new address within 5 s"
    wait_for 5 nn_ping A "$INNER4_B" || fail "A→B traffic did not follow B to its new address"
    ms=$(( $(now_ms) - t0 ))
    local ep
    ep=$(nn_exec A wg show "$IF_A" endpoints)
    echo "$ep" | grep -q '198\.51\.100\.4:' || fail "Culvert's endpoint did not follow B: $ep"
    assert_culvert_alive
    echo "RESULT Culvert followed the peer's new address in ${ms} ms (endpoint now ${ep##*	})"
}

# Loss: 10% random drop of tunnel datagrams in both directions (nftables numgen) and a
# 40 Mbit/s token bucket on both veths; a bulk TCP transfer completes with no ERROR.
drill_loss_and_rate_limit() {
    drill_setup
    step "10% loss (nftables numgen) + 40 Mbit/s tbf on both sides"
    local side
    for side in A B; do
        nn_exec "$side" nft -f - <<EOF || fail "nftables"
table inet culvert_drill {
    chain input {
        type filter hook input priority 0; policy accept;
        udp dport { $PORT_A, $PORT_B } numgen random mod 10 == 0 counter drop
    }
}
EOF
    done
    nn_exec A tc qdisc add dev vth0 root tbf rate 40mbit burst 64kb latency 50ms || fail "tc A"
    nn_exec B tc qdisc add dev vth1 root tbf rate 40mbit burst 64kb latency 50ms || fail "tc B"
    bulk_server 5299 120
    local out dropped
    out=$(bulk_send 5299 8000000 120) || fail "bulk TCP transfer did not complete within 120 s: $out"
    dropped=$(for s in A B; do nn_exec "$s" nft list ruleset; done | sed -n 's/.*counter packets \([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
    [ "$dropped" -gt 0 ] || fail "the loss rule dropped nothing: the drill tested nothing"
    local errors warns
    errors=$(error_lines)
    warns=$(grep -c ' WARN ' "$(culvert_log)" || true)
    [ "$errors" -eq 0 ] || { grep ' ERROR ' "$(culvert_log)" | head -n 5; fail "$errors ERROR log lines"; }
    assert_culvert_alive
    echo "RESULT 8 MB bulk TCP completed (${out}) with ${dropped} tunnel datagrams dropped by the 10% rule; 0 ERROR, ${warns} WARN lines"
}

# Frozen past key expiry: SIGSTOP for 200 s (> REJECT_AFTER_TIME 180 s), SIGCONT +
# SIGUSR2 (wake()); traffic resumes within 5 s. A real suspend cannot be simulated here:
# this stops the process, the boottime clock keeps running.
drill_frozen_past_key_expiry() {
    RUST_LOG=${DRILL_DEBUG:+debug} drill_setup
    local freeze=${DRILL_FREEZE_SECONDS:-200}
    step "SIGSTOP culvert for ${freeze} s"
    kill -STOP "$CULVERT_PID_A"
    # The drill is the passage of time itself: nothing to poll while the process is frozen.
    sleep "$freeze"
    kill -CONT "$CULVERT_PID_A"
    kill -USR2 "$CULVERT_PID_A"
    local ms
    ms=$(ping_resumes 5) || fail "traffic did not resume within 5 s of SIGCONT + wake() (${ms:-no} ms)"
    [ -n "${DRILL_DEBUG:-}" ] && cp "$(culvert_log)" "$DRILL_DEBUG"
    assert_culvert_alive
    echo "RESULT traffic resumed ${ms} ms after ${freeze} s frozen + wake() (limit 5000 ms)"
}

# drop_counts LOG — drops by reason from Culvert's trace log: "malformed replay no_session cookie".
drop_counts() {
    awk '
        /dropping a malformed datagram/ { m++ }
        /dropping datagram: (DuplicateCounter|InvalidCounter)/ { r++ }
        /dropping datagram: (WrongIndex|NoCurrentSession)/ { n++ }
        /under load: cookie reply/ { c++ }
        END { printf "%d %d %d %d\n", m, r, n, c }' "$1"
}

# Hostile input: random datagrams and replays of captured ones at Culvert's port for
# 10 s while a transfer runs; no crash, the transfer completes, drops are counted.
drill_hostile_flood() {
    RUST_LOG=trace drill_setup
    bulk_server 5298 90
    step "transfer A→B while B's namespace floods A's port with random and replayed datagrams"
    bulk_send 5298 20000000 90 >"$NN_DIR/bulk.out" 2>&1 &
    local bulk=$!
    NN_CMD_TIMEOUT=30 nn_exec B python3 "$DRILLS_DIR/flood.py" random "$OUTER4_A" $PORT_A 10 >"$NN_DIR/random.out" 2>&1 &
    local f1=$!
    NN_CMD_TIMEOUT=30 nn_exec B python3 "$DRILLS_DIR/flood.py" replay "$OUTER4_A" $PORT_A 10 vth1 >"$NN_DIR/replay.out" 2>&1 &
    local f2=$!
    # Replays need traffic from B to A to capture: pings B→A during the flood.
    NN_CMD_TIMEOUT=15 nn_exec B ping -q -c 50 -i 0.2 "$INNER4_A" >/dev/null 2>&1 &
    local p=$!
    wait "$f1" || fail "random flood: $(cat "$NN_DIR/random.out")"
    wait "$f2" || fail "replay flood: $(cat "$NN_DIR/replay.out")"
    wait "$p"
    wait "$bulk" || fail "the transfer did not complete under the flood: $(cat "$NN_DIR/bulk.out")"
    assert_culvert_alive
    wait_for 5 nn_ping A "$INNER4_B" || fail "tunnel dead after the flood"
    local m r n c
    read -r m r n c < <(drop_counts "$(culvert_log)")
    local sent_random sent_replay
    sent_random=$(sed -n 's/.*sent=\([0-9]*\).*/\1/p' "$NN_DIR/random.out")
    sent_replay=$(sed -n 's/.*sent=\([0-9]*\).*/\1/p' "$NN_DIR/replay.out")
    [ "${sent_random:-0}" -gt 0 ] && [ "${sent_replay:-0}" -gt 0 ] || fail "the flood sent nothing: $(cat "$NN_DIR"/*.out)"
    [ "$m" -gt 0 ] || fail "no malformed drop was logged for ${sent_random} random datagrams"
    [ "$r" -gt 0 ] || fail "no replay drop was logged for ${sent_replay} replayed datagrams"
    [ "$(error_lines)" -eq 0 ] || fail "ERROR lines in Culvert's log"
    echo "RESULT 20 MB bulk TCP completed ($(cat "$NN_DIR/bulk.out")) under ${sent_random} random + ${sent_replay} replayed datagrams in 10 s; drops logged: malformed ${m}, replay ${r}, no-session ${n}, cookie ${c} (datagrams for unknown indices are counted in stats, not logged)"
}

# Bursts of handshake initiations with a valid MAC1 (anyone who knows the public key
# can make them). From one source: all but a few stop before any Diffie-Hellman —
# at Culvert's per-source limit, or (past 100/s, MAC2 missing) with a cookie reply. From 40 sources: boringtun's global limiter is exceeded and
# Culvert answers with cookie replies instead of doing Diffie-Hellman. The tunnel
# keeps working throughout.
drill_handshake_burst_cookies() {
    RUST_LOG=trace drill_setup
    step "500 initiations with valid MAC1 from one source"
    local out limited
    out=$(NN_CMD_TIMEOUT=30 nn_exec B python3 "$DRILLS_DIR/flood.py" initiations "$OUTER4_A" $PORT_A 500 "$PUB_A") ||
        fail "initiation burst: $out"
    # MAC1 is checked first; past 100/s boringtun's limiter wants MAC2 (a cookie
    # reply), and only what passes is charged to the per-source bucket (issue 12
    # item 1). Either way, at most a handful reach Diffie-Hellman.
    local cookied
    limited=$(grep -c 'over the per-source limit' "$(culvert_log)" || true)
    cookied=$(grep -c 'under load: cookie reply' "$(culvert_log)" || true)
    [ "$limited" -ge 1 ] && [ $((limited + cookied)) -ge 400 ] ||
        fail "only $limited (per-source limit) + $cookied (cookie replies) of 500 initiations from one source were stopped before DH ($out)"
    step "2000 initiations from 40 source addresses"
    local i sources=""
    for i in $(seq 10 49); do
        ip -n "$NS_B" address add "198.51.100.$i/25" dev vth1 || fail "address 198.51.100.$i"
        sources="${sources:+$sources,}198.51.100.$i"
    done
    local cookies
    out=$(NN_CMD_TIMEOUT=30 nn_exec B python3 "$DRILLS_DIR/flood.py" initiations "$OUTER4_A" $PORT_A 2000 "$PUB_A" "$sources") ||
        fail "initiation burst: $out"
    cookies=$(echo "$out" | sed -n 's/.*cookie_replies=\([0-9]*\).*/\1/p')
    [ "${cookies:-0}" -gt 0 ] || fail "no cookie reply to 2000 initiations from 40 sources: $out"
    assert_culvert_alive
    wait_for 5 nn_ping A "$INNER4_B" || fail "tunnel dead after the bursts"
    [ "$(error_lines)" -eq 0 ] || fail "ERROR lines in Culvert's log"
    echo "RESULT one source: of 500 initiations ${limited} dropped by the per-source limit and ${cookied} answered with a cookie; 40 sources: ${cookies} cookie replies to 2000 initiations (${out}); tunnel unaffected"
}

# Endpoint DNS: the endpoint's host name does not resolve at start (hosts file of A's
# namespace, no DNS server there), then does; the tunnel comes up without a restart.
drill_hostname_endpoint_resolves_later() {
    local name=peer-b.drill.test
    nn_pair || fail "namespaces/veth"
    # `ip netns exec` bind-mounts /etc/netns/NS/* over /etc: a hosts file of our own,
    # and a resolv.conf whose server (loopback, nothing listening) fails fast.
    mkdir -p "/etc/netns/$NS_A"
    trap 'nn_teardown; rm -rf "/etc/netns/$NS_A"' EXIT
    printf '127.0.0.1 localhost\n' >"/etc/netns/$NS_A/hosts"
    printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"/etc/netns/$NS_A/resolv.conf"
    nn_exec A getent hosts "$name" && fail "$name resolves before the drill starts"
    DRILL_PAIRED=1 RUST_LOG=debug drill_setup "$name:$PORT_B"
    step "started with $name unresolvable"
    assert_culvert_alive
    nn_ping A "$INNER4_B" && fail "traffic passed before the name resolved"
    printf '%s %s\n' "$OUTER4_B" "$name" >>"/etc/netns/$NS_A/hosts"
    nn_exec A getent hosts "$name" >/dev/null || fail "hosts entry not visible in the namespace"
    local ms
    ms=$(ping_resumes 30) || fail "no traffic within 30 s after $name became resolvable (${ms:-no} ms)"
    assert_culvert_alive
    echo "RESULT tunnel came up ${ms} ms after the name became resolvable, without a restart"
}

# junk_flood SECONDS RATE — B's namespace (B's own address) sends junk type-1/type-2
# datagrams to Culvert's port at RATE per second in the background (output: junk.out).
junk_flood() {
    NN_CMD_TIMEOUT=$(( $1 + 10 )) nn_exec B python3 "$DRILLS_DIR/flood.py" junk "$OUTER4_A" $PORT_A "$1" "$2" \
        >"$NN_DIR/junk.out" 2>&1 &
    JUNK_PID=$!
    NN_PIDS+=("$JUNK_PID")
}

# Lockout (issue 12 item 1): junk that starts like a handshake message, from the
# peer's own address at 250/s, used to keep that address's per-source bucket empty
# (charged before MAC1), so the genuine peer's initiations or responses were
# dropped. Under the junk: wireguard-go restarts and initiates (B has A's endpoint
# here), then Culvert restarts and initiates; each handshake completes within 10 s.
drill_junk_from_peer_address_no_lockout() {
    drill_setup
    junk_flood 45 250
    step "wireguard-go restarts under the junk and initiates (B→A traffic)"
    kill -KILL "$WGGO_PID_B"; wait "$WGGO_PID_B" 2>/dev/null
    rm -f "/var/run/wireguard/$IF_B.sock"
    wait_for 5 sh -c "! ip -n $NS_B link show $IF_B" || fail "old TUN device did not go away"
    nn_write_conf "$NN_DIR/b2.conf" "$PRIV_B" $PORT_B "$INNER4_B/32" \
        "$PUB_A" "$OUTER4_A:$PORT_A" "$INNER4_A/32"
    nn_wggo B "$IF_B" "$NN_DIR/b2.conf" || fail "wireguard-go restart"
    local t0 ms1 ms2
    t0=$(now_ms)
    wait_for 10 nn_ping B "$INNER4_A" || fail "no handshake within 10 s of the peer's restart under junk from its address"
    ms1=$(( $(now_ms) - t0 ))
    step "Culvert restarts under the junk and initiates (A→B traffic)"
    kill -TERM "$CULVERT_PID_A"; wait "$CULVERT_PID_A" 2>/dev/null
    wait_for 5 sh -c "! ip -n $NS_A link show $IF_A" || fail "Culvert's TUN device did not go away"
    rm -f "/var/run/wireguard/$IF_A.sock"
    nn_culvert A "$IF_A" "$NN_DIR/a.conf" || fail "culvert up (A) restart"
    t0=$(now_ms)
    wait_for 10 nn_ping A "$INNER4_B" || fail "no handshake within 10 s of Culvert's restart under junk from the peer's address"
    ms2=$(( $(now_ms) - t0 ))
    kill -0 "$JUNK_PID" 2>/dev/null || fail "the junk flood ended before the drill did: $(cat "$NN_DIR/junk.out")"
    wait "$JUNK_PID"
    local sent
    sent=$(sed -n 's/.*sent=\([0-9]*\).*/\1/p' "$NN_DIR/junk.out")
    [ "${sent:-0}" -ge 2000 ] || fail "the junk flood sent too little: $(cat "$NN_DIR/junk.out")"
    assert_culvert_alive
    echo "RESULT under ${sent} junk type-1/2 datagrams from the peer's address (250/s): handshake ${ms1} ms after the peer restarted, ${ms2} ms after Culvert restarted (limit 10000 ms each)"
}

# Roam, then `wg set` of another peer (issue 12 item 4): a configuration update used
# to send traffic back to the roamed peer's stale configured address.
drill_roamed_endpoint_survives_wg_set() {
    drill_setup
    step "B roams (.2 → .4) and talks first; Culvert follows"
    ip -n "$NS_B" address del "$OUTER4_B/25" dev vth1 || fail "address del"
    ip -n "$NS_B" address add 198.51.100.4/25 dev vth1 || fail "address add"
    nn_exec B wg set "$IF_B" peer "$PUB_A" endpoint "$OUTER4_A:$PORT_A" || fail "wg set on B"
    wait_for 5 nn_ping B "$INNER4_A" || fail "B→A traffic from B's new address"
    nn_exec A wg show "$IF_A" endpoints | grep -q '198\.51\.100\.4:' || fail "Culvert did not follow B"
    step "wg set on Culvert adds another peer; B's configured endpoint is unchanged"
    local other ep t0 ms
    other=$(wg genkey | wg pubkey)
    nn_exec A wg set "$IF_A" peer "$other" allowed-ips 198.51.100.200/32 endpoint 198.51.100.99:9 ||
        fail "wg set (another peer)"
    ep=$(nn_exec A wg show "$IF_A" endpoints | grep "^$PUB_B")
    echo "$ep" | grep -q '198\.51\.100\.4:' || fail "the update moved B's endpoint back: $ep"
    t0=$(now_ms)
    wait_for 5 nn_ping A "$INNER4_B" || fail "A→B traffic did not reach B's roamed address after the update"
    ms=$(( $(now_ms) - t0 ))
    ep=$(nn_exec A wg show "$IF_A" endpoints | grep "^$PUB_B")
    echo "$ep" | grep -q '198\.51\.100\.4:' || fail "B's endpoint moved after the update: $ep"
    assert_culvert_alive
    echo "RESULT after B roamed and a wg set of another peer, Culvert's endpoint for B stays ${ep##*	}; A→B ping in ${ms} ms"
}

# PersistentKeepalive peer back after a long outage (issue 12 item 3; full set only,
# minutes long; its in-memory twin, persistent_keepalive_keeps_trying_after_a_long_outage,
# runs in make test): every datagram is dropped for longer than REKEY_AFTER_TIME +
# REKEY_ATTEMPT_TIME (210 s), then the path heals; a new handshake completes within
# 45 s with no app traffic.
drill_keepalive_peer_back_after_outage() {
    nn_pair || fail "namespaces/veth"
    nn_keys
    nn_write_conf "$NN_DIR/a.conf" "$PRIV_A" $PORT_A "$INNER4_A/32" \
        "$PUB_B" "$OUTER4_B:$PORT_B" "$INNER4_B/32"
    echo "PersistentKeepalive = 25" >>"$NN_DIR/a.conf"
    nn_write_conf "$NN_DIR/b.conf" "$PRIV_B" $PORT_B "$INNER4_B/32" \
        "$PUB_A" "" "$INNER4_A/32"
    nn_culvert A "$IF_A" "$NN_DIR/a.conf" || fail "culvert up (A)"
    nn_wggo B "$IF_B" "$NN_DIR/b.conf" || fail "wireguard-go (B)"
    wait_for 10 nn_handshake_done B "$IF_B" || fail "no keepalive handshake within 10 s"
    local outage=${DRILL_OUTAGE_SECONDS:-240}
    step "drop every datagram between A and B for ${outage} s"
    nn_exec A nft -f - <<NFT || fail "nftables"
table inet culvert_outage {
    chain input { type filter hook input priority 0; policy accept; udp dport $PORT_A drop; }
    chain output { type filter hook output priority 0; policy accept; udp dport $PORT_B drop; }
}
NFT
    # The drill is the outage itself: nothing to poll while the path is down.
    sleep "$outage"
    local before t0 ms
    before=$(nn_exec B wg show "$IF_B" latest-handshakes | awk '{ print $2 }')
    nn_exec A nft delete table inet culvert_outage || fail "heal"
    t0=$(now_ms)
    wait_for 45 newer_handshake B "${before:-0}" || fail "no new handshake within 45 s of healing (no app traffic)"
    ms=$(( $(now_ms) - t0 ))
    assert_culvert_alive
    echo "RESULT new handshake ${ms} ms after healing a ${outage} s outage, no app traffic (limit 45000 ms)"
}

# newer_handshake A|B T — the side's latest handshake is later than T (epoch seconds).
newer_handshake() {
    local t
    t=$(nn_exec "$1" wg show "$(if [ "$1" = A ]; then echo "$IF_A"; else echo "$IF_B"; fi)" latest-handshakes | awk '{ print $2 }')
    [ "${t:-0}" -gt "$2" ]
}
