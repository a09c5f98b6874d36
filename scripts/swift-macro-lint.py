#!/usr/bin/env python3
"""Fails on Darwin C macros Swift cannot import (a curated denylist).

    swift-macro-lint.py DENYLIST PATH...

There are no Darwin headers here to compile against, so the names are listed by
hand (scripts/swift-macro-denylist.txt). A use is a whole-word occurrence in Swift
code, outside comments and string literals. Prints each use and exits 1 if any.
"""
import os
import re
import sys


def load(path):
    names = {}
    for line in open(path):
        code, _, note = line.partition("#")
        name = code.strip()
        if name:
            names[name] = note.strip()
    return names


def strip_comments_and_strings(text):
    # Keep line structure: replace comments and string contents with spaces.
    out = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)
    out = re.sub(r'"(?:\\.|[^"\\\n])*"', lambda m: " " * len(m.group(0)), out)
    return re.sub(r"//[^\n]*", "", out)


def main():
    names = load(sys.argv[1])
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
    uses = 0
    files = 0
    for root in sys.argv[2:]:
        for dirpath, _, filenames in os.walk(root):
            for name in sorted(filenames):
                if not name.endswith(".swift"):
                    continue
                path = os.path.join(dirpath, name)
                files += 1
                code = strip_comments_and_strings(open(path, encoding="utf-8").read())
                for number, line in enumerate(code.splitlines(), 1):
                    for m in pattern.finditer(line):
                        uses += 1
                        print(f"{path}:{number}: {m.group(1)} is not importable into Swift ({names[m.group(1)]})")
    print(f"{files} Swift files checked against {len(names)} macros: {uses} use(s)")
    return 1 if uses or not files else 0


if __name__ == "__main__":
    sys.exit(main())
