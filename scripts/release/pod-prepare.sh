#!/usr/bin/env bash
# The Culvert pod's prepare_command: CocoaPods downloads the tagged source
# (which has no XCFramework: it is built by the release and git-ignored) and runs
# this in the pod's root. It fetches the release's CulvertFFI.xcframework.zip,
# verifies it against the checksum the tagged Package.swift carries (the same
# one SwiftPM verifies) and unpacks it to ios/CulvertFFI.xcframework.
#
# CocoaPods also runs it for `pod 'Culvert', :path => …` and in `pod lib lint`
# (PodSourceInstaller#install! prepares local pods on every install): on an
# unreleased checkout it then only checks that ios/build-xcframework.sh has
# built ios/CulvertFFI.xcframework. The URL is the one SwiftPM downloads: the
# manifest's `let releaseURL = "…\(culvertVersion)…"` with the version put in.
# CULVERT_RELEASE_BASE replaces its https://github.com/culvert-sdk/culvert/releases/download
# prefix (tests). Runs on bash 3.2 with BSD tools (shasum, unzip, curl).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
home=https://github.com/culvert-sdk/culvert/releases/download

version=$(sed -n 's|^let culvertVersion = "\([^"]*\)" // culvert:version$|\1|p' Package.swift)
checksum=$(sed -n 's|^let culvertChecksum = "\([0-9a-f]*\)" // culvert:checksum$|\1|p' Package.swift)
[ -n "$version" ] || { echo "pod-prepare: no culvert:version line in Package.swift" >&2; exit 1; }
url=$(sed -n 's|^let releaseURL = "\(.*\)"$|\1|p' Package.swift | head -n 1)
case "$url" in
    "$home/"*'\(culvertVersion)'*) ;;
    *) echo "pod-prepare: Package.swift's releaseURL ('$url') is not a release download of $home" >&2; exit 1 ;;
esac
url=$(echo "$url" | sed "s|\\\\(culvertVersion)|$version|g")
[ -z "${CULVERT_RELEASE_BASE:-}" ] || url="$CULVERT_RELEASE_BASE${url#"$home"}"
echo "$checksum" | grep -Eq '^[0-9a-f]{64}$' ||
    { echo "pod-prepare: Package.swift carries no release checksum" >&2; exit 1; }
# An unreleased checkout (the placeholder checksum, 64 zeros), e.g. `pod lib lint`
# in CI: the XCFramework must have been built locally (ios/build-xcframework.sh).
if [ "$checksum" = "0000000000000000000000000000000000000000000000000000000000000000" ]; then
    [ -d ios/CulvertFFI.xcframework ] ||
        { echo "pod-prepare: unreleased checkout and no ios/CulvertFFI.xcframework: run ios/build-xcframework.sh" >&2; exit 1; }
    echo "pod-prepare: unreleased checkout, using the locally built ios/CulvertFFI.xcframework"
    exit 0
fi

sha256() { if command -v shasum >/dev/null 2>&1; then shasum -a 256 "$1"; else sha256sum "$1"; fi | awk '{ print $1 }'; }

if [ -f ios/.CulvertFFI.xcframework.checksum ] &&
    [ "$(cat ios/.CulvertFFI.xcframework.checksum)" = "$checksum" ]; then
    echo "pod-prepare: ios/CulvertFFI.xcframework $version already in place"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
curl -fsSL --retry 3 -o "$tmp/CulvertFFI.xcframework.zip" "$url"
actual=$(sha256 "$tmp/CulvertFFI.xcframework.zip")
if [ "$actual" != "$checksum" ]; then
    echo "pod-prepare: $url has checksum $actual, Package.swift says $checksum" >&2
    exit 1
fi
rm -rf ios/CulvertFFI.xcframework
unzip -q "$tmp/CulvertFFI.xcframework.zip" -d ios
[ -d ios/CulvertFFI.xcframework ] || { echo "pod-prepare: the zip has no CulvertFFI.xcframework/ at its top" >&2; exit 1; }
echo "$checksum" >ios/.CulvertFFI.xcframework.checksum
echo "pod-prepare: ios/CulvertFFI.xcframework $version ($checksum)"
