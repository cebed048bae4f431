//! Which addresses the server may never fetch from: everything but the public internet. A URL
//! someone gives us must not reach our own machine, our network, cloud metadata services or the
//! Lambda runtime API (169.254.100.1), whatever names or encodings it hides them behind.

use ipnet::IpNet;
use std::net::IpAddr;
use std::sync::LazyLock;

const REFUSED: &[(&str, &str)] = &[
    ("0.0.0.0/8", "unspecified"),
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "shared_address_space"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link_local"),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "reserved"),
    ("192.0.2.0/24", "documentation"),
    ("192.88.99.0/24", "reserved"),
    ("192.168.0.0/16", "private"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    // IPv4-mapped and -compatible, NAT64, 6to4 and Teredo all carry an IPv4 address inside.
    ("::ffff:0:0/96", "ipv4_mapped"),
    ("::/96", "ipv4_compatible"),
    ("64:ff9b::/96", "nat64"),
    ("64:ff9b:1::/48", "nat64"),
    ("100::/64", "discard"),
    ("2001::/32", "teredo"),
    ("2001:db8::/32", "documentation"),
    ("2002::/16", "6to4"),
    ("fc00::/7", "unique_local"),
    ("fe80::/10", "link_local"),
    ("fec0::/10", "site_local"),
    ("ff00::/8", "multicast"),
];

static TABLE: LazyLock<Vec<(IpNet, &'static str)>> =
    LazyLock::new(|| REFUSED.iter().filter_map(|(net, why)| net.parse().ok().map(|n| (n, *why))).collect());

/// Why the server may not connect to `ip`, or `None` when it may.
pub fn refusal(ip: IpAddr) -> Option<&'static str> {
    TABLE.iter().find(|(net, _)| net.contains(&ip)).map(|(_, why)| *why)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_range_parses() {
        assert_eq!(TABLE.len(), REFUSED.len());
    }

    #[test]
    fn refused_ranges() {
        for (ip, why) in [
            ("127.0.0.1", "loopback"),
            ("127.255.0.9", "loopback"),
            ("10.1.2.3", "private"),
            ("172.31.255.255", "private"),
            ("192.168.1.1", "private"),
            ("169.254.169.254", "link_local"),
            ("169.254.100.1", "link_local"),
            ("100.64.0.1", "shared_address_space"),
            ("0.0.0.0", "unspecified"),
            ("224.0.0.251", "multicast"),
            ("255.255.255.255", "reserved"),
            ("::1", "loopback"),
            ("::", "unspecified"),
            ("::ffff:127.0.0.1", "ipv4_mapped"),
            ("::ffff:8.8.8.8", "ipv4_mapped"),
            ("::127.0.0.1", "ipv4_compatible"),
            ("64:ff9b::a00:1", "nat64"),
            ("2002:7f00:1::", "6to4"),
            ("fd00:ec2::254", "unique_local"),
            ("fe80::1", "link_local"),
            ("ff02::1", "multicast"),
        ] {
            assert_eq!(refusal(ip.parse().unwrap()), Some(why), "{ip}");
        }
    }

    #[test]
    fn the_public_internet_is_allowed() {
        for ip in ["17.253.144.10", "8.8.8.8", "151.101.1.140", "2620:149:af0::10", "2a03:2880:f12f::1"] {
            assert_eq!(refusal(ip.parse().unwrap()), None, "{ip}");
        }
    }
}
