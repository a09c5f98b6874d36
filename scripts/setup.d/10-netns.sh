#!/usr/bin/env bash
# Network-namespace interop tests (`make test-netns`): wireguard-go and wg from
# Debian, ping, iperf3, iproute2 and nftables. Idempotent.
set -euo pipefail
need=()
for pkg in iproute2 nftables iputils-ping iperf3 wireguard-go wireguard-tools procps; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "10-netns: not root, cannot install: ${need[*]} (make test-netns will skip)" >&2
        exit 0
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
