//! Interface addresses, MTU, routes and policy routing, as `wg-quick up` applies them,
//! through `ip` from iproute2.
//!
//! The plan is computed first ([`plan`], pure and unit-tested), then applied
//! ([`apply`]); whatever [`apply`] did is undone by [`Applied::teardown`] (and on
//! a failure half-way). Routes and addresses vanish with the interface itself;
//! only the policy rules of a default route outlive it and need removing.
//!
//! AllowedIPs that cover a whole address family (`0.0.0.0/0`, `::/0`) are
//! routed as wg-quick does: the tunnel's own UDP sockets carry a firewall mark
//! (`SO_MARK`), the default route goes into a routing table of that number, and
//! two rules send every unmarked packet there while keeping the main table's
//! more specific routes (`suppress_prefixlength 0`). So the tunnel's own
//! datagrams never loop into the tunnel.

use culvert_core::config::Config;
use ipnetwork::IpNetwork;
use std::fmt;
use std::process::{Command, Stdio};

/// The first routing table / firewall mark wg-quick tries for a default route.
pub const DEFAULT_TABLE: u32 = 51820;
/// The MTU when the config names none (wg-quick's usual result on a 1500-byte link).
pub const DEFAULT_MTU: u16 = 1420;
/// Transmit queue length set on the TUN device (the kernel's TUN default is 500):
/// packets the OS sends into the tunnel wait here while the event loop is busy;
/// a longer queue absorbs bursts instead of dropping them (TCP retransmits).
pub const TUN_TXQUEUELEN: u32 = 1000;

/// One `ip` invocation (the arguments after `ip`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpCmd(pub Vec<String>);

impl IpCmd {
    fn new(args: &[&str]) -> IpCmd {
        IpCmd(args.iter().map(|s| s.to_string()).collect())
    }
}

impl fmt::Display for IpCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ip {}", self.0.join(" "))
    }
}

/// What `culvert up` does to the host network, in order, and how to undo it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The MTU applied.
    pub mtu: u16,
    /// The firewall mark for the tunnel's sockets, when a default route needs one.
    pub fwmark: Option<u32>,
    /// Whether IPv4 packets carry policy-routing marks (wg-quick sets
    /// `net.ipv4.conf.all.src_valid_mark=1` then).
    pub src_valid_mark: bool,
    /// Commands that bring the interface up, in order.
    pub up: Vec<IpCmd>,
    /// For each command of `up` (same index), the command that undoes it, if
    /// it outlives the interface (policy rules).
    pub undo: Vec<Option<IpCmd>>,
}

fn family_flag(net: &IpNetwork) -> &'static str {
    if net.is_ipv4() {
        "-4"
    } else {
        "-6"
    }
}

