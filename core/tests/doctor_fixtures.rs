//! The doctor's static findings, configs in, findings out: every file in
//! `fixtures/doctor/` says in its comments how to diagnose it and exactly which
//! findings (code, severity, line) must come out. See that directory's README.

use culvert_core::doctor::{self, Code, DoctorOptions, PlatformFacts, Severity};
use std::collections::HashSet;
use std::fs;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/doctor")
}

/// The options and facts a fixture's `# doctor:` line asks for.
fn setup(text: &str) -> (DoctorOptions, PlatformFacts) {
    let mut options = DoctorOptions::default();
    let mut words: Vec<&str> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# doctor:") {
            words.extend(rest.split_whitespace());
        }
    }
    let arg = |name: &str| {
        words
            .iter()
            .find_map(|w| w.strip_prefix(name).and_then(|r| r.strip_prefix('=')))
    };
    let mut facts = match arg("platform").unwrap_or("linux") {
        "linux" => PlatformFacts::linux(),
        "android" => PlatformFacts::android(arg("api").map_or(34, |a| a.parse().unwrap())),
        "apple" => PlatformFacts::apple(),
        other => panic!("unknown platform {other}"),
    };
    options.keep_lan_access = words.contains(&"keep-lan");
    options.settings.exclude_private = words.contains(&"exclude-private");
    if let Some(mtu) = arg("path-mtu") {
        facts.path_mtu = mtu.parse().unwrap();
    }
    if let Some(mtu) = arg("default-mtu") {
        options.settings.default_mtu = mtu.parse().unwrap();
    }
    if let Some(list) = arg("packages") {
        facts.known_packages = Some(
            list.split(',')
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
        );
    }
    if let Some(list) = arg("local") {
        facts.local_networks = list.split(',').map(|n| n.parse().unwrap()).collect();
    }
    (options, facts)
}

/// `(code, severity, line)` from the `# expect:` lines.
fn expected(text: &str) -> Vec<(String, String, Option<usize>)> {
    let mut out: Vec<_> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# expect:"))
        .map(|rest| {
            let w: Vec<&str> = rest.split_whitespace().collect();
            assert_eq!(w.len(), 3, "bad expect line: {rest}");
            let line = (w[2] != "-").then(|| w[2].parse().unwrap());
            (w[0].to_owned(), w[1].to_owned(), line)
        })
        .collect();
    out.sort();
    out
}

fn fixtures() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "conf"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_fixture_gives_exactly_its_expected_findings() {
    let all = fixtures();
    assert!(all.len() >= 20, "fixtures missing: {}", all.len());
    let mut failures = Vec::new();
    for (name, text) in &all {
        let (options, facts) = setup(text);
        let result = doctor::diagnose_text(text, &options, &facts);
        if name.starts_with("does-not-parse") {
            assert!(result.is_err(), "{name} parsed");
            continue;
        }
        let findings = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut got: Vec<_> = findings
            .iter()
            .map(|f| (f.code.as_str().to_owned(), f.severity.to_string(), f.line))
            .collect();
        got.sort();
        let want = expected(text);
        if got != want {
            failures.push(format!("{name}:\n  want {want:?}\n  got  {got:?}"));
        }
        for f in &findings {
            assert!(!f.message.is_empty() && !f.hint.is_empty(), "{name}: {f:?}");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn clean_fixtures_have_no_warning_or_error() {
    let mut clean = 0;
    for (name, text) in fixtures().iter().filter(|(n, _)| n.starts_with("clean-")) {
        clean += 1;
        let (options, facts) = setup(text);
        let findings = doctor::diagnose_text(text, &options, &facts).unwrap();
        let bad: Vec<_> = findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .collect();
        assert!(bad.is_empty(), "{name}: {bad:?}");
    }
    assert!(clean >= 3);
}

#[test]
fn every_code_has_a_fixture() {
    let mut covered = HashSet::new();
    for (_, text) in fixtures() {
        for (code, _, _) in expected(&text) {
            covered.insert(Code::parse(&code).unwrap_or_else(|| panic!("unknown code {code}")));
        }
    }
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| !covered.contains(c))
        .map(|c| c.as_str())
        .collect();
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
}
