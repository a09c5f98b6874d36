#!/usr/bin/env python3
"""Fails on bash constructs that the stock macOS bash (3.2.57) does not have.

    scripts/release/bash32-check.py FILE...      prints `FILE:LINE: construct` per finding

Exit 1 if anything is found. The scripts that run on a Mac (the XCFramework
build, the bindings, the AAR build's native steps, the release scripts) are
checked by `make test-dist`; Debian and the other registries offer no bash 3.2
to run them under, so this is a static check, and the scripts also run here
under bash 5 with stand-in tools.

Found: associative arrays and namerefs (declare/local/typeset -A/-n, 4.0/4.3),
case modification ${v,,} ${v^^} (4.0), ${v@Q}-style transformations (4.4),
negative subscripts (4.3), mapfile/readarray, coproc, |&, &>>, ;& and ;;& (4.0),
declare -g (4.2), [[ -v ]] / test -v (4.2), wait -n (4.3), printf %(...)T (4.2),
globstar/lastpipe (4.0/4.2), $EPOCHSECONDS/$EPOCHREALTIME (5.0), $BASHPID (4.0)
— and, in files that `set -u`, an array expanded as "${a[@]}" that may be empty
(bash before 4.4 aborts with "unbound variable"): write ${a[@]+"${a[@]}"}, or
only ever assign the array a non-empty literal.
"""
import re
import sys

RULES = [
    (re.compile(r"\b(declare|local|typeset|readonly)\s+(-[a-zA-Z]*A[a-zA-Z]*)\b"), "associative array (bash 4.0)"),
    (re.compile(r"\b(declare|local|typeset)\s+(-[a-zA-Z]*n[a-zA-Z]*)\b"), "nameref (bash 4.3)"),
    (re.compile(r"\b(declare|typeset)\s+(-[a-zA-Z]*g[a-zA-Z]*)\b"), "declare -g (bash 4.2)"),
    (re.compile(r"\$\{[#!]?[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?(,,?|\^\^?)[^}]*\}"), "case modification ${v,,} / ${v^^} (bash 4.0)"),
    (re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?@[QEPAaUuLK]\}"), "${v@op} transformation (bash 4.4)"),
    (re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\[-[0-9]+\]\}"), "negative array subscript (bash 4.3)"),
    (re.compile(r"(^|[;&|({]\s*|\s)(mapfile|readarray)\b"), "mapfile/readarray (bash 4.0)"),
    (re.compile(r"(^|[;&|]\s*|\s)coproc\b"), "coproc (bash 4.0)"),
    (re.compile(r"\|&"), "|& (bash 4.0)"),
    (re.compile(r"&>>"), "&>> (bash 4.0)"),
    (re.compile(r";;&|(?<!;);&"), "case fall-through ;& / ;;& (bash 4.0)"),
    (re.compile(r"\[\[\s+-v\s|\btest\s+-v\s|\[\s+-v\s"), "-v VAR test (bash 4.2)"),
    (re.compile(r"\bwait\s+-n\b"), "wait -n (bash 4.3)"),
    (re.compile(r"%\([^)]*\)T"), "printf %(...)T (bash 4.2)"),
    (re.compile(r"\bshopt\s+-s\s+(globstar|lastpipe|autocd|checkjobs|direxpand|globasciiranges)\b"), "shopt option newer than bash 3.2"),
    (re.compile(r"\$\{?(EPOCHSECONDS|EPOCHREALTIME|BASHPID)\b"), "variable newer than bash 3.2"),
]

ARRAY_USE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\[[@*]\]\}")
GUARDED = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\[[@*]\]\+\"?\$\{\1\[[@*]\]\}\"?\}")
SET_U = re.compile(r"^\s*set\s+(-[a-zA-Z]*u[a-zA-Z]*\b|.*-o\s+nounset\b)")


def strip_comment(line):
    """The line without a trailing # comment (outside quotes), roughly."""
    out, quote = [], None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t;") and not line[:i].endswith("$"):
            break
        out.append(ch)
    return "".join(out)


def never_empty_arrays(lines):
    """Arrays whose every assignment is a non-empty literal `a=(x ...)` (appends allowed)."""
    assigned, maybe_empty = set(), set()
    for line in lines:
        for m in re.finditer(r"(?:^|[\s;&|(])(?:local\s+|declare\s+(?:-a\s+)?)?([A-Za-z_][A-Za-z0-9_]*)=\((.*?)\)", line):
            name, body = m.group(1), m.group(2).strip()
            assigned.add(name)
            if body == "":
                maybe_empty.add(name)
        for m in re.finditer(r"\b(?:local|declare|typeset)\s+(?:-a\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*($|;)", line):
            maybe_empty.add(m.group(1))
        for m in re.finditer(r"\bread\s+(?:-[a-z]+\s+)*-a\s+([A-Za-z_][A-Za-z0-9_]*)", line):
            maybe_empty.add(m.group(1))
    return assigned - maybe_empty


def check(path):
    with open(path, encoding="utf-8") as f:
        raw = f.read().splitlines()
    lines = [strip_comment(l) if not l.lstrip().startswith("#") else "" for l in raw]
    findings = []
    set_u = any(SET_U.search(l) for l in lines)
    safe = never_empty_arrays(lines)
    for n, line in enumerate(lines, 1):
        for rx, what in RULES:
            if rx.search(line):
                findings.append((n, what))
        if set_u:
            rest = GUARDED.sub("", line)
            for m in ARRAY_USE.finditer(rest):
                start = m.start()
                if rest[max(0, start - 1):start] == "#" or rest[start:start + 3] == "${#":
                    continue
                if m.group(1) not in safe:
                    findings.append((n, f'"${{{m.group(1)}[@]}}" may be empty under set -u (bash < 4.4 aborts); '
                                        f'write ${{{m.group(1)}[@]+"${{{m.group(1)}[@]}}"}}'))
    return findings


def main(argv):
    bad = 0
    for path in argv:
        for n, what in check(path):
            print(f"{path}:{n}: {what}")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
