# Evaluates react-native-culvert.podspec (plain Ruby, as CocoaPods does) with a
# recording stand-in for Pod::Spec, in a copy of the package: without and with a
# stand-in ios/Culvert.xcframework. Without it the pod depends on the published
# `Culvert` pod; with it the pod vendors the XCFramework, drops that
# dependency, and its source globs do not pick up the framework's headers.
# Usage: ruby podspec-check.rb <package dir>. Prints `ok` / `not ok` lines.
require "fileutils"
require "tmpdir"

module Pod
  # Records every attribute the podspec sets.
  class Spec
    attr_reader :attrs, :deps
    def initialize
      @attrs = {}
      @deps = {}
      yield self
    end
    def dependency(name, *req) = (@deps[name] = req)
    def version = @attrs["version"]
    def method_missing(name, *args)
      key = name.to_s
      return super unless key.end_with?("=")
      @attrs[key.chomp("=")] = args.length == 1 ? args[0] : args
    end
    def respond_to_missing?(name, priv = false) = name.to_s.end_with?("=") || super
  end
end
# React Native's helper (react_native_pods.rb), recorded only.
def install_modules_dependencies(spec) = spec.attrs["install_modules_dependencies"] = true

$failed = 0
def check(name)
  detail = yield
  puts "ok #{name}#{detail ? " (#{detail})" : ""}"
rescue StandardError => e
  $failed += 1
  puts "not ok #{name}: #{e.message}"
end

def evaluate(dir)
  path = File.join(dir, "react-native-culvert.podspec")
  eval(File.read(path), TOPLEVEL_BINDING, path) # rubocop:disable Security/Eval
end

def sources(dir, spec)
  Dir.chdir(dir) do
    Dir.glob(spec.attrs["source_files"]) - Dir.glob(spec.attrs["exclude_files"] || [])
  end
end

pkg = File.expand_path(ARGV[0] || ".")
Dir.mktmpdir("culvert-podspec-") do |tmp|
  copy = File.join(tmp, "react-native-culvert")
  FileUtils.mkdir_p(copy)
  %w[package.json react-native-culvert.podspec ios].each { |f| FileUtils.cp_r(File.join(pkg, f), copy) }
  FileUtils.rm_rf(File.join(copy, "ios", "Culvert.xcframework"))
  version = File.read(File.join(pkg, "package.json"))[/"version":\s*"([^"]+)"/, 1]

  check("podspec without a prebuilt XCFramework depends on the published Culvert pod") do
    spec = evaluate(copy)
    raise "dependencies #{spec.deps}" unless spec.deps["Culvert"] == [version]
    raise "vendors #{spec.attrs["vendored_frameworks"]}" if spec.attrs["vendored_frameworks"]
    raise "install_modules_dependencies not called" unless spec.attrs["install_modules_dependencies"]
    "Culvert #{version}"
  end

  # Stand-in: the layout `xcodebuild -create-xcframework` writes, with a Swift header.
  fw = File.join(copy, "ios", "Culvert.xcframework")
  headers = File.join(fw, "ios-arm64", "Culvert.framework", "Headers")
  FileUtils.mkdir_p(headers)
  File.write(File.join(fw, "Info.plist"), "<plist version=\"1.0\"><dict/></plist>\n")
  File.write(File.join(headers, "Culvert-Swift.h"), "// stand-in\n")
  check("podspec with ios/Culvert.xcframework vendors it instead of the Culvert pod") do
    spec = evaluate(copy)
    raise "vendored_frameworks #{spec.attrs["vendored_frameworks"].inspect}" unless spec.attrs["vendored_frameworks"] == "ios/Culvert.xcframework"
    raise "still depends on #{spec.deps.keys}" if spec.deps.key?("Culvert")
    leaked = sources(copy, spec).grep(/Culvert\.xcframework/)
    raise "source_files include #{leaked}" unless leaked.empty?
    "#{sources(copy, spec).length} source files"
  end
end
exit($failed.zero? ? 0 : 1)
