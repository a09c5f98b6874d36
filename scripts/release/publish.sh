#!/usr/bin/env bash
# Release steps 2–5, each idempotent: a step whose result is already public is
# skipped, so a failed release workflow can simply be run again.
#
#   scripts/release/publish.sh github VERSION ZIP   GitHub release VERSION (tag = version, as the URL in Package.swift) with the XCFramework zip (gh)
#   scripts/release/publish.sh maven VERSION        io.culvert:culvert-android to Maven Central (Gradle)
#   scripts/release/publish.sh pod VERSION          the Culvert pod to CocoaPods trunk (pod)
#   scripts/release/publish.sh npm VERSION          react-native-culvert to npm (npm)
#
# Order (release.yml): github (the zip the tag's Package.swift names) → maven and
# pod (the pod's prepare_command downloads that zip) → npm (the React Native
# module depends on both). Credentials come from the environment the workflow
# sets (GH_TOKEN, ORG_GRADLE_PROJECT_mavenCentral*/signingInMemory*,
# COCOAPODS_TRUNK_TOKEN, NODE_AUTH_TOKEN). CULVERT_MAVEN_BASE overrides where
# the Maven check looks (tests). Runs on bash 3.2.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
step=${1:-}
version=${2:-}
[ -n "$step" ] && [ -n "$version" ] || { echo "usage: $0 github|maven|pod|npm VERSION [ZIP]" >&2; exit 2; }
bash scripts/release/version.sh check "$version" >/dev/null ||
    { bash scripts/release/version.sh check "$version" | grep FAIL >&2; exit 1; }
tag="$version"

case "$step" in
github)
    zip=${3:?the XCFramework zip}
    if gh release view "$tag" >/dev/null 2>&1; then
        if gh release view "$tag" --json assets --jq '.assets[].name' | grep -qx CulvertFFI.xcframework.zip; then
            echo "github: release $tag already has CulvertFFI.xcframework.zip"
            exit 0
        fi
        gh release upload "$tag" "$zip"
    else
        gh release create "$tag" "$zip" --verify-tag --title "Culvert $version" --notes "Culvert $version"
    fi
    ;;
maven)
    base="${CULVERT_MAVEN_BASE:-https://repo1.maven.org/maven2}"
    group=$(sed -n 's/^GROUP=//p' android/gradle.properties)
    artifact=$(sed -n 's/^POM_ARTIFACT_ID=//p' android/gradle.properties)
    pom="$base/$(echo "$group" | tr . /)/$artifact/$version/$artifact-$version.pom"
    if curl -fsSL -o /dev/null "$pom" 2>/dev/null; then
        echo "maven: $group:$artifact:$version is already on Maven Central"
        exit 0
    fi
    (cd android && "${GRADLE:-gradle}" --no-daemon -PsignAllPublications=true publishAndReleaseToMavenCentral)
    ;;
pod)
    if pod trunk info Culvert 2>/dev/null | grep -Eq "^ *- $version( |\$)"; then
        echo "pod: Culvert $version is already on trunk"
        exit 0
    fi
    pod trunk push Culvert.podspec --allow-warnings
    ;;
npm)
    cd bindings/react-native
    if [ "$(npm view "react-native-culvert@$version" version 2>/dev/null || true)" = "$version" ]; then
        echo "npm: react-native-culvert@$version is already published"
        exit 0
    fi
    cp "$root/LICENSE" LICENSE
    npm publish --access public
    ;;
*) echo "usage: $0 github|maven|pod|npm VERSION [ZIP]" >&2; exit 2 ;;
esac
