//! `culvert`: the command-line host for Culvert on Linux.
//!
//! Exit codes everywhere: 0 success, 1 the input was rejected (invalid config,
//! unparseable hotspot, ...), 2 usage errors (bad flags, missing file).

mod cmd_config;
mod cmd_demo;
mod cmd_doctor;
mod cmd_hotspot;
mod cmd_keys;
mod cmd_qr;
mod cmd_up;
mod json_config;
mod logger;
mod netcfg;
mod packet;
mod tun;
mod uapi;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Culvert: an embeddable WireGuard VPN SDK, driven from the command line.
#[derive(Parser)]
#[command(name = "culvert", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check wg-quick configuration files and derive network settings.
    #[command(subcommand)]
    Config(cmd_config::ConfigCommand),
    /// Parse Wi-Fi hotspot configurations (WIFI:, DPP:, .mobileconfig, Passpoint).
    #[command(subcommand)]
    Hotspot(cmd_hotspot::HotspotCommand),
    /// Parse anything a user scans: a wg-quick config, WIFI: or DPP:.
    #[command(subcommand)]
    Qr(cmd_qr::QrCommand),
    /// Print a new private key (as `wg genkey`).
    Keygen,
    /// Read a private key on stdin, print its public key (as `wg pubkey`).
    Pubkey,
    /// Bring a tunnel up on a Linux TUN device and run it in the foreground.
    Up(cmd_up::UpArgs),
    /// Two tunnels in one process over loopback: handshake, traffic, report.
    Demo(cmd_demo::DemoArgs),
    /// Explain why a config will break connectivity (findings with fix hints).
    Doctor(cmd_doctor::DoctorArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
        }
    };
    let code = match cli.command {
        Command::Config(cmd) => cmd_config::run(cmd),
        Command::Hotspot(cmd) => cmd_hotspot::run(cmd),
        Command::Qr(cmd) => cmd_qr::run(cmd),
        Command::Keygen => cmd_keys::keygen(),
        Command::Pubkey => cmd_keys::pubkey(),
        Command::Up(args) => cmd_up::run(args),
        Command::Demo(args) => cmd_demo::run(args),
        Command::Doctor(args) => cmd_doctor::run(args),
    };
    ExitCode::from(code)
}
