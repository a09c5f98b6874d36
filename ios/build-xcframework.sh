#!/usr/bin/env bash
# Builds CulvertFFI.xcframework (the Rust library `culvert_ffi` + its C header)
# for the Swift package and the CocoaPods spec, zips it and prints the checksum
# for Package.swift's release form. Run on a Mac with Xcode and rustup:
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
#   ios/CulvertFFI.xcframework            (what Package.swift's local binaryTarget names)
#   build/xcframework/CulvertFFI.xcframework.zip + its SwiftPM checksum
#   ios/Sources/Culvert/Generated/Culvert.swift (the matching Swift bindings)
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
for tool in cargo rustup xcodebuild lipo swift; do
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
    cargo build -p culvert-ffi --lib --target "$target" "${cargo_profile[@]}"
done

echo "== Swift bindings"
bash scripts/bindings.sh "${cargo_profile[@]}" --swift-only
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
(cd "$here" && ditto -c -k --sequesterRsrc --keepParent CulvertFFI.xcframework "$out/CulvertFFI.xcframework.zip")
checksum=$(swift package --package-path "$here" compute-checksum "$out/CulvertFFI.xcframework.zip")
echo
echo "xcframework: $here/CulvertFFI.xcframework"
echo "zip:         $out/CulvertFFI.xcframework.zip"
echo "checksum:    $checksum"
echo
echo "Release form for ios/Package.swift:"
echo "    .binaryTarget(name: \"CulvertFFI\", url: \"https://<your release host>/CulvertFFI.xcframework.zip\", checksum: \"$checksum\")"
