//! `culvert keygen` and `culvert pubkey`, interoperable with `wg genkey` / `wg pubkey`.

use culvert_core::config::PrivateKey;
use std::io::Read;

/// `culvert keygen`: prints a new base64 private key (clamped, as `wg genkey`).
pub fn keygen() -> u8 {
    println!("{}", PrivateKey::generate().to_base64());
    0
}

/// `culvert pubkey`: reads a base64 private key on stdin, prints its public key.
/// Exit 1 if the input is not a key (the key itself is never echoed).
pub fn pubkey() -> u8 {
    let mut input = Vec::new();
    // A key is 44 characters; anything much longer is not one (and stdin may be endless).
    if let Err(err) = std::io::stdin().lock().take(1024).read_to_end(&mut input) {
        eprintln!("culvert pubkey: cannot read standard input: {err}");
        return 2;
    }
    let key = std::str::from_utf8(&input)
        .ok()
        .and_then(|text| PrivateKey::from_base64(text.trim()).ok());
    input.iter_mut().for_each(|b| *b = 0);
    match key {
        Some(key) => {
            println!("{}", key.public_key().to_base64());
            0
        }
        None => {
            eprintln!("culvert pubkey: standard input is not a base64 private key (44 characters, as `wg genkey` prints)");
            1
        }
    }
}
