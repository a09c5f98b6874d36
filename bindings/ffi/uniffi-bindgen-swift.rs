//! `uniffi-bindgen-swift` (module maps, headers, Swift sources) pinned to the
//! workspace's UniFFI version (`--features cli`).
fn main() {
    uniffi::uniffi_bindgen_swift()
}
