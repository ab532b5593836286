//! The defects the generator plants, one per defective object (a duplicate also touches one
//! clean partner), each with the exact findings a scan must report for it; and the special
//! objects (system, service, conflict, computer) that must produce none.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::record::{Kind, Record, Val};
use super::{BASE_DN, Generator};

#[derive(Debug, Clone, Copy)]
enum Defect {
    DisplayNameLong,
    DisplayNameWhitespace,
    DisplayNameMissing,
    DisplayNameEncoding,
    GivenNameLong,
    SnLong,
    MailWhitespace,
    MailLocalPart,
    MailDomainPart,
    MailTopLevelDomain,
    MailFormat,
    MailDuplicate,
    NicknameWhitespace,
    NicknameNonAscii,
    NicknamePeriods,
    NicknameLong,
    NicknameDuplicate,
    ProxyNoPrefix,
    ProxySmtpCharacter,
    ProxyTwoPrimaries,
    ProxyX500Character,
    ProxyDuplicate,
    ProxyTwiceOnObject,
    ProxyTooMany,
    SamCharacter,
    SamLong,
    SamDuplicate,
    TargetCharacter,
    TargetDuplicate,
    UpnCharacter,
    UpnFormat,
    UpnLocalLong,
    UpnDomainLong,
    UpnTopLevelDomain,
    UpnSingleLabel,
    UpnDuplicate,
    UpnCollidesWithContact,
    UpnNonRoutable,
    CertificatesMany,
    AnchorMissing,
    AnchorShort,
    AnchorDiffers,
    AnchorCopied,
}

use Defect::*;

impl Defect {
    /// Whether Active Directory itself accepts the value: its schema caps the lengths of
    /// displayName, givenName, sn and mailNickname, it refuses reserved characters in
    /// sAMAccountName, and it keeps sAMAccountName and userPrincipalName unique in a domain.
    fn storable_in_ad(self) -> bool {
        !matches!(
            self,
            DisplayNameLong | GivenNameLong | SnLong | NicknameLong | SamCharacter | SamDuplicate | UpnDuplicate
        )
    }
}

const USER_DEFECTS: &[Defect] = &[
    DisplayNameLong,
    DisplayNameWhitespace,
    DisplayNameMissing,
    DisplayNameEncoding,
    GivenNameLong,
    SnLong,
    MailWhitespace,
    MailLocalPart,
    MailDomainPart,
    MailTopLevelDomain,
    MailFormat,
    MailDuplicate,
    NicknameWhitespace,
    NicknameNonAscii,
    NicknamePeriods,
    NicknameLong,
    NicknameDuplicate,
    ProxyNoPrefix,
    ProxySmtpCharacter,
    ProxyTwoPrimaries,
    ProxyX500Character,
    ProxyDuplicate,
    ProxyTwiceOnObject,
    SamCharacter,
    SamLong,
    UpnCharacter,
    UpnFormat,
    UpnLocalLong,
    UpnDomainLong,
    UpnTopLevelDomain,
    UpnSingleLabel,
    UpnDuplicate,
    UpnCollidesWithContact,
    CertificatesMany,
    UpnNonRoutable,
    AnchorMissing,
    AnchorShort,
    AnchorDiffers,
    AnchorCopied,
    ProxyTooMany,
];

const CONTACT_DEFECTS: &[Defect] = &[
    DisplayNameLong,
    DisplayNameWhitespace,
    DisplayNameMissing,
    DisplayNameEncoding,
    MailLocalPart,
    MailTopLevelDomain,
    MailDuplicate,
    NicknamePeriods,
    ProxySmtpCharacter,
    TargetCharacter,
    TargetDuplicate,
];

const GROUP_DEFECTS: &[Defect] =
    &[DisplayNameWhitespace, DisplayNameMissing, DisplayNameEncoding, SamCharacter, SamDuplicate, ProxyNoPrefix];

