#!/usr/bin/env python3
"""Every repository script a workflow step runs also runs here.

    workflow_scripts.py RAN_LIST WORKFLOW...

RAN_LIST holds the repository scripts that `make test-dist` executed (one path
per line). For each `run:` block of each workflow: every path of a script in the
repository (scripts/…, ios/…, android/…, bindings/…, examples/…, .ci/run)
must exist and be in RAN_LIST — except .ci/run, which is `make test` itself —
and every `make TARGET` must be `test` or a target that `make test` runs
(scripts/test-all.sh). Prints one line per finding, or a count.
"""
import os
import re
import sys

SCRIPT = re.compile(r"(?<![\w/.-])(\.ci/run|(?:scripts|ios|android|bindings|examples)/[\w./-]+\.(?:sh|py))\b")
MAKE = re.compile(r"\bmake\s+([a-z][\w-]*)")


def run_blocks(path):
    """(line, text) of every `run:` value (single-line or block scalar)."""
    lines = open(path, encoding="utf-8").read().splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^(\s*)(?:-\s+)?run:\s*(.*)$", lines[i])
        if not m:
            i += 1
            continue
        indent, value = len(m.group(1)), m.group(2)
        start = i + 1
        if value in ("|", ">", "|-", ">-", "|+", ">+"):
            body = []
            i += 1
            while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
                body.append(lines[i])
                i += 1
            yield start, "\n".join(body)
        else:
            yield start, value
            i += 1


def main(ran_list, workflows):
    root = os.getcwd()
    ran = {l.strip() for l in open(ran_list, encoding="utf-8") if l.strip()}
    test_all = open(os.path.join(root, "scripts/test-all.sh"), encoding="utf-8").read()
    m = re.search(r"CULVERT_TEST_TARGETS:-([^}]*)\}", test_all)
    in_make_test = set(m.group(1).split()) if m else set()
    bad, seen = [], set()
    for wf in workflows:
        for line, text in run_blocks(wf):
            for s in SCRIPT.findall(text):
                seen.add(s)
                if not os.path.exists(os.path.join(root, s)):
                    bad.append(f"{wf}:{line}: {s} does not exist")
                elif s != ".ci/run" and s not in ran:
                    bad.append(f"{wf}:{line}: {s} is run by the workflow but not by make test-dist")
            for t in MAKE.findall(text):
                seen.add("make " + t)
                if t != "test" and t not in in_make_test:
                    bad.append(f"{wf}:{line}: make {t} is not part of make test")
    for b in bad:
        print(b)
    print(f"{len(seen)} scripts and make targets referenced, {len(bad)} not run here")
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit("usage: workflow_scripts.py RAN_LIST WORKFLOW...")
    sys.exit(main(sys.argv[1], sys.argv[2:]))
