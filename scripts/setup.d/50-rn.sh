#!/usr/bin/env bash
# React Native module: the pinned npm dev tools (npm ci from the committed lock).
# Idempotent: reinstalls only when package-lock.json changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/../.."
RN=bindings/react-native

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

# npm_ci DIR — `npm ci` from DIR's committed lock, skipped when that lock was installed already.
npm_ci() {
    local dir stamp want err
    dir=$(cd "$1" && pwd)
    stamp="$dir/node_modules/.culvert-lock.sha256"
    want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        echo "npm ci in $dir"
        err=$(mktemp)
        # Expo's lock names optional per-platform packages (e.g. @expo/modules-macros-win32-x64)
        # that a registry mirror may not carry; `npm ci` then calls the lock out of sync. Fall
        # back to `npm install --no-save` from the same lock and insist the lock did not move.
        if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error 2>"$err"); then
            grep -q 'Missing: .* from lock file' "$err" || { cat "$err" >&2; return 1; }
            echo "npm ci: optional packages missing from the registry; npm install --no-save from the lock"
            cp "$dir/package-lock.json" "$err.lock"
            (cd "$dir" && npm install --no-save --no-audit --no-fund --loglevel=error)
            cmp -s "$dir/package-lock.json" "$err.lock" || { echo "$dir/package-lock.json changed" >&2; return 1; }
        fi
        rm -f "$err" "$err.lock"
        echo "$want" >"$stamp"
    fi
}
# The module's dev tools (tsc, ESLint, Jest, codegen, Expo config plugins).
npm_ci "$RN"
# The bare React Native app (its CLI resolves autolinking; its codegen runs as
# the app build does) and the Expo app (expo prebuild with the config plugin).
npm_ci examples/react-native
npm_ci examples/expo
# React Native's codegen at the lowest and highest supported versions and the
# one just below the range (scripts/codegen/<version>/package-lock.json).
CODEGEN_CACHE="${CULVERT_CACHE:-$HOME/.cache/culvert}/rn-codegen"
for lock in "$RN"/scripts/codegen/*/package-lock.json; do
    v=$(basename "$(dirname "$lock")")
    mkdir -p "$CODEGEN_CACHE/$v"
    if ! cmp -s "$lock" "$CODEGEN_CACHE/$v/package-lock.json" || [ ! -d "$CODEGEN_CACHE/$v/node_modules/@react-native/codegen" ]; then
        cp "$(dirname "$lock")"/package.json "$lock" "$CODEGEN_CACHE/$v/"
        rm -f "$CODEGEN_CACHE/$v/node_modules/.culvert-lock.sha256"
        npm_ci "$CODEGEN_CACHE/$v"
    fi
done

# Kotlin bridge check: kotlinc (npm `kotlin-compiler`), Robolectric's android-all and JNA,
# in the same cache as scripts/setup.d/20-kotlin.sh (a no-op when that ran first).
if [ -f scripts/kotlin-env.sh ]; then
    . scripts/kotlin-env.sh
else
    KOTLIN_VERSION=2.4.20
    CULVERT_CACHE="${CULVERT_CACHE:-$HOME/.cache/culvert}"
    KOTLIN_PREFIX="$CULVERT_CACHE/kotlin-$KOTLIN_VERSION"
    KOTLIN_HOME="$KOTLIN_PREFIX/node_modules/kotlin-compiler"
    KOTLIN_JARS="$CULVERT_CACHE/jvm-jars"
    ANDROID_ALL=org.robolectric:android-all:14-robolectric-10818077
fi
if ! command -v javac >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless maven >/dev/null
fi
if [ ! -x "$KOTLIN_HOME/bin/kotlinc" ]; then
    mkdir -p "$KOTLIN_PREFIX"
    npm install --prefix "$KOTLIN_PREFIX" --no-audit --no-fund --silent "kotlin-compiler@$KOTLIN_VERSION" >/dev/null
    chmod +x "$KOTLIN_HOME"/bin/* 2>/dev/null || true
fi
mkdir -p "$KOTLIN_JARS"
for artifact in "$ANDROID_ALL" net.java.dev.jna:jna:5.19.1; do
    IFS=: read -r _group name version <<<"$artifact"
    [ -f "$KOTLIN_JARS/$name-$version.jar" ] && continue
    mvn -q -B dependency:copy -Dartifact="$artifact" -DoutputDirectory="$KOTLIN_JARS" -Dstyle.color=never >/dev/null
done

# The podspec check evaluates react-native-culvert.podspec with Ruby.
if ! command -v ruby >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends ruby >/dev/null
fi

# Swift and Kotlin parse checks: tree-sitter grammars from PyPI in a venv.
TS_VENV="${CULVERT_CACHE:-$HOME/.cache/culvert}/rn-ts-venv"
if ! "$TS_VENV/bin/python" -c 'import tree_sitter, tree_sitter_kotlin, tree_sitter_swift' >/dev/null 2>&1; then
    python3 -m venv "$TS_VENV"
    "$TS_VENV/bin/pip" install -q --disable-pip-version-check \
        tree-sitter==0.25.1 tree-sitter-kotlin==1.1.0 tree-sitter-swift==0.7.4
fi
