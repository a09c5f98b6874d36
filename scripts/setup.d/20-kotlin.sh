#!/usr/bin/env bash
# Kotlin/JVM toolchain for `make test-kotlin`: JDK 17 and Maven from Debian,
# kotlinc from the npm package `kotlin-compiler` (it bundles kotlin-stdlib,
# kotlin-test and kotlinx-coroutines), and from Maven Central: JNA, JUnit 4 and
# Robolectric's `android-all` (the real Android framework API, to compile against).
# Everything lands in $CULVERT_CACHE (default ~/.cache/culvert). Idempotent.
set -euo pipefail
. "$(dirname "$0")/../kotlin-env.sh"

need=()
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ ! -x "$KOTLIN_HOME/bin/kotlinc" ]; then
    mkdir -p "$KOTLIN_PREFIX"
    npm install --prefix "$KOTLIN_PREFIX" --no-audit --no-fund --silent "kotlin-compiler@$KOTLIN_VERSION" >/dev/null
    chmod +x "$KOTLIN_HOME"/bin/* 2>/dev/null || true
fi

mkdir -p "$KOTLIN_JARS"
for artifact in "${KOTLIN_MAVEN_ARTIFACTS[@]}"; do
    IFS=: read -r group name version <<<"$artifact"
    [ -f "$KOTLIN_JARS/$name-$version.jar" ] && continue
    if ! out=$(mvn -q -B dependency:copy -Dartifact="$artifact" -DoutputDirectory="$KOTLIN_JARS" \
        -Dmdep.overWriteIfNewer=true -Dstyle.color=never 2>&1); then
        echo "$out"
        echo "20-kotlin: could not fetch $artifact from Maven Central" >&2
        exit 1
    fi
done
