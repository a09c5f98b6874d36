//! Two tunnels driven by a random sequence of sends, drops, duplicates, reorders,
//! time jumps, restarts, roaming, sleep/wake and config updates (in the style of
//! Firezone's reference-model fuzzer). Invariants after every step:
//! - nothing is delivered that the other side did not send (no forgery, and each
//!   packet at most once — WireGuard's replay protection);
//! - after `handle_timeout(now)` the next deadline is later than `now` (no spin);
//! - queues stay within their caps.
//!
//! Time is only the `now` passed in: Culvert's patched boringtun takes it as a
//! parameter too, so the fuzzer's time jumps move every timer.
#![no_main]

#[path = "common/proto.rs"]
mod common;

use common::*;
use culvert_core::proto::{Tunnel, PEER_QUEUE_CAP};
use libfuzzer_sys::fuzz_target;
use std::collections::{HashSet, VecDeque};
use std::net::SocketAddr;
use std::time::Duration;

struct Model {
    sent_by_a: HashSet<Vec<u8>>,
    sent_by_b: HashSet<Vec<u8>>,
    delivered_a: HashSet<Vec<u8>>,
    delivered_b: HashSet<Vec<u8>>,
}

fuzz_target!(|data: &[u8]| {
    let mut p = Pair::new();
    let mut wire: VecDeque<(bool, SocketAddr, Vec<u8>)> = VecDeque::new(); // (to_b, from, payload)
    let mut m = Model {
        sent_by_a: HashSet::new(),
        sent_by_b: HashSet::new(),
        delivered_a: HashSet::new(),
        delivered_b: HashSet::new(),
    };
    let mut counter = 0u32;
    for op in data.chunks(2).take(512) {
        let (code, arg) = (op[0], op.get(1).copied().unwrap_or(0));
        match code % 12 {
            0 | 1 => {
                counter += 1;
                let mut payload = counter.to_be_bytes().to_vec();
                payload.resize(4 + usize::from(arg) * 4, arg);
                if code % 12 == 0 {
                    let pkt = ipv4([10, 0, 0, 1], [10, 0, 0, 2], &payload);
                    m.sent_by_a.insert(pkt.clone());
                    p.a.handle_tun_packet(&pkt, p.now);
                } else {
                    let pkt = ipv4([10, 0, 0, 2], [10, 0, 0, 1], &payload);
                    m.sent_by_b.insert(pkt.clone());
                    p.b.handle_tun_packet(&pkt, p.now);
                }
            }
            2 | 3 => {
                // Deliver up to `arg % 8 + 1` datagrams from the front.
                for _ in 0..=(arg % 8) {
                    let Some((to_b, from, d)) = wire.pop_front() else {
                        break;
                    };
                    if to_b {
                        p.b.handle_datagram(from, &d, p.now);
                    } else {
                        p.a.handle_datagram(from, &d, p.now);
                    }
                }
            }
            4 => {
                wire.pop_front();
            }
            5 => {
                if let Some(front) = wire.front().cloned() {
                    wire.push_back(front);
                }
            }
            6 => {
                if wire.len() > 1 {
                    let i = usize::from(arg) % wire.len();
                    wire.swap(0, i);
                }
            }
            7 => {
                p.now += Duration::from_millis(u64::from(arg) * u64::from(arg) * 40);
            }
            8 => {
                for t in [&mut p.a, &mut p.b] {
                    if t.poll_timeout().is_some_and(|d| d <= p.now) {
                        t.handle_timeout(p.now);
                        // Drain now so the invariant sees the state after the timeout.
                    }
                }
            }
            9 => {
                // B restarts with the same keys.
                let mut b = Tunnel::new(&p.kb);
                b.set_peers(
                    vec![peer(&p.ka, p.a_addr, &["10.0.0.1/32", "fd00::1/128"])],
                    p.now,
                )
                .unwrap();
                p.b = b;
            }
            10 => {
                // A roams to another port.
                p.a_addr = SocketAddr::from(([198, 51, 100, 1], 40_000 + u16::from(arg)));
            }
            _ => match arg % 4 {
                0 => p.a.sleep(),
                1 => {
                    let _ = p.a.wake(p.now);
                }
                2 => {
                    let _ = p.a.force_handshake(p.now);
                }
                _ => {
                    let _ = p.a.set_peers(
                        vec![peer(&p.kb, p.b_addr, &["10.0.0.2/32", "10.9.0.0/16"])],
                        p.now,
                    );
                }
            },
        }
        // Outputs onto the wire (bounded), deliveries checked against the model.
        for (dst, d) in drain_transmits(&mut p.a) {
            if dst == p.b_addr && wire.len() < 256 {
                wire.push_back((true, p.a_addr, d));
            }
        }
        for (dst, d) in drain_transmits(&mut p.b) {
            if wire.len() < 256 {
                let to_a = dst.ip() == p.a_addr.ip();
                if to_a {
                    // Deliver to A only if it is addressed to A's current address.
                    if dst == p.a_addr {
                        wire.push_back((false, p.b_addr, d));
                    }
                }
            }
        }
        for got in drain_tun(&mut p.a) {
            assert!(
                m.sent_by_b.contains(&got),
                "A delivered something B never sent"
            );
            assert!(m.delivered_a.insert(got), "A delivered a packet twice");
        }
        for got in drain_tun(&mut p.b) {
            assert!(
                m.sent_by_a.contains(&got),
                "B delivered something A never sent"
            );
            assert!(m.delivered_b.insert(got), "B delivered a packet twice");
        }
        for t in [&mut p.a, &mut p.b] {
            if t.poll_timeout().is_some_and(|d| d <= p.now) {
                t.handle_timeout(p.now);
                let _ = drain_transmits(t);
                let _ = drain_tun(t);
                if let Some(d) = t.poll_timeout() {
                    assert!(
                        d > p.now,
                        "a deadline that does not move would spin the loop"
                    );
                }
            }
            for s in t.stats() {
                assert!(s.queued <= PEER_QUEUE_CAP);
            }
        }
    }
});
