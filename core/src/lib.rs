//! Culvert's engine: everything that is not FFI or platform glue.
//!
//! - [`config`]: wg-quick configuration model, parser, writer and key types.
//! - [`settings`]: the network settings a platform tunnel applies, derived from a config.
//! - [`doctor`]: findings that explain why a config (or a running tunnel) breaks connectivity.
//! - [`hotspot`]: Wi-Fi hotspot configurations (`WIFI:` QR, `DPP:` URI, `.mobileconfig`, Passpoint).
//! - [`qr`]: one entry point for anything a user scans (wg-quick config, `WIFI:`, `DPP:`).
//! - [`health`]: tunnel health (healthy/degraded/down) from evidence, and the recovery ladder.
//! - [`proto`]: the sans-IO WireGuard tunnel state machine (no sockets, no clock reads).
//! - [`runtime`]: the only I/O: event loop, packet I/O, UDP, endpoint resolution.
//! - [`clock`]: Culvert's suspend-aware instant.
#![forbid(unsafe_op_in_unsafe_fn)]

pub mod clock;
pub mod config;
pub mod doctor;
pub mod health;
pub mod hotspot;
pub mod proto;
pub mod qr;
pub mod runtime;
pub mod settings;
