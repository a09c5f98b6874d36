#!/usr/bin/env bash
# `make test-rn`: the React Native module (bindings/react-native).
#   - tsc --noEmit (strict) over the TS layer, its tests and the Expo plugin;
#   - ESLint;
#   - Jest: the TS layer against a mocked native module (one count per test);
#   - React Native codegen on the TurboModule spec (parse, validate, generate
#     the Android and iOS specs) and a check that both bridges implement it;
#   - Kotlin: the bridge's platform code (android/.../platform) compiled with
#     kotlinc against the real Android API (Robolectric's android-all); every
#     .kt file parsed with tree-sitter-kotlin (the React Native Android
#     artifacts, com.facebook.react:react-android, are not on Maven Central, so
#     the module classes are parsed, not compiled);
#   - Swift: every .swift file (bridge, example extension) parsed with
#     tree-sitter-swift.
# Ends with one `N passed, M failed` line.
. "$(dirname "$0")/lib.sh"
cd "$ROOT/bindings/react-native" || { summary 0 1; exit 1; }

P=0; F=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pass() { P=$((P + 1)); echo "ok   $1"; }
fail() { F=$((F + 1)); echo "FAIL $1"; }

if [ ! -d node_modules ]; then
    echo "node_modules missing: run scripts/setup.d/50-rn.sh (make setup)"
    summary 0 1
    exit 1
fi

# 1. Type check
if npx --no-install tsc --noEmit -p tsconfig.json >"$work/tsc.log" 2>&1; then pass "tsc --noEmit (strict)"
else cat "$work/tsc.log"; fail "tsc --noEmit (strict)"; fi

# 2. Lint
if npx --no-install eslint --max-warnings 0 . >"$work/eslint.log" 2>&1; then pass "eslint"
else cat "$work/eslint.log"; fail "eslint"; fi

# 3. Jest
npx --no-install jest --ci --silent --json --outputFile="$work/jest.json" >"$work/jest.log" 2>&1
jest_status=$?
read -r jp jf < <(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites);
' "$work/jest.json" 2>/dev/null || echo "0 1")
echo "jest: $jp passed, $jf failed"
if [ "$jf" -gt 0 ] || [ "$jest_status" -ne 0 ]; then
    cat "$work/jest.log"
    [ "$jf" -eq 0 ] && jf=1
fi
P=$((P + jp)); F=$((F + jf))

# 4. Codegen on the spec, and the bridges implement every method
node scripts/codegen-check.js "$work/codegen" >"$work/codegen.log" 2>&1
cat "$work/codegen.log"
P=$((P + $(grep -c '^ok ' "$work/codegen.log")))
F=$((F + $(grep -c '^not ok ' "$work/codegen.log")))
if ! grep -q '^ok ' "$work/codegen.log"; then F=$((F + 1)); fi

# 5. Kotlin: compile what needs only the Android API; parse everything
if [ -f "$ROOT/scripts/kotlin-env.sh" ]; then . "$ROOT/scripts/kotlin-env.sh"; else
    CULVERT_CACHE="${CULVERT_CACHE:-$HOME/.cache/culvert}"
    KOTLIN_HOME="$CULVERT_CACHE/kotlin-2.4.20/node_modules/kotlin-compiler"
    KOTLIN_JARS="$CULVERT_CACHE/jvm-jars"
    ANDROID_ALL=org.robolectric:android-all:14-robolectric-10818077
fi
ANDROID_JAR="$KOTLIN_JARS/android-all-${ANDROID_ALL##*:}.jar"
TS_PY="${CULVERT_CACHE:-$HOME/.cache/culvert}/rn-ts-venv/bin/python"
mapfile -t PLATFORM_KT < <(find android/src/main/java/io/culvert/reactnative/platform -name '*.kt' | sort)
if [ ! -x "$KOTLIN_HOME/bin/kotlinc" ] || [ ! -f "$ANDROID_JAR" ]; then
    fail "kotlinc / android-all missing (run scripts/setup.d/50-rn.sh)"
elif JAVA_OPTS="-Xmx1200m" "$KOTLIN_HOME/bin/kotlinc" -jvm-target 17 -nowarn -Werror -cp "$ANDROID_JAR" \
        -d "$work/kotlin-classes" "${PLATFORM_KT[@]}" >"$work/kotlinc.log" 2>&1; then
    pass "kotlinc: ${#PLATFORM_KT[@]} platform files against android-all (API 34)"
else
    cat "$work/kotlinc.log"; fail "kotlinc: platform files against android-all"
fi

mapfile -t ALL_KT < <(find android -name '*.kt' | sort)
mapfile -t ALL_SWIFT < <(find ios "$ROOT/examples/react-native" -name '*.swift' 2>/dev/null | sort)
if [ ! -x "$TS_PY" ]; then
    fail "tree-sitter venv missing (run scripts/setup.d/50-rn.sh)"
else
    "$TS_PY" scripts/ts-parse.py kotlin "${ALL_KT[@]}" >"$work/parse.log" 2>&1
    if [ ${#ALL_SWIFT[@]} -gt 0 ]; then "$TS_PY" scripts/ts-parse.py swift "${ALL_SWIFT[@]}" >>"$work/parse.log" 2>&1; fi
    sed "s|$ROOT/||" "$work/parse.log"
    P=$((P + $(grep -c '^ok ' "$work/parse.log")))
    F=$((F + $(grep -c '^not ok ' "$work/parse.log")))
    [ ${#ALL_KT[@]} -gt 0 ] || fail "no Kotlin sources found"
fi

summary "$P" "$F"
[ "$F" -eq 0 ]
