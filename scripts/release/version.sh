#!/usr/bin/env bash
# One version everywhere. The workspace version in Cargo.toml
# ([workspace.package] version) is the source of truth; every other manifest
# carries the same string.
#
#   scripts/release/version.sh                 print the workspace version
#   scripts/release/version.sh check [VERSION] every manifest carries VERSION
#                                              (default: the workspace version);
#                                              one line per place, exit 1 on a mismatch
#   scripts/release/version.sh set VERSION     write VERSION into every place
#
# Places (ROOT defaults to the repository; tests point it at a copy):
#   Cargo.toml ([workspace.package] version) and Cargo.lock (the workspace crates)
#   Package.swift (`let culvertVersion = "…" // culvert:version`)
#   Culvert.podspec (s.version); bindings/react-native/react-native-culvert.podspec
#     (takes package.json's version: checked that it does, and that it depends on
#     the same Culvert pod version)
#   android/gradle.properties (VERSION_NAME, what the Maven publication uses)
#   bindings/react-native/package.json and package-lock.json
#   bindings/react-native/android/build.gradle (takes package.json's version: checked)
#   install lines: every `io.culvert:culvert-android:X` and `pod 'Culvert', '~> X'`
#     in README.md, docs/ and examples/
# Runs on bash 3.2 (macOS) and with BSD or GNU tools.
set -euo pipefail
ROOT="${CULVERT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"

