#!/usr/bin/env bash
# The emulator test's Kotlin (android/src/androidTest), compiled here the way
# Gradle compiles it for CI's emulator job: with the library's sources and the
# generated bindings, against the Android framework (Robolectric's android-all),
# JUnit and the androidx.test runner/monitor/ext-junit classes (their AARs'
# classes.jar, from Maven Central), at the library's Kotlin level (2.1).
# Sourced by scripts/test-dist.sh (uses its pass/fail); skipped when the
# Kotlin toolchain of make test-kotlin is not installed.

ANDROIDX_TEST_AARS="androidx.test:runner:1.6.2 androidx.test:monitor:1.7.2 androidx.test.ext:junit:1.2.1"

android_test_compile() {
    . "$ROOT/scripts/kotlin-env.sh"
    local name="androidTest compiles (TunnelPingTest + library + bindings, Kotlin 2.1, android-all, androidx.test)"
    if [ ! -x "$KOTLIN_HOME/bin/kotlinc" ] || [ ! -f "$KOTLIN_JARS/junit-4.13.2.jar" ]; then
        echo "SKIP $name: the Kotlin toolchain is not installed (scripts/setup.d/20-kotlin.sh)"
        S=$((S + 1))
        return 0
    fi
    local work jars="$CULVERT_CACHE/androidx-test" a group artifact version cp out
    work=$(mktemp -d)
    mkdir -p "$jars"
    cp="$KOTLIN_JARS/android-all-${ANDROID_ALL##*:}.jar:$KOTLIN_JARS/jna-5.19.1.jar:$KOTLIN_JARS/junit-4.13.2.jar:$KOTLIN_JARS/hamcrest-core-1.3.jar:$KOTLIN_HOME/lib/kotlinx-coroutines-core-jvm.jar"
    for a in $ANDROIDX_TEST_AARS; do
        IFS=: read -r group artifact version <<<"$a"
        if [ ! -f "$jars/$artifact-$version.jar" ]; then
            mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="$a:aar" -DoutputDirectory="$work" >>"$work/log" 2>&1 &&
                unzip -p "$work/$artifact-$version.aar" classes.jar >"$jars/$artifact-$version.jar" 2>>"$work/log" ||
                { rm -f "$jars/$artifact-$version.jar"; fail "$name: fetching $a failed"; tail -n 5 "$work/log"; rm -rf "$work"; return 0; }
        fi
        cp="$cp:$jars/$artifact-$version.jar"
    done
    if ! bash "$ROOT/scripts/bindings.sh" --kotlin-only >"$work/bindings.log" 2>&1; then
        fail "$name: scripts/bindings.sh failed"; tail -n 5 "$work/bindings.log"; rm -rf "$work"; return 0
    fi
    local sources=()
    while IFS= read -r f; do sources+=("$f"); done < <(find "$ROOT/android/src/main/kotlin" "$ROOT/build/bindings/kotlin" \
        "$ROOT/android/src/androidTest/kotlin" -name '*.kt' | sort)
    # Same sources, classpath and compiler as a compile that passed: not compiled again.
    local key stamp="$CULVERT_CACHE/android-test-compile.stamp"
    key=$( { echo "$KOTLIN_VERSION $cp"; cat "${sources[@]}"; } | sha256sum | cut -d' ' -f1)
    if [ "$(cat "$stamp" 2>/dev/null)" = "$key" ]; then
        pass "$name (sources unchanged since it last compiled)"
        rm -rf "$work"
        return 0
    fi
    if out=$(JAVA_OPTS="-Xmx1500m" "$KOTLIN_HOME/bin/kotlinc" -jvm-target 17 -nowarn \
        -language-version 2.1 -api-version 2.1 -cp "$cp" -d "$work/classes" "${sources[@]}" 2>&1); then
        if [ -f "$work/classes/io/culvert/android/TunnelPingTest.class" ]; then pass "$name"; echo "$key" >"$stamp"
        else fail "$name: no TunnelPingTest.class"; fi
    else
        fail "$name"
        echo "$out" | grep -E 'error:' | head -n 20 | sed 's/^/    /'
    fi
    rm -rf "$work"
}
