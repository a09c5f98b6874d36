#!/usr/bin/env bash
# Base tools: the Rust components and the apt packages the core tests use.
set -euo pipefail
rustup component add rustfmt clippy >/dev/null 2>&1 || true
need=()
for pkg in iproute2 nftables iputils-ping iperf3 wireguard-go; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
dpkg -s wireguard-tools >/dev/null 2>&1 || need+=(wireguard-tools)
if [ ${#need[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
