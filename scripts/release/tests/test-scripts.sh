#!/usr/bin/env bash
# The build and release scripts run with stand-in tools (standin.sh) on PATH, in
# a temporary copy of the repository (the real Package.swift, target/ and
# build/ are never touched). One `ok`/`FAIL` line per case; sourced by
# scripts/test-dist.sh, which counts them. Every script a workflow step runs is
# recorded in $DIST_RAN (one path per line) for the workflow check.
#
# Cases: the XCFramework build (release and --debug: targets, lipo inputs,
# -create-xcframework arguments, zip + checksum), swift-artifact.sh (the
# checksum written into Package.swift, a version mismatch refused),
# stamp-package-swift.sh (bad input refused, only the two marker lines change),
# the AAR's native steps (ABIs, API level, 16 KB page-size flags per target, the
# alignment check failing on 4 KB pages, the Android bindings' config) and its
# Gradle calls, bindings.sh under set -u with an empty flag array,
# pod-prepare.sh (download, checksum, unpack, idempotent, wrong checksum
# refused), version.sh (check, set).

ts_setup() {
    TS_WORK=$(mktemp -d)
    TS_BIN="$TS_WORK/bin"
    mkdir -p "$TS_BIN"
    local t
    for t in cargo cargo-ndk rustup uniffi-bindgen xcodebuild lipo xcrun swift ditto uname gradle gh pod npm adb; do
        ln -s "$ROOT/scripts/release/tests/standin.sh" "$TS_BIN/$t"
    done
    # A fake NDK whose llvm-readelf is the host readelf (the stand-in cargo-ndk
    # links real ELF objects with the page-size flags it was given).
    TS_NDK="$TS_WORK/ndk"
    mkdir -p "$TS_NDK/toolchains/llvm/prebuilt/linux-x86_64/bin"
    ln -s "$(command -v readelf)" "$TS_NDK/toolchains/llvm/prebuilt/linux-x86_64/bin/llvm-readelf"
}

