#!/usr/bin/env bash
# Release step 1 (macOS): the XCFramework zip, its checksum, and the root
# Package.swift stamped with both so that the commit the release tags resolves
# by URL. Run by .github/workflows/release.yml; on a Mac by hand it does the same.
#
#   scripts/release/swift-artifact.sh VERSION
#
# VERSION must already be the version of every manifest (scripts/release/version.sh).
# Leaves build/xcframework/CulvertFFI.xcframework.zip (the release asset) and
# prints `zip: …` and `checksum: …`. The commit and the tag are the workflow's.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 VERSION" >&2; exit 2; }
version=$1
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
CULVERT_ROOT="$root" bash scripts/release/version.sh check "$version" >/dev/null ||
    { CULVERT_ROOT="$root" bash scripts/release/version.sh check "$version" | grep FAIL >&2; exit 1; }
bash ios/build-xcframework.sh
zip="$root/build/xcframework/CulvertFFI.xcframework.zip"
checksum=$(cat "$zip.checksum")
bash scripts/release/stamp-package-swift.sh "$version" "$checksum" "$root/Package.swift"
echo "zip: $zip"
echo "checksum: $checksum"
