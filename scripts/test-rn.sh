#!/usr/bin/env bash
# `make test-rn`: the React Native module (bindings/react-native).
#   - tsc --noEmit (strict) over the TS layer, its tests and the Expo plugin;
#   - ESLint;
#   - Jest: the TS layer against a mocked native module (one count per test);
#   - React Native codegen on the TurboModule spec (parse, validate, generate
#     the Android and iOS specs) and a check that both bridges implement it.
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

summary "$P" "$F"
[ "$F" -eq 0 ]
