//! Tiny IPv4 packet builders and parsers for `culvert demo`: ICMP echo and UDP,
//! with real checksums, so the demo's traffic is what a TUN device would carry.

use std::net::Ipv4Addr;

/// IP protocol number of ICMP.
pub const PROTO_ICMP: u8 = 1;
/// IP protocol number of UDP.
pub const PROTO_UDP: u8 = 17;
const IPV4_HEADER: usize = 20;

/// The Internet checksum (RFC 1071) of `data`.
pub fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        sum += u32::from(u16::from_be_bytes([c[0], c[1]]));
    }
    if let [last] = chunks.remainder() {
        sum += u32::from(*last) << 8;
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn ipv4(src: Ipv4Addr, dst: Ipv4Addr, proto: u8, id: u16, payload: &[u8]) -> Vec<u8> {
    let total = IPV4_HEADER + payload.len();
    let mut p = Vec::with_capacity(total);
    p.extend_from_slice(&[0x45, 0]);
    p.extend_from_slice(&(total as u16).to_be_bytes());
    p.extend_from_slice(&id.to_be_bytes());
    p.extend_from_slice(&[0x40, 0]); // don't fragment
    p.extend_from_slice(&[64, proto, 0, 0]);
    p.extend_from_slice(&src.octets());
    p.extend_from_slice(&dst.octets());
    let sum = checksum(&p[..IPV4_HEADER]);
    p[10..12].copy_from_slice(&sum.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

/// An ICMP echo request (`reply == false`) or reply, with `data` as its payload.
pub fn icmp_echo(
    src: Ipv4Addr,
    dst: Ipv4Addr,
    reply: bool,
    ident: u16,
    seq: u16,
    data: &[u8],
) -> Vec<u8> {
    let mut icmp = Vec::with_capacity(8 + data.len());
    icmp.extend_from_slice(&[if reply { 0 } else { 8 }, 0, 0, 0]);
    icmp.extend_from_slice(&ident.to_be_bytes());
    icmp.extend_from_slice(&seq.to_be_bytes());
    icmp.extend_from_slice(data);
    let sum = checksum(&icmp);
    icmp[2..4].copy_from_slice(&sum.to_be_bytes());
    ipv4(src, dst, PROTO_ICMP, seq, &icmp)
}

/// A UDP datagram in IPv4 whose whole IP packet is `total_len` bytes (at least 28 + 8),
/// carrying `seq` in its first 8 payload bytes; the UDP checksum is computed.
pub fn udp(
    src: Ipv4Addr,
    dst: Ipv4Addr,
    sport: u16,
    dport: u16,
    seq: u64,
    total_len: usize,
) -> Vec<u8> {
    let payload_len = total_len.max(IPV4_HEADER + 8 + 8) - IPV4_HEADER - 8;
    let udp_len = 8 + payload_len;
    let mut u = Vec::with_capacity(udp_len);
    u.extend_from_slice(&sport.to_be_bytes());
    u.extend_from_slice(&dport.to_be_bytes());
    u.extend_from_slice(&(udp_len as u16).to_be_bytes());
    u.extend_from_slice(&[0, 0]);
    u.extend_from_slice(&seq.to_be_bytes());
    u.extend((0..payload_len - 8).map(|i| (i as u8).wrapping_mul(31)));
    let mut pseudo = Vec::with_capacity(12 + udp_len);
    pseudo.extend_from_slice(&src.octets());
    pseudo.extend_from_slice(&dst.octets());
    pseudo.extend_from_slice(&[0, PROTO_UDP]);
    pseudo.extend_from_slice(&(udp_len as u16).to_be_bytes());
    pseudo.extend_from_slice(&u);
    let sum = match checksum(&pseudo) {
        0 => 0xffff,
        s => s,
    };
    u[6..8].copy_from_slice(&sum.to_be_bytes());
    ipv4(src, dst, PROTO_UDP, seq as u16, &u)
}

/// What the demo understands of a received packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// ICMP echo request or reply.
    Echo {
        /// Source address.
        src: Ipv4Addr,
        /// Destination address.
        dst: Ipv4Addr,
        /// Reply (true) or request.
        reply: bool,
        /// Identifier.
        ident: u16,
        /// Sequence number.
        seq: u16,
        /// Payload.
        data: Vec<u8>,
    },
    /// A UDP datagram built by [`udp`].
    Udp {
        /// The sequence number in its payload.
        seq: u64,
    },
    /// Anything else, or a packet whose header or checksum is wrong.
    Invalid,
}

/// Parses and checks (header checksum, ICMP/UDP checksum, lengths) an IPv4 packet.
pub fn parse(p: &[u8]) -> Parsed {
    if p.len() < IPV4_HEADER || p[0] != 0x45 || checksum(&p[..IPV4_HEADER]) != 0 {
        return Parsed::Invalid;
    }
    let total = usize::from(u16::from_be_bytes([p[2], p[3]]));
    if total != p.len() {
        return Parsed::Invalid;
    }
    let src = Ipv4Addr::new(p[12], p[13], p[14], p[15]);
    let dst = Ipv4Addr::new(p[16], p[17], p[18], p[19]);
    let body = &p[IPV4_HEADER..];
    match p[9] {
        PROTO_ICMP if body.len() >= 8 && checksum(body) == 0 && (body[0] == 0 || body[0] == 8) => {
            Parsed::Echo {
                src,
                dst,
                reply: body[0] == 0,
                ident: u16::from_be_bytes([body[4], body[5]]),
                seq: u16::from_be_bytes([body[6], body[7]]),
                data: body[8..].to_vec(),
            }
        }
        PROTO_UDP if body.len() >= 16 => {
            let mut pseudo = Vec::with_capacity(12 + body.len());
            pseudo.extend_from_slice(&p[12..20]);
            pseudo.extend_from_slice(&[0, PROTO_UDP]);
            pseudo.extend_from_slice(&(body.len() as u16).to_be_bytes());
            pseudo.extend_from_slice(body);
            if checksum(&pseudo) != 0 {
                return Parsed::Invalid;
            }
            let mut seq = [0u8; 8];
            seq.copy_from_slice(&body[8..16]);
            Parsed::Udp {
                seq: u64::from_be_bytes(seq),
            }
        }
        _ => Parsed::Invalid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);
    const B: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 2);

    #[test]
    fn checksum_matches_rfc1071_example() {
        // RFC 1071 section 3 example: sum 0xddf2, checksum its complement.
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(checksum(&data), !0xddf2);
    }

    #[test]
    fn echo_round_trips_and_corruption_is_caught() {
        let p = icmp_echo(A, B, false, 7, 3, b"culvert");
        assert_eq!(
            parse(&p),
            Parsed::Echo {
                src: A,
                dst: B,
                reply: false,
                ident: 7,
                seq: 3,
                data: b"culvert".to_vec()
            }
        );
        let mut bad = p.clone();
        bad[30] ^= 1;
        assert_eq!(parse(&bad), Parsed::Invalid);
        assert_eq!(parse(&p[..p.len() - 1]), Parsed::Invalid);
    }

    #[test]
    fn udp_has_the_asked_size_and_a_valid_checksum() {
        let p = udp(A, B, 1000, 2000, 123_456_789, 1420);
        assert_eq!(p.len(), 1420);
        assert_eq!(parse(&p), Parsed::Udp { seq: 123_456_789 });
        let mut bad = p.clone();
        bad[1000] ^= 0x80;
        assert_eq!(parse(&bad), Parsed::Invalid);
    }
}
