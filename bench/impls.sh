# WireGuard implementations the end-to-end benchmark and the drills can start in a
# network namespace. Source it; needs CULVERT_BIN and the BENCH_* paths below.
#
# Every implementation is started in the foreground (so `$!` is its PID, as
# `ip netns exec` execs the command), creates a TUN device IFNAME inside the
# namespace and, except Culvert (which reads a wg-quick file), is configured
# through its UAPI socket with `wg setconf`, then addressed with `ip` as
# `wg-quick up` would.

BENCH_CACHE=${BENCH_CACHE:-/var/cache/culvert/bench}
WG_GO_DEBIAN=${WG_GO_DEBIAN:-/usr/bin/wireguard-go}
WG_GO_MODULE=${WG_GO_MODULE:-$BENCH_CACHE/wggo/wireguard}
BORINGTUN_BIN=${BORINGTUN_BIN:-$BENCH_CACHE/boringtun/bin/boringtun-cli}
GOTATUN_BIN=${GOTATUN_BIN:-$BENCH_CACHE/gotatun/bin/gotatun}
# wireguard-go as the Android app runs it (bench/wggo-android: platform TUN fd
# without IFF_VNET_HDR, so no TUN offloads; UDP GSO/GRO as the std bind does).
WG_GO_ANDROID=${WG_GO_ANDROID:-$BENCH_CACHE/wggo-android/wggo-android}
CULVERT_BIN=${CULVERT_BIN:-${ROOT:-.}/target/release/culvert}

# impl_label IMPL — the name shown in tables.
impl_label() {
    case $1 in
        culvert) echo "Culvert" ;;
        wggo-deb) echo "wireguard-go (Debian)" ;;
        wggo-mod) echo "wireguard-go (Linux offloads)" ;;
        wggo-android) echo "wireguard-go (Android mode)" ;;
        boringtun) echo "boringtun-cli 0.7.1" ;;
        gotatun) echo "gotatun-cli 0.10.2" ;;
        *) echo "$1" ;;
    esac
}

# impl_bin IMPL — the binary, or empty if IMPL is unknown.
impl_bin() {
    case $1 in
        culvert) echo "$CULVERT_BIN" ;;
        wggo-deb) echo "$WG_GO_DEBIAN" ;;
        wggo-mod) echo "$WG_GO_MODULE" ;;
        wggo-android) echo "$WG_GO_ANDROID" ;;
        boringtun) echo "$BORINGTUN_BIN" ;;
        gotatun) echo "$GOTATUN_BIN" ;;
    esac
}

# impl_available IMPL — true when its binary exists.
impl_available() {
    local b
    b=$(impl_bin "$1")
    [ -n "$b" ] && [ -x "$b" ]
}

# impl_version IMPL — a one-line version string for the results header.
impl_version() {
    local b
    b=$(impl_bin "$1")
    case $1 in
        culvert) echo "culvert $(git -C "${ROOT:-.}" rev-parse --short HEAD 2>/dev/null)" ;;
        wggo-deb) "$b" --version 2>/dev/null | head -n 1 ;;
        wggo-mod) echo "wireguard-go $(go version -m "$b" 2>/dev/null | awk '$1 == "mod" { print $3 }') ($(go version "$b" 2>/dev/null | awk '{ print $2 }'))" ;;
        wggo-android) echo "wireguard-go $(go version -m "$b" 2>/dev/null | awk '$1 == "dep" && $2 == "golang.zx2c4.com/wireguard" { print $3 }') via CreateUnmonitoredTUNFromFD, no IFF_VNET_HDR ($(go version "$b" 2>/dev/null | awk '{ print $2 }'))" ;;
        *) "$b" --version 2>/dev/null | head -n 1 ;;
    esac
}

# impl_start IMPL NS IFNAME CONF_DIR LOG — starts IMPL in NS and prints its PID.
# CONF_DIR holds `wg.conf` (for `wg setconf`) and `wg-quick.conf` (for Culvert),
# plus `address` and `peer_address` (inner /32s) and `mtu`.
impl_start() {
    local impl=$1 ns=$2 ifname=$3 dir=$4 log=$5 bin pid
    bin=$(impl_bin "$impl")
    case $impl in
        culvert)
            ip netns exec "$ns" env CULVERT_LOG="${CULVERT_LOG:-warn}" "$bin" up "$dir/wg-quick.conf" --name "$ifname" >"$log" 2>&1 &
            ;;
        wggo-deb | wggo-mod | wggo-android)
            ip netns exec "$ns" env LOG_LEVEL=error "$bin" -f "$ifname" >"$log" 2>&1 &
            ;;
        boringtun)
            ip netns exec "$ns" env WG_LOG_LEVEL=error "$bin" -f --disable-drop-privileges "$ifname" >"$log" 2>&1 &
            ;;
        gotatun)
            ip netns exec "$ns" env WG_LOG_LEVEL=error "$bin" -f --disable-drop-privileges "$ifname" >"$log" 2>&1 &
            ;;
        *)
            echo "unknown implementation $impl" >&2
            return 1
            ;;
    esac
    pid=$!
    echo "$pid"
}

# impl_configure IMPL NS IFNAME CONF_DIR — configures a started implementation
# (a no-op for Culvert, which configured itself from its wg-quick file).
impl_configure() {
    local impl=$1 ns=$2 ifname=$3 dir=$4
    wait_for 10 test -S "/var/run/wireguard/$ifname.sock" || { echo "$impl: no UAPI socket for $ifname" >&2; return 1; }
    [ "$impl" = culvert ] && return 0
    ip netns exec "$ns" wg setconf "$ifname" "$dir/wg.conf" || return 1
    ip -n "$ns" address add "$(cat "$dir/address")" dev "$ifname" || return 1
    ip -n "$ns" link set "$ifname" mtu "$(cat "$dir/mtu")" up || return 1
    ip -n "$ns" route add "$(cat "$dir/peer_address")" dev "$ifname" || return 1
}

# write_peer_conf DIR PRIVATE LISTEN_PORT PEER_PUBLIC PEER_ENDPOINT ADDRESS PEER_ADDRESS MTU
# — writes DIR/wg.conf, DIR/wg-quick.conf and the address files impl_configure reads.
write_peer_conf() {
    local dir=$1 priv=$2 port=$3 peer_pub=$4 peer_ep=$5 addr=$6 peer_addr=$7 mtu=$8
    mkdir -p "$dir"
    cat >"$dir/wg.conf" <<EOF
[Interface]
PrivateKey = $priv
ListenPort = $port

[Peer]
PublicKey = $peer_pub
Endpoint = $peer_ep
AllowedIPs = $peer_addr
EOF
    cat >"$dir/wg-quick.conf" <<EOF
[Interface]
PrivateKey = $priv
ListenPort = $port
Address = $addr
MTU = $mtu

[Peer]
PublicKey = $peer_pub
Endpoint = $peer_ep
AllowedIPs = $peer_addr
EOF
    chmod 600 "$dir/wg.conf" "$dir/wg-quick.conf"
    echo "$addr" >"$dir/address"
    echo "$peer_addr" >"$dir/peer_address"
    echo "$mtu" >"$dir/mtu"
}
