// io.culvert:culvert-android — the Kotlin bindings of Culvert plus the thin
// VpnService glue. `android/build-aar.sh` runs Gradle; `gradle assembleRelease`
// alone works too: the native libraries and the generated bindings are outputs
// of the two tasks below (they call build-aar.sh's `jnilibs` / `bindings`
// steps), so `gradle clean` never leaves the build without them.
//
// Coordinates, version and POM come from gradle.properties (GROUP,
// POM_ARTIFACT_ID, VERSION_NAME, POM_*: read by com.vanniktech.maven.publish);
// VERSION_NAME is checked against the workspace version by
// scripts/release/version.sh. Publishing: docs/release.md.
//
// Kotlin level: the library is read by the app's Kotlin compiler. The lowest
// React Native that react-native-culvert supports is 0.80, whose app template
// builds with Kotlin 2.1.20 (`kotlinVersion` in @react-native-community/template
// 0.80; @react-native/gradle-plugin 0.80 pins 2.1.20 too). So everything here is
// compiled with language and API version 2.1 and depends on kotlin-stdlib 2.1.20
// (not on the newer stdlib a newer Kotlin Gradle plugin would add): metadata a
// 2.1.20 compiler reads without relying on its one-version forward compatibility.
// make test-dist compiles these sources (and src/androidTest) with -language-version 2.1.
import javax.inject.Inject
import org.gradle.process.ExecOperations
import org.jetbrains.kotlin.gradle.dsl.KotlinVersion

plugins {
    id("com.android.library") version "8.9.2"
    id("org.jetbrains.kotlin.android") version "2.1.20"
    id("com.vanniktech.maven.publish") version "0.35.0"
}

val repoRoot: File = rootDir.parentFile
val culvertScript: File = file("build-aar.sh")

/** Runs one native step of build-aar.sh (`jnilibs` or `bindings`) into [outputDir]. */
abstract class CulvertNativeStep : DefaultTask() {
    @get:Inject abstract val exec: ExecOperations

    @get:Input abstract val step: Property<String>

    @get:InputFile @get:PathSensitive(PathSensitivity.NONE) abstract val script: RegularFileProperty

    /** The Rust sources and manifests the output is built from. */
    @get:InputFiles @get:PathSensitive(PathSensitivity.RELATIVE) abstract val rustSources: ConfigurableFileCollection

    @get:OutputDirectory abstract val outputDir: DirectoryProperty

    @TaskAction
    fun run() {
        exec.exec {
            commandLine("bash", script.get().asFile.absolutePath, step.get(), outputDir.get().asFile.absolutePath)
        }
    }
}

val rustInputs = files(
    fileTree(repoRoot) {
        // third_party/boringtun: the patched boringtun the workspace uses by path.
        include("Cargo.toml", "Cargo.lock", "core/Cargo.toml", "core/src/**", "bindings/ffi/**", "third_party/boringtun/**")
        exclude("**/target/**")
    },
)

val cargoNdkBuild = tasks.register<CulvertNativeStep>("cargoNdkBuild") {
    description = "libculvert_ffi.so for every ABI (cargo-ndk, API 24, 16 KB pages)"
    step.set("jnilibs")
    script.set(culvertScript)
    rustSources.from(rustInputs)
    outputDir.set(layout.buildDirectory.dir("rust/jniLibs"))
}

val uniffiBindings = tasks.register<CulvertNativeStep>("uniffiBindings") {
    description = "the Android variant of the UniFFI Kotlin bindings (uniffi.toml + uniffi-android.toml)"
    step.set("bindings")
    script.set(culvertScript)
    rustSources.from(rustInputs)
    outputDir.set(layout.buildDirectory.dir("generated/uniffi/kotlin"))
}

/** The host build of the library, for the JVM unit tests (JNA loads it by path). */
val cargoHostBuild = tasks.register<Exec>("cargoHostBuild") {
    description = "libculvert_ffi for the build machine (unit tests)"
    workingDir = repoRoot
    inputs.files(rustInputs).withPathSensitivity(PathSensitivity.RELATIVE)
    outputs.dir(File(repoRoot, "target/debug"))
    outputs.upToDateWhen { false } // cargo decides what is up to date
    commandLine("cargo", "build", "-p", "culvert-ffi", "--lib")
}

