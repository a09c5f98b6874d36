# CocoaPods spec of the Culvert Swift package, for apps (and the React Native
# module `react-native-culvert`, whose podspec depends on `Culvert`) that cannot
# use a Swift package. It vends the same Swift sources as the root Package.swift
# and the CulvertFFI XCFramework.
#
# Development: run `ios/build-xcframework.sh` once, then in the app's Podfile
#   pod 'Culvert', :path => 'path/to/culvert'
# Release: the source is the release tag; the XCFramework is not in git (it is
# built by the release), so `prepare_command` downloads the release's
# CulvertFFI.xcframework.zip and verifies it against the checksum that the
# tagged Package.swift carries (scripts/release/pod-prepare.sh) — the same zip
# and checksum SwiftPM uses. CocoaPods runs prepare_command for a :path pod too
# (on every `pod install`, and in `pod lib lint`): on an unreleased checkout
# (placeholder checksum) the script then uses the locally built XCFramework. Published by .github/workflows/release.yml after
# the GitHub release exists (docs/release.md).
Pod::Spec.new do |s|
  s.name             = 'Culvert'
  s.version          = '0.1.0'
  s.summary          = 'Embeddable WireGuard VPN SDK for iOS and macOS (NEPacketTunnelProvider adapter over a Rust core).'
  s.description      = <<-DESC
    Culvert runs WireGuard tunnels inside a Network Extension: one Rust core
    (boringtun) with the same config parser and errors on iOS and Android, a thin
    adapter for NEPacketTunnelProvider, NEHotspotConfiguration helpers and an
    app-side NETunnelProviderManager installer.
  DESC
  s.homepage         = 'https://github.com/culvert-sdk/culvert'
  s.license          = { :type => 'Apache-2.0', :file => 'LICENSE' }
  s.author           = 'Culvert contributors'
  s.source           = { :git => 'https://github.com/culvert-sdk/culvert.git', :tag => s.version.to_s }
  s.prepare_command  = 'bash scripts/release/pod-prepare.sh'

  s.ios.deployment_target = '15.0'
  s.osx.deployment_target = '12.0'
  s.swift_versions   = ['6.0']

  s.source_files        = 'ios/Sources/Culvert/**/*.swift'
  s.vendored_frameworks = 'ios/CulvertFFI.xcframework'
  s.resource_bundles    = { 'Culvert_Privacy' => ['ios/Sources/Culvert/PrivacyInfo.xcprivacy'] }
  s.frameworks          = 'NetworkExtension', 'Network', 'Security', 'SystemConfiguration'
  s.pod_target_xcconfig = { 'DEFINES_MODULE' => 'YES' }
end
