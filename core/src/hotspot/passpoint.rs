//! Android Passpoint installation files (`application/x-wifi-config`) and the
//! PerProviderSubscription management object (PPS MO) inside them, with the checks
//! AOSP's `ConfigParser` and `PpsMoParser` make.
//!
//! The file is base64 of a MIME `multipart/mixed` message whose parts (each base64)
//! are the PPS MO XML (`application/x-passpoint-profile`, required), a CA certificate
//! (`application/x-x509-ca-cert`) and a PKCS#12 client identity (`application/x-pkcs12`).

use super::model::{
    ClientIdentity, EapConfig, EapMethod, HotspotError, HotspotWarning, PasspointConfig,
    PasspointCredential, Phase2, Secret, SecretBytes, Security, WifiNetwork,
};
use super::warnings::codes;
use base64::Engine as _;
use mailparse::MailHeaderMap;

const TYPE_PROFILE: &str = "application/x-passpoint-profile";
const TYPE_CA_CERT: &str = "application/x-x509-ca-cert";
const TYPE_PKCS12: &str = "application/x-pkcs12";
const PPS_URN: &str = "urn:wfa:mo:hotspot2dot0-perprovidersubscription:1.0";
const MAX_DEPTH: usize = 32;

/// Base64 as Android's `Base64.DEFAULT` decodes it: whitespace ignored, padding optional.
pub(crate) fn decode_base64_lenient(text: &[u8]) -> Option<Vec<u8>> {
    let cleaned: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    engine.decode(cleaned).ok()
}

/// PEM (one or more blocks; the first is used) to DER.
pub(crate) fn pem_to_der(data: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(data).ok()?;
    let start = text.find("-----BEGIN")?;
    let body_start = start + text[start..].find('\n')? + 1;
    let end = body_start + text[body_start..].find("-----END")?;
    decode_base64_lenient(&text.as_bytes()[body_start..end])
}

/// Whether the bytes are one complete DER SEQUENCE (the outline of a certificate).
pub(crate) fn is_der_sequence(bytes: &[u8]) -> bool {
    use der::{Decode, Tagged};
    der::asn1::AnyRef::from_der(bytes).is_ok_and(|a| a.tag() == der::Tag::Sequence)
}

/// Whether decoded bytes look like the MIME message of an installation file.
pub(crate) fn looks_like_mime(bytes: &[u8]) -> bool {
    let head: Vec<u8> = bytes
        .iter()
        .take(64)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    head.starts_with(b"mime-version:") || head.starts_with(b"content-type:")
}

