#!/usr/bin/env bash
# `make test-dist`: the distribution path, checked without a Mac, the Android
# SDK or GitHub:
#   - bash 3.2: the scripts that run on a Mac use no bash-4-only construct
#     (scripts/release/bash32-check.py), and the check itself catches each one;
#   - the build and release scripts run with stand-in cargo, cargo-ndk, rustup,
#     xcodebuild, lipo, xcrun, swift, ditto and gradle (scripts/release/tests/);
#   - one version in every manifest (scripts/release/version.sh check);
#   - the npm tarball's contents (npm pack, as publish.sh npm makes it);
#   - Maven Central deployment of a stand-in AAR with the publication's POM,
#     sources, javadoc and gpg signatures, read back (scripts/release/tests/maven-check.sh);
#   - the emulator test's Kotlin (android/src/androidTest) compiles against
#     android-all and androidx.test at the library's Kotlin level;
#   - actionlint (pinned) on every workflow, with shellcheck on their run: blocks;
#   - every repository script a workflow step runs is one of those run above, and
#     every make target it runs exists and is part of `make test`.
# Installs what it needs (scripts/setup.d/70-dist.sh). Ends with `N passed, M failed`.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

P=0; F=0; S=0
pass() { P=$((P + 1)); echo "ok   $1"; }
fail() { F=$((F + 1)); echo "FAIL $1"; }

if [ -z "${CULVERT_SKIP_SETUP:-}" ]; then
    bash scripts/setup.d/70-dist.sh >/dev/null || { echo "test-dist: setup failed"; summary 0 1; exit 1; }
fi
ACTIONLINT="${CULVERT_CACHE:-$HOME/.cache/culvert}/actionlint-v1.7.12/actionlint"
DIST_RAN=$(mktemp)
export DIST_RAN

# The scripts that run on macOS (CI's macOS jobs, a developer's Mac, the release).
MAC_SCRIPTS="ios/build-xcframework.sh ios/update-bindings.sh scripts/bindings.sh scripts/lib.sh android/build-aar.sh
scripts/release/ci-wg-peer.sh scripts/release/ci-emulator-test.sh
scripts/release/version.sh scripts/release/stamp-package-swift.sh scripts/release/swift-artifact.sh
scripts/release/pod-prepare.sh scripts/release/publish.sh"

# 1. bash 3.2
for f in $MAC_SCRIPTS; do
    if [ ! -f "$f" ]; then fail "bash 3.2: $f missing"; continue; fi
    if out=$(python3 scripts/release/bash32-check.py "$f" 2>&1); then pass "bash 3.2: $f"
    else fail "bash 3.2: $f"; echo "$out" | sed 's/^/    /'; fi
done
fixture=$(mktemp)
cat >"$fixture" <<'EOF'
set -euo pipefail
declare -A map=([a]=b)
lower=${name,,}
upper=${name^^}
mapfile -t lines < file
empty=()
cargo build "${empty[@]}"
echo "${list[@]}"
local -n ref=other
cmd |& tee log
echo done &>> log
EOF
found=$(python3 scripts/release/bash32-check.py "$fixture" | wc -l)
guarded=$(printf 'set -u\ne=()\nx ${e[@]+"${e[@]}"}\nfull=(a b)\ny "${full[@]}"\n' >"$fixture.ok"; python3 scripts/release/bash32-check.py "$fixture.ok" | wc -l)
if [ "$found" -eq 9 ] && [ "$guarded" -eq 0 ]; then pass "bash 3.2 check: flags each of 9 bash-4 constructs, accepts the guarded forms"
else fail "bash 3.2 check: flagged $found of 9 constructs, $guarded false alarms"; python3 scripts/release/bash32-check.py "$fixture" "$fixture.ok"; fi
rm -f "$fixture" "$fixture.ok"

# 2. the scripts with stand-in tools; 3. one version (inside)
. scripts/release/tests/test-scripts.sh
ts_all

# 4. Maven Central deployment
. scripts/release/tests/maven-check.sh
maven_check

# 4b. the emulator test's Kotlin compiles (review-only otherwise)
. scripts/release/tests/android-test-compile.sh
android_test_compile

# 5. actionlint
workflows=$(ls .github/workflows/*.yml 2>/dev/null)
if [ -z "$workflows" ]; then fail "actionlint: no workflows in .github/workflows"
else
    for wf in $workflows; do
        if out=$(PATH="$PATH" "$ACTIONLINT" -no-color "$wf" 2>&1); then pass "actionlint: $wf"
        else fail "actionlint: $wf"; echo "$out" | sed 's/^/    /'; fi
    done
fi

# 6. workflow steps run here too
if out=$(python3 scripts/release/tests/workflow_scripts.py "$DIST_RAN" $workflows 2>&1); then
    pass "workflows: every repository script and make target a step runs also runs here ($(echo "$out" | tail -n 1))"
else
    fail "workflows: steps that run something not run here"; echo "$out" | sed 's/^/    /'
fi

rm -f "$DIST_RAN"
summary "$P" "$F" "$S"
[ "$F" -eq 0 ]
