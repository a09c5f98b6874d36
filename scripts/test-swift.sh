#!/usr/bin/env bash
# `make test-swift`: the Swift package (root Package.swift over ios/) on Linux.
#
# Compiled and run here, inside a cached Debian 13 root with its swiftlang 6.0.3
# (scripts/swift-root.sh), in Swift 6 language mode: the generated bindings and
# every hand-written file — the NetworkExtension edge too, against the stand-in
# Apple modules in ios/Tests/StandIns (CULVERT_NE_STANDINS=1; a compile check of
# call sites and concurrency, not of Apple's behaviour) — with XCTest, against the
# host-built libculvert_ffi.so. A warning in a hand-written file fails the run;
# warnings in the generated UniFFI file are counted and allowed (policy in
# docs/ios.md). Also: `swift package dump-package` reads the root manifest in its
# release, local and system forms; a lint fails on Darwin C macros Swift cannot
# import (a curated denylist); every .swift file parses (tree-sitter-swift,
# including examples/ios); the generated C header and modulemap compile (clang
# -fmodules -Werror); the header's symbols are in the static library (nm); the
# paths Package.swift and Culvert.podspec name exist.
#
# Ends with one `N passed, M failed` line: XCTest cases plus one per check.
. "$(dirname "$0")/lib.sh"
. "$ROOT/scripts/swift-root.sh"
cd "$ROOT"

CACHE=${CULVERT_SWIFT_CACHE:-/var/cache/culvert}
STAGE="$ROOT/.cache/swift/package"      # Package.swift + ios/ with freshly generated bindings
SCRATCH="$ROOT/.cache/swift/build"      # SwiftPM's build directory
LOGS="$ROOT/.cache/swift/logs"
TS_VENV="$CACHE/ts-venv"
TS_PINS="tree-sitter==0.26.1 tree-sitter-swift==0.7.4"
mkdir -p "$LOGS" "$CACHE"
P=0; F=0; S=0
stamp() { echo "== $(date +%H:%M:%S) $*"; }
pass() { P=$((P + 1)); echo "PASS $*"; }
fail() { F=$((F + 1)); echo "FAIL $*"; }
skip() { S=$((S + 1)); echo "SKIP $*"; }
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
finish() { summary "$P" "$F" "$S"; [ "$F" -eq 0 ]; exit $?; }

# One run at a time per root (the mounts and the build directory are shared).
exec 9>"$CACHE/swift-root.lock"
flock -w 1800 9 || { fail "lock $CACHE/swift-root.lock"; finish; }
trap swift_unmount_all EXIT
trap 'swift_unmount_all; exit 130' INT TERM

TARGET_DIR=$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])') || TARGET_DIR="$ROOT/target"

# --- 1. The Rust library and the generated bindings -------------------------
stamp "cargo build -p culvert-ffi -p culvert-cli"
if cargo build -q -p culvert-ffi -p culvert-cli >"$LOGS/cargo.log" 2>&1; then pass "cargo build -p culvert-ffi -p culvert-cli"; else cat "$LOGS/cargo.log"; fail "cargo build -p culvert-ffi -p culvert-cli"; finish; fi
LIBDIR="$TARGET_DIR/debug"

# What the Rust core answers for every shared vector (the `culvert` CLI), for the
# Swift tests to compare with what they get through the FFI.
# ../shared/vectors beside the checkout (CI), or CULVERT_VECTORS.
VECTORS=${CULVERT_VECTORS:-$ROOT/../shared/vectors}
[ -d "$VECTORS" ] || [ ! -d "$ROOT/../../shared/vectors" ] || VECTORS="$ROOT/../../shared/vectors"
ORACLE="$ROOT/.cache/swift/oracle.json"
stamp "Rust answers for ../shared/vectors"
rm -f "$ORACLE"
if [ -d "$VECTORS" ] && python3 scripts/swift-oracle.py "$LIBDIR/culvert" "$VECTORS" "$ORACLE" >"$LOGS/oracle.log" 2>&1; then
    pass "$(tail -n 1 "$LOGS/oracle.log")"
else
    cat "$LOGS/oracle.log" 2>/dev/null; fail "Rust answers for $VECTORS"
fi