/// Parses an installation file (the raw bytes as downloaded: base64 text).
pub fn parse_install_file(data: &[u8]) -> Result<(WifiNetwork, Vec<HotspotWarning>), HotspotError> {
    let decoded = decode_base64_lenient(data).ok_or_else(|| {
        HotspotError::malformed(
            "Passpoint installation file: the content is not base64 (application/x-wifi-config is base64 of a MIME message)",
        )
    })?;
    let message = mailparse::parse_mail(&decoded).map_err(|e| {
        HotspotError::malformed(format!(
            "Passpoint installation file: bad MIME message: {e}"
        ))
    })?;
    if message.ctype.mimetype != "multipart/mixed" {
        return Err(HotspotError::invalid(format!(
            "Passpoint installation file: Content-Type is {}, not multipart/mixed",
            message.ctype.mimetype.chars().take(64).collect::<String>()
        )));
    }
    let boundary = message
        .ctype
        .params
        .get("boundary")
        .filter(|b| !b.is_empty())
        .ok_or_else(|| {
            HotspotError::missing("Passpoint installation file: the multipart boundary is missing")
        })?
        .clone();
    let encoding = message
        .headers
        .get_first_value("Content-Transfer-Encoding")
        .unwrap_or_default();
    if !encoding.trim().eq_ignore_ascii_case("base64") {
        return Err(HotspotError::invalid(format!(
            "Passpoint installation file: Content-Transfer-Encoding is \"{}\", Android requires base64",
            encoding.chars().take(32).collect::<String>()
        )));
    }
    let end_line = format!("--{boundary}--");
    let has_end = decoded
        .split(|b| *b == b'\n')
        .any(|line| line.strip_suffix(b"\r").unwrap_or(line) == end_line.as_bytes());
    if !has_end {
        return Err(HotspotError::malformed(
            "Passpoint installation file: the closing MIME boundary is missing",
        ));
    }

    let mut profile = None;
    let mut ca_cert = None;
    let mut pkcs12 = None;
    for part in &message.subparts {
        let kind = part.ctype.mimetype.as_str();
        let encoding = part
            .headers
            .get_first_value("Content-Transfer-Encoding")
            .unwrap_or_default();
        if !encoding.trim().eq_ignore_ascii_case("base64") {
            return Err(HotspotError::invalid(format!(
                "Passpoint installation file: a {} part is not base64",
                kind.chars().take(64).collect::<String>()
            )));
        }
        let slot = match kind {
            TYPE_PROFILE => &mut profile,
            TYPE_CA_CERT => &mut ca_cert,
            TYPE_PKCS12 => &mut pkcs12,
            other => {
                return Err(HotspotError::invalid(format!(
                    "Passpoint installation file: unexpected part type {} (allowed: {TYPE_PROFILE}, {TYPE_CA_CERT}, {TYPE_PKCS12})",
                    other.chars().take(64).collect::<String>()
                )))
            }
        };
        let body = part.get_body_raw().map_err(|_| {
            HotspotError::malformed(format!(
                "Passpoint installation file: the {kind} part is not valid base64"
            ))
        })?;
        // A repeated part type replaces the earlier one, as in AOSP's map of parts.
        *slot = Some(body);
    }
    let profile = profile.ok_or_else(|| {
        HotspotError::missing(format!(
            "Passpoint installation file: no {TYPE_PROFILE} part"
        ))
    })?;
    let text = std::str::from_utf8(&profile).map_err(|_| {
        HotspotError::malformed("Passpoint installation file: the profile is not UTF-8")
    })?;
    let (mut network, warnings) = parse_pps_xml(text)?;
    let eap = network.eap.get_or_insert_with(EapConfig::default);
    if let Some(cert) = ca_cert {
        let der = if cert.starts_with(b"-----BEGIN") {
            pem_to_der(&cert)
        } else {
            Some(cert)
        }
        .filter(|d| is_der_sequence(d))
        .ok_or_else(|| {
            HotspotError::invalid(
                "Passpoint installation file: the CA certificate is not a PEM or DER certificate",
            )
        })?;
        eap.ca_certificates.push(der);
    }
    if let Some(p12) = pkcs12 {
        eap.client_identity = Some(ClientIdentity {
            pkcs12: SecretBytes::new(p12),
            password: None,
        });
    }
    Ok((network, warnings))
}

/// A PPS MO node: a leaf with a value, or an interior node with uniquely named children.
enum Node {
    Leaf(String, String),
    Interior(String, Vec<Node>),
}

impl Node {
    fn name(&self) -> &str {
        match self {
            Node::Leaf(n, _) | Node::Interior(n, _) => n,
        }
    }
    fn value(&self) -> Result<&str, HotspotError> {
        match self {
            Node::Leaf(_, v) => Ok(v),
            Node::Interior(n, _) => Err(HotspotError::invalid(format!(
                "PPS MO: {n} must have a Value, not child nodes"
            ))),
        }
    }
    fn children(&self) -> Result<&[Node], HotspotError> {
        match self {
            Node::Interior(_, c) => Ok(c),
            Node::Leaf(n, _) => Err(HotspotError::invalid(format!(
                "PPS MO: {n} must have child nodes, not a Value"
            ))),
        }
    }
}

fn element_text(node: roxmltree::Node<'_, '_>) -> String {
    node.children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect::<String>()
        .trim()
        .to_string()
}

