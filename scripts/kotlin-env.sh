# Versions and paths of the Kotlin/JVM test toolchain (sourced by
# scripts/setup.d/20-kotlin.sh and scripts/test-kotlin.sh).
KOTLIN_VERSION=2.4.20
CULVERT_CACHE="${CULVERT_CACHE:-$HOME/.cache/culvert}"
KOTLIN_PREFIX="$CULVERT_CACHE/kotlin-$KOTLIN_VERSION"
KOTLIN_HOME="$KOTLIN_PREFIX/node_modules/kotlin-compiler"
KOTLIN_JARS="$CULVERT_CACHE/jvm-jars"
# Language/API version for culvert-android and the React Native module: what the
# Kotlin of the lowest supported React Native (0.80, Kotlin 2.1.20) can read
# (docs/react-native.md). Unquoted on the kotlinc command line.
KOTLIN_COMPAT_FLAGS="-language-version 2.1 -api-version 2.1"
# Android 14 (API 34) framework classes: excludeRoute (API 33) and everything older.
ANDROID_ALL=org.robolectric:android-all:14-robolectric-10818077
KOTLIN_MAVEN_ARTIFACTS=(
    "$ANDROID_ALL"
    net.java.dev.jna:jna:5.19.1
    junit:junit:4.13.2
    org.hamcrest:hamcrest-core:1.3
)

# Robolectric (the Android glue run against the real framework, one JVM per API
# level): its jars land in $ROBOLECTRIC_HOME/lib (AARs unpacked to classes.jar);
# the instrumented framework jar of each level is fetched into $ROBOLECTRIC_M2, the
# local Maven repository Robolectric itself reads (-Dmaven.repo.local).
ROBOLECTRIC_VERSION=4.17
ROBOLECTRIC_HOME="$CULVERT_CACHE/robolectric-$ROBOLECTRIC_VERSION"
ROBOLECTRIC_M2="$CULVERT_CACHE/m2"
# API level : android-all-instrumented version (Robolectric 4.17's DefaultSdkProvider, -i7).
ROBOLECTRIC_SDKS=(
    24:7.0.0_r1-robolectric-r1-i7
    26:8.0.0_r4-robolectric-r1-i7
    28:9-robolectric-4913185-2-i7
    29:10-robolectric-5803371-i7
    30:11-robolectric-6757853-i7
    33:13-robolectric-9030017-i7
    35:15-robolectric-13954326-i7
)
# The newest framework jar Java 17 can load, on the runner's own classpath (an older
# one breaks Robolectric's shadows, which are compiled against the newest API).
ROBOLECTRIC_ANDROID_ALL=org.robolectric:android-all:15-robolectric-13954326
