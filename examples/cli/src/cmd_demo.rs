//! `culvert demo [--seconds N]`: two Culvert tunnels in one process, talking
//! WireGuard to each other over loopback UDP, with in-memory packet I/O
//! (`PacketIo::Callbacks`). No root, no setup.
//!
//! "alice" initiates; "bob" learns alice's endpoint from her handshake. Each
//! side has a tiny host stack: it answers ICMP echo requests, and counts and
//! checks (checksums, sequence numbers) the UDP-in-IPv4 packets of the bulk
//! transfer. Then a report: handshake time, ping round trips, packets, bytes and
//! throughput each way, each tunnel's own per-peer statistics, and each
//! tunnel's health as `culvert_core::health` judges it from those statistics
//! and events (the last line).

use crate::packet::{self, Parsed};
use clap::Args;
use culvert_core::config::{
    Config, Endpoint, EndpointHost, HostKeys, Interface, Peer, PrivateKey, PublicKey,
};
use culvert_core::health::{EvidenceBuilder, Health, HealthMonitor};
use culvert_core::runtime::{
    EventSink, Hooks, PacketIo, PacketSink, PeerStats, RuntimeError, Tunnel, TunnelEvent,
};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

/// Arguments of `culvert demo`.
#[derive(Args)]
pub struct DemoArgs {
    /// How long the bulk transfer runs, in seconds.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=3600))]
    pub seconds: u32,
}

/// Inner (tunnel) addresses; they never leave the process.
const ALICE_IP: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);
const BOB_IP: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 2);
/// Size of each bulk IP packet (the default MTU).
const BULK_PACKET: usize = 1420;
/// Packets per `send_packets` call in the bulk transfer.
const BATCH: usize = 64;
/// At most this many bulk packets in flight per direction (sent, not yet delivered):
/// well below the runtime's `send_packets` queue (`INBOUND_QUEUE_CAP`).
const WINDOW: u64 = (culvert_core::runtime::INBOUND_QUEUE_CAP / 2) as u64;
const PINGS: u16 = 5;
const ECHO_IDENT: u16 = 0xc0de;

/// What one side's host stack saw.
#[derive(Default)]
struct Counters {
    udp_packets: AtomicU64,
    udp_bytes: AtomicU64,
    out_of_order: AtomicU64,
    highest_seq: AtomicU64,
    invalid: AtomicU64,
    echo_dropped: AtomicU64,
}

/// The in-memory "OS" of one side: receives the tunnel's decrypted packets.
struct HostSink {
    counters: Arc<Counters>,
    echo: SyncSender<Parsed>,
}

