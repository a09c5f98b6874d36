#!/usr/bin/env bash
# Runs NetnsTunTest: a Culvert tunnel started from Kotlin on a real TUN fd, in
# its own network namespace, reaching Debian's wireguard-go in another.
#
#   run.sh RUNTIME_CLASSPATH LIBDIR      (as root; called by scripts/test-kotlin.sh)
#
# Uses tests/netns/lib.sh (namespaces, veth, keys, wireguard-go, teardown trap).
# Side A: a persistent TUN device (ip tuntap) with the tunnel address and route; the
# JVM runs inside A, attaches to it with TUNSETIFF and hands the fd to Tunnel.startWithFd.
set -uo pipefail
CP=$1
LIBDIR=$2
ROOT="$(cd "$(dirname "$0")/../../../.." && pwd)"
. "$ROOT/scripts/lib.sh"
. "$ROOT/tests/netns/lib.sh"

fail() { echo "netns setup failed: $*"; summary 0 1; exit 1; }

nn_init kt
nn_pair || fail "namespaces"
nn_keys
TUN="ckt$(( $$ % 100000 ))"
nn_write_conf "$NN_DIR/b.conf" "$PRIV_B" "$PORT_B" "$INNER4_B/32" "$PUB_A" "" "$INNER4_A/32"
nn_wggo B "$IF_B" "$NN_DIR/b.conf" || fail "wireguard-go"
nn_write_conf "$NN_DIR/a.conf" "$PRIV_A" "$PORT_A" "$INNER4_A/32" "$PUB_B" "$OUTER4_B:$PORT_B" "$INNER4_B/32"

ip -n "$NS_A" tuntap add dev "$TUN" mode tun || fail "tuntap"
ip -n "$NS_A" address add "$INNER4_A/32" dev "$TUN"
ip -n "$NS_A" link set mtu 1420 up dev "$TUN"
ip -n "$NS_A" route add "$INNER4_B/32" dev "$TUN" || fail "route"

timeout 120 ip netns exec "$NS_A" java -Xmx256m -Djna.library.path="$LIBDIR" \
    -Dculvert.tun="$TUN" -Dculvert.config="$NN_DIR/a.conf" -Dculvert.peer="$INNER4_B" \
    -Dculvert.peerKey="$PUB_B" -cp "$CP" io.culvert.test.RunTestsKt --class io.culvert.NetnsTunTest
status=$?
if [ "$status" -ne 0 ]; then
    echo "--- wireguard-go log"; tail -n 20 "$NN_DIR/$IF_B.log" 2>/dev/null
    nn_exec B wg show "$IF_B" 2>/dev/null | sed 's/private key:.*/private key: (hidden)/'
fi
exit "$status"
