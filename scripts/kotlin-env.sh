# Versions and paths of the Kotlin/JVM test toolchain (sourced by
# scripts/setup.d/20-kotlin.sh and scripts/test-kotlin.sh).
KOTLIN_VERSION=2.4.20
CULVERT_CACHE="${CULVERT_CACHE:-$HOME/.cache/culvert}"
KOTLIN_PREFIX="$CULVERT_CACHE/kotlin-$KOTLIN_VERSION"
KOTLIN_HOME="$KOTLIN_PREFIX/node_modules/kotlin-compiler"
KOTLIN_JARS="$CULVERT_CACHE/jvm-jars"
# Android 14 (API 34) framework classes: excludeRoute (API 33) and everything older.
ANDROID_ALL=org.robolectric:android-all:14-robolectric-10818077
KOTLIN_MAVEN_ARTIFACTS=(
    "$ANDROID_ALL"
    net.java.dev.jna:jna:5.19.1
    junit:junit:4.13.2
    org.hamcrest:hamcrest-core:1.3
)
