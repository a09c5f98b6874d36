//! UniFFI surface of Culvert: the only crate with UniFFI attributes.

uniffi::setup_scaffolding!();

/// The version of the Culvert library.
#[uniffi::export]
pub fn culvert_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
