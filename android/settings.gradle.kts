// The Culvert Android library, built on its own (`./gradlew assembleRelease`)
// after android/build-aar.sh has put the native libraries and the Android
// variant of the generated bindings under build/.
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
