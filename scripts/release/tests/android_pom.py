#!/usr/bin/env python3
"""The POM that io.culvert:culvert-android's publication carries, built from the
same sources Gradle reads: android/gradle.properties (GROUP, POM_ARTIFACT_ID,
VERSION_NAME, POM_* — what com.vanniktech.maven.publish puts in the POM) and
the `dependencies {}` block of android/build.gradle.kts, mapped as Gradle's
maven-publish maps an Android library's variant: `api` → compile scope,
`implementation` → runtime scope, `g:a:v@ext` → <type>ext</type>, test
configurations left out, plus kotlin-stdlib at `coreLibrariesVersion` (the Kotlin
Gradle plugin adds it to `api`).

Gradle cannot run here; this stands in for its POM generation so that the Maven
deployment check (scripts/release/tests/maven-check.sh) deploys and reads back
the coordinates, metadata and dependencies the release will publish.

    android_pom.py ANDROID_DIR > culvert-android.pom
"""
import re
import sys
from xml.sax.saxutils import escape


def properties(path):
    props = {}
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            k, v = line.split("=", 1)
            props[k.strip()] = v.strip()
    return props


def dependencies(gradle):
    text = open(gradle, encoding="utf-8").read()
    block = re.search(r"^dependencies \{\n(.*?)^\}", text, re.S | re.M)
    if not block:
        raise SystemExit("android_pom: no top-level dependencies block in " + gradle)
    deps = []
    for m in re.finditer(r'^\s*(api|implementation)\("([^":]+):([^":]+):([^"@]+)(?:@([a-z]+))?"\)', block.group(1), re.M):
        conf, group, artifact, version, ext = m.groups()
        deps.append((group, artifact, version, ext, "compile" if conf == "api" else "runtime"))
    stdlib = re.search(r'coreLibrariesVersion = "([^"]+)"', text)
    if not stdlib:
        raise SystemExit("android_pom: build.gradle.kts does not pin coreLibrariesVersion")
    deps.insert(0, ("org.jetbrains.kotlin", "kotlin-stdlib", stdlib.group(1), None, "compile"))
    return deps


def main(android):
    p = properties(android + "/gradle.properties")
    need = ["GROUP", "POM_ARTIFACT_ID", "VERSION_NAME", "POM_NAME", "POM_DESCRIPTION", "POM_URL",
            "POM_LICENSE_NAME", "POM_LICENSE_URL", "POM_SCM_URL", "POM_SCM_CONNECTION",
            "POM_DEVELOPER_ID", "POM_DEVELOPER_NAME"]
    missing = [k for k in need if not p.get(k)]
    if missing:
        raise SystemExit("android_pom: gradle.properties lacks " + ", ".join(missing))
    e = lambda k: escape(p[k])
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">',
        "  <modelVersion>4.0.0</modelVersion>",
        f"  <groupId>{e('GROUP')}</groupId>",
        f"  <artifactId>{e('POM_ARTIFACT_ID')}</artifactId>",
        f"  <version>{e('VERSION_NAME')}</version>",
        "  <packaging>aar</packaging>",
        f"  <name>{e('POM_NAME')}</name>",
        f"  <description>{e('POM_DESCRIPTION')}</description>",
        f"  <url>{e('POM_URL')}</url>",
    ]
    if p.get("POM_INCEPTION_YEAR"):
        out.append(f"  <inceptionYear>{e('POM_INCEPTION_YEAR')}</inceptionYear>")
    out += [
        "  <licenses>", "    <license>",
        f"      <name>{e('POM_LICENSE_NAME')}</name>", f"      <url>{e('POM_LICENSE_URL')}</url>",
    ]
    if p.get("POM_LICENSE_DIST"):
        out.append(f"      <distribution>{e('POM_LICENSE_DIST')}</distribution>")
    out += ["    </license>", "  </licenses>", "  <developers>", "    <developer>",
            f"      <id>{e('POM_DEVELOPER_ID')}</id>", f"      <name>{e('POM_DEVELOPER_NAME')}</name>"]
    if p.get("POM_DEVELOPER_URL"):
        out.append(f"      <url>{e('POM_DEVELOPER_URL')}</url>")
    out += ["    </developer>", "  </developers>", "  <scm>",
            f"    <connection>{e('POM_SCM_CONNECTION')}</connection>"]
    if p.get("POM_SCM_DEV_CONNECTION"):
        out.append(f"    <developerConnection>{e('POM_SCM_DEV_CONNECTION')}</developerConnection>")
    out += [f"    <url>{e('POM_SCM_URL')}</url>", "  </scm>", "  <dependencies>"]
    for group, artifact, version, ext, scope in dependencies(android + "/build.gradle.kts"):
        out += ["    <dependency>", f"      <groupId>{group}</groupId>", f"      <artifactId>{artifact}</artifactId>",
                f"      <version>{version}</version>"]
        if ext:
            out.append(f"      <type>{ext}</type>")
        out += [f"      <scope>{scope}</scope>", "    </dependency>"]
    out += ["  </dependencies>", "</project>"]
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: android_pom.py ANDROID_DIR")
    main(sys.argv[1])
