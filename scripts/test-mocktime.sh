#!/usr/bin/env bash
# In-memory tests of the sans-IO tunnel with mocked time (the separate `mocktime/`
# crate: its own workspace and cargo invocation, the only build with boringtun's
# `mock-instant` feature), plus its fmt check and clippy.
. "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
status=0
lint=0
# The crate is outside the root workspace: check its formatting and lints here.
if ! cargo fmt --manifest-path mocktime/Cargo.toml -- --check >/dev/null; then
    echo "mocktime: cargo fmt: needs formatting"; lint=$((lint + 1))
fi
if ! cargo clippy --quiet --manifest-path mocktime/Cargo.toml --all-targets -- -D warnings; then
    echo "mocktime: clippy: warnings"; lint=$((lint + 1))
fi
cargo test --manifest-path mocktime/Cargo.toml >"$LOG" 2>&1 || status=1
grep -E '^(test |error)' "$LOG" || true
[ "$status" -eq 0 ] || tail -n 40 "$LOG"
read -r p f s < <(cargo_counts "$LOG")
if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi  # build failure counts as a failure
f=$((f + lint))
summary "$p" "$f" "$s"
[ "$f" -eq 0 ]
