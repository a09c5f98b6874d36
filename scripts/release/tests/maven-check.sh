#!/usr/bin/env bash
# The Maven Central deployment check, without Gradle: a stand-in AAR of
# io.culvert:culvert-android (classes.jar, manifest, jni/<abi>/libculvert_ffi.so)
# with the POM the publication carries (android_pom.py, from gradle.properties
# and build.gradle.kts), a sources jar (android/src/main/kotlin) and a javadoc
# jar, each signed with a throwaway gpg key, deployed with
# `mvn deploy:deploy-file` into a local file repository. Then read back:
# layout and checksums, every signature verified, the POM's coordinates, Central's
# required metadata and the dependencies (JNA as @aar), and the artifact resolved
# by its coordinates with `mvn dependency:get` from that repository.
# Sourced by scripts/test-dist.sh (uses its pass/fail).

MVN_DEPLOY_PLUGIN=org.apache.maven.plugins:maven-deploy-plugin:3.1.4
MVN_DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

maven_check() {
    local work
    work=$(mktemp -d)
    local ok=1 log="$work/log" v g a
    v=$(bash "$ROOT/scripts/release/version.sh")
    g=$(sed -n 's/^GROUP=//p' "$ROOT/android/gradle.properties")
    a=$(sed -n 's/^POM_ARTIFACT_ID=//p' "$ROOT/android/gradle.properties")
    mc_fail() { ok=0; echo "    - $*"; }

    # Throwaway signing key (no passphrase), in its own GNUPGHOME.
    export GNUPGHOME="$work/gnupg"
    mkdir -m 700 "$GNUPGHOME"
    gpg --batch --quiet --passphrase '' --quick-gen-key 'Culvert release test <release-test@culvert.invalid>' ed25519 sign 1d >>"$log" 2>&1 ||
        mc_fail "gpg key generation failed"

    # The stand-in artifacts.
    local d="$work/artifacts" abi
    mkdir -p "$d/aar/jni" "$d/classes/io/culvert" "$d/javadoc"
    echo "placeholder" >"$d/classes/io/culvert/Placeholder.class"
    (cd "$d/classes" && zip -qrX "$d/aar/classes.jar" .)
    printf '<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="io.culvert">\n  <uses-sdk android:minSdkVersion="24"/>\n</manifest>\n' >"$d/aar/AndroidManifest.xml"
    for abi in arm64-v8a armeabi-v7a x86_64 x86; do
        mkdir -p "$d/aar/jni/$abi"
        echo "placeholder $abi" >"$d/aar/jni/$abi/libculvert_ffi.so"
    done
    cp "$ROOT/android/consumer-rules.pro" "$d/aar/proguard.txt"
    (cd "$d/aar" && zip -qrX "$d/$a-$v.aar" .)
    (cd "$ROOT/android/src/main/kotlin" && zip -qrX "$d/$a-$v-sources.jar" .)
    echo "<html><body>culvert-android $v</body></html>" >"$d/javadoc/index.html"
    (cd "$d/javadoc" && zip -qrX "$d/$a-$v-javadoc.jar" .)
    python3 "$ROOT/scripts/release/tests/android_pom.py" "$ROOT/android" >"$d/$a-$v.pom" 2>>"$log" ||
        mc_fail "POM generation failed: $(tail -n 1 "$log")"
    local f
    for f in "$d/$a-$v.aar" "$d/$a-$v.pom" "$d/$a-$v-sources.jar" "$d/$a-$v-javadoc.jar"; do
        gpg --batch --yes --armor --detach-sign --output "$f.asc" "$f" >>"$log" 2>&1 || mc_fail "signing $(basename "$f") failed"
    done

    # Deploy: the artifact with POM, sources and javadoc, then the four signatures.
    local repo="$work/repo" m2="$work/m2"
    local mvn=(mvn -B -q -Dstyle.color=never)
    "${mvn[@]}" "$MVN_DEPLOY_PLUGIN:deploy-file" -Durl="file://$repo" -DrepositoryId=culvert-test \
        -Dfile="$d/$a-$v.aar" -DpomFile="$d/$a-$v.pom" \
        -Dsources="$d/$a-$v-sources.jar" -Djavadoc="$d/$a-$v-javadoc.jar" \
        -Dfiles="$d/$a-$v.aar.asc,$d/$a-$v.pom.asc,$d/$a-$v-sources.jar.asc,$d/$a-$v-javadoc.jar.asc" \
        -Dtypes=aar.asc,pom.asc,jar.asc,jar.asc -Dclassifiers=,,sources,javadoc \
        >>"$log" 2>&1 || mc_fail "mvn deploy:deploy-file failed: $(tail -n 5 "$log" | tr '\n' ' ')"

    # Read back: layout, checksums, signatures.
    local dir="$repo/$(echo "$g" | tr . /)/$a/$v" name
    for name in "$a-$v.aar" "$a-$v.pom" "$a-$v-sources.jar" "$a-$v-javadoc.jar"; do
        [ -f "$dir/$name" ] || { mc_fail "missing $name in the repository"; continue; }
        [ -f "$dir/$name.sha1" ] && [ "$(cat "$dir/$name.sha1")" = "$(sha1sum "$dir/$name" | cut -d' ' -f1)" ] ||
            mc_fail "$name.sha1 missing or wrong"
        [ -f "$dir/$name.md5" ] || mc_fail "$name.md5 missing"
        [ -f "$dir/$name.asc" ] || { mc_fail "missing signature $name.asc"; continue; }
        gpg --batch --verify "$dir/$name.asc" "$dir/$name" >>"$log" 2>&1 || mc_fail "signature of $name does not verify"
    done
    # A signature must fail on a changed file (the verification can fail).
    if [ -f "$dir/$a-$v.pom.asc" ]; then
        cp "$dir/$a-$v.pom" "$work/tampered.pom"
        echo "<!-- changed -->" >>"$work/tampered.pom"
        gpg --batch --verify "$dir/$a-$v.pom.asc" "$work/tampered.pom" >>"$log" 2>&1 && mc_fail "a changed POM verified"
    fi
    grep -q "<version>$v</version>" "$repo/$(echo "$g" | tr . /)/$a/maven-metadata.xml" 2>/dev/null ||
        mc_fail "maven-metadata.xml does not list $v"
    unzip -l "$dir/$a-$v.aar" 2>/dev/null | awk '{ print $4 }' >"$work/aar.list"
    for f in classes.jar AndroidManifest.xml jni/arm64-v8a/libculvert_ffi.so jni/armeabi-v7a/libculvert_ffi.so \
        jni/x86_64/libculvert_ffi.so jni/x86/libculvert_ffi.so; do
        grep -qx "$f" "$work/aar.list" || mc_fail "the AAR lacks $f"
    done

    # The POM: coordinates, Central's required elements, dependencies.
    python3 - "$dir/$a-$v.pom" "$g" "$a" "$v" >>"$work/pom.out" 2>&1 <<'PY' || { mc_fail "POM check:"; sed 's/^/      /' "$work/pom.out"; }
import sys
import xml.etree.ElementTree as ET
path, g, a, v = sys.argv[1:]
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
root = ET.parse(path).getroot()
t = lambda p: (root.findtext(p, namespaces=ns) or "").strip()
errors = []
for p, want in [("m:groupId", g), ("m:artifactId", a), ("m:version", v), ("m:packaging", "aar")]:
    if t(p) != want:
        errors.append(f"{p[2:]} is {t(p)!r}, want {want!r}")
for p in ["m:name", "m:description", "m:url", "m:licenses/m:license/m:name", "m:licenses/m:license/m:url",
          "m:developers/m:developer/m:name", "m:scm/m:url", "m:scm/m:connection"]:
    if not t(p):
        errors.append(f"{p.replace('m:', '')} missing (Maven Central requires it)")
if t("m:licenses/m:license/m:name") != "Apache-2.0":
    errors.append("licence is not Apache-2.0")
for p in ["m:url", "m:scm/m:url"]:
    if t(p) != "https://github.com/culvert-sdk/culvert":
        errors.append(f"{p.replace('m:', '')} is {t(p)!r}")
deps = {}
for d in root.findall("m:dependencies/m:dependency", ns):
    key = (d.findtext("m:groupId", namespaces=ns), d.findtext("m:artifactId", namespaces=ns))
    deps[key] = {k: (d.findtext("m:" + k, namespaces=ns) or "") for k in ("version", "type", "scope", "classifier")}
jna = deps.get(("net.java.dev.jna", "jna"))
if not jna or jna["type"] != "aar" or jna["scope"] != "runtime":
    errors.append(f"JNA must be a runtime dependency of type aar (the Android @aar artifact): {jna}")
std = deps.get(("org.jetbrains.kotlin", "kotlin-stdlib"))
if not std or not std["version"].startswith("2.1."):
    errors.append(f"kotlin-stdlib must be 2.1.x (React Native 0.80's Kotlin 2.1.20 reads it): {std}")
for (dg, da), d in deps.items():
    if not d["version"]:
        errors.append(f"{dg}:{da} has no version")
    if dg in ("junit", "org.robolectric") or da.startswith("kotlin-test"):
        errors.append(f"test dependency {dg}:{da} leaked into the POM")
print("\n".join(errors) if errors else f"POM ok: {g}:{a}:{v}, {len(deps)} dependencies")
sys.exit(1 if errors else 0)
PY

    # Resolve it by its coordinates from the deployed repository (a fresh local repo).
    "${mvn[@]}" "$MVN_DEPENDENCY_PLUGIN:get" -Dmaven.repo.local="$m2" -Dtransitive=false \
        -DremoteRepositories="culvert-test::default::file://$repo" -Dartifact="$g:$a:$v:aar" >>"$log" 2>&1 ||
        mc_fail "mvn dependency:get $g:$a:$v:aar from the deployed repository failed: $(tail -n 3 "$log" | tr '\n' ' ')"
    [ -f "$m2/$(echo "$g" | tr . /)/$a/$v/$a-$v.aar" ] || mc_fail "dependency:get did not fetch the AAR"

    gpgconf --kill gpg-agent >/dev/null 2>&1 || true
    unset GNUPGHOME
    rm -rf "$work"
    if [ "$ok" -eq 1 ]; then pass "maven: $g:$a:$v deployed with POM, sources, javadoc, signatures; read back and resolved"
    else fail "maven: $g:$a:$v deployment check"; fi
}
