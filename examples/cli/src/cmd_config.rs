//! `culvert config check FILE|- [--json]` and `culvert config settings FILE [--json] [--exclude-private]`.
//!
//! Exit codes: 0 valid, 1 the config was rejected, 2 usage errors (bad flags,
//! unreadable or missing file).

use crate::json_config::{config_error_json, config_json};
use clap::Subcommand;
use culvert_core::config::{self, Config, ConfigError, ErrorKind};
use culvert_core::settings::{NetworkSettings, SettingsOptions};
use ipnetwork::IpNetwork;
use serde_json::json;
use std::io::Read;

/// Inputs larger than this are rejected without parsing (and `-` never reads forever).
const MAX_INPUT: u64 = 8 * 1024 * 1024;

/// `culvert config` subcommands.
#[derive(Subcommand)]
pub enum ConfigCommand {
    /// Check a wg-quick file (`-` for stdin): exit 0 if valid, 1 if not.
    Check {
        /// The file to check, or `-` for standard input.
        file: String,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the network settings a platform would apply for this config.
    Settings {
        /// The wg-quick file, or `-` for standard input.
        file: String,
        /// Print the settings as JSON.
        #[arg(long)]
        json: bool,
        /// Keep private/LAN ranges outside the tunnel (like the Android app's toggle).
        #[arg(long)]
        exclude_private: bool,
        /// Another range to keep outside the tunnel (repeatable), e.g. `198.51.100.0/24`.
        #[arg(long = "exclude", value_name = "CIDR")]
        exclude: Vec<IpNetwork>,
    },
}

/// Runs a `culvert config` subcommand; returns the exit code.
pub fn run(cmd: ConfigCommand) -> u8 {
    match cmd {
        ConfigCommand::Check { file, json } => check(&file, json),
        ConfigCommand::Settings {
            file,
            json,
            exclude_private,
            exclude,
        } => settings(
            &file,
            json,
            &SettingsOptions {
                exclude_private,
                excluded_routes: exclude,
                ..SettingsOptions::default()
            },
        ),
    }
}

/// Reads FILE or stdin; `Err(code)` after printing a usage error.
pub(crate) fn read_input(file: &str) -> Result<Vec<u8>, u8> {
    let mut bytes = Vec::new();
    let result = if file == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_INPUT + 1)
            .read_to_end(&mut bytes)
    } else {
        match std::fs::File::open(file) {
            Ok(f) => f.take(MAX_INPUT + 1).read_to_end(&mut bytes),
            Err(err) => Err(err),
        }
    };
    match result {
        Ok(_) => Ok(bytes),
        Err(err) => {
            eprintln!("culvert config: cannot read {file}: {err}");
            Err(2)
        }
    }
}

pub(crate) fn parse_input(bytes: &[u8]) -> Result<Config, ConfigError> {
    if bytes.len() as u64 > MAX_INPUT {
        return Err(ConfigError {
            kind: ErrorKind::SyntaxError,
            section: None,
            key: None,
            line: None,
            message: format!("the input is larger than {MAX_INPUT} bytes: not a wg-quick file"),
        });
    }
    config::parse_bytes(bytes)
}

fn check(file: &str, as_json: bool) -> u8 {
    let bytes = match read_input(file) {
        Ok(bytes) => bytes,
        Err(code) => return code,
    };
    match parse_input(&bytes) {
        Ok(config) => {
            let warnings = config.warnings();
            if as_json {
                let out = json!({
                    "ok": true,
                    "config": config_json(&config),
                    "warnings": warnings,
                });
                println!("{out}");
            } else {
                println!(
                    "{file}: valid — interface {}, {} peer{}",
                    config.interface.private_key.public_key(),
                    config.peers.len(),
                    if config.peers.len() == 1 { "" } else { "s" }
                );
                for w in &warnings {
                    println!("warning [{}]: {}", w.code, w.message);
                }
            }
            0
        }
        Err(err) => {
            report_error(file, &bytes, &err, as_json);
            1
        }
    }
}

pub(crate) fn report_error(file: &str, bytes: &[u8], err: &ConfigError, as_json: bool) {
    if as_json {
        println!(
            "{}",
            json!({ "ok": false, "error": config_error_json(err) })
        );
        return;
    }
    let location = match err.line {
        Some(line) => format!("{file}:{line}"),
        None => file.to_owned(),
    };
    let place = match (&err.section, &err.key) {
        (Some(section), Some(key)) => format!("[{section}] {key}: "),
        (Some(section), None) => format!("[{section}]: "),
        (None, Some(key)) => format!("{key}: "),
        (None, None) => String::new(),
    };
    println!("{location}: error: {place}{} ({})", err.message, err.kind);
    if let Some(line) = err.line {
        let text = String::from_utf8_lossy(bytes);
        let shown = text
            .split_inclusive('\n')
            .flat_map(|l| split_cr(l.trim_end_matches('\n')))
            .nth(line - 1);
        if let Some(shown) = shown {
            println!(
                "{line:>5} | {}",
                config::redact_line(shown.trim_end_matches('\r'))
            );
            println!("      | ^");
        }
    }
}

/// Lines end in `\n`, `\r\n` or `\r`, as the parser counts them.
fn split_cr(line: &str) -> Vec<&str> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    line.split('\r').collect()
}

fn settings(file: &str, as_json: bool, options: &SettingsOptions) -> u8 {
    let bytes = match read_input(file) {
        Ok(bytes) => bytes,
        Err(code) => return code,
    };
    let config = match parse_input(&bytes) {
        Ok(config) => config,
        Err(err) => {
            report_error(file, &bytes, &err, as_json);
            return 1;
        }
    };
    let s = NetworkSettings::from_config(&config, options);
    if as_json {
        println!("{}", json!({ "ok": true, "settings": s }));
        return 0;
    }
    let list = |v: &[IpNetwork]| {
        if v.is_empty() {
            "(none)".to_owned()
        } else {
            v.iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let words = |v: &[String]| {
        if v.is_empty() {
            "(none)".to_owned()
        } else {
            v.join(", ")
        }
    };
    println!("addresses:        {}", list(&s.addresses));
    println!("included routes:  {}", list(&s.included_routes));
    println!("excluded routes:  {}", list(&s.excluded_routes));
    println!(
        "routes to apply:  {}",
        list(&s.included_routes_minus_excluded)
    );
    let dns: Vec<String> = s.dns_servers.iter().map(|d| d.to_string()).collect();
    println!("dns servers:      {}", words(&dns));
    println!("search domains:   {}", words(&s.dns_search_domains));
    println!("dns match all:    {}", s.dns_match_all);
    println!("mtu:              {}", s.mtu);
    println!(
        "full tunnel:      {} (ipv4 {}, ipv6 {})",
        s.full_tunnel, s.full_tunnel_ipv4, s.full_tunnel_ipv6
    );
    println!("allowed apps:     {}", words(&s.included_applications));
    println!("disallowed apps:  {}", words(&s.excluded_applications));
    0
}
