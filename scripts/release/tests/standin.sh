#!/usr/bin/env bash
# One stand-in for the tools the release scripts call on a Mac or with the NDK:
# cargo, cargo-ndk, rustup, uniffi-bindgen, xcodebuild, lipo, xcrun, swift,
# ditto, uname, gradle, and the publishing clients gh, pod and npm (what is
# "already published" comes from STANDIN_PUBLISHED, a space-separated list of
# github:TAG, pod:VERSION, npm:VERSION). test-scripts.sh links each name to this file in a bin
# directory put first on PATH. Every call is appended to $STANDIN_LOG as one
# line `tool<TAB>arg<TAB>arg…`; outputs are placeholders written where the real
# tool would write them, so the scripts run to the end and the test can assert
# what was built from what. Inputs a real tool would need are checked (a
# missing input fails the call, as it would for real).
set -euo pipefail
tool=$(basename "$0")
: "${STANDIN_LOG:?}"
log() { local IFS=$'\t'; printf '%s\n' "$*" >>"$STANDIN_LOG"; }
die() { echo "standin $tool: $*" >&2; exit 97; }
log "$tool" "$@"

# placeholder_so PATH ALIGNMENT_FLAGS... — a real (host) ELF shared object, linked
# with the given flags, so that readelf sees the page alignment they ask for.
placeholder_so() {
    local out=$1 src
    shift
    mkdir -p "$(dirname "$out")"
    src=$(mktemp -d)
    echo 'int culvert_placeholder(void) { return 0; }' >"$src/p.c"
    cc -shared -fPIC -o "$out" "$src/p.c" "$@"
    rm -rf "$src"
}

case "$tool" in
uname)
    if [ "${1:-}" = -s ]; then echo Darwin; else /bin/uname "$@"; fi
    ;;
rustup | xcrun) ;;
gradle)
    case " $* " in
        *" assembleDebugAndroidTest "*)
            mkdir -p build/outputs/apk/androidTest/debug
            echo placeholder >build/outputs/apk/androidTest/debug/culvert-android-debug-androidTest.apk
            ;;
    esac
    ;;
adb)
    case "${1:-} ${2:-} ${3:-}" in
        "shell am instrument")
            if [ -n "${STANDIN_INSTRUMENT_FAIL:-}" ]; then echo "FAILURES!!!"; echo "Tests run: 1,  Failures: 1"
            else echo "io.culvert.android.TunnelPingTest:."; echo "OK (1 test)"; fi
            ;;
    esac
    ;;
cargo)
    case "${1:-}" in
        ndk) exec cargo-ndk "$@" ;;
        install) exit 0 ;;
        build) ;;
        *) die "unexpected subcommand $*" ;;
    esac
    shift
    target="" profile=debug bin="" lib=0
    while [ $# -gt 0 ]; do
        case "$1" in
            --target) target=$2; shift ;;
            --release) profile=release ;;
            --bin) bin=$2; shift ;;
            --lib) lib=1 ;;
        esac
        shift
    done
    dir="$PWD/target/${target:+$target/}$profile"
    mkdir -p "$dir"
    if [ "$lib" -eq 1 ]; then
        for ext in a so dylib; do echo "placeholder libculvert_ffi ${target:-host} $profile" >"$dir/libculvert_ffi.$ext"; done
    fi
    if [ -n "$bin" ]; then
        [ "$bin" = uniffi-bindgen ] || die "unexpected --bin $bin"
        printf '#!/usr/bin/env bash\nexec "%s/uniffi-bindgen" "$@"\n' "$(dirname "$0")" >"$dir/uniffi-bindgen"
        chmod +x "$dir/uniffi-bindgen"
        # bindgen builds also build the library
        for ext in a so dylib; do echo "placeholder libculvert_ffi host $profile" >"$dir/libculvert_ffi.$ext"; done
    fi
    ;;
cargo-ndk)
    [ "${1:-}" = ndk ] || die "cargo-ndk is called as 'cargo ndk'"
    shift
    if [ "${1:-}" = --version ]; then echo "cargo-ndk ${STANDIN_CARGO_NDK_VERSION:-3.5.4}"; exit 0; fi
    # Record the per-target RUSTFLAGS the script exported.
    env | grep -E '^CARGO_TARGET_[A-Z0-9_]+_RUSTFLAGS=' | sort | while read -r line; do log "cargo-ndk-env" "$line"; done
    abis="" out="" platform=""
    while [ $# -gt 0 ]; do
        case "$1" in
            -t | --target) abis="$abis $2"; shift ;;
            -o | --output-dir) out=$2; shift ;;
            --platform | -P) platform=$2; shift ;;
            build) shift; break ;;
        esac
        shift
    done
    [ -n "$platform" ] || die "no --platform"
    for abi in $abis; do
        case "$abi" in
            arm64-v8a) triple=aarch64-linux-android ;;
            armeabi-v7a) triple=armv7-linux-androideabi ;;
            x86_64) triple=x86_64-linux-android ;;
            x86) triple=i686-linux-android ;;
            *) die "unknown ABI $abi" ;;
        esac
        var="CARGO_TARGET_$(echo "$triple" | tr 'a-z-' 'A-Z_')_RUSTFLAGS"
        flags=()
        if [ -z "${STANDIN_IGNORE_RUSTFLAGS:-}" ]; then
            case "${!var:-}" in *max-page-size=16384*) flags+=(-Wl,-z,max-page-size=16384) ;; esac
            case "${!var:-}" in *common-page-size=16384*) flags+=(-Wl,-z,common-page-size=16384) ;; esac
        fi
        so="$PWD/target/$triple/release/libculvert_ffi.so"
        placeholder_so "$so" ${flags[@]+"${flags[@]}"}
        if [ -n "$out" ]; then mkdir -p "$out/$abi"; cp "$so" "$out/$abi/libculvert_ffi.so"; fi
    done
    ;;
