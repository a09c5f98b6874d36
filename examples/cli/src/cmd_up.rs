//! `culvert up FILE [--name IFNAME]`: a Culvert tunnel on a Linux TUN device, in the
//! foreground, configured as `wg-quick up` would (userspace), with the
//! cross-platform UAPI socket so `wg show` / `wg set` work.
//!
//! Signals: SIGINT/SIGTERM stop (interface, policy rules and socket removed),
//! SIGUSR1 calls `network_changed()`, SIGUSR2 calls `wake()`.

use crate::netcfg;
use crate::tun;
use crate::uapi::{self, DeviceStatus, PeerStatus, UapiError, UapiServer};
use clap::Args;
use culvert_core::config::{self, Config, SourceMap};
use culvert_core::runtime::{
    EventSink, Hooks, PacketIo, RuntimeError, TunFraming, Tunnel, TunnelEvent, TunnelState,
};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// Arguments of `culvert up`.
#[derive(Args)]
pub struct UpArgs {
    /// A wg-quick configuration file.
    pub file: PathBuf,
    /// The interface name (default: the file name without `.conf`, as wg-quick).
    #[arg(long)]
    pub name: Option<String>,
}

/// The interface name wg-quick would derive from the config's file name.
fn default_name(file: &Path) -> String {
    let stem = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("culvert0");
    stem.strip_suffix(".conf").unwrap_or(stem).to_string()
}

/// The host-side warnings: what `culvert up` does not do that `wg-quick up` would.
fn host_warnings(cfg: &Config) -> Vec<String> {
    let mut out = Vec::new();
    if !cfg.interface.dns_servers.is_empty() || !cfg.interface.dns_search.is_empty() {
        out.push("DNS is not applied by `culvert up`: the host's resolver configuration is left unchanged".to_string());
    }
    let h = &cfg.interface.host;
    if !(h.pre_up.is_empty()
        && h.post_up.is_empty()
        && h.pre_down.is_empty()
        && h.post_down.is_empty())
    {
        out.push("PreUp/PostUp/PreDown/PostDown are not run by `culvert up`".to_string());
    }
    if h.save_config.is_some() {
        out.push("SaveConfig is ignored: the file is never rewritten".to_string());
    }
    if !cfg.interface.included_applications.is_empty()
        || !cfg.interface.excluded_applications.is_empty()
    {
        out.push("IncludedApplications/ExcludedApplications apply on Android only".to_string());
    }
    for w in cfg.warnings() {
        // Host keys are applied here (Table, FwMark) or reported above.
        if w.code != "HOST_ONLY_KEY" {
            out.push(format!("{} ({})", w.message, w.code));
        }
    }
    out
}

/// The running tunnel as the UAPI server sees it.
struct HostDevice {
    tunnel: Arc<Tunnel>,
    config: Mutex<Config>,
    /// The config as read from the file, and where its lines are (for `culvert doctor`).
    file_config: Config,
    file_map: SourceMap,
}

fn io_error(err: RuntimeError) -> UapiError {
    let errno = match err {
        RuntimeError::InvalidConfig(_) => uapi::EINVAL,
        _ => uapi::EIO,
    };
    UapiError {
        errno,
        message: err.to_string(),
    }
}

impl uapi::Device for HostDevice {
    fn get(&self) -> Result<Zeroizing<String>, UapiError> {
        let stats = self.tunnel.stats().map_err(io_error)?;
        let status = DeviceStatus {
            listen_port: stats.listen_port,
            peers: stats
                .peers
                .iter()
                .map(|p| PeerStatus {
                    public_key: p.public_key,
                    endpoint: p.endpoint,
                    last_handshake: p.last_handshake,
                    rx_bytes: p.rx_bytes,
                    tx_bytes: p.tx_bytes,
                })
                .collect(),
        };
        let cfg = self.config.lock().unwrap_or_else(|e| e.into_inner());
        Ok(uapi::format_get(&cfg, &status))
    }

    fn set(&self, lines: &[&str]) -> Result<(), UapiError> {
        let mut cfg = self.config.lock().unwrap_or_else(|e| e.into_inner());
        let new = uapi::apply_set(&cfg, lines)?;
        if new.interface.fwmark != cfg.interface.fwmark {
            // The mark is set on the sockets at start and the policy rules use it.
            return Err(UapiError {
                errno: libc::EOPNOTSUPP,
                message: "changing the fwmark of a running tunnel is not supported: restart it"
                    .into(),
            });
        }
        self.tunnel.update(new.clone()).map_err(io_error)?;
        log::info!("uapi: configuration updated ({} peers)", new.peers.len());
        *cfg = new;
        Ok(())
    }

