//! Culvert's own copies of key material are wiped when dropped.
//!
//! Each test drops a key in place inside a `ManuallyDrop` slot, so the memory stays
//! ours to read afterwards, and checks that every byte is zero. (boringtun keeps its
//! own copies of session keys without zeroizing them; see docs/reliability.md.)

use culvert_core::config::{PresharedKey, PrivateKey};
use std::mem::ManuallyDrop;

fn bytes_after_drop<T>(value: T, bytes: impl Fn(&T) -> [u8; 32]) -> [u8; 32] {
    let mut slot = ManuallyDrop::new(value);
    assert_ne!(
        bytes(&slot),
        [0u8; 32],
        "the test key must not start out zero"
    );
    // SAFETY: the value is dropped exactly once and never used as a live value
    // again; its storage stays valid (ManuallyDrop) and is only read as bytes.
    unsafe { std::ptr::drop_in_place(&mut *slot as *mut T) };
    bytes(&slot)
}

#[test]
fn private_key_is_zeroized_on_drop() {
    let key = PrivateKey::from_bytes([0x5a; 32]);
    assert_eq!(bytes_after_drop(key, |k| *k.as_bytes()), [0u8; 32]);
}

#[test]
fn generated_private_key_is_zeroized_on_drop() {
    assert_eq!(
        bytes_after_drop(PrivateKey::generate(), |k| *k.as_bytes()),
        [0u8; 32]
    );
}

#[test]
fn preshared_key_is_zeroized_on_drop() {
    let key = PresharedKey::from_base64("FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=").unwrap();
    assert_eq!(bytes_after_drop(key, |k| *k.as_bytes()), [0u8; 32]);
}
