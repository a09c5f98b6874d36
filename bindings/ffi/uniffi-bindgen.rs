//! `uniffi-bindgen` pinned to the workspace's UniFFI version (`--features cli`).
fn main() {
    uniffi::uniffi_bindgen_main()
}
