#!/usr/bin/env python3
"""Turns criterion's console output into a markdown table (median time, throughput).

Usage: criterion_table.py CRITERION.log  (markdown on stdout)
"""
import re
import sys

TIME = re.compile(r"time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]")
THRPT = re.compile(r"thrpt:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]")


def main(path):
    rows, name = [], None
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith(("Benchmarking", "Found", "Warning", "  ", "Gnuplot")) and "time:" not in line and "thrpt:" not in line:
                continue
            head = line.split()[0] if line.strip() else ""
            if head and not line[0].isspace() and "/" in head:
                name = head
            m = TIME.search(line)
            if m and name:
                rows.append([name, f"{m.group(1)} {m.group(2)}", ""])
                continue
            m = THRPT.search(line)
            if m and rows:
                rows[-1][2] = f"{m.group(1)} {m.group(2)}"
    print("| Benchmark | median time | throughput |")
    print("|---|---|---|")
    for r in rows:
        print(f"| `{r[0]}` | {r[1]} | {r[2] or '—'} |")


if __name__ == "__main__":
    main(sys.argv[1])
