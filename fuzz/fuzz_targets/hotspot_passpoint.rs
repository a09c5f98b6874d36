//! Passpoint: the PPS MO XML, the MIME layer (fed both raw and base64-wrapped so the
//! fuzzer reaches it), and detection never panic.
#![no_main]
use base64::Engine as _;
use culvert_core::hotspot::{parse_hotspot, parse_install_file, parse_pps_xml, MIME_WIFI_CONFIG};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_hotspot(data, Some(MIME_WIFI_CONFIG));
    let wrapped = base64::engine::general_purpose::STANDARD.encode(data);
    let _ = parse_install_file(wrapped.as_bytes());
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_pps_xml(text);
    }
});
