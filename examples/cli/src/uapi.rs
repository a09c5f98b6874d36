//! The cross-platform WireGuard UAPI (<https://www.wireguard.com/xplatform/>):
//! a stream UNIX socket at `/var/run/wireguard/IFNAME.sock` that `wg show` and
//! `wg set` talk to, as they talk to wireguard-go.
//!
//! The protocol is line-based `key=value`: a request is `get=1` or `set=1`,
//! then (for `set`) its keys, then an empty line; the answer is the device's
//! keys (for `get`) then `errno=N` (0 on success, a positive errno otherwise)
//! and an empty line. Keys and hashes are lowercase hex.
//!
//! [`format_get`] and [`apply_set`] are pure (a `set` applies to a copy of the
//! [`Config`]); [`UapiServer`] moves the bytes.
//!
//! Hardening (issue 12, item 16): the socket is created under umask 077 (never
//! reachable by others, not even between bind and chmod); a line longer than
//! [`MAX_LINE`] or a request larger than [`MAX_REQUEST`] is refused; a client
//! has [`REQUEST_DEADLINE`] for each whole request, however it trickles its
//! bytes, so a slow client cannot hold the (sequential) server; the server
//! thread sleeps in `accept` with no timer while nobody connects; no input line
//! is ever logged (key names only). Requests and answers (they carry the
//! private key) live in zeroizing buffers.

use culvert_core::config::{
    Config, Endpoint, EndpointHost, Peer, PresharedKey, PrivateKey, PublicKey,
};
use ipnetwork::IpNetwork;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use zeroize::Zeroizing;

/// The longest line accepted (a `wg` line is under 100 bytes).
pub const MAX_LINE: usize = 4096;
/// The largest request accepted, in bytes (about 30,000 `allowed_ip` lines).
pub const MAX_REQUEST: usize = 1024 * 1024;
/// How long a client may take to send one whole request.
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(5);

/// Where wireguard-go and `wg` keep the sockets (shared by all network namespaces).
pub const SOCKET_DIR: &str = "/var/run/wireguard";

/// `EINVAL`: a malformed or unknown key or value.
pub const EINVAL: i32 = libc::EINVAL;
/// `EPROTO`: not a `get=1` / `set=1` request.
pub const EPROTO: i32 = libc::EPROTO;
/// `EIO`: the tunnel refused or failed to apply a valid request.
pub const EIO: i32 = libc::EIO;
/// `EMSGSIZE`: a line or the request is too long.
pub const EMSGSIZE: i32 = libc::EMSGSIZE;

/// A failed request: the errno sent back and a message for the log (never a key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UapiError {
    /// The positive errno sent back as `errno=N`.
    pub errno: i32,
    /// What was wrong.
    pub message: String,
}

impl UapiError {
    fn invalid(message: impl Into<String>) -> UapiError {
        UapiError {
            errno: EINVAL,
            message: message.into(),
        }
    }
}

/// The live part of a peer's state, as the runtime reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerStatus {
    /// Which peer.
    pub public_key: PublicKey,
    /// The current endpoint (roamed or configured), if known.
    pub endpoint: Option<SocketAddr>,
    /// The last completed handshake.
    pub last_handshake: Option<SystemTime>,
    /// Bytes received from the peer.
    pub rx_bytes: u64,
    /// Bytes sent to the peer.
    pub tx_bytes: u64,
}

/// The live part of the device's state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceStatus {
    /// The UDP port actually bound (also when the config leaves it random).
    pub listen_port: u16,
    /// Per-peer status; peers missing here are reported with zero counters.
    pub peers: Vec<PeerStatus>,
}

#[cfg(test)]
fn hex(bytes: &[u8; 32]) -> String {
    let mut s = String::with_capacity(64);
    push_hex(&mut s, bytes);
    s
}

/// Appends `bytes` as lowercase hex, one character at a time (no temporary).
fn push_hex(out: &mut String, bytes: &[u8; 32]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
}

/// A 32-byte key from 64 hex characters, in a zeroizing buffer.
fn parse_hex32(value: &str) -> Result<Zeroizing<[u8; 32]>, UapiError> {
    let v = value.as_bytes();
    if v.len() != 64 {
        return Err(UapiError::invalid("a key must be 64 hex characters"));
    }
    let nibble = |c: u8| -> Result<u8, UapiError> {
        match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            b'A'..=b'F' => Ok(c - b'A' + 10),
            _ => Err(UapiError::invalid("key is not hex")),
        }
    };
    let mut out = Zeroizing::new([0u8; 32]);
    for (i, pair) in v.chunks(2).enumerate() {
        out[i] = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Ok(out)
}

/// A key name from the input, fit for the log: only if it looks like a key name
/// (lowercase letters and `_`, at most 32), so no value is ever logged.
fn loggable_key(key: &str) -> &str {
    if !key.is_empty()
        && key.len() <= 32
        && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
    {
        key
    } else {
        "(not a key name)"
    }
}

