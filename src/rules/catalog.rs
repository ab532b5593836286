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
    /// The first sync takes a cloud-only object over (or fails to, where soft match is blocked).
    SoftMatch,
    /// The cloud-only object a soft match would take holds a directory role.
    AdminRoleConflict,
    /// Another synced object of the tenant holds the value.
    InvalidSoftMatch,
    /// A synced cloud object the next sync deletes.
    CloudOrphan,
    /// Entra ID reports a provisioning error on the object.
    ProvisioningError,
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
            ErrorName::SoftMatch => "SoftMatch",
            ErrorName::AdminRoleConflict => "AdminRoleConflict",
            ErrorName::InvalidSoftMatch => "InvalidSoftMatch",
            ErrorName::CloudOrphan => "CloudOrphan",
            ErrorName::ProvisioningError => "ProvisioningError",
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

/// Declares one family's rules beside its checks: the family's enum (one variant per rule, with
/// the rule's doc), a `RuleId` constant per rule, and the family's catalogue entries in report
/// order.
macro_rules! rule_family {
    (
        $(#[doc = $family_doc:literal])+
        $family:ident in $variant:ident:
        $(
            $(#[doc = $doc:literal])+
            $id:ident => $code:literal, $error:ident, $attr:literal, $severity:ident, $message:literal, $fix:ident $title:literal;
        )*
    ) => {
        $(#[doc = $family_doc])+
        // The variants carry the family in their names (`SamLength`), because they name the
        // `RuleId` constants too, which share one namespace.
        #[allow(clippy::enum_variant_names)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $family {
            $($(#[doc = $doc])+ $id,)*
        }

        #[allow(non_upper_case_globals)]
        impl $crate::rules::catalog::RuleId {
            $($(#[doc = $doc])+ pub const $id: Self = Self::$variant($family::$id);)*
        }

        /// This family's catalogue entries, indexed by its enum.
        pub(in crate::rules) const RULES: &[$crate::rules::catalog::Rule] = &[$($crate::rules::catalog::Rule {
            id: $crate::rules::catalog::RuleId::$variant($family::$id),
            code: $code,
            error: $crate::rules::catalog::ErrorName::$error,
            attribute: $attr,
            severity: $crate::rules::catalog::Severity::$severity,
            message: $message,
            fix: $crate::rules::catalog::FixOffer::$fix,
            fix_title: $title,
            doc: concat!($($doc, "\n"),+),
        },)*];
    };
}
pub(crate) use rule_family;

/// Assembles the catalogue from the families, in report order.
macro_rules! families {
    ($($variant:ident($family:path) => $rules:path,)*) => {
        /// Every rule syncready runs: its family, then the rule within it (so the order is the
        /// catalogue's).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RuleId {
            $($variant($family),)*
        }

        #[derive(Clone, Copy)]
        enum Family {
            $($variant,)*
        }

        const FAMILIES: &[&[Rule]] = &[$($rules,)*];

        impl RuleId {
            /// The rule's family and its position there.
            fn place(self) -> (Family, usize) {
                match self {
                    $(RuleId::$variant(rule) => (Family::$variant, rule as usize),)*
                }
            }
        }
    };
}

families! {
    Unicode(super::chain::EncodingRule) => super::chain::RULES,
    Names(super::checks::names::NameRule) => super::checks::names::RULES,
    Mail(super::checks::mail::MailRule) => super::checks::mail::RULES,
    Proxy(super::checks::proxy::ProxyRule) => super::checks::proxy::RULES,
    Accounts(super::checks::accounts::AccountRule) => super::checks::accounts::RULES,
    Target(super::checks::target::TargetRule) => super::checks::target::RULES,
    SignIn(super::checks::sign_in::SignInRule) => super::checks::sign_in::RULES,
    Certificates(super::checks::certificates::CertificateRule) => super::checks::certificates::RULES,
    Anchor(super::checks::anchor::AnchorRule) => super::checks::anchor::RULES,
    Tenant(super::checks::tenant::TenantRule) => super::checks::tenant::RULES,
    Internal(super::checks::InternalRule) => super::checks::RULES,
}

/// Where each family starts in the catalogue.
const OFFSETS: [usize; FAMILIES.len()] = {
    let mut offsets = [0; FAMILIES.len()];
    let mut family = 1;
    while family < FAMILIES.len() {
        offsets[family] = offsets[family - 1] + FAMILIES[family - 1].len();
        family += 1;
    }
    offsets
};

/// How many rules the catalogue holds.
pub const RULE_COUNT: usize = OFFSETS[FAMILIES.len() - 1] + FAMILIES[FAMILIES.len() - 1].len();

/// The catalogue, in report order.
pub fn rules() -> impl Iterator<Item = &'static Rule> + Clone {
    FAMILIES.iter().flat_map(|family| family.iter())
}

impl RuleId {
    pub fn rule(self) -> &'static Rule {
        let (family, position) = self.place();
        &FAMILIES[family as usize][position]
    }

    /// The rule's position in the catalogue, from 0 to `RULE_COUNT - 1`.
    pub fn index(self) -> usize {
        let (family, position) = self.place();
        OFFSETS[family as usize] + position
    }

    pub fn code(self) -> &'static str {
        self.rule().code
    }

    /// Finds a rule by its code (case-insensitive).
    pub fn from_code(code: &str) -> Option<RuleId> {
        rules().find(|r| r.code.eq_ignore_ascii_case(code)).map(|r| r.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_indexed_by_rule_id_and_codes_are_unique() {
        assert_eq!(rules().count(), RULE_COUNT);
        for (i, rule) in rules().enumerate() {
            assert_eq!(rule.id.index(), i);
            assert_eq!(rule.id.rule().code, rule.code);
            assert_eq!(RuleId::from_code(rule.code), Some(rule.id));
        }
        assert_eq!(RuleId::from_code("upn002"), Some(RuleId::UpnCharacter));
    }
}
