//! `.mobileconfig`: plist (XML/binary) and CMS envelope parsing never panics or blows up.
#![no_main]
use culvert_core::hotspot::{parse_hotspot, parse_mobileconfig, MIME_MOBILECONFIG};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_mobileconfig(data);
    let _ = parse_hotspot(data, Some(MIME_MOBILECONFIG));
});
