//! Attribute names: the ones the rules know as an enum, anything else kept by its spelling.
//! Comparison is case-insensitive, as in Active Directory; display keeps AD's spelling.

use std::fmt;
use std::sync::Arc;

macro_rules! known_attributes {
    ($($variant:ident => $name:literal, binary = $binary:literal;)*) => {
        /// An attribute name. Known names compare by identity; `Other` keeps the source's
        /// spelling and compares case-insensitively (shared, so that the objects of one source
        /// keep one copy of each spelling).
        #[derive(Debug, Clone, Eq)]
        pub enum AttrName {
            $($variant,)*
            Other(Arc<str>),
        }

        impl AttrName {
            /// The name as Active Directory spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(AttrName::$variant => $name,)*
                    AttrName::Other(name) => name,
                }
            }

            /// Parses a name case-insensitively; unknown names become `Other`.
            pub fn parse(name: &str) -> AttrName {
                $(if name.eq_ignore_ascii_case($name) { return AttrName::$variant; })*
                AttrName::Other(name.into())
            }

            /// Whether values of this attribute are raw bytes rather than text.
            pub fn is_binary(&self) -> bool {
                match self {
                    $(AttrName::$variant => $binary,)*
                    AttrName::Other(_) => false,
                }
            }

            /// Whether this is one of the names the rules know.
            pub fn is_known(&self) -> bool {
                !matches!(self, AttrName::Other(_))
            }

            /// Every name the rules know, each at its [`known_code`](Self::known_code).
            pub(crate) const KNOWN: &[AttrName] = &[$(AttrName::$variant,)*];

            /// A known name's position in [`KNOWN`](Self::KNOWN) (how a `DirObject` stores it).
            pub(crate) fn known_code(&self) -> Option<u32> {
                /// The known names' positions, numbered by the compiler.
                enum Code { $($variant,)* }
                match self {
                    $(AttrName::$variant => Some(Code::$variant as u32),)*
                    AttrName::Other(_) => None,
                }
            }
        }
    };
}

known_attributes! {
    ObjectClass => "objectClass", binary = false;
    Cn => "cn", binary = false;
    DisplayName => "displayName", binary = false;
    GivenName => "givenName", binary = false;
    Sn => "sn", binary = false;
    Mail => "mail", binary = false;
    MailNickname => "mailNickname", binary = false;
    ProxyAddresses => "proxyAddresses", binary = false;
    SamAccountName => "sAMAccountName", binary = false;
    TargetAddress => "targetAddress", binary = false;
    UserPrincipalName => "userPrincipalName", binary = false;
    IsCriticalSystemObject => "isCriticalSystemObject", binary = false;
    MsExchRecipientTypeDetails => "msExchRecipientTypeDetails", binary = false;
    MsExchHideFromAddressLists => "msExchHideFromAddressLists", binary = false;
    AdminDescription => "adminDescription", binary = false;
    IsDeleted => "isDeleted", binary = false;
    IsRecycled => "isRecycled", binary = false;
    Member => "member", binary = false;
    ObjectGuid => "objectGUID", binary = true;
    MsDsConsistencyGuid => "mS-DS-ConsistencyGuid", binary = true;
    UserCertificate => "userCertificate", binary = true;
    UserSmimeCertificate => "userSMIMECertificate", binary = true;
}

impl PartialEq for AttrName {
    fn eq(&self, other: &AttrName) -> bool {
        match (self, other) {
            (AttrName::Other(a), AttrName::Other(b)) => a.eq_ignore_ascii_case(b),
            _ => std::mem::discriminant(self) == std::mem::discriminant(other),
        }
    }
}

/// Hashes what [`PartialEq`] compares: the known name, or the other name in ASCII lower case.
impl std::hash::Hash for AttrName {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        if let AttrName::Other(name) = self {
            for byte in name.bytes() {
                state.write_u8(byte.to_ascii_lowercase());
            }
        }
    }
}

/// A name compared with text as Active Directory compares names: ignoring ASCII case.
impl PartialEq<str> for AttrName {
    fn eq(&self, other: &str) -> bool {
        self.as_str().eq_ignore_ascii_case(other)
    }
}

impl PartialEq<&str> for AttrName {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

impl fmt::Display for AttrName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_case_insensitively_and_keep_ad_spelling() {
        assert_eq!(AttrName::parse("USERPRINCIPALNAME"), AttrName::UserPrincipalName);
        assert_eq!(AttrName::parse("proxyaddresses").as_str(), "proxyAddresses");
        assert_eq!(AttrName::parse("extensionAttribute1"), AttrName::parse("EXTENSIONATTRIBUTE1"));
        assert_eq!(AttrName::parse("extensionAttribute1").as_str(), "extensionAttribute1");
        assert!(AttrName::parse("objectguid").is_binary());
        assert!(!AttrName::parse("mail").is_binary());
    }

    #[test]
    fn each_known_name_sits_at_its_code() {
        for name in AttrName::KNOWN {
            assert_eq!(&AttrName::KNOWN[name.known_code().unwrap() as usize], name);
        }
        assert_eq!(AttrName::KNOWN[AttrName::Mail.known_code().unwrap() as usize].as_str(), "mail");
        assert_eq!(AttrName::parse("extensionAttribute1").known_code(), None);
    }
}
