//! The test peer's inner host and packet helpers: ICMP echo (v4, v6), UDP echo,
//! and builders/parsers for the packets a test sends through the tunnel under test.
//!
//! Everything here is bytes in, bytes out (no I/O). Checksums are computed and
//! checked (IPv4 header, ICMP, ICMPv6 and UDP with their pseudo-headers), so a
//! reply the kit accepts is one a real OS stack would accept.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

const PROTO_ICMP: u8 = 1;
const PROTO_UDP: u8 = 17;
const PROTO_ICMPV6: u8 = 58;
const ICMP_ECHO_REQUEST: u8 = 8;
const ICMP_ECHO_REPLY: u8 = 0;
const ICMPV6_ECHO_REQUEST: u8 = 128;
const ICMPV6_ECHO_REPLY: u8 = 129;

/// An ICMP / ICMPv6 echo message (request or reply).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Echo {
    /// Source address of the IP packet.
    pub src: IpAddr,
    /// Destination address of the IP packet.
    pub dst: IpAddr,
    /// `true` for a reply, `false` for a request.
    pub reply: bool,
    /// Echo identifier.
    pub ident: u16,
    /// Echo sequence number.
    pub seq: u16,
    /// Echo data.
    pub data: Vec<u8>,
}

/// A UDP datagram inside an IP packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Udp {
    /// Source address.
    pub src: IpAddr,
    /// Source port.
    pub src_port: u16,
    /// Destination address.
    pub dst: IpAddr,
    /// Destination port.
    pub dst_port: u16,
    /// Payload.
    pub payload: Vec<u8>,
}

/// What an IP packet carries, as far as the kit understands it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// An ICMP or ICMPv6 echo request or reply with a valid checksum.
    Echo(Echo),
    /// A UDP datagram with a valid checksum.
    Udp(Udp),
    /// Anything else (other protocols, bad checksums, truncated packets).
    Other,
}

/// Parses an IP packet (v4 or v6). Never panics.
pub fn parse(packet: &[u8]) -> Parsed {
    let Some((src, dst, proto, payload)) = split_ip(packet) else {
        return Parsed::Other;
    };
    match proto {
        PROTO_ICMP | PROTO_ICMPV6 => parse_echo(src, dst, proto, payload),
        PROTO_UDP => parse_udp(src, dst, payload),
        _ => Parsed::Other,
    }
}

/// The reply the test peer's inner host sends to `packet`, if any: an echo reply
/// to an echo request, the same payload back (ports swapped) to a UDP datagram,
/// both only when `packet` is addressed to one of `own` addresses.
pub fn answer(packet: &[u8], own: &[IpAddr]) -> Option<Vec<u8>> {
    match parse(packet) {
        Parsed::Echo(e) if !e.reply && own.contains(&e.dst) => {
            Some(echo(e.dst, e.src, true, e.ident, e.seq, &e.data)?)
        }
        Parsed::Udp(u) if own.contains(&u.dst) => {
            udp(u.dst, u.dst_port, u.src, u.src_port, &u.payload)
        }
        _ => None,
    }
}

/// An echo request (`reply == false`) or reply from `src` to `dst`: ICMP for IPv4
/// addresses, ICMPv6 for IPv6. `None` if the families differ or `data` is too
/// large for one IP packet.
pub fn echo(
    src: IpAddr,
    dst: IpAddr,
    reply: bool,
    ident: u16,
    seq: u16,
    data: &[u8],
) -> Option<Vec<u8>> {
    let v6 = src.is_ipv6();
    let ty = match (v6, reply) {
        (false, false) => ICMP_ECHO_REQUEST,
        (false, true) => ICMP_ECHO_REPLY,
        (true, false) => ICMPV6_ECHO_REQUEST,
        (true, true) => ICMPV6_ECHO_REPLY,
    };
    let mut msg = Vec::with_capacity(8 + data.len());
    msg.extend_from_slice(&[ty, 0, 0, 0]);
    msg.extend_from_slice(&ident.to_be_bytes());
    msg.extend_from_slice(&seq.to_be_bytes());
    msg.extend_from_slice(data);
    let proto = if v6 { PROTO_ICMPV6 } else { PROTO_ICMP };
    let sum = if v6 {
        checksum(&[&pseudo(src, dst, proto, msg.len())?, &msg])
    } else {
        checksum(&[&msg])
    };
    msg[2..4].copy_from_slice(&sum.to_be_bytes());
    ip(src, dst, proto, &msg)
}

