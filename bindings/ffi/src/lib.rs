//! UniFFI surface of Culvert: the only crate with UniFFI attributes.
//!
//! `culvert-core` knows nothing of UniFFI; this crate converts at the edge:
//!
//! - [`config`]: wg-quick parse/write, network settings, keys;
//! - [`hotspot`]: hotspot configs (`WIFI:`, `DPP:`, `.mobileconfig`, Passpoint) and `parse_qr`;
//! - [`tunnel`]: the `Tunnel` object (TUN fd or packet callbacks) and the foreign
//!   traits the platform implements (packet sink, socket protector, resolver, observer);
//! - [`health`]: tunnel health, recovery steps and the doctor's findings;
//! - [`logging`]: a foreign log sink and the runtime log level;
//! - [`guard`]: the panic barrier every export uses and the callback error type;
//! - `testing` (feature `testing`, test builds only, never shipped): the testing
//!   kit's test peer and packet helpers (docs/testing.md).
//!
//! Errors are small enums per area (`ConfigError`, `HotspotError`, `QrError`,
//! `TunnelError`) whose variants are what an app does differently; the human text
//! is in a field named `detail` and never holds a secret. Every export runs inside
//! [`guard::guard`], so a panic arrives as the area's `Internal` variant.
//!
//! Names fixed for every binding (see `uniffi.toml`): library `culvert_ffi`,
//! Kotlin package `io.culvert`, Swift module `Culvert`, FFI module `CulvertFFI`.

// The panic barrier catches unwinding panics; with `panic = "abort"` a bug would
// kill the app's process instead of arriving as a typed `Internal` error.
#[cfg(panic = "abort")]
compile_error!(
    "culvert-ffi must be built with panic = \"unwind\" (the FFI panic barrier needs it)"
);

uniffi::setup_scaffolding!();

pub mod config;
pub mod guard;
pub mod health;
pub mod hotspot;
pub mod logging;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tunnel;

/// The version of the Culvert library.
#[uniffi::export]
pub fn culvert_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
