#!/usr/bin/env bash
# fmt check, clippy -D warnings, and every cargo test of the workspace
# (unit, integration, doc tests). Ends with `N passed, M failed`.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
log=$(mktemp)
fail=0
if ! cargo fmt --all -- --check; then echo "cargo fmt: needs formatting"; fail=$((fail + 1)); fi
if ! cargo clippy --workspace --all-targets --quiet -- -D warnings; then echo "clippy: warnings"; fail=$((fail + 1)); fi
cargo test --workspace --no-fail-fast 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# The FFI's test-only feature (the testing kit's TestPeer, docs/testing.md): no
# workspace member turns it on, so its lints and tests run here.
if ! cargo clippy -p culvert-ffi --features testing --all-targets --quiet -- -D warnings; then echo "clippy (culvert-ffi, testing): warnings"; fail=$((fail + 1)); fi
cargo test -p culvert-ffi --features testing --lib --no-fail-fast testing:: 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -ne 0 ] && status=1
read -r p f s < <(cargo_counts "$log")
if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
f=$((f + fail))
rm -f "$log"
summary "$p" "$f" "$s"
[ "$f" -eq 0 ]
