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
#   - real apps (docs/react-native.md): examples/react-native (a React Native CLI
#     app) — the CLI's `react-native config` autolinking, and codegen as the
#     app's iOS and Android builds run it; the supported React Native range
#     (codegen of its lowest and highest version, and of one below it);
#     examples/expo — `expo prebuild` with the config plugin, twice (--clean).
#   - the package: lib/ built by tsc, `npm pack` contents; the prebuilt-artifact
#     switch of the Gradle file and the podspec with stand-in artifacts.
# Installs what it needs first (scripts/setup.d/50-rn.sh: npm ci from the
# committed locks, cached). Ends with one `N passed, M failed` line.
. "$(dirname "$0")/lib.sh"
cd "$ROOT/bindings/react-native" || { summary 0 1; exit 1; }

P=0; F=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pass() { P=$((P + 1)); echo "ok   $1"; }
fail() { F=$((F + 1)); echo "FAIL $1"; }

if ! bash "$ROOT/scripts/setup.d/50-rn.sh" >"$work/setup.log" 2>&1; then
    cat "$work/setup.log"
    echo "scripts/setup.d/50-rn.sh failed"
    summary 0 1
    exit 1
fi
# count_tap LOG — adds LOG's `ok` / `not ok` lines to the totals (and a failure if it has none).
count_tap() {
    sed "s|$ROOT/||g" "$1"
    P=$((P + $(grep -c '^ok ' "$1")))
    F=$((F + $(grep -c '^not ok ' "$1")))
    grep -qE '^(not )?ok ' "$1" || fail "$2: no checks ran"
}

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
# (Re)generate when missing or older than the FFI crate's or the core's sources.
if [ -f "$ROOT/scripts/bindings.sh" ] && [ -z "${CULVERT_RN_FFI_KT:-}" ] &&
    { [ ! -f "$FFI_KT" ] || [ -n "$(find "$ROOT/bindings/ffi" "$ROOT/core/src" -name '*.rs' -newer "$FFI_KT" -print -quit)" ]; }; then
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
    key=$( { echo "$KOTLIN_HOME ${KOTLIN_COMPAT_FLAGS:-} $ANDROID_JAR $JNA_JAR"; cat "${COMPILE_KT[@]}" "${CULVERT_ANDROID_KT[@]}" "$FFI_KT"; } | sha256sum | cut -d' ' -f1)
    if [ "$(cat "$out/stamp" 2>/dev/null)" = "$key" ] && [ -d "$out/classes" ]; then
        pass "kotlinc: ${#COMPILE_KT[@]} bridge files + culvert-android + io.culvert bindings against android-all (API 34) (unchanged since the last successful compile)"
    elif rm -rf "$out/classes" && JAVA_OPTS="-Xmx1500m" "$KOTLIN_HOME/bin/kotlinc" -jvm-target 17 -nowarn ${KOTLIN_COMPAT_FLAGS:-} -cp "$ANDROID_JAR:$JNA_JAR:$KOTLIN_HOME/lib/kotlinx-coroutines-core-jvm.jar" \
            -d "$out/classes" "${COMPILE_KT[@]}" "${CULVERT_ANDROID_KT[@]}" "$FFI_KT" >"$work/kotlinc.log" 2>&1; then
        echo "$key" >"$out/stamp"
        pass "kotlinc: ${#COMPILE_KT[@]} bridge files + culvert-android + io.culvert bindings against android-all (API 34)"
        # What the lowest supported React Native's Kotlin (2.1) can read: class metadata 2.1.
        if javap -v -cp "$out/classes" io.culvert.reactnative.CulvertCoreAdapter 2>/dev/null | grep -q 'mv=\[2,1,'; then
            pass "kotlin metadata version 2.1 (${KOTLIN_COMPAT_FLAGS:-})"
        else fail "kotlin metadata of the compiled classes is not 2.1"; fi
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
mapfile -t ALL_SWIFT < <(find ios plugin/template "$ROOT/examples/react-native" -name node_modules -prune -o -name '*.swift' -print 2>/dev/null | sort)
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

# 6b. The package: lib/ (compiled JS + .d.ts) and what `npm pack` ships.
rm -rf lib
if npx --no-install tsc -p tsconfig.build.json >"$work/lib.log" 2>&1 && [ -f lib/index.js ] && [ -f lib/index.d.ts ]; then
    pass "lib/: tsc -p tsconfig.build.json (compiled JS + declarations)"
else cat "$work/lib.log"; fail "lib/ build"; fi
node scripts/pack-check.js >"$work/pack.log" 2>&1
count_tap "$work/pack.log" "npm pack"

# 6c. Prebuilt native artifacts in the package (stand-ins): Gradle's local repo, npm pack, podspec.
bash scripts/artifacts-check.sh >"$work/artifacts.log" 2>&1
count_tap "$work/artifacts.log" "prebuilt artifacts"

