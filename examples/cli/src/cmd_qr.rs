//! `culvert qr ...`.

use clap::Subcommand;

/// `culvert qr` subcommands.
#[derive(Subcommand)]
pub enum QrCommand {}

/// Runs a `culvert qr` subcommand; returns the exit code.
pub fn run(cmd: QrCommand) -> u8 {
    match cmd {}
}
