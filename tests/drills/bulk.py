#!/usr/bin/env python3
"""A bulk TCP transfer that knows whether it completed (unlike iperf3's byte counts).

  bulk.py serve ADDR PORT SECONDS   accept one connection, read to EOF, answer "OK <bytes>"
  bulk.py send  ADDR PORT BYTES SECONDS
                                    send BYTES, half-close, wait for the answer; prints
                                    "bytes=<n> seconds=<s>" and exits 0 only if the server
                                    received exactly BYTES
Both sides give up after SECONDS.
"""
import socket
import sys
import time


def serve(addr, port, seconds):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(1)
    srv.settimeout(seconds)
    conn, _ = srv.accept()
    conn.settimeout(seconds)
    total = 0
    while True:
        chunk = conn.recv(1 << 16)
        if not chunk:
            break
        total += len(chunk)
    conn.sendall(f"OK {total}\n".encode())
    conn.close()


def send(addr, port, nbytes, seconds):
    start = time.monotonic()
    sock = socket.create_connection((addr, port), timeout=seconds)
    block = bytes(range(256)) * 256
    left = nbytes
    while left > 0:
        n = sock.send(block[: min(left, len(block))])
        left -= n
        if time.monotonic() - start > seconds:
            raise SystemExit(f"timeout after {nbytes - left} bytes")
    sock.shutdown(socket.SHUT_WR)
    reply = b""
    while not reply.endswith(b"\n"):
        chunk = sock.recv(64)
        if not chunk:
            break
        reply += chunk
    got = int(reply.split()[1]) if reply.startswith(b"OK ") else -1
    print(f"bytes={got} seconds={time.monotonic() - start:.1f}")
    if got != nbytes:
        raise SystemExit(f"server received {got} of {nbytes} bytes")


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    else:
        send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
