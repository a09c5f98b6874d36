//! `qr::parse_qr`: anything scanned (wg-quick, `WIFI:`, `DPP:`) never panics.
#![no_main]
use culvert_core::qr::parse_qr;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_qr(text);
    }
});
