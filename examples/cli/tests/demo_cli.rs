//! `culvert demo` end to end (no root): two tunnels over loopback, a handshake,
//! pings and a bulk transfer both ways, a report, exit 0. And the error paths of
//! `culvert up` that need no root.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs `culvert ARGS`, killing it if it takes longer than `limit`.
fn culvert(args: &[&str], limit: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_culvert"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + limit;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("culvert {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// The number before `what` on the line starting with `prefix`.
fn number_before(text: &str, prefix: &str, what: &str) -> u64 {
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in:\n{text}"));
    let before = &line[..line
        .find(what)
        .unwrap_or_else(|| panic!("no {what:?} in {line:?}"))];
    before
        .split_whitespace()
        .last()
        .and_then(|w| w.trim_matches(|c: char| !c.is_ascii_digit()).parse().ok())
        .unwrap_or_else(|| panic!("no number before {what:?} in {line:?}"))
}

#[test]
fn demo_handshakes_pings_and_moves_data_both_ways() {
    let out = culvert(&["demo", "--seconds", "1"], Duration::from_secs(60));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "exit {:?}\n{stdout}\n{stderr}",
        out.status
    );
    assert!(stdout.contains("handshake "), "{stdout}");
    assert!(
        stdout.contains("ping alice → bob   5/5 replies"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ping bob   → alice 5/5 replies"),
        "{stdout}"
    );
    // The report ends with each tunnel's health, judged from its stats and events.
    let last = stdout.lines().rfind(|l| !l.trim().is_empty()).unwrap();
    assert!(
        last.starts_with("health             alice healthy, bob healthy"),
        "{last}"
    );
    for dir in ["alice → bob", "bob   → alice"] {
        let delivered = number_before(&stdout, dir, " (");
        assert!(
            delivered > 100,
            "{dir}: only {delivered} packets delivered\n{stdout}"
        );
    }
    assert!(!stdout.contains("failed their checksums"), "{stdout}");
    // Each tunnel's own counters agree that one handshake happened and data moved.
    assert_eq!(stdout.matches("handshakes 1,").count(), 2, "{stdout}");
    // No private key ever printed (only 8-character public key prefixes).
    assert!(!stdout.contains("PrivateKey"), "{stdout}");
}

#[test]
fn demo_rejects_a_zero_duration() {
    let out = culvert(&["demo", "--seconds", "0"], Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn up_reports_config_errors_with_their_line_and_missing_files() {
    let dir = std::env::temp_dir().join(format!("culvert-up-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.conf");
    std::fs::write(
        &bad,
        "[Interface]\nPrivateKey = mGEHRNXAdy2FLnaWPxWEB7IBKyrpv2d/hAVJiyQsUUY=\nMTU = big\n",
    )
    .unwrap();
    let out = culvert(
        &["up", bad.to_str().unwrap(), "--name", "cvtest0"],
        Duration::from_secs(10),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("line 3") && stderr.contains("INVALID_NUMBER"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("mGEHRNXAdy2FLnaWPxWEB7IBKyrpv2d"),
        "a key in an error: {stderr}"
    );

    let out = culvert(
        &["up", dir.join("missing.conf").to_str().unwrap()],
        Duration::from_secs(10),
    );
    assert_eq!(out.status.code(), Some(2));

    // A valid config with an interface name Linux would refuse: a usage error.
    let good = dir.join("good.conf");
    std::fs::write(
        &good,
        "[Interface]\nPrivateKey = mGEHRNXAdy2FLnaWPxWEB7IBKyrpv2d/hAVJiyQsUUY=\n\n[Peer]\n\
         PublicKey = vBN7qyUTb5lJtWYJ8LhbPio1Z4RcyBPGnqFBGn6O6Qg=\nAllowedIPs = 198.51.100.0/24\n",
    )
    .unwrap();
    let out = culvert(
        &[
            "up",
            good.to_str().unwrap(),
            "--name",
            "far-too-long-a-name",
        ],
        Duration::from_secs(10),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("invalid interface name"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
