// The example app. Build it with the Android SDK after publishing the library:
//   android/build-aar.sh --publish   (writes android/build/repo)
plugins {
    id("com.android.application")
    kotlin("android")
}

android {
    namespace = "io.culvert.example"
    compileSdk = 35
    defaultConfig {
        applicationId = "io.culvert.example"
        minSdk = 24
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
    }
}

// Java and Kotlin both at 17 (the library's level): left unset, AGP compiles Java
// for 1.8 while Kotlin targets the JDK running Gradle, and Kotlin's JVM-target
// check (an error on Gradle 8) fails the build.
kotlin {
    jvmToolchain(17)
}

dependencies {
    implementation("io.culvert:culvert-android:0.1.0")
}
