#!/usr/bin/env bash
# Fuzzing: cargo-fuzz (pinned) and a C++ compiler for libFuzzer. Idempotent.
set -euo pipefail
CARGO_FUZZ_VERSION=0.13.2
if ! command -v c++ >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends g++ >/dev/null
fi
if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
    cargo install --locked --quiet "cargo-fuzz@$CARGO_FUZZ_VERSION"
fi
