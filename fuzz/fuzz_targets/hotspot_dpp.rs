//! `DPP:` URI parser (channel lists, MAC, key DER/point checks): never panics.
#![no_main]
use culvert_core::hotspot::parse_dpp_uri;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_dpp_uri(&format!("DPP:{text}"));
        let _ = parse_dpp_uri(text);
    }
});
