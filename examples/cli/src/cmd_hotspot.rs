//! `culvert hotspot ...`.

use clap::Subcommand;

/// `culvert hotspot` subcommands.
#[derive(Subcommand)]
pub enum HotspotCommand {}

/// Runs a `culvert hotspot` subcommand; returns the exit code.
pub fn run(cmd: HotspotCommand) -> u8 {
    match cmd {}
}
