#!/usr/bin/env bash
# Builds the Android library io.culvert:culvert-android (AAR).
#
#   android/build-aar.sh                 gradle assembleRelease → build/outputs/aar/
#   android/build-aar.sh --publish       ... and publish to android/build/repo (a local
#                                        Maven repository that examples/android reads)
#   android/build-aar.sh jnilibs DIR     the native part only: libculvert_ffi.so per ABI → DIR/<abi>/
#   android/build-aar.sh bindings DIR    the Android variant of the Kotlin bindings → DIR
#
# Gradle itself runs the two native steps (tasks `cargoNdkBuild` and
# `uniffiBindings` in build.gradle.kts call this script with `jnilibs` /
# `bindings` and their own output directory), so `gradle clean assembleRelease`
# rebuilds everything. The release workflow publishes to Maven Central with
# `gradle publishAndReleaseToMavenCentral` (see docs/release.md).
#
# Needs: rustup; the Android NDK r26+ (ANDROID_NDK_HOME) and, for the Gradle
# steps, the SDK with platform 35 (ANDROID_HOME); cargo-ndk (installed at a pinned
# version if missing); Gradle 8.13+ on PATH (or GRADLE=/path/to/gradle).
# Runs on bash 3.2 (macOS) and Linux; tested with stand-in tools by
# scripts/release/test-scripts.sh.
#
# jnilibs: arm64-v8a, armeabi-v7a, x86_64 and x86 for API 24, every LOAD
# segment aligned to 16 KB (Google Play requires 16 KB page support for apps
# targeting Android 15+), checked with the NDK's llvm-readelf.
# bindings: uniffi.toml + uniffi-android.toml (androidx.annotation, the Android
# SystemCleaner), generated from the arm64 library (make test-kotlin checks the
# JVM variant of the same bindings instead).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
cd "$ROOT"

CARGO_NDK_VERSION=3.5.4
API=24
# ABI and Rust target, in the same order (bash 3.2: no associative arrays).
ABIS="arm64-v8a armeabi-v7a x86_64 x86"
triple_of() {
    case "$1" in
        arm64-v8a) echo aarch64-linux-android ;;
        armeabi-v7a) echo armv7-linux-androideabi ;;
        x86_64) echo x86_64-linux-android ;;
        x86) echo i686-linux-android ;;
        *) echo "unknown ABI $1" >&2; return 1 ;;
    esac
}

need_ndk() {
    : "${ANDROID_NDK_HOME:?set ANDROID_NDK_HOME to the Android NDK (r26 or newer)}"
    if ! cargo ndk --version 2>/dev/null | grep -q "$CARGO_NDK_VERSION"; then
        cargo install cargo-ndk --version "$CARGO_NDK_VERSION" --locked
    fi
}

# 16 KB pages: per target, so that host build scripts and proc macros are not
# linked with it.
export_page_size_flags() {
    local abi triple var
    for abi in $ABIS; do
        triple=$(triple_of "$abi")
        var="CARGO_TARGET_$(echo "$triple" | tr 'a-z-' 'A-Z_')_RUSTFLAGS"
        export "$var=-C link-arg=-Wl,-z,max-page-size=16384 -C link-arg=-Wl,-z,common-page-size=16384"
    done
}

build_jnilibs() {
    local out=$1 abi triples="" targets="" readelf so
    need_ndk
    for abi in $ABIS; do
        triples="$triples $(triple_of "$abi")"
        targets="$targets -t $abi"
    done
    # shellcheck disable=SC2086  # word lists built above, no spaces inside the words
    rustup target add $triples
    export_page_size_flags
    rm -rf "$out"
    mkdir -p "$out"
    # shellcheck disable=SC2086
    cargo ndk --platform "$API" $targets -o "$out" build -p culvert-ffi --lib --release

    readelf=$(ls "$ANDROID_NDK_HOME"/toolchains/llvm/prebuilt/*/bin/llvm-readelf 2>/dev/null | head -n 1)
    [ -n "$readelf" ] || { echo "error: no llvm-readelf under $ANDROID_NDK_HOME/toolchains/llvm/prebuilt" >&2; exit 1; }
    for abi in $ABIS; do
        so="$out/$abi/libculvert_ffi.so"
        [ -f "$so" ] || { echo "error: $so was not built" >&2; exit 1; }
        if "$readelf" -lW "$so" | awk '$1 == "LOAD" { print $NF }' | grep -qv '^0x4000$'; then
            echo "error: $so has a LOAD segment not aligned to 16 KB" >&2
            exit 1
        fi
    done
    echo "jniLibs: $out ($ABIS, 16 KB aligned)"
}

build_bindings() {
    local out=$1
    need_ndk
    rustup target add aarch64-linux-android
    export_page_size_flags
    # The arm64 library (cargo reuses the jnilibs build) carries the UniFFI
    # metadata; the bindgen binary is a host build.
    cargo ndk --platform "$API" -t arm64-v8a build -p culvert-ffi --lib --release
    cargo build -p culvert-ffi --features cli --bin uniffi-bindgen --release
    rm -rf "$out"
    mkdir -p "$out"
    "$ROOT/target/release/uniffi-bindgen" generate \
        --library "$ROOT/target/aarch64-linux-android/release/libculvert_ffi.so" \
        --language kotlin \
        --config "$ROOT/bindings/ffi/uniffi-android.toml" \
        --out-dir "$out" \
        --no-format
    echo "bindings: $out"
}

case "${1:-}" in
    jnilibs | bindings)
        [ $# -eq 2 ] || { echo "usage: $0 $1 OUTPUT_DIR" >&2; exit 2; }
        mkdir -p "$2"
        out="$(cd "$2" && pwd)"
        if [ "$1" = jnilibs ]; then build_jnilibs "$out"; else build_bindings "$out"; fi
        exit 0
        ;;
    "" | --publish) ;;
    *) echo "usage: $0 [--publish] | jnilibs DIR | bindings DIR" >&2; exit 2 ;;
esac

: "${ANDROID_HOME:?set ANDROID_HOME to the Android SDK}"
need_ndk
GRADLE="${GRADLE:-gradle}"
(cd "$HERE" && "$GRADLE" --no-daemon assembleRelease)
if [ "${1:-}" = --publish ]; then
    (cd "$HERE" && "$GRADLE" --no-daemon publishAllPublicationsToLocalRepository)
    echo "repo: $HERE/build/repo"
fi
echo "aar: $HERE/build/outputs/aar/culvert-android-release.aar"