GEN="$ROOT/build/bindings/swift"
stamp "generate Swift bindings (scripts/bindings.sh)"
have_bindings=0
if ! bash scripts/bindings.sh --swift-only >"$LOGS/bindings.log" 2>&1; then
    tail -n 20 "$LOGS/bindings.log" | sed 's/^/  /'; fail "scripts/bindings.sh --swift-only"
elif grep -q '^swift: ' "$LOGS/bindings.log"; then
    if ls "$GEN"/*.swift >/dev/null 2>&1 && [ -f "$GEN/CulvertFFI.h" ] && [ -f "$GEN/CulvertFFI.modulemap" ]; then
        have_bindings=1; pass "bindings generated into build/bindings/swift"
    else
        fail "bindings generated into build/bindings/swift (Culvert.swift, CulvertFFI.h, CulvertFFI.modulemap)"
    fi
else
    # scripts/bindings.sh does not generate Swift yet (before the FFI landed).
    skip "Swift bindings: scripts/bindings.sh generates none yet"
fi

# Stage the package: Package.swift and ios/ as committed, with the freshly
# generated bindings.
rm -rf "$STAGE"; mkdir -p "$STAGE/ios"
cp Package.swift "$STAGE/"
cp -a ios/Sources ios/Tests "$STAGE/ios/"
if [ "$have_bindings" = 1 ]; then
    mkdir -p "$STAGE/ios/Sources/Culvert/Generated"
    cp "$GEN"/*.swift "$STAGE/ios/Sources/Culvert/Generated/"
    cp "$GEN/CulvertFFI.h" "$STAGE/ios/Sources/CulvertFFILinux/"
    # The committed copies (what SwiftPM users get from git) should match.
    for pair in "$GEN/Culvert.swift:ios/Sources/Culvert/Generated/Culvert.swift" \
                "$GEN/CulvertFFI.h:ios/Sources/CulvertFFILinux/CulvertFFI.h"; do
        if ! cmp -s "${pair%%:*}" "${pair#*:}"; then
            echo "NOTE ${pair#*:} differs from freshly generated bindings: refresh it with ios/update-bindings.sh"
        fi
    done
fi

# --- 2. swift build + swift test in the Debian 13 root ----------------------
stamp "Swift toolchain root ($SWIFT_ROOT)"
if swift_root_prepare >"$LOGS/root.log" 2>&1; then pass "swift toolchain root ready"; else tail -n 30 "$LOGS/root.log"; fail "swift toolchain root ready"; finish; fi
swift_mount_base
swift_bind "$ROOT" /src
[ "$TARGET_DIR" = "$ROOT/target" ] || swift_bind "$TARGET_DIR" /src/target
IN_LIB=/src/target/debug
IN_STAGE=/src/.cache/swift/package
IN_SCRATCH=/src/.cache/swift/build

# The root manifest in each of its forms (the switch is the environment, not the OS).
stamp "swift package dump-package (release, local, system forms)"
for form in release local system; do
    case $form in
        release) envs=(CULVERT_FFI=release) ;;
        local) envs=(CULVERT_LOCAL_XCFRAMEWORK=ios/CulvertFFI.xcframework) ;;
        *) envs=(CULVERT_FFI=system) ;;
    esac
    if swift_in_root /usr/bin/env "${envs[@]}" swift package dump-package --package-path "$IN_STAGE" \
            >"$LOGS/dump-$form.json" 2>"$LOGS/dump-$form.err" &&
        python3 scripts/swift-manifest-check.py "$form" "$LOGS/dump-$form.json" Package.swift; then
        pass "dump-package: $form form"
    else
        cat "$LOGS/dump-$form.err"; fail "dump-package: $form form"
    fi
done

# Swift 6 mode with the NetworkExtension edge compiled against the stand-ins. The
# hand-written modules are rebuilt every run so that their warnings are always printed.
STANDINS=(CULVERT_NE_STANDINS=1)
for module in Culvert CulvertTests NetworkExtension Network os Security CoreLocation; do
    rm -rf "$SCRATCH"/*/debug/"$module".build "$SCRATCH"/*/debug/Modules/"$module".* 2>/dev/null
done
stamp "swift build (Swift 6, NetworkExtension edge on stand-ins)"
if swift_in_root /usr/bin/env "${STANDINS[@]}" swift build --package-path "$IN_STAGE" --scratch-path "$IN_SCRATCH" \
        --build-tests -Xlinker -L"$IN_LIB" -Xlinker -rpath -Xlinker "$IN_LIB" >"$LOGS/build.log" 2>&1; then
    pass "swift build"
else
    grep -E 'error' "$LOGS/build.log" | head -n 60; fail "swift build"
fi
# Hand-written files: zero warnings. The generated file: counted, allowed.
hand_warnings=$(grep -E '^/[^:]+[.]swift:[0-9]+:[0-9]+: warning:' "$LOGS/build.log" | grep -v '/Generated/' | sort -u)
gen_warnings=$(grep -E '^/[^:]+/Generated/[^:]+[.]swift:[0-9]+:[0-9]+: warning:' "$LOGS/build.log" | sort -u | wc -l)
if [ -z "$hand_warnings" ] && grep -qE 'Compiling Culvert|Emitting module Culvert' "$LOGS/build.log"; then
    pass "no warnings in hand-written Swift (generated bindings: $gen_warnings warning(s), allowed)"
else
    echo "$hand_warnings" | head -n 40; fail "warnings in hand-written Swift (or the Culvert module was not rebuilt)"
fi

stamp "swift test"
swift_in_root /usr/bin/env "${STANDINS[@]}" LD_LIBRARY_PATH="$IN_LIB" CULVERT_ORACLE=/src/.cache/swift/oracle.json \
    swift test --package-path "$IN_STAGE" --scratch-path "$IN_SCRATCH" \
    -Xlinker -L"$IN_LIB" -Xlinker -rpath -Xlinker "$IN_LIB" >"$LOGS/test.log" 2>&1
test_status=$?
tp=$(grep -cE "^Test Case '.*' passed" "$LOGS/test.log")
tf=$(grep -cE "^Test Case '.*' failed" "$LOGS/test.log")
ts=$(grep -cE "^Test Case '.*' skipped" "$LOGS/test.log")
grep -E "^Test Case '.*' (passed|failed|skipped)|error:" "$LOGS/test.log" | sed 's/^/  /'
P=$((P + tp)); F=$((F + tf)); S=$((S + ts))
if [ "$test_status" -ne 0 ] && [ "$tf" -eq 0 ]; then tail -n 30 "$LOGS/test.log"; fail "swift test exited $test_status"; fi
[ "$tp" -gt 0 ] || fail "swift test ran no test"
swift_unmount_all

# --- 3. Parse-only checks ---------------------------------------------------
stamp "tree-sitter-swift parse of every .swift file"
if [ ! -x "$TS_VENV/bin/python" ] || ! "$TS_VENV/bin/python" -c 'import tree_sitter, tree_sitter_swift' 2>/dev/null; then
    python3 -m venv "$TS_VENV" >"$LOGS/venv.log" 2>&1 && "$TS_VENV/bin/pip" install -q $TS_PINS >>"$LOGS/venv.log" 2>&1 ||
        { cat "$LOGS/venv.log"; fail "tree-sitter venv"; }
fi
mapfile -t swift_files < <({ echo Package.swift; find ios examples/ios -name '*.swift' -not -path '*/.build/*' 2>/dev/null; } | sort)
"$TS_VENV/bin/python" - "${swift_files[@]}" >"$LOGS/parse.log" 2>&1 <<'PY'
import re, sys
import tree_sitter, tree_sitter_swift
parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_swift.language()))
# Two constructs of UniFFI's generated Swift that tree-sitter-swift 0.7.4 cannot
# parse (swiftc compiles them above): `@_documentation(visibility: private)`
# between `#if swift(>=5.8)` and `#endif` in front of a declaration (those three
# lines are dropped), and the closure `{ () }` (written `{ }`, the same type).
# Nothing else of the generated file is changed; hand-written files are parsed as is.
GUARD = re.compile(rb"^[ \t]*#if swift\(>=5\.8\)\n[ \t]*@_documentation\(visibility: private\)\n[ \t]*#endif\n", re.M)
for path in sys.argv[1:]:
    source = open(path, "rb").read()
    if "/Generated/" in path:
        source = GUARD.sub(b"", source).replace(b"{ () }", b"{ }")
    tree = parser.parse(source)
    bad = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            bad.append(f"{'ERROR' if node.is_error else 'MISSING ' + node.type} at {node.start_point[0] + 1}:{node.start_point[1] + 1}")
        stack.extend(node.children)
    print(("PASS" if not bad else "FAIL") + f" parse {path}" + ("" if not bad else ": " + "; ".join(bad[:5])))
PY
cat "$LOGS/parse.log"
P=$((P + $(grep -c '^PASS' "$LOGS/parse.log"))); F=$((F + $(grep -c '^FAIL' "$LOGS/parse.log")))
[ "${#swift_files[@]}" -gt 0 ] || fail "no .swift files found"

stamp "C header + modulemap (clang -fmodules -Werror)"
if [ "$have_bindings" = 1 ]; then
    modtmp=$(mktemp -d)
    mkdir -p "$modtmp/include/CulvertFFI"
    cp "$GEN/CulvertFFI.h" "$modtmp/include/CulvertFFI/"
    cp "$GEN/CulvertFFI.modulemap" "$modtmp/include/CulvertFFI/module.modulemap"
    printf '@import CulvertFFI;\nint main(void) { return 0; }\n' >"$modtmp/use.m"
    check "clang -fmodules -Werror on CulvertFFI.h + modulemap" \
        clang -fsyntax-only -fmodules -fmodules-cache-path="$modtmp/cache" -Werror -Wall -I"$modtmp/include" "$modtmp/use.m"
    stamp "symbols the header declares are exported by libculvert_ffi.a"
    check "every header symbol in libculvert_ffi.a" python3 - "$GEN/CulvertFFI.h" "$LIBDIR/libculvert_ffi.a" <<'PY'
import re, subprocess, sys
header = open(sys.argv[1]).read()
declared = set(re.findall(r"\b((?:uniffi|ffi)_culvert_ffi_\w+)\s*\(", header))
out = subprocess.run(["nm", "-g", "--defined-only", sys.argv[2]], capture_output=True, text=True).stdout
exported = {line.split()[-1] for line in out.splitlines() if len(line.split()) == 3}
missing = sorted(declared - exported)
print(f"{len(declared)} declared, {len(declared) - len(missing)} exported")
for name in missing[:20]:
    print("missing:", name)
sys.exit(1 if missing or not declared else 0)
PY
    rm -rf "$modtmp"
else
    skip "C header checks (no generated header)"
fi

stamp "Darwin C macros Swift cannot import (lint)"
check "no Darwin macro the Clang importer drops (scripts/swift-macro-denylist.txt)" \
    python3 scripts/swift-macro-lint.py scripts/swift-macro-denylist.txt ios/Sources ios/Tests/CulvertTests examples/ios

stamp "paths named by Package.swift and Culvert.podspec exist"
check "Package.swift paths exist" python3 - <<'PY'
import os, re, sys
text = open("Package.swift").read()
bad = [p for p in re.findall(r'path:\s*"([^"\\]+)"', text) if not os.path.exists(p)]
for name in re.search(r'standInModules = \[([^\]]*)\]', text).group(1).replace('"', '').split(","):
    if not os.path.isdir(os.path.join("ios/Tests/StandIns", name.strip())): bad.append(name.strip())
for res in re.findall(r'\.copy\("([^"]+)"\)', text):
    if not os.path.exists(os.path.join("ios/Sources/Culvert", res)): bad.append(res)
if os.path.exists("ios/Package.swift"): bad.append("ios/Package.swift (the manifest lives at the root)")
print("missing:", bad) if bad else None
sys.exit(1 if bad else 0)
PY
check "Culvert.podspec paths exist" python3 - <<'PY'
import glob, re, sys
text = open("Culvert.podspec").read()
bad = []
for key in ("source_files", "vendored_frameworks", "resource_bundles", "preserve_paths", "resources"):
    for m in re.finditer(rf"\.{key}\s*=\s*(.+)", text):
        value = re.sub(r"'[^']*'\s*=>", "", m.group(1))  # hash keys (bundle names) are not paths
        for pattern in re.findall(r"'([^']+)'", value):
            if pattern.endswith(".xcframework"): continue
            if not glob.glob(pattern, recursive=True): bad.append(pattern)
print("missing:", bad) if bad else None
sys.exit(1 if bad else 0)
PY

finish
