#!/usr/bin/env bash
# Installs everything `make test` needs on a fresh Debian machine. Idempotent.
# Each area keeps its own part in scripts/setup.d/*.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
for part in scripts/setup.d/*.sh; do
    echo "== setup: $part"
    bash "$part"
done
