#!/usr/bin/env bash
# Builds CulvertFFI.xcframework (the Rust library `culvert_ffi` + its C header)
# for the Swift package and the CocoaPods spec, zips it and prints the checksum
# for the root Package.swift's release form. Run on a Mac with Xcode and rustup:
#
#   ios/build-xcframework.sh            # release build, all slices
#   ios/build-xcframework.sh --debug    # faster, for local development
#
# Slices: iOS device (aarch64-apple-ios), iOS simulator (aarch64-apple-ios-sim +
# x86_64-apple-ios, lipo'd into one), macOS (aarch64-apple-darwin +
# x86_64-apple-darwin, lipo'd). The header and modulemap go in a per-module
# subfolder (Headers/CulvertFFI/) so that two UniFFI-based XCFrameworks can sit in
# one app without their `module.modulemap` files colliding.
#
# Output:
#   ios/CulvertFFI.xcframework            (what Package.swift's local form and the podspec name)
#   build/xcframework/CulvertFFI.xcframework.zip           (the release asset)
#   build/xcframework/CulvertFFI.xcframework.zip.checksum  (its SwiftPM checksum)
#   ios/Sources/Culvert/Generated/Culvert.swift (the matching Swift bindings)
# A release writes the checksum into Package.swift with
# scripts/release/swift-artifact.sh (docs/release.md).
#
# Runs on the stock macOS bash (3.2): no associative arrays, and an array that
# may be empty is expanded as ${a[@]+"${a[@]}"}. Tested on Linux with stand-in
# cargo/rustup/xcodebuild/lipo/swift/ditto by scripts/release/test-scripts.sh.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
profile=release
for arg in "$@"; do
    case "$arg" in
        --debug) profile=debug ;;
        *) echo "usage: $0 [--debug]" >&2; exit 2 ;;
    esac
done
cargo_profile=(); [ "$profile" = release ] && cargo_profile=(--release)

[ "$(uname -s)" = Darwin ] || { echo "build-xcframework.sh needs macOS with Xcode (xcodebuild, lipo)" >&2; exit 1; }
for tool in cargo rustup xcodebuild lipo swift ditto; do
    command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done

targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
rustup target add "${targets[@]}"

# Deployment targets match Package.swift (iOS 15, macOS 12).
export IPHONEOS_DEPLOYMENT_TARGET=15.0
export MACOSX_DEPLOYMENT_TARGET=12.0

cd "$root"
for target in "${targets[@]}"; do
    echo "== cargo build $target ($profile)"
    cargo build -p culvert-ffi --lib --target "$target" ${cargo_profile[@]+"${cargo_profile[@]}"}
done

echo "== Swift bindings"
bash scripts/bindings.sh ${cargo_profile[@]+"${cargo_profile[@]}"} --swift-only
gen="$root/build/bindings/swift"

out="$root/build/xcframework"
rm -rf "$out"
mkdir -p "$out/headers/CulvertFFI" "$out/ios-simulator" "$out/macos"
cp "$gen/CulvertFFI.h" "$out/headers/CulvertFFI/CulvertFFI.h"
cp "$gen/CulvertFFI.modulemap" "$out/headers/CulvertFFI/module.modulemap"

lib() { echo "$root/target/$1/$profile/libculvert_ffi.a"; }
lipo -create "$(lib aarch64-apple-ios-sim)" "$(lib x86_64-apple-ios)" -output "$out/ios-simulator/libculvert_ffi.a"
lipo -create "$(lib aarch64-apple-darwin)" "$(lib x86_64-apple-darwin)" -output "$out/macos/libculvert_ffi.a"

echo "== xcodebuild -create-xcframework"
rm -rf "$here/CulvertFFI.xcframework"
xcodebuild -create-xcframework \
    -library "$(lib aarch64-apple-ios)" -headers "$out/headers" \
    -library "$out/ios-simulator/libculvert_ffi.a" -headers "$out/headers" \
    -library "$out/macos/libculvert_ffi.a" -headers "$out/headers" \
    -output "$here/CulvertFFI.xcframework"

# The privacy manifest ships as a resource of the Swift target (SwiftPM) and as a
# resource bundle (CocoaPods): a static library has no bundle of its own for it.

cp "$gen/Culvert.swift" "$here/Sources/Culvert/Generated/Culvert.swift"
cp "$gen/CulvertFFI.h" "$here/Sources/CulvertFFILinux/CulvertFFI.h"

echo "== zip + checksum"
zip="$out/CulvertFFI.xcframework.zip"
(cd "$here" && ditto -c -k --sequesterRsrc --keepParent CulvertFFI.xcframework "$zip")
checksum=$(swift package --package-path "$root" compute-checksum "$zip")
echo "$checksum" | grep -Eq '^[0-9a-f]{64}$' || { echo "unexpected checksum '$checksum'" >&2; exit 1; }
echo "$checksum" >"$zip.checksum"
echo
echo "xcframework: $here/CulvertFFI.xcframework"
echo "zip:         $zip"
echo "checksum:    $checksum"
