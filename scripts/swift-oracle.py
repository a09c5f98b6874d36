#!/usr/bin/env python3
# Part of `make test-swift` (scripts/test-swift.sh): usage: swift-oracle.py CULVERT_CLI VECTORS_DIR OUT.json
# Runs the Rust CLI over the shared conformance vectors and writes what it
# answers, with the inputs, to one JSON file the Swift tests compare against.
import base64, glob, json, os, subprocess, sys
cli, vectors, out = sys.argv[1], sys.argv[2], sys.argv[3]

def run(args, data=None):
    p = subprocess.run([cli] + args, input=data, capture_output=True, timeout=60)
    return json.loads(p.stdout.decode() or "null")

oracle = {"configs": [], "hotspots": []}
expected = json.load(open(os.path.join(vectors, "wg-quick/android/expected.json")))["cases"]
for path in sorted(glob.glob(os.path.join(vectors, "wg-quick/android/*.conf"))):
    name = os.path.basename(path)
    oracle["configs"].append({"name": name, "text": open(path, encoding="utf-8", errors="replace").read(),
                              "rust": run(["config", "check", "--json", path]), "android": expected.get(name)})

inputs = []
z = json.load(open(os.path.join(vectors, "hotspot/zxing_wifi_vectors.json")))
inputs += [(v["id"], v["input"].encode(), None) for v in z["test_vectors"] + z["behavior_probes"]]
q = json.load(open(os.path.join(vectors, "hotspot/android_qr_vectors.json")))
for key in ("aosp_wifi_uri_parser", "aosp_settings_wifi_qr_code", "hostap_dpp_uri"):
    inputs += [(v["id"], v["input"].encode(), None) for v in q.get(key, []) if isinstance(v.get("input"), str)]
pp = json.load(open(os.path.join(vectors, "hotspot/passpoint_vectors.json")))
for i, c in enumerate(pp["config_parser_cases"]):
    inputs.append((f"passpoint-{i}-{c['file']}", open(os.path.join(vectors, "hotspot/passpoint", c["file"]), "rb").read(), c.get("mime")))
for i, c in enumerate(pp["pps_mo_parser_cases"]):
    data = open(os.path.join(vectors, "hotspot/passpoint", c["file"]), "rb").read() if "file" in c else str(c["input"]).encode()
    inputs.append((f"pps-{i}-{c.get('file', 'inline')}", data, None))
for ident, data, mime in inputs:
    args = ["hotspot", "parse", "--json"] + (["--mime", mime] if mime else []) + ["-"]
    oracle["hotspots"].append({"name": ident, "input": base64.b64encode(data).decode(), "mime": mime,
                               "rust": run(args, data)})
json.dump(oracle, open(out, "w"), indent=1)
print(f"oracle: {len(oracle['configs'])} configs, {len(oracle['hotspots'])} hotspot inputs")
