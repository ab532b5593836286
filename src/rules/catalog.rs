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
    /// A check failed inside syncready: the object was not fully checked.
    Internal,
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
            ErrorName::Internal => "Internal",
        }
    }
}

impl fmt::Display for ErrorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub use crate::model::Severity;

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

/// What a rule offers for a value that fails it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixOffer {
    /// It proposes a new value (the UPDATE column).
    Proposes,
    /// It proposes none: an admin enters a value or removes it.
    Manual,
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
    /// Whether the rule proposes a value, or leaves the fix to the admin.
    pub fix: FixOffer,
    /// What the fix does, or what the admin should do.
    pub fix_title: &'static str,
    /// What Entra ID does with such a value and why the fix is safe or not.
    pub doc: &'static str,
}

impl Rule {
    /// The fix as the catalogue shows it: its title, after "none: " when it proposes no value.
    pub fn fix_text(&self) -> String {
        match self.fix {
            FixOffer::Proposes => self.fix_title.to_owned(),
            FixOffer::Manual => format!("none: {}", self.fix_title),
        }
    }
}

macro_rules! catalogue {
    ($(
        $(#[doc = $doc:literal])+
        $id:ident => $code:literal, $error:ident, $attr:literal, $severity:ident, $message:literal, $fix:ident $title:literal;
    )*) => {
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
            fix: FixOffer::$fix,
            fix_title: $title,
            doc: concat!($($doc, "\n"),+),
        },)*];
    };
}