fn config_endpoint(endpoint: &Option<Endpoint>) -> Option<SocketAddr> {
    match endpoint {
        Some(Endpoint {
            host: EndpointHost::Ip(ip),
            port,
        }) => Some(SocketAddr::new(*ip, *port)),
        _ => None,
    }
}

/// The answer to `get=1`, including the closing `errno=0` and empty line. It
/// carries the private and preshared keys: a zeroizing string, allocated once at
/// its final size (no reallocation leaves a copy behind).
pub fn format_get(config: &Config, status: &DeviceStatus) -> Zeroizing<String> {
    // The same text with zero keys has the same length.
    let mut sizing = String::new();
    write_get(&mut sizing, config, status, false);
    let mut out = Zeroizing::new(String::with_capacity(sizing.len()));
    write_get(&mut out, config, status, true);
    debug_assert_eq!(out.len(), sizing.len());
    out
}

fn write_get(out: &mut String, config: &Config, status: &DeviceStatus, secrets: bool) {
    let key = |out: &mut String, bytes: &[u8; 32]| {
        if secrets {
            push_hex(out, bytes);
        } else {
            push_hex(out, &[0; 32]);
        }
    };
    out.push_str("private_key=");
    key(out, config.interface.private_key.as_bytes());
    out.push('\n');
    let _ = writeln!(out, "listen_port={}", status.listen_port);
    if let Some(mark) = config.interface.fwmark.filter(|m| *m != 0) {
        let _ = writeln!(out, "fwmark={mark}");
    }
    for peer in &config.peers {
        let live = status
            .peers
            .iter()
            .find(|p| p.public_key == peer.public_key);
        out.push_str("public_key=");
        push_hex(out, peer.public_key.as_bytes());
        out.push_str("\npreshared_key=");
        match &peer.preshared_key {
            Some(psk) => key(out, psk.as_bytes()),
            None => push_hex(out, &[0; 32]),
        }
        out.push('\n');
        let _ = writeln!(out, "protocol_version=1");
        if let Some(ep) = live
            .and_then(|l| l.endpoint)
            .or_else(|| config_endpoint(&peer.endpoint))
        {
            let _ = writeln!(out, "endpoint={ep}");
        }
        let since = live
            .and_then(|l| l.last_handshake)
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .unwrap_or(Duration::ZERO);
        let _ = writeln!(out, "last_handshake_time_sec={}", since.as_secs());
        let _ = writeln!(out, "last_handshake_time_nsec={}", since.subsec_nanos());
        let _ = writeln!(out, "tx_bytes={}", live.map_or(0, |l| l.tx_bytes));
        let _ = writeln!(out, "rx_bytes={}", live.map_or(0, |l| l.rx_bytes));
        let _ = writeln!(
            out,
            "persistent_keepalive_interval={}",
            peer.persistent_keepalive.unwrap_or(0)
        );
        for ip in &peer.allowed_ips {
            let _ = writeln!(out, "allowed_ip={}/{}", ip.network(), ip.prefix());
        }
    }
    out.push_str("errno=0\n\n");
}

fn parse_bool(key: &str, value: &str) -> Result<bool, UapiError> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(UapiError::invalid(format!("{key}: expected true or false"))),
    }
}

fn parse_num<T: std::str::FromStr>(key: &str, value: &str) -> Result<T, UapiError> {
    value
        .parse()
        .map_err(|_| UapiError::invalid(format!("{key}: not a valid number")))
}

/// The peer the following peer keys apply to.
enum Current {
    /// Interface keys still allowed.
    None,
    /// Editing this peer; `created` if this request added it.
    Peer { key: PublicKey, created: bool },
    /// Keys are read and ignored (removed peer, or `update_only` of a missing one).
    Ignored,
}

