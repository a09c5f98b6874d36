//! wg-quick parser: never panics on any bytes; every accepted config survives
//! write → parse unchanged, and errors keep their documented shape.
#![no_main]

use culvert_core::config::{parse, parse_bytes, write, ErrorKind};
use culvert_core::settings::{NetworkSettings, SettingsOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match parse_bytes(data) {
        Ok(config) => {
            let text = write(&config);
            let again = parse(&text).expect("a written config parses");
            assert_eq!(again, config, "write → parse changed the config");
            assert_eq!(write(&again), text, "writing is not stable");
            let _ = config.warnings();
            for exclude_private in [false, true] {
                let options = SettingsOptions {
                    exclude_private,
                    ..SettingsOptions::default()
                };
                let _ = NetworkSettings::from_config(&config, &options);
            }
        }
        Err(err) => {
            assert!(!err.message.is_empty());
            let lines = data.split(|&b| b == b'\n' || b == b'\r').count().max(1);
            match err.kind {
                ErrorKind::MissingSection => assert!(err.line.is_none() && err.key.is_none()),
                _ => {
                    let line = err.line.expect("every other error has a line");
                    assert!(line >= 1 && line <= lines, "line {line} of {lines}");
                }
            }
        }
    }
});
