# Shared helpers for the test scripts. Source it: `. "$(dirname "$0")/lib.sh"`.
# Every test script ends with exactly one line `N passed, M failed[, K skipped]`
# and exits non-zero when anything failed.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
export CARGO_TERM_COLOR=never

# summary PASSED FAILED [SKIPPED] — prints the closing line.
summary() {
    local p=$1 f=$2 s=${3:-0}
    if [ "$s" -gt 0 ]; then echo "$p passed, $f failed, $s skipped"; else echo "$p passed, $f failed"; fi
}

# cargo_counts LOG — sums libtest's `test result:` lines of LOG; prints "P F S".
cargo_counts() {
    awk '/^test result:/ {
        for (i = 1; i <= NF; i++) {
            if ($(i) ~ /^passed;?$/) p += $(i-1);
            if ($(i) ~ /^failed;?$/) f += $(i-1);
            if ($(i) ~ /^ignored;?$/) s += $(i-1);
        }
    } END { printf "%d %d %d\n", p, f, s }' "$1"
}

# last_summary LOG — the last `N passed, M failed[, K skipped]` line of LOG as "P F S".
last_summary() {
    grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$1" | tail -n 1 |
        sed -E 's/^[A-Za-z-]+: //' |
        awk -F', ' '{ p=$1; f=$2; s=($3==""?"0 skipped":$3); sub(/ .*/,"",p); sub(/ .*/,"",f); sub(/ .*/,"",s); print p, f, s }'
}

# wait_for TIMEOUT_SECONDS CMD... — polls CMD every 0.1 s until it succeeds or the deadline passes.
wait_for() {
    local deadline=$(( $(date +%s%N) / 1000000 + ($1 * 1000) ))
    shift
    while ! "$@" >/dev/null 2>&1; do
        if [ $(( $(date +%s%N) / 1000000 )) -ge "$deadline" ]; then return 1; fi
        sleep 0.1
    done
}
