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
    "wggo-mod": "wireguard-go (Linux offloads)",
    "wggo-android": "wireguard-go (Android mode)",
    "boringtun": "boringtun-cli",
    "gotatun": "gotatun-cli",
}
# Mobile-fair baselines first: wireguard-go as the Android app runs it, and
# gotatun. "wg-go offloads" uses Linux TUN GSO/GRO (IFF_VNET_HDR), which the TUN
# fd a phone's VpnService or NEPacketTunnelProvider gives an app does not have.
BASELINES = [
    ("wggo-android", "wg-go Android mode"),
    ("gotatun", "gotatun"),
    ("wggo-mod", "wg-go offloads¹"),
]
OFFLOAD_IMPLS = {"wggo-mod"}

# The performance issue's targets: (description, culvert pair, baseline pair, streams, metric, minimum ratio).
TARGETS = [
    ("single stream vs wireguard-go (Android mode)", "wggo-android", 1, "gbps", 2.5),
    ("single stream vs gotatun", "gotatun", 1, "gbps", 1.5),
    ("four streams vs wireguard-go (Android mode)", "wggo-android", 4, "gbps", 2.5),
    ("Gbit/s per core vs wireguard-go (Android mode), 1 stream", "wggo-android", 1, "per_core", 2.0),
]
RSS_LIMIT_MB = 6.0


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
                cpu_a = float(row[7]) if len(row) > 8 else None
                cpu_b = float(row[8]) if len(row) > 8 else None
                tcp.setdefault((i, streams), []).append((bps, retr, float(row[6]), cpu_a, cpu_b))
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

    def per_core(i, streams):
        runs = tcp.get((i, streams), [])
        cpu = median([r[2] for r in runs])
        g = gbps(i, streams)
        return g / (cpu / 100) if g and cpu else None

    bases = [(impl, label, baseline_index(impl)) for impl, label in BASELINES]
    bases = [b for b in bases if b[2] is not None]

    out = []
    out.append(f"## End-to-end (network namespaces, veth GRO {meta.get('gro', 'off')}, real TUN, iperf3 TCP)\n")
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
    hdr += [
        "CPU % A / B (1 stream)",
        "Gbit/s per core (A+B)",
        "CPU-s per GB (A+B)",
        "retransmits (1 stream)",
    ]
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
        cpu_a = median([r[3] for r in runs])
        cpu_b = median([r[4] for r in runs])
        g1 = gbps(i, 1)
        cells.append(f"{fnum(cpu_a, '{:.0f}')} / {fnum(cpu_b, '{:.0f}')}")
        cells.append(fnum(per_core(i, 1), "{:.2f}"))
        # CPU cores busy divided by GB/s moved = CPU-seconds per GB.
        cells.append(fnum((cpu / 100) / (g1 / 8) if g1 and cpu else None, "{:.2f}"))
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
    if any(impl in OFFLOAD_IMPLS for impl, _, _ in bases):
        out.append("")
        out.append(
            "¹ wireguard-go with Linux TUN offloads (IFF_VNET_HDR, TSO/GRO on the TUN): a desktop-Linux "
            "configuration. Phones hand the app a TUN fd without them; the mobile-fair comparison is "
            "\"wg-go Android mode\" (same wireguard-go, TUN fd opened as VpnService does, UDP GSO/GRO kept)."
        )
        out.append("")

    # Targets of the performance work, from this run.
    culvert = baseline_index("culvert")
    trows = []
    for desc, base, streams, metric, minimum in TARGETS:
        bi = baseline_index(base)
        if culvert is None or bi is None:
            trows.append((desc, f"≥ {minimum}×", "n/a", "not measured"))
            continue
        f = gbps if metric == "gbps" else per_core
        c, b = f(culvert, streams), f(bi, streams)
        r = c / b if c and b else None
        trows.append((desc, f"≥ {minimum}×", fnum(r, "{:.2f}×"), "n/a" if r is None else ("met" if r >= minimum else "not met")))
    if culvert is not None:
        ra, rb = rss.get(culvert, (None, None))
        worst = max(ra or 0, rb or 0) / 1024 if (ra or rb) else None
        trows.append(("peak RSS per process under load (Culvert ↔ Culvert)", f"≤ {RSS_LIMIT_MB:.0f} MB",
                      fnum(worst, "{:.1f} MB"), "n/a" if worst is None else ("met" if worst <= RSS_LIMIT_MB else "not met")))
        ia, ib, w = idle.get(culvert, (None, None, None))
        trows.append(("idle context switches (Culvert ↔ Culvert, both ends)", "0",
                      "n/a" if ia is None else f"{ia + ib} in {w} s", "n/a" if ia is None else ("met" if ia + ib == 0 else "not met")))
    out.append("")
    out.append("Targets (ratios of Culvert ↔ Culvert to the baseline pair, same run):")
    out.append("")
    out.append("| Target | Wanted | Measured | |")
    out.append("|---|---|---|---|")
    for row in trows:
        out.append("| " + " | ".join(row) + " |")
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
