//! The rule catalogue: every check has a stable code, the IdFix-style error name it reports,
//! the attribute it looks at, a severity, a one-line message and the title of its fix.

use std::fmt;

/// The ERROR column's names: IdFix's eight, then syncready's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorName {
    Character,
    Format,
    Length,
    Duplicate,
    Blank,
    TopLevelDomain,
    DomainPart,
    LocalPart,
    UnverifiedDomain,
    NonRoutableDomain,
    SourceAnchor,
    LargeObject,
    Encoding,
}

impl ErrorName {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorName::Character => "Character",
            ErrorName::Format => "Format",
            ErrorName::Length => "Length",
            ErrorName::Duplicate => "Duplicate",
            ErrorName::Blank => "Blank",
            ErrorName::TopLevelDomain => "TopLevelDomain",
            ErrorName::DomainPart => "DomainPart",
            ErrorName::LocalPart => "LocalPart",
            ErrorName::UnverifiedDomain => "UnverifiedDomain",
            ErrorName::NonRoutableDomain => "NonRoutableDomain",
            ErrorName::SourceAnchor => "SourceAnchor",
            ErrorName::LargeObject => "LargeObject",
            ErrorName::Encoding => "Encoding",
        }
    }
}

impl fmt::Display for ErrorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How bad a finding is: `Error` is what sync rejects or quarantines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Whether a proposed UPDATE may be applied without a person's judgement (as ruff's
/// Applicability): `Safe` keeps the value's meaning, `Unsafe` changes it, `Manual` has no
/// complete fix and needs an admin-entered value or a removal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FixSafety {
    Safe,
    Unsafe,
    Manual,
}

impl FixSafety {
    pub fn as_str(self) -> &'static str {
        match self {
            FixSafety::Safe => "safe",
            FixSafety::Unsafe => "unsafe",
            FixSafety::Manual => "manual",
        }
    }
}

/// One rule's catalogue entry.
#[derive(Debug)]
pub struct Rule {
    pub id: RuleId,
    pub code: &'static str,
    pub error: ErrorName,
    pub attribute: &'static str,
    pub severity: Severity,
    pub message: &'static str,
    pub fix_title: &'static str,
}

macro_rules! catalogue {
    ($($id:ident => $code:literal, $error:ident, $attr:literal, $severity:ident, $message:literal, $fix:literal;)*) => {
        /// Every rule syncready runs.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RuleId { $($id,)* }

        /// The catalogue, in report order.
        pub static RULES: &[Rule] = &[$(Rule {
            id: RuleId::$id,
            code: $code,
            error: ErrorName::$error,
            attribute: $attr,
            severity: Severity::$severity,
            message: $message,
            fix_title: $fix,
        },)*];
    };
}

