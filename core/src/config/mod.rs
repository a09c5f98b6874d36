//! wg-quick configuration: the typed model, parser, writer, key types and validation.

mod key;
mod model;

pub use key::{KeyError, PresharedKey, PrivateKey, PublicKey};
pub use model::{Config, Endpoint, EndpointHost, HostKeys, Interface, Peer};
