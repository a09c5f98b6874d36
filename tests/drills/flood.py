#!/usr/bin/env python3
"""Hostile traffic for the drills, aimed at one UDP endpoint, bounded in time.

  flood.py random   HOST PORT SECONDS            random datagrams (all four message types + junk)
  flood.py replay   HOST PORT SECONDS IFACE      captures the datagrams HOST:PORT receives on
                                                 IFACE (AF_PACKET) and sends copies back to it
                                                 from another port
  flood.py initiations HOST PORT COUNT PUBKEY [SOURCES]
                                                 handshake initiations with a valid MAC1 for
                                                 PUBKEY (base64), garbage inside, as fast as
                                                 possible, round-robin from the comma-separated
                                                 source addresses SOURCES (default: any);
                                                 counts the cookie replies
  flood.py junk     HOST PORT SECONDS RATE         short junk datagrams that start like a
                                                 handshake initiation or response (type 1 or
                                                 2, then random bytes), paced at RATE per
                                                 second, from this namespace's own address

Prints one line `sent=N replies=M cookie_replies=K` at the end. Never sends outside the
namespace it runs in (the caller chooses the namespace).
"""
import base64
import hashlib
import os
import random
import select
import socket
import struct
import sys
import time


def count_replies(sock, counts):
    while True:
        r, _, _ = select.select([sock], [], [], 0)
        if not r:
            return
        try:
            data = sock.recv(2048)
        except BlockingIOError:
            return
        counts["replies"] += 1
        if len(data) == 64 and data[0] == 3:
            counts["cookie_replies"] += 1


def random_datagram(rng):
    kind = rng.randrange(6)
    if kind == 0:  # handshake initiation-sized garbage
        return struct.pack("<I", 1) + os.urandom(144)
    if kind == 1:  # response-sized garbage
        return struct.pack("<I", 2) + os.urandom(88)
    if kind == 2:  # cookie reply-sized garbage
        return struct.pack("<I", 3) + os.urandom(60)
    if kind == 3:  # data packet with a random index and counter
        return struct.pack("<I", 4) + os.urandom(rng.randrange(12, 1400))
    if kind == 4:  # short junk
        return os.urandom(rng.randrange(0, 16))
    return os.urandom(rng.randrange(16, 1500))


def flood_random(host, port, seconds):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setblocking(False)
    rng = random.Random(0xC0FFEE)
    counts = {"sent": 0, "replies": 0, "cookie_replies": 0}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for _ in range(64):
            try:
                sock.sendto(random_datagram(rng), (host, port))
                counts["sent"] += 1
            except (BlockingIOError, ConnectionRefusedError):
                pass
        count_replies(sock, counts)
    return counts


def flood_replay(host, port, seconds, iface):
    # Capture what HOST:PORT receives (frames on IFACE addressed to it), replay each
    # copy a few times from a different source port.
    # ETH_P_ALL: sockets bound to one protocol see only incoming frames, and the
    # datagrams to replay leave this namespace.
    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    sniff.bind((iface, 0x0003))  # Python applies htons here itself
    sniff.setblocking(False)
    out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    out.setblocking(False)
    dst = socket.inet_aton(host)
    counts = {"sent": 0, "replies": 0, "cookie_replies": 0, "captured": 0}
    captured = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        r, _, _ = select.select([sniff], [], [], 0.01)
        if r:
            for _ in range(256):
                try:
                    frame = sniff.recv(65535)
                except BlockingIOError:
                    break
                if frame[12:14] != b"\x08\x00":
                    continue
                ip = frame[14:]
                if len(ip) < 28 or ip[9] != 17 or ip[16:20] != dst:
                    continue
                ihl = (ip[0] & 0x0F) * 4
                dport = struct.unpack("!H", ip[ihl + 2 : ihl + 4])[0]
                if dport != port:
                    continue
                payload = ip[ihl + 8 :]
                if payload[:1] == b"\x04":
                    captured.append(payload)
                    counts["captured"] += 1
                    if len(captured) > 4096:
                        captured = captured[-2048:]
        for payload in captured[-32:]:
            try:
                out.sendto(payload, (host, port))
                counts["sent"] += 1
            except (BlockingIOError, ConnectionRefusedError):
                pass
        count_replies(out, counts)
        # Paced (at most ~6,000 per second) so that replays reach the tunnel's
        # replay check rather than only overflowing its socket buffer.
        time.sleep(0.005)
    return counts


def flood_initiations(host, port, count, pubkey_b64, sources):
    pub = base64.b64decode(pubkey_b64)
    mac1_key = hashlib.blake2s(b"mac1----" + pub).digest()
    socks = []
    for src in sources or [""]:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((src, 0))
        sock.setblocking(False)
        socks.append(sock)
    counts = {"sent": 0, "replies": 0, "cookie_replies": 0, "sources": len(socks)}
    for i in range(count):
        body = struct.pack("<II", 1, (i + 1) & 0xFFFFFFFF) + os.urandom(108)
        mac1 = hashlib.blake2s(body, digest_size=16, key=mac1_key).digest()
        msg = body + mac1 + bytes(16)
        sock = socks[i % len(socks)]
        try:
            sock.sendto(msg, (host, port))
            counts["sent"] += 1
        except (BlockingIOError, ConnectionRefusedError):
            pass
        if i % 32 == 0:
            for sock in socks:
                count_replies(sock, counts)
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        select.select(socks, [], [], 0.1)
        for sock in socks:
            count_replies(sock, counts)
    return counts


def flood_junk(host, port, seconds, rate):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setblocking(False)
    counts = {"sent": 0, "replies": 0, "cookie_replies": 0}
    start = time.monotonic()
    deadline = start + seconds
    while True:
        now = time.monotonic()
        if now >= deadline:
            break
        due = int((now - start) * rate) + 1
        while counts["sent"] < due:
            kind = 1 + counts["sent"] % 2
            junk = bytes([kind, 0, 0, 0]) + os.urandom(counts["sent"] % 29)
            try:
                sock.sendto(junk, (host, port))
            except (BlockingIOError, ConnectionRefusedError):
                pass
            counts["sent"] += 1
        count_replies(sock, counts)
        time.sleep(min(0.005, max(0.0, deadline - time.monotonic())))
    return counts


def main(argv):
    mode, host, port = argv[1], argv[2], int(argv[3])
    if mode == "random":
        counts = flood_random(host, port, float(argv[4]))
    elif mode == "replay":
        counts = flood_replay(host, port, float(argv[4]), argv[5])
    elif mode == "junk":
        counts = flood_junk(host, port, float(argv[4]), float(argv[5]))
    elif mode == "initiations":
        sources = argv[6].split(",") if len(argv) > 6 and argv[6] else []
        counts = flood_initiations(host, port, int(argv[4]), argv[5], sources)
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(" ".join(f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main(sys.argv)