/// A UDP datagram `src:src_port → dst:dst_port` in an IP packet (checksum set).
/// `None` if the families differ or `payload` is too large for one IP packet.
pub fn udp(
    src: IpAddr,
    src_port: u16,
    dst: IpAddr,
    dst_port: u16,
    payload: &[u8],
) -> Option<Vec<u8>> {
    let len = 8 + payload.len();
    let len16 = u16::try_from(len).ok()?;
    let mut msg = Vec::with_capacity(len);
    msg.extend_from_slice(&src_port.to_be_bytes());
    msg.extend_from_slice(&dst_port.to_be_bytes());
    msg.extend_from_slice(&len16.to_be_bytes());
    msg.extend_from_slice(&[0, 0]);
    msg.extend_from_slice(payload);
    let mut sum = checksum(&[&pseudo(src, dst, PROTO_UDP, len)?, &msg]);
    if sum == 0 {
        sum = 0xffff;
    }
    msg[6..8].copy_from_slice(&sum.to_be_bytes());
    ip(src, dst, PROTO_UDP, &msg)
}

fn ip(src: IpAddr, dst: IpAddr, proto: u8, payload: &[u8]) -> Option<Vec<u8>> {
    match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            let total = u16::try_from(20 + payload.len()).ok()?;
            let mut p = vec![0u8; 20];
            p[0] = 0x45;
            p[2..4].copy_from_slice(&total.to_be_bytes());
            p[8] = 64;
            p[9] = proto;
            p[12..16].copy_from_slice(&s.octets());
            p[16..20].copy_from_slice(&d.octets());
            let sum = checksum(&[&p]);
            p[10..12].copy_from_slice(&sum.to_be_bytes());
            p.extend_from_slice(payload);
            Some(p)
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            let len = u16::try_from(payload.len()).ok()?;
            let mut p = vec![0u8; 40];
            p[0] = 0x60;
            p[4..6].copy_from_slice(&len.to_be_bytes());
            p[6] = proto;
            p[7] = 64;
            p[8..24].copy_from_slice(&s.octets());
            p[24..40].copy_from_slice(&d.octets());
            p.extend_from_slice(payload);
            Some(p)
        }
        _ => None,
    }
}

/// Source, destination, protocol and payload of an IP packet whose header is
/// sound (IPv4 header checksum checked; no IPv6 extension headers).
fn split_ip(p: &[u8]) -> Option<(IpAddr, IpAddr, u8, &[u8])> {
    match p.first()? >> 4 {
        4 => {
            let ihl = usize::from(p[0] & 0x0f) * 4;
            if ihl < 20 || p.len() < ihl {
                return None;
            }
            let total = usize::from(u16::from_be_bytes([p[2], p[3]]));
            if total < ihl || total > p.len() || checksum(&[&p[..ihl]]) != 0 {
                return None;
            }
            let src = Ipv4Addr::new(p[12], p[13], p[14], p[15]);
            let dst = Ipv4Addr::new(p[16], p[17], p[18], p[19]);
            Some((src.into(), dst.into(), p[9], &p[ihl..total]))
        }
        6 => {
            if p.len() < 40 {
                return None;
            }
            let len = usize::from(u16::from_be_bytes([p[4], p[5]]));
            if 40 + len > p.len() {
                return None;
            }
            let src: [u8; 16] = p[8..24].try_into().ok()?;
            let dst: [u8; 16] = p[24..40].try_into().ok()?;
            Some((
                Ipv6Addr::from(src).into(),
                Ipv6Addr::from(dst).into(),
                p[6],
                &p[40..40 + len],
            ))
        }
        _ => None,
    }
}

fn parse_echo(src: IpAddr, dst: IpAddr, proto: u8, m: &[u8]) -> Parsed {
    if m.len() < 8 || src.is_ipv6() != (proto == PROTO_ICMPV6) {
        return Parsed::Other;
    }
    let valid = if proto == PROTO_ICMPV6 {
        pseudo(src, dst, proto, m.len()).is_some_and(|ph| checksum(&[&ph, m]) == 0)
    } else {
        checksum(&[m]) == 0
    };
    let reply = match (proto, m[0], m[1]) {
        (PROTO_ICMP, ICMP_ECHO_REQUEST, 0) | (PROTO_ICMPV6, ICMPV6_ECHO_REQUEST, 0) => false,
        (PROTO_ICMP, ICMP_ECHO_REPLY, 0) | (PROTO_ICMPV6, ICMPV6_ECHO_REPLY, 0) => true,
        _ => return Parsed::Other,
    };
    if !valid {
        return Parsed::Other;
    }
    Parsed::Echo(Echo {
        src,
        dst,
        reply,
        ident: u16::from_be_bytes([m[4], m[5]]),
        seq: u16::from_be_bytes([m[6], m[7]]),
        data: m[8..].to_vec(),
    })
}

