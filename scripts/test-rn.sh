#!/usr/bin/env bash
# `make test-rn`: the React Native module (bindings/react-native).
#   - tsc --noEmit (strict) over the TS layer, its tests and the Expo plugin;
#   - ESLint;
#   - Jest: the TS layer against a mocked native module (one count per test);
#   - React Native codegen on the TurboModule spec (parse, validate, generate
#     the Android and iOS specs) and a check that both bridges implement it;
#   - Kotlin: the bridge's platform code, its io.culvert adapter and the VPN
#     service compiled with kotlinc against the real Android API (Robolectric's
#     android-all), culvert-android's Kotlin (android/src/main/kotlin) and the
#     generated io.culvert bindings; every .kt file parsed
#     with tree-sitter-kotlin (React Native's Android artifacts,
#     com.facebook.react:react-android, are not on Maven Central, so the module
#     classes that extend them are parsed, not compiled);
#   - Swift: every .swift file (bridge, example extension) parsed with
#     tree-sitter-swift.
#   - the native→JS contract: error codes, hotspot reasons and state strings in
#     the Kotlin/Swift sources are ones the TS layer knows (Jest, static), and the
#     compiled Android payload builders' output, run on the JVM, maps correctly.
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
# The example app, against React Native's and React's own types
if npx --no-install tsc --noEmit -p tsconfig.example.json >"$work/tsc-example.log" 2>&1; then pass "tsc --noEmit examples/react-native (strict)"
else cat "$work/tsc-example.log"; fail "tsc --noEmit examples/react-native"; fi

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

# 5. Kotlin: compile everything that does not need React Native's Android
#    artifacts (the platform code, the io.culvert adapter and the VPN service)
#    against android-all and the generated io.culvert bindings (JVM variant, from
#    scripts/bindings.sh); parse everything.
if [ -f "$ROOT/scripts/kotlin-env.sh" ]; then . "$ROOT/scripts/kotlin-env.sh"; else
    CULVERT_CACHE="${CULVERT_CACHE:-$HOME/.cache/culvert}"
    KOTLIN_HOME="$CULVERT_CACHE/kotlin-2.4.20/node_modules/kotlin-compiler"
    KOTLIN_JARS="$CULVERT_CACHE/jvm-jars"
    ANDROID_ALL=org.robolectric:android-all:14-robolectric-10818077
fi
ANDROID_JAR="$KOTLIN_JARS/android-all-${ANDROID_ALL##*:}.jar"
JNA_JAR="$KOTLIN_JARS/jna-5.19.1.jar"
TS_PY="${CULVERT_CACHE:-$HOME/.cache/culvert}/rn-ts-venv/bin/python"
FFI_KT="${CULVERT_RN_FFI_KT:-$ROOT/build/bindings/kotlin/io/culvert/culvert_ffi.kt}"
if [ ! -f "$FFI_KT" ] && [ -f "$ROOT/scripts/bindings.sh" ]; then
    echo "generating the io.culvert Kotlin bindings (scripts/bindings.sh --kotlin-only)"
    (cd "$ROOT" && bash scripts/bindings.sh --kotlin-only) >"$work/bindings.log" 2>&1 || cat "$work/bindings.log"
fi
KT=$(cd android/src/main/java/io/culvert/reactnative && echo platform/*.kt CulvertCoreAdapter.kt CulvertReactVpnService.kt CulvertModuleImpl.kt)
mapfile -t COMPILE_KT < <(for f in $KT; do echo "android/src/main/java/io/culvert/reactnative/$f"; done)
# culvert-android's hand-written Kotlin (CulvertVpnService, ...), which the service extends.
mapfile -t CULVERT_ANDROID_KT < <(find "$ROOT/android/src/main/kotlin" -name '*.kt' 2>/dev/null | sort)
if [ ! -x "$KOTLIN_HOME/bin/kotlinc" ] || [ ! -f "$ANDROID_JAR" ] || [ ! -f "$JNA_JAR" ]; then
    fail "kotlinc / android-all / JNA missing (run scripts/setup.d/50-rn.sh)"
elif [ ! -f "$FFI_KT" ]; then
    fail "io.culvert bindings missing ($FFI_KT); scripts/bindings.sh failed"
else
    out="$ROOT/build/rn-kotlin"; mkdir -p "$out"
    key=$( { echo "$KOTLIN_HOME $ANDROID_JAR $JNA_JAR"; cat "${COMPILE_KT[@]}" "${CULVERT_ANDROID_KT[@]}" "$FFI_KT"; } | sha256sum | cut -d' ' -f1)
    if [ "$(cat "$out/stamp" 2>/dev/null)" = "$key" ] && [ -d "$out/classes" ]; then
        pass "kotlinc: ${#COMPILE_KT[@]} bridge files + culvert-android + io.culvert bindings against android-all (API 34) (unchanged since the last successful compile)"
    elif rm -rf "$out/classes" && JAVA_OPTS="-Xmx1500m" "$KOTLIN_HOME/bin/kotlinc" -jvm-target 17 -nowarn -cp "$ANDROID_JAR:$JNA_JAR:$KOTLIN_HOME/lib/kotlinx-coroutines-core-jvm.jar" \
            -d "$out/classes" "${COMPILE_KT[@]}" "${CULVERT_ANDROID_KT[@]}" "$FFI_KT" >"$work/kotlinc.log" 2>&1; then
        echo "$key" >"$out/stamp"
        pass "kotlinc: ${#COMPILE_KT[@]} bridge files + culvert-android + io.culvert bindings against android-all (API 34)"
    else
        rm -f "$out/stamp"
        cat "$work/kotlinc.log"; fail "kotlinc: bridge files against android-all + io.culvert"
    fi
fi

# 6. The native→JS contract: the compiled Android payload code prints what it
#    sends (scripts/contract/PayloadContract.kt, run on the JVM) and the TS
#    mapping reads it back (src/__tests__/contract.test.ts, runtime part).
if [ -f "$ROOT/build/rn-kotlin/stamp" ] && [ -d "$ROOT/build/rn-kotlin/classes" ]; then
    classes="$ROOT/build/rn-kotlin/classes"
    if JAVA_OPTS="-Xmx800m" "$KOTLIN_HOME/bin/kotlinc" -jvm-target 17 -nowarn -cp "$classes:$ANDROID_JAR" \
            -d "$work/contract" scripts/contract/PayloadContract.kt >"$work/contract-kotlinc.log" 2>&1 &&
        java -cp "$work/contract:$classes:$ANDROID_JAR:$KOTLIN_HOME/lib/kotlin-stdlib.jar" PayloadContractKt \
            >"$work/payloads.json" 2>"$work/contract-run.log"; then
        CULVERT_RN_PAYLOADS="$work/payloads.json" npx --no-install jest --ci --silent --json \
            --outputFile="$work/jest-contract.json" src/__tests__/contract.test.ts -t 'Android bridge payloads' \
            >"$work/jest-contract.log" 2>&1
        read -r cp cf < <(node -e '
            const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
            console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites);
        ' "$work/jest-contract.json" 2>/dev/null || echo "0 1")
        echo "contract (Kotlin payloads → TS mapping): $cp passed, $cf failed"
        [ "$cf" -gt 0 ] && cat "$work/jest-contract.log"
        [ "$cp" -eq 0 ] && [ "$cf" -eq 0 ] && cf=1
        P=$((P + cp)); F=$((F + cf))
    else
        cat "$work/contract-kotlinc.log" "$work/contract-run.log"; fail "contract: PayloadContract.kt did not compile or run"
    fi
else
    fail "contract: no compiled Android classes (see the kotlinc step)"
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
