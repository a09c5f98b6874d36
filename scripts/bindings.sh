#!/usr/bin/env bash
# `make bindings`: builds the host library and generates the Kotlin and Swift
# bindings from it, with the workspace's pinned uniffi-bindgen.
#
#   scripts/bindings.sh [--release] [--kotlin-only|--swift-only]
#
# Output (stable paths, printed at the end as `key: path` lines):
#   library: target/{debug,release}/libculvert_ffi.so (.dylib on macOS)
#   kotlin:  build/bindings/kotlin/io/culvert/culvert_ffi.kt   (JVM variant)
#   swift:   build/bindings/swift/{Culvert.swift,CulvertFFI.h,CulvertFFI.modulemap}
# The Kotlin here is the JVM variant (uniffi.toml: no androidx.annotation), which
# `make test-kotlin` compiles and runs; android/build-aar.sh generates the Android
# variant (uniffi.toml + uniffi-android.toml) for the AAR.
# Runs on bash 3.2 (macOS): an empty array is expanded as ${a[@]+"${a[@]}"}.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

profile=debug
langs="kotlin swift"
for arg in "$@"; do
    case "$arg" in
        --release) profile=release ;;
        --kotlin-only) langs=kotlin ;;
        --swift-only) langs=swift ;;
        *) echo "usage: $0 [--release] [--kotlin-only|--swift-only]" >&2; exit 2 ;;
    esac
done
flag=(); [ "$profile" = release ] && flag=(--release)
out="${CULVERT_BINDINGS_OUT:-$ROOT/build/bindings}"

case "$(uname -s)" in Darwin) ext=dylib ;; *) ext=so ;; esac
lib="$ROOT/target/$profile/libculvert_ffi.$ext"

# The library exactly as apps link it (no bindgen code in it) ...
cargo build --quiet -p culvert-ffi --lib ${flag[@]+"${flag[@]}"}
# ... and the bindgen binary (feature `cli`), built once and then cached.
cargo build --quiet -p culvert-ffi --features cli --bin uniffi-bindgen ${flag[@]+"${flag[@]}"}
bindgen="$ROOT/target/$profile/uniffi-bindgen"

for lang in $langs; do
    rm -rf "${out:?}/$lang"
    mkdir -p "$out/$lang"
    "$bindgen" generate --library "$lib" --language "$lang" --out-dir "$out/$lang" --no-format >/dev/null
done

echo "library: $lib"
for lang in $langs; do echo "$lang: $out/$lang"; done
