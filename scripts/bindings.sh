#!/usr/bin/env bash
# `make bindings`: builds the host library and generates the Kotlin and Swift
# bindings from it, with the workspace's pinned uniffi-bindgen.
#
#   scripts/bindings.sh [--release] [--kotlin-only|--swift-only] [--testing]
#
# Output (stable paths, printed at the end as `key: path` lines):
#   library: target/{debug,release}/libculvert_ffi.so (.dylib on macOS)
#   kotlin:  build/bindings/kotlin/io/culvert/culvert_ffi.kt   (JVM variant)
#   swift:   build/bindings/swift/{Culvert.swift,CulvertFFI.h,CulvertFFI.modulemap}
# The Kotlin here is the JVM variant (uniffi.toml: no androidx.annotation), which
# `make test-kotlin` compiles and runs; android/build-aar.sh generates the Android
# variant (uniffi.toml + uniffi-android.toml) for the AAR.
# --testing also builds the test build of the library (feature `testing`: the
# testing kit's TestPeer, docs/testing.md) into build/testing-lib/ and its
# Kotlin into build/bindings/kotlin-testing; target/ keeps the shipping library.
# Runs on bash 3.2 (macOS): an empty array is expanded as ${a[@]+"${a[@]}"}.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

profile=debug
langs="kotlin swift"
testing=
for arg in "$@"; do
    case "$arg" in
        --release) profile=release ;;
        --testing) testing=1 ;;
        --kotlin-only) langs=kotlin ;;
        --swift-only) langs=swift ;;
        *) echo "usage: $0 [--release] [--kotlin-only|--swift-only] [--testing]" >&2; exit 2 ;;
    esac
done
flag=(); [ "$profile" = release ] && flag=(--release)
out="${CULVERT_BINDINGS_OUT:-$ROOT/build/bindings}"

case "$(uname -s)" in Darwin) ext=dylib ;; *) ext=so ;; esac
lib="$ROOT/target/$profile/libculvert_ffi.$ext"

# The test build first (it overwrites target/…/libculvert_ffi, so it is copied
# out), then the library exactly as apps link it (no bindgen or test code in it) ...
if [ -n "$testing" ]; then
    cargo build --quiet -p culvert-ffi --lib --features testing ${flag[@]+"${flag[@]}"}
    mkdir -p "$ROOT/build/testing-lib"
    cp "$lib" "$ROOT/build/testing-lib/"
fi
cargo build --quiet -p culvert-ffi --lib ${flag[@]+"${flag[@]}"}
# ... and the bindgen binary (feature `cli`), built once and then cached.
cargo build --quiet -p culvert-ffi --features cli --bin uniffi-bindgen ${flag[@]+"${flag[@]}"}
bindgen="$ROOT/target/$profile/uniffi-bindgen"

for lang in $langs; do
    rm -rf "${out:?}/$lang"
    mkdir -p "$out/$lang"
    "$bindgen" generate --library "$lib" --language "$lang" --out-dir "$out/$lang" --no-format >/dev/null
done

if [ -n "$testing" ]; then
    rm -rf "$out/kotlin-testing"
    "$bindgen" generate --library "$ROOT/build/testing-lib/libculvert_ffi.$ext" --language kotlin \
        --out-dir "$out/kotlin-testing" --no-format >/dev/null
    echo "testing-library: $ROOT/build/testing-lib/libculvert_ffi.$ext"
    echo "kotlin-testing: $out/kotlin-testing"
fi
echo "library: $lib"
for lang in $langs; do echo "$lang: $out/$lang"; done