impl PacketSink for HostSink {
    fn deliver(&self, packets: Vec<Vec<u8>>) {
        for p in packets {
            match packet::parse(&p) {
                Parsed::Udp { seq } => {
                    let c = &self.counters;
                    c.udp_packets.fetch_add(1, Ordering::Relaxed);
                    c.udp_bytes.fetch_add(p.len() as u64, Ordering::Relaxed);
                    if c.highest_seq.fetch_max(seq + 1, Ordering::Relaxed) > seq + 1 {
                        c.out_of_order.fetch_add(1, Ordering::Relaxed);
                    }
                }
                echo @ Parsed::Echo { .. } => {
                    if self.echo.try_send(echo).is_err() {
                        self.counters.echo_dropped.fetch_add(1, Ordering::Relaxed);
                    }
                }
                Parsed::Invalid => {
                    self.counters.invalid.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }
}

/// Records when the first handshake completed, and feeds the health evidence.
struct Events {
    handshake: OnceLock<Instant>,
    evidence: Mutex<EvidenceBuilder>,
}

impl EventSink for Events {
    fn on_event(&self, event: TunnelEvent) {
        if let TunnelEvent::HandshakeCompleted { .. } = event {
            let _ = self.handshake.set(Instant::now());
        }
        if let Ok(mut b) = self.evidence.lock() {
            b.on_event(&event);
        }
    }
}

/// One side: its tunnel, its host stack's counters and its echo replies.
struct Side {
    name: &'static str,
    ip: Ipv4Addr,
    public_key: PublicKey,
    tunnel: Arc<Tunnel>,
    counters: Arc<Counters>,
    events: Arc<Events>,
    replies: Receiver<(u16, Instant)>,
    config: Config,
    health: Mutex<HealthMonitor>,
}

impl Side {
    /// One health observation from the tunnel's stats and events now.
    fn observe_health(&self) -> Result<(), String> {
        let stats = self
            .tunnel
            .stats()
            .map_err(|e| format!("{}'s stats: {e}", self.name))?;
        let evidence = self
            .events
            .evidence
            .lock()
            .map_err(|_| "evidence lock poisoned".to_string())?
            .evidence(&stats, &self.config, SystemTime::now());
        self.health
            .lock()
            .map_err(|_| "health lock poisoned".to_string())?
            .observe(&evidence, culvert_core::clock::Instant::now());
        Ok(())
    }

    /// "alice healthy" or "alice degraded (NO_ROUTE: ...)".
    fn health_line(&self) -> String {
        let m = self.health.lock().unwrap_or_else(|e| e.into_inner());
        match &m.health().health {
            Health::Healthy => format!("{} healthy", self.name),
            h => {
                let r = h.reason().expect("not healthy");
                format!("{} {} ({}: {})", self.name, h.level(), r.code, r.message)
            }
        }
    }
}

fn config(
    own: &PrivateKey,
    listen_port: Option<u16>,
    peer: PublicKey,
    peer_ip: Ipv4Addr,
    endpoint: Option<u16>,
    own_ip: Ipv4Addr,
) -> Config {
    Config {
        interface: Interface {
            private_key: own.clone(),
            listen_port,
            addresses: vec![
                ipnetwork::IpNetwork::new(IpAddr::V4(own_ip), 32).expect("/32 is valid")
            ],
            dns_servers: vec![],
            dns_search: vec![],
            mtu: Some(BULK_PACKET as u16),
            included_applications: vec![],
            excluded_applications: vec![],
            fwmark: None,
            host: HostKeys::default(),
        },
        peers: vec![Peer {
            public_key: peer,
            preshared_key: None,
            allowed_ips: vec![
                ipnetwork::IpNetwork::new(IpAddr::V4(peer_ip), 32).expect("/32 is valid")
            ],
            endpoint: endpoint.map(|port| Endpoint {
                host: EndpointHost::Ip(IpAddr::V4(Ipv4Addr::LOCALHOST)),
                port,
            }),
            persistent_keepalive: None,
        }],
    }
}

/// Starts one side and its host thread (answers echo requests, forwards replies).
fn start_side(
    name: &'static str,
    ip: Ipv4Addr,
    cfg: Config,
    stop: Arc<AtomicBool>,
) -> Result<Side, RuntimeError> {
    let counters = Arc::new(Counters::default());
    let events = Arc::new(Events {
        handshake: OnceLock::new(),
        evidence: Mutex::new(EvidenceBuilder::new()),
    });
    let config = cfg.clone();
    let (echo_tx, echo_rx) = mpsc::sync_channel::<Parsed>(256);
    let (reply_tx, reply_rx) = mpsc::channel();
    let public_key = cfg.interface.private_key.public_key();
    let hooks = Hooks {
        events: Some(events.clone()),
        ..Hooks::default()
    };
    let sink = Arc::new(HostSink {
        counters: counters.clone(),
        echo: echo_tx,
    });
    let tunnel = Arc::new(Tunnel::start(cfg, PacketIo::Callbacks { sink }, hooks)?);
    let t = tunnel.clone();
    std::thread::Builder::new()
        .name(format!("demo-{name}"))
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let Ok(p) = echo_rx.recv_timeout(Duration::from_millis(100)) else {
                    continue;
                };
                if let Parsed::Echo {
                    src,
                    dst,
                    reply,
                    ident,
                    seq,
                    data,
                } = p
                {
                    if reply {
                        let _ = reply_tx.send((seq, Instant::now()));
                    } else if dst == ip {
                        let answer = packet::icmp_echo(ip, src, true, ident, seq, &data);
                        if let Err(err) = t.send_packets(vec![answer]) {
                            log::warn!("{name}: echo reply not sent: {err}");
                        }
                    }
                }
            }
        })
        .map_err(|err| RuntimeError::Io(err.to_string()))?;
    Ok(Side {
        name,
        ip,
        public_key,
        tunnel,
        counters,
        events,
        replies: reply_rx,
        config,
        health: Mutex::new(HealthMonitor::default()),
    })
}

