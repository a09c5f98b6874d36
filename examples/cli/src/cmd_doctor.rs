//! `culvert doctor FILE|- [--json] [--platform ...]`: why a config will break
//! the device's internet, before it runs (static findings from
//! `culvert_core::doctor`). `culvert doctor --interface NAME`: the same for a
//! running `culvert up`, plus live findings from its health, asked over its
//! UAPI socket with Culvert's own `culvert_doctor=1` request.
//!
//! With `--json` one object: `{"ok": true, "findings": [{"code", "severity",
//! "message", "hint", "section", "key", "line"}]}` (location fields `null` when
//! not applicable), or for a config that does not parse `{"ok": false,
//! "error": ...}` exactly as `culvert config check --json` prints it.
//!
//! Exit codes: 0 no finding of severity error, 1 an error finding or a config
//! that does not parse, 2 usage errors (bad flags, unreadable file).

use crate::cmd_config::{parse_input, read_input, report_error};
use crate::json_config::config_error_json;
use crate::netcfg;
use crate::uapi;
use clap::{Args, ValueEnum};
use culvert_core::config::{self, Config, SourceMap};
use culvert_core::doctor::{self, DoctorOptions, Finding, PlatformFacts, Severity};
use culvert_core::health::TunnelHealth;
use culvert_core::settings::SettingsOptions;
use ipnetwork::IpNetwork;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

/// The platform to diagnose for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlatformArg {
    /// A Linux host running `culvert up` (the default).
    Linux,
    /// Android's VpnService (see --api-level, --packages).
    Android,
    /// iOS or macOS packet tunnel provider.
    Apple,
}

/// `culvert doctor` arguments.
#[derive(Args)]
pub struct DoctorArgs {
    /// The wg-quick file, or `-` for standard input.
    #[arg(required_unless_present = "interface", conflicts_with = "interface")]
    pub file: Option<String>,
    /// Ask a running `culvert up` (interface NAME, or a UAPI socket path) for
    /// its static and live findings.
    #[arg(long, value_name = "NAME")]
    pub interface: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Where the tunnel will run.
    #[arg(long, value_enum, default_value = "linux")]
    pub platform: PlatformArg,
    /// Android API level (with --platform android).
    #[arg(long, default_value_t = 34)]
    pub api_level: u32,
    /// Installed Android packages, one per line (`adb shell pm list packages`
    /// output works as is), to check IncludedApplications/ExcludedApplications.
    #[arg(long, value_name = "FILE")]
    pub packages: Option<String>,
    /// The user wants to keep reaching the local network while the tunnel is up.
    #[arg(long)]
    pub keep_lan: bool,
    /// The app keeps private/LAN ranges outside the tunnel (SettingsOptions.exclude_private).
    #[arg(long)]
    pub exclude_private: bool,
    /// A range the app keeps outside the tunnel (repeatable).
    #[arg(long = "exclude", value_name = "CIDR")]
    pub exclude: Vec<IpNetwork>,
    /// The local network the device is on (repeatable), e.g. `192.168.1.0/24`.
    #[arg(long = "local", value_name = "CIDR")]
    pub local: Vec<IpNetwork>,
    /// The outer path's MTU.
    #[arg(long, default_value_t = 1500)]
    pub path_mtu: u16,
    /// Whether this device reaches its peers through NAT (default: yes on
    /// android and apple, no on linux).
    #[arg(long, value_name = "BOOL")]
    pub behind_nat: Option<bool>,
}

/// Runs `culvert doctor`; returns the exit code.
pub fn run(args: DoctorArgs) -> u8 {
    if let Some(name) = &args.interface {
        return live(name, args.json);
    }
    let file = args.file.clone().unwrap_or_else(|| "-".into());
    let (options, facts) = match setup(&args) {
        Ok(x) => x,
        Err(message) => {
            eprintln!("culvert doctor: {message}");
            return 2;
        }
    };
    let bytes = match read_input(&file) {
        Ok(bytes) => bytes,
        Err(code) => return code,
    };
    // The same error as `config check` for a file that does not parse.
    let parsed = parse_input(&bytes).and_then(|_| config::parse_bytes_with_locations(&bytes));
    let (config, map) = match parsed {
        Ok(x) => x,
        Err(err) => {
            if args.json {
                println!(
                    "{}",
                    json!({ "ok": false, "error": config_error_json(&err) })
                );
            } else {
                report_error(&file, &bytes, &err, false);
            }
            return 1;
        }
    };
    let findings = doctor::diagnose_with_locations(&config, &map, &options, &facts);
    if args.json {
        println!("{}", report_json(&findings));
    } else {
        print_human(&file, &findings);
    }
    u8::from(findings.iter().any(|f| f.severity == Severity::Error))
}

