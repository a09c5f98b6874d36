//! Culvert's testing kit: run an app's real Culvert tunnel against an in-process
//! WireGuard test peer, with no OS VPN, no device and no server (docs/testing.md).
//!
//! - [`PeerCore`] ([`peer`]): the test peer, sans-IO: its own keys, an inner host
//!   that answers ICMP echo (v4, v6) and echoes UDP, a generated wg-quick config
//!   for the tunnel under test, and the scenario controls (drop all / a seeded
//!   percentage, delay, stop and restart with the same keys, roam, refuse
//!   handshakes, "connected but dead").
//! - [`TestPeer`] ([`real`]): that peer on a loopback UDP socket in real time.
//! - [`Client`] ([`client`]): a runtime `Tunnel` in callback mode with recorded
//!   packets and events and waits with deadlines (ping, UDP echo, await event/state).
//! - [`ManualNet`] ([`manual`]): the peer and a `proto::Tunnel` under test in
//!   memory on a manual clock: timer-driven scenarios take milliseconds.
//! - [`host`]: the packets (echo, UDP) with checksums, built and parsed.
//!
//! This crate is not part of the shipping libraries: `culvert_ffi` does not
//! depend on it. TCP is not answered (no userspace TCP stack; docs/testing.md says why).

#![deny(missing_docs)]

pub mod client;
pub mod host;
pub mod manual;
pub mod peer;
pub mod real;

pub use client::Client;
pub use manual::ManualNet;
pub use peer::{Controls, PeerCore, PeerCounters, PeerSetup};
pub use real::{TestPeer, TestPeerError};