/// Computes the plan for `config` on interface `ifname`.
///
/// `table_free(n)` says whether routing table `n` is unused (for picking the
/// default-route table as wg-quick does, starting at [`DEFAULT_TABLE`]); it is
/// only asked when a default route is present and the config has no `FwMark`.
pub fn plan(config: &Config, ifname: &str, table_free: &dyn Fn(u32) -> bool) -> Plan {
    let mtu = config.interface.mtu.unwrap_or(DEFAULT_MTU);
    let mut up = Vec::new();
    let mut undo = Vec::new();
    let mut push = |cmd: IpCmd, rollback: Option<IpCmd>| {
        up.push(cmd);
        undo.push(rollback);
    };

    for addr in &config.interface.addresses {
        push(
            IpCmd::new(&[
                family_flag(addr),
                "address",
                "add",
                &addr.to_string(),
                "dev",
                ifname,
            ]),
            None,
        );
    }
    push(
        IpCmd::new(&[
            "link",
            "set",
            "mtu",
            &mtu.to_string(),
            "txqueuelen",
            &TUN_TXQUEUELEN.to_string(),
            "up",
            "dev",
            ifname,
        ]),
        None,
    );

    // The routes: every AllowedIPs network once, most specific first (as wg-quick sorts).
    let mut nets: Vec<IpNetwork> = Vec::new();
    for peer in &config.peers {
        for allowed in &peer.allowed_ips {
            let net = IpNetwork::new(allowed.network(), allowed.prefix())
                .expect("a network's own prefix is valid");
            if !nets.contains(&net) {
                nets.push(net);
            }
        }
    }
    nets.sort_by(|a, b| {
        b.prefix()
            .cmp(&a.prefix())
            .then(a.to_string().cmp(&b.to_string()))
    });

    let table = config.interface.host.table.as_deref().map(str::trim);
    let mut fwmark = None;
    let mut src_valid_mark = false;
    match table {
        Some(t) if t.eq_ignore_ascii_case("off") => {}
        Some(t) if !t.eq_ignore_ascii_case("auto") => {
            for net in &nets {
                let s = net.to_string();
                push(
                    IpCmd::new(&[
                        family_flag(net),
                        "route",
                        "add",
                        &s,
                        "dev",
                        ifname,
                        "table",
                        t,
                    ]),
                    None,
                );
            }
        }
        _ => {
            for net in &nets {
                let s = net.to_string();
                let fam = family_flag(net);
                if net.prefix() != 0 {
                    push(IpCmd::new(&[fam, "route", "add", &s, "dev", ifname]), None);
                    continue;
                }
                let mark = *fwmark.get_or_insert_with(|| {
                    config.interface.fwmark.unwrap_or_else(|| {
                        (DEFAULT_TABLE..DEFAULT_TABLE + 1000)
                            .find(|n| table_free(*n))
                            .unwrap_or(DEFAULT_TABLE)
                    })
                });
                let m = mark.to_string();
                if net.is_ipv4() {
                    src_valid_mark = true;
                }
                push(
                    IpCmd::new(&[fam, "route", "add", &s, "dev", ifname, "table", &m]),
                    None,
                );
                push(
                    IpCmd::new(&[fam, "rule", "add", "not", "fwmark", &m, "table", &m]),
                    Some(IpCmd::new(&[
                        fam, "rule", "delete", "not", "fwmark", &m, "table", &m,
                    ])),
                );
                push(
                    IpCmd::new(&[
                        fam,
                        "rule",
                        "add",
                        "table",
                        "main",
                        "suppress_prefixlength",
                        "0",
                    ]),
                    Some(IpCmd::new(&[
                        fam,
                        "rule",
                        "delete",
                        "table",
                        "main",
                        "suppress_prefixlength",
                        "0",
                    ])),
                );
            }
        }
    }
    Plan {
        mtu,
        fwmark,
        src_valid_mark,
        up,
        undo,
    }
}