android {
    namespace = "io.culvert"
    compileSdk = 35
    // The NDK cargo-ndk links with (NDK_VERSION in .github/workflows/*.yml, installed
    // there as ndk;<version>). AGP's strip<Variant>DebugSymbols task strips the
    // .so files with its own default NDK when this is unset, and warns and packs
    // them unstripped (or fetches that NDK) when that one is not installed.
    ndkVersion = "27.2.12479018"

    defaultConfig {
        minSdk = 24
        consumerProguardFiles("consumer-rules.pro")
        // src/androidTest: a real tunnel on an emulator (CI, scripts/release/ci-emulator-test.sh).
        testInstrumentationRunner = "androidx.test.runner.AndroidJUnitRunner"
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    testOptions {
        unitTests.all { test ->
            test.dependsOn(cargoHostBuild)
            test.systemProperty("jna.library.path", File(repoRoot, "target/debug").absolutePath)
            test.systemProperty("culvert.vectors", File(repoRoot, "../shared/vectors").absolutePath)
            // make test-kotlin runs these three: NetnsTunTest needs root and network
            // namespaces, BindingsVariantTest both generated variants side by side,
            // AndroidGlueTest the real framework classes of android-all (here the
            // unit tests see AGP's mockable android.jar, whose every method and
            // constructor throws "not mocked", and no test uses Robolectric's runner).
            test.exclude("**/NetnsTunTest*", "**/BindingsVariantTest*", "**/AndroidGlueTest*")
        }
    }
}

androidComponents {
    onVariants { variant ->
        variant.sources.jniLibs?.addGeneratedSourceDirectory(cargoNdkBuild, CulvertNativeStep::outputDir)
        variant.sources.kotlin?.addGeneratedSourceDirectory(uniffiBindings, CulvertNativeStep::outputDir)
    }
}

kotlin {
    jvmToolchain(17) // JDK 17 for Kotlin and Java, bytecode level 17 (as compileOptions)
    coreLibrariesVersion = "2.1.20"
    compilerOptions {
        languageVersion.set(KotlinVersion.KOTLIN_2_1)
        apiVersion.set(KotlinVersion.KOTLIN_2_1)
    }
}

dependencies {
    // UniFFI's Kotlin uses JNA; the @aar variant carries libjnidispatch.so per ABI.
    implementation("net.java.dev.jna:jna:5.19.1@aar")
    // The Android variant of the bindings annotates with androidx.annotation.
    implementation("androidx.annotation:annotation:1.9.1")
    // TunnelHandle exposes the running tunnel's state as a StateFlow. 1.10.x is
    // built with Kotlin 2.1, which React Native 0.80's Kotlin 2.1.20 reads.
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-core:1.10.2")

    // JVM unit tests (android/src/test; make test-kotlin runs the same sources
    // without Gradle): JUnit 4, kotlin-test, JNA's desktop jar (host
    // libjnidispatch), org.json (android.jar's is a stub), Robolectric.
    testImplementation("junit:junit:4.13.2")
    testImplementation("org.jetbrains.kotlin:kotlin-test-junit:2.1.20")
    testImplementation("net.java.dev.jna:jna:5.19.1")
    testImplementation("org.json:json:20260814")
    testImplementation("org.robolectric:robolectric:4.17")

    // Instrumented test on an emulator (src/androidTest).
    androidTestImplementation("androidx.test:runner:1.6.2")
    androidTestImplementation("androidx.test.ext:junit:1.2.1")
}

mavenPublishing {
    // Maven Central (Central Portal): credentials and the signing key come from
    // the release workflow's environment (ORG_GRADLE_PROJECT_mavenCentralUsername,
    // ORG_GRADLE_PROJECT_signingInMemoryKey, ...); signing is switched on there
    // with -PsignAllPublications=true so that local publishing needs no key.
    publishToMavenCentral(automaticRelease = true)
}

publishing {
    repositories {
        // `gradle publishAllPublicationsToLocalRepository` → android/build/repo
        // (android/build-aar.sh --publish; examples/android reads it).
        maven {
            name = "local"
            url = uri(layout.buildDirectory.dir("repo"))
        }
    }
}