workspace_version() {
    awk '
        /^\[/ { in_ws = ($0 == "[workspace.package]") }
        in_ws && /^version *= *"/ { v = $0; sub(/^version *= *"/, "", v); sub(/".*/, "", v); print v; exit }
    ' "$ROOT/Cargo.toml"
}

# The value of the first line of FILE matching the extended regex PATTERN, with
# the part before and after the capture removed by the two sed expressions.
extract() { # FILE SED_SCRIPT
    [ -f "$ROOT/$1" ] || { echo "<missing file>"; return 0; }
    local v
    v=$(sed -n -E "$2" "$ROOT/$1" | head -n 1)
    echo "${v:-<not found>}"
}

json_version() { # FILE: the top-level "version" (and for a lockfile, packages[""].version)
    node -e '
        const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        const v = [j.version];
        if (j.packages && j.packages[""]) v.push(j.packages[""].version);
        console.log(v.join(" "));
    ' "$ROOT/$1" 2>/dev/null || echo "<unreadable>"
}

# Every place and the version it carries, one "PLACE<TAB>VALUE" line each.
places() {
    printf 'Cargo.toml [workspace.package]\t%s\n' "$(workspace_version)"
    local crate
    for crate in culvert-core culvert-ffi culvert-cli; do
        printf 'Cargo.lock %s\t%s\n' "$crate" "$(awk -v n="$crate" '
            $0 == "name = \"" n "\"" { getline; v = $0; sub(/^version = "/, "", v); sub(/"$/, "", v); print v; exit }
        ' "$ROOT/Cargo.lock")"
    done
    printf 'Package.swift culvert:version\t%s\n' \
        "$(extract Package.swift 's/^let culvertVersion = "([^"]*)" *\/\/ culvert:version *$/\1/p')"
    printf 'Culvert.podspec s.version\t%s\n' \
        "$(extract Culvert.podspec "s/^ *s\.version *= *'([^']*)'.*/\1/p")"
    printf 'android/gradle.properties VERSION_NAME\t%s\n' \
        "$(extract android/gradle.properties 's/^VERSION_NAME=(.*)$/\1/p')"
    local pj
    pj=$(json_version bindings/react-native/package.json)
    printf 'bindings/react-native/package.json\t%s\n' "$pj"
    local lock
    for lock in $(json_version bindings/react-native/package-lock.json); do
        printf 'bindings/react-native/package-lock.json\t%s\n' "$lock"
    done
    # These two follow package.json by construction; they carry it if they read it.
    local rnspec="bindings/react-native/react-native-culvert.podspec"
    if grep -Eq '^ *s\.version *= *package\["version"\]' "$ROOT/$rnspec" &&
        grep -Eq 's\.dependency +"Culvert", +package\["version"\]' "$ROOT/$rnspec"; then
        printf '%s (from package.json)\t%s\n' "$rnspec" "$pj"
    else
        printf '%s\t%s\n' "$rnspec" "<does not take package.json's version>"
    fi
    local rngradle="bindings/react-native/android/build.gradle"
    if grep -q 'culvert-android:${culvertVersion}' "$ROOT/$rngradle" &&
        grep -Eq 'def culvertVersion *= *new groovy\.json\.JsonSlurper\(\)\.parse\(file\("\.\./package\.json"\)\)\.version' "$ROOT/$rngradle"; then
        printf '%s (from package.json)\t%s\n' "$rngradle" "$pj"
    else
        printf '%s\t%s\n' "$rngradle" "<does not take package.json's version>"
    fi
    # Install lines in the docs and examples.
    local f
    for f in README.md docs/*.md examples/android/app/build.gradle.kts; do
        [ -f "$ROOT/$f" ] || continue
        grep -Eo 'io\.culvert:culvert-android:[^")[:space:]]+' "$ROOT/$f" | sed 's/^io\.culvert:culvert-android://' |
            while read -r v; do printf '%s io.culvert:culvert-android\t%s\n' "$f" "$v"; done
        grep -Eo "pod 'Culvert', '~> [^']+'" "$ROOT/$f" | sed "s/.*'~> //; s/'\$//" |
            while read -r v; do printf "%s pod 'Culvert'\t%s\n" "$f" "$v"; done
        grep -Eo 'from: "[0-9][^"]*"\)' "$ROOT/$f" | sed 's/^from: "//; s/")$//' |
            while read -r v; do printf '%s .package(from:)\t%s\n' "$f" "$v"; done
    done
}

check() {
    local want=$1 bad=0 place value
    while IFS="$(printf '\t')" read -r place value; do
        if [ "$value" = "$want" ]; then
            echo "ok   $place: $value"
        else
            echo "FAIL $place: $value (want $want)"
            bad=1
        fi
    done < <(places)
    return "$bad"
}

# rewrite FILE AWK_PROGRAM — runs the program with -v v=VERSION and replaces FILE.
rewrite() {
    local file="$ROOT/$1" tmp
    tmp=$(mktemp)
    awk -v v="$2" "$3" "$file" >"$tmp"
    cat "$tmp" >"$file"
    rm -f "$tmp"
}

set_version() {
    local v=$1
    case "$v" in
        [0-9]*.[0-9]*.[0-9]*) ;;
        *) echo "version.sh: '$v' is not MAJOR.MINOR.PATCH[-PRE]" >&2; exit 2 ;;
    esac
    rewrite Cargo.toml "$v" '
        /^\[/ { in_ws = ($0 == "[workspace.package]") }
        in_ws && /^version *= *"/ { $0 = "version = \"" v "\"" }
        { print }'
    rewrite Cargo.lock "$v" '
        /^name = "culvert-(core|ffi|cli)"$/ { print; getline; $0 = "version = \"" v "\"" }
        { print }'
    if [ -f "$ROOT/Package.swift" ]; then
        rewrite Package.swift "$v" '
            /^let culvertVersion = ".*" *\/\/ culvert:version *$/ { $0 = "let culvertVersion = \"" v "\" // culvert:version" }
            { print }'
    fi
    rewrite Culvert.podspec "$v" '
        /^ *s\.version *= *\047/ { sub(/\047[^\047]*\047/, "\047" v "\047") }
        { print }'
    rewrite android/gradle.properties "$v" '/^VERSION_NAME=/ { $0 = "VERSION_NAME=" v } { print }'
    local f
    for f in bindings/react-native/package.json bindings/react-native/package-lock.json; do
        node -e '
            const fs = require("fs"); const [file, v] = process.argv.slice(1);
            const j = JSON.parse(fs.readFileSync(file, "utf8"));
            j.version = v;
            if (j.packages && j.packages[""]) j.packages[""].version = v;
            fs.writeFileSync(file, JSON.stringify(j, null, 2) + "\n");
        ' "$ROOT/$f" "$v"
    done
    for f in README.md docs/*.md examples/android/app/build.gradle.kts; do
        [ -f "$ROOT/$f" ] || continue
        rewrite "$f" "$v" '{
            gsub(/io\.culvert:culvert-android:[0-9][^")[:space:]]*/, "io.culvert:culvert-android:" v)
            gsub(/pod \047Culvert\047, \047~> [^\047]*\047/, "pod \047Culvert\047, \047~> " v "\047")
            gsub(/from: "[0-9][^"]*"\)/, "from: \"" v "\")")
            print }'
    done
}

case "${1:-}" in
    "") workspace_version ;;
    check) check "${2:-$(workspace_version)}" ;;
    set) [ $# -eq 2 ] || { echo "usage: $0 set VERSION" >&2; exit 2; }; set_version "$2" ;;
    *) echo "usage: $0 [check [VERSION] | set VERSION]" >&2; exit 2 ;;
esac
