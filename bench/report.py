#!/usr/bin/env python3
"""Turns bench/e2e.sh's raw TSV into the markdown tables of bench/results.md.

Usage: report.py RESULTS.tsv  (markdown on stdout)
Throughput is the median over rounds; ratios compare pairs measured in the same run.
"""
import statistics
import sys

LABELS = {
    "culvert": "Culvert",
    "wggo-deb": "wireguard-go (Debian)",
    "wggo-mod": "wireguard-go (module)",
    "boringtun": "boringtun-cli",
    "gotatun": "gotatun-cli",
}
BASELINES = [("wggo-deb", "wg-go Debian"), ("wggo-mod", "wg-go module"), ("gotatun", "gotatun")]


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fnum(x, fmt="{:.2f}"):
    return "n/a" if x is None else fmt.format(x)


def main(path):
    meta, versions, pairs, tcp, latency, idle, rss = {}, {}, {}, {}, {}, {}, {}
    idle_threads = {}
    with open(path) as f:
        for line in f:
            row = line.rstrip("\n").split("\t")
            kind = row[0]
            if kind == "meta" and row[1] == "version":
                versions[row[2]] = row[3]
            elif kind == "meta":
                meta[row[1]] = row[2]
            elif kind == "pair":
                pairs[int(row[1])] = (row[2], row[3], row[4] if len(row) > 4 else "")
            elif kind == "tcp":
                i, streams = int(row[1]), int(row[3])
                bps = None if row[4] == "NA" else float(row[4])
                retr = None if row[5] == "NA" else int(row[5])
                tcp.setdefault((i, streams), []).append((bps, retr, float(row[6])))
            elif kind == "latency":
                latency[int(row[1])] = (
                    None if row[2] == "NA" else float(row[2]),
                    None if row[3] == "NA" else float(row[3]),
                    row[4],
                )
            elif kind == "idle":
                idle[int(row[1])] = (int(row[2]), int(row[3]), int(row[4]))
            elif kind == "idlethr":
                idle_threads.setdefault((int(row[1]), row[2]), []).append((row[3], int(row[4])))
            elif kind == "rss":
                rss[int(row[1])] = (int(row[2]), int(row[3]))

    def name(i):
        a, b, _ = pairs[i]
        return f"{LABELS.get(a, a)} ↔ {LABELS.get(b, b)}"

    def gbps(i, streams):
        runs = tcp.get((i, streams), [])
        m = median([r[0] for r in runs])
        return None if m is None else m / 1e9

    def baseline_index(impl):
        for i, (a, b, skip) in pairs.items():
            if a == impl and b == impl and not skip and gbps(i, 1) is not None:
                return i
        return None

    bases = [(impl, label, baseline_index(impl)) for impl, label in BASELINES]
    bases = [b for b in bases if b[2] is not None]

    out = []
    out.append("## End-to-end (network namespaces, veth, real TUN, iperf3 TCP)\n")
    out.append(f"- Date: {meta.get('date', '?')}")
    out.append(f"- Machine: {meta.get('machine', '?')}")
    out.append(
        f"- Load average (1/5/15 min) at start: {meta.get('load_start', '?')}, at end: {meta.get('load_end', '?')}"
        " — the machine is shared, so absolute numbers move; compare ratios within one run."
    )
    out.append(f"- Settings: {meta.get('settings', '?')}; throughput is the median over rounds, pairs alternate.")
    for impl, v in versions.items():
        out.append(f"- {LABELS.get(impl, impl)}: `{v}`")
    out.append("")

    hdr = ["Pair", "1 stream Gbit/s"] + [f"× {label}" for _, label, _ in bases]
    hdr += ["4 streams Gbit/s"] + [f"× {label}" for _, label, _ in bases]
    hdr += ["CPU % (1 stream, both ends)", "Gbit/s per core", "retransmits (1 stream)"]
    out.append("| " + " | ".join(hdr) + " |")
    out.append("|" + "---|" * len(hdr))
    for i in sorted(pairs):
        a, b, skip = pairs[i]
        if skip:
            out.append(f"| {name(i)} | skipped: {skip} |" + " |" * (len(hdr) - 2))
            continue
        cells = [name(i)]
        for streams in (1, 4):
            g = gbps(i, streams)
            cells.append(fnum(g, "{:.3f}"))
            for _, _, bi in bases:
                bg = gbps(bi, streams)
                cells.append(fnum(g / bg if g and bg else None, "{:.2f}×"))
        runs = tcp.get((i, 1), [])
        cpu = median([r[2] for r in runs])
        g1 = gbps(i, 1)
        cells.append(fnum(cpu, "{:.0f}"))
        cells.append(fnum(g1 / (cpu / 100) if g1 and cpu else None, "{:.2f}"))
        cells.append(fnum(median([r[1] for r in runs]), "{:.0f}"))
        out.append("| " + " | ".join(cells) + " |")
    out.append("")

    hdr = [
        "Pair",
        "peak RSS A (MB)",
        "peak RSS B (MB)",
        "idle ctx switches A / B",
        "idle wake-ups/s (A+B)",
        "first ping ms (incl. handshake)",
        "steady ping ms",
    ]
    out.append("| " + " | ".join(hdr) + " |")
    out.append("|" + "---|" * len(hdr))
    for i in sorted(pairs):
        a, b, skip = pairs[i]
        if skip:
            continue
        ra, rb = rss.get(i, (None, None))
        ia, ib, w = idle.get(i, (None, None, None))
        first, steady, note = latency.get(i, (None, None, ""))
        cells = [
            name(i),
            fnum(ra / 1024 if ra else None, "{:.1f}"),
            fnum(rb / 1024 if rb else None, "{:.1f}"),
            "n/a" if ia is None else f"{ia} / {ib} in {w} s",
            fnum((ia + ib) / w if ia is not None else None, "{:.2f}"),
            fnum(first, "{:.3f}") + (f" ({note})" if note else ""),
            fnum(steady, "{:.3f}"),
        ]
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    out.append(
        "A = the side running the iperf3 client (sender), B = the receiver. "
        "Idle: context switches summed over all threads of each tunnel process, "
        "counted while no packet flows and no persistent keepalive is set. "
        "First ping: the round trip of the first packet, which waits for the handshake."
    )
    woke = []
    for i in sorted(pairs):
        if pairs[i][2]:
            continue
        for side in ("A", "B"):
            threads = sorted(idle_threads.get((i, side), []), key=lambda t: -t[1])
            if threads:
                impl = pairs[i][0] if side == "A" else pairs[i][1]
                desc = ", ".join(f"`{c}` {n}" for c, n in threads[:6])
                woke.append(f"- {name(i)}, side {side} ({LABELS.get(impl, impl)}): {desc}")
    if woke:
        out.append("")
        out.append("Idle wake-ups by thread name (context switches in the window):")
        out.append("")
        out.extend(woke)
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