fn setup(args: &DoctorArgs) -> Result<(DoctorOptions, PlatformFacts), String> {
    let mut facts = match args.platform {
        PlatformArg::Linux => PlatformFacts::linux(),
        PlatformArg::Android => PlatformFacts::android(args.api_level),
        PlatformArg::Apple => PlatformFacts::apple(),
    };
    facts.path_mtu = args.path_mtu;
    facts.local_networks = args.local.clone();
    if let Some(nat) = args.behind_nat {
        facts.behind_nat = nat;
    }
    if let Some(file) = &args.packages {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read --packages {file}: {e}"))?;
        facts.known_packages = Some(
            text.lines()
                .map(|l| l.trim())
                .map(|l| l.strip_prefix("package:").unwrap_or(l))
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_owned)
                .collect(),
        );
    }
    let default_mtu = match args.platform {
        // `culvert up` applies wg-quick's 1420 when the config has no MTU.
        PlatformArg::Linux => netcfg::DEFAULT_MTU,
        _ => SettingsOptions::default().default_mtu,
    };
    let options = DoctorOptions {
        settings: SettingsOptions {
            exclude_private: args.exclude_private,
            excluded_routes: args.exclude.clone(),
            default_mtu,
        },
        keep_lan_access: args.keep_lan,
    };
    Ok((options, facts))
}

/// The answer `culvert up` gives to `culvert_doctor=1`: the static findings of
/// its running config on this host (with the file's lines while the config is
/// still the file's) and the live findings of its health.
pub(crate) fn live_answer(
    config: &Config,
    map: Option<&SourceMap>,
    health: &TunnelHealth,
) -> String {
    let options = DoctorOptions {
        settings: SettingsOptions {
            default_mtu: netcfg::DEFAULT_MTU,
            ..SettingsOptions::default()
        },
        ..DoctorOptions::default()
    };
    let empty = SourceMap::default();
    let mut findings = doctor::diagnose_with_locations(
        config,
        map.unwrap_or(&empty),
        &options,
        &PlatformFacts::linux(),
    );
    findings.extend(doctor::live_findings(health));
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    format!(
        "culvert_doctor_json={}\nerrno=0\n\n",
        report_json(&findings)
    )
}

/// `culvert doctor --interface NAME`: asks the UAPI socket, prints the answer.
fn live(name: &str, as_json: bool) -> u8 {
    let path = if name.contains('/') {
        std::path::PathBuf::from(name)
    } else {
        uapi::socket_path(name)
    };
    let answer = match ask(&path) {
        Ok(a) => a,
        Err(message) => {
            eprintln!("culvert doctor: {}: {message}", path.display());
            return 2;
        }
    };
    let Some(json) = answer
        .lines()
        .find_map(|l| l.strip_prefix("culvert_doctor_json="))
    else {
        let errno = answer
            .lines()
            .find_map(|l| l.strip_prefix("errno="))
            .unwrap_or("?");
        eprintln!(
            "culvert doctor: {} does not answer culvert_doctor (errno {errno}): not a running `culvert up`",
            path.display()
        );
        return 1;
    };
    let value: Value = match serde_json::from_str(json) {
        Ok(v) => v,
        Err(err) => {
            eprintln!("culvert doctor: bad answer from {}: {err}", path.display());
            return 1;
        }
    };
    if as_json {
        println!("{value}");
    } else {
        print_json_human(name, &value);
    }
    let errors = value["findings"]
        .as_array()
        .is_some_and(|f| f.iter().any(|f| f["severity"] == "error"));
    u8::from(errors)
}

/// Sends `culvert_doctor=1` and reads the answer up to its empty line.
fn ask(path: &std::path::Path) -> Result<String, String> {
    let mut conn = UnixStream::connect(path)
        .map_err(|e| format!("cannot connect ({e}): is the interface up with `culvert up`?"))?;
    let limit = Some(Duration::from_secs(10));
    let _ = conn.set_read_timeout(limit);
    let _ = conn.set_write_timeout(limit);
    conn.write_all(format!("{}\n\n", uapi::DOCTOR_REQUEST).as_bytes())
        .map_err(|e| format!("cannot send the request: {e}"))?;
    let mut reader = BufReader::new(conn);
    let mut answer = String::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) => break,
            Ok(_) if line == "\n" => break,
            Ok(_) => answer.push_str(&line),
            Err(e) => return Err(format!("reading the answer: {e}")),
        }
        if answer.len() > 4 * 1024 * 1024 {
            return Err("the answer is too large".into());
        }
    }
    Ok(answer)
}

