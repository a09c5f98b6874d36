#!/usr/bin/env bash
# CI's emulator step: builds the library's instrumented-test APK, installs it,
# grants VPN consent with appops (no dialog on a headless emulator), and runs
# TunnelPingTest with the client config that ci-wg-peer.sh wrote to DIR.
#
#   scripts/release/ci-emulator-test.sh DIR
#
# Needs adb with one device and Gradle (GRADLE, default gradle); make test-dist
# runs it with stand-in adb and gradle.
set -euo pipefail
dir=${1:?usage: $0 DIR (with client.conf from ci-wg-peer.sh)}
root="$(cd "$(dirname "$0")/../.." && pwd)"
pkg=io.culvert.test
[ -f "$dir/client.conf" ] || { echo "ci-emulator-test: no $dir/client.conf" >&2; exit 1; }

(cd "$root/android" && "${GRADLE:-gradle}" --no-daemon assembleDebugAndroidTest)
apk="$root/android/build/outputs/apk/androidTest/debug/culvert-android-debug-androidTest.apk"
[ -f "$apk" ] || { echo "ci-emulator-test: no $apk" >&2; exit 1; }
adb wait-for-device
adb install -r -t "$apk"
adb shell appops set "$pkg" ACTIVATE_VPN allow
config=$(base64 <"$dir/client.conf" | tr -d '\n')
out=$(adb shell am instrument -w -e culvertConfig "$config" -e culvertPingTarget 10.99.0.1 \
    "$pkg/androidx.test.runner.AndroidJUnitRunner" 2>&1) || true
echo "$out"
echo "$out" | grep -q '^OK (1 test)' || { echo "ci-emulator-test: the instrumented test failed" >&2; exit 1; }
