#!/usr/bin/env bash
# What `make bench` and the drills need beyond the base tools: jq (iperf3's JSON),
# binutils (strip), procps, ethtool (veth GRO for the benchmark). Light only: the comparison peers are built by
# bench/build-peers.sh from scripts/bench.sh, never here.
set -euo pipefail
need=()
for pkg in jq binutils procps iperf3 nftables iproute2 ethtool; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
