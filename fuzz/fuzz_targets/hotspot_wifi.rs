//! `WIFI:` parser: never panics; what the writer emits parses back to the same network.
#![no_main]
use culvert_core::hotspot::{parse_hotspot, parse_wifi_uri, write_wifi_uri, Security};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_hotspot(data, None);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let uri = format!("WIFI:{text}");
    if let Ok(network) = parse_wifi_uri(&uri) {
        if let Ok(written) = write_wifi_uri(&network) {
            let back = parse_wifi_uri(&written).expect("the writer's output parses");
            if !matches!(network.security, Security::Owe | Security::WpaSae) {
                assert_eq!(back, network, "round trip through {written:?}");
            }
        }
    }
});
