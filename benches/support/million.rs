//! A review of a million findings for the app's benchmarks: the demo directory copied until
//! its findings number `count`, each copy made its own (its DNs and CNs numbered, its
//! addresses and nicknames numbered, its objectGUIDs and anchors mixed with the copy's number),
//! with the copied objects, so the plan and the check of the new values see the objects the
//! findings came from and copies never collide with each other.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use syncready::model::{AttrName, DirObject, ObjectBuilder, ObjectGuid, ValueRef};
use syncready::rules::{Finding, Ruleset, scan};
use syncready::source::{NoProgress, SourceSpec, read_sources};

/// `count` findings, and the objects they are on (only those: the demo's objects without a
/// finding are not copied).
pub fn million_review(count: usize) -> (Vec<Finding>, Vec<DirObject>) {
    let demo = read_sources(&[SourceSpec::Demo], &NoProgress).expect("the demo reads");
    let findings = scan(&demo.objects, &Ruleset::multi_tenant()).findings;
    let mut kept: Vec<u32> = findings.iter().flat_map(|f| f.object.iter().chain(&f.holders)).copied().collect();
    kept.sort_unstable();
    kept.dedup();
    let position = |object: u32| kept.binary_search(&object).expect("a kept object") as u32;
    let copies = count.div_ceil(findings.len());
    let demo_objects = &demo.objects;
    let objects =
        (0..copies).flat_map(|copy| kept.iter().map(move |&o| Copy(copy).object(&demo_objects[o as usize]))).collect();
    let findings = (0..count)
        .map(|i| {
            let copy = Copy(i / findings.len());
            let mut finding = findings[i % findings.len()].clone();
            let moved = |object: u32| position(object) + (copy.0 * kept.len()) as u32;
            finding.dn = copy.dn(&finding.dn);
            finding.common_name = format!("{} {:05}", finding.common_name, copy.0);
            finding.value = copy.finding_value(&finding.attribute, &finding.value);
            finding.update = finding.update.map(|update| copy.finding_value(&finding.attribute, &update));
            finding.object = finding.object.map(moved);
            finding.holders = finding.holders.iter().copied().map(moved).collect();
            finding.guid = finding.guid.map(|guid| ObjectGuid(copy.anchor(&guid.0)));
            finding
        })
        .collect();
    (findings, objects)
}

/// The copy with this number.
struct Copy(usize);

impl Copy {
    /// The DN: its first RDN's value numbered.
    fn dn(&self, dn: &str) -> String {
        dn.replacen(',', &format!(" {:05},", self.0), 1)
    }

    /// A text value: numbered in the attributes Entra ID keeps unique (before an address's
    /// `@`), as it is elsewhere.
    fn text(&self, attribute: &AttrName, value: &str) -> String {
        let unique = matches!(
            attribute,
            AttrName::UserPrincipalName
                | AttrName::Mail
                | AttrName::ProxyAddresses
                | AttrName::TargetAddress
                | AttrName::MailNickname
                | AttrName::SamAccountName
        );
        match value.rfind('@') {
            _ if !unique || value.is_empty() => value.to_owned(),
            Some(at) => format!("{}.{:05}{}", &value[..at], self.0, &value[at..]),
            None => format!("{value}{:05}", self.0),
        }
    }

    /// A binary value: an objectGUID or source anchor mixed with the copy's number in its last
    /// four bytes.
    fn anchor(&self, bytes: &[u8]) -> [u8; 16] {
        let mut mixed: [u8; 16] = bytes.try_into().expect("a 16-byte anchor");
        for (byte, mix) in mixed[12..].iter_mut().zip((self.0 as u32).to_le_bytes()) {
            *byte ^= mix;
        }
        mixed
    }

    fn bytes(&self, attribute: &AttrName, bytes: &[u8]) -> Vec<u8> {
        let anchor = matches!(attribute, AttrName::ObjectGuid | AttrName::MsDsConsistencyGuid) && bytes.len() == 16;
        if anchor { self.anchor(bytes).to_vec() } else { bytes.to_vec() }
    }

    /// A finding's value or update, as the object's value is copied (binary ones in base64).
    fn finding_value(&self, attribute: &AttrName, value: &str) -> String {
        if !attribute.is_binary() {
            return self.text(attribute, value);
        }
        match STANDARD.decode(value) {
            Ok(bytes) => STANDARD.encode(self.bytes(attribute, &bytes)),
            Err(_) => value.to_owned(),
        }
    }

    fn object(&self, object: &DirObject) -> DirObject {
        let mut builder = ObjectBuilder::default();
        builder.set_dn(&self.dn(object.dn()));
        for (name, values) in object.attributes() {
            for (_, value) in values {
                match value {
                    ValueRef::Text(text) => builder.add_text(name.clone(), &self.text(name, text)),
                    ValueRef::Binary(bytes) => builder.add_binary(name.clone(), &self.bytes(name, bytes)),
                }
            }
        }
        builder.build()
    }
}
