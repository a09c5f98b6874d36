#!/usr/bin/env bash
# CI's WireGuard peer for the emulator test: a WireGuard interface on the host
# (the kernel's, or wireguard-go where the kernel has none) with tunnel address
# 10.99.0.1, and a client config for the app written to DIR/client.conf.
#
#   scripts/release/ci-wg-peer.sh start DIR    as root (sudo is used when not root)
#   scripts/release/ci-wg-peer.sh stop DIR     prints `wg show`, removes the interface
#
# ENDPOINT (default 10.0.2.2, the host as an Android emulator sees it) and PORT
# (default 51820) go into the client config. make test-dist runs this in a
# network namespace and pings through it from a second one.
set -euo pipefail
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
ENDPOINT=${ENDPOINT:-10.0.2.2}
PORT=${PORT:-51820}
IFACE=${IFACE:-wgci0}
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo

case "$cmd" in
start)
    command -v wg >/dev/null 2>&1 || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq wireguard-tools >/dev/null; }
    mkdir -p "$dir"
    umask 077
    wg genkey >"$dir/peer.key"
    wg genkey >"$dir/client.key"
    wg pubkey <"$dir/peer.key" >"$dir/peer.pub"
    wg pubkey <"$dir/client.key" >"$dir/client.pub"
    if ! $SUDO ip link add dev "$IFACE" type wireguard 2>/dev/null; then
        command -v wireguard-go >/dev/null 2>&1 || $SUDO apt-get install -y -qq wireguard-go >/dev/null
        $SUDO wireguard-go "$IFACE" >"$dir/wireguard-go.log" 2>&1
    fi
    $SUDO wg set "$IFACE" listen-port "$PORT" private-key "$dir/peer.key" \
        peer "$(cat "$dir/client.pub")" allowed-ips 10.99.0.2/32
    $SUDO ip address add 10.99.0.1/24 dev "$IFACE"
    $SUDO ip link set "$IFACE" up
    cat >"$dir/client.conf" <<CONF
[Interface]
PrivateKey = $(cat "$dir/client.key")
Address = 10.99.0.2/32

[Peer]
PublicKey = $(cat "$dir/peer.pub")
Endpoint = $ENDPOINT:$PORT
AllowedIPs = 10.99.0.1/32
PersistentKeepalive = 25
CONF
    echo "peer: $IFACE 10.99.0.1, udp $PORT; client config: $dir/client.conf"
    ;;
stop)
    $SUDO wg show "$IFACE" 2>/dev/null || true
    $SUDO ip link del dev "$IFACE" 2>/dev/null || true
    ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
