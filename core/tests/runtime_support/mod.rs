//! Helpers for the runtime tests: configs, IP packets, collecting sinks, condition waits.
#![allow(dead_code)]

use culvert_core::config::{Config, Endpoint, EndpointHost, HostKeys, Interface, Peer, PrivateKey};
use culvert_core::runtime::{EventSink, PacketSink, Resolver, SocketProtector, TunnelEvent};
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// Waits until `cond` holds, up to `limit`; false on timeout.
pub fn wait_until(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    cond()
}

pub fn interface(key: &PrivateKey, port: Option<u16>, address: &str) -> Interface {
    Interface {
        private_key: key.clone(),
        listen_port: port,
        addresses: vec![address.parse().unwrap()],
        dns_servers: vec![],
        dns_search: vec![],
        mtu: None,
        included_applications: vec![],
        excluded_applications: vec![],
        fwmark: None,
        host: HostKeys::default(),
    }
}

pub fn peer(key: &PrivateKey, allowed: &[&str], endpoint: Option<(EndpointHost, u16)>) -> Peer {
    Peer {
        public_key: key.public_key(),
        preshared_key: None,
        allowed_ips: allowed.iter().map(|a| a.parse().unwrap()).collect(),
        endpoint: endpoint.map(|(host, port)| Endpoint { host, port }),
        persistent_keepalive: None,
    }
}

pub fn ip(host: &str) -> EndpointHost {
    EndpointHost::Ip(host.parse().unwrap())
}

/// A: 10.0.0.1 listening on any port, peer B without endpoint.
/// B: 10.0.0.2, peer A at `127.0.0.1:port_a` (call after A is up).
pub fn configs(ka: &PrivateKey, kb: &PrivateKey) -> (Config, impl Fn(u16) -> Config) {
    let a = Config {
        interface: interface(ka, None, "10.0.0.1/32"),
        peers: vec![peer(kb, &["10.0.0.2/32"], None)],
    };
    let (ka, kb) = (ka.clone(), kb.clone());
    let b = move |port_a: u16| Config {
        interface: interface(&kb, None, "10.0.0.2/32"),
        peers: vec![peer(&ka, &["10.0.0.1/32"], Some((ip("127.0.0.1"), port_a)))],
    };
    (a, b)
}

pub fn ipv4(src: [u8; 4], dst: [u8; 4], payload: &[u8]) -> Vec<u8> {
    let total = 20 + payload.len();
    let mut p = vec![0u8; total];
    p[0] = 0x45;
    p[2..4].copy_from_slice(&(total as u16).to_be_bytes());
    p[8] = 64;
    p[9] = 17;
    p[12..16].copy_from_slice(&src);
    p[16..20].copy_from_slice(&dst);
    p[20..].copy_from_slice(payload);
    p
}

/// Collects delivered packets.
#[derive(Default)]
pub struct Collect {
    pub packets: Mutex<Vec<Vec<u8>>>,
    pub batches: AtomicUsize,
    pub cond: Condvar,
}

impl PacketSink for Collect {
    fn deliver(&self, packets: Vec<Vec<u8>>) {
        self.batches.fetch_add(1, Ordering::SeqCst);
        self.packets.lock().unwrap().extend(packets);
        self.cond.notify_all();
    }
}

impl Collect {
    pub fn count(&self) -> usize {
        self.packets.lock().unwrap().len()
    }
    pub fn contains(&self, p: &[u8]) -> bool {
        self.packets.lock().unwrap().iter().any(|q| q == p)
    }
}

/// Records events.
#[derive(Default)]
pub struct Events(pub Mutex<Vec<TunnelEvent>>);

impl EventSink for Events {
    fn on_event(&self, event: TunnelEvent) {
        self.0.lock().unwrap().push(event);
    }
}

impl Events {
    pub fn any(&self, f: impl Fn(&TunnelEvent) -> bool) -> bool {
        self.0.lock().unwrap().iter().any(f)
    }
}

/// Counts protect calls and checks the fd is open when called.
#[derive(Default)]
pub struct Protector {
    pub calls: AtomicUsize,
    pub bad_fds: AtomicUsize,
}

impl SocketProtector for Protector {
    fn protect(&self, fd: i32) -> Result<(), String> {
        // SAFETY: F_GETFD only queries the descriptor.
        if unsafe { libc::fcntl(fd, libc::F_GETFD) } < 0 {
            self.bad_fds.fetch_add(1, Ordering::SeqCst);
        }
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

/// A resolver with fixed answers that fails the first `fail_first` lookups of each name.
pub struct FakeResolver {
    pub answers: Vec<(String, Vec<IpAddr>)>,
    pub fail_first: usize,
    pub calls: Mutex<Vec<String>>,
}

impl Resolver for FakeResolver {
    fn resolve(&self, host: &str) -> Result<Vec<IpAddr>, String> {
        let mut calls = self.calls.lock().unwrap();
        calls.push(host.to_owned());
        let n = calls.iter().filter(|h| *h == host).count();
        if n <= self.fail_first {
            return Err("temporary failure in name resolution".into());
        }
        self.answers
            .iter()
            .find(|(h, _)| h == host)
            .map(|(_, a)| a.clone())
            .ok_or_else(|| "no such host".into())
    }
}
