// io.culvert:culvert-android — the Kotlin bindings of Culvert plus the thin
// VpnService glue. Run android/build-aar.sh (it builds the .so files with
// cargo-ndk and generates the bindings) rather than Gradle directly.
plugins {
    id("com.android.library") version "8.7.3"
    id("org.jetbrains.kotlin.android") version "2.1.0"
    `maven-publish`
}

group = "io.culvert"
version = providers.gradleProperty("culvertVersion").getOrElse("0.1.0")

android {
    namespace = "io.culvert"
    compileSdk = 35

    defaultConfig {
        minSdk = 24
        consumerProguardFiles("consumer-rules.pro")
    }

    sourceSets {
        getByName("main") {
            // Written by build-aar.sh: the Android variant of the UniFFI bindings
            // (uniffi.toml + uniffi-android.toml) and the per-ABI .so files.
            kotlin.srcDir("build/generated/uniffi/kotlin")
            jniLibs.srcDir("build/jniLibs")
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    packaging {
        // The .so files are already stripped and 16 KB aligned by build-aar.sh.
        jniLibs.useLegacyPackaging = false
    }

    publishing {
        singleVariant("release") {
            withSourcesJar()
        }
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    // UniFFI's Kotlin uses JNA; the @aar variant carries libjnidispatch.so per ABI.
    implementation("net.java.dev.jna:jna:5.19.1@aar")
    implementation("androidx.annotation:annotation:1.9.1")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-core:1.9.0")
}

publishing {
    publications {
        register<MavenPublication>("release") {
            groupId = "io.culvert"
            artifactId = "culvert-android"
            afterEvaluate { from(components["release"]) }
            pom {
                name.set("Culvert for Android")
                description.set("Embeddable WireGuard VPN SDK: Rust core, Kotlin API, VpnService glue")
                licenses {
                    license {
                        name.set("Apache-2.0")
                        url.set("https://www.apache.org/licenses/LICENSE-2.0")
                    }
                }
            }
        }
    }
    repositories {
        // `./gradlew publishReleasePublicationToLocalRepository` → android/build/repo
        maven {
            name = "local"
            url = uri(layout.buildDirectory.dir("repo"))
        }
    }
}
