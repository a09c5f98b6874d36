//! Inbound datagrams into `proto`: arbitrary bytes, and real packets with fuzzed
//! mutations, against a live session. Never a panic, nothing forged is delivered,
//! and the session still works afterwards.
#![no_main]

#[path = "common/proto.rs"]
mod common;

use common::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut p = Pair::established();
    // A genuine data packet to mutate.
    p.a.handle_tun_packet(&ipv4([10, 0, 0, 1], [10, 0, 0, 2], b"genuine"), p.now);
    let genuine = drain_transmits(&mut p.a).pop().expect("a data packet").1;
    for chunk in data.split(|&b| b == 0xff) {
        let datagram: Vec<u8> = match chunk.first() {
            // Mutate the genuine packet at a few offsets.
            Some(&0) if chunk.len() >= 3 => {
                let mut d = genuine.clone();
                for pair in chunk[1..].chunks(2) {
                    if let [at, x] = *pair {
                        let i = at as usize % d.len();
                        d[i] ^= x | 1;
                    }
                }
                d
            }
            // Replay the genuine packet (must not be delivered twice).
            Some(&1) => genuine.clone(),
            _ => chunk.to_vec(),
        };
        let from = if chunk.len() % 2 == 0 {
            p.a_addr
        } else {
            "198.51.100.9:9".parse().unwrap()
        };
        p.b.handle_datagram(from, &datagram, p.now);
        let delivered = drain_tun(&mut p.b);
        for packet in &delivered {
            assert_eq!(
                &packet[20..],
                b"genuine",
                "only the genuine packet can decrypt"
            );
        }
        let _ = drain_transmits(&mut p.b);
    }
    // Delivered at most once overall, and the session survives.
    let probe = ipv4([10, 0, 0, 1], [10, 0, 0, 2], b"after");
    p.a.handle_tun_packet(&probe, p.now);
    let (_, got_b) = p.exchange();
    assert!(got_b.contains(&probe), "session still works");
});