catalogue! {
    Encoding => "ENC001", Encoding, "*", Warning, "value is not in Unicode NFC form", "normalize to NFC";
    DisplayNameLength => "DSP001", Length, "displayName", Error, "displayName is longer than 256 characters", "truncate to 256 characters";
    DisplayNameWhitespace => "DSP002", Character, "displayName", Warning, "displayName has leading or trailing whitespace", "trim the whitespace";
    DisplayNameBlank => "DSP003", Blank, "displayName", Warning, "displayName is missing or empty", "use the object's cn";
    GivenNameLength => "GVN001", Length, "givenName", Error, "givenName is longer than 64 characters", "truncate to 64 characters";
    SnLength => "SN001", Length, "sn", Error, "sn is longer than 64 characters", "truncate to 64 characters";
    MailLength => "MAIL001", Length, "mail", Error, "mail is longer than 256 characters", "truncate to 256 characters";
    MailWhitespace => "MAIL002", Character, "mail", Error, "mail contains whitespace", "remove the whitespace";
    MailLocalPart => "MAIL003", LocalPart, "mail", Error, "mail local part has characters an address may not hold", "remove the invalid characters";
    MailDomainPart => "MAIL004", DomainPart, "mail", Error, "mail domain part is not a valid domain name", "remove the invalid characters";
    MailTopLevelDomain => "MAIL005", TopLevelDomain, "mail", Error, "mail domain ends in an unknown top-level domain", "none: correct the domain";
    MailFormat => "MAIL006", Format, "mail", Error, "mail is not a valid address", "none: enter a valid address";
    MailDuplicate => "MAIL007", Duplicate, "mail", Error, "mail address is held by another object too", "none: decide which object keeps it";
    NicknameLength => "NICK001", Length, "mailNickname", Error, "mailNickname is longer than 64 characters", "truncate to 64 characters";
    NicknameCharacter => "NICK002", Character, "mailNickname", Error, "mailNickname has whitespace, non-ASCII or reserved characters", "transliterate and remove the invalid characters";
    NicknamePeriods => "NICK003", Character, "mailNickname", Error, "mailNickname starts or ends with a period or has two in a row", "drop outer periods and collapse runs";
    NicknameDuplicate => "NICK004", Duplicate, "mailNickname", Error, "mailNickname is held by another object too", "none: decide which object keeps it";
    ProxyLength => "PRX001", Length, "proxyAddresses", Error, "proxy address is longer than 256 characters", "none: shorten the address";
    ProxyPrefix => "PRX002", Format, "proxyAddresses", Error, "proxy address has no 'type:' prefix", "none: add the right prefix";
    ProxySmtpCharacter => "PRX003", Character, "proxyAddresses", Error, "SMTP proxy address has whitespace or reserved characters", "remove the invalid characters";
    ProxyLocalPart => "PRX004", LocalPart, "proxyAddresses", Error, "SMTP proxy address local part has invalid characters", "remove the invalid characters";
    ProxyDomainPart => "PRX005", DomainPart, "proxyAddresses", Error, "SMTP proxy address domain part is not a valid domain name", "remove the invalid characters";
    ProxyTopLevelDomain => "PRX006", TopLevelDomain, "proxyAddresses", Error, "SMTP proxy address ends in an unknown top-level domain", "none: correct the domain";
    ProxyFormat => "PRX007", Format, "proxyAddresses", Error, "SMTP proxy address is not a valid address", "none: enter a valid address";
    ProxyX500Character => "PRX008", Character, "proxyAddresses", Error, "X400/X500 proxy address has control characters, brackets or quotes", "remove the invalid characters";
    ProxyOtherCharacter => "PRX009", Character, "proxyAddresses", Error, "proxy address has whitespace or reserved characters", "remove the invalid characters";
    ProxyDuplicate => "PRX010", Duplicate, "proxyAddresses", Error, "proxy address is held by another object too", "none: decide which object keeps it";
    ProxyPrimaries => "PRX011", Format, "proxyAddresses", Error, "more than one primary SMTP: address", "none: keep one primary";
    ProxyCount => "PRX012", LargeObject, "proxyAddresses", Error, "more than 300 proxy addresses", "none: remove unused addresses";
    SamLength => "SAM001", Length, "sAMAccountName", Error, "sAMAccountName is too long (20 for users, 256 otherwise)", "truncate";
    SamCharacter => "SAM002", Character, "sAMAccountName", Error, "sAMAccountName has characters AD reserves", "remove the invalid characters";
    SamDuplicate => "SAM003", Duplicate, "sAMAccountName", Error, "sAMAccountName is held by another object without a userPrincipalName", "none: decide which object keeps it";
    TargetLength => "TGT001", Length, "targetAddress", Error, "targetAddress is longer than 255 characters", "none: shorten the address";
    TargetPrefix => "TGT002", Format, "targetAddress", Error, "targetAddress has no 'type:' prefix", "none: add the right prefix";
    TargetSmtpCharacter => "TGT003", Character, "targetAddress", Error, "SMTP targetAddress has whitespace or reserved characters", "remove the invalid characters";
    TargetLocalPart => "TGT004", LocalPart, "targetAddress", Error, "targetAddress local part has invalid characters", "remove the invalid characters";
    TargetDomainPart => "TGT005", DomainPart, "targetAddress", Error, "targetAddress domain part is not a valid domain name", "remove the invalid characters";
    TargetTopLevelDomain => "TGT006", TopLevelDomain, "targetAddress", Error, "targetAddress ends in an unknown top-level domain", "none: correct the domain";
    TargetFormat => "TGT007", Format, "targetAddress", Error, "targetAddress is not a valid address", "none: enter a valid address";
    TargetDuplicate => "TGT008", Duplicate, "targetAddress", Error, "targetAddress is held by another object too", "none: decide which object keeps it";
    UpnLength => "UPN001", Length, "userPrincipalName", Error, "userPrincipalName is too long (113 in all, 64 before '@', 48 after)", "truncate the part before '@'";
    UpnCharacter => "UPN002", Character, "userPrincipalName", Error, "userPrincipalName has characters Entra ID rejects before '@'", "transliterate and remove the invalid characters";
    UpnFormat => "UPN003", Format, "userPrincipalName", Error, "userPrincipalName has no '@', or misplaced periods before it", "turn '.@' into '@'";
    UpnDomainPart => "UPN004", DomainPart, "userPrincipalName", Error, "userPrincipalName suffix is not a valid domain name", "remove the invalid characters";
    UpnTopLevelDomain => "UPN005", TopLevelDomain, "userPrincipalName", Error, "userPrincipalName suffix ends in an unknown top-level domain", "none: correct the suffix";
    UpnDuplicate => "UPN006", Duplicate, "userPrincipalName", Error, "userPrincipalName is held by another object too", "none: decide which object keeps it";
    CertificateCount => "CRT001", LargeObject, "userCertificate", Error, "more than 15 certificates: Entra ID refuses the object", "none: remove expired certificates";
}

impl RuleId {
    pub fn rule(self) -> &'static Rule {
        &RULES[self as usize]
    }

    pub fn code(self) -> &'static str {
        self.rule().code
    }

    /// Finds a rule by its code (case-insensitive).
    pub fn from_code(code: &str) -> Option<RuleId> {
        RULES
            .iter()
            .find(|r| r.code.eq_ignore_ascii_case(code))
            .map(|r| r.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_indexed_by_rule_id_and_codes_are_unique() {
        for (i, rule) in RULES.iter().enumerate() {
            assert_eq!(rule.id as usize, i);
            assert_eq!(RuleId::from_code(rule.code), Some(rule.id));
        }
        assert_eq!(RuleId::from_code("upn002"), Some(RuleId::UpnCharacter));
    }
}
