//! `culvert hotspot parse [--json] [--mime TYPE] (TEXT | --file PATH | -)`.
//!
//! Exit codes: 0 parsed, 1 the input was rejected, 2 usage errors (no input, two
//! inputs, unreadable file).

use clap::{Args, Subcommand};
use culvert_core::hotspot::{self, HotspotConfig, HotspotError, WifiNetwork};
use serde_json::{json, Value};
use std::io::Read;
use std::path::PathBuf;

/// `culvert hotspot` subcommands.
#[derive(Subcommand)]
pub enum HotspotCommand {
    /// Parse a WIFI: QR code, DPP: URI, .mobileconfig or Passpoint profile.
    Parse(ParseArgs),
}

/// Where the input comes from: TEXT, `--file PATH`, or `-` (standard input).
#[derive(Args)]
pub struct InputArgs {
    /// The text itself (e.g. `WIFI:S:Cafe;T:WPA;P:secret;;`), or `-` for standard input.
    #[arg(value_name = "TEXT")]
    pub text: Option<String>,
    /// Read the input from a file (`-` for standard input).
    #[arg(long, value_name = "PATH", conflicts_with = "text")]
    pub file: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `culvert hotspot parse` arguments.
#[derive(Args)]
pub struct ParseArgs {
    #[command(flatten)]
    input: InputArgs,
    /// The MIME type the input came with (e.g. `application/x-wifi-config`).
    #[arg(long, value_name = "TYPE")]
    mime: Option<String>,
}

/// Runs a `culvert hotspot` subcommand; returns the exit code.
pub fn run(cmd: HotspotCommand) -> u8 {
    match cmd {
        HotspotCommand::Parse(args) => parse(&args),
    }
}

/// Reads the input named by the arguments; `Err(2)` after a usage message.
pub(crate) fn read_input(args: &InputArgs, command: &str) -> Result<Vec<u8>, u8> {
    let limit = hotspot::MAX_INPUT_LEN as u64 + 1;
    let stdin = || {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut bytes)
            .map(|_| bytes)
    };
    let result = match (&args.text, &args.file) {
        (Some(text), None) if text == "-" => stdin(),
        (Some(text), None) => Ok(text.clone().into_bytes()),
        (None, Some(path)) if path.as_os_str() == "-" => stdin(),
        (None, Some(path)) => std::fs::File::open(path).and_then(|f| {
            let mut bytes = Vec::new();
            f.take(limit).read_to_end(&mut bytes).map(|_| bytes)
        }),
        _ => {
            eprintln!("culvert {command}: give the input as TEXT, --file PATH, or - for stdin");
            return Err(2);
        }
    };
    result.map_err(|err| {
        let name = args
            .file
            .as_ref()
            .map_or_else(|| "stdin".to_string(), |p| p.display().to_string());
        eprintln!("culvert {command}: cannot read {name}: {err}");
        2
    })
}

fn opt<T: ToString>(v: Option<T>) -> Value {
    v.map_or(Value::Null, |v| Value::String(v.to_string()))
}

fn network_json(n: &WifiNetwork) -> Value {
    let eap = n.eap.as_ref().map(|e| {
        json!({
            "method": opt(e.method.map(|m| m.as_str())),
            "phase2": opt(e.phase2.map(|m| m.as_str())),
            "identity": e.identity,
            "anonymous_identity": e.anonymous_identity,
        })
    });
    let passpoint = n.passpoint.as_ref().map(|p| {
        json!({
            "fqdn": p.fqdn,
            "friendly_name": p.friendly_name,
            "realm": p.realm,
            "username": n.eap.as_ref().and_then(|e| e.identity.clone()),
            "roaming_consortium_ois": p.roaming_consortium_ois,
        })
    });
    json!({
        "ssid": n.ssid,
        "hidden": n.hidden,
        "security": n.security.as_str(),
        "password": n.password.as_ref().map(|p| p.expose()),
        "eap": eap,
        "passpoint": passpoint,
    })
}

/// The success object of `hotspot parse --json` without `"ok"` (shared with `qr parse`).
pub(crate) fn hotspot_json(config: &HotspotConfig) -> Value {
    let dpp = config.dpp.as_ref().map(|d| {
        json!({
            "public_key": d.public_key,
            "channels": d.channels.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
            "mac": d.mac_string(),
            "info": d.info,
            "version": d.version,
            "host": d.host,
        })
    });
    json!({
        "format": config.format.as_str(),
        "networks": config.networks.iter().map(network_json).collect::<Vec<_>>(),
        "dpp": dpp,
        "warnings": config.warnings.iter()
            .map(|w| json!({"code": w.code, "message": w.message}))
            .collect::<Vec<_>>(),
    })
}

pub(crate) fn error_json(err: &HotspotError) -> Value {
    json!({"ok": false, "error": {"kind": err.kind.as_str(), "message": err.message}})
}

/// Human-readable summary; never prints a secret.
pub(crate) fn print_human(config: &HotspotConfig) {
    println!("format: {}", config.format.as_str());
    for (i, n) in config.networks.iter().enumerate() {
        let name = match (&n.ssid, &n.passpoint) {
            (Some(ssid), _) => format!("\"{ssid}\""),
            (None, Some(p)) => format!("Passpoint {}", p.fqdn),
            (None, None) => "(no SSID)".to_string(),
        };
        println!(
            "network {}: {name} security {}{}",
            i + 1,
            n.security.as_str(),
            if n.hidden { ", hidden" } else { "" }
        );
        if let Some(p) = &n.password {
            println!(
                "  password: set ({} characters, not shown)",
                p.expose().chars().count()
            );
        }
        if let Some(e) = &n.eap {
            println!(
                "  eap: {} / {}, identity {}",
                e.method.map_or("?", |m| m.as_str()),
                e.phase2.map_or("-", |m| m.as_str()),
                e.identity.as_deref().unwrap_or("-")
            );
        }
        if let Some(p) = &n.passpoint {
            println!(
                "  passpoint: fqdn {}, realm {}, OIs [{}]",
                p.fqdn,
                p.realm.as_deref().unwrap_or("-"),
                p.roaming_consortium_ois.join(", ")
            );
        }
    }
    if let Some(d) = &config.dpp {
        let channels: Vec<String> = d.channels.iter().map(|c| c.to_string()).collect();
        println!(
            "dpp: {} key, channels [{}], mac {}, info {}, version {}",
            d.curve.as_str(),
            channels.join(", "),
            d.mac_string().as_deref().unwrap_or("-"),
            d.info.as_deref().unwrap_or("-"),
            d.version.map_or("-".to_string(), |v| v.to_string())
        );
    }
    for w in &config.warnings {
        println!("warning [{}]: {}", w.code, w.message);
    }
}

fn parse(args: &ParseArgs) -> u8 {
    let bytes = match read_input(&args.input, "hotspot parse") {
        Ok(bytes) => bytes,
        Err(code) => return code,
    };
    match hotspot::parse_hotspot(&bytes, args.mime.as_deref()) {
        Ok(config) => {
            if args.input.json {
                let mut out = hotspot_json(&config);
                out.as_object_mut()
                    .expect("object")
                    .insert("ok".into(), Value::Bool(true));
                println!("{out}");
            } else {
                print_human(&config);
            }
            0
        }
        Err(err) => {
            if args.input.json {
                println!("{}", error_json(&err));
            } else {
                println!("error [{}]: {}", err.kind.as_str(), err.message);
            }
            1
        }
    }
}
