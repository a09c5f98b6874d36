#!/usr/bin/env bash
# Fuzz every target in fuzz/fuzz_targets/ with cargo-fuzz (libFuzzer), on stable
# Rust through RUSTC_BOOTSTRAP=1.
#   scripts/fuzz.sh --smoke   each target FUZZ_SECONDS (default 15) — part of `make test`
#   scripts/fuzz.sh           each target FUZZ_SECONDS (default 300)
# Env: FUZZ_SECONDS, FUZZ_TARGETS (space-separated subset), FUZZ_SANITIZER
# (none|address, default none). Ends with `N passed, M failed` (one case per target).
. "$(dirname "$0")/lib.sh"
mode=long
[ "${1:-}" = "--smoke" ] && mode=smoke
if [ "$mode" = smoke ]; then secs=${FUZZ_SECONDS:-15}; else secs=${FUZZ_SECONDS:-300}; fi
sanitizer=${FUZZ_SANITIZER:-none}
cd "$ROOT/fuzz" || { summary 0 1; exit 1; }

if ! cargo fuzz --version >/dev/null 2>&1; then
    bash "$ROOT/scripts/setup.d/30-fuzz.sh" || { echo "fuzz: cannot install cargo-fuzz"; summary 0 1; exit 1; }
fi
export RUSTC_BOOTSTRAP=1

targets=${FUZZ_TARGETS:-$(for f in fuzz_targets/*.rs; do basename "$f" .rs; done)}
count=$(echo $targets | wc -w)
if [ "$count" -eq 0 ]; then echo "fuzz: no targets"; summary 0 1; exit 1; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "fuzz: building $count target(s) (sanitizer $sanitizer)"
if ! cargo fuzz build --sanitizer "$sanitizer" >"$work/build.log" 2>&1; then
    tail -n 40 "$work/build.log"
    echo "fuzz: build failed"
    summary 0 "$count"
    exit 1
fi

passed=0; failed=0; total_runs=0
for t in $targets; do
    mkdir -p "$work/$t" "corpus/$t" "artifacts/$t"
    log="$work/$t.log"
    # New inputs go to the scratch corpus; the committed seeds stay untouched.
    cargo fuzz run --sanitizer "$sanitizer" "$t" "$work/$t" "corpus/$t" -- \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
        -print_final_stats=1 >"$log" 2>&1
    status=$?
    runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -n 1)
    runs=${runs:-0}
    total_runs=$((total_runs + runs))
    if [ "$status" -eq 0 ]; then
        echo "fuzz: $t ok — $runs executions in ${secs}s"
        passed=$((passed + 1))
    else
        echo "fuzz: $t FAILED (exit $status) after $runs executions; log tail:"
        tail -n 40 "$log"
        ls -1 "artifacts/$t" 2>/dev/null | sed "s|^|fuzz: reproducer fuzz/artifacts/$t/|"
        failed=$((failed + 1))
    fi
done
echo "fuzz: $total_runs executions in total"
summary "$passed" "$failed"
[ "$failed" -eq 0 ]
