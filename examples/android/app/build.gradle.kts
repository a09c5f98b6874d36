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

dependencies {
    implementation("io.culvert:culvert-android:0.1.0")
}
