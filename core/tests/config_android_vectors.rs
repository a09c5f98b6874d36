//! The official WireGuard Android app's tunnel-library fixtures
//! (`../shared/vectors/wg-quick/android/`): the same files must be rejected for
//! the same reason, section and key, and `working.conf` accepted.

use culvert_core::config::{parse_bytes, write, ErrorKind};
use std::path::{Path, PathBuf};

/// `shared/vectors` beside the repository (or `$CULVERT_VECTORS`). Missing is a
/// failure in CI (`CI=true`) and a loud skip elsewhere.
fn vectors_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("CULVERT_VECTORS") {
        return Some(PathBuf::from(dir));
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    for base in manifest.ancestors() {
        let candidate = base.join("shared").join("vectors");
        if candidate.join("wg-quick").is_dir() {
            return Some(candidate);
        }
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(
        !in_ci,
        "shared/vectors not found above {} (CI=true: this must not be skipped)",
        manifest.display()
    );
    eprintln!(
        "SKIPPED: shared/vectors not found above {}",
        manifest.display()
    );
    None
}

#[test]
fn android_fixtures_match_expected_json() {
    let Some(dir) = vectors_dir() else { return };
    let dir = dir.join("wg-quick").join("android");
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    let cases = expected["cases"].as_object().expect("cases object");
    assert!(cases.len() >= 10, "expected.json has {} cases", cases.len());

    // Every .conf in the directory has an expectation, and every expectation a file.
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".conf"))
        .collect();
    files.sort();
    let mut names: Vec<String> = cases.keys().cloned().collect();
    names.sort();
    assert_eq!(files, names);

    let mut failures = Vec::new();
    for (name, case) in cases {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let result = parse_bytes(&bytes);
        if case["ok"].as_bool().unwrap() {
            match result {
                Ok(config) => {
                    assert_eq!(
                        config.peers.len() as u64,
                        case["peers"].as_u64().unwrap(),
                        "{name}"
                    );
                    assert_eq!(
                        config.interface.dns_servers.len() as u64,
                        case["dns_servers"].as_u64().unwrap(),
                        "{name}"
                    );
                    let allowed: Vec<String> = config
                        .peers
                        .iter()
                        .flat_map(|p| p.allowed_ips.iter().map(|n| n.to_string()))
                        .collect();
                    let want: Vec<String> = case["allowed_ips"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_str().unwrap().to_owned())
                        .collect();
                    assert_eq!(allowed, want, "{name}");
                    // Survives a round trip unchanged in meaning.
                    assert_eq!(culvert_core::config::parse(&write(&config)), Ok(config));
                }
                Err(err) => failures.push(format!("{name}: expected ok, got {err}")),
            }
        } else {
            let reason = case["reason"].as_str().unwrap();
            let location = case["location"].as_str();
            let section = case["section"].as_str();
            match result {
                Ok(_) => failures.push(format!("{name}: expected {reason}, got ok")),
                Err(err) => {
                    let got = (
                        err.kind.as_str(),
                        err.key.as_deref(),
                        err.section.map(|s| s.as_str()),
                    );
                    if got != (reason, location, section) {
                        failures.push(format!(
                            "{name}: expected {:?}, got {got:?} ({err})",
                            (reason, location, section)
                        ));
                    }
                    assert!(ErrorKind::ALL.contains(&err.kind));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn android_error_lines_point_at_the_problem() {
    let Some(dir) = vectors_dir() else { return };
    let dir = dir.join("wg-quick").join("android");
    let line_of = |name: &str| {
        parse_bytes(&std::fs::read(dir.join(name)).unwrap())
            .unwrap_err()
            .line
    };
    assert_eq!(line_of("broken.conf"), Some(2));
    assert_eq!(line_of("invalid-key.conf"), Some(9));
    assert_eq!(line_of("invalid-number.conf"), Some(8));
    assert_eq!(line_of("invalid-value.conf"), Some(3));
    assert_eq!(line_of("missing-attribute.conf"), Some(5));
    assert_eq!(line_of("missing-section.conf"), None);
    assert_eq!(line_of("syntax-error.conf"), Some(7));
    assert_eq!(line_of("unknown-attribute.conf"), Some(8));
    assert_eq!(line_of("unknown-section.conf"), Some(5));
}
