//! Edge cases of the wg-quick grammar and error placement.

use culvert_core::config::{parse, parse_bytes, write, EndpointHost, ErrorKind, Section};

const PRIV: &str = "mGEHRNXAdy2FLnaWPxWEB7IBKyrpv2d/hAVJiyQsUUY=";
const PUB1: &str = "G8GcS7oLtc+yy0PnVJv5y/7ngi0KiT9nt7A95Nxdh3o=";

fn iface(extra: &str) -> String {
    format!("[Interface]\nPrivateKey = {PRIV}\n{extra}")
}

fn peer(extra: &str) -> String {
    iface(&format!("[Peer]\nPublicKey = {PUB1}\n{extra}"))
}

fn err(text: &str) -> (ErrorKind, Option<Section>, Option<String>, Option<usize>) {
    let e = parse(text).expect_err(text);
    (e.kind, e.section, e.key, e.line)
}

#[test]
fn numbers_follow_java_parse_int() {
    let c = parse(&peer("PersistentKeepalive = +25\n")).unwrap();
    assert_eq!(c.peers[0].persistent_keepalive, Some(25));
    assert_eq!(
        err(&peer("PersistentKeepalive = -1\n")),
        (
            ErrorKind::InvalidValue,
            Some(Section::Peer),
            Some("PersistentKeepalive".into()),
            Some(5)
        )
    );
    assert_eq!(
        err(&peer("PersistentKeepalive = 2147483648\n")).0,
        ErrorKind::InvalidNumber
    );
    assert_eq!(
        err(&peer("PersistentKeepalive = 0x10\n")).0,
        ErrorKind::InvalidNumber
    );
    assert_eq!(
        err(&iface("ListenPort = 65536\n")).0,
        ErrorKind::InvalidValue
    );
    assert_eq!(
        parse(&iface("ListenPort = 0\n"))
            .unwrap()
            .interface
            .listen_port,
        None
    );
    assert_eq!(parse(&iface("MTU = 0\n")).unwrap().interface.mtu, None);
    assert_eq!(err(&iface("MTU = 100\n")).0, ErrorKind::InvalidValue);
    assert_eq!(
        parse(&iface("FwMark = 0x10\n")).unwrap().interface.fwmark,
        Some(16)
    );
    assert_eq!(
        parse(&iface("FwMark = off\n")).unwrap().interface.fwmark,
        None
    );
    assert_eq!(
        err(&iface("FwMark = 0x1ffffffff\n")).0,
        ErrorKind::InvalidValue
    );
    assert_eq!(err(&iface("FwMark = mark\n")).0, ErrorKind::InvalidNumber);
    assert_eq!(err(&iface("SaveConfig = yes\n")).0, ErrorKind::InvalidValue);
}

#[test]
fn line_endings_bom_and_whitespace() {
    let lf = parse(&peer("AllowedIPs = 10.0.0.0/8\n")).unwrap();
    let cr = peer("AllowedIPs = 10.0.0.0/8\n").replace('\n', "\r");
    assert_eq!(parse(&cr).unwrap(), lf);
    let bom = format!("\u{feff}{}", peer("AllowedIPs = 10.0.0.0/8\n"));
    assert_eq!(parse(&bom).unwrap(), lf);
    let spaced = format!("  [Interface]  \n\tPrivateKey\t=\t{PRIV}\t\n\n\n[Peer]\nPublicKey={PUB1}\nAllowedIPs=10.0.0.0/8");
    assert_eq!(parse(&spaced).unwrap(), lf);
    // Lines counted the same for \r, \n and \r\n.
    let text = format!("[Interface]\r\nPrivateKey = {PRIV}\rMTU = x\n");
    assert_eq!(err(&text).3, Some(3));
}

#[test]
fn lists_trailing_commas_and_dedup() {
    let c = parse(&peer(
        "AllowedIPs = 10.0.0.0/8, 10.0.0.0/8,\nAllowedIPs = 10.0.0.0/8\n",
    ))
    .unwrap();
    assert_eq!(c.peers[0].allowed_ips.len(), 1);
    assert_eq!(
        err(&peer("AllowedIPs = 10.0.0.0/8,,10.1.0.0/16\n")).0,
        ErrorKind::InvalidValue
    );
    assert_eq!(
        err(&peer("AllowedIPs = ,10.0.0.0/8\n")).0,
        ErrorKind::InvalidValue
    );
    let c = parse(&iface(
        "DNS = 198.51.100.53, example.com, 198.51.100.53, Example.com\n",
    ))
    .unwrap();
    assert_eq!(c.interface.dns_servers.len(), 1);
    assert_eq!(c.interface.dns_search, ["example.com", "Example.com"]);
    assert_eq!(
        err(&iface("DNS = 198.51.100.300\n")).0,
        ErrorKind::InvalidValue
    );
    assert_eq!(
        err(&iface("DNS = -bad.example\n")).0,
        ErrorKind::InvalidValue
    );
    assert_eq!(
        err(&iface("Address = 10.0.0.1/x\n")).0,
        ErrorKind::InvalidValue
    );
    assert_eq!(
        err(&iface("Address = 10.0.0.1/-1\n")).0,
        ErrorKind::InvalidValue
    );
    assert_eq!(
        err(&iface("IncludedApplications = a b\n")).0,
        ErrorKind::InvalidValue
    );
}

