//! `culvert config ...`.

use clap::Subcommand;

/// `culvert config` subcommands.
#[derive(Subcommand)]
pub enum ConfigCommand {}

/// Runs a `culvert config` subcommand; returns the exit code.
pub fn run(cmd: ConfigCommand) -> u8 {
    match cmd {}
}