# ts_copy — a fresh copy of the working tree (tracked and untracked, not ignored) → $COPY
ts_copy() {
    COPY="$TS_WORK/repo.$RANDOM$RANDOM"
    mkdir -p "$COPY"
    (cd "$ROOT" && git ls-files -z -co --exclude-standard |
        tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$COPY"
    # Until the root Package.swift exists, a minimal one with the two marker lines.
    if [ ! -f "$COPY/Package.swift" ]; then
        printf '%s\n' '// swift-tools-version:5.9' 'import PackageDescription' \
            'let culvertVersion = "'"$(bash "$ROOT/scripts/release/version.sh")"'" // culvert:version' \
            'let culvertChecksum = "0000000000000000000000000000000000000000000000000000000000000000" // culvert:checksum' \
            'let releaseURL = "https://github.com/culvert-sdk/culvert/releases/download/\(culvertVersion)/CulvertFFI.xcframework.zip"' \
            >"$COPY/Package.swift"
    fi
    STANDIN_LOG="$COPY/standin.log"
    : >"$STANDIN_LOG"
    export STANDIN_LOG
}

# ts_run NAME SCRIPT ARGS... — runs a repo script in $COPY with the stand-ins first on PATH.
ts_run() {
    local name=$1
    shift
    echo "$1" >>"$DIST_RAN"
    (cd "$COPY" && env -u CARGO_TARGET_DIR PATH="$TS_BIN:$PATH" ANDROID_NDK_HOME="$TS_NDK" \
        bash "$@") >"$TS_WORK/$name.out" 2>&1
}

ts_calls() { awk -F'\t' -v t="$1" '$1 == t' "$STANDIN_LOG"; }

# ts_expect NAME CONDITION-DESCRIPTION — records a failed expectation for the case.
ts_bad() { TS_ERR="${TS_ERR}    - $*"$'\n'; }
ts_case_end() {
    if [ -z "$TS_ERR" ]; then pass "$1"
    else
        fail "$1"
        printf '%s' "$TS_ERR"
        [ -n "${2:-}" ] && [ -f "$TS_WORK/$2.out" ] && sed 's/^/    | /' "$TS_WORK/$2.out" | tail -n 20
    fi
    TS_ERR=""
}
TS_ERR=""

sha256_of() { sha256sum "$1" | awk '{ print $1 }'; }

case_xcframework() { # PROFILE (release|debug)
    local profile=$1 flag=() t
    [ "$profile" = debug ] && flag=(--debug)
    ts_copy
    ts_run "xcf-$profile" ios/build-xcframework.sh ${flag[@]+"${flag[@]}"} || ts_bad "build-xcframework.sh ${flag[*]:-} exited non-zero"
    local targets="aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin"
    ts_calls rustup | grep -q "$(printf 'target\tadd\t%s' "$(echo "$targets" | tr ' ' '\t')")" ||
        ts_bad "rustup target add was not called with the five Apple targets"
    for t in $targets; do
        local want
        want=$(printf 'cargo\tbuild\t-p\tculvert-ffi\t--lib\t--target\t%s' "$t")
        [ "$profile" = release ] && want="$want"$'\t--release'
        ts_calls cargo | grep -qxF "$want" || ts_bad "no '$want'"
    done
    [ "$(ts_calls cargo | grep -c -- '--target')" -eq 5 ] || ts_bad "expected exactly 5 cross builds"
    # bindings.sh: host library + bindgen in the same profile, Swift from the dylib.
    local rel=""; [ "$profile" = release ] && rel=$'\t--release'
    ts_calls cargo | grep -qxF "$(printf 'cargo\tbuild\t--quiet\t-p\tculvert-ffi\t--lib')$rel" || ts_bad "bindings.sh host build missing"
    ts_calls uniffi-bindgen | grep -qF -e "$(printf -- '--library\t%s/target/%s/libculvert_ffi.dylib\t--language\tswift' "$COPY" "$profile")" ||
        ts_bad "Swift bindings not generated from target/$profile/libculvert_ffi.dylib"
    # lipo: simulator = arm64-sim + x86_64 iOS; macOS = arm64 + x86_64 darwin.
    local lib="$COPY/target/%s/$profile/libculvert_ffi.a"
    local sim mac
    sim=$(printf "lipo\t-create\t$lib\t$lib\t-output\t%s" aarch64-apple-ios-sim x86_64-apple-ios "$COPY/build/xcframework/ios-simulator/libculvert_ffi.a")
    mac=$(printf "lipo\t-create\t$lib\t$lib\t-output\t%s" aarch64-apple-darwin x86_64-apple-darwin "$COPY/build/xcframework/macos/libculvert_ffi.a")
    [ "$(ts_calls lipo | wc -l)" -eq 2 ] || ts_bad "expected 2 lipo calls, got $(ts_calls lipo | wc -l)"
    ts_calls lipo | grep -qxF "$sim" || ts_bad "simulator lipo inputs wrong: $(ts_calls lipo | head -n 1)"
    ts_calls lipo | grep -qxF "$mac" || ts_bad "macOS lipo inputs wrong: $(ts_calls lipo | tail -n 1)"
    local h="$COPY/build/xcframework/headers" xcf
    xcf=$(printf 'xcodebuild\t-create-xcframework\t-library\t%s\t-headers\t%s\t-library\t%s\t-headers\t%s\t-library\t%s\t-headers\t%s\t-output\t%s' \
        "$(printf "$lib" aarch64-apple-ios)" "$h" "$COPY/build/xcframework/ios-simulator/libculvert_ffi.a" "$h" \
        "$COPY/build/xcframework/macos/libculvert_ffi.a" "$h" "$COPY/ios/CulvertFFI.xcframework")
    ts_calls xcodebuild | grep -qxF "$xcf" || ts_bad "-create-xcframework arguments: $(ts_calls xcodebuild)"
    [ -f "$h/CulvertFFI/CulvertFFI.h" ] && [ -f "$h/CulvertFFI/module.modulemap" ] ||
        ts_bad "headers not in the per-module folder Headers/CulvertFFI/"
    local zip="$COPY/build/xcframework/CulvertFFI.xcframework.zip"
    if [ -f "$zip" ]; then
        [ "$(cat "$zip.checksum" 2>/dev/null)" = "$(sha256_of "$zip")" ] || ts_bad "checksum file does not match the zip"
        unzip -l "$zip" | awk '{ print $4 }' | grep -q '^CulvertFFI.xcframework/Info.plist$' ||
            ts_bad "zip does not hold CulvertFFI.xcframework/ at its top"
    else
        ts_bad "no $zip"
    fi
    grep -q "placeholder bindings" "$COPY/ios/Sources/Culvert/Generated/Culvert.swift" ||
        ts_bad "generated Swift not copied into ios/Sources/Culvert/Generated"
    ts_case_end "build-xcframework.sh ($profile): targets, lipo inputs, -create-xcframework, zip + checksum" "xcf-$profile"
}

case_swift_artifact() {
    local v
    v=$(bash "$ROOT/scripts/release/version.sh")
    ts_copy
    local before
    before=$(cat "$COPY/Package.swift")
    ts_run swift-artifact scripts/release/swift-artifact.sh "$v" || ts_bad "swift-artifact.sh $v exited non-zero"
    local zip="$COPY/build/xcframework/CulvertFFI.xcframework.zip" sum
    sum=$(sha256_of "$zip" 2>/dev/null || echo none)
    grep -qx "let culvertChecksum = \"$sum\" // culvert:checksum" "$COPY/Package.swift" ||
        ts_bad "Package.swift does not carry the zip's checksum $sum"
    grep -qx "let culvertVersion = \"$v\" // culvert:version" "$COPY/Package.swift" || ts_bad "version line changed"
    [ "$(diff <(echo "$before") "$COPY/Package.swift" | grep -c '^>')" -eq 1 ] ||
        ts_bad "more than the checksum line changed: $(diff <(echo "$before") "$COPY/Package.swift")"
    cmp -s "$ROOT/Package.swift" "$COPY/Package.swift" 2>/dev/null && ts_bad "the real Package.swift was used"
    ts_case_end "swift-artifact.sh $v: the zip's checksum written into (a copy of) Package.swift" swift-artifact

    ts_copy
    if ts_run swift-artifact-mismatch scripts/release/swift-artifact.sh 99.0.0; then ts_bad "accepted a version no manifest carries"; fi
    [ -z "$(ts_calls cargo)" ] || ts_bad "built before checking the version"
    ts_case_end "swift-artifact.sh refuses a version that the manifests do not carry (nothing built)" swift-artifact-mismatch
}

case_stamp() {
    ts_copy
    local f="$COPY/Package.swift" good
    good=$(printf '%064d' 7 | tr 0 a)
    cp "$f" "$f.orig"
    ts_run stamp-bad scripts/release/stamp-package-swift.sh 1.2.3 ABC "$f" && ts_bad "accepted checksum ABC"
    ts_run stamp-bad-v scripts/release/stamp-package-swift.sh 1.2 "$good" "$f" && ts_bad "accepted version 1.2"
    cmp -s "$f" "$f.orig" || ts_bad "a refused stamp changed the file"
    ts_run stamp scripts/release/stamp-package-swift.sh 1.2.3 "$good" "$f" || ts_bad "valid stamp failed"
    [ "$(diff "$f.orig" "$f" | grep -c '^>')" -eq 2 ] || ts_bad "expected exactly the two marker lines to change"
    grep -qx "let culvertVersion = \"1.2.3\" // culvert:version" "$f" || ts_bad "version not written"
    grep -qx "let culvertChecksum = \"$good\" // culvert:checksum" "$f" || ts_bad "checksum not written"
    # two checksum lines, or none: refused
    cat "$f.orig" "$f.orig" >"$f.dup"
    ts_run stamp-dup scripts/release/stamp-package-swift.sh 1.2.3 "$good" "$f.dup" && ts_bad "accepted a file with two marker lines"
    grep -v culvert:checksum "$f.orig" >"$f.none"
    ts_run stamp-none scripts/release/stamp-package-swift.sh 1.2.3 "$good" "$f.none" && ts_bad "accepted a file without the checksum line"
    ts_case_end "stamp-package-swift.sh: only the two marker lines change; bad version/checksum/markers refused" stamp
}

case_aar_jnilibs() {
    ts_copy
    local out="$COPY/android/build/rust/jniLibs" abi t
    ts_run aar-jnilibs android/build-aar.sh jnilibs "$out" || ts_bad "build-aar.sh jnilibs exited non-zero"
    local ndk
    ndk=$(ts_calls cargo-ndk | grep -v -- --version | head -n 1)
    echo "$ndk" | grep -qF -e "$(printf -- '--platform\t24\t')" || ts_bad "not built for API 24: $ndk"
    for abi in arm64-v8a armeabi-v7a x86_64 x86; do
        echo "$ndk" | grep -qF -e "$(printf -- '-t\t%s\t' "$abi")" || ts_bad "ABI $abi not built"
        [ -f "$out/$abi/libculvert_ffi.so" ] || ts_bad "no $abi/libculvert_ffi.so"
    done
    [ "$(echo "$ndk" | grep -o -- $'\t-t\t' | wc -l)" -eq 4 ] || ts_bad "expected exactly four ABIs"
    echo "$ndk" | grep -qF "$(printf 'build\t-p\tculvert-ffi\t--lib\t--release')" || ts_bad "not a release build of culvert-ffi's library"
    for t in aarch64-linux-android armv7-linux-androideabi x86_64-linux-android i686-linux-android; do
        local var
        var="CARGO_TARGET_$(echo "$t" | tr 'a-z-' 'A-Z_')_RUSTFLAGS"
        local line
        line=$(ts_calls cargo-ndk-env | grep -F "$var=" | head -n 1)
        echo "$line" | grep -q 'max-page-size=16384' && echo "$line" | grep -q 'common-page-size=16384' ||
            ts_bad "$var lacks the 16 KB page-size link args: ${line:-unset}"
        ts_calls rustup | grep -q "$t" || ts_bad "rustup target add $t missing"
    done
    ts_calls cargo-ndk-env | grep -q 'CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS' &&
        ts_bad "the host target got the Android link flags"
    for abi in arm64-v8a x86; do
        readelf -lW "$out/$abi/libculvert_ffi.so" 2>/dev/null | awk '$1 == "LOAD" { print $NF }' | grep -qvx 0x4000 &&
            ts_bad "$abi .so not 16 KB aligned"
    done
    ts_case_end "build-aar.sh jnilibs: four ABIs for API 24, 16 KB page-size flags per Android target, aligned .so files" aar-jnilibs

    ts_copy
    if STANDIN_IGNORE_RUSTFLAGS=1 ts_run aar-4k android/build-aar.sh jnilibs "$COPY/out"; then
        ts_bad "accepted .so files with 4 KB LOAD alignment"
    fi
    grep -q "not aligned to 16 KB" "$TS_WORK/aar-4k.out" || ts_bad "no alignment error message"
    ts_case_end "build-aar.sh jnilibs fails when a .so is not 16 KB aligned" aar-4k
}

case_aar_bindings() {
    ts_copy
    local out="$COPY/android/build/generated/uniffi"
    ts_run aar-bindings android/build-aar.sh bindings "$out" || ts_bad "build-aar.sh bindings exited non-zero"
    ts_calls uniffi-bindgen | grep -qF -e "$(printf -- '--library\t%s/target/aarch64-linux-android/release/libculvert_ffi.so\t--language\tkotlin\t--config\t%s/bindings/ffi/uniffi-android.toml\t--out-dir\t%s' "$COPY" "$COPY" "$out")" ||
        ts_bad "Android bindings not generated from the arm64 library with uniffi-android.toml: $(ts_calls uniffi-bindgen)"
    [ -f "$out/io/culvert/culvert_ffi.kt" ] || ts_bad "no Kotlin written to $out"
    ts_case_end "build-aar.sh bindings: Android variant (uniffi-android.toml) from the arm64 library" aar-bindings

    ts_copy
    if (unset ANDROID_HOME; ts_run aar-nohome android/build-aar.sh); then
        ts_bad "ran Gradle without ANDROID_HOME"
    fi
    ANDROID_HOME="$TS_WORK" GRADLE="$TS_BIN/gradle" ts_run aar-gradle android/build-aar.sh --publish || ts_bad "build-aar.sh --publish exited non-zero"
    ts_calls gradle | grep -qxF "$(printf 'gradle\t--no-daemon\tassembleRelease')" || ts_bad "no gradle assembleRelease"
    ts_calls gradle | grep -qxF "$(printf 'gradle\t--no-daemon\tpublishAllPublicationsToLocalRepository')" || ts_bad "no local publish"
    ts_case_end "build-aar.sh [--publish]: needs ANDROID_HOME, runs gradle assembleRelease and the local publish" aar-gradle
}

case_bindings_debug() {
    ts_copy
    # Linux host here (uname stand-in says Darwin: the macOS path, .dylib).
    ts_run bindings-debug scripts/bindings.sh || ts_bad "bindings.sh (debug, empty flag array under set -u) exited non-zero"
    ts_calls cargo | grep -qxF "$(printf 'cargo\tbuild\t--quiet\t-p\tculvert-ffi\t--lib')" || ts_bad "no debug host build"
    [ "$(ts_calls uniffi-bindgen | wc -l)" -eq 2 ] || ts_bad "expected kotlin and swift generation"
    ts_case_end "scripts/bindings.sh (debug: empty array under set -u) generates both languages" bindings-debug
}

case_pod_prepare() {
    ts_copy
    local rel="$TS_WORK/release" v sum
    v=$(bash "$ROOT/scripts/release/version.sh")
    mkdir -p "$rel/$v" "$TS_WORK/xcf/CulvertFFI.xcframework"
    echo "<plist/>" >"$TS_WORK/xcf/CulvertFFI.xcframework/Info.plist"
    (cd "$TS_WORK/xcf" && zip -qrX "$rel/$v/CulvertFFI.xcframework.zip" CulvertFFI.xcframework)
    sum=$(sha256_of "$rel/$v/CulvertFFI.xcframework.zip")
    bash "$ROOT/scripts/release/stamp-package-swift.sh" "$v" "$sum" "$COPY/Package.swift" >/dev/null
    CULVERT_RELEASE_BASE="file://$rel" ts_run pod-prepare scripts/release/pod-prepare.sh || ts_bad "pod-prepare.sh exited non-zero"
    [ -f "$COPY/ios/CulvertFFI.xcframework/Info.plist" ] || ts_bad "XCFramework not unpacked to ios/"
    CULVERT_RELEASE_BASE="file:///nonexistent" ts_run pod-prepare-again scripts/release/pod-prepare.sh ||
        ts_bad "second run was not a no-op (it downloaded again)"
    rm -rf "$COPY/ios/CulvertFFI.xcframework" "$COPY/ios/.CulvertFFI.xcframework.checksum"
    bash "$ROOT/scripts/release/stamp-package-swift.sh" "$v" "$(printf '%064d' 1)" "$COPY/Package.swift" >/dev/null
    CULVERT_RELEASE_BASE="file://$rel" ts_run pod-prepare-bad scripts/release/pod-prepare.sh && ts_bad "accepted a zip whose checksum differs"
    grep -q "Package.swift says" "$TS_WORK/pod-prepare-bad.out" || ts_bad "not refused for the checksum"
    [ -e "$COPY/ios/CulvertFFI.xcframework" ] && ts_bad "unpacked a zip that failed the checksum"
    # An unreleased checkout: the local XCFramework, or a clear failure without one.
    bash "$ROOT/scripts/release/stamp-package-swift.sh" "$v" "$(printf '%064d' 0)" "$COPY/Package.swift" >/dev/null
    rm -rf "$COPY/ios/CulvertFFI.xcframework" "$COPY/ios/.CulvertFFI.xcframework.checksum"
    CULVERT_RELEASE_BASE="file://$rel" ts_run pod-prepare-dev scripts/release/pod-prepare.sh && ts_bad "unreleased checkout without an XCFramework passed"
    grep -q "run ios/build-xcframework.sh" "$TS_WORK/pod-prepare-dev.out" || ts_bad "no hint to build the XCFramework"
    mkdir -p "$COPY/ios/CulvertFFI.xcframework"
    CULVERT_RELEASE_BASE="file:///nonexistent" ts_run pod-prepare-dev2 scripts/release/pod-prepare.sh || ts_bad "unreleased checkout with a local XCFramework failed"
    ts_case_end "pod-prepare.sh: downloads $v's zip (Package.swift's releaseURL), verifies Package.swift's checksum, unpacks; idempotent; mismatch refused; unreleased checkout uses the local build" pod-prepare
}

case_version() {
    ts_copy
    echo scripts/release/version.sh >>"$DIST_RAN"
    local out
    # The root Package.swift is the Swift package's (another area); until it is
    # there, the copy carries a placeholder with the marker lines and the case says so.
    if [ ! -f "$ROOT/Package.swift" ]; then
        echo "SKIP version.sh check of Package.swift: no root Package.swift yet (a placeholder stands in)"
        S=$((S + 1))
    fi
    if ! out=$(CULVERT_ROOT="$COPY" bash "$ROOT/scripts/release/version.sh" check 2>&1); then
        ts_bad "the repository's manifests disagree:"
        TS_ERR="$TS_ERR$(echo "$out" | grep FAIL | sed 's/^/      /')"$'\n'
    fi
    ts_case_end "version.sh check: workspace version $(bash "$ROOT/scripts/release/version.sh") in every manifest and install line"

    ts_copy
    sed -i 's/^VERSION_NAME=.*/VERSION_NAME=9.9.9/' "$COPY/android/gradle.properties"
    CULVERT_ROOT="$COPY" bash "$ROOT/scripts/release/version.sh" check >"$TS_WORK/vmis.out" 2>&1 && ts_bad "a changed gradle.properties passed the check"
    grep -q 'FAIL android/gradle.properties VERSION_NAME: 9.9.9' "$TS_WORK/vmis.out" || ts_bad "mismatch not named"
    ts_case_end "version.sh check fails on one manifest with another version" vmis

    ts_copy
    CULVERT_ROOT="$COPY" bash "$ROOT/scripts/release/version.sh" set 7.8.9-rc.1 >"$TS_WORK/vset.out" 2>&1 || ts_bad "set failed"
    CULVERT_ROOT="$COPY" bash "$ROOT/scripts/release/version.sh" check 7.8.9-rc.1 >>"$TS_WORK/vset.out" 2>&1 ||
        ts_bad "after set 7.8.9-rc.1, check fails: $(grep FAIL "$TS_WORK/vset.out" | tr '\n' ';')"
    local n
    n=$(grep -c '^ok ' "$TS_WORK/vset.out")
    [ "$n" -ge 10 ] || ts_bad "only $n places checked"
    ts_case_end "version.sh set 7.8.9-rc.1 then check: every place follows ($n places)" vset
}

case_publish() {
    local v m
    v=$(bash "$ROOT/scripts/release/version.sh")
    m="$TS_WORK/central"
    mkdir -p "$m/io/culvert/culvert-android/$v"
    # Nothing published yet: every step publishes, with the right command.
    ts_copy
    ts_run pub-github scripts/release/publish.sh github "$v" "$COPY/x.zip" || ts_bad "github step failed"
    ts_calls gh | grep -q "$(printf 'release\tcreate\t%s\t%s/x.zip\t--verify-tag' "$v" "$COPY")" || ts_bad "no gh release create $v with the zip"
    CULVERT_MAVEN_BASE="file://$m" GRADLE="$TS_BIN/gradle" ts_run pub-maven scripts/release/publish.sh maven "$v" || ts_bad "maven step failed"
    ts_calls gradle | grep -qxF "$(printf 'gradle\t--no-daemon\t-PsignAllPublications=true\tpublishAndReleaseToMavenCentral')" ||
        ts_bad "no signed publishAndReleaseToMavenCentral"
    ts_run pub-pod scripts/release/publish.sh pod "$v" || ts_bad "pod step failed"
    ts_calls pod | grep -qxF "$(printf 'pod\ttrunk\tpush\tCulvert.podspec\t--allow-warnings')" || ts_bad "no pod trunk push"
    ts_run pub-npm scripts/release/publish.sh npm "$v" || ts_bad "npm step failed (LICENSE copied into the package?)"
    ts_calls npm | grep -qxF "$(printf 'npm\tpublish\t--access\tpublic')" || ts_bad "no npm publish"
    ts_case_end "publish.sh github/maven/pod/npm $v: each step publishes when nothing is published" pub-npm

    # Everything already published: every step is a no-op.
    ts_copy
    echo "<project/>" >"$m/io/culvert/culvert-android/$v/culvert-android-$v.pom"
    export STANDIN_PUBLISHED="github:$v pod:$v npm:$v"
    ts_run pub2-github scripts/release/publish.sh github "$v" "$COPY/x.zip" || ts_bad "github re-run failed"
    CULVERT_MAVEN_BASE="file://$m" GRADLE="$TS_BIN/gradle" ts_run pub2-maven scripts/release/publish.sh maven "$v" || ts_bad "maven re-run failed"
    ts_run pub2-pod scripts/release/publish.sh pod "$v" || ts_bad "pod re-run failed"
    ts_run pub2-npm scripts/release/publish.sh npm "$v" || ts_bad "npm re-run failed"
    unset STANDIN_PUBLISHED
    local acted
    acted=$(awk -F'\t' '($1 == "gh" && $3 != "view") || $1 == "gradle" || ($1 == "pod" && $3 == "push") || ($1 == "npm" && $2 == "publish")' "$STANDIN_LOG")
    [ -z "$acted" ] || ts_bad "re-run published again: $acted"
    ts_case_end "publish.sh re-run after a complete release: every step skips (idempotent)" pub2-npm

    ts_copy
    ts_run pub-wrong scripts/release/publish.sh npm 98.0.0 && ts_bad "published a version the manifests do not carry"
    [ -z "$(ts_calls npm)" ] || ts_bad "npm was called"
    ts_case_end "publish.sh refuses a version the manifests do not carry" pub-wrong
}

case_emulator() {
    ts_copy
    local d="$TS_WORK/peer"
    mkdir -p "$d"
    printf '[Interface]\nPrivateKey = x\n' >"$d/client.conf"
    GRADLE="$TS_BIN/gradle" ts_run emu scripts/release/ci-emulator-test.sh "$d" || ts_bad "ci-emulator-test.sh exited non-zero"
    local order
    order=$(awk -F'\t' '$1 == "adb" || $1 == "gradle" { print $1 " " $2 " " $3 " " $4 }' "$STANDIN_LOG" | tr '\n' '|')
    case "$order" in
        "gradle --no-daemon assembleDebugAndroidTest |adb wait-for-device  |adb install -r -t|adb shell appops set|adb shell am instrument|") ;;
        *) ts_bad "unexpected order: $order" ;;
    esac
    ts_calls adb | grep -qF "$(printf 'appops\tset\tio.culvert.test\tACTIVATE_VPN\tallow')" || ts_bad "no appops ACTIVATE_VPN allow for io.culvert.test"
    ts_calls adb | grep -qF "$(printf -- '-e\tculvertConfig\t%s\t' "$(base64 <"$d/client.conf" | tr -d '\n')")" || ts_bad "config not passed as culvertConfig"
    ts_case_end "ci-emulator-test.sh: builds and installs the test APK, appops ACTIVATE_VPN allow, then instruments with the config" emu

    ts_copy
    STANDIN_INSTRUMENT_FAIL=1 GRADLE="$TS_BIN/gradle" ts_run emu-fail scripts/release/ci-emulator-test.sh "$d" && ts_bad "a failed instrumented test passed"
    ts_case_end "ci-emulator-test.sh fails when the instrumented test fails" emu-fail
}

