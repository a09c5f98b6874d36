# The interop cases of scripts/test-netns.sh. Each case_* function runs in its own
# subshell after nn_init (fresh names); it fails by `fail MSG` (exit 1), skips by
# `skip MSG` (exit 77), and may print `RESULT ...` lines for the summary.

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "$*"; exit 77; }
step() { echo "-- $*"; }

NETNS_CASES=(
    case_harness_wireguard_go_pair
)

# Sanity of the harness itself: wireguard-go on both sides, pings both families.
case_harness_wireguard_go_pair() {
    nn_pair || fail "namespaces/veth"
    nn_keys
    nn_write_conf "$NN_DIR/a.conf" "$PRIV_A" $PORT_A "$INNER4_A/32, $INNER6_A/128" \
        "$PUB_B" "$OUTER4_B:$PORT_B" "$INNER4_B/32, $INNER6_B/128"
    nn_write_conf "$NN_DIR/b.conf" "$PRIV_B" $PORT_B "$INNER4_B/32, $INNER6_B/128" \
        "$PUB_A" "" "$INNER4_A/32, $INNER6_A/128"
    nn_wggo A "$IF_A" "$NN_DIR/a.conf" || fail "wireguard-go A"
    nn_wggo B "$IF_B" "$NN_DIR/b.conf" || fail "wireguard-go B"
    wait_for 10 nn_ping A "$INNER4_B" || fail "no IPv4 ping through the tunnel within 10 s"
    wait_for 5 nn_ping B "$INNER6_A" || fail "no IPv6 ping through the tunnel within 5 s"
    nn_handshake_done A "$IF_A" || fail "wg show reports no handshake"
}