/// Sends one echo request from `from` to `to` and waits up to `timeout` for its reply.
fn ping(from: &Side, to: Ipv4Addr, seq: u16, timeout: Duration) -> Result<Duration, String> {
    let sent = Instant::now();
    let req = packet::icmp_echo(from.ip, to, false, ECHO_IDENT, seq, b"culvert demo ping");
    from.tunnel
        .send_packets(vec![req])
        .map_err(|err| format!("send: {err}"))?;
    let deadline = sent + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match from.replies.recv_timeout(left) {
            Ok((s, at)) if s == seq => return Ok(at - sent),
            Ok(_) => continue,
            Err(_) => return Err(format!("no reply within {} ms", timeout.as_millis())),
        }
    }
}

/// Result of one direction of the bulk transfer.
struct Flow {
    sent_packets: u64,
    queue_full: u64,
}

/// Sends UDP packets from `from` to `to_counters`' side until `until`, keeping at most
/// [`WINDOW`] packets in flight (a stalled window reopens after 20 ms, so loss cannot
/// wedge it).
fn bulk(
    from: Arc<Tunnel>,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    to_counters: Arc<Counters>,
    until: Instant,
) -> Flow {
    let mut seq = 0u64;
    let mut queue_full = 0;
    let mut stalled_since: Option<Instant> = None;
    while Instant::now() < until {
        let delivered = to_counters.udp_packets.load(Ordering::Relaxed);
        if seq.saturating_sub(delivered) > WINDOW {
            let since = *stalled_since.get_or_insert_with(Instant::now);
            if since.elapsed() < Duration::from_millis(20) {
                std::thread::yield_now();
                continue;
            }
        }
        stalled_since = None;
        let batch: Vec<Vec<u8>> = (0..BATCH as u64)
            .map(|i| packet::udp(src, dst, 40000, 9, seq + i, BULK_PACKET))
            .collect();
        match from.send_packets(batch) {
            Ok(()) => seq += BATCH as u64,
            Err(RuntimeError::QueueFull { accepted }) => {
                // The rest of the batch was dropped; it is resent from `seq` on.
                seq += accepted as u64;
                queue_full += 1;
                std::thread::sleep(Duration::from_micros(200));
            }
            Err(err) => {
                log::warn!("bulk send stopped: {err}");
                break;
            }
        }
    }
    Flow {
        sent_packets: seq,
        queue_full,
    }
}

fn mbit(bytes: u64, d: Duration) -> f64 {
    bytes as f64 * 8.0 / d.as_secs_f64().max(1e-9) / 1e6
}

