//! Property tests: route subtraction covers exactly the right addresses (v4 and v6),
//! and its result is minimal.

use culvert_core::settings::{normalize, subtract};
use ipnetwork::IpNetwork;
use proptest::prelude::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Prefixes inside a small universe (4096 addresses) so every address can be checked.
fn small_v4() -> impl Strategy<Value = IpNetwork> {
    (0u32..4096, 20u8..=32).prop_map(|(offset, prefix)| {
        let base = u32::from(Ipv4Addr::new(198, 51, 96, 0));
        IpNetwork::new(IpAddr::V4(Ipv4Addr::from(base + offset)), prefix).unwrap()
    })
}

fn small_v6() -> impl Strategy<Value = IpNetwork> {
    (0u128..4096, 116u8..=128).prop_map(|(offset, prefix)| {
        let base = u128::from(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 0));
        IpNetwork::new(IpAddr::V6(Ipv6Addr::from(base + offset)), prefix).unwrap()
    })
}

fn any_net() -> impl Strategy<Value = IpNetwork> {
    prop_oneof![
        (any::<u32>(), 0u8..=32)
            .prop_map(|(a, p)| IpNetwork::new(IpAddr::V4(a.into()), p).unwrap()),
        (any::<u128>(), 0u8..=128)
            .prop_map(|(a, p)| IpNetwork::new(IpAddr::V6(a.into()), p).unwrap()),
    ]
}

fn covered(nets: &[IpNetwork], ip: IpAddr) -> bool {
    nets.iter().any(|n| n.contains(ip))
}

fn first_last(n: &IpNetwork) -> (u128, u128, bool) {
    match (n.network(), n.broadcast()) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u32::from(a).into(), u32::from(b).into(), false),
        (IpAddr::V6(a), IpAddr::V6(b)) => (a.into(), b.into(), true),
        _ => unreachable!(),
    }
}

fn ip(v: u128, v6: bool) -> IpAddr {
    if v6 {
        IpAddr::V6(v.into())
    } else {
        IpAddr::V4((v as u32).into())
    }
}

/// No overlaps, and no two results that could merge into one prefix.
fn assert_minimal(result: &[IpNetwork]) {
    for (i, a) in result.iter().enumerate() {
        assert_eq!(a.ip(), a.network(), "{a} not in network form");
        for b in &result[i + 1..] {
            let (a0, a1, av6) = first_last(a);
            let (b0, b1, bv6) = first_last(b);
            if av6 != bv6 {
                continue;
            }
            assert!(a1 < b0 || b1 < a0, "{a} and {b} overlap");
            if a.prefix() == b.prefix() && a.prefix() > 0 {
                let parent = IpNetwork::new(a.ip(), a.prefix() - 1).unwrap();
                assert!(
                    !parent.contains(b.ip()),
                    "{a} and {b} are mergeable siblings"
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn v4_subtraction_is_exact(include in prop::collection::vec(small_v4(), 0..6),
                               exclude in prop::collection::vec(small_v4(), 0..6)) {
        let result = subtract(&include, &exclude);
        assert_minimal(&result);
        let base = u32::from(Ipv4Addr::new(198, 51, 96, 0));
        for off in 0..4096u32 {
            let addr = IpAddr::V4(Ipv4Addr::from(base + off));
            prop_assert_eq!(covered(&result, addr), covered(&include, addr) && !covered(&exclude, addr), "{}", addr);
        }
        // Outside the universe nothing is covered.
        prop_assert!(!covered(&result, IpAddr::V4(Ipv4Addr::from(base - 1))));
        prop_assert!(!covered(&result, IpAddr::V4(Ipv4Addr::from(base + 4096))));
    }

    #[test]
    fn v6_subtraction_is_exact(include in prop::collection::vec(small_v6(), 0..6),
                               exclude in prop::collection::vec(small_v6(), 0..6)) {
        let result = subtract(&include, &exclude);
        assert_minimal(&result);
        let base = u128::from(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 0));
        for off in 0..4096u128 {
            let addr = IpAddr::V6(Ipv6Addr::from(base + off));
            prop_assert_eq!(covered(&result, addr), covered(&include, addr) && !covered(&exclude, addr), "{}", addr);
        }
    }

    /// Whole address space, both families: check every boundary address (first,
    /// last, and one either side of each input prefix) plus random probes.
    #[test]
    fn subtraction_is_exact_at_every_boundary(include in prop::collection::vec(any_net(), 0..6),
                                              exclude in prop::collection::vec(any_net(), 0..6),
                                              probes in prop::collection::vec(any::<u128>(), 16)) {
        let result = subtract(&include, &exclude);
        assert_minimal(&result);
        let mut points = Vec::new();
        for n in include.iter().chain(&exclude).chain(&result) {
            let (first, last, v6) = first_last(n);
            for v in [first.wrapping_sub(1), first, last, last.wrapping_add(1)] {
                if v6 || v <= u128::from(u32::MAX) {
                    points.push(ip(v, v6));
                }
            }
        }
        for p in probes {
            points.push(ip(p, true));
            points.push(ip(p & 0xffff_ffff, false));
        }
        for addr in points {
            prop_assert_eq!(covered(&result, addr), covered(&include, addr) && !covered(&exclude, addr), "{}", addr);
        }
    }

    #[test]
    fn normalize_keeps_coverage_and_drops_contained(nets in prop::collection::vec(any_net(), 0..8),
                                                    probes in prop::collection::vec(any::<u128>(), 16)) {
        let norm = normalize(&nets);
        for (i, a) in norm.iter().enumerate() {
            prop_assert_eq!(a.ip(), a.network());
            for b in &norm[i + 1..] {
                prop_assert!(!(a.contains(b.ip()) && a.prefix() <= b.prefix()), "{} contains {}", a, b);
                prop_assert!(!(b.contains(a.ip()) && b.prefix() <= a.prefix()), "{} contains {}", b, a);
            }
        }
        let mut points: Vec<IpAddr> = nets.iter().flat_map(|n| [n.network(), n.broadcast()]).collect();
        for p in probes {
            points.push(ip(p, true));
            points.push(ip(p & 0xffff_ffff, false));
        }
        for addr in points {
            prop_assert_eq!(covered(&norm, addr), covered(&nets, addr));
        }
    }
}
