# CocoaPods spec of the Culvert Swift package, for apps (and the React Native
# module `react-native-culvert`, whose podspec depends on `Culvert`) that cannot
# use a Swift package. It vends the same Swift sources as ios/Package.swift and
# the CulvertFFI XCFramework that ios/build-xcframework.sh builds on a Mac.
#
# Development: run `ios/build-xcframework.sh` once, then in the app's Podfile
#   pod 'Culvert', :path => 'path/to/culvert'
# Release: the :http source below is the zip of this repository's tree with
# ios/CulvertFFI.xcframework added (build-xcframework.sh --pod-archive makes it).
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
  s.homepage         = 'https://example.invalid/culvert'
  s.license          = { :type => 'Apache-2.0' }
  s.author           = { 'Culvert contributors' => 'culvert@example.invalid' }
  s.source           = { :http => "https://example.invalid/culvert/releases/download/#{s.version}/Culvert-#{s.version}-pod.zip" }

  s.ios.deployment_target = '15.0'
  s.osx.deployment_target = '12.0'
  s.swift_versions   = ['5.9', '5.10', '6.0']

  s.source_files        = 'ios/Sources/Culvert/**/*.swift'
  s.vendored_frameworks = 'ios/CulvertFFI.xcframework'
  s.resource_bundles    = { 'Culvert_Privacy' => ['ios/Sources/Culvert/PrivacyInfo.xcprivacy'] }
  s.frameworks          = 'NetworkExtension', 'Network', 'Security', 'SystemConfiguration'
  s.pod_target_xcconfig = { 'DEFINES_MODULE' => 'YES' }
end
