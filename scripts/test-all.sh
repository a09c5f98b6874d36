#!/usr/bin/env bash
# `make test`: sets up the machine, then runs every test target and prints one
# aggregate `N passed, M failed[, K skipped]` line; non-zero exit on any failure.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash scripts/setup.sh || { echo "setup failed"; summary 0 1; exit 1; }
P=0; F=0; S=0
for target in ${CULVERT_TEST_TARGETS:-test-rust test-netns test-kotlin test-swift test-rn test-dist test-drills-ci fuzz-smoke}; do
    log=$(mktemp)
    echo "=== make $target"
    make --no-print-directory "$target" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    read -r p f s < <(last_summary "$log")
    p=${p:-0}; f=${f:-0}; s=${s:-0}
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "make $target exited $status"; fi
    echo "--- $target: $(summary "$p" "$f" "$s")"
    P=$((P + p)); F=$((F + f)); S=$((S + s))
    rm -f "$log"
done
summary "$P" "$F" "$S"
[ "$F" -eq 0 ]
