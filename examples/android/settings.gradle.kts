pluginManagement {
    repositories { google(); mavenCentral(); gradlePluginPortal() }
    plugins {
        id("com.android.application") version "8.7.3"
        kotlin("android") version "2.0.21"
    }
}
dependencyResolutionManagement {
    repositories {
        maven { url = uri("../../android/build/repo") } // android/build-aar.sh --publish
        google()
        mavenCentral()
    }
}
rootProject.name = "culvert-example"
include(":app")
