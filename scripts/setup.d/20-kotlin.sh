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

# Robolectric $ROBOLECTRIC_VERSION and its dependencies (Maven resolves the tree into
# $ROBOLECTRIC_HOME/lib); the AARs among them (androidx.test monitor,
# espresso-idling-resource) contribute their classes.jar. Then the instrumented
# framework jar of each API level the runner uses, into the local repository
# Robolectric reads ($ROBOLECTRIC_M2, ~90 MB each), and the newest plain android-all.
if [ ! -f "$ROBOLECTRIC_HOME/.done" ]; then
    rm -rf "$ROBOLECTRIC_HOME"; mkdir -p "$ROBOLECTRIC_HOME/lib"
    cat >"$ROBOLECTRIC_HOME/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>io.culvert</groupId><artifactId>robolectric-deps</artifactId><version>1</version>
<dependencies><dependency><groupId>org.robolectric</groupId><artifactId>robolectric</artifactId>
<version>$ROBOLECTRIC_VERSION</version></dependency></dependencies></project>
POM
    if ! out=$(mvn -q -B -f "$ROBOLECTRIC_HOME/pom.xml" -Dmaven.repo.local="$ROBOLECTRIC_M2" \
        dependency:copy-dependencies -DoutputDirectory="$ROBOLECTRIC_HOME/lib" -Dstyle.color=never 2>&1); then
        echo "$out"; echo "20-kotlin: could not fetch Robolectric $ROBOLECTRIC_VERSION" >&2; exit 1
    fi
    for aar in "$ROBOLECTRIC_HOME"/lib/*.aar; do
        [ -f "$aar" ] || continue
        unzip -p "$aar" classes.jar >"${aar%.aar}.jar" && rm -f "$aar"
    done
    touch "$ROBOLECTRIC_HOME/.done"
fi
robolectric_get() { # group:artifact:version
    local g a v; IFS=: read -r g a v <<<"$1"
    [ -f "$ROBOLECTRIC_M2/${g//.//}/$a/$v/$a-$v.jar" ] && return 0
    if ! out=$(mvn -q -B -Dmaven.repo.local="$ROBOLECTRIC_M2" dependency:get -Dtransitive=false \
        -Dartifact="$1" -Dstyle.color=never 2>&1); then
        echo "$out"; echo "20-kotlin: could not fetch $1" >&2; exit 1
    fi
}
for entry in "${ROBOLECTRIC_SDKS[@]}"; do
    robolectric_get "org.robolectric:android-all-instrumented:${entry#*:}"
done
robolectric_get "$ROBOLECTRIC_ANDROID_ALL"
