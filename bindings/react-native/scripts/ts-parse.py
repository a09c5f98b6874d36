#!/usr/bin/env python3
"""Parses Kotlin or Swift files with tree-sitter and reports every ERROR or
MISSING node with its line. Usage: ts-parse.py kotlin|swift FILE...
Prints `ok FILE` or `not ok FILE: ...` per file; exit status 1 if any failed."""
import sys

import tree_sitter


def language(name):
    if name == "kotlin":
        import tree_sitter_kotlin as mod
    elif name == "swift":
        import tree_sitter_swift as mod
    else:
        raise SystemExit(f"unknown language {name}")
    return tree_sitter.Language(mod.language())


def problems(node, out, limit=5):
    if len(out) >= limit:
        return
    if node.is_error or node.is_missing:
        kind = "missing " + node.type if node.is_missing else "syntax error"
        out.append(f"line {node.start_point[0] + 1}: {kind}")
        return
    if node.has_error:
        for child in node.children:
            problems(child, out, limit)


def main():
    lang = language(sys.argv[1])
    parser = tree_sitter.Parser(lang)
    failed = 0
    for path in sys.argv[2:]:
        with open(path, "rb") as f:
            tree = parser.parse(f.read())
        out = []
        problems(tree.root_node, out)
        if tree.root_node.has_error and not out:
            out.append("error somewhere in the tree")
        if out:
            failed += 1
            print(f"not ok {path}: {'; '.join(out)}")
        else:
            print(f"ok {path}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