/// Applies the keys of a `set=1` request (the lines after `set=1`, without the
/// closing empty line) to a copy of `config`. The whole request is rejected on
/// the first invalid line: nothing of it is applied.
pub fn apply_set(config: &Config, lines: &[&str]) -> Result<Config, UapiError> {
    let mut cfg = config.clone();
    let mut current = Current::None;
    for line in lines {
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| UapiError::invalid("a line without '='"))?;
        if key == "public_key" {
            let pk = PublicKey::from_bytes(*parse_hex32(value)?);
            let exists = cfg.peers.iter().any(|p| p.public_key == pk);
            if !exists {
                cfg.peers.push(Peer {
                    public_key: pk,
                    preshared_key: None,
                    allowed_ips: Vec::new(),
                    endpoint: None,
                    persistent_keepalive: None,
                });
            }
            current = Current::Peer {
                key: pk,
                created: !exists,
            };
            continue;
        }
        match &current {
            Current::None => match key {
                "private_key" => {
                    let bytes = parse_hex32(value)?;
                    if *bytes == [0; 32] {
                        return Err(UapiError::invalid(
                            "private_key: removing the private key is not supported",
                        ));
                    }
                    cfg.interface.private_key = PrivateKey::from_bytes(*bytes);
                }
                "listen_port" => {
                    let port: u16 = parse_num(key, value)?;
                    cfg.interface.listen_port = (port != 0).then_some(port);
                }
                "fwmark" => {
                    let mark: u32 = parse_num(key, value)?;
                    cfg.interface.fwmark = (mark != 0).then_some(mark);
                }
                "replace_peers" => {
                    if parse_bool(key, value)? {
                        cfg.peers.clear();
                    }
                }
                _ => {
                    return Err(UapiError::invalid(format!(
                        "unknown interface key {:?}",
                        loggable_key(key)
                    )))
                }
            },
            Current::Ignored => match key {
                "remove"
                | "update_only"
                | "preshared_key"
                | "endpoint"
                | "persistent_keepalive_interval"
                | "replace_allowed_ips"
                | "allowed_ip"
                | "protocol_version" => {}
                _ => {
                    return Err(UapiError::invalid(format!(
                        "unknown peer key {:?}",
                        loggable_key(key)
                    )))
                }
            },
            Current::Peer { key: pk, created } => {
                let pk = *pk;
                let created = *created;
                let idx = cfg
                    .peers
                    .iter()
                    .position(|p| p.public_key == pk)
                    .expect("the current peer is in the list");
                match key {
                    "remove" => {
                        if parse_bool(key, value)? {
                            cfg.peers.remove(idx);
                            current = Current::Ignored;
                        }
                    }
                    "update_only" => {
                        if parse_bool(key, value)? && created {
                            cfg.peers.remove(idx);
                            current = Current::Ignored;
                        }
                    }
                    "preshared_key" => {
                        let bytes = parse_hex32(value)?;
                        cfg.peers[idx].preshared_key =
                            (*bytes != [0; 32]).then(|| PresharedKey::from_bytes(*bytes));
                    }
                    "endpoint" => {
                        let addr: SocketAddr = value.parse().map_err(|_| {
                            UapiError::invalid("endpoint: expected ip:port or [ipv6]:port")
                        })?;
                        cfg.peers[idx].endpoint = Some(Endpoint {
                            host: EndpointHost::Ip(addr.ip()),
                            port: addr.port(),
                        });
                    }
                    "persistent_keepalive_interval" => {
                        let secs: u16 = parse_num(key, value)?;
                        cfg.peers[idx].persistent_keepalive = (secs != 0).then_some(secs);
                    }
                    "replace_allowed_ips" => {
                        if parse_bool(key, value)? {
                            cfg.peers[idx].allowed_ips.clear();
                        }
                    }
                    "allowed_ip" => {
                        let ip: IpNetwork = value.parse().map_err(|_| {
                            UapiError::invalid("allowed_ip: expected address/prefix")
                        })?;
                        let net = IpNetwork::new(ip.network(), ip.prefix())
                            .map_err(|_| UapiError::invalid("allowed_ip: bad prefix"))?;
                        // As WireGuard's allowed-IPs table: a network belongs to one peer only.
                        for (i, other) in cfg.peers.iter_mut().enumerate() {
                            if i != idx {
                                other.allowed_ips.retain(|a| {
                                    IpNetwork::new(a.network(), a.prefix()).ok() != Some(net)
                                });
                            }
                        }
                        if !cfg.peers[idx]
                            .allowed_ips
                            .iter()
                            .any(|a| IpNetwork::new(a.network(), a.prefix()).ok() == Some(net))
                        {
                            cfg.peers[idx].allowed_ips.push(net);
                        }
                    }
                    "protocol_version" => {
                        if value != "1" {
                            return Err(UapiError::invalid(
                                "protocol_version: only 1 is supported",
                            ));
                        }
                    }
                    _ => {
                        return Err(UapiError::invalid(format!(
                            "unknown peer key {:?}",
                            loggable_key(key)
                        )))
                    }
                }
            }
        }
    }
    Ok(cfg)
}

/// What the socket server asks of the running tunnel.
pub trait Device: Send + Sync {
    /// The full answer to `get=1` (see [`format_get`]).
    fn get(&self) -> Result<Zeroizing<String>, UapiError>;
    /// Applies a `set=1` request's lines, all or nothing.
    fn set(&self, lines: &[&str]) -> Result<(), UapiError>;
    /// The full answer to [`DOCTOR_REQUEST`], Culvert's own request (`wg`
    /// never sends it): `culvert_doctor_json=` and the `culvert doctor --json`
    /// object on one line, then `errno=0` and an empty line.
    fn doctor(&self) -> Result<String, UapiError> {
        Err(UapiError {
            errno: EPROTO,
            message: "this device does not answer culvert_doctor".into(),
        })
    }
}

