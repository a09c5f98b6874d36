//! `culvert qr parse [--json] (TEXT | --file PATH | -)`: anything a user scans — a
//! wg-quick config (the WireGuard apps' QR export), `WIFI:` or `DPP:`.
//!
//! Exit codes: 0 parsed, 1 rejected, 2 usage errors.

use crate::cmd_hotspot::{hotspot_json, print_human, read_input, InputArgs};
use crate::json_config::{config_error_json, config_json};
use clap::Subcommand;
use culvert_core::qr::{parse_qr, QrError, QrPayload};
use serde_json::{json, Value};

/// `culvert qr` subcommands.
#[derive(Subcommand)]
pub enum QrCommand {
    /// Parse the text of a scanned code: wg-quick config, WIFI: or DPP:.
    Parse(InputArgs),
}

/// Runs a `culvert qr` subcommand; returns the exit code.
pub fn run(cmd: QrCommand) -> u8 {
    match cmd {
        QrCommand::Parse(args) => parse(&args),
    }
}

fn parse(args: &InputArgs) -> u8 {
    let bytes = match read_input(args, "qr parse") {
        Ok(bytes) => bytes,
        Err(code) => return code,
    };
    let result = match String::from_utf8(bytes) {
        Ok(text) => parse_qr(&text),
        Err(_) => Err(QrError::Hotspot(culvert_core::hotspot::HotspotError {
            kind: culvert_core::hotspot::HotspotErrorKind::Malformed,
            message: "the scanned text is not UTF-8".to_string(),
        })),
    };
    match result {
        Ok(payload) => {
            if args.json {
                let (config, hotspot) = match &payload {
                    QrPayload::WireGuard(c) => (config_json(c), Value::Null),
                    QrPayload::Wifi(h) | QrPayload::Dpp(h) => (Value::Null, hotspot_json(h)),
                };
                println!(
                    "{}",
                    json!({"ok": true, "kind": payload.kind(), "config": config, "hotspot": hotspot})
                );
            } else {
                match &payload {
                    QrPayload::WireGuard(c) => {
                        println!(
                            "wireguard: interface {}, {} peer{}",
                            c.interface.private_key.public_key(),
                            c.peers.len(),
                            if c.peers.len() == 1 { "" } else { "s" }
                        );
                        for w in c.warnings() {
                            println!("warning [{}]: {}", w.code, w.message);
                        }
                    }
                    QrPayload::Wifi(h) | QrPayload::Dpp(h) => print_human(h),
                }
            }
            0
        }
        Err(err) => {
            if args.json {
                let error = match &err {
                    QrError::WireGuard(e) => config_error_json(e),
                    QrError::Hotspot(e) => json!({"kind": e.kind.as_str(), "message": e.message}),
                };
                println!("{}", json!({"ok": false, "error": error}));
            } else {
                println!("error [{}]: {}", err.kind(), err.message());
            }
            1
        }
    }
}
