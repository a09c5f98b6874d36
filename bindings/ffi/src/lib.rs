//! UniFFI surface of Culvert: the only crate with UniFFI attributes.
//!
//! `culvert-core` knows nothing of UniFFI; this crate converts at the edge:
//!
//! - [`config`]: wg-quick parse/write, network settings, keys;
//! - [`logging`]: a foreign log sink and the runtime log level;
//! - [`guard`]: small public error enums and the panic barrier every export uses.
//!
//! Names fixed for every binding (see `uniffi.toml`): library `culvert_ffi`,
//! Kotlin package `io.culvert`, Swift module `Culvert`, FFI module `CulvertFFI`.

uniffi::setup_scaffolding!();

pub mod config;
pub mod guard;
pub mod logging;

/// The version of the Culvert library.
#[uniffi::export]
pub fn culvert_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
