//! Helpers shared by the CLI integration tests: run the built `culvert` binary and
//! read its JSON.

use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// Runs `culvert ARGS`, feeding `stdin` if given, and returns its output.
pub fn culvert(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_culvert"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run culvert");
    let mut input = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        // The child may stop reading early (e.g. after its size limit): ignore EPIPE.
        let _ = input.write_all(bytes);
    }
    drop(input);
    child.wait_with_output().unwrap()
}

/// The command's stdout as JSON; panics with the text when it is not.
pub fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// The sorted keys of a JSON object.
pub fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort();
    k
}

/// The path of a fixture under `core/tests/fixtures/KIND/`.
pub fn fixture(kind: &str, name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../core/tests/fixtures")
        .join(kind)
        .join(name)
        .to_string_lossy()
        .into_owned()
}