fn elements<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    node.children().filter(|c| c.is_element())
}

fn build_node(xml: roxmltree::Node<'_, '_>, depth: usize) -> Result<Node, HotspotError> {
    if depth > MAX_DEPTH {
        return Err(HotspotError::malformed("PPS MO: nodes nested too deeply"));
    }
    let mut name = None;
    let mut value = None;
    let mut children: Vec<Node> = Vec::new();
    let mut names = std::collections::HashSet::new();
    for child in elements(xml) {
        match child.tag_name().name() {
            "NodeName" => {
                if name.is_some() {
                    return Err(HotspotError::invalid(
                        "PPS MO: a Node has two NodeName elements",
                    ));
                }
                name = Some(element_text(child));
            }
            "Value" => {
                if value.is_some() {
                    return Err(HotspotError::invalid(
                        "PPS MO: a Node has two Value elements",
                    ));
                }
                value = Some(element_text(child));
            }
            "Node" => {
                let node = build_node(child, depth + 1)?;
                if !names.insert(node.name().to_string()) {
                    return Err(HotspotError::invalid(format!(
                        "PPS MO: duplicate node {}",
                        node.name().chars().take(64).collect::<String>()
                    )));
                }
                children.push(node);
            }
            other => {
                return Err(HotspotError::invalid(format!(
                    "PPS MO: unknown element <{}> in a Node",
                    other.chars().take(64).collect::<String>()
                )))
            }
        }
    }
    let name = name.ok_or_else(|| HotspotError::missing("PPS MO: a Node has no NodeName"))?;
    match (value, children.is_empty()) {
        (Some(_), false) => Err(HotspotError::invalid(format!(
            "PPS MO: node {name} has both a Value and child nodes"
        ))),
        (None, true) => Err(HotspotError::missing(format!(
            "PPS MO: node {name} has neither a Value nor child nodes"
        ))),
        (Some(v), true) => Ok(Node::Leaf(name, v)),
        (None, false) => Ok(Node::Interior(name, children)),
    }
}

