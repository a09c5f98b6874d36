//! `parse(write_wifi_uri(n)) == n` for generated networks whose values are full of
//! the characters `WIFI:` escapes (`\ ; : , "`), and no panic on arbitrary input.
//! (`owe` and `wpa-sae` are written lossily by design and are tested in
//! `hotspot_fixtures.rs`.)

use culvert_core::hotspot::{
    parse_hotspot, write_wifi_uri, EapConfig, EapMethod, HotspotFormat, Phase2, Secret, Security,
    WifiNetwork,
};
use culvert_core::qr::parse_qr;
use proptest::prelude::*;

const TEXT: &str = "[a-zA-Z0-9 \\\\;:,\"'.@#%&é🚀\t-]{1,40}";

fn eap_method() -> impl Strategy<Value = EapMethod> {
    prop_oneof![
        Just(EapMethod::Tls),
        Just(EapMethod::Ttls),
        Just(EapMethod::Peap),
        Just(EapMethod::Pwd),
        Just(EapMethod::Fast),
        Just(EapMethod::Sim),
        Just(EapMethod::Aka),
        Just(EapMethod::AkaPrime),
    ]
}

fn phase2() -> impl Strategy<Value = Phase2> {
    prop_oneof![
        Just(Phase2::Pap),
        Just(Phase2::Chap),
        Just(Phase2::Mschap),
        Just(Phase2::Mschapv2),
        Just(Phase2::Gtc),
        Just(Phase2::Eap),
    ]
}

fn network() -> impl Strategy<Value = WifiNetwork> {
    let security = prop_oneof![
        Just(Security::Open),
        Just(Security::Wep),
        Just(Security::Wpa),
        Just(Security::Sae),
        Just(Security::Eap),
    ];
    (
        TEXT,
        any::<bool>(),
        security,
        proptest::option::of(TEXT),
        proptest::option::of(eap_method()),
        proptest::option::of(phase2()),
        proptest::option::of(TEXT),
        proptest::option::of(TEXT),
    )
        .prop_map(
            |(ssid, hidden, security, password, method, phase2, identity, anonymous)| WifiNetwork {
                ssid: Some(ssid),
                hidden,
                security,
                password: if security == Security::Open {
                    None
                } else {
                    password.map(Secret::new)
                },
                eap: (security == Security::Eap).then(|| EapConfig {
                    method,
                    phase2,
                    identity,
                    anonymous_identity: anonymous,
                    ..EapConfig::default()
                }),
                ..WifiNetwork::default()
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn write_then_parse_is_identity(n in network()) {
        let uri = write_wifi_uri(&n).unwrap();
        let parsed = parse_hotspot(uri.as_bytes(), None).unwrap();
        prop_assert_eq!(parsed.format, HotspotFormat::Wifi);
        prop_assert_eq!(&parsed.networks[0], &n);
        // The same through the QR entry point.
        let via_qr = match parse_qr(&uri).unwrap() {
            culvert_core::qr::QrPayload::Wifi(c) => c,
            other => panic!("not wifi: {other:?}"),
        };
        prop_assert_eq!(&via_qr.networks[0], &n);
    }

    #[test]
    fn arbitrary_text_never_panics(s in "(WIFI:|DPP:|<MgmtTree>|<plist>|\\[Interface\\]\n)?[ -~\\\\;:,\n]{0,200}") {
        let _ = parse_hotspot(s.as_bytes(), None);
        let _ = parse_qr(&s);
    }

    #[test]
    fn arbitrary_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_hotspot(&b, None);
        let _ = parse_hotspot(&b, Some("application/x-wifi-config"));
        let _ = parse_hotspot(&b, Some("application/x-apple-aspen-config"));
    }
}
