#!/usr/bin/env bash
# `make bench`: micro-benchmarks (criterion) and the end-to-end benchmark in
# network namespaces; writes bench/results.md and prints it.
#   scripts/bench.sh [--quick] [--no-e2e] [--no-micro]
# --quick: 3 s iperf3 runs, 1 round, short idle window (to check the harness).
# Installs what it needs (scripts/setup.d/60-bench.sh) and builds the comparison
# peers once into /var/cache/culvert/bench (bench/build-peers.sh).
. "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1
set -uo pipefail
QUICK=0; E2E=1; MICRO=1
for a in "$@"; do
    case $a in
        --quick) QUICK=1 ;;
        --no-e2e) E2E=0 ;;
        --no-micro) MICRO=0 ;;
        *) echo "usage: $0 [--quick] [--no-e2e] [--no-micro]" >&2; exit 2 ;;
    esac
done
OUT=bench/results.md
LOGS=$(mktemp -d /tmp/culvert-bench-logs.XXXXXX)
started=$(date +%s)
COMMIT=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- core bindings examples || echo "+changes")
LOAD_START=$(cut -d" " -f1-3 /proc/loadavg)

bash scripts/setup.d/60-bench.sh || { echo "bench setup failed"; exit 1; }
echo "== building comparison peers (cached)"
bash bench/build-peers.sh || echo "(some peers did not build; their pairs are skipped)"
echo "== building Culvert (release)"
cargo build --release -p culvert-cli -p culvert-ffi 2>&1 | tail -n 3
built=$(date +%s)

if [ "$MICRO" = 1 ]; then
    echo "== criterion micro-benchmarks"
    # Named benches only: `--benches` would also run the lib harness, which rejects criterion flags.
    cargo bench -p culvert-core --bench noise --bench proto --bench config -- --warm-up-time 1 --measurement-time 3 2>&1 |
        tee "$LOGS/criterion.log" | grep -E 'time:|thrpt:|^[a-z_]+/|error'
fi
if [ "$E2E" = 1 ]; then
    echo "== end-to-end benchmark"
    if [ "$QUICK" = 1 ]; then
        bash bench/e2e.sh --seconds 3 --rounds 1 --idle-delay 3 --idle-window 10 --out "$LOGS/e2e.md"
    else
        bash bench/e2e.sh --out "$LOGS/e2e.md"
    fi
fi

ffi=target/release/libculvert_ffi.so
ffi_size="not built"
if [ -f "$ffi" ]; then
    strip -o "$LOGS/ffi.so" "$ffi" && ffi_size="$(stat -c %s "$LOGS/ffi.so") bytes ($(awk -v b="$(stat -c %s "$LOGS/ffi.so")" 'BEGIN { printf "%.2f", b / 1048576 }') MiB) stripped, $(stat -c %s "$ffi") unstripped"
fi
finished=$(date +%s)

{
    echo "# Culvert benchmark results"
    echo
    echo "- Command: \`make bench\` (scripts/bench.sh $*)"
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $COMMIT"
    echo "- Machine: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) cores, kernel $(uname -r); load average (1/5/15 min) $LOAD_START at start, $(cut -d' ' -f1-3 /proc/loadavg) at the end (shared machine: other jobs ran meanwhile)"
    echo "- Time: $((built - started)) s building, $((finished - built)) s measuring"
    echo
    echo "## Size"
    echo
    echo "- \`libculvert_ffi.so\` (x86_64 Linux, release): $ffi_size"
    echo
    if [ -f "$LOGS/criterion.log" ]; then
        echo "## Micro-benchmarks (criterion, \`cargo bench -p culvert-core\`)"
        echo
        python3 bench/criterion_table.py "$LOGS/criterion.log"
        echo
    fi
    [ -f "$LOGS/e2e.md" ] && cat "$LOGS/e2e.md"
} >"$OUT"
[ -f "$LOGS/e2e.md.tsv" ] && cp "$LOGS/e2e.md.tsv" bench/results-e2e.tsv
echo
cat "$OUT"
echo "written to $OUT"
rm -rf "$LOGS"
