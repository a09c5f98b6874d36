//! Baseline: boringtun 0.7.1's `noise::Tunn` alone, per packet size.
//!
//! This is the floor under Culvert's own `proto` path (see `proto.rs`): the
//! difference between the two is what Culvert's routing, queues and stats cost.
//! Run with `cargo bench -p culvert-core --bench noise` or `make bench`.

use std::hint::black_box;

use boringtun::noise::{Tunn, TunnResult};
use boringtun::x25519::{PublicKey, StaticSecret};
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};

/// Packet sizes from the performance issue: a tiny packet, a mid-size one, a full MTU.
const SIZES: [usize; 3] = [64, 512, 1420];
/// Packets per decapsulation batch (each needs a fresh counter, so they are prepared
/// ahead); the `decapsulate_256` times are per batch, the throughput per byte.
const BATCH: usize = 256;

/// A minimal IPv4 packet of `len` bytes from 198.51.100.65 to 198.51.100.66.
fn ipv4_packet(len: usize) -> Vec<u8> {
    let mut p = vec![0u8; len];
    p[0] = 0x45;
    p[2..4].copy_from_slice(&(len as u16).to_be_bytes());
    p[8] = 64;
    p[9] = 17;
    p[12..16].copy_from_slice(&[198, 51, 100, 65]);
    p[16..20].copy_from_slice(&[198, 51, 100, 66]);
    p
}

/// Two `Tunn`s with a completed handshake: `(initiator, responder)`.
fn established_pair() -> (Tunn, Tunn) {
    let a_secret = StaticSecret::from([1u8; 32]);
    let b_secret = StaticSecret::from([2u8; 32]);
    let a_public = PublicKey::from(&a_secret);
    let b_public = PublicKey::from(&b_secret);
    let mut a = Tunn::new(a_secret, b_public, None, None, 1, None);
    let mut b = Tunn::new(b_secret, a_public, None, None, 2, None);
    let mut buf = vec![0u8; 2048];
    let init = match a.format_handshake_initiation(&mut buf, false) {
        TunnResult::WriteToNetwork(p) => p.to_vec(),
        _ => panic!("no handshake initiation"),
    };
    let resp = match b.decapsulate(None, &init, &mut buf) {
        TunnResult::WriteToNetwork(p) => p.to_vec(),
        _ => panic!("no handshake response"),
    };
    let keepalive = match a.decapsulate(None, &resp, &mut buf) {
        TunnResult::WriteToNetwork(p) => p.to_vec(),
        _ => panic!("no keepalive after the handshake response"),
    };
    assert!(matches!(
        b.decapsulate(None, &keepalive, &mut buf),
        TunnResult::Done
    ));
    (a, b)
}

fn encapsulate(c: &mut Criterion) {
    let mut group = c.benchmark_group("noise/encapsulate");
    for size in SIZES {
        let (mut a, _b) = established_pair();
        let packet = ipv4_packet(size);
        let mut out = vec![0u8; size + 64];
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(size),
            &packet,
            |bench, packet| {
                bench.iter(|| match a.encapsulate(black_box(packet), &mut out) {
                    TunnResult::WriteToNetwork(d) => d.len(),
                    _ => panic!("encapsulate did not produce a datagram"),
                })
            },
        );
    }
    group.finish();
}

fn decapsulate(c: &mut Criterion) {
    let mut group = c.benchmark_group("noise/decapsulate_256");
    for size in SIZES {
        let (mut a, mut b) = established_pair();
        let packet = ipv4_packet(size);
        let mut out = vec![0u8; size + 64];
        group.throughput(Throughput::Bytes((size * BATCH) as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(size),
            &packet,
            |bench, packet| {
                bench.iter_batched_ref(
                    || {
                        // Fresh counters every batch: the receiver's replay window rejects repeats.
                        let mut enc = vec![0u8; size + 64];
                        (0..BATCH)
                            .map(|_| match a.encapsulate(packet, &mut enc) {
                                TunnResult::WriteToNetwork(d) => d.to_vec(),
                                _ => panic!("encapsulate did not produce a datagram"),
                            })
                            .collect::<Vec<_>>()
                    },
                    |datagrams| {
                        for d in datagrams.iter() {
                            match b.decapsulate(None, black_box(d), &mut out) {
                                TunnResult::WriteToTunnelV4(p, _) => assert_eq!(p.len(), size),
                                _ => panic!("decapsulate did not produce an IPv4 packet"),
                            }
                        }
                    },
                    BatchSize::LargeInput,
                )
            },
        );
    }
    group.finish();
}

criterion_group!(benches, encapsulate, decapsulate);
criterion_main!(benches);
