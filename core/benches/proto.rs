//! Culvert's sans-IO `proto::Tunnel` through its public API: encapsulate and
//! decapsulate per packet size, the whole path for a batch of packets, and
//! cryptokey routing with 1,000 peers and 10,000 prefixes, and the timer path
//! (`poll_timeout` / `handle_timeout`) with 1,000 peers that all have deadlines.
//!
//! Compare with `noise.rs` (boringtun's `Tunn` alone): the difference is what
//! Culvert's routing, output buffers, timers and stats cost per packet.
//! Run with `cargo bench -p culvert-core --bench proto` or `make bench`.

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use culvert_core::clock::Instant;
use culvert_core::config::PrivateKey;
use culvert_core::proto::{PeerConfig, Tunnel};
use ipnetwork::IpNetwork;

const SIZES: [usize; 3] = [64, 512, 1420];
/// Packets per batch: what one `recvmmsg`/TUN read loop hands the tunnel at a time.
const BATCH: usize = 64;

const ADDR_A: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 65);
const ADDR_B: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 66);
const UDP_A: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(198, 51, 100, 1)), 51820);
const UDP_B: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(198, 51, 100, 2)), 51820);

/// A minimal IPv4 packet of `len` bytes from `src` to `dst`.
fn ipv4_packet(len: usize, src: Ipv4Addr, dst: Ipv4Addr) -> Vec<u8> {
    let mut p = vec![0u8; len];
    p[0] = 0x45;
    p[2..4].copy_from_slice(&(len as u16).to_be_bytes());
    p[8] = 64;
    p[9] = 17;
    p[12..16].copy_from_slice(&src.octets());
    p[16..20].copy_from_slice(&dst.octets());
    p
}

/// A minimal IPv6 packet of `len` bytes (at least 40) to `dst`.
fn ipv6_packet(len: usize, dst: Ipv6Addr) -> Vec<u8> {
    let mut p = vec![0u8; len.max(40)];
    p[0] = 0x60;
    let payload = (p.len() - 40) as u16;
    p[4..6].copy_from_slice(&payload.to_be_bytes());
    p[6] = 17;
    p[7] = 64;
    p[8..24].copy_from_slice(&Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 1).octets());
    p[24..40].copy_from_slice(&dst.octets());
    p
}

fn key(seed: u64) -> PrivateKey {
    let mut bytes = [0u8; 32];
    // Bytes 1..9: byte 0 loses its low bits to X25519 clamping.
    bytes[1..9].copy_from_slice(&seed.to_le_bytes());
    PrivateKey::from_bytes(bytes)
}

fn net(addr: impl Into<IpAddr>, prefix: u8) -> IpNetwork {
    IpNetwork::new(addr.into(), prefix).expect("valid prefix")
}

/// Moves every queued datagram from `from` to `to` (sent from `src`); returns how many.
fn deliver(from: &mut Tunnel, to: &mut Tunnel, src: SocketAddr, now: Instant) -> usize {
    let mut datagrams = Vec::new();
    while let Some(t) = from.poll_transmit() {
        datagrams.push(t.payload.to_vec());
    }
    for d in &datagrams {
        to.handle_datagram(src, d, now);
    }
    datagrams.len()
}

/// Two tunnels, one peer each, with a completed handshake: `(a, b)`.
fn established_pair() -> (Tunnel, Tunnel) {
    let (ka, kb) = (key(1), key(2));
    let now = Instant::now();
    let mut a = Tunnel::new(&ka);
    let mut b = Tunnel::new(&kb);
    let peer = |k: &PrivateKey, addr: Ipv4Addr, endpoint| PeerConfig {
        public_key: k.public_key(),
        preshared_key: None,
        allowed_ips: vec![net(addr, 32)],
        endpoint: Some(endpoint),
        persistent_keepalive: None,
    };
    a.add_peer(peer(&kb, ADDR_B, UDP_B), now).expect("peer");
    b.add_peer(peer(&ka, ADDR_A, UDP_A), now).expect("peer");
    // The first packet waits for the handshake; bounded rounds until both sides have a session.
    a.handle_tun_packet(&ipv4_packet(64, ADDR_A, ADDR_B), now);
    for _ in 0..8 {
        let moved = deliver(&mut a, &mut b, UDP_A, now) + deliver(&mut b, &mut a, UDP_B, now);
        if moved == 0 {
            break;
        }
    }
    while b.poll_tun().is_some() {}
    while a.poll_event().is_some() {}
    while b.poll_event().is_some() {}
    assert!(a.session_age(&kb.public_key()).is_some(), "no session on A");
    assert!(b.session_age(&ka.public_key()).is_some(), "no session on B");
    (a, b)
}

