// swift-tools-version:5.9
// The Culvert Swift package: the UniFFI-generated bindings and a thin adapter for
// NEPacketTunnelProvider, over the Rust library `culvert_ffi` (module CulvertFFI).
import PackageDescription

#if os(Linux)
// Linux (what `make test-swift` runs): the C interface as a system library, linked
// against a host-built `libculvert_ffi.so` (`swift build -Xlinker -L<dir>`).
let ffi: Target = .systemLibrary(name: "CulvertFFI", path: "Sources/CulvertFFILinux")
let culvertResources: [Resource] = []
#else
// Apple platforms: the XCFramework built by `ios/build-xcframework.sh`.
// Development: the local path below. A release replaces it with the zip's URL and
// the checksum the script prints (`swift package compute-checksum`):
//   .binaryTarget(
//       name: "CulvertFFI",
//       url: "https://example.invalid/culvert/releases/download/0.1.0/CulvertFFI.xcframework.zip",
//       checksum: "<sha256 printed by build-xcframework.sh>")
let ffi: Target = .binaryTarget(name: "CulvertFFI", path: "CulvertFFI.xcframework")
let culvertResources: [Resource] = [.copy("PrivacyInfo.xcprivacy")]
#endif

let package = Package(
    name: "Culvert",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Culvert", targets: ["Culvert"]),
    ],
    targets: [
        ffi,
        .target(
            name: "Culvert",
            dependencies: ["CulvertFFI"],
            path: "Sources/Culvert",
            exclude: culvertResources.isEmpty ? ["PrivacyInfo.xcprivacy"] : [],
            resources: culvertResources
        ),
        .testTarget(
            name: "CulvertTests",
            dependencies: ["Culvert"],
            path: "Tests/CulvertTests"
        ),
    ]
)
