#!/usr/bin/env bash
# The package can carry prebuilt native artifacts (issue 14 item 6), tested with
# stand-ins in a copy of the package:
#  - a stand-in AAR deployed by Maven into android/maven (the package-local
#    repository android/build.gradle adds when present) resolves with Maven's own
#    resolver at the version the Gradle file asks for;
#  - `npm pack` ships android/maven and ios/Culvert.xcframework when present;
#  - the podspec vendors the XCFramework when present (scripts/podspec-check.rb).
# Gradle and CocoaPods themselves cannot run here: the Gradle block is review-only.
# Prints `ok` / `not ok` lines.
set -u
pkg=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok $1"; }
notok() { echo "not ok $1"; }

copy="$tmp/react-native-culvert"
mkdir -p "$copy"
(cd "$pkg" && cp -r package.json README.md react-native.config.js react-native-culvert.podspec app.plugin.js plugin src ios android "$copy/")
rm -rf "$copy/android/build" "$copy/android/maven" "$copy/ios/Culvert.xcframework"

gradle="$copy/android/build.gradle"
# The version the Gradle file asks for: the package's own (read from package.json there).
if grep -q 'culvert-android:${culvertVersion}' "$gradle" && grep -q 'parse(file("../package.json")).version' "$gradle"; then
    version=$(node -p 'require(process.argv[1]).version' "$copy/package.json")
else
    version=""
fi
if grep -q 'def culvertLocalMaven = file("maven")' "$gradle" && grep -q 'io/culvert/culvert-android' "$gradle" &&
    grep -q 'includeGroup("io.culvert")' "$gradle" && [ -n "$version" ]; then
    ok "android/build.gradle: package-local repository android/maven for io.culvert, culvert-android $version"
else
    notok "android/build.gradle has no package-local repository block (or does not take the version from package.json)"
fi

# Stand-in AAR: the minimal AAR layout (manifest + classes.jar).
mkdir -p "$tmp/aar"
printf '<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="io.culvert"/>\n' >"$tmp/aar/AndroidManifest.xml"
(cd "$tmp/aar" && mkdir -p empty && jar cf classes.jar -C empty . && rm -rf empty && jar cf "$tmp/culvert-android.aar" AndroidManifest.xml classes.jar)
if mvn -q -B -Dstyle.color=never deploy:deploy-file -Dfile="$tmp/culvert-android.aar" -Dpackaging=aar \
        -DgroupId=io.culvert -DartifactId=culvert-android -Dversion="$version" \
        -Durl="file://$copy/android/maven" -DrepositoryId=package-local >"$tmp/deploy.log" 2>&1 &&
    [ -f "$copy/android/maven/io/culvert/culvert-android/$version/culvert-android-$version.aar" ]; then
    ok "stand-in AAR deployed into android/maven (Maven layout)"
else
    tail -20 "$tmp/deploy.log"; notok "stand-in AAR deploy"
fi
# Resolve it as a consumer would, from that repository only (an empty local repository).
if mvn -q -B -Dstyle.color=never dependency:get -Dartifact="io.culvert:culvert-android:$version:aar" \
        -DremoteRepositories="package-local::default::file://$copy/android/maven" \
        -Dmaven.repo.local="$tmp/m2" -Dtransitive=false >"$tmp/get.log" 2>&1 &&
    [ -f "$tmp/m2/io/culvert/culvert-android/$version/culvert-android-$version.aar" ]; then
    ok "io.culvert:culvert-android:$version resolves from the package-local repository"
else
    tail -20 "$tmp/get.log"; notok "io.culvert:culvert-android:$version does not resolve from android/maven"
fi

# Stand-in XCFramework, then what npm would publish.
mkdir -p "$copy/ios/Culvert.xcframework/ios-arm64/Culvert.framework/Headers"
printf '<plist version="1.0"><dict/></plist>\n' >"$copy/ios/Culvert.xcframework/Info.plist"
printf '// stand-in\n' >"$copy/ios/Culvert.xcframework/ios-arm64/Culvert.framework/Headers/Culvert-Swift.h"
files=$(cd "$copy" && npm pack --dry-run --json --ignore-scripts 2>/dev/null | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s)[0].files.map((f) => f.path).join("\n")));')
if grep -qx "android/maven/io/culvert/culvert-android/$version/culvert-android-$version.aar" <<<"$files" &&
    grep -qx "android/maven/io/culvert/culvert-android/$version/culvert-android-$version.pom" <<<"$files" &&
    grep -qx "ios/Culvert.xcframework/Info.plist" <<<"$files"; then
    ok "npm pack ships android/maven (AAR + POM) and ios/Culvert.xcframework when present"
else
    notok "npm pack leaves the prebuilt artifacts out"
fi

ruby "$(dirname "$0")/podspec-check.rb" "$pkg"