    fn doctor(&self) -> Result<String, UapiError> {
        let cfg = self
            .config
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        // Lines only while the running config is still the file's (the plan may
        // have added the fwmark); after a `wg set` they would point elsewhere.
        let mut as_file = cfg.clone();
        as_file.interface.fwmark = self.file_config.interface.fwmark;
        let map = (as_file == self.file_config).then_some(&self.file_map);
        Ok(crate::cmd_doctor::live_answer(
            &cfg,
            map,
            &self.tunnel.health(),
        ))
    }
}

/// The signals `culvert up` handles, blocked in every thread and taken with `sigtimedwait`.
fn signal_set() -> libc::sigset_t {
    // SAFETY: sigemptyset/sigaddset initialise and fill a local sigset_t.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for sig in [
            libc::SIGINT,
            libc::SIGTERM,
            libc::SIGHUP,
            libc::SIGUSR1,
            libc::SIGUSR2,
        ] {
            libc::sigaddset(&mut set, sig);
        }
        set
    }
}

/// Blocks the handled signals in this thread; threads started afterwards inherit the mask.
fn block_signals(set: &libc::sigset_t) {
    // SAFETY: `set` is a valid, initialised signal set.
    unsafe {
        libc::pthread_sigmask(libc::SIG_BLOCK, set, std::ptr::null_mut());
    }
}

/// Waits (without any periodic wake-up: an idle tunnel keeps the process asleep) for
/// one of the handled signals.
fn wait_signal(set: &libc::sigset_t) -> Option<i32> {
    let mut sig: libc::c_int = 0;
    // SAFETY: `set` is a valid signal set and `sig` a valid out-pointer.
    let rc = unsafe { libc::sigwait(set, &mut sig) };
    (rc == 0).then_some(sig)
}

/// Tells the main thread when the event loop ends without being asked to: on a
/// `Stopped` state event, and when the loop drops its hooks (also after a panic).
/// It raises SIGTERM at this process, which the main thread is waiting for.
struct LoopWatch {
    ended: Arc<AtomicBool>,
    stopping: Arc<AtomicBool>,
}

impl LoopWatch {
    fn notify(&self) {
        if !self.stopping.load(Ordering::SeqCst) && !self.ended.swap(true, Ordering::SeqCst) {
            // SAFETY: kill/getpid have no memory-safety preconditions.
            unsafe {
                libc::kill(libc::getpid(), libc::SIGTERM);
            }
        }
    }
}

impl EventSink for LoopWatch {
    fn on_event(&self, event: TunnelEvent) {
        if event == TunnelEvent::StateChanged(TunnelState::Stopped) {
            self.notify();
        }
    }
}

impl Drop for LoopWatch {
    fn drop(&mut self) {
        self.notify();
    }
}

fn link_exists(name: &str) -> bool {
    Path::new("/sys/class/net").join(name).exists()
}

