//! Where things are in a wg-quick file: the line of each section header and
//! attribute, recorded while parsing, so later checks (the doctor) can point at
//! the line a remark is about.

use super::error::Section;

/// One attribute line of a parsed file.
///
/// `items` holds the value's comma-separated items for attributes whose values
/// are not secret (addresses, DNS, AllowedIPs, Endpoint, numbers, package
/// names); it is empty for keys and for host commands (`PreUp` and friends).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeLine {
    /// The section the line is in.
    pub section: Section,
    /// For a `[Peer]` line, the peer's index in [`super::Config::peers`].
    pub peer: Option<usize>,
    /// The attribute as the docs spell it (`AllowedIPs`), whatever its case in the file.
    pub key: &'static str,
    /// 1-based line number.
    pub line: usize,
    /// The value's items, trimmed (see above).
    pub items: Vec<String>,
}

/// The locations of a parsed file's sections and attributes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceMap {
    /// The line of the first `[Interface]` header.
    pub interface: Option<usize>,
    /// The header line of each `[Peer]`, by peer index.
    pub peers: Vec<usize>,
    /// Every attribute line, in file order.
    pub attributes: Vec<AttributeLine>,
}

impl SourceMap {
    /// The first line of `key` (case-insensitive) in the interface (`peer: None`)
    /// or in peer `peer`.
    pub fn key_line(&self, peer: Option<usize>, key: &str) -> Option<usize> {
        self.lines(peer, key).next().map(|a| a.line)
    }

    /// The first line of `key` whose items include one for which `matches` holds.
    pub fn item_line(
        &self,
        peer: Option<usize>,
        key: &str,
        matches: impl Fn(&str) -> bool,
    ) -> Option<usize> {
        self.lines(peer, key)
            .find(|a| a.items.iter().any(|i| matches(i)))
            .map(|a| a.line)
    }

    /// The header line of the interface (`None`) or of peer `peer`.
    pub fn section_line(&self, peer: Option<usize>) -> Option<usize> {
        match peer {
            None => self.interface,
            Some(n) => self.peers.get(n).copied(),
        }
    }

    fn lines<'a>(
        &'a self,
        peer: Option<usize>,
        key: &'a str,
    ) -> impl Iterator<Item = &'a AttributeLine> + 'a {
        let section = if peer.is_some() {
            Section::Peer
        } else {
            Section::Interface
        };
        self.attributes.iter().filter(move |a| {
            a.section == section && a.peer == peer && a.key.eq_ignore_ascii_case(key)
        })
    }
}
