// The Culvert Android library, built on its own: `android/build-aar.sh` or
// `gradle assembleRelease` here (Gradle 8.13+; its tasks build the native
// libraries and generate the bindings). The plugins (Android Gradle Plugin,
// Kotlin, com.vanniktech.maven.publish) come from the Gradle Plugin Portal and
// Google's Maven repository.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "culvert-android"
