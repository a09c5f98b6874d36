#!/usr/bin/env bash
# Writes the release's version and XCFramework checksum into the root
# Package.swift, whose release form builds the binary target's URL from them:
#
#   let culvertVersion = "0.1.0" // culvert:version
#   let culvertChecksum = "<64 hex digits>" // culvert:checksum
#
#   scripts/release/stamp-package-swift.sh VERSION CHECKSUM [PACKAGE_SWIFT]
#
# CHECKSUM is what `swift package compute-checksum` prints for the zip (the
# SHA-256 of the file). Each marker line must occur exactly once; nothing else
# in the file changes. Runs on bash 3.2 (macOS) and with BSD or GNU tools.
set -euo pipefail
[ $# -ge 2 ] && [ $# -le 3 ] || { echo "usage: $0 VERSION CHECKSUM [Package.swift]" >&2; exit 2; }
version=$1
checksum=$2
file=${3:-"$(cd "$(dirname "$0")/../.." && pwd)/Package.swift"}

echo "$version" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$' ||
    { echo "stamp-package-swift: '$version' is not a semantic version" >&2; exit 2; }
echo "$checksum" | grep -Eq '^[0-9a-f]{64}$' ||
    { echo "stamp-package-swift: '$checksum' is not a SHA-256 checksum (64 lowercase hex digits)" >&2; exit 2; }
[ -f "$file" ] || { echo "stamp-package-swift: no $file" >&2; exit 1; }

for marker in version checksum; do
    n=$(grep -Ec "^let culvert[A-Za-z]+ = \"[^\"]*\" // culvert:$marker\$" "$file" || true)
    [ "$n" -eq 1 ] || { echo "stamp-package-swift: $file has $n 'culvert:$marker' lines (want exactly 1)" >&2; exit 1; }
done

tmp=$(mktemp)
awk -v v="$version" -v c="$checksum" '
    /^let culvertVersion = "[^"]*" \/\/ culvert:version$/ { print "let culvertVersion = \"" v "\" // culvert:version"; next }
    /^let culvertChecksum = "[^"]*" \/\/ culvert:checksum$/ { print "let culvertChecksum = \"" c "\" // culvert:checksum"; next }
    { print }
' "$file" >"$tmp"
cat "$tmp" >"$file"
rm -f "$tmp"
grep -q "^let culvertVersion = \"$version\" // culvert:version\$" "$file" &&
    grep -q "^let culvertChecksum = \"$checksum\" // culvert:checksum\$" "$file" ||
    { echo "stamp-package-swift: the marker lines are not in the form 'let culvertVersion = \"…\" // culvert:version'" >&2; exit 1; }
echo "Package.swift: version $version, checksum $checksum"