fn short_key(k: &PublicKey) -> String {
    let b = k.to_base64();
    format!("{}…", &b[..8])
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn print_peer(owner: &str, peer_name: &str, p: &PeerStats) {
    let hs = p
        .last_handshake
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .map(|d| format!("{:.1} s ago", d.as_secs_f64()))
        .unwrap_or_else(|| "never".into());
    let d = &p.dropped;
    let drops = d.malformed
        + d.inner_source
        + d.no_route
        + d.queue_full
        + d.replay
        + d.too_old
        + d.no_session
        + d.rate_limited;
    println!(
        "  {owner}'s peer {peer_name} ({}): endpoint {}, handshakes {}, last {hs}",
        short_key(&p.public_key),
        p.endpoint
            .map(|e| e.to_string())
            .unwrap_or_else(|| "-".into()),
        p.handshakes,
    );
    println!(
        "      tx {} packets / {:.1} MB, rx {} packets / {:.1} MB, rtt {}, loss {:.1} %, dropped {drops}{}",
        p.tx_packets,
        p.tx_bytes as f64 / 1e6,
        p.rx_packets,
        p.rx_bytes as f64 / 1e6,
        p.rtt_ms.map(|r| format!("{r} ms")).unwrap_or_else(|| "-".into()),
        p.loss * 100.0,
        if drops > 0 { format!(" {d:?}") } else { String::new() },
    );
}

/// Runs `culvert demo`; returns the exit code.
pub fn run(args: DemoArgs) -> u8 {
    crate::logger::init(log::LevelFilter::Warn);
    match demo(args.seconds) {
        Ok(()) => 0,
        Err(err) => {
            eprintln!("culvert demo: {err}");
            1
        }
    }
}

fn demo(seconds: u32) -> Result<(), String> {
    let stop = Arc::new(AtomicBool::new(false));
    let alice_key = PrivateKey::generate();
    let bob_key = PrivateKey::generate();
    println!("Culvert demo: two tunnels in one process, WireGuard over loopback UDP, packets in memory\n");

    let bob_cfg = config(
        &bob_key,
        None,
        alice_key.public_key(),
        ALICE_IP,
        None,
        BOB_IP,
    );
    let bob = start_side("bob", BOB_IP, bob_cfg, stop.clone())
        .map_err(|e| format!("starting bob's tunnel: {e}"))?;
    let sides = Mutex::new(vec![bob.tunnel.clone()]);
    let cleanup = |stop: &AtomicBool| {
        stop.store(true, Ordering::Relaxed);
        for t in sides.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            let _ = t.stop();
        }
    };
    let result = (|| {
        let bob_port = bob
            .tunnel
            .stats()
            .map_err(|e| format!("bob's stats: {e}"))?
            .listen_port;
        let alice_cfg = config(
            &alice_key,
            None,
            bob.public_key,
            BOB_IP,
            Some(bob_port),
            ALICE_IP,
        );
        let alice = start_side("alice", ALICE_IP, alice_cfg, stop.clone())
            .map_err(|e| format!("starting alice's tunnel: {e}"))?;
        sides
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(alice.tunnel.clone());
        let alice_port = alice
            .tunnel
            .stats()
            .map_err(|e| format!("alice's stats: {e}"))?
            .listen_port;
        for (s, port) in [(&alice, alice_port), (&bob, bob_port)] {
            println!(
                "  {:<5}  inner {}  key {}  udp 127.0.0.1:{port}",
                s.name,
                s.ip,
                short_key(&s.public_key)
            );
        }
        println!();
        run_traffic(&alice, &bob, seconds)
    })();
    cleanup(&stop);
    result
}

