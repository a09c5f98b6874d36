#!/usr/bin/env bash
# Builds the Android library io.culvert:culvert-android (AAR).
#
# NOT RUN on Culvert's CI machine (it has no Android NDK or SDK); written for a
# developer machine with:
#   - rustup, and the Android Rust targets (added below);
#   - the Android NDK r26+ (ANDROID_NDK_HOME) and SDK (ANDROID_HOME) with platform 35;
#   - cargo-ndk (installed below at a pinned version if missing);
#   - Gradle 8.9+ on PATH (or GRADLE=/path/to/gradlew).
#
# Steps:
#   1. libculvert_ffi.so for arm64-v8a, armeabi-v7a, x86_64 and x86 (API 24), linked
#      with 16 KB max page size (Google Play requirement since Nov 2025) → build/jniLibs/<abi>/
#   2. the ANDROID variant of the Kotlin bindings (uniffi.toml + uniffi-android.toml:
#      androidx.annotation, the Android SystemCleaner) → build/generated/uniffi/kotlin
#      (make test-kotlin checks the JVM variant of the same bindings instead)
#   3. gradle assembleRelease → build/outputs/aar/culvert-android-release.aar
#      and, with --publish, publishes io.culvert:culvert-android to android/build/repo.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
cd "$ROOT"

publish=0
[ "${1:-}" = "--publish" ] && publish=1
: "${ANDROID_NDK_HOME:?set ANDROID_NDK_HOME to the Android NDK (r26 or newer)}"
: "${ANDROID_HOME:?set ANDROID_HOME to the Android SDK}"
CARGO_NDK_VERSION=3.5.4
API=24

declare -A TRIPLE=(
    [arm64-v8a]=aarch64-linux-android
    [armeabi-v7a]=armv7-linux-androideabi
    [x86_64]=x86_64-linux-android
    [x86]=i686-linux-android
)

rustup target add "${TRIPLE[@]}"
if ! cargo ndk --version 2>/dev/null | grep -q "$CARGO_NDK_VERSION"; then
    cargo install cargo-ndk --version "$CARGO_NDK_VERSION" --locked
fi

# 16 KB pages: every LOAD segment aligned to 0x4000. Per target, so that host
# build scripts and proc macros are not linked with it.
for triple in "${TRIPLE[@]}"; do
    var="CARGO_TARGET_$(echo "$triple" | tr 'a-z-' 'A-Z_')_RUSTFLAGS"
    export "$var=-C link-arg=-Wl,-z,max-page-size=16384 -C link-arg=-Wl,-z,common-page-size=16384"
done

rm -rf "$HERE/build/jniLibs"
targets=()
for abi in "${!TRIPLE[@]}"; do targets+=(-t "$abi"); done
cargo ndk --platform "$API" "${targets[@]}" -o "$HERE/build/jniLibs" \
    build -p culvert-ffi --lib --release

# Check the alignment of what we built.
readelf="$(ls "$ANDROID_NDK_HOME"/toolchains/llvm/prebuilt/*/bin/llvm-readelf | head -n 1)"
for so in "$HERE"/build/jniLibs/*/libculvert_ffi.so; do
    if "$readelf" -lW "$so" | awk '$1 == "LOAD" { print $NF }' | grep -qv '^0x4000$'; then
        echo "error: $so has a LOAD segment not aligned to 16 KB" >&2
        exit 1
    fi
done

# Android variant of the bindings, generated from the (unstripped) arm64 library.
cargo build -p culvert-ffi --features cli --bin uniffi-bindgen --release
rm -rf "$HERE/build/generated/uniffi/kotlin"
"$ROOT/target/release/uniffi-bindgen" generate \
    --library "$ROOT/target/aarch64-linux-android/release/libculvert_ffi.so" \
    --language kotlin \
    --config "$ROOT/bindings/ffi/uniffi-android.toml" \
    --out-dir "$HERE/build/generated/uniffi/kotlin" \
    --no-format

GRADLE="${GRADLE:-gradle}"
(cd "$HERE" && "$GRADLE" --no-daemon assembleRelease)
if [ "$publish" -eq 1 ]; then
    (cd "$HERE" && "$GRADLE" --no-daemon publishReleasePublicationToLocalRepository)
fi
echo "aar: $HERE/build/outputs/aar/culvert-android-release.aar"
