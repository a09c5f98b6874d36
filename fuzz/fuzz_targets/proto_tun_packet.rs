//! Outbound packets into `proto`: arbitrary bytes from the OS. Never a panic;
//! whatever is sent decrypts on the peer to exactly the bytes that went in (or is
//! dropped there by the inner-source check), and nothing else comes out.
#![no_main]

#[path = "common/proto.rs"]
mod common;

use common::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut p = Pair::established();
    for chunk in data.split(|&b| b == 0xfe).take(64) {
        let mut packet = chunk.to_vec();
        // Half the time make it look like IPv4/IPv6 towards B so routing is exercised.
        if let Some(&first) = packet.first() {
            if first & 1 == 0 && packet.len() >= 20 {
                packet[0] = 0x45;
                packet[16..20].copy_from_slice(&[10, 0, 0, 2]);
            } else if first & 2 == 0 && packet.len() >= 40 {
                packet[0] = 0x60;
                packet[24..40]
                    .copy_from_slice(&"fd00::2".parse::<std::net::Ipv6Addr>().unwrap().octets());
            }
        }
        p.a.handle_tun_packet(&packet, p.now);
        let sent = drain_transmits(&mut p.a);
        assert!(
            sent.len() <= 2,
            "one packet in, at most one datagram (plus a handshake) out"
        );
        for (dst, d) in sent {
            assert_eq!(dst, p.b_addr);
            assert!(d.len() <= packet.len().max(148 - 32) + 32);
            p.b.handle_datagram(p.a_addr, &d, p.now);
        }
        for got in drain_tun(&mut p.b) {
            assert!(
                packet.starts_with(&got) && !got.is_empty(),
                "delivered bytes are a prefix of what was sent"
            );
        }
        let _ = drain_transmits(&mut p.b);
    }
});