/// Runs `ip ARGS...`, returning its stderr as the error.
fn run_ip(cmd: &IpCmd) -> Result<(), String> {
    let out = Command::new("ip")
        .args(&cmd.0)
        .stdin(Stdio::null())
        .output()
        .map_err(|err| format!("{cmd}: cannot run `ip` (is iproute2 installed?): {err}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Whether routing table `n` has no IPv4 and no IPv6 routes (asks `ip route show table n`;
/// a table that does not exist yet makes `ip` fail with no output: free too).
pub fn table_is_free(n: u32) -> bool {
    let t = n.to_string();
    ["-4", "-6"].iter().all(|fam| {
        Command::new("ip")
            .args([fam, "route", "show", "table", &t])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .map(|out| out.stdout.iter().all(u8::is_ascii_whitespace))
            .unwrap_or(true)
    })
}

/// What [`apply`] changed that outlives the interface.
#[derive(Debug, Default)]
pub struct Applied {
    undo: Vec<IpCmd>,
}

impl Applied {
    /// Removes the policy rules added for a default route (newest first). Errors are
    /// printed, not returned: teardown runs on exit and should do as much as it can.
    pub fn teardown(&mut self) {
        while let Some(cmd) = self.undo.pop() {
            log::info!("{cmd}");
            if let Err(err) = run_ip(&cmd) {
                eprintln!("culvert: teardown: {err}");
            }
        }
    }
}

/// Applies `plan`; on failure undoes what was done and returns the failing command and its error.
pub fn apply(plan: &Plan) -> Result<Applied, String> {
    if plan.src_valid_mark {
        // As wg-quick: lets the marks take part in reverse-path filtering decisions.
        if let Err(err) = std::fs::write("/proc/sys/net/ipv4/conf/all/src_valid_mark", "1") {
            log::warn!("could not set net.ipv4.conf.all.src_valid_mark=1: {err}");
        }
    }
    let mut applied = Applied::default();
    for (cmd, undo) in plan.up.iter().zip(&plan.undo) {
        log::info!("{cmd}");
        if let Err(err) = run_ip(cmd) {
            applied.teardown();
            return Err(err);
        }
        if let Some(undo) = undo {
            applied.undo.push(undo.clone());
        }
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use culvert_core::config::{HostKeys, Interface, Peer, PrivateKey};

    fn config(addresses: &[&str], allowed: &[&[&str]]) -> Config {
        Config {
            interface: Interface {
                private_key: PrivateKey::from_bytes([1; 32]),
                listen_port: None,
                addresses: addresses.iter().map(|a| a.parse().unwrap()).collect(),
                dns_servers: vec![],
                dns_search: vec![],
                mtu: None,
                included_applications: vec![],
                excluded_applications: vec![],
                fwmark: None,
                host: HostKeys::default(),
            },
            peers: allowed
                .iter()
                .enumerate()
                .map(|(i, ips)| Peer {
                    public_key: PrivateKey::from_bytes([i as u8 + 2; 32]).public_key(),
                    preshared_key: None,
                    allowed_ips: ips.iter().map(|a| a.parse().unwrap()).collect(),
                    endpoint: None,
                    persistent_keepalive: None,
                })
                .collect(),
        }
    }

    fn lines(plan: &Plan) -> Vec<String> {
        plan.up.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn addresses_mtu_and_routes_most_specific_first_without_duplicates() {
        let cfg = config(
            &["198.51.100.2/32", "fd00::2/128"],
            &[
                &["198.51.100.0/24", "fd00::/64"],
                &["198.51.100.128/25", "198.51.100.9/24"],
            ],
        );
        let plan = plan(&cfg, "wg9", &|_| {
            panic!("no default route: no table lookup")
        });
        assert_eq!(
            lines(&plan),
            vec![
                "ip -4 address add 198.51.100.2/32 dev wg9",
                "ip -6 address add fd00::2/128 dev wg9",
                "ip link set mtu 1420 txqueuelen 1000 up dev wg9",
                "ip -6 route add fd00::/64 dev wg9",
                "ip -4 route add 198.51.100.128/25 dev wg9",
                "ip -4 route add 198.51.100.0/24 dev wg9",
            ]
        );
        assert_eq!(plan.fwmark, None);
        assert!(plan.undo.iter().all(Option::is_none));
    }

    #[test]
    fn default_route_uses_the_first_free_table_as_fwmark_and_policy_rules() {
        let cfg = config(&["198.51.100.2/32"], &[&["0.0.0.0/0", "::/0"]]);
        let plan = plan(&cfg, "wg9", &|n| n == 51822);
        assert_eq!(plan.fwmark, Some(51822));
        assert!(plan.src_valid_mark);
        let l = lines(&plan);
        assert!(l.contains(&"ip -4 route add 0.0.0.0/0 dev wg9 table 51822".to_string()));
        assert!(l.contains(&"ip -4 rule add not fwmark 51822 table 51822".to_string()));
        assert!(l.contains(&"ip -4 rule add table main suppress_prefixlength 0".to_string()));
        assert!(l.contains(&"ip -6 route add ::/0 dev wg9 table 51822".to_string()));
        assert!(l.contains(&"ip -6 rule add not fwmark 51822 table 51822".to_string()));
        let undo: Vec<String> = plan.undo.iter().flatten().map(|c| c.to_string()).collect();
        assert_eq!(undo.len(), 4, "{undo:?}");
        assert!(undo.contains(&"ip -6 rule delete table main suppress_prefixlength 0".to_string()));
    }

    #[test]
    fn config_fwmark_is_used_as_table_and_mtu_is_kept() {
        let mut cfg = config(&["fd00::2/64"], &[&["::/0"]]);
        cfg.interface.fwmark = Some(7);
        cfg.interface.mtu = Some(1280);
        let plan = plan(&cfg, "wg9", &|_| panic!("FwMark given: no table lookup"));
        assert_eq!(plan.fwmark, Some(7));
        assert!(!plan.src_valid_mark);
        assert_eq!(plan.mtu, 1280);
        assert!(
            lines(&plan).contains(&"ip link set mtu 1280 txqueuelen 1000 up dev wg9".to_string())
        );
        assert!(lines(&plan).contains(&"ip -6 rule add not fwmark 7 table 7".to_string()));
    }

    #[test]
    fn table_off_adds_no_routes_and_a_numbered_table_gets_them_all() {
        let mut cfg = config(&["198.51.100.2/32"], &[&["0.0.0.0/0", "198.51.100.0/24"]]);
        cfg.interface.host.table = Some("off".into());
        let off = plan(&cfg, "wg9", &|_| true);
        assert!(lines(&off).iter().all(|l| !l.contains("route")));
        assert_eq!(off.fwmark, None);
        cfg.interface.host.table = Some("1234".into());
        let numbered = plan(&cfg, "wg9", &|_| true);
        assert!(
            lines(&numbered).contains(&"ip -4 route add 0.0.0.0/0 dev wg9 table 1234".to_string())
        );
        assert!(lines(&numbered).iter().all(|l| !l.contains("rule")));
    }
}
