//! The kit stays out of the shipping library: `culvert-ffi` (the `.so` /
//! XCFramework inside an app's extension) must not depend on it, in any build.

use std::process::Command;

#[test]
fn shipping_ffi_library_does_not_depend_on_the_kit() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
    let out = Command::new(cargo)
        .args([
            "tree",
            "--manifest-path",
            manifest,
            "-p",
            "culvert-ffi",
            "--all-features",
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
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(
        tree.lines().any(|l| l.starts_with("culvert-core ")),
        "the tree lists culvert-ffi's dependencies: {tree}"
    );
    assert!(
        !tree.lines().any(|l| l.starts_with("culvert-testkit ")),
        "culvert-ffi depends on the test kit:\n{tree}"
    );
}
