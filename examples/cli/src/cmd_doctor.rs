//! `culvert doctor FILE|- [--json] [--platform ...]`: why a config will break
//! the device's internet, before it runs (static findings from
//! `culvert_core::doctor`).
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
use clap::{Args, ValueEnum};
use culvert_core::config;
use culvert_core::doctor::{self, DoctorOptions, Finding, PlatformFacts, Severity};
use culvert_core::settings::SettingsOptions;
use ipnetwork::IpNetwork;
use serde_json::{json, Value};

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
    pub file: String,
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
    let (options, facts) = match setup(&args) {
        Ok(x) => x,
        Err(message) => {
            eprintln!("culvert doctor: {message}");
            return 2;
        }
    };
    let bytes = match read_input(&args.file) {
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
                report_error(&args.file, &bytes, &err, false);
            }
            return 1;
        }
    };
    let findings = doctor::diagnose_with_locations(&config, &map, &options, &facts);
    if args.json {
        println!("{}", report_json(&findings));
    } else {
        print_human(&args.file, &findings);
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
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if findings.is_empty() {
        println!("{file}: no findings");
    } else {
        println!(
            "{file}: {}, {}, {}",
            plural(count(Severity::Error), "error"),
            plural(count(Severity::Warning), "warning"),
            plural(count(Severity::Info), "info")
        );
    }
}