/// Culvert's own UAPI request, answered with the static and live findings of
/// the running tunnel (see [`Device::doctor`]). Not part of the WireGuard
/// protocol: `wg` sends only `get=1` and `set=1`.
pub const DOCTOR_REQUEST: &str = "culvert_doctor=1";

/// Why reading a request stopped.
#[derive(Debug, PartialEq, Eq)]
enum ReadEnd {
    /// The client closed the connection between requests.
    Closed,
    /// The connection ended in the middle of a request.
    Truncated,
    /// A line or the request is too long (answered with `EMSGSIZE`).
    TooLong,
    /// The request took longer than [`REQUEST_DEADLINE`], or an I/O error.
    Failed,
}

/// Reads requests into one zeroizing buffer of fixed size (allocated once per
/// connection: no reallocation leaves a copy of a key behind).
struct RequestReader {
    buf: Zeroizing<Vec<u8>>,
    /// Bytes `buf[..filled]` were read; a request is `buf[..len]`.
    filled: usize,
}

/// What a client stream must offer: reads, with a timeout that can be set.
pub trait Stream: Read {
    /// Sets the timeout of the next reads (`None`: block).
    fn set_timeout(&self, timeout: Option<Duration>) -> std::io::Result<()>;
}

impl Stream for &UnixStream {
    fn set_timeout(&self, timeout: Option<Duration>) -> std::io::Result<()> {
        self.set_read_timeout(timeout)
    }
}

impl Stream for &[u8] {
    fn set_timeout(&self, _timeout: Option<Duration>) -> std::io::Result<()> {
        Ok(())
    }
}

impl RequestReader {
    fn new() -> RequestReader {
        RequestReader {
            buf: Zeroizing::new(vec![0u8; MAX_REQUEST]),
            filled: 0,
        }
    }

    /// Reads until `buf` holds one whole request (lines up to and including an
    /// empty line); returns its length, empty line included.
    fn read(&mut self, stream: &mut impl Stream, deadline: Instant) -> Result<usize, ReadEnd> {
        let mut scanned = 0;
        let mut line_start = 0;
        loop {
            while scanned < self.filled {
                if self.buf[scanned] == b'\n' {
                    if scanned == line_start && line_start > 0 {
                        return Ok(scanned + 1);
                    }
                    if scanned == line_start {
                        // An empty first line: not a request.
                        return Err(ReadEnd::Truncated);
                    }
                    line_start = scanned + 1;
                } else if scanned - line_start >= MAX_LINE {
                    return Err(ReadEnd::TooLong);
                }
                scanned += 1;
            }
            if self.filled == self.buf.len() {
                return Err(ReadEnd::TooLong);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || stream.set_timeout(Some(left)).is_err() {
                return Err(ReadEnd::Failed);
            }
            match stream.read(&mut self.buf[self.filled..]) {
                Ok(0) if self.filled == 0 => return Err(ReadEnd::Closed),
                Ok(0) => return Err(ReadEnd::Truncated),
                Ok(n) => self.filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return Err(ReadEnd::Failed),
            }
        }
    }

    /// Drops the first `len` bytes (a handled request), zeroing what moved.
    fn consume(&mut self, len: usize) {
        self.buf.copy_within(len..self.filled, 0);
        let rest = self.filled - len;
        self.buf[rest..self.filled].fill(0);
        self.filled = rest;
    }
}

/// Answers requests read from `reader` on `writer` until EOF. Returns on the first
/// I/O error, a request over the deadline or the size caps (answered with
/// `errno=EMSGSIZE`), or a malformed request (answered with `errno=EPROTO`).
/// Logs key names only, never a line.
pub fn serve_stream(device: &dyn Device, mut reader: impl Stream, mut writer: impl Write) {
    let mut requests = RequestReader::new();
    loop {
        let deadline = Instant::now() + REQUEST_DEADLINE;
        let len = match requests.read(&mut reader, deadline) {
            Ok(len) => len,
            Err(ReadEnd::Closed) => return,
            Err(ReadEnd::Failed) => {
                log::debug!("uapi: a client was too slow or failed; connection closed");
                return;
            }
            Err(ReadEnd::TooLong) => {
                log::warn!(
                    "uapi: a line over {MAX_LINE} bytes or a request over {MAX_REQUEST} bytes (errno {EMSGSIZE})"
                );
                let _ = writer.write_all(format!("errno={EMSGSIZE}\n\n").as_bytes());
                return;
            }
            Err(ReadEnd::Truncated) => {
                let _ = writer.write_all(format!("errno={EPROTO}\n\n").as_bytes());
                return;
            }
        };
        let answer = {
            // The request without its closing empty line.
            let text = std::str::from_utf8(&requests.buf[..len - 1]);
            let mut lines = text.iter().flat_map(|t| t.lines());
            let op = lines.next().unwrap_or_default();
            let body: Vec<&str> = lines.collect();
            let name = loggable_key(op.split('=').next().unwrap_or_default());
            let result = match (text.is_ok(), op) {
                (true, "get=1") if body.is_empty() => device.get(),
                (true, DOCTOR_REQUEST) if body.is_empty() => device.doctor().map(Zeroizing::new),
                (true, "set=1") => device
                    .set(&body)
                    .map(|()| Zeroizing::new("errno=0\n\n".to_string())),
                _ => Err(UapiError {
                    errno: EPROTO,
                    message: "expected get=1 or set=1 followed by an empty line".into(),
                }),
            };
            result.unwrap_or_else(|err| {
                log::warn!("uapi: {name}: {} (errno {})", err.message, err.errno);
                Zeroizing::new(format!("errno={}\n\n", err.errno))
            })
        };
        requests.consume(len);
        if writer.write_all(answer.as_bytes()).is_err() || writer.flush().is_err() {
            return;
        }
    }
}

/// The listening UAPI socket; [`UapiServer::close`] (or drop) removes the socket file.
pub struct UapiServer {
    path: PathBuf,
    removed: bool,
}

/// The socket path for interface `ifname`.
pub fn socket_path(ifname: &str) -> PathBuf {
    Path::new(SOCKET_DIR).join(format!("{ifname}.sock"))
}

/// Binds a listening socket at `path` under umask 077 (owner-only from its
/// creation): no window between bind and chmod in which another user could
/// connect. (umask is per
/// process: it is set just around the bind.)
fn bind_private(path: &Path) -> std::io::Result<UnixListener> {
    // SAFETY: umask has no memory-safety preconditions.
    let old = unsafe { libc::umask(0o077) };
    let bound = UnixListener::bind(path);
    // SAFETY: as above; restores the previous mask.
    unsafe { libc::umask(old) };
    bound
}

impl UapiServer {
    /// Binds `/var/run/wireguard/IFNAME.sock` (refusing if another process serves it,
    /// replacing a stale file) and serves `device` on a background thread.
    pub fn start(ifname: &str, device: Arc<dyn Device>) -> Result<UapiServer, String> {
        std::fs::create_dir_all(SOCKET_DIR)
            .map_err(|err| format!("cannot create {SOCKET_DIR}: {err}"))?;
        let _ = std::fs::set_permissions(SOCKET_DIR, std::fs::Permissions::from_mode(0o755));
        Self::start_at(socket_path(ifname), device)
    }