# The CI peer for real: in one network namespace, a client with its config in
# another, a ping through the tunnel (root, ip netns, wireguard-tools needed).
case_wg_peer() {
    if [ "$(id -u)" -ne 0 ] || ! command -v wg >/dev/null 2>&1 || ! command -v wireguard-go >/dev/null 2>&1; then
        echo "SKIP ci-wg-peer.sh: needs root, wg and wireguard-go"
        S=$((S + 1))
        return 0
    fi
    echo scripts/release/ci-wg-peer.sh >>"$DIST_RAN"
    local a="culvert-dist-peer-$$" b="culvert-dist-cli-$$" d="$TS_WORK/wgpeer" out="$TS_WORK/wgpeer.out"
    ip netns add "$a" && ip netns add "$b" || { ts_bad "ip netns add failed"; ts_case_end "ci-wg-peer.sh"; return 0; }
    {
        ip link add "vd$$a" type veth peer name "vd$$b"
        ip link set "vd$$a" netns "$a"; ip link set "vd$$b" netns "$b"
        ip -n "$a" addr add 198.51.100.1/24 dev "vd$$a"; ip -n "$a" link set "vd$$a" up; ip -n "$a" link set lo up
        ip -n "$b" addr add 198.51.100.2/24 dev "vd$$b"; ip -n "$b" link set "vd$$b" up; ip -n "$b" link set lo up
        ip netns exec "$a" env ENDPOINT=198.51.100.1 bash "$ROOT/scripts/release/ci-wg-peer.sh" start "$d"
    } >"$out" 2>&1 || ts_bad "ci-wg-peer.sh start failed"
    if [ -f "$d/client.conf" ]; then
        grep -q '^Endpoint = 198.51.100.1:51820$' "$d/client.conf" || ts_bad "client.conf endpoint"
        {
            ip netns exec "$b" wireguard-go wgcli0
            grep -v '^Address' "$d/client.conf" >"$d/client.wg"
            ip netns exec "$b" wg setconf wgcli0 "$d/client.wg"
            ip -n "$b" addr add 10.99.0.2/32 dev wgcli0
            ip -n "$b" link set wgcli0 up
            ip -n "$b" route add 10.99.0.1/32 dev wgcli0
        } >>"$out" 2>&1 || ts_bad "client setup failed"
        wait_for 15 ip netns exec "$b" ping -c 1 -W 1 10.99.0.1 || ts_bad "no ping reply from 10.99.0.1 through the tunnel within 15 s"
        ip netns exec "$a" bash "$ROOT/scripts/release/ci-wg-peer.sh" stop "$d" >>"$out" 2>&1
    else
        ts_bad "no client.conf written"
    fi
    local pid
    for pid in $(ip netns pids "$a" 2>/dev/null) $(ip netns pids "$b" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
    ip netns del "$a" 2>/dev/null; ip netns del "$b" 2>/dev/null
    ts_case_end "ci-wg-peer.sh: the CI peer answers a ping through the tunnel from its client config (two netns)" wgpeer
}

# The npm tarball as publish.sh makes it (LICENSE copied in, `npm pack` runs
# the package's own build): contents asserted.
case_npm_pack() {
    local rn="$ROOT/bindings/react-native" name="npm pack react-native-culvert: LICENSE, entry points, native sources, plugin; no tests or build output"
    if [ ! -d "$rn/node_modules" ]; then bash "$ROOT/scripts/setup.d/50-rn.sh" >"$TS_WORK/rn-setup.out" 2>&1 || true; fi
    if [ ! -d "$rn/node_modules" ]; then
        echo "SKIP $name: bindings/react-native/node_modules missing (scripts/setup.d/50-rn.sh failed)"
        S=$((S + 1))
        return 0
    fi
    ts_copy
    ln -s "$rn/node_modules" "$COPY/bindings/react-native/node_modules"
    cp "$COPY/LICENSE" "$COPY/bindings/react-native/LICENSE"
    if ! (cd "$COPY/bindings/react-native" && npm pack --json --pack-destination "$TS_WORK" >"$TS_WORK/pack.json" 2>"$TS_WORK/npm-pack.out"); then
        ts_bad "npm pack failed"
        ts_case_end "$name" npm-pack
        return 0
    fi
    node - "$TS_WORK/pack.json" "$COPY/bindings/react-native/package.json" >"$TS_WORK/npm-pack.check" 2>&1 <<'JS' || ts_bad "$(cat "$TS_WORK/npm-pack.check")"
const fs = require("fs");
const [packJson, pkgJson] = process.argv.slice(2);
const files = JSON.parse(fs.readFileSync(packJson, "utf8"))[0].files.map((f) => f.path);
const pkg = JSON.parse(fs.readFileSync(pkgJson, "utf8"));
const has = (p) => files.includes(p);
const errors = [];
for (const p of ["package.json", "LICENSE", "README.md", "app.plugin.js", "react-native-culvert.podspec", "android/build.gradle"])
  if (!has(p)) errors.push(`missing ${p}`);
for (const field of ["main", "types", "react-native"]) {
  const p = pkg[field];
  if (p && !has(p.replace(/^\.\//, ""))) errors.push(`${field} names ${p}, which is not in the tarball`);
}
if (!files.some((p) => p.startsWith("ios/") && p.endsWith(".swift"))) errors.push("no iOS Swift sources");
if (!files.some((p) => p.startsWith("android/src/main/") && p.endsWith(".kt"))) errors.push("no Android Kotlin sources");
for (const p of files)
  if (/(^|\/)__tests__\/|\.test\.[jt]sx?$|(^|\/)node_modules\/|^android\/build\//.test(p)) errors.push(`should not ship ${p}`);
if (pkg.license !== "Apache-2.0") errors.push(`license ${pkg.license}`);
console.log(errors.length ? errors.join("; ") : `${files.length} files`);
process.exit(errors.length ? 1 : 0);
JS
    cmp -s "$ROOT/LICENSE" "$COPY/bindings/react-native/LICENSE" || ts_bad "LICENSE differs from the root's"
    ts_case_end "$name ($(tail -n 1 "$TS_WORK/npm-pack.check"))" npm-pack
}

ts_all() {
    ts_setup
    case_xcframework release
    case_xcframework debug
    case_swift_artifact
    case_stamp
    case_aar_jnilibs
    case_aar_bindings
    case_bindings_debug
    case_pod_prepare
    case_version
    case_publish
    case_emulator
    case_wg_peer
    case_npm_pack
    rm -rf "$TS_WORK"
}
