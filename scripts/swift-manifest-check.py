#!/usr/bin/env python3
"""Checks `swift package dump-package` output of the root Package.swift in one form.

    swift-manifest-check.py release|local|system DUMP.json Package.swift

The release form must point CulvertFFI at the GitHub release zip of the version on
the `// culvert:version` line with the checksum on the `// culvert:checksum` line;
the local form at ios/CulvertFFI.xcframework; the system form at the Linux C
module. Every form: the `Culvert` library over ios/Sources/Culvert, Swift 6 mode.
"""
import json
import re
import sys

REPO = "https://github.com/culvert-sdk/culvert"


def main() -> int:
    form, dump_path, manifest_path = sys.argv[1:4]
    dump = json.load(open(dump_path))
    manifest = open(manifest_path).read()
    version = re.search(r'^let culvertVersion = "([^"]+)" // culvert:version$', manifest, re.M)
    checksum = re.search(r'^let culvertChecksum = "([0-9a-f]{64})" // culvert:checksum$', manifest, re.M)
    problems = []
    if not version or not checksum:
        problems.append("the culvert:version / culvert:checksum lines are missing or malformed")
    targets = {t["name"]: t for t in dump.get("targets", [])}
    ffi = targets.get("CulvertFFI", {})
    if dump.get("name") != "Culvert" or not any(p.get("name") == "Culvert" for p in dump.get("products", [])):
        problems.append("no library product Culvert")
    if targets.get("Culvert", {}).get("path") != "ios/Sources/Culvert":
        problems.append(f"target Culvert path: {targets.get('Culvert', {}).get('path')}")
    modes = json.dumps(dump.get("swiftLanguageModes") or dump.get("swiftLanguageVersions"))
    if '"6"' not in modes:
        problems.append(f"Swift language modes: {modes}")
    if form == "release" and version and checksum:
        url = f"{REPO}/releases/download/{version.group(1)}/CulvertFFI.xcframework.zip"
        if ffi.get("type") != "binary" or ffi.get("url") != url or ffi.get("checksum") != checksum.group(1):
            problems.append(f"release CulvertFFI: {ffi}")
    elif form == "local":
        if ffi.get("type") != "binary" or ffi.get("path") != "ios/CulvertFFI.xcframework" or ffi.get("url"):
            problems.append(f"local CulvertFFI: {ffi}")
    elif form == "system":
        if ffi.get("type") != "system" or ffi.get("path") != "ios/Sources/CulvertFFILinux":
            problems.append(f"system CulvertFFI: {ffi}")
    if "example.invalid" in json.dumps(dump):
        problems.append("a placeholder example.invalid URL")
    for p in problems:
        print(f"{form}: {p}")
    if not problems:
        print(f"{form}: CulvertFFI {ffi.get('type')} {ffi.get('url') or ffi.get('path')}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