    /// As [`UapiServer::start`], at any socket path (tests).
    pub fn start_at(path: PathBuf, device: Arc<dyn Device>) -> Result<UapiServer, String> {
        if path.exists() {
            if UnixStream::connect(&path).is_ok() {
                return Err(format!(
                    "{} is served by another process: is this interface already up?",
                    path.display()
                ));
            }
            std::fs::remove_file(&path)
                .map_err(|err| format!("cannot remove stale {}: {err}", path.display()))?;
        }
        let listener =
            bind_private(&path).map_err(|err| format!("cannot bind {}: {err}", path.display()))?;
        // Owner-only since creation; drop the meaningless execute bits too.
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
        std::thread::Builder::new()
            .name("culvert-uapi".into())
            .spawn(move || {
                // Blocks in accept (no timer) while nobody connects.
                for stream in listener.incoming() {
                    let Ok(stream) = stream else { continue };
                    // Reads have the request deadline (set per read by
                    // serve_stream); a client that does not read its answer
                    // cannot hold the server either.
                    let _ = stream.set_write_timeout(Some(REQUEST_DEADLINE));
                    serve_stream(device.as_ref(), &stream, &stream);
                }
            })
            .map_err(|err| format!("cannot start the UAPI thread: {err}"))?;
        Ok(UapiServer {
            path,
            removed: false,
        })
    }