/// `s` padded with letters to `len` characters.
fn padded(s: &str, len: usize) -> String {
    let mut out = s.to_owned();
    let pad = len.saturating_sub(out.chars().count());
    out.extend(std::iter::repeat_n('x', pad));
    out
}

impl Generator {
    /// Plants one defect fitting `kind` in `record`; false when none could be planted (a
    /// duplicate without a partner, or an attribute the object lacks).
    pub(super) fn plant_defect(&mut self, kind: Kind, record: &mut Record) -> bool {
        let choices = match kind {
            Kind::User => USER_DEFECTS,
            Kind::Contact => CONTACT_DEFECTS,
            Kind::Group => GROUP_DEFECTS,
        };
        // The last user defect (ProxyTooMany) is rare: 301 values make big records.
        let mut defect = *self.rng.pick(choices);
        if matches!(defect, ProxyTooMany) && !self.rng.chance(0.1) {
            defect = DisplayNameWhitespace;
        }
        if self.ad_storable && !defect.storable_in_ad() {
            return false;
        }
        self.apply(defect, record)
    }

    fn apply(&mut self, defect: Defect, r: &mut Record) -> bool {
        let dn = r.dn.clone();
        let mail = r.get("mail").map(str::to_owned);
        let nickname = r.get("mailNickname").map(str::to_owned);
        let upn = r.get("userPrincipalName").map(str::to_owned);
        let needs_mail = matches!(
            defect,
            MailWhitespace
                | MailLocalPart
                | MailDomainPart
                | MailTopLevelDomain
                | MailFormat
                | MailDuplicate
                | NicknameWhitespace
                | NicknameNonAscii
                | NicknamePeriods
                | NicknameLong
                | NicknameDuplicate
                | ProxyNoPrefix
                | ProxySmtpCharacter
                | ProxyTwoPrimaries
                | ProxyX500Character
                | ProxyDuplicate
                | ProxyTwiceOnObject
                | ProxyTooMany
        );
        if needs_mail && mail.is_none() {
            return false;
        }
        let mail = mail.unwrap_or_default();
        let nickname = nickname.unwrap_or_default();
        let (local, domain) = mail.rsplit_once('@').unwrap_or(("", ""));
        let (local, domain) = (local.to_owned(), domain.to_owned());
        let display = r.get("displayName").unwrap_or("").to_owned();
        let sam = r.get("sAMAccountName").unwrap_or("").to_owned();
        let given_name = r.get("givenName").unwrap_or("").to_owned();
        let surname = r.get("sn").unwrap_or("").to_owned();
        match defect {
            DisplayNameLong => {
                self.set_planted(r, "displayName", padded(&display, 300), "Length");
            }
            DisplayNameWhitespace => self.set_planted(r, "displayName", format!("{display} "), "Character"),
            DisplayNameMissing => {
                r.remove("displayName");
                self.plant(&dn, "displayName", "", "Blank");
            }
            DisplayNameEncoding => self.set_planted(r, "displayName", "Rene\u{301}e Lafleur".into(), "Encoding"),
            GivenNameLong => self.set_planted(r, "givenName", padded(&given_name, 70), "Length"),
            SnLong => self.set_planted(r, "sn", padded(&surname, 65), "Length"),
            MailWhitespace => self.set_planted(r, "mail", format!("{local} @{domain}"), "Character"),
            MailLocalPart => self.set_planted(r, "mail", format!("{local}(ops)@{domain}"), "LocalPart"),
            MailDomainPart => self.set_planted(r, "mail", format!("{local}@my_{domain}"), "DomainPart"),
            MailTopLevelDomain => self.set_planted(r, "mail", format!("{local}@contoso.con"), "TopLevelDomain"),
            MailFormat => self.set_planted(r, "mail", format!("{local}.{domain}"), "Format"),
            NicknameWhitespace => self.set_planted(r, "mailNickname", format!("{nickname} x"), "Character"),
            NicknameNonAscii => self.set_planted(r, "mailNickname", format!("{nickname}é"), "Character"),
            NicknamePeriods => self.set_planted(r, "mailNickname", format!(".{nickname}"), "Character"),
            NicknameLong => self.set_planted(r, "mailNickname", padded(&nickname, 65), "Length"),
            ProxyNoPrefix => self.add_proxy(r, format!("legacy.{local}@{domain}"), "Format"),
            ProxySmtpCharacter => self.add_proxy(r, format!("smtp:{local}(ops)@{domain}"), "Character"),
            ProxyX500Character => {
                self.add_proxy(r, format!("X500:/o=Contoso/ou=Legacy (2003)/cn=Recipients/cn=[{local}]"), "Character")
            }
            ProxyTwoPrimaries => {
                r.text("proxyAddresses", format!("SMTP:alt.{local}@{domain}"));
                self.plant(&dn, "proxyAddresses", "", "Format");
            }
            ProxyTooMany => {
                for k in 0..300 {
                    r.text("proxyAddresses", format!("smtp:a{k}.{local}@{domain}"));
                }
                self.plant(&dn, "proxyAddresses", "", "LargeObject");
            }
            ProxyTwiceOnObject => {
                let primary = format!("SMTP:{mail}");
                if !r.texts("proxyAddresses").any(|p| p == primary) {
                    return false;
                }
                self.add_proxy(r, format!("smtp:{mail}"), "Duplicate");
                self.plant(&dn, "proxyAddresses", &primary, "Duplicate");
            }
            SamCharacter => {
                self.set_planted(r, "sAMAccountName", format!("{}/{}", &sam[..1], &sam[1..]), "Character");
            }
            SamLong => self.set_planted(r, "sAMAccountName", padded(&sam, 24), "Length"),
            TargetCharacter => self.set_planted(r, "targetAddress", format!("SMTP:{local} @{domain}"), "Character"),
            UpnCharacter => {
                self.set_planted(r, "userPrincipalName", upn_with_local(&upn, |l| format!("{l}é")), "Character")
            }
            UpnFormat => self.set_planted(r, "userPrincipalName", upn_with_local(&upn, |l| format!("{l}.")), "Format"),
            UpnLocalLong => self.set_planted(
                r,
                "userPrincipalName",
                upn_with_local(&upn, |l| padded(&l.replace('.', "-"), 70)),
                "Length",
            ),
            UpnDomainLong => {
                let long = upn_with_domain(&upn, "averyveryverylongsubdomainnamethatgoesonandon.contoso.com");
                self.set_planted(r, "userPrincipalName", long, "Length");
            }
            UpnTopLevelDomain => {
                self.set_planted(r, "userPrincipalName", upn_with_domain(&upn, "contoso.con"), "TopLevelDomain")
            }
            UpnSingleLabel => self.set_planted(
                r,
                "userPrincipalName",
                upn_with_domain(&upn, "contoso"),
                "DomainPart, NonRoutableDomain",
            ),
            UpnNonRoutable => self.set_planted(
                r,
                "userPrincipalName",
                upn_with_domain(&upn, "ad.contoso.local"),
                "NonRoutableDomain, TopLevelDomain",
            ),
            AnchorMissing => {
                r.remove("mS-DS-ConsistencyGuid");
                self.plant(&dn, "mS-DS-ConsistencyGuid", "", "SourceAnchor");
            }
            AnchorShort | AnchorDiffers => {
                let mut anchor = self.rng.bytes16().to_vec();
                if matches!(defect, AnchorShort) {
                    anchor.pop();
                }
                self.plant(&dn, "mS-DS-ConsistencyGuid", &STANDARD.encode(&anchor), "SourceAnchor");
                r.set_binary("mS-DS-ConsistencyGuid", anchor);
            }
            AnchorCopied => {
                let Some(partner) = self.take_partner(Kind::User) else { return false };
                let Some(guid) = partner.bytes("objectGUID").map(<[u8]>::to_vec) else { return false };
                let shown = STANDARD.encode(&guid);
                self.plant(&dn, "mS-DS-ConsistencyGuid", &shown, "SourceAnchor");
                self.plant(&partner.dn, "mS-DS-ConsistencyGuid", &shown, "SourceAnchor");
                self.plant(&partner.dn, "objectGUID", &shown, "SourceAnchor");
                r.set_binary("mS-DS-ConsistencyGuid", guid);
            }
            CertificatesMany => {
                for k in 0..16u8 {
                    r.binary("userCertificate", vec![0x30, 0x82, k, k.wrapping_mul(7)]);
                }
                self.plant(&dn, "userCertificate", "", "LargeObject");
            }
            MailDuplicate | ProxyDuplicate | UpnDuplicate | UpnCollidesWithContact => {
                let partner_kind = if matches!(defect, UpnCollidesWithContact) { Kind::Contact } else { Kind::User };
                let Some(partner) = self.take_partner(partner_kind) else {
                    return false;
                };
                let address = match defect {
                    UpnDuplicate => partner.get("userPrincipalName"),
                    _ => partner.get("mail"),
                };
                let Some(address) = address.map(str::to_owned) else {
                    return false;
                };
                let (attr, value) = match defect {
                    MailDuplicate => ("mail", address.clone()),
                    ProxyDuplicate => ("proxyAddresses", format!("smtp:{address}")),
                    _ => ("userPrincipalName", address.clone()),
                };
                if attr == "proxyAddresses" {
                    r.text(attr, value.clone());
                } else {
                    r.set(attr, value.clone());
                }
                self.plant(&dn, attr, &value, "Duplicate");
                for (held_in, held) in partner.address_holders(&address) {
                    self.plant(&partner.dn, held_in, &held, "Duplicate");
                }
            }
            NicknameDuplicate | SamDuplicate | TargetDuplicate => {
                let (attr, kind) = match defect {
                    NicknameDuplicate => ("mailNickname", Kind::User),
                    SamDuplicate => ("sAMAccountName", Kind::Group),
                    _ => ("targetAddress", Kind::Contact),
                };
                let Some(partner) = self.take_partner(kind) else {
                    return false;
                };
                let Some(value) = partner.get(attr).map(str::to_owned) else {
                    return false;
                };
                self.set_planted(r, attr, value.clone(), "Duplicate");
                self.plant(&partner.dn, attr, &value, "Duplicate");
            }
        }
        true
    }

