// swift-tools-version:6.0
// The Culvert Swift package: the UniFFI-generated bindings and a thin adapter for
// NEPacketTunnelProvider (sources and tests in ios/), over the Rust library
// `culvert_ffi` (the C module CulvertFFI). Add it by URL:
//
//     .package(url: "https://github.com/culvert-sdk/culvert", from: "0.1.0")
//
// Which CulvertFFI is used is chosen by the environment, never by editing this
// file, and the choice does not depend on the OS, so every form can be read
// (`swift package dump-package`) anywhere:
//
//   (nothing set, Apple platforms)       release: the XCFramework zip attached to
//                                        the GitHub release of `culvertVersion`,
//                                        verified against `culvertChecksum`
//   CULVERT_LOCAL_XCFRAMEWORK=<path>     local development: an XCFramework built by
//                                        ios/build-xcframework.sh, path relative to
//                                        this directory (ios/CulvertFFI.xcframework)
//   (nothing set, Linux)                 system: the C header as a system library
//                                        over a host-built libculvert_ffi.so
//                                        (`swift build -Xlinker -L<dir>`; make test-swift)
//   CULVERT_FFI=release|local|system     forces a form (local without a path uses
//                                        ios/CulvertFFI.xcframework)
//   CULVERT_NE_STANDINS=1                (system form only) also compiles the
//                                        NetworkExtension edge against the stand-in
//                                        Apple modules in ios/Tests/StandIns: a
//                                        compile check of call sites and concurrency,
//                                        not of Apple's behaviour (docs/ios.md)
//
// The release workflow rewrites the two marked lines below (scripts read the
// markers) in the commit it then tags: SwiftPM reads this manifest at the tag, so
// the tagged commit must carry the checksum of the zip attached to that release.
import PackageDescription

let culvertVersion = "0.1.0" // culvert:version
// Placeholder until the first release writes the zip's SHA-256 (64 zeros: SwiftPM
// rejects the download with a checksum mismatch instead of trusting it).
let culvertChecksum = "0000000000000000000000000000000000000000000000000000000000000000" // culvert:checksum

let releaseURL = "https://github.com/culvert-sdk/culvert/releases/download/\(culvertVersion)/CulvertFFI.xcframework.zip"
let defaultLocalXCFramework = "ios/CulvertFFI.xcframework"

enum FFIForm: String { case release, local, system }

let environment = Context.environment
let localXCFramework = environment["CULVERT_LOCAL_XCFRAMEWORK"].flatMap { $0.isEmpty ? nil : $0 }
let ffiForm: FFIForm = {
    if let forced = environment["CULVERT_FFI"], !forced.isEmpty {
        guard let form = FFIForm(rawValue: forced) else {
            fatalError("CULVERT_FFI must be release, local or system, not '\(forced)'")
        }
        return form
    }
    if localXCFramework != nil { return .local }
    #if os(Linux)
    return .system
    #else
    return .release
    #endif
}()
let useStandIns = ffiForm == .system && environment["CULVERT_NE_STANDINS"] == "1"

let ffiTarget: Target
switch ffiForm {
case .release:
    ffiTarget = .binaryTarget(name: "CulvertFFI", url: releaseURL, checksum: culvertChecksum)
case .local:
    ffiTarget = .binaryTarget(name: "CulvertFFI", path: localXCFramework ?? defaultLocalXCFramework)
case .system:
    ffiTarget = .systemLibrary(name: "CulvertFFI", path: "ios/Sources/CulvertFFILinux")
}

// Stand-ins for the Apple modules the NetworkExtension edge imports (Linux check only).
let standInModules = ["NetworkExtension", "Network", "os", "Security", "CoreLocation"]
let standInTargets: [Target] = useStandIns
    ? standInModules.map { name in
        .target(name: name, dependencies: name == "NetworkExtension" ? ["Security"] : [],
                path: "ios/Tests/StandIns/\(name)")
    }
    : []

let culvertTarget: Target = .target(
    name: "Culvert",
    dependencies: ["CulvertFFI"] + (useStandIns ? standInModules.map { .target(name: $0) } : []),
    path: "ios/Sources/Culvert",
    exclude: ffiForm == .system ? ["PrivacyInfo.xcprivacy"] : [],
    resources: ffiForm == .system ? [] : [.copy("PrivacyInfo.xcprivacy")],
    swiftSettings: useStandIns ? [.define("CULVERT_NE_STANDINS")] : []
)

let package = Package(
    name: "Culvert",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Culvert", targets: ["Culvert"]),
    ],
    targets: [ffiTarget, culvertTarget] + standInTargets + [
        .testTarget(
            name: "CulvertTests",
            dependencies: ["Culvert"],
            path: "ios/Tests/CulvertTests",
            swiftSettings: useStandIns ? [.define("CULVERT_NE_STANDINS")] : []
        ),
    ],
    swiftLanguageModes: [.v6]
)
