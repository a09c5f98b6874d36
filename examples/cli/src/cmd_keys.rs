//! `culvert keygen` and `culvert pubkey`, interoperable with `wg genkey` / `wg pubkey`.

/// `culvert keygen`.
pub fn keygen() -> u8 {
    eprintln!("culvert keygen: not built yet");
    2
}

/// `culvert pubkey`.
pub fn pubkey() -> u8 {
    eprintln!("culvert pubkey: not built yet");
    2
}