    fn set_planted(&mut self, r: &mut Record, attr: &'static str, value: String, error: &str) {
        r.set(attr, value.clone());
        self.plant(&r.dn.clone(), attr, &value, error);
    }

    fn add_proxy(&mut self, r: &mut Record, value: String, error: &str) {
        r.text("proxyAddresses", value.clone());
        self.plant(&r.dn.clone(), "proxyAddresses", &value, error);
    }

    /// How many special objects `finish_specials` writes.
    pub(super) fn specials(&self) -> Vec<&'static str> {
        vec![
            "Administrator",
            "Guest",
            "krbtgt",
            "HealthMailbox",
            "MSOL",
            "Conflict",
            "Dollar",
            "Office",
            "Iwamoto",
            "InetOrg",
        ]
    }

    /// Objects that must be skipped or are clean despite IdFix's looser matching: system and
    /// service accounts with bad values (one of them holding a clean user's address), a
    /// replication conflict, "Administration Office" and "Iwamoto Kenji".
    pub(super) fn finish_specials(&mut self, names: Vec<&'static str>) -> Vec<Record> {
        let users = format!("CN=Users,{BASE_DN}");
        let partner_mail = self.take_partner(Kind::User).and_then(|p| p.get("mail").map(str::to_owned));
        let person = ["top", "person", "organizationalPerson", "user"];
        names
            .into_iter()
            .map(|name| {
                self.serial += 1;
                let n = self.serial;
                let mut r = match name {
                    "Administrator" | "Guest" | "krbtgt" => {
                        let mut r = Record::new(format!("CN={name},{users}"), &person);
                        r.text("cn", name);
                        r.text("sAMAccountName", name);
                        r.text("userPrincipalName", format!("{name} account@contoso.local"));
                        r
                    }
                    "HealthMailbox" => {
                        let cn = format!("HealthMailbox{n:x}");
                        let mut r = Record::new(format!("CN={cn},{users}"), &person);
                        r.text("cn", cn);
                        let mail = partner_mail.clone().unwrap_or_else(|| format!("health{n}@contoso.com"));
                        r.text("mail", mail.clone());
                        r.text("proxyAddresses", format!("SMTP:{mail}"));
                        r.text("proxyAddresses", "no prefix here");
                        r
                    }
                    "MSOL" => {
                        let mut r = Record::new(
                            format!("CN=On-Premises Directory Synchronization Service Account,{users}"),
                            &person,
                        );
                        r.text("sAMAccountName", format!("MSOL_{n:x}"));
                        r.text("userPrincipalName", format!("MSOL_{n:x}@contoso (sync).com"));
                        r
                    }
                    "Conflict" => {
                        let mut r = Record::new(format!("CN=Jane Doe\\0ACNF:{n:08x},{users}"), &person);
                        r.text("displayName", " Jane Doe ");
                        r.text("userPrincipalName", "jane doe@contoso.com");
                        r
                    }
                    "Dollar" => {
                        let mut r = Record::new(format!("CN=SVC-Backup$,{users}"), &person);
                        r.text("sAMAccountName", "svc-backup$");
                        r
                    }
                    "Office" => {
                        let mut r = Record::new(format!("CN=Administration Office,{users}"), &["top", "group"]);
                        r.text("displayName", "Administration Office");
                        r.text("sAMAccountName", "Administration Office");
                        r.text("mail", format!("administration.office{n}@contoso.com"));
                        r
                    }
                    "Iwamoto" => {
                        let mut r = Record::new(format!("CN=Iwamoto Kenji,{users}"), &person);
                        r.text("displayName", "Iwamoto Kenji");
                        r.text("sAMAccountName", format!("iwamoto{n}"));
                        r.text("userPrincipalName", format!("kenji.iwamoto{n}@contoso.com"));
                        r
                    }
                    _ => {
                        let classes = ["top", "person", "organizationalPerson", "user", "inetOrgPerson"];
                        let mut r = Record::new(format!("CN=Guestrin Carlos,{users}"), &classes);
                        r.text("displayName", "Carlos Guestrin");
                        r.text("sAMAccountName", format!("cguestrin{n}"));
                        r.text("userPrincipalName", format!("carlos.guestrin{n}@contoso.com"));
                        r
                    }
                };
                if matches!(name, "Administrator" | "Guest" | "krbtgt") {
                    r.text("isCriticalSystemObject", "TRUE");
                }
                let guid = self.rng.bytes16();
                r.attrs.push(("objectGUID", Val::Binary(guid.to_vec())));
                r.attrs.push(("mS-DS-ConsistencyGuid", Val::Binary(guid.to_vec())));
                r
            })
            .collect()
    }
}

fn upn_with_local(upn: &Option<String>, f: impl FnOnce(&str) -> String) -> String {
    let upn = upn.as_deref().unwrap_or("user@contoso.com");
    let (local, domain) = upn.rsplit_once('@').unwrap_or((upn, ""));
    format!("{}@{domain}", f(local))
}

fn upn_with_domain(upn: &Option<String>, domain: &str) -> String {
    let upn = upn.as_deref().unwrap_or("user@contoso.com");
    let local = upn.rsplit_once('@').map_or(upn, |(l, _)| l);
    format!("{local}@{domain}")
}
