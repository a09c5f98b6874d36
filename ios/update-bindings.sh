#!/usr/bin/env bash
# Regenerates the UniFFI Swift bindings and copies them into the package:
#   ios/Sources/Culvert/Generated/Culvert.swift   (module Culvert)
#   ios/Sources/CulvertFFILinux/CulvertFFI.h      (the C interface, Linux system library)
# They are committed so that the package resolves from git; `make test-swift`
# builds against freshly generated copies and notes when these are stale.
# Runs on Linux and macOS.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
bash "$root/scripts/bindings.sh" --swift-only >/dev/null
gen="$root/build/bindings/swift"
cp "$gen/Culvert.swift" "$here/Sources/Culvert/Generated/Culvert.swift"
cp "$gen/CulvertFFI.h" "$here/Sources/CulvertFFILinux/CulvertFFI.h"
echo "updated: ios/Sources/Culvert/Generated/Culvert.swift ios/Sources/CulvertFFILinux/CulvertFFI.h"
