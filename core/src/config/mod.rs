//! wg-quick configuration: the typed model, parser, writer, key types and validation.
//!
//! ```
//! let text = "[Interface]\nPrivateKey = TFlmmEUC7V7VtiDYLKsbP5rySTKLIZq1yn8lMqK83wo=\n\
//!             Address = 10.0.0.2/32\n\n[Peer]\n\
//!             PublicKey = vBN7qyUTb5lJtWYJ8LhbPio1Z4RcyBPGnqFBGn6O6Qg=\n\
//!             AllowedIPs = 0.0.0.0/0\nEndpoint = vpn.example.com:51820\n";
//! let config = culvert_core::config::parse(text).unwrap();
//! assert_eq!(config.peers.len(), 1);
//! assert_eq!(culvert_core::config::parse(&culvert_core::config::write(&config)).unwrap(), config);
//!
//! let err = culvert_core::config::parse("[Interface]\nMTU = big\n").unwrap_err();
//! assert_eq!(err.kind.as_str(), "INVALID_NUMBER");
//! assert_eq!((err.key.as_deref(), err.line), (Some("MTU"), Some(2)));
//! ```

mod error;
mod key;
mod locations;
mod model;
mod parser;
mod warnings;
mod writer;

pub use error::{ConfigError, ErrorKind, Section};
pub use key::{KeyError, PresharedKey, PrivateKey, PublicKey};
pub use locations::{AttributeLine, SourceMap};
pub use model::{Config, Endpoint, EndpointHost, HostKeys, Interface, Peer};
pub use parser::{parse, parse_bytes, parse_bytes_with_locations, parse_with_locations};
pub use warnings::ConfigWarning;
pub use writer::write;

/// A config line made safe to show: the values of `PrivateKey` and `PresharedKey`
/// and anything that looks like key material replaced by `<redacted>`, long lines
/// shortened. For pointing at the line of a [`ConfigError`].
pub fn redact_line(line: &str) -> String {
    let trimmed = line.trim_start();
    let lower = trimmed.to_ascii_lowercase();
    for secret in ["privatekey", "presharedkey"] {
        if lower.starts_with(secret) {
            let name_len = secret.len();
            if trimmed[name_len..].trim_start().starts_with('=') {
                return format!("{} = <redacted>", &trimmed[..name_len]);
            }
        }
    }
    parser::redact(line)
}
