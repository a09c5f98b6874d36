#!/usr/bin/env bash
# `make test-kotlin`: compiles every Kotlin file (hand-written android/src/main,
# the generated JVM-variant bindings, the JVM tests) against
# Robolectric's android-all (the real Android framework API), then runs the JUnit
# tests on the JVM against the host libculvert_ffi.so, then the Android glue and the
# React Native module's Kotlin under Robolectric 4.17 at API 24, 26, 28, 29, 30, 33
# and 35 (one JVM per level; case lines name the level, `sdk=24`). As root, also runs the
# network-namespace test: a tunnel started from Kotlin on a real TUN fd reaching
# wireguard-go. Ends with `N passed, M failed[, K skipped]` (JUnit test cases).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kotlin-env.sh"
cd "$ROOT"

fail() { echo "test-kotlin: $*"; summary 0 1; exit 1; }

if [ -z "${CULVERT_SKIP_SETUP:-}" ]; then
    bash scripts/setup.d/20-kotlin.sh || fail "toolchain setup failed"
fi
bash scripts/bindings.sh --kotlin-only --testing || fail "building the library or generating bindings failed"

# The Android variant too (as android/build-aar.sh generates it; not compiled here:
# it imports androidx.annotation, which is not on Maven Central): checked by BindingsVariantTest.
ANDROID_BINDINGS="$ROOT/build/bindings/kotlin-android"
rm -rf "$ANDROID_BINDINGS"
"$ROOT/target/debug/uniffi-bindgen" generate --library "$ROOT/target/debug/libculvert_ffi.so" --language kotlin \
    --config "$ROOT/bindings/ffi/uniffi-android.toml" --out-dir "$ANDROID_BINDINGS" --no-format >/dev/null ||
    fail "generating the Android variant of the bindings failed"