/// Parses a PerProviderSubscription MO (the XML `MgmtTree`).
pub fn parse_pps_xml(text: &str) -> Result<(WifiNetwork, Vec<HotspotWarning>), HotspotError> {
    // roxmltree's messages can quote input (entity names): report the position only.
    let doc = roxmltree::Document::parse(text).map_err(|e| {
        HotspotError::malformed(format!(
            "PPS MO: not well-formed XML (or it has a DTD) at {}",
            e.pos()
        ))
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "MgmtTree" {
        return Err(HotspotError::invalid(
            "PPS MO: the root element is not MgmtTree",
        ));
    }
    let mut pps = None;
    let mut ver_dtd = false;
    for child in elements(root) {
        match child.tag_name().name() {
            "VerDTD" if !ver_dtd => ver_dtd = true,
            "VerDTD" => return Err(HotspotError::invalid("PPS MO: duplicate VerDTD")),
            "Node" if pps.is_none() => pps = Some(child),
            "Node" => {
                return Err(HotspotError::invalid(
                    "PPS MO: more than one Node under MgmtTree",
                ))
            }
            other => {
                return Err(HotspotError::invalid(format!(
                    "PPS MO: unknown element <{}> under MgmtTree",
                    other.chars().take(64).collect::<String>()
                )))
            }
        }
    }
    let pps =
        pps.ok_or_else(|| HotspotError::missing("PPS MO: no PerProviderSubscription node"))?;

    let mut instance = None;
    let mut saw_name = false;
    for child in elements(pps) {
        match child.tag_name().name() {
            "NodeName" => {
                if saw_name {
                    return Err(HotspotError::invalid("PPS MO: duplicate NodeName"));
                }
                saw_name = true;
                if element_text(child) != "PerProviderSubscription" {
                    return Err(HotspotError::invalid(
                        "PPS MO: the top node is not named PerProviderSubscription",
                    ));
                }
            }
            "RTProperties" => {
                let urn = elements(child)
                    .find(|c| c.tag_name().name() == "Type")
                    .and_then(|t| elements(t).find(|c| c.tag_name().name() == "DDFName"))
                    .map(element_text);
                if urn.as_deref() != Some(PPS_URN) {
                    return Err(HotspotError::invalid(format!(
                        "PPS MO: RTProperties/Type/DDFName must be {PPS_URN}"
                    )));
                }
            }
            "Node" => {
                let node = build_node(child, 1)?;
                if node.name() == "UpdateIdentifier" {
                    node.value()?.trim().parse::<i32>().map_err(|_| {
                        HotspotError::invalid("PPS MO: UpdateIdentifier is not an integer")
                    })?;
                } else if instance.is_some() {
                    return Err(HotspotError::invalid(
                        "PPS MO: more than one PerProviderSubscription instance",
                    ));
                } else {
                    instance = Some(node);
                }
            }
            other => {
                return Err(HotspotError::invalid(format!(
                    "PPS MO: unknown element <{}> in PerProviderSubscription",
                    other.chars().take(64).collect::<String>()
                )))
            }
        }
    }
    if !saw_name {
        return Err(HotspotError::missing(
            "PPS MO: the top node has no NodeName",
        ));
    }
    let instance =
        instance.ok_or_else(|| HotspotError::missing("PPS MO: no subscription instance node"))?;
    instance_to_network(&instance)
}

fn check_known(parent: &str, node: &Node, known: &[&str]) -> Result<(), HotspotError> {
    if known.contains(&node.name()) {
        Ok(())
    } else {
        Err(HotspotError::invalid(format!(
            "PPS MO: unknown node {} under {parent}",
            node.name().chars().take(64).collect::<String>()
        )))
    }
}

fn instance_to_network(
    instance: &Node,
) -> Result<(WifiNetwork, Vec<HotspotWarning>), HotspotError> {
    let mut warnings = Vec::new();
    let mut home_sp = None;
    let mut credential = None;
    let mut trusted_names = Vec::new();
    for node in instance.children()? {
        check_known(
            "the subscription",
            node,
            &[
                "HomeSP",
                "Credential",
                "Policy",
                "AAAServerTrustRoot",
                "SubscriptionUpdate",
                "SubscriptionParameter",
                "SubscriptionParameters",
                "CredentialPriority",
                "Extension",
            ],
        )?;
        match node.name() {
            "HomeSP" => home_sp = Some(node),
            "Credential" => credential = Some(node),
            "CredentialPriority" => {
                node.value()?.trim().parse::<i32>().map_err(|_| {
                    HotspotError::invalid("PPS MO: CredentialPriority is not an integer")
                })?;
            }
            "Extension" => trusted_names = android_trusted_names(node),
            _ => {}
        }
    }
    let home_sp = home_sp.ok_or_else(|| HotspotError::missing("PPS MO: HomeSP is missing"))?;
    let credential = credential.ok_or_else(|| {
        HotspotError::missing(
            "PPS MO: Credential is missing (Android refuses a profile without one)",
        )
    })?;

    let mut passpoint = PasspointConfig::default();
    let mut fqdn = None;
    for node in home_sp.children()? {
        check_known(
            "HomeSP",
            node,
            &[
                "FQDN",
                "FriendlyName",
                "RoamingConsortiumOI",
                "IconURL",
                "NetworkID",
                "HomeOIList",
                "OtherHomePartners",
            ],
        )?;
        match node.name() {
            "FQDN" => fqdn = Some(node.value()?.to_string()),
            "FriendlyName" => passpoint.friendly_name = Some(node.value()?.to_string()),
            "RoamingConsortiumOI" => {
                for oi in node.value()?.split(',') {
                    passpoint
                        .roaming_consortium_ois
                        .push(super::normalize_oi(oi.trim()).ok_or_else(|| {
                            HotspotError::invalid("PPS MO: RoamingConsortiumOI must be comma-separated hex OIs of 3 to 15 octets")
                        })?);
                }
            }
            "OtherHomePartners" => {
                for partner in node.children()? {
                    for field in partner.children()? {
                        check_known("OtherHomePartners", field, &["FQDN"])?;
                        passpoint
                            .other_home_partners
                            .push(field.value()?.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    passpoint.fqdn = fqdn
        .filter(|f| !f.is_empty())
        .ok_or_else(|| HotspotError::missing("PPS MO: HomeSP/FQDN is missing"))?;
    if passpoint.friendly_name.as_deref().unwrap_or("").is_empty() {
        return Err(HotspotError::missing(
            "PPS MO: HomeSP/FriendlyName is missing",
        ));
    }

    let mut eap = EapConfig {
        trusted_server_names: trusted_names,
        ..EapConfig::default()
    };
    let mut password = None;
    let mut user = None;
    let mut cert = None;
    let mut sim = None;
    for node in credential.children()? {
        check_known(
            "Credential",
            node,
            &[
                "CreationDate",
                "ExpirationDate",
                "Realm",
                "CheckAAAServerCertStatus",
                "UsernamePassword",
                "DigitalCertificate",
                "SIM",
            ],
        )?;
        match node.name() {
            "Realm" => passpoint.realm = Some(node.value()?.to_string()),
            "UsernamePassword" => user = Some(node),
            "DigitalCertificate" => cert = Some(node),
            "SIM" => sim = Some(node),
            _ => {}
        }
    }
    if passpoint.realm.as_deref().unwrap_or("").is_empty() {
        return Err(HotspotError::missing("PPS MO: Credential/Realm is missing"));
    }
    let present = [user.is_some(), cert.is_some(), sim.is_some()]
        .iter()
        .filter(|p| **p)
        .count();
    if present > 1 {
        warnings.push(HotspotWarning::new(
            codes::PASSPOINT_EXTRA_CREDENTIALS,
            "PPS MO: more than one credential type; the first of username/password, certificate, SIM is used, as Android does",
        ));
    }
    if let Some(user) = user {
        let mut eap_type = None;
        let mut inner = None;
        for node in user.children()? {
            check_known(
                "UsernamePassword",
                node,
                &[
                    "Username",
                    "Password",
                    "MachineManaged",
                    "SoftTokenApp",
                    "AbleToShare",
                    "EAPMethod",
                ],
            )?;
            match node.name() {
                "Username" => eap.identity = Some(node.value()?.to_string()),
                "Password" => {
                    let decoded = decode_base64_lenient(node.value()?.as_bytes())
                        .and_then(|b| String::from_utf8(b).ok())
                        .ok_or_else(|| {
                            HotspotError::invalid(
                                "PPS MO: UsernamePassword/Password is not base64 of UTF-8 text",
                            )
                        })?;
                    password = Some(Secret::new(decoded));
                }
                "EAPMethod" => {
                    for field in node.children()? {
                        check_known(
                            "EAPMethod",
                            field,
                            &[
                                "EAPType",
                                "InnerMethod",
                                "VendorId",
                                "VendorType",
                                "InnerEAPType",
                                "InnerVendorID",
                                "InnerVendorType",
                            ],
                        )?;
                        match field.name() {
                            "EAPType" => eap_type = Some(field.value()?.trim().to_string()),
                            "InnerMethod" => inner = Some(field.value()?.trim().to_string()),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        if eap.identity.as_deref().unwrap_or("").is_empty() {
            return Err(HotspotError::missing(
                "PPS MO: UsernamePassword/Username is missing",
            ));
        }
        if password.is_none() {
            return Err(HotspotError::missing(
                "PPS MO: UsernamePassword/Password is missing",
            ));
        }
        if eap_type.as_deref() != Some("21") {
            return Err(HotspotError::unsupported(
                "PPS MO: a username/password credential must use EAP-TTLS (EAPType 21), as Android requires",
            ));
        }
        eap.method = Some(EapMethod::Ttls);
        let inner = inner.ok_or_else(|| {
            HotspotError::missing("PPS MO: UsernamePassword/EAPMethod/InnerMethod is missing")
        })?;
        eap.phase2 = Some(match inner.as_str() {
            "PAP" => Phase2::Pap,
            "CHAP" => Phase2::Chap,
            "MS-CHAP" => Phase2::Mschap,
            "MS-CHAP-V2" => Phase2::Mschapv2,
            _ => {
                return Err(HotspotError::invalid(
                    "PPS MO: InnerMethod must be PAP, CHAP, MS-CHAP or MS-CHAP-V2",
                ))
            }
        });
        passpoint.credential = Some(PasspointCredential::UsernamePassword);
    } else if let Some(cert) = cert {
        let mut fingerprint = None;
        for node in cert.children()? {
            check_known(
                "DigitalCertificate",
                node,
                &["CertificateType", "CertSHA256Fingerprint"],
            )?;
            match node.name() {
                "CertificateType" if node.value()? != "x509v3" => {
                    return Err(HotspotError::unsupported(
                        "PPS MO: DigitalCertificate/CertificateType must be x509v3",
                    ))
                }
                "CertSHA256Fingerprint" => {
                    let f = node.value()?.trim().to_ascii_lowercase();
                    if f.len() != 64 || !super::model::is_hex(&f) {
                        return Err(HotspotError::invalid(
                            "PPS MO: CertSHA256Fingerprint must be 64 hex digits",
                        ));
                    }
                    fingerprint = Some(f);
                }
                _ => {}
            }
        }
        eap.method = Some(EapMethod::Tls);
        passpoint.credential = Some(PasspointCredential::Certificate {
            sha256_fingerprint: fingerprint,
        });
    } else if let Some(sim) = sim {
        let mut imsi = None;
        let mut eap_type = None;
        for node in sim.children()? {
            check_known("SIM", node, &["IMSI", "EAPType"])?;
            match node.name() {
                "IMSI" => imsi = Some(node.value()?.trim().to_string()),
                _ => eap_type = Some(node.value()?.trim().to_string()),
            }
        }
        let imsi = imsi
            .filter(|i| !i.is_empty())
            .ok_or_else(|| HotspotError::missing("PPS MO: SIM/IMSI is missing"))?;
        eap.method = Some(match eap_type.as_deref() {
            Some("18") => EapMethod::Sim,
            Some("23") => EapMethod::Aka,
            Some("50") => EapMethod::AkaPrime,
            _ => {
                return Err(HotspotError::invalid(
                    "PPS MO: SIM/EAPType must be 18 (SIM), 23 (AKA) or 50 (AKA')",
                ))
            }
        });
        passpoint.credential = Some(PasspointCredential::Sim { imsi });
    } else {
        return Err(HotspotError::missing(
            "PPS MO: Credential has no UsernamePassword, DigitalCertificate or SIM",
        ));
    }

    Ok((
        WifiNetwork {
            ssid: None,
            ssid_is_prefix: false,
            hidden: false,
            security: Security::Eap,
            password,
            join_once: false,
            eap: Some(eap),
            passpoint: Some(passpoint),
        },
        warnings,
    ))
}

/// `Extension/Android/AAAServerTrustedNames/FQDN` (`;`-separated), where present.
fn android_trusted_names(extension: &Node) -> Vec<String> {
    let Node::Interior(_, children) = extension else {
        return Vec::new();
    };
    children
        .iter()
        .filter(|n| n.name() == "Android")
        .filter_map(|n| match n {
            Node::Interior(_, c) => Some(c),
            Node::Leaf(..) => None,
        })
        .flatten()
        .filter(|n| n.name() == "AAAServerTrustedNames")
        .filter_map(|n| match n {
            Node::Interior(_, c) => Some(c),
            Node::Leaf(..) => None,
        })
        .flatten()
        .filter(|n| n.name() == "FQDN")
        .filter_map(|n| n.value().ok())
        .flat_map(|v| v.split(';'))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}