uniffi-bindgen)
    [ "${1:-}" = generate ] || die "expected generate"
    shift
    library="" language="" outdir=""
    while [ $# -gt 0 ]; do
        case "$1" in
            --library) library=$2; shift ;;
            --language) language=$2; shift ;;
            --out-dir) outdir=$2; shift ;;
        esac
        shift
    done
    [ -f "$library" ] || die "no library $library"
    mkdir -p "$outdir"
    case "$language" in
        swift)
            echo "// placeholder bindings from $library" >"$outdir/Culvert.swift"
            echo "/* placeholder header */" >"$outdir/CulvertFFI.h"
            echo "module CulvertFFI { header \"CulvertFFI.h\" export * }" >"$outdir/CulvertFFI.modulemap"
            ;;
        kotlin)
            mkdir -p "$outdir/io/culvert"
            echo "// placeholder bindings from $library" >"$outdir/io/culvert/culvert_ffi.kt"
            ;;
        *) die "language $language" ;;
    esac
    ;;
lipo)
    [ "${1:-}" = -create ] || die "expected -create"
    shift
    output="" inputs=()
    while [ $# -gt 0 ]; do
        case "$1" in
            -output) output=$2; shift ;;
            *) [ -f "$1" ] || die "no input $1"; inputs+=("$1") ;;
        esac
        shift
    done
    [ -n "$output" ] && [ ${#inputs[@]} -ge 2 ] || die "need -output and two inputs"
    cat "${inputs[@]}" >"$output"
    ;;
xcodebuild)
    [ "${1:-}" = -create-xcframework ] || die "expected -create-xcframework"
    shift
    output="" n=0
    libs=() headers=()
    while [ $# -gt 0 ]; do
        case "$1" in
            -library) [ -f "$2" ] || die "no library $2"; libs+=("$2"); shift ;;
            -headers) [ -d "$2" ] || die "no headers $2"; headers+=("$2"); shift ;;
            -output) output=$2; shift ;;
            *) die "unexpected argument $1" ;;
        esac
        shift
    done
    [ -n "$output" ] || die "no -output"
    [ ! -e "$output" ] || die "$output exists (xcodebuild refuses to overwrite)"
    mkdir -p "$output"
    for lib in "${libs[@]}"; do
        n=$((n + 1))
        mkdir -p "$output/slice$n/Headers"
        cp "$lib" "$output/slice$n/"
        cp -R "${headers[$((n - 1))]}/." "$output/slice$n/Headers/"
    done
    echo "<plist><!-- placeholder: $n libraries --></plist>" >"$output/Info.plist"
    ;;
ditto)
    # ditto -c -k --sequesterRsrc --keepParent SRC ZIP
    args=()
    for a in "$@"; do case "$a" in -*) ;; *) args+=("$a") ;; esac; done
    [ ${#args[@]} -eq 2 ] || die "expected SRC ZIP"
    src=${args[0]} zip=${args[1]}
    case "$zip" in /*) ;; *) zip="$PWD/$zip" ;; esac
    [ -d "$src" ] || die "no $src"
    (cd "$(dirname "$src")" && zip -qrX "$zip" "$(basename "$src")")
    ;;
swift)
    # swift package --package-path P compute-checksum ZIP
    [ "${1:-}" = package ] || die "expected 'swift package'"
    last=""
    for a in "$@"; do last=$a; done
    case " $* " in *" compute-checksum "*) ;; *) die "expected compute-checksum" ;; esac
    [ -f "$last" ] || die "no $last"
    sha256sum "$last" | awk '{ print $1 }'
    ;;
gh)
    # gh release view TAG [--json assets --jq …] | gh release create|upload …
    case "${1:-} ${2:-}" in
        "release view")
            case " ${STANDIN_PUBLISHED:-} " in *" github:$3 "*) ;; *) echo "release not found" >&2; exit 1 ;; esac
            case " $* " in *" --json "*) echo CulvertFFI.xcframework.zip ;; esac
            ;;
        "release create" | "release upload") ;;
        *) die "unexpected gh $*" ;;
    esac
    ;;
pod)
    case "${1:-} ${2:-}" in
        "trunk info")
            echo "Culvert"
            echo "    - Versions:"
            for p in ${STANDIN_PUBLISHED:-}; do case "$p" in pod:*) echo "      - ${p#pod:} (2026-12-01 00:00:00 UTC)" ;; esac; done
            ;;
        "trunk push" | "lib lint") ;;
        *) die "unexpected pod $*" ;;
    esac
    ;;
npm)
    case "${1:-}" in
        view)
            v=${2#*@}
            case " ${STANDIN_PUBLISHED:-} " in *" npm:$v "*) echo "$v" ;; *) echo "npm ERR! code E404" >&2; exit 1 ;; esac
            ;;
        publish) [ -f LICENSE ] || die "publishing without LICENSE" ;;
        *) die "unexpected npm $*" ;;
    esac
    ;;
*) die "no stand-in for $tool" ;;
esac