    /// Removes the socket file (new `wg` calls then see no interface).
    pub fn close(&mut self) {
        if !self.removed {
            self.removed = true;
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

impl Drop for UapiServer {
    fn drop(&mut self) {
        self.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use culvert_core::config::{HostKeys, Interface};
    use std::io::BufRead;
    use std::sync::Mutex;

    fn key(b: u8) -> PublicKey {
        PrivateKey::from_bytes([b; 32]).public_key()
    }

    fn base() -> Config {
        Config {
            interface: Interface {
                private_key: PrivateKey::from_bytes([1; 32]),
                listen_port: Some(51820),
                addresses: vec![],
                dns_servers: vec![],
                dns_search: vec![],
                mtu: None,
                included_applications: vec![],
                excluded_applications: vec![],
                fwmark: None,
                host: HostKeys::default(),
            },
            peers: vec![Peer {
                public_key: key(2),
                preshared_key: None,
                allowed_ips: vec!["198.51.100.0/24".parse().unwrap()],
                endpoint: Some(Endpoint {
                    host: EndpointHost::Ip("198.51.100.1".parse().unwrap()),
                    port: 51821,
                }),
                persistent_keepalive: Some(25),
            }],
        }
    }

    fn set(cfg: &Config, text: &str) -> Result<Config, UapiError> {
        let lines: Vec<&str> = text.lines().collect();
        apply_set(cfg, &lines)
    }

    #[test]
    fn get_lists_interface_and_peers_as_wireguard_go_does() {
        let cfg = base();
        let status = DeviceStatus {
            listen_port: 51820,
            peers: vec![PeerStatus {
                public_key: key(2),
                endpoint: Some("198.51.100.7:4000".parse().unwrap()),
                last_handshake: Some(UNIX_EPOCH + Duration::new(1_700_000_000, 5)),
                rx_bytes: 10,
                tx_bytes: 20,
            }],
        };
        let text = format_get(&cfg, &status);
        let expected = format!(
            "private_key={}\nlisten_port=51820\npublic_key={}\npreshared_key={}\nprotocol_version=1\n\
             endpoint=198.51.100.7:4000\nlast_handshake_time_sec=1700000000\nlast_handshake_time_nsec=5\n\
             tx_bytes=20\nrx_bytes=10\npersistent_keepalive_interval=25\nallowed_ip=198.51.100.0/24\nerrno=0\n\n",
            "01".repeat(32),
            hex(key(2).as_bytes()),
            "00".repeat(32)
        );
        assert_eq!(*text, expected);
    }

    #[test]
    fn get_without_live_status_uses_the_configured_endpoint_and_zeroes() {
        let mut cfg = base();
        cfg.interface.fwmark = Some(51820);
        cfg.peers[0].endpoint = Some(Endpoint {
            host: EndpointHost::Ip("fd00::1".parse().unwrap()),
            port: 9,
        });
        let text = format_get(&cfg, &DeviceStatus::default());
        assert!(text.contains("fwmark=51820\n"));
        assert!(text.contains("endpoint=[fd00::1]:9\n"));
        assert!(text.contains("last_handshake_time_sec=0\n"));
        assert!(text.contains("rx_bytes=0\n"));
    }

    #[test]
    fn set_updates_adds_and_removes_peers() {
        let cfg = base();
        let new = set(
            &cfg,
            &format!(
                "listen_port=4242\nfwmark=77\npublic_key={}\nendpoint=[fd00::9]:51000\n\
                 persistent_keepalive_interval=0\nreplace_allowed_ips=true\nallowed_ip=fd00::/64\n\
                 public_key={}\npreshared_key={}\nallowed_ip=198.51.100.77/32\nallowed_ip=198.51.100.5/24",
                hex(key(2).as_bytes()),
                hex(key(3).as_bytes()),
                "ab".repeat(32)
            ),
        )
        .unwrap();
        assert_eq!(new.interface.listen_port, Some(4242));
        assert_eq!(new.interface.fwmark, Some(77));
        assert_eq!(new.peers.len(), 2);
        assert_eq!(new.peers[0].persistent_keepalive, None);
        assert_eq!(new.peers[0].allowed_ips, vec!["fd00::/64".parse().unwrap()]);
        assert_eq!(
            new.peers[0].endpoint.as_ref().unwrap().to_string(),
            "[fd00::9]:51000"
        );
        assert_eq!(new.peers[1].public_key, key(3));
        assert_eq!(
            new.peers[1].preshared_key.as_ref().unwrap().as_bytes(),
            &[0xab; 32]
        );
        assert_eq!(
            new.peers[1].allowed_ips,
            vec![
                "198.51.100.77/32".parse().unwrap(),
                "198.51.100.0/24".parse().unwrap()
            ]
        );

        let removed = set(
            &new,
            &format!("public_key={}\nremove=true", hex(key(2).as_bytes())),
        )
        .unwrap();
        assert_eq!(removed.peers.len(), 1);
        assert_eq!(removed.peers[0].public_key, key(3));
        let replaced = set(&new, "replace_peers=true").unwrap();
        assert!(replaced.peers.is_empty());
    }

    #[test]
    fn allowed_ip_moves_from_the_peer_that_had_it() {
        let cfg = base();
        let new = set(
            &cfg,
            &format!(
                "public_key={}\nallowed_ip=198.51.100.0/24",
                hex(key(4).as_bytes())
            ),
        )
        .unwrap();
        assert!(new.peers[0].allowed_ips.is_empty());
        assert_eq!(
            new.peers[1].allowed_ips,
            vec!["198.51.100.0/24".parse().unwrap()]
        );
    }

    #[test]
    fn update_only_does_not_create_a_peer() {
        let cfg = base();
        let new = set(
            &cfg,
            &format!(
                "public_key={}\nupdate_only=true\nallowed_ip=198.51.100.0/24",
                hex(key(5).as_bytes())
            ),
        )
        .unwrap();
        assert_eq!(new, cfg);
    }

    #[test]
    fn invalid_requests_are_rejected_with_einval_and_change_nothing() {
        let cfg = base();
        for bad in [
            "listen_port=70000",
            "private_key=zz",
            &format!("private_key={}", "00".repeat(32)),
            "bogus=1",
            "no-equals-sign",
            &format!("public_key={}\nendpoint=nowhere", hex(key(2).as_bytes())),
            &format!(
                "public_key={}\nallowed_ip=198.51.100.0/33",
                hex(key(2).as_bytes())
            ),
            &format!("public_key={}\nprotocol_version=2", hex(key(2).as_bytes())),
            &format!(
                "public_key={}\nprivate_key={}",
                hex(key(2).as_bytes()),
                "01".repeat(32)
            ),
        ] {
            let err = set(&cfg, bad).unwrap_err();
            assert_eq!(err.errno, EINVAL, "{bad}");
            assert!(
                !err.message.contains(&"01".repeat(32)),
                "no key in messages"
            );
        }
    }

    struct Fake {
        config: Mutex<Config>,
    }

    impl Device for Fake {
        fn get(&self) -> Result<Zeroizing<String>, UapiError> {
            let cfg = self.config.lock().unwrap();
            let status = DeviceStatus {
                listen_port: cfg.interface.listen_port.unwrap_or(0),
                peers: vec![],
            };
            Ok(format_get(&cfg, &status))
        }
        fn set(&self, lines: &[&str]) -> Result<(), UapiError> {
            let mut cfg = self.config.lock().unwrap();
            *cfg = apply_set(&cfg, lines)?;
            Ok(())
        }
    }

    #[test]
    fn socket_server_answers_refuses_a_second_server_and_removes_its_file() {
        let dir = std::env::temp_dir().join(format!("culvert-uapi-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t0.sock");
        std::fs::write(&path, b"stale").unwrap();
        let dev: Arc<dyn Device> = Arc::new(Fake {
            config: Mutex::new(base()),
        });
        let mut server =
            UapiServer::start_at(path.clone(), dev.clone()).expect("replaces a stale file");
        assert!(
            UapiServer::start_at(path.clone(), dev).is_err(),
            "a live socket is not taken over"
        );
        let mut conn = UnixStream::connect(&path).unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        conn.write_all(b"set=1\nlisten_port=4321\n\nget=1\n\n")
            .unwrap();
        let mut reader = std::io::BufReader::new(conn.try_clone().unwrap());
        let mut answers = Vec::new();
        let mut current = String::new();
        while answers.len() < 2 {
            let mut line = String::new();
            assert!(
                reader.read_line(&mut line).unwrap() > 0,
                "server closed early"
            );
            if line == "\n" {
                answers.push(std::mem::take(&mut current));
            } else {
                current.push_str(&line);
            }
        }
        assert_eq!(answers[0], "errno=0\n");
        assert!(
            answers[1].contains("\nlisten_port=4321\n"),
            "{}",
            answers[1]
        );
        assert!(answers[1].ends_with("errno=0\n"));
        server.close();
        assert!(!path.exists());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn stream_answers_several_requests_and_rejects_garbage() {
        let dev = Fake {
            config: Mutex::new(base()),
        };
        let input = "set=1\nlisten_port=1234\n\nget=1\n\nset=1\nbogus=1\n\nhello\n\n";
        let mut out = Vec::new();
        serve_stream(&dev, input.as_bytes(), &mut out);
        let out = String::from_utf8(out).unwrap();
        let parts: Vec<&str> = out.split("\n\n").collect();
        assert_eq!(parts[0], "errno=0");
        assert!(parts[1].contains("\nlisten_port=1234\n"), "{}", parts[1]);
        assert!(parts[1].ends_with("errno=0"));
        assert_eq!(parts[2], format!("errno={EINVAL}"));
        assert_eq!(parts[3], format!("errno={EPROTO}"));
        assert_eq!(dev.config.lock().unwrap().interface.listen_port, Some(1234));
    }

    /// Captures every log line of this test binary (installed once).
    struct Capture(Mutex<Vec<String>>);
    impl log::Log for Capture {
        fn enabled(&self, _: &log::Metadata) -> bool {
            true
        }
        fn log(&self, record: &log::Record) {
            self.0.lock().unwrap().push(record.args().to_string());
        }
        fn flush(&self) {}
    }
    static CAPTURE: Capture = Capture(Mutex::new(Vec::new()));

    fn captured() -> Vec<String> {
        if log::set_logger(&CAPTURE).is_ok() {
            log::set_max_level(log::LevelFilter::Trace);
        }
        CAPTURE.0.lock().unwrap().clone()
    }

    fn fake() -> Fake {
        Fake {
            config: Mutex::new(base()),
        }
    }

    #[test]
    fn no_input_line_is_logged_only_key_names() {
        let _ = captured();
        let secret = "5e".repeat(32);
        let input =
            format!("private_key={secret}\n\nset=1\nprivate_key={secret}\nbogus={secret}\n\n");
        let mut out = Vec::new();
        serve_stream(&fake(), input.as_bytes(), &mut out);
        let logs = captured();
        assert!(
            logs.iter().any(|l| l.contains("private_key")),
            "the key name is logged: {logs:?}"
        );
        assert!(
            !logs.iter().any(|l| l.contains(&secret[..16])),
            "no value is logged: {logs:?}"
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("errno={EPROTO}\n\nerrno={EINVAL}\n\n")
        );
        let mut out = Vec::new();
        let junk = format!("set=1\n{secret}\n\n");
        serve_stream(&fake(), junk.as_bytes(), &mut out);
        assert!(!captured().iter().any(|l| l.contains(&secret[..16])));
    }

    #[test]
    fn a_line_or_request_over_the_caps_is_refused() {
        let long_line = format!("set=1\nlisten_port={}\n\n", "1".repeat(MAX_LINE + 1));
        let mut out = Vec::new();
        let dev = fake();
        serve_stream(&dev, long_line.as_bytes(), &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("errno={EMSGSIZE}\n\n")
        );
        let mut big = String::from("set=1\n");
        while big.len() <= MAX_REQUEST {
            big.push_str("listen_port=1\n");
        }
        big.push('\n');
        let mut out = Vec::new();
        serve_stream(&dev, big.as_bytes(), &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("errno={EMSGSIZE}\n\n")
        );
        assert_eq!(
            dev.config.lock().unwrap().interface.listen_port,
            Some(51820),
            "nothing applied"
        );
    }

    #[test]
    fn a_trickling_client_is_cut_off_at_the_request_deadline() {
        let (server, client) = UnixStream::pair().unwrap();
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop = done.clone();
        // One byte a second, never a whole request, for up to 3 deadlines.
        let drip = std::thread::spawn(move || {
            let mut client = client;
            for _ in 0..3 * REQUEST_DEADLINE.as_secs() {
                if stop.load(std::sync::atomic::Ordering::SeqCst) || client.write_all(b"s").is_err()
                {
                    return;
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        });
        let started = Instant::now();
        serve_stream(&fake(), &server, &server);
        let took = started.elapsed();
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        drop(server);
        drip.join().unwrap();
        assert!(
            took < REQUEST_DEADLINE * 2,
            "the slow client held the server for {took:?}"
        );
    }

    #[test]
    fn the_socket_is_private_from_its_creation() {
        let dir = std::env::temp_dir().join(format!("culvert-uapi-mode-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("m.sock");
        let _ = std::fs::remove_file(&path);
        // SAFETY: umask has no preconditions; a permissive mask as a daemon may have.
        let old = unsafe { libc::umask(0o022) };
        let listener = bind_private(&path);
        // SAFETY: restores the mask.
        let during = unsafe { libc::umask(old) };
        let _listener = listener.unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode & 0o077,
            0,
            "no access for group or others from creation, before any chmod: {mode:o}"
        );
        assert_eq!(during, 0o022, "the process umask is restored");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn get_answers_hold_keys_in_a_buffer_of_their_final_size() {
        let mut cfg = base();
        cfg.peers[0].preshared_key = Some(PresharedKey::from_bytes([7; 32]));
        let text = format_get(&cfg, &DeviceStatus::default());
        assert_eq!(text.capacity(), text.len(), "allocated once, never grown");
        assert!(text.contains(&"07".repeat(32)));
    }

    struct Doctor;

    impl Device for Doctor {
        fn get(&self) -> Result<Zeroizing<String>, UapiError> {
            Ok(Zeroizing::new("errno=0\n\n".into()))
        }
        fn set(&self, _: &[&str]) -> Result<(), UapiError> {
            Ok(())
        }
        fn doctor(&self) -> Result<String, UapiError> {
            Ok("culvert_doctor_json={\"ok\":true,\"findings\":[]}\nerrno=0\n\n".into())
        }
    }

    #[test]
    fn culvert_doctor_request_is_answered_only_by_devices_that_know_it() {
        let mut out = Vec::new();
        serve_stream(
            &Doctor,
            "culvert_doctor=1\n\nget=1\n\n".as_bytes(),
            &mut out,
        );
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.starts_with("culvert_doctor_json={\"ok\":true,\"findings\":[]}\nerrno=0\n\n"),
            "{out}"
        );
        assert!(out.ends_with("errno=0\n\n"), "the connection stays usable");
        // The default: EPROTO, as for any request a device does not know.
        let dev = Fake {
            config: Mutex::new(base()),
        };
        let mut out = Vec::new();
        serve_stream(&dev, "culvert_doctor=1\n\n".as_bytes(), &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("errno={EPROTO}\n\n")
        );
    }
}