fn run_traffic(alice: &Side, bob: &Side, seconds: u32) -> Result<(), String> {
    // 1. The first ping starts the handshake (alice initiates).
    let t0 = Instant::now();
    let first = ping(alice, BOB_IP, 0, Duration::from_secs(12))
        .map_err(|e| format!("first ping alice → bob (handshake): {e}"))?;
    match alice.events.handshake.get() {
        Some(at) => println!(
            "handshake          {:.2} ms (alice's first packet to HandshakeCompleted)",
            (*at - t0).as_secs_f64() * 1e3
        ),
        None => println!("handshake          (no HandshakeCompleted event seen)"),
    }
    println!(
        "first ping reply   {:.2} ms after the first packet (handshake + round trip)",
        first.as_secs_f64() * 1e3
    );

    // 2. Pings both ways.
    for (from, to) in [(alice, bob), (bob, alice)] {
        let mut rtts = Vec::new();
        for seq in 1..=PINGS {
            match ping(from, to.ip, seq, Duration::from_secs(2)) {
                Ok(rtt) => rtts.push(rtt.as_secs_f64() * 1e3),
                Err(err) => log::warn!("ping {} → {} #{seq}: {err}", from.name, to.name),
            }
        }
        if rtts.is_empty() {
            return Err(format!("no ping reply {} → {}", from.name, to.name));
        }
        let min = rtts.iter().cloned().fold(f64::MAX, f64::min);
        let max = rtts.iter().cloned().fold(0.0, f64::max);
        let avg = rtts.iter().sum::<f64>() / rtts.len() as f64;
        println!(
            "ping {:<5} → {:<5} {}/{PINGS} replies, rtt min/avg/max {min:.3}/{avg:.3}/{max:.3} ms",
            from.name,
            to.name,
            rtts.len()
        );
    }

    for side in [alice, bob] {
        side.observe_health()?;
    }

    // 3. Bulk: UDP-in-IPv4 both ways at once.
    println!("\nbulk transfer      {seconds} s, {BULK_PACKET}-byte IPv4/UDP packets, both directions at once");
    let start = Instant::now();
    let until = start + Duration::from_secs(u64::from(seconds));
    let a2b = {
        let (t, c) = (alice.tunnel.clone(), bob.counters.clone());
        std::thread::spawn(move || bulk(t, ALICE_IP, BOB_IP, c, until))
    };
    let b2a = {
        let (t, c) = (bob.tunnel.clone(), alice.counters.clone());
        std::thread::spawn(move || bulk(t, BOB_IP, ALICE_IP, c, until))
    };
    let a2b = a2b.join().map_err(|_| "bulk sender panicked".to_string())?;
    let b2a = b2a.join().map_err(|_| "bulk sender panicked".to_string())?;
    // Let in-flight packets land: until nothing new arrives for 200 ms (at most 2 s).
    let drain_deadline = Instant::now() + Duration::from_secs(2);
    let mut last = (0, 0);
    let mut last_change = Instant::now();
    while Instant::now() < drain_deadline && last_change.elapsed() < Duration::from_millis(200) {
        let now = (
            alice.counters.udp_packets.load(Ordering::Relaxed),
            bob.counters.udp_packets.load(Ordering::Relaxed),
        );
        if now != last {
            last = now;
            last_change = Instant::now();
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let elapsed = until.min(Instant::now()) - start;
    let mut delivered_any = true;
    for (from, to, flow) in [(alice, bob, &a2b), (bob, alice, &b2a)] {
        let got = to.counters.udp_packets.load(Ordering::Relaxed);
        let bytes = to.counters.udp_bytes.load(Ordering::Relaxed);
        let lost = flow.sent_packets.saturating_sub(got);
        delivered_any &= got > 0;
        println!(
            "  {:<5} → {:<5}   sent {} packets, delivered {got} ({:.1} MB, {:.2} % lost, {} reordered), {:.0} Mbit/s{}",
            from.name,
            to.name,
            flow.sent_packets,
            bytes as f64 / 1e6,
            lost as f64 * 100.0 / flow.sent_packets.max(1) as f64,
            to.counters.out_of_order.load(Ordering::Relaxed),
            mbit(bytes, elapsed),
            if flow.queue_full > 0 { format!(" (send queue full {}×)", flow.queue_full) } else { String::new() },
        );
    }
    let invalid = alice.counters.invalid.load(Ordering::Relaxed)
        + bob.counters.invalid.load(Ordering::Relaxed);
    if invalid > 0 {
        println!("  {invalid} delivered packets failed their checksums");
    }

    // 4. The tunnels' own view.
    println!("\nper-peer stats (Tunnel::stats)");
    for (side, other) in [(alice, bob), (bob, alice)] {
        let stats = side
            .tunnel
            .stats()
            .map_err(|e| format!("{}'s stats: {e}", side.name))?;
        for p in &stats.peers {
            print_peer(side.name, other.name, p);
        }
        let d = &stats.dropped;
        let total = d.malformed
            + d.inner_source
            + d.no_route
            + d.queue_full
            + d.replay
            + d.too_old
            + d.no_session
            + d.rate_limited;
        if total > 0 {
            println!("  {}'s tunnel-wide drops: {d:?}", side.name);
        }
    }
    if let Some(kib) = peak_rss_kib() {
        println!(
            "\nprocess peak RSS   {:.1} MB (both tunnels, the demo's own threads and buffers)",
            kib as f64 / 1024.0
        );
    }
    for side in [alice, bob] {
        side.observe_health()?;
    }
    println!(
        "\nhealth             {}, {} (culvert_core::health, from stats and events)",
        alice.health_line(),
        bob.health_line()
    );
    if !delivered_any {
        return Err("the bulk transfer delivered nothing in one direction".into());
    }
    if invalid > 0 {
        return Err(format!("{invalid} packets arrived corrupted"));
    }
    Ok(())
}
