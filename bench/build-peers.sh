#!/usr/bin/env bash
# Builds the comparison peers for the end-to-end benchmark into a cache outside
# the repository (BENCH_CACHE, default /var/cache/culvert/bench), at low priority.
# Idempotent: a peer already built is kept. A peer that fails to build is
# reported and skipped (the benchmark marks its pairs as skipped).
#   boringtun-cli 0.7.1 and gotatun-cli 0.10.2 from crates.io (cargo install --locked)
#   wireguard-go from its Go module (golang.zx2c4.com/wireguard, pinned below)
#   wireguard-go in Android mode: bench/wggo-android (its go.mod/go.sum pin the
#   same wireguard-go), rebuilt when its sources change
set -uo pipefail
C=${BENCH_CACHE:-/var/cache/culvert/bench}
WG_GO_VERSION=${WG_GO_VERSION:-v0.0.0-20260522210424-ecfc5a8d5446}
mkdir -p "$C/logs"
export CARGO_TARGET_DIR="$C/target"
status=0

cargo_peer() { # NAME VERSION BINARY
    local name=$1 version=$2 bin=$3
    if [ -x "$C/$name/bin/$bin" ] && "$C/$name/bin/$bin" --version 2>/dev/null | grep -q "$version"; then
        echo "$name $version: cached"; return 0
    fi
    echo "$name $version: building (log $C/logs/$name.log)"
    if nice -n 19 cargo install --locked --root "$C/$name" "$name-cli@$version" -j1 >"$C/logs/$name.log" 2>&1; then
        echo "$name $version: built"
    else
        echo "$name $version: FAILED to build, see $C/logs/$name.log"; status=1
    fi
}

cargo_peer boringtun 0.7.1 boringtun-cli
cargo_peer gotatun 0.10.2 gotatun

if [ -x "$C/wggo/wireguard" ] && go version -m "$C/wggo/wireguard" 2>/dev/null | grep -q "$WG_GO_VERSION"; then
    echo "wireguard-go $WG_GO_VERSION: cached"
elif ! command -v go >/dev/null; then
    echo "wireguard-go: no Go toolchain, skipped"; status=1
else
    echo "wireguard-go $WG_GO_VERSION: building (log $C/logs/wggo.log)"
    if (cd "$C" && GOBIN="$C/wggo" GOPATH="$C/gopath" GOFLAGS=-mod=mod nice -n 19 \
        go install "golang.zx2c4.com/wireguard@$WG_GO_VERSION") >"$C/logs/wggo.log" 2>&1; then
        echo "wireguard-go: built"
    else
        echo "wireguard-go: FAILED to build, see $C/logs/wggo.log"; status=1
    fi
fi
# Android mode: our small program over the same wireguard-go module (go.sum pins it).
WGA_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/wggo-android"
WGA_STAMP=$(cat "$WGA_SRC/main.go" "$WGA_SRC/go.mod" "$WGA_SRC/go.sum" | sha256sum | cut -c1-16)
if [ -x "$C/wggo-android/wggo-android" ] && [ "$(cat "$C/wggo-android/stamp" 2>/dev/null)" = "$WGA_STAMP" ]; then
    echo "wireguard-go (Android mode): cached"
elif ! command -v go >/dev/null; then
    echo "wireguard-go (Android mode): no Go toolchain, skipped"; status=1
else
    echo "wireguard-go (Android mode): building (log $C/logs/wggo-android.log)"
    mkdir -p "$C/wggo-android"
    if (cd "$WGA_SRC" && GOPATH="$C/gopath" GOFLAGS=-mod=readonly nice -n 19 \
        go build -trimpath -o "$C/wggo-android/wggo-android" .) >"$C/logs/wggo-android.log" 2>&1; then
        echo "$WGA_STAMP" >"$C/wggo-android/stamp"
        echo "wireguard-go (Android mode): built"
    else
        echo "wireguard-go (Android mode): FAILED to build, see $C/logs/wggo-android.log"; status=1
    fi
fi
exit $status
