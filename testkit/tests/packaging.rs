//! The kit stays out of the shipping library: `culvert-ffi` (the `.so` /
//! XCFramework inside an app's extension) depends on it only with the feature
//! `testing`, which only the test build of the library turns on.

use std::process::Command;

/// The crates `culvert-ffi` links with `features` (normal and build edges).
fn ffi_tree(features: &str) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
    let out = Command::new(cargo)
        .args([
            "tree",
            "--manifest-path",
            manifest,
            "-p",
            "culvert-ffi",
            "--features",
            features,
            "--edges",
            "normal,build",
            "--prefix",
            "none",
            "--offline",
        ])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn shipping_ffi_library_does_not_depend_on_the_kit() {
    // `cli` (the bindgen binaries) is the only other feature; the library apps
    // link is built with none.
    let tree = ffi_tree("cli");
    assert!(
        tree.lines().any(|l| l.starts_with("culvert-core ")),
        "the tree lists culvert-ffi's dependencies: {tree}"
    );
    assert!(
        !tree.lines().any(|l| l.starts_with("culvert-testkit ")),
        "culvert-ffi depends on the test kit:\n{tree}"
    );
}

#[test]
fn only_the_testing_feature_brings_the_kit_in() {
    let tree = ffi_tree("testing");
    assert!(
        tree.lines().any(|l| l.starts_with("culvert-testkit ")),
        "culvert-ffi's `testing` feature links the kit:\n{tree}"
    );
}