catalogue! {
    /// Entra ID compares values after Unicode normalization, but Active Directory stores what it
    /// is given: a decomposed `e` + U+0301 looks like `é` and yet fails matching and duplicate
    /// detection against the composed form. The fix rewrites the value in NFC, which shows the
    /// same characters: safe.
    Encoding => "ENC001", Encoding, "*", Warning, "value is not in Unicode NFC form", Proposes "normalize to NFC";
    /// Entra ID accepts at most 256 characters in displayName and refuses the object otherwise
    /// (DataValidationFailed). Truncation loses the end of the name: unsafe.
    DisplayNameLength => "DSP001", Length, "displayName", Error, "displayName is longer than 256 characters", Proposes "truncate to 256 characters";
    /// Leading or trailing whitespace (including no-break spaces) is trimmed or rejected on
    /// the way to Entra ID and breaks address-book sorting. Trimming keeps every visible
    /// character: safe.
    DisplayNameWhitespace => "DSP002", Character, "displayName", Warning, "displayName has leading or trailing whitespace", Proposes "trim the whitespace";
    /// Groups cannot be created in Entra ID without a displayName, and users without one show
    /// as blank in every list. The fix copies the object's cn, which AD guarantees: safe.
    DisplayNameBlank => "DSP003", Blank, "displayName", Warning, "displayName is missing or empty", Proposes "use the object's cn";
    /// Dedicated ruleset: a group without a displayName cannot be provisioned. The fix copies the
    /// group's cn: safe.
    GroupDisplayNameBlank => "DSP004", Blank, "displayName", Error, "group has no displayName", Proposes "use the group's cn";
    /// Entra ID accepts at most 64 characters in givenName. Truncation loses the end of the
    /// name: unsafe.
    GivenNameLength => "GVN001", Length, "givenName", Error, "givenName is longer than 64 characters", Proposes "truncate to 64 characters";
    /// Entra ID accepts at most 64 characters in surname (sn). Truncation loses the end of the
    /// name: unsafe.
    SnLength => "SN001", Length, "sn", Error, "sn is longer than 64 characters", Proposes "truncate to 64 characters";
    /// Entra ID and Exchange Online accept at most 256 characters in mail. Truncating an
    /// address changes where mail goes: unsafe.
    MailLength => "MAIL001", Length, "mail", Error, "mail is longer than 256 characters", Proposes "truncate to 256 characters";
    /// An address cannot hold whitespace; Exchange Online refuses it and soft matching fails.
    /// Trimming spaces around the address is safe; removing spaces inside it changes the
    /// address: unsafe.
    MailWhitespace => "MAIL002", Character, "mail", Error, "mail contains whitespace", Proposes "remove the whitespace";
    /// The part before the last `@` must be dot-separated atoms of letters, digits and
    /// ``!#$%&'*+/=?^_`{|}~-``. Every letter is transliterated to Latin (`ü` → `u`, `ł` →
    /// `l`, `ß` → `ss`, Cyrillic, Greek and CJK romanised), other characters removed, `.@`
    /// turned into `@`: the address changes, so unsafe. When nothing is left before the `@`,
    /// no value is proposed (manual).
    MailLocalPart => "MAIL003", LocalPart, "mail", Error, "mail local part has characters an address may not hold", Proposes "remove the invalid characters";
    /// The domain must be at least two labels of letters, digits and inner hyphens. Removing
    /// other characters (a stray space, an underscore) is safe only when it just trims.
    MailDomainPart => "MAIL004", DomainPart, "mail", Error, "mail domain part is not a valid domain name", Proposes "remove the invalid characters";
    /// The last label must be a real top-level domain (the public-suffix list, plus the
    /// ruleset's extras): `.con` is a typo Exchange Online refuses. No fix can guess the
    /// intended domain.
    MailTopLevelDomain => "MAIL005", TopLevelDomain, "mail", Error, "mail domain ends in an unknown top-level domain", Manual "correct the domain";
    /// The value is still not an address after the other fixes (no `@`, empty parts, misplaced
    /// periods). An admin must enter the right address.
    MailFormat => "MAIL006", Format, "mail", Error, "mail is not a valid address", Manual "enter a valid address";
    /// Entra ID keeps one namespace for mail, SMTP proxy addresses and userPrincipalName: the
    /// second object with an address loses it (Duplicate Attribute Resiliency) or fails to
    /// sync. Only a person can decide which object keeps it.
    MailDuplicate => "MAIL007", Duplicate, "mail", Error, "mail address is held by another object too", Manual "decide which object keeps it";
    /// With verified domains given: Exchange Online drops addresses in domains the tenant has
    /// not verified. A warning on users and groups (contacts' addresses are external by
    /// nature); no automatic value.
    MailUnverifiedDomain => "MAIL008", UnverifiedDomain, "mail", Warning, "mail is in a domain the tenant has not verified", Manual "verify the domain or change the address";
    /// Exchange Online accepts at most 64 characters in the alias. Truncation changes the
    /// alias: unsafe.
    NicknameLength => "NICK001", Length, "mailNickname", Error, "mailNickname is longer than 64 characters", Proposes "truncate to 64 characters";
    /// The alias may not hold whitespace, non-ASCII characters or `" ( ) , : ; < > @ [ \ ]`.
    /// Every letter is transliterated to Latin, the rest removed: the alias changes, so
    /// unsafe. When nothing is left, no value is proposed (manual).
    NicknameCharacter => "NICK002", Character, "mailNickname", Error, "mailNickname has whitespace, non-ASCII or reserved characters", Proposes "transliterate and remove the invalid characters";
    /// The alias may not start or end with a period or hold two in a row. The fix drops the
    /// outer periods and collapses runs: the alias changes, so unsafe.
    NicknamePeriods => "NICK003", Character, "mailNickname", Error, "mailNickname starts or ends with a period or has two in a row", Proposes "drop outer periods and collapse runs";
    /// Two recipients with one alias collide in Exchange Online. Only a person can decide.
    NicknameDuplicate => "NICK004", Duplicate, "mailNickname", Error, "mailNickname is held by another object too", Manual "decide which object keeps it";
    /// Dedicated ruleset: a mail-enabled contact needs an alias. The fix builds one from
    /// `givenName.sn`, else sAMAccountName, else cn: it invents a value, so unsafe.
    NicknameBlank => "NICK005", Blank, "mailNickname", Error, "contact has no mailNickname", Proposes "use givenName.sn, else sAMAccountName, else cn";
    /// Exchange Online accepts proxy addresses of at most 256 characters. Truncating an
    /// address is never right: no automatic value.
    ProxyLength => "PRX001", Length, "proxyAddresses", Error, "proxy address is longer than 256 characters", Manual "shorten the address";
    /// Every proxy address needs a `type:` prefix (`SMTP:`, `smtp:`, `X500:`, `SIP:`...);
    /// without one Exchange Online refuses it. The right type cannot be guessed.
    ProxyPrefix => "PRX002", Format, "proxyAddresses", Error, "proxy address has no 'type:' prefix", Manual "add the right prefix";
    /// An SMTP address may not hold whitespace, `< > ( ) ; , [ ] "` or a second `:`. Removing
    /// them changes the address (unsafe) unless only surrounding spaces go.
    ProxySmtpCharacter => "PRX003", Character, "proxyAddresses", Error, "SMTP proxy address has whitespace or reserved characters", Proposes "remove the invalid characters";
    /// As for mail (MAIL003), on the address after `smtp:`.
    ProxyLocalPart => "PRX004", LocalPart, "proxyAddresses", Error, "SMTP proxy address local part has invalid characters", Proposes "remove the invalid characters";
    /// As for mail (MAIL004), on the address after `smtp:`.
    ProxyDomainPart => "PRX005", DomainPart, "proxyAddresses", Error, "SMTP proxy address domain part is not a valid domain name", Proposes "remove the invalid characters";
    /// As for mail (MAIL005), on the address after `smtp:`.
    ProxyTopLevelDomain => "PRX006", TopLevelDomain, "proxyAddresses", Error, "SMTP proxy address ends in an unknown top-level domain", Manual "correct the domain";
    /// As for mail (MAIL006), on the address after `smtp:`.
    ProxyFormat => "PRX007", Format, "proxyAddresses", Error, "SMTP proxy address is not a valid address", Manual "enter a valid address";
    /// X400 and X500 addresses may hold spaces, parentheses and apostrophes, but not control
    /// characters, brackets or quotes. Removing them changes the address: unsafe.
    ProxyX500Character => "PRX008", Character, "proxyAddresses", Error, "X400/X500 proxy address has control characters, brackets or quotes", Proposes "remove the invalid characters";
    /// Other address types (SIP, EUM...) may not hold whitespace or `< > ( ) , [ ] "`.
    /// Removing them changes the address: unsafe.
    ProxyOtherCharacter => "PRX009", Character, "proxyAddresses", Error, "proxy address has whitespace or reserved characters", Proposes "remove the invalid characters";
    /// SMTP proxy addresses share one namespace with mail and userPrincipalName across the
    /// tenant (compared without the `smtp:` prefix and case); other types are compared whole.
    /// The object that syncs second loses the address. Only a person can decide.
    ProxyDuplicate => "PRX010", Duplicate, "proxyAddresses", Error, "proxy address is held by another object too", Manual "decide which object keeps it";
    /// Exactly one `SMTP:` (upper case) is the primary address; with two, Exchange Online picks
    /// one at random or refuses the object. Only a person can choose.
    ProxyPrimaries => "PRX011", Format, "proxyAddresses", Error, "more than one primary SMTP: address", Manual "keep one primary";
    /// About 300 proxy addresses is the most Entra ID accepts before the object fails with
    /// LargeObject / ExceededAllowedLength. Only a person can choose which to drop.
    ProxyCount => "PRX012", LargeObject, "proxyAddresses", Error, "more than 300 proxy addresses", Manual "remove unused addresses";
    /// With verified domains given: Exchange Online drops SMTP addresses in domains the
    /// tenant has not verified. A warning on users and groups; no automatic value.
    ProxyUnverifiedDomain => "PRX013", UnverifiedDomain, "proxyAddresses", Warning, "SMTP proxy address is in a domain the tenant has not verified", Manual "verify the domain or remove the address";
    /// Users' sAMAccountName is at most 20 characters (256 for other objects); longer values
    /// fail to sync. Truncation changes the logon name: unsafe.
    SamLength => "SAM001", Length, "sAMAccountName", Error, "sAMAccountName is too long (20 for users, 256 otherwise)", Proposes "truncate";
    /// AD reserves `\ " | , / [ ] : < > + = ; ? *` in logon names. Removing them changes the
    /// logon name: unsafe.
    SamCharacter => "SAM002", Character, "sAMAccountName", Error, "sAMAccountName has characters AD reserves", Proposes "remove the invalid characters";
    /// Objects without a userPrincipalName are matched on sAMAccountName; two such objects
    /// with one name (from two domains or forests) collide. Only a person can decide.
    SamDuplicate => "SAM003", Duplicate, "sAMAccountName", Error, "sAMAccountName is held by another object without a userPrincipalName", Manual "decide which object keeps it";
    /// Exchange accepts targetAddress values of at most 255 characters. No automatic value.
    TargetLength => "TGT001", Length, "targetAddress", Error, "targetAddress is longer than 255 characters", Manual "shorten the address";
    /// A targetAddress needs a `type:` prefix (normally `SMTP:`). The type cannot be guessed.
    TargetPrefix => "TGT002", Format, "targetAddress", Error, "targetAddress has no 'type:' prefix", Manual "add the right prefix";
    /// As for SMTP proxy addresses (PRX003).
    TargetSmtpCharacter => "TGT003", Character, "targetAddress", Error, "SMTP targetAddress has whitespace or reserved characters", Proposes "remove the invalid characters";
    /// As for mail (MAIL003), on the address after `smtp:`.
    TargetLocalPart => "TGT004", LocalPart, "targetAddress", Error, "targetAddress local part has invalid characters", Proposes "remove the invalid characters";
    /// As for mail (MAIL004), on the address after `smtp:`.
    TargetDomainPart => "TGT005", DomainPart, "targetAddress", Error, "targetAddress domain part is not a valid domain name", Proposes "remove the invalid characters";
    /// As for mail (MAIL005), on the address after `smtp:`.
    TargetTopLevelDomain => "TGT006", TopLevelDomain, "targetAddress", Error, "targetAddress ends in an unknown top-level domain", Manual "correct the domain";
    /// As for mail (MAIL006), on the address after `smtp:`.
    TargetFormat => "TGT007", Format, "targetAddress", Error, "targetAddress is not a valid address", Manual "enter a valid address";
    /// Two mail users or contacts routing to one external address confuse Exchange's
    /// recipient resolution. Only a person can decide.
    TargetDuplicate => "TGT008", Duplicate, "targetAddress", Error, "targetAddress is held by another object too", Manual "decide which object keeps it";
    /// Dedicated ruleset: a mail-enabled contact needs a targetAddress. The fix uses
    /// `SMTP:` + mail, which is where its mail goes anyway: safe.
    TargetBlank => "TGT009", Blank, "targetAddress", Error, "contact has no targetAddress", Proposes "use SMTP: + mail";
    /// Entra ID accepts at most 113 characters, 64 before `@` and 48 after
    /// (IdentityDataValidationFailed). Truncating the part before `@` changes the sign-in
    /// name (unsafe); a suffix over 48 characters needs another domain (manual).
    UpnLength => "UPN001", Length, "userPrincipalName", Error, "userPrincipalName is too long (113 in all, 64 before '@', 48 after)", Proposes "truncate the part before '@'";
    /// Before the `@`, Entra ID accepts only `A-Z a-z 0-9 ' . - _ ! # ^ ~`. Every letter is
    /// transliterated to Latin (`Jürgen` → `Jurgen`, `Łukasz` → `Lukasz`, `Иван` → `Ivan`,
    /// `王伟` → `WangWei`), other characters removed: the sign-in name changes, so unsafe.
    /// When nothing is left before the `@`, no value is proposed (manual).
    UpnCharacter => "UPN002", Character, "userPrincipalName", Error, "userPrincipalName has characters Entra ID rejects before '@'", Proposes "transliterate and remove the invalid characters";
    /// A UPN needs one `@`, with no period right before it, at the start, or doubled. The fix
    /// turns `.@` into `@` (unsafe); other misplaced periods need a person.
    UpnFormat => "UPN003", Format, "userPrincipalName", Error, "userPrincipalName has no '@', or misplaced periods before it", Proposes "turn '.@' into '@'";
    /// The suffix must be a valid domain name. Removing stray characters is safe only when it
    /// just trims.
    UpnDomainPart => "UPN004", DomainPart, "userPrincipalName", Error, "userPrincipalName suffix is not a valid domain name", Proposes "remove the invalid characters";
    /// The suffix must end in a real top-level domain: Entra ID cannot verify `.con`. No fix
    /// can guess the intended domain.
    UpnTopLevelDomain => "UPN005", TopLevelDomain, "userPrincipalName", Error, "userPrincipalName suffix ends in an unknown top-level domain", Manual "correct the suffix";
    /// UPNs are unique across the tenant; with Duplicate Attribute Resiliency the second
    /// object gets `<prefix>+<4 digits>@<tenant>.onmicrosoft.com`. Only a person can decide.
    UpnDuplicate => "UPN006", Duplicate, "userPrincipalName", Error, "userPrincipalName is held by another object too", Manual "decide which object keeps it";
    /// With verified domains given: a UPN suffix that is not a verified domain (or a subdomain
    /// of one) is replaced by `<tenant>.onmicrosoft.com`, so the user cannot sign in with the
    /// name they know. With `--target-domain` the fix moves the suffix there: the sign-in name
    /// changes, so unsafe.
    UpnUnverifiedDomain => "UPN007", UnverifiedDomain, "userPrincipalName", Error, "userPrincipalName suffix is not a verified domain of the tenant", Proposes "use the target domain";
    /// Suffixes such as `.local`, `.corp` or a single label can never be verified, so every such
    /// user ends up with an onmicrosoft.com sign-in name. With `--target-domain` the fix moves
    /// the suffix there (unsafe: the sign-in name changes); or use an alternate login ID.
    UpnNonRoutableDomain => "UPN008", NonRoutableDomain, "userPrincipalName", Error, "userPrincipalName suffix is not routable on the internet", Proposes "use the target domain";
    /// With an alternate login ID, userPrincipalName no longer reaches Entra ID as the sign-in
    /// name and is only checked for what AD itself rejects: control characters. Removing them
    /// is unsafe.
    UpnAdCharacter => "UPN009", Character, "userPrincipalName", Error, "userPrincipalName has control characters", Proposes "remove them";
    /// More than 15 userCertificate or userSMIMECertificate values make Entra ID refuse the
    /// object (LargeObject). Only a person can tell expired certificates from live ones.
    CertificateCount => "CRT001", LargeObject, "userCertificate", Error, "more than 15 certificates: Entra ID refuses the object", Manual "remove expired certificates";
    /// With anchor mS-DS-ConsistencyGuid, the value becomes the user's immutableId and must be
    /// exactly 16 bytes. The fix stamps the objectGUID, as Connect Sync does for empty values;
    /// it replaces a value some tool wrote: unsafe.
    AnchorLength => "ANC001", SourceAnchor, "mS-DS-ConsistencyGuid", Error, "mS-DS-ConsistencyGuid is not 16 bytes", Proposes "stamp the objectGUID";
    /// Two users with one anchor value hard-match to one Entra ID object: one of them fails
    /// (InvalidHardMatch) or takes over the other's account. Only a person can tell which user
    /// owns the cloud object.
    AnchorShared => "ANC002", SourceAnchor, "mS-DS-ConsistencyGuid", Error, "mS-DS-ConsistencyGuid is held by another object too", Manual "decide which object keeps it";
    /// A user's anchor equal to another object's objectGUID collides with that object's
    /// anchor (objectGUID is the anchor of groups and contacts, and the default stamp for
    /// users). Reported on both sides; only a person can decide.
    AnchorIsOtherGuid => "ANC003", SourceAnchor, "mS-DS-ConsistencyGuid", Error, "mS-DS-ConsistencyGuid equals another object's objectGUID", Manual "decide which object keeps it";
    /// No mS-DS-ConsistencyGuid (AD cannot hold an empty one): Connect Sync stamps it when it
    /// has write permission, Cloud Sync never does. Stamping the objectGUID is exactly what
    /// Connect Sync would write: safe.
    AnchorMissing => "ANC004", SourceAnchor, "mS-DS-ConsistencyGuid", Info, "mS-DS-ConsistencyGuid is not set", Proposes "stamp the objectGUID";
    /// The anchor differs from the object's own objectGUID: it was moved between forests or
    /// re-created, and hard matching uses the stored value. Nothing to change unless that is
    /// unexpected.
    AnchorDiffers => "ANC005", SourceAnchor, "mS-DS-ConsistencyGuid", Info, "mS-DS-ConsistencyGuid differs from the object's objectGUID", Manual "expected after a move";
    /// One of syncready's checks failed on this object (a bug in syncready, not in the
    /// directory): the object was not fully checked, and the scan went on with the others.
    /// DETAIL holds the error; please report it. Nothing can be fixed from this row.
    InternalError => "INT001", Internal, "*", Error, "a check failed inside syncready: the object was not fully checked", Manual "report the error";
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
        RULES.iter().find(|r| r.code.eq_ignore_ascii_case(code)).map(|r| r.id)
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
