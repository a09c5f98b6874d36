# CocoaPods spec of the React Native module. The engine comes from the `Culvert`
# pod (Culvert.podspec at the root of the Culvert repository: the CulvertFFI XCFramework
# plus the Swift package sources), because a podspec cannot depend on a Swift
# package.
require "json"

package = JSON.parse(File.read(File.join(__dir__, "package.json")))

Pod::Spec.new do |s|
  s.name         = "react-native-culvert"
  s.version      = package["version"]
  s.summary      = package["description"]
  s.homepage     = "https://github.com/culvert-sdk/culvert"
  s.license      = package["license"]
  s.authors      = "Culvert contributors"
  s.platforms    = { :ios => "15.0" }
  s.source       = { :git => "https://github.com/culvert-sdk/culvert.git", :tag => s.version.to_s }
  s.source_files = "ios/**/*.{h,m,mm,swift}"
  s.exclude_files = "ios/Culvert.xcframework/**/*"
  s.swift_version = "5.9"
  s.frameworks   = "NetworkExtension", "CoreLocation", "Security"

  # The engine. A release can ship it inside the npm package as
  # ios/Culvert.xcframework (the Culvert Swift module with the Rust core linked
  # in), so an app needs nothing but `npm install`: vendored when present, else
  # the published `Culvert` pod. (scripts/podspec-check.rb tests both.)
  if File.directory?(File.join(__dir__, "ios", "Culvert.xcframework"))
    s.vendored_frameworks = "ios/Culvert.xcframework"
  else
    s.dependency "Culvert", package["version"]
  end

  # React Native ≥ 0.71: wires React-Core, the codegen spec (RNCulvertSpec) and,
  # with RCT_NEW_ARCH_ENABLED, the TurboModule dependencies.
  install_modules_dependencies(s)
end
