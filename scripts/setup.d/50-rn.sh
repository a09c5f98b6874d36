#!/usr/bin/env bash
# React Native module: the pinned npm dev tools (npm ci from the committed lock).
# Idempotent: reinstalls only when package-lock.json changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/../.."
RN=bindings/react-native

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

stamp="$RN/node_modules/.culvert-lock.sha256"
want=$(sha256sum "$RN/package-lock.json" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    (cd "$RN" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
fi