# 6d. The iOS bridge's ObjC++ uses no Swift typealias (they are not in the generated -Swift.h).
aliases=$(sed -n 's/^[[:space:]]*\(public \)\{0,1\}typealias \([A-Za-z_][A-Za-z0-9_]*\).*/\2/p' ios/*.swift | sort -u)
used=$(for a in $aliases; do grep -lw "$a" ios/*.mm ios/*.h 2>/dev/null | sed "s|$| uses $a|"; done)
if [ -z "$aliases" ] || [ -z "$used" ]; then pass "ios: RNCulvert.mm/.h use no Swift typealias (${aliases//$'\n'/, })"
else echo "$used"; fail "ios: ObjC++ uses Swift typealiases not exported to -Swift.h"; fi

# 7. The bare React Native app: autolinking as the CLI resolves it.
node scripts/autolink-check.js "$ROOT/examples/react-native" >"$work/autolink.log" 2>&1
count_tap "$work/autolink.log" "autolinking"

# 8. Codegen as the app's builds run it: iOS (generate-codegen-artifacts.js, run by
#    `pod install`) and Android (the Gradle plugin's combine-js-to-schema +
#    generate-specs-cli).
app="$ROOT/examples/react-native"
if (cd "$app" && node node_modules/react-native/scripts/generate-codegen-artifacts.js -p . -t ios -o "$work/app-ios" -s app) >"$work/app-ios.log" 2>&1 &&
    [ -f "$work/app-ios/build/generated/ios/ReactCodegen/RNCulvertSpec/RNCulvertSpec.h" ] &&
    grep -q '@"Culvert": @"RNCulvert"' "$work/app-ios/build/generated/ios/ReactCodegen/RCTModuleProviders.mm"; then
    pass "app build codegen (iOS): RNCulvertSpec.h and the Culvert → RNCulvert module provider"
else tail -20 "$work/app-ios.log"; fail "app build codegen (iOS)"; fi
mkdir -p "$work/app-android"
if (cd "$app" && node node_modules/@react-native/codegen/lib/cli/combine/combine-js-to-schema-cli.js \
        "$work/app-android/schema.json" --platform android node_modules/react-native-culvert/src &&
    node node_modules/react-native/scripts/generate-specs-cli.js --platform android --schemaPath "$work/app-android/schema.json" \
        --outputDir "$work/app-android/out" --libraryName RNCulvertSpec --javaPackageName io.culvert.reactnative) >"$work/app-android.log" 2>&1 &&
    [ -f "$work/app-android/out/java/io/culvert/reactnative/NativeCulvertSpec.java" ] &&
    [ -f "$work/app-android/out/jni/RNCulvertSpec-generated.cpp" ]; then
    pass "app build codegen (Android): NativeCulvertSpec.java and the JNI C++"
else tail -20 "$work/app-android.log"; fail "app build codegen (Android)"; fi

# 9. The declared React Native range is exactly what passes.
node scripts/range-check.js "${CULVERT_CACHE:-$HOME/.cache/culvert}/rn-codegen" "$work/range" >"$work/range.log" 2>&1
count_tap "$work/range.log" "React Native range"

# 10. Expo: prebuild with the config plugin (from nothing: no ios/, android/ or
#     targets/), the assertions, then an edit to the extension's Swift and a
#     second `prebuild --clean` that must keep it and add nothing twice.
expo="$ROOT/examples/expo"
rm -rf "$expo/ios" "$expo/android" "$expo/targets"
if (cd "$expo" && CI=1 npx --no-install expo prebuild --no-install --clean) >"$work/prebuild.log" 2>&1; then
    pass "expo prebuild --no-install --clean (iOS and Android)"
    node scripts/expo-check.js "$expo" >"$work/expo.log" 2>&1
    count_tap "$work/expo.log" "expo prebuild checks"
    echo "// edited by the app (make test-rn)" >>"$expo/targets/CulvertTunnel/PacketTunnelProvider.swift"
    if (cd "$expo" && CI=1 npx --no-install expo prebuild --no-install --clean) >"$work/prebuild2.log" 2>&1 &&
        grep -q 'edited by the app' "$expo/targets/CulvertTunnel/PacketTunnelProvider.swift" &&
        node scripts/expo-check.js "$expo" >"$work/expo2.log" 2>&1; then
        pass "expo prebuild --clean again: the extension's edited sources kept, target and Podfile entries once"
    else cat "$work/prebuild2.log" "$work/expo2.log" 2>/dev/null | tail -20; fail "expo prebuild --clean again"; fi
else
    tail -30 "$work/prebuild.log"; fail "expo prebuild"
fi

summary "$P" "$F"
[ "$F" -eq 0 ]