fn parse_udp(src: IpAddr, dst: IpAddr, m: &[u8]) -> Parsed {
    if m.len() < 8 {
        return Parsed::Other;
    }
    let len = usize::from(u16::from_be_bytes([m[4], m[5]]));
    if len < 8 || len > m.len() {
        return Parsed::Other;
    }
    let m = &m[..len];
    let stored = u16::from_be_bytes([m[6], m[7]]);
    // IPv4 allows "no checksum" (0); IPv6 does not.
    let skip = stored == 0 && src.is_ipv4();
    let valid = skip || pseudo(src, dst, PROTO_UDP, len).is_some_and(|ph| checksum(&[&ph, m]) == 0);
    if !valid {
        return Parsed::Other;
    }
    Parsed::Udp(Udp {
        src,
        src_port: u16::from_be_bytes([m[0], m[1]]),
        dst,
        dst_port: u16::from_be_bytes([m[2], m[3]]),
        payload: m[8..].to_vec(),
    })
}

/// The pseudo-header of UDP / ICMPv6 checksums.
fn pseudo(src: IpAddr, dst: IpAddr, proto: u8, len: usize) -> Option<Vec<u8>> {
    match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            let mut h = Vec::with_capacity(12);
            h.extend_from_slice(&s.octets());
            h.extend_from_slice(&d.octets());
            h.extend_from_slice(&[0, proto]);
            h.extend_from_slice(&u16::try_from(len).ok()?.to_be_bytes());
            Some(h)
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            let mut h = Vec::with_capacity(40);
            h.extend_from_slice(&s.octets());
            h.extend_from_slice(&d.octets());
            h.extend_from_slice(&u32::try_from(len).ok()?.to_be_bytes());
            h.extend_from_slice(&[0, 0, 0, proto]);
            Some(h)
        }
        _ => None,
    }
}

/// The Internet checksum (RFC 1071) over the concatenation of `parts`.
fn checksum(parts: &[&[u8]]) -> u16 {
    let mut sum: u32 = 0;
    let mut odd: Option<u8> = None;
    for part in parts {
        for &b in *part {
            match odd.take() {
                Some(hi) => sum += u32::from(u16::from_be_bytes([hi, b])),
                None => odd = Some(b),
            }
        }
    }
    if let Some(hi) = odd {
        sum += u32::from(u16::from_be_bytes([hi, 0]));
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn echo_v4_and_v6_are_answered_with_valid_checksums() {
        for (c, p) in [("10.77.0.2", "10.77.0.1"), ("fd00:77::2", "fd00:77::1")] {
            let req = echo(a(c), a(p), false, 7, 3, b"abc").unwrap();
            let rep = answer(&req, &[a(p)]).expect("answered");
            assert_eq!(
                parse(&rep),
                Parsed::Echo(Echo {
                    src: a(p),
                    dst: a(c),
                    reply: true,
                    ident: 7,
                    seq: 3,
                    data: b"abc".to_vec()
                })
            );
            assert_eq!(answer(&req, &[a(c)]), None, "not for us");
            assert_eq!(answer(&rep, &[a(c)]), None, "replies are not answered");
        }
    }

    #[test]
    fn udp_is_echoed_with_ports_swapped() {
        for (c, p) in [("10.77.0.2", "10.77.0.1"), ("fd00:77::2", "fd00:77::1")] {
            let req = udp(a(c), 4000, a(p), 7, b"payload").unwrap();
            let rep = answer(&req, &[a(p)]).expect("answered");
            assert_eq!(
                parse(&rep),
                Parsed::Udp(Udp {
                    src: a(p),
                    src_port: 7,
                    dst: a(c),
                    dst_port: 4000,
                    payload: b"payload".to_vec()
                })
            );
        }
    }

    #[test]
    fn corrupted_or_truncated_packets_are_not_answered() {
        let own = [a("10.77.0.1")];
        let good = udp(a("10.77.0.2"), 1, own[0], 2, b"xyz").unwrap();
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0x40;
            if let Some(rep) = answer(&bad, &own) {
                // Only a flip that keeps every checksum valid may be answered (none here).
                panic!("byte {i} flipped still answered: {rep:?}");
            }
            let _ = answer(&good[..i], &own);
        }
        assert_eq!(echo(a("10.0.0.1"), a("fd00::1"), false, 0, 0, b""), None);
    }
}