/// Runs `culvert up`; returns the exit code.
pub fn run(args: UpArgs) -> u8 {
    crate::logger::init(log::LevelFilter::Info);
    let file = args.file.display().to_string();
    // The file holds the private key: its bytes live in a zeroizing buffer.
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => Zeroizing::new(b),
        Err(err) => {
            eprintln!("culvert up: cannot read {file}: {err}");
            return 2;
        }
    };
    let (mut cfg, file_map) = match config::parse_bytes_with_locations(&bytes) {
        Ok(c) => c,
        Err(err) => {
            eprintln!("culvert up: {file}: {err}");
            return 1;
        }
    };
    let name = args.name.unwrap_or_else(|| default_name(&args.file));
    if let Err(err) = tun::validate_name(&name) {
        eprintln!("culvert up: {err}");
        return 2;
    }
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!(
            "culvert up: must run as root: it creates a TUN device, addresses and routes \
             (try `sudo culvert up {file}`)"
        );
        return 1;
    }
    for w in host_warnings(&cfg) {
        eprintln!("culvert up: warning: {w}");
    }

    let signals = signal_set();
    block_signals(&signals);

    let device = match tun::create(&name) {
        Ok(t) => t,
        Err(err) => {
            eprintln!("culvert up: {err}");
            return 1;
        }
    };
    let name = device.name.clone();
    let plan = netcfg::plan(&cfg, &name, &netcfg::table_is_free);
    if cfg.interface.fwmark.is_none() {
        cfg.interface.fwmark = plan.fwmark;
    }
    let mut applied = match netcfg::apply(&plan) {
        Ok(a) => a,
        Err(err) => {
            eprintln!("culvert up: configuring {name}: {err}");
            return 1;
        }
    };
    let ended = Arc::new(AtomicBool::new(false));
    let stopping = Arc::new(AtomicBool::new(false));
    let hooks = Hooks {
        fwmark: cfg.interface.fwmark,
        events: Some(Arc::new(LoopWatch {
            ended: ended.clone(),
            stopping: stopping.clone(),
        })),
        ..Hooks::default()
    };
    let io = PacketIo::Fd {
        fd: device.fd,
        framing: TunFraming::RawIp,
    };
    let tunnel = match Tunnel::start(cfg.clone(), io, hooks) {
        Ok(t) => Arc::new(t),
        Err(err) => {
            eprintln!("culvert up: starting the tunnel: {err}");
            applied.teardown();
            return 1;
        }
    };
    let dev = Arc::new(HostDevice {
        tunnel: tunnel.clone(),
        config: Mutex::new(cfg.clone()),
        file_config: config::parse_bytes(&bytes).unwrap_or_else(|_| cfg.clone()),
        file_map,
    });
    let mut server = match UapiServer::start(&name, dev) {
        Ok(s) => s,
        Err(err) => {
            eprintln!("culvert up: {err}");
            let _ = tunnel.stop();
            applied.teardown();
            return 1;
        }
    };
    let port = tunnel.stats().map(|s| s.listen_port).unwrap_or(0);
    log::info!(
        "{name} is up: listen port {port}, {} peer(s), MTU {}{}; `wg show {name}` to inspect, Ctrl-C to stop",
        cfg.peers.len(),
        plan.mtu,
        plan.fwmark.map(|m| format!(", fwmark {m}")).unwrap_or_default()
    );

    let mut code = 0;
    loop {
        match wait_signal(&signals) {
            Some(libc::SIGUSR1) => {
                log::info!("SIGUSR1: network changed");
                if let Err(err) = tunnel.network_changed() {
                    log::warn!("network_changed: {err}");
                }
            }
            Some(libc::SIGUSR2) => {
                log::info!("SIGUSR2: wake");
                if let Err(err) = tunnel.wake() {
                    log::warn!("wake: {err}");
                }
            }
            Some(_) if ended.load(Ordering::SeqCst) => {
                eprintln!("culvert up: the tunnel stopped on its own");
                code = 1;
                break;
            }
            Some(_) => {
                log::info!("stopping {name}");
                break;
            }
            None => {
                log::error!("sigwait failed: stopping {name}");
                code = 1;
                break;
            }
        }
    }
    stopping.store(true, Ordering::SeqCst);

    // Socket first (new `wg` calls see no interface), then the tunnel (closes the
    // TUN fd, which removes the interface), then the policy rules.
    server.close();
    if let Err(err) = tunnel.stop() {
        log::warn!("stop: {err}");
    }
    let deadline = Instant::now() + Duration::from_millis(300);
    while link_exists(&name) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    if link_exists(&name) {
        // The fd is still open somewhere: delete the link outright.
        let _ = std::process::Command::new("ip")
            .args(["link", "delete", "dev", &name])
            .stderr(std::process::Stdio::null())
            .status();
    }
    applied.teardown();
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interface_name_comes_from_the_file_name_as_wg_quick() {
        assert_eq!(default_name(Path::new("/etc/wireguard/wg0.conf")), "wg0");
        assert_eq!(default_name(Path::new("office")), "office");
    }

    #[test]
    fn host_warnings_name_dns_and_scripts() {
        let cfg = config::parse(
            "[Interface]\nPrivateKey = TFlmmEUC7V7VtiDYLKsbP5rySTKLIZq1yn8lMqK83wo=\n\
             Address = 198.51.100.2/32\nDNS = 198.51.100.53\nPostUp = echo hi\n\n[Peer]\n\
             PublicKey = vBN7qyUTb5lJtWYJ8LhbPio1Z4RcyBPGnqFBGn6O6Qg=\nAllowedIPs = 0.0.0.0/0\n\
             Endpoint = 198.51.100.1:51820\n",
        )
        .unwrap();
        let w = host_warnings(&cfg).join("\n");
        assert!(w.contains("DNS is not applied"), "{w}");
        assert!(
            w.contains("PreUp/PostUp/PreDown/PostDown are not run"),
            "{w}"
        );
        assert!(!w.contains("HOST_ONLY_KEY"), "{w}");
    }
}