jar() { echo "$KOTLIN_JARS/$1"; }
ANDROID_JAR=$(jar "android-all-${ANDROID_ALL##*:}.jar")
KLIB="$KOTLIN_HOME/lib"
TEST_LIBS="$(jar jna-5.19.1.jar):$(jar junit-4.13.2.jar):$(jar hamcrest-core-1.3.jar):$KLIB/kotlin-test.jar:$KLIB/kotlin-test-junit.jar:$KLIB/kotlinx-coroutines-core-jvm.jar"
for f in ${TEST_LIBS//:/ } "$ANDROID_JAR"; do [ -f "$f" ] || fail "missing $f (run scripts/setup.d/20-kotlin.sh)"; done

# Three kotlinc runs, each skipped when its sources (and classpath) did not change:
# 1. the library: hand-written android/src/main + the generated JVM-variant bindings;
# 2. the JVM tests, against 1.
OUT="$ROOT/build/kotlin"
mkdir -p "$OUT"
compile() { # compile NAME CLASSPATH SALT SOURCES...
    local name=$1 cp=$2 salt=$3; shift 3
    local dest="$OUT/$name" key
    key=$( { echo "$KOTLIN_VERSION $KOTLIN_COMPAT_FLAGS $cp $salt"; cat "$@"; } | sha256sum | cut -d' ' -f1)
    if [ "$(cat "$dest.stamp" 2>/dev/null)" = "$key" ] && [ -d "$dest" ]; then
        echo "kotlin $name: $# files unchanged, reusing $dest"
        return 0
    fi
    rm -rf "$dest" "$dest.stamp"; mkdir -p "$dest"
    local start; start=$(date +%s)
    if ! JAVA_OPTS="-Xmx1500m" "$KOTLIN_HOME/bin/kotlinc" -jvm-target 17 -nowarn $KOTLIN_COMPAT_FLAGS \
        -cp "$cp" -d "$dest" "$@" >"$dest.log" 2>&1; then
        cat "$dest.log"
        return 1
    fi
    echo "$key" > "$dest.stamp"
    echo "kotlin $name: $# files compiled in $(( $(date +%s) - start )) s"
}
# The generated bindings (large, slow to compile) and the hand-written glue separately,
# so a change to the glue does not recompile the bindings.
mapfile -t BINDING_SOURCES < <(find build/bindings/kotlin -name '*.kt' 2>/dev/null | sort)
mapfile -t MAIN_SOURCES < <(find android/src/main/kotlin -name '*.kt' 2>/dev/null | sort)
mapfile -t TEST_SOURCES < <(find android/src/test/kotlin -name '*.kt' | sort)
# All compile against android-all: the real Android framework API (API 34).
compile bindings "$TEST_LIBS:$ANDROID_JAR" "" "${BINDING_SOURCES[@]}" || fail "kotlinc failed (generated bindings)"
compile main "$OUT/bindings:$TEST_LIBS:$ANDROID_JAR" "$(cat "$OUT/bindings.stamp")" "${MAIN_SOURCES[@]}" || fail "kotlinc failed (library sources)"
LIB_CP="$OUT/main:$OUT/bindings"
compile test "$LIB_CP:$TEST_LIBS:$ANDROID_JAR" "$(cat "$OUT/main.stamp")" "${TEST_SOURCES[@]}" || fail "kotlinc failed (tests)"
# 3. the example app (examples/android), against 1: it must keep compiling.
mapfile -t EXAMPLE_SOURCES < <(find examples/android -name '*.kt' | sort)
compile example "$LIB_CP:$TEST_LIBS:$ANDROID_JAR" "$(cat "$OUT/main.stamp")" "${EXAMPLE_SOURCES[@]}" || fail "kotlinc failed (examples/android)"
# 4. the Robolectric tests with the React Native module's Kotlin (all but the two files
#    that use React Native's own types, ReactGlue.kt and CulvertPackage.kt, and the
#    per-architecture module classes).
ROBO_LIBS=$(find "$ROBOLECTRIC_HOME/lib" -name '*.jar' | sort | tr '\n' ':')
mapfile -t ROBO_SOURCES < <( { find android/src/robolectric/kotlin -name '*.kt'
    find bindings/react-native/android/src/main/java -name '*.kt' ! -name ReactGlue.kt ! -name CulvertPackage.kt; } | sort)
compile robolectric "$LIB_CP:$ROBO_LIBS$TEST_LIBS:$ANDROID_JAR" "$(cat "$OUT/main.stamp")" "${ROBO_SOURCES[@]}" ||
    fail "kotlinc failed (Robolectric tests and the React Native module)"
CLASSES="$OUT/test"

# Conformance vectors: $CULVERT_SHARED_DIR/vectors or ../shared/vectors beside the repo.
VECTORS="${CULVERT_SHARED_DIR:-$ROOT/../shared}/vectors"
[ -d "$VECTORS" ] || VECTORS="$ROOT/../../shared/vectors" # a worktree under /work/wt
export CULVERT_JAVA_PROPS="-Dculvert.vectors=$VECTORS -Dculvert.bindings.jvm=$ROOT/build/bindings/kotlin -Dculvert.bindings.android=$ANDROID_BINDINGS"

RUNTIME_CP="$OUT/test:$LIB_CP:$TEST_LIBS:$KLIB/kotlin-stdlib.jar:$ANDROID_JAR"
LIBDIR="$ROOT/target/debug"
P=0; F=0; S=0
add() { read -r p f s < <(last_summary "$1"); P=$((P + ${p:-0})); F=$((F + ${f:-0})); S=$((S + ${s:-0})); }

log=$(mktemp)
timeout 600 java -Xmx512m -Djna.library.path="$LIBDIR" $CULVERT_JAVA_PROPS -cp "$RUNTIME_CP" io.culvert.test.RunTestsKt \
    "$CLASSES" --exclude io.culvert.NetnsTunTest 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
add "$log"
if [ "$status" -ne 0 ] && [ "$(last_summary "$log" | cut -d' ' -f2)" = "0" ]; then F=$((F + 1)); echo "JUnit run exited $status"; fi

# The testing kit through the FFI (docs/testing.md): the test build of the library
# (feature `testing`, build/testing-lib) with its own generated bindings, and the
# JUnit tests of android/src/testkit against it; never the shipping library.
if [ -d android/src/testkit/kotlin ]; then
    mapfile -t TESTKIT_SOURCES < <(find android/src/testkit/kotlin -name '*.kt' | sort)
    if compile testing-bindings "$TEST_LIBS" "" "$ROOT"/build/bindings/kotlin-testing/io/culvert/*.kt &&
        compile testkit "$OUT/testing-bindings:$TEST_LIBS" "$(cat "$OUT/testing-bindings.stamp")" "${TESTKIT_SOURCES[@]}"; then
        timeout 300 java -Xmx512m -Djna.library.path="$ROOT/build/testing-lib" \
            -cp "$OUT/testkit:$OUT/testing-bindings:$OUT/test:$TEST_LIBS:$KLIB/kotlin-stdlib.jar" \
            io.culvert.test.RunTestsKt "$OUT/testkit" 2>&1 | tee "$log"
        status=${PIPESTATUS[0]}
        add "$log"
        if [ "$status" -ne 0 ] && [ "$(last_summary "$log" | cut -d' ' -f2)" = "0" ]; then F=$((F + 1)); echo "testkit JUnit run exited $status"; fi
    else
        echo "test-kotlin: kotlinc failed (testing bindings or android/src/testkit)"
        F=$((F + 1))
    fi
fi

# Robolectric: the real CulvertVpnService, VpnSettings, WifiSuggestions and the React
# Native module against each API level's framework, one JVM per level (JNA's native
# library can be loaded by one class loader only; each JVM has one Robolectric sandbox).
# The runner's own classpath has the newest framework jar Java 17 can load (API 35).
ROBO_ALL="$ROBOLECTRIC_M2/org/robolectric/android-all/${ROBOLECTRIC_ANDROID_ALL##*:}/android-all-${ROBOLECTRIC_ANDROID_ALL##*:}.jar"
ROBO_CP="$OUT/robolectric:$LIB_CP:$ROBO_LIBS$TEST_LIBS:$KLIB/kotlin-stdlib.jar:$ROBO_ALL"
mapfile -t ROBO_CLASSES < <(cd "$OUT/robolectric" && find . -name '*RoboTest.class' ! -name RoboTest.class | sed 's|^\./||; s|\.class$||; s|/|.|g' | sort)
# Robolectric reflects into the JDK (FileDescriptor, ...) from API 35 on: open those modules.
OPENS=()
for p in java.lang java.io java.net java.util java.nio sun.nio.ch java.lang.reflect java.util.concurrent \
    jdk.internal.access jdk.internal.misc jdk.internal.util java.security; do
    OPENS+=("--add-opens=java.base/$p=ALL-UNNAMED")
done
for entry in "${ROBOLECTRIC_SDKS[@]}"; do
    level=${entry%%:*}
    timeout 600 java -Xmx1g "${OPENS[@]}" -Djna.library.path="$LIBDIR" $CULVERT_JAVA_PROPS \
        -Drobolectric.enabledSdks="$level" -Dmaven.repo.local="$ROBOLECTRIC_M2" -Drobolectric.logging=stderr \
        -cp "$ROBO_CP" io.culvert.robo.RoboMainKt "$level" "${ROBO_CLASSES[@]}" >"$log" 2>"$log.err"
    status=$?
    cat "$log"
    add "$log"
    if [ "$status" -ne 0 ] && [ "$(last_summary "$log" | cut -d' ' -f2)" = "0" ]; then
        F=$((F + 1)); echo "Robolectric at sdk=$level exited $status"; tail -n 40 "$log.err"
    fi
done
rm -f "$log.err"

# The TUN test needs root, /dev/net/tun and wireguard-go; it runs inside its own netns.
netns_script=android/src/test/netns/run.sh
if [ -f "$netns_script" ]; then
    if [ "$(id -u)" -eq 0 ] && [ -c /dev/net/tun ] && command -v wireguard-go >/dev/null 2>&1; then
        timeout 300 bash "$netns_script" "$RUNTIME_CP" "$LIBDIR" 2>&1 | tee "$log"
        status=${PIPESTATUS[0]}
        add "$log"
        if [ "$status" -ne 0 ] && [ "$(last_summary "$log" | cut -d' ' -f2)" = "0" ]; then F=$((F + 1)); echo "netns test exited $status"; fi
    else
        echo "SKIP NetnsTunTest: needs root, /dev/net/tun and wireguard-go"
        S=$((S + 1))
    fi
fi
rm -f "$log"
summary "$P" "$F" "$S"
[ "$F" -eq 0 ] && [ "$P" -gt 0 ]
