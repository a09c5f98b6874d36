#!/usr/bin/env bash
# `make bench`: micro-benchmarks (criterion) and the end-to-end benchmark in
# network namespaces; writes bench/results.md and prints it.
#   scripts/bench.sh [--quick] [--no-e2e] [--no-micro] [--gro off|on|both]
# --quick: 3 s iperf3 runs, 1 round, short idle window (to check the harness).
# --gro: veth GRO setting for the end-to-end runs (default both: one full run
#        with GRO off, then one with it on; every pair gets the same setting).
# Installs what it needs (scripts/setup.d/60-bench.sh) and builds the comparison
# peers once into /var/cache/culvert/bench (bench/build-peers.sh).
. "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1
set -uo pipefail
QUICK=0; E2E=1; MICRO=1; GRO=both
args=("$@")
while [ $# -gt 0 ]; do
    a=$1; shift
    case $a in
        --gro) GRO=${1:-}; shift ;;
        --quick) QUICK=1 ;;
        --no-e2e) E2E=0 ;;
        --no-micro) MICRO=0 ;;
        *) echo "usage: $0 [--quick] [--no-e2e] [--no-micro] [--gro off|on|both]" >&2; exit 2 ;;
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
    case $GRO in both) gros="off on" ;; off | on) gros=$GRO ;; *) echo "--gro takes off, on or both" >&2; exit 2 ;; esac
    for g in $gros; do
        echo "== end-to-end benchmark, veth GRO $g"
        if [ "$QUICK" = 1 ]; then
            bash bench/e2e.sh --gro "$g" --seconds 3 --rounds 1 --idle-delay 3 --idle-window 10 --out "$LOGS/e2e-gro-$g.md"
        else
            bash bench/e2e.sh --gro "$g" --out "$LOGS/e2e-gro-$g.md"
        fi
    done
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
    echo "- Command: \`make bench\` (scripts/bench.sh ${args[*]:-})"
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
    for g in off on; do
        [ -f "$LOGS/e2e-gro-$g.md" ] && { cat "$LOGS/e2e-gro-$g.md"; echo; }
    done
} >"$OUT"
[ -f "$LOGS/e2e-gro-off.md.tsv" ] && cp "$LOGS/e2e-gro-off.md.tsv" bench/results-e2e.tsv
[ -f "$LOGS/e2e-gro-on.md.tsv" ] && cp "$LOGS/e2e-gro-on.md.tsv" bench/results-e2e-gro.tsv
echo
cat "$OUT"
echo "written to $OUT"
rm -rf "$LOGS"
