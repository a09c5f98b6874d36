//! wg-quick parsing and writing: a one-peer phone config and a 1,000-peer server config.
//! Run with `cargo bench -p culvert-core --bench config` or `make bench`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use culvert_core::config::{self, PrivateKey};

/// A wg-quick file with `peers` peers, each with one IPv4 and one IPv6 /32 or /128.
fn config_text(peers: usize) -> String {
    let mut text = format!(
        "[Interface]\nPrivateKey = {}\nListenPort = 51820\nAddress = 198.51.100.1/24, fd00::1/64\n\
         DNS = 198.51.100.53\nMTU = 1420\n",
        PrivateKey::from_bytes([7u8; 32]).to_base64()
    );
    for i in 0..peers {
        let mut bytes = [0u8; 32];
        // Bytes 1..9: byte 0 loses its low bits to X25519 clamping.
        bytes[1..9].copy_from_slice(&(i as u64 + 1).to_le_bytes());
        let public = PrivateKey::from_bytes(bytes).public_key();
        text.push_str(&format!(
            "\n[Peer]\nPublicKey = {}\nAllowedIPs = 198.51.{}.{}/32, fd00::{:x}/128\n\
             Endpoint = 198.51.100.{}:51820\nPersistentKeepalive = 25\n",
            public.to_base64(),
            100 + (i / 256) % 100,
            i % 256,
            i + 1,
            i % 250 + 1
        ));
    }
    text
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("config/parse");
    for peers in [1usize, 1000] {
        let text = config_text(peers);
        assert_eq!(
            config::parse(&text)
                .expect("bench config parses")
                .peers
                .len(),
            peers
        );
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("peers", peers), &text, |b, text| {
            b.iter(|| config::parse(black_box(text)).map(|c| c.peers.len()))
        });
    }
    group.finish();
}

fn write(c: &mut Criterion) {
    let mut group = c.benchmark_group("config/write");
    for peers in [1usize, 1000] {
        let parsed = config::parse(&config_text(peers)).expect("bench config parses");
        group.bench_with_input(BenchmarkId::new("peers", peers), &parsed, |b, parsed| {
            b.iter(|| config::write(black_box(parsed)).len())
        });
    }
    group.finish();
}

criterion_group!(benches, parse, write);
criterion_main!(benches);