/// The human output of [`print_human`], from the JSON answer.
fn print_json_human(name: &str, v: &Value) {
    let findings: Vec<&Value> = v["findings"]
        .as_array()
        .map_or(Vec::new(), |f| f.iter().collect());
    for f in &findings {
        let location = match f["line"].as_u64() {
            Some(line) => format!("{name}:{line}"),
            None => name.to_owned(),
        };
        let place = match (f["section"].as_str(), f["key"].as_str()) {
            (Some(section), Some(key)) => format!("[{section}] {key}: "),
            (Some(section), None) => format!("[{section}]: "),
            _ => String::new(),
        };
        println!(
            "{location}: {} {}: {place}{}",
            f["severity"].as_str().unwrap_or("?"),
            f["code"].as_str().unwrap_or("?"),
            f["message"].as_str().unwrap_or("")
        );
        println!("    hint: {}", f["hint"].as_str().unwrap_or(""));
    }
    let count = |s: &str| findings.iter().filter(|f| f["severity"] == s).count();
    summary(
        name,
        findings.is_empty(),
        count("error"),
        count("warning"),
        count("info"),
    );
}

fn summary(name: &str, none: bool, errors: usize, warnings: usize, infos: usize) {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if none {
        println!("{name}: no findings");
    } else {
        println!(
            "{name}: {}, {}, {}",
            plural(errors, "error"),
            plural(warnings, "warning"),
            plural(infos, "info")
        );
    }
}

/// One finding as JSON: exactly code, severity, message, hint, section, key, line.
pub(crate) fn finding_json(f: &Finding) -> Value {
    json!({
        "code": f.code.as_str(),
        "severity": f.severity.as_str(),
        "message": f.message,
        "hint": f.hint,
        "section": f.section.map(|s| s.as_str()),
        "key": f.key,
        "line": f.line,
    })
}

/// The `--json` object for a diagnosed config.
pub(crate) fn report_json(findings: &[Finding]) -> Value {
    json!({
        "ok": true,
        "findings": findings.iter().map(finding_json).collect::<Vec<_>>(),
    })
}

/// `FILE:LINE: severity CODE: [Section] Key: message`, a hint line, a summary.
pub(crate) fn print_human(file: &str, findings: &[Finding]) {
    for f in findings {
        let location = match f.line {
            Some(line) => format!("{file}:{line}"),
            None => file.to_owned(),
        };
        let place = match (&f.section, &f.key) {
            (Some(section), Some(key)) => format!("[{section}] {key}: "),
            (Some(section), None) => format!("[{section}]: "),
            _ => String::new(),
        };
        println!(
            "{location}: {} {}: {place}{}",
            f.severity, f.code, f.message
        );
        println!("    hint: {}", f.hint);
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    summary(
        file,
        findings.is_empty(),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use culvert_core::health::{Health, PeerHealth, Reason, ReasonCode};

    #[test]
    fn live_answer_has_static_and_live_findings_in_the_cli_shape() {
        let text = "[Interface]\nPrivateKey = TFlmmEUC7V7VtiDYLKsbP5rySTKLIZq1yn8lMqK83wo=\n\
                    Address = 10.0.0.2/32\n\n[Peer]\n\
                    PublicKey = vBN7qyUTb5lJtWYJ8LhbPio1Z4RcyBPGnqFBGn6O6Qg=\n\
                    AllowedIPs = 198.51.100.0/24\nEndpoint = 198.51.100.1:51820\n";
        let (cfg, map) = config::parse_with_locations(text).unwrap();
        let reason = Reason {
            code: ReasonCode::NothingReceived,
            message:
                "peer 1 (vBN7qyUT…): the handshake works, but data sent for 21 s got nothing back"
                    .into(),
            peer: Some(cfg.peers[0].public_key),
            count: None,
            duration: Some(Duration::from_secs(21)),
            address: None,
        };
        let health = TunnelHealth {
            health: Health::Down(reason.clone()),
            peers: vec![PeerHealth {
                public_key: cfg.peers[0].public_key,
                health: Health::Down(reason),
            }],
        };
        let answer = live_answer(&cfg, Some(&map), &health);
        assert!(answer.ends_with("\nerrno=0\n\n"), "{answer}");
        let json = answer
            .lines()
            .next()
            .unwrap()
            .strip_prefix("culvert_doctor_json=")
            .unwrap();
        let v: Value = serde_json::from_str(json).unwrap();
        assert_eq!(v["ok"], true);
        let codes: Vec<&str> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["ENDPOINT_IN_ALLOWED_IPS", "NOTHING_RECEIVED"]);
        let live = &v["findings"][1];
        assert_eq!(live["severity"], "error");
        assert!(live["line"].is_null() && live["section"].is_null());
        assert!(live["message"].as_str().unwrap().contains("21 s"));
        assert_eq!(v["findings"][0]["line"], 8);
        // Without the file's map (the config changed since): no lines.
        let answer = live_answer(&cfg, None, &TunnelHealth::default());
        assert!(answer.contains("\"line\":null"), "{answer}");
    }
}