#[test]
fn endpoints() {
    let ep = |v: &str| {
        parse(&peer(&format!("Endpoint = {v}\n"))).map(|c| c.peers[0].endpoint.clone().unwrap())
    };
    assert_eq!(
        ep("[::1]:1").unwrap().host,
        EndpointHost::Ip("::1".parse().unwrap())
    );
    assert_eq!(
        ep("Vpn.Example.com.:443").unwrap().host,
        EndpointHost::Name("Vpn.Example.com.".into())
    );
    assert_eq!(ep("198.51.100.1:65535").unwrap().port, 65535);
    for bad in [
        "198.51.100.1:0",
        "198.51.100.1:65536",
        "198.51.100.1:",
        ":51820",
        "[::1]",
        "[::1]51820",
        "[nope]:1",
        "host/x:1",
        "h_st:1",
        "1.2.3.999:1",
        "198.51.100.1:+5",
        "a b:1",
    ] {
        let e = ep(bad).expect_err(bad);
        assert_eq!(
            (e.kind, e.key.as_deref()),
            (ErrorKind::InvalidValue, Some("Endpoint")),
            "{bad}"
        );
    }
}

#[test]
fn sections_and_placement() {
    assert_eq!(
        err("[ Interface ]\n"),
        (
            ErrorKind::UnknownSection,
            None,
            Some("Interface".into()),
            Some(1)
        )
    );
    assert_eq!(err("[Interface\n").0, ErrorKind::UnknownSection);
    assert_eq!(
        err(&iface("[Peer]\n[Peer]\n")),
        (
            ErrorKind::MissingAttribute,
            Some(Section::Peer),
            Some("PublicKey".into()),
            Some(3)
        )
    );
    // Interface sections merge; a single-valued key across them is a duplicate.
    let text = format!("[Interface]\nAddress = 10.0.0.2/32\n[Peer]\nPublicKey = {PUB1}\n[Interface]\nPrivateKey = {PRIV}\nAddress = fd00::2/64\n");
    let c = parse(&text).unwrap();
    assert_eq!(c.interface.addresses.len(), 2);
    let text = format!("{}[Interface]\nPrivateKey = {PRIV}\n", iface(""));
    assert_eq!(
        err(&text),
        (
            ErrorKind::DuplicateAttribute,
            Some(Section::Interface),
            Some("PrivateKey".into()),
            Some(4)
        )
    );
    // A peer error below a header is reported before the interface's missing key.
    let text = format!("[Interface]\nAddress = 10.0.0.2/32\n[Peer]\nPublicKey = {PUB1}\nMTU = 1\n");
    assert_eq!(err(&text).0, ErrorKind::UnknownAttribute);
    // Comment-only and whitespace-only files have no [Interface].
    assert_eq!(err("# nothing\n   \n").0, ErrorKind::MissingSection);
}

#[test]
fn non_utf8_reports_an_earlier_error_first() {
    let mut bytes = iface("MTU = x\n").into_bytes();
    bytes.extend_from_slice(b"DNS = \xff\n");
    let e = parse_bytes(&bytes).unwrap_err();
    assert_eq!((e.kind, e.line), (ErrorKind::InvalidNumber, Some(3)));
    let mut bytes = iface("").into_bytes();
    bytes.extend_from_slice(b"\xc3\x28\n");
    let e = parse_bytes(&bytes).unwrap_err();
    assert_eq!(
        (e.kind, e.section, e.line),
        (ErrorKind::SyntaxError, None, Some(3))
    );
    assert_eq!(parse_bytes(b"\xff").unwrap_err().line, Some(1));
}

#[test]
fn host_keys_round_trip_and_warn() {
    let text = iface("Table = 1234\nPreUp = echo a=b; echo \"c\"\nPreUp = true\nPostDown = ip rule del table 1234\nSaveConfig = false\n");
    let c = parse(&text).unwrap();
    assert_eq!(c.interface.host.pre_up, ["echo a=b; echo \"c\"", "true"]);
    assert_eq!(c.interface.host.save_config, Some(false));
    assert_eq!(parse(&write(&c)).unwrap(), c);
    let codes: Vec<String> = c.warnings().into_iter().map(|w| w.code).collect();
    assert_eq!(codes.iter().filter(|c| *c == "HOST_ONLY_KEY").count(), 4);
}

#[test]
fn peer_warnings() {
    let own = culvert_core::config::PrivateKey::from_base64(PRIV)
        .unwrap()
        .public_key();
    let text = format!(
        "[Interface]\nPrivateKey = {PRIV}\nAddress = fd00::2/64\nMTU = 1200\n[Peer]\nPublicKey = {own}\n[Peer]\nPublicKey = {PUB1}\nAllowedIPs = 10.0.0.0/8\nEndpoint = 198.51.100.1:1\n[Peer]\nPublicKey = U43LET0YqTJO3wT4L/2TxPlEFtw8GX1g/iihM6hPwUM=\nAllowedIPs = 10.0.0.1/8\nEndpoint = 198.51.100.1:2\n"
    );
    let codes: Vec<String> = parse(&text)
        .unwrap()
        .warnings()
        .into_iter()
        .map(|w| w.code)
        .collect();
    assert_eq!(
        codes,
        [
            "MTU_BELOW_IPV6_MINIMUM",
            "PEER_IS_SELF",
            "PEER_NO_ALLOWED_IPS",
            "PEER_NO_ENDPOINT",
            "OVERLAPPING_ALLOWED_IPS"
        ]
    );
}

#[test]
fn large_inputs_parse_in_linear_time() {
    // 50 000 AllowedIPs lines (about 1.3 MB): deduplication must not be quadratic.
    let mut text = peer("");
    for i in 0..50_000u32 {
        text.push_str(&format!(
            "AllowedIPs = 10.{}.{}.0/24\n",
            i >> 8 & 0xff,
            i & 0xff
        ));
    }
    let c = parse(&text).unwrap();
    // Every line is a distinct /24 (i < 65 536), so all are kept.
    assert_eq!(c.peers[0].allowed_ips.len(), 50_000);
}