fn encapsulate(c: &mut Criterion) {
    let mut group = c.benchmark_group("proto/encapsulate");
    for size in SIZES {
        let (mut a, _b) = established_pair();
        let packet = ipv4_packet(size, ADDR_A, ADDR_B);
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(size),
            &packet,
            |bench, packet| {
                bench.iter(|| {
                    a.handle_tun_packet(black_box(packet), Instant::now());
                    a.poll_transmit().map(|t| t.payload.len())
                })
            },
        );
        assert_eq!(
            a.stats()[0].dropped.queue_full,
            0,
            "output buffer overflowed"
        );
    }
    group.finish();
}

/// Fresh datagrams (the receiver's replay window rejects repeats) from `a`.
fn datagrams(a: &mut Tunnel, packet: &[u8], n: usize) -> Vec<Vec<u8>> {
    let now = Instant::now();
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        a.handle_tun_packet(packet, now);
        while let Some(t) = a.poll_transmit() {
            out.push(t.payload.to_vec());
        }
    }
    out
}

fn decapsulate(c: &mut Criterion) {
    let mut group = c.benchmark_group("proto/decapsulate");
    for size in SIZES {
        let (mut a, mut b) = established_pair();
        let packet = ipv4_packet(size, ADDR_A, ADDR_B);
        group.throughput(Throughput::Bytes((size * BATCH) as u64));
        group.bench_function(BenchmarkId::new("batch64", size), |bench| {
            bench.iter_batched_ref(
                || datagrams(&mut a, &packet, BATCH),
                |batch| {
                    let now = Instant::now();
                    let mut delivered = 0;
                    for d in batch.iter() {
                        b.handle_datagram(UDP_A, black_box(d), now);
                        while let Some(p) = b.poll_tun() {
                            delivered += p.len();
                        }
                    }
                    assert_eq!(delivered, size * BATCH);
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

/// The whole path for a batch: 64 TUN packets in on A, encrypted, handed to B as
/// datagrams, decrypted and out of B's `poll_tun` — both directions of a runtime
/// loop iteration, one `now` per batch as the runtime reads the clock once per wake.
fn batch_path(c: &mut Criterion) {
    let mut group = c.benchmark_group("proto/batch_path");
    for size in [64usize, 1420] {
        let (mut a, mut b) = established_pair();
        let packet = ipv4_packet(size, ADDR_A, ADDR_B);
        let mut wire: Vec<Vec<u8>> = (0..BATCH).map(|_| Vec::with_capacity(size + 64)).collect();
        group.throughput(Throughput::Bytes((size * BATCH) as u64));
        group.bench_function(BenchmarkId::new("batch64", size), |bench| {
            bench.iter(|| {
                let now = Instant::now();
                for _ in 0..BATCH {
                    a.handle_tun_packet(black_box(&packet), now);
                }
                let mut n = 0;
                while let Some(t) = a.poll_transmit() {
                    wire[n].clear();
                    wire[n].extend_from_slice(t.payload);
                    n += 1;
                }
                let mut delivered = 0;
                for d in &wire[..n] {
                    b.handle_datagram(UDP_A, d, now);
                }
                while let Some(p) = b.poll_tun() {
                    delivered += p.len();
                }
                assert_eq!(delivered, size * BATCH);
            })
        });
    }
    group.finish();
}

/// 1,000 peers with 10 prefixes each (10,000): per peer an IPv4 /32, /24 and /16
/// style mix and IPv6 /128 and /64, none with an endpoint, so a routed packet is
/// looked up and then dropped by the full per-peer queue (no crypto on this path).
fn routing_tunnel(peers: usize) -> (Tunnel, Vec<Vec<u8>>) {
    let now = Instant::now();
    let mut tunnel = Tunnel::new(&key(0xffff));
    let mut configs = Vec::with_capacity(peers);
    for i in 0..peers {
        let hi = (i / 250) as u8;
        let lo = (i % 250) as u8;
        let i16 = i as u16;
        let allowed_ips = vec![
            net(Ipv4Addr::new(10, hi, lo, 1), 32),
            net(Ipv4Addr::new(10, hi, lo, 2), 32),
            net(Ipv4Addr::new(10, hi, lo, 128), 25),
            net(Ipv4Addr::new(172, 16 + hi, lo, 0), 24),
            net(Ipv4Addr::new(100, 64 + hi, lo, 0), 24),
            net(Ipv4Addr::new(100, 128 + hi, lo, 0), 28),
            net(Ipv6Addr::new(0xfd00, 1, i16, 0, 0, 0, 0, 1), 128),
            net(Ipv6Addr::new(0xfd00, 1, i16, 0, 0, 0, 0, 2), 128),
            net(Ipv6Addr::new(0xfd00, 2, i16, 0, 0, 0, 0, 0), 64),
            net(Ipv6Addr::new(0xfd00, 3, i16, 0, 0, 0, 0, 0), 48),
        ];
        configs.push(PeerConfig {
            public_key: key(i as u64 + 1).public_key(),
            preshared_key: None,
            allowed_ips,
            endpoint: None,
            persistent_keepalive: None,
        });
    }
    tunnel.set_peers(configs, now).expect("peers");
    // Destinations spread over every peer and prefix length, v4 and v6.
    let mut packets = Vec::new();
    for i in (0..peers).step_by((peers / 64).max(1)) {
        let hi = (i / 250) as u8;
        let lo = (i % 250) as u8;
        packets.push(ipv4_packet(64, ADDR_A, Ipv4Addr::new(10, hi, lo, 2)));
        packets.push(ipv4_packet(64, ADDR_A, Ipv4Addr::new(172, 16 + hi, lo, 9)));
        packets.push(ipv6_packet(
            64,
            Ipv6Addr::new(0xfd00, 2, i as u16, 0, 0, 0, 7, 7),
        ));
        packets.push(ipv6_packet(
            64,
            Ipv6Addr::new(0xfd00, 3, i as u16, 9, 0, 0, 0, 1),
        ));
    }
    // Fill the fixed queues once so the measured path is lookup + bounded drop.
    for _ in 0..8 {
        for p in &packets {
            tunnel.handle_tun_packet(p, now);
        }
    }
    (tunnel, packets)
}

fn routing(c: &mut Criterion) {
    let mut group = c.benchmark_group("proto/route");
    for peers in [1usize, 1000] {
        let (mut tunnel, packets) = routing_tunnel(peers);
        let now = Instant::now();
        group.throughput(Throughput::Elements(packets.len() as u64));
        let mut ran = false;
        group.bench_function(BenchmarkId::new("hit_peers", peers), |bench| {
            ran = true;
            bench.iter(|| {
                for p in &packets {
                    tunnel.handle_tun_packet(black_box(p), now);
                }
            })
        });
        let routed: u64 = tunnel.stats().iter().map(|s| s.dropped.queue_full).sum();
        // (Not measured when a filter left this benchmark out.)
        assert!(!ran || routed > 0, "routed packets never reached a peer");
        assert_eq!(tunnel.dropped().no_route, 0, "a destination had no route");
        let misses: Vec<Vec<u8>> = (0..packets.len())
            .map(|i| ipv4_packet(64, ADDR_A, Ipv4Addr::new(203, 0, 113, i as u8)))
            .collect();
        let mut ran = false;
        group.bench_function(BenchmarkId::new("miss_peers", peers), |bench| {
            ran = true;
            bench.iter(|| {
                for p in &misses {
                    tunnel.handle_tun_packet(black_box(p), now);
                }
            })
        });
        assert!(!ran || tunnel.dropped().no_route > 0);
    }
    group.finish();
}

/// 1,000 peers with an endpoint and persistent keepalive: each one is trying to
/// handshake (nobody answers), so each has a deadline, forever.
fn timer_tunnel(peers: usize) -> (Tunnel, Instant) {
    let now = Instant::from_duration(std::time::Duration::from_secs(1_000_000));
    let mut tunnel = Tunnel::new(&key(0xfffe));
    let configs = (0..peers)
        .map(|i| PeerConfig {
            public_key: key(i as u64 + 1).public_key(),
            preshared_key: None,
            allowed_ips: vec![net(
                Ipv4Addr::new(10, (i / 250) as u8, (i % 250) as u8, 1),
                32,
            )],
            endpoint: Some(SocketAddr::new(
                IpAddr::V4(Ipv4Addr::new(198, 51, 100, 100)),
                10_000 + i as u16,
            )),
            persistent_keepalive: Some(25),
        })
        .collect();
    tunnel.set_peers(configs, now).expect("peers");
    while tunnel.poll_transmit().is_some() {}
    (tunnel, now)
}

fn timers(c: &mut Criterion) {
    let mut group = c.benchmark_group("proto/timers");
    let peers = 1_000;
    let (tunnel, _) = timer_tunnel(peers);
    group.bench_function(BenchmarkId::new("poll_timeout_peers", peers), |bench| {
        bench.iter(|| black_box(tunnel.poll_timeout()))
    });
    let (mut tunnel, _) = timer_tunnel(peers);
    // One loop iteration woken by a deadline: the due peers' timers run (a
    // retransmission), their datagrams are drained, the next deadline is read.
    group.bench_function(
        BenchmarkId::new("timeout_iteration_peers", peers),
        |bench| {
            bench.iter(|| {
                let due = tunnel.poll_timeout().expect("a deadline");
                tunnel.handle_timeout(due);
                while tunnel.poll_transmit().is_some() {}
                while tunnel.poll_event().is_some() {}
                black_box(tunnel.poll_timeout())
            })
        },
    );
    group.finish();
}

criterion_group!(
    benches,
    encapsulate,
    decapsulate,
    batch_path,
    routing,
    timers
);
criterion_main!(benches);
