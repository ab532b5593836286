//! Which objects a scan checks: users (and inetOrgPerson), contacts and groups, minus the
//! system and service objects the ruleset's skip lists name and what the standard Connect Sync
//! inbound rules filter. Deleted objects, computers and managed service accounts are never in
//! scope.

use super::ruleset::Ruleset;
use crate::model::{AttrName, DirObject, first_rdn_value};

/// The kinds of object the rules check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    User,
    InetOrgPerson,
    Contact,
    Group,
}

impl ObjectKind {
    /// The OBJECTCLASS column's value.
    pub fn class_name(self) -> &'static str {
        match self {
            ObjectKind::User => "user",
            ObjectKind::InetOrgPerson => "inetOrgPerson",
            ObjectKind::Contact => "contact",
            ObjectKind::Group => "group",
        }
    }

    pub fn is_user(self) -> bool {
        matches!(self, ObjectKind::User | ObjectKind::InetOrgPerson)
    }
}

/// Why an object in scope by class is skipped: AD's own system objects, and what the standard
/// Connect Sync inbound rules ("In from AD - ... Join") filter out of the cloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SkipReason {
    ReplicationConflict,
    CriticalSystemObject,
    DollarName,
    SystemName,
    ServiceAccount,
    ExchangeSystemMailbox,
    ExchangeRoleGroup,
    WrittenBack,
    SyncServiceGroup,
    HiddenSyncContact,
}

impl SkipReason {
    pub const ALL: [SkipReason; 10] = [
        SkipReason::ReplicationConflict,
        SkipReason::CriticalSystemObject,
        SkipReason::DollarName,
        SkipReason::SystemName,
        SkipReason::ServiceAccount,
        SkipReason::ExchangeSystemMailbox,
        SkipReason::ExchangeRoleGroup,
        SkipReason::WrittenBack,
        SkipReason::SyncServiceGroup,
        SkipReason::HiddenSyncContact,
    ];

    /// Which objects the reason covers, and whose filter it follows.
    pub fn explanation(self) -> &'static str {
        match self {
            SkipReason::ReplicationConflict => {
                "the first RDN holds `\\0ACNF:`, a replication conflict object; every \"In from AD ... Join\" rule \
                 filters it"
            }
            SkipReason::CriticalSystemObject => {
                "isCriticalSystemObject is present, whatever its value: the Join rules filter on \
                 `IsPresent([isCriticalSystemObject])`"
            }
            SkipReason::DollarName => "the cn ends in `$` (the ruleset's skip rule, as IdFix)",
            SkipReason::SystemName => {
                "the cn is one of the ruleset's `skip_cn_exact` names or starts with a `skip_cn_prefixes` entry"
            }
            SkipReason::ServiceAccount => {
                "a user whose sAMAccountName starts with a `skip_user_sam_prefixes` entry (MSOL_, AAD_, CAS_, SUPPORT_ \
                 by default: the sync engine's own accounts)"
            }
            SkipReason::ExchangeSystemMailbox => {
                "a user whose mailNickname starts with `SystemMailbox{`, or with `CAS_` and holds `}`, or whose \
                 msExchRecipientTypeDetails has a bit of 0x21C07000 (discovery, arbitration, monitoring and other \
                 system mailboxes); a contact whose mailNickname starts with `CAS_` and holds `}`: \"In from AD - User \
                 Join\" and \"Contact Join\""
            }
            SkipReason::ExchangeRoleGroup => {
                "a group whose msExchRecipientTypeDetails has the RoleGroup bit 0x40000000: \"In from AD - Group Join\""
            }
            SkipReason::WrittenBack => {
                "a user (not an inetOrgPerson) whose adminDescription starts with `User_`, a group whose \
                 adminDescription starts with `Group_`: objects written back from Entra ID, which the scoping filters \
                 of \"In from AD - User Join\" and \"Group Join\" keep out"
            }
            SkipReason::SyncServiceGroup => {
                "the group with sAMAccountName `MSOL_AD_Sync_RichCoexistence`: \"In from AD - Group Join\""
            }
            SkipReason::HiddenSyncContact => {
                "a contact whose displayName holds `(MSOL)` and that is hidden from address lists: \"In from AD - \
                 Contact Join\""
            }
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::ReplicationConflict => "replication conflict object (CNF)",
            SkipReason::CriticalSystemObject => "isCriticalSystemObject",
            SkipReason::DollarName => "cn ends in $",
            SkipReason::SystemName => "system or Exchange object by cn",
            SkipReason::ServiceAccount => "sync service account by sAMAccountName",
            SkipReason::ExchangeSystemMailbox => "Exchange system mailbox (mailNickname or msExchRecipientTypeDetails)",
            SkipReason::ExchangeRoleGroup => "Exchange role group (msExchRecipientTypeDetails)",
            SkipReason::WrittenBack => "written back from Entra ID (adminDescription User_ or Group_)",
            SkipReason::SyncServiceGroup => "sync service group MSOL_AD_Sync_RichCoexistence",
            SkipReason::HiddenSyncContact => "hidden (MSOL) contact",
        }
    }
}

/// Why an object is not in scope at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutOfScopeReason {
    /// A tombstone or recycled object (an `ldifde -x` export holds them).
    Deleted,
    Computer,
    ManagedServiceAccount,
    /// Not a user, contact or group: OUs, containers, foreign security principals...
    OtherClass,
    /// The ruleset checks mail-enabled objects only.
    WithoutMail,
}

impl OutOfScopeReason {
    pub const ALL: [OutOfScopeReason; 5] = [
        OutOfScopeReason::Deleted,
        OutOfScopeReason::Computer,
        OutOfScopeReason::ManagedServiceAccount,
        OutOfScopeReason::OtherClass,
        OutOfScopeReason::WithoutMail,
    ];

    /// Which objects the reason covers.
    pub fn explanation(self) -> &'static str {
        match self {
            OutOfScopeReason::Deleted => {
                "isDeleted or isRecycled is TRUE, or the first RDN holds `\\0ADEL:`: tombstones and recycled objects, \
                 which an `ldifde -x` export holds and sync never exports"
            }
            OutOfScopeReason::Computer => "objectClass computer: devices are not checked",
            OutOfScopeReason::ManagedServiceAccount => {
                "objectClass msDS-ManagedServiceAccount or msDS-GroupManagedServiceAccount"
            }
            OutOfScopeReason::OtherClass => {
                "neither user, inetOrgPerson, contact nor group: OUs, containers, foreign security principals"
            }
            OutOfScopeReason::WithoutMail => "no mail, when the ruleset sets `only_with_mail` (the dedicated ruleset)",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OutOfScopeReason::Deleted => "deleted or recycled object (isDeleted, isRecycled)",
            OutOfScopeReason::Computer => "computer",
            OutOfScopeReason::ManagedServiceAccount => "managed service account",
            OutOfScopeReason::OtherClass => "not a user, contact or group",
            OutOfScopeReason::WithoutMail => "no mail (the ruleset checks mail-enabled objects only)",
        }
    }
}

/// Where an object stands for a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Checked(ObjectKind),
    Skipped(SkipReason),
    OutOfScope(OutOfScopeReason),
}

const MANAGED_SERVICE_ACCOUNTS: [&str; 2] = ["msDS-GroupManagedServiceAccount", "msDS-ManagedServiceAccount"];

/// msExchRecipientTypeDetails bits of system mailboxes (discovery, arbitration, monitoring,
/// audit log...) that "In from AD - User Join" filters: `BitAnd(.., &H21C07000)`.
const EXCHANGE_SYSTEM_MAILBOX_BITS: u64 = 0x21C0_7000;
/// The RoleGroup bit that "In from AD - Group Join" filters: `BitAnd(.., &H40000000)`.
const EXCHANGE_ROLE_GROUP_BIT: u64 = 0x4000_0000;

/// Classifies one object.
pub fn classify(object: &DirObject, ruleset: &Ruleset) -> Scope {
    if is_deleted(object) {
        return Scope::OutOfScope(OutOfScopeReason::Deleted);
    }
    if object.has_class("computer") {
        return Scope::OutOfScope(OutOfScopeReason::Computer);
    }
    if MANAGED_SERVICE_ACCOUNTS.iter().any(|class| object.has_class(class)) {
        return Scope::OutOfScope(OutOfScopeReason::ManagedServiceAccount);
    }
    let kind = if object.has_class("inetOrgPerson") {
        ObjectKind::InetOrgPerson
    } else if object.has_class("user") {
        ObjectKind::User
    } else if object.has_class("contact") {
        ObjectKind::Contact
    } else if object.has_class("group") {
        ObjectKind::Group
    } else {
        return Scope::OutOfScope(OutOfScopeReason::OtherClass);
    };
    if ruleset.only_with_mail && !object.has(&AttrName::Mail) {
        return Scope::OutOfScope(OutOfScopeReason::WithoutMail);
    }
    match skip_reason(object, kind, ruleset).or_else(|| connect_sync_filter(object, kind)) {
        Some(reason) => Scope::Skipped(reason),
        None => Scope::Checked(kind),
    }
}

/// A tombstone or a recycled object: `isDeleted` or `isRecycled` TRUE, or the `\0ADEL:` that
/// AD appends to a deleted object's RDN.
fn is_deleted(object: &DirObject) -> bool {
    let is_true = |attr: &AttrName| object.first_text(attr).is_some_and(|v| v.trim().eq_ignore_ascii_case("TRUE"));
    is_true(&AttrName::IsDeleted) || is_true(&AttrName::IsRecycled) || rdn_holds(object, "\\0adel:")
}

/// Whether the DN's first RDN holds `marker` (lower case), in any case (`CN=Ann\\0ACNF:...`).
fn rdn_holds(object: &DirObject, marker: &str) -> bool {
    let rdn = crate::model::first_rdn(object.dn()).as_bytes();
    rdn.windows(marker.len()).any(|window| window.eq_ignore_ascii_case(marker.as_bytes()))
}

fn skip_reason(object: &DirObject, kind: ObjectKind, ruleset: &Ruleset) -> Option<SkipReason> {
    if rdn_holds(object, "\\0acnf:") {
        return Some(SkipReason::ReplicationConflict);
    }
    // Connect Sync filters an object on IsPresent([isCriticalSystemObject]), whatever its value.
    if object.has(&AttrName::IsCriticalSystemObject) {
        return Some(SkipReason::CriticalSystemObject);
    }
    let cn = common_name(object).to_lowercase();
    if cn.ends_with('$') {
        return Some(SkipReason::DollarName);
    }
    if ruleset.skip_cn_exact.contains(&cn) || ruleset.skip_cn_prefixes.iter().any(|p| cn.starts_with(p.as_str())) {
        return Some(SkipReason::SystemName);
    }
    if kind.is_user() {
        let sam = object.first_text(&AttrName::SamAccountName).unwrap_or("").to_lowercase();
        if ruleset.skip_user_sam_prefixes.iter().any(|p| sam.starts_with(p.as_str())) {
            return Some(SkipReason::ServiceAccount);
        }
    }
    None
}

/// What the standard "In from AD" rules of Connect Sync keep out of the cloud, beyond the
/// ruleset's lists: their scoping filters (adminDescription) and their cloudFiltered
/// expressions.
///
/// Their `IsPresent([sAMAccountName]) = False` is left out on purpose: AD gives every user a
/// sAMAccountName, so a user without one in an export means the export left the attribute
/// out, and hiding such users would make an incomplete export look clean.
fn connect_sync_filter(object: &DirObject, kind: ObjectKind) -> Option<SkipReason> {
    let text = |attr: &AttrName| object.first_text(attr).unwrap_or("").trim();
    let starts = |value: &str, prefix: &str| value.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix));
    let nickname = text(&AttrName::MailNickname);
    let cas_nickname = starts(nickname, "CAS_") && nickname.contains('}');
    let recipient_bits = text(&AttrName::MsExchRecipientTypeDetails).parse::<i64>().map_or(0, |bits| bits as u64);
    let admin_description = text(&AttrName::AdminDescription);
    match kind {
        ObjectKind::User | ObjectKind::InetOrgPerson => {
            if starts(nickname, "SystemMailbox{") || cas_nickname || recipient_bits & EXCHANGE_SYSTEM_MAILBOX_BITS != 0
            {
                return Some(SkipReason::ExchangeSystemMailbox);
            }
            // Only "In from AD - User Join" scopes on adminDescription; the inetOrgPerson rules do not.
            (kind == ObjectKind::User && starts(admin_description, "User_")).then_some(SkipReason::WrittenBack)
        }
        ObjectKind::Group => {
            if text(&AttrName::SamAccountName).eq_ignore_ascii_case("MSOL_AD_Sync_RichCoexistence") {
                return Some(SkipReason::SyncServiceGroup);
            }
            if recipient_bits & EXCHANGE_ROLE_GROUP_BIT != 0 {
                return Some(SkipReason::ExchangeRoleGroup);
            }
            starts(admin_description, "Group_").then_some(SkipReason::WrittenBack)
        }
        ObjectKind::Contact => {
            if cas_nickname {
                return Some(SkipReason::ExchangeSystemMailbox);
            }
            let hidden = text(&AttrName::MsExchHideFromAddressLists).eq_ignore_ascii_case("TRUE");
            (hidden && text(&AttrName::DisplayName).contains("(MSOL)")).then_some(SkipReason::HiddenSyncContact)
        }
    }
}

/// The object's cn, or its DN's first RDN value when the source left cn out.
pub fn common_name(object: &DirObject) -> String {
    match object.first_text(&AttrName::Cn) {
        Some(cn) => cn.to_owned(),
        None => first_rdn_value(object.dn()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ObjectBuilder;

    fn object(dn: &str, classes: &[&str], attrs: &[(&str, &str)]) -> DirObject {
        let mut builder = ObjectBuilder::default();
        builder.set_dn(dn);
        for class in classes {
            builder.add_text(AttrName::ObjectClass, class);
        }
        for (name, value) in attrs {
            builder.add_text(AttrName::parse(name), value);
        }
        builder.build()
    }

    #[test]
    fn skip_lists_match_exact_names_and_real_prefixes_only() {
        let ruleset = Ruleset::multi_tenant();
        let user = |cn: &str, sam: &str| {
            classify(&object(&format!("CN={cn},DC=x"), &["top", "user"], &[("sAMAccountName", sam)]), &ruleset)
        };
        assert_eq!(user("Administrator", "administrator"), Scope::Skipped(SkipReason::SystemName));
        assert_eq!(user("krbtgt", "krbtgt"), Scope::Skipped(SkipReason::SystemName));
        assert_eq!(user("HealthMailbox0a1b", "hm"), Scope::Skipped(SkipReason::SystemName));
        assert_eq!(user("Iwamoto Kenji", "kiwamoto"), Scope::Checked(ObjectKind::User));
        assert_eq!(user("Guestrin Carlos", "cguestrin"), Scope::Checked(ObjectKind::User));
        assert_eq!(user("Sync Account", "MSOL_1a2b"), Scope::Skipped(SkipReason::ServiceAccount));
        assert_eq!(user("SVC$", "svc$"), Scope::Skipped(SkipReason::DollarName));
        let group = object("CN=Administration Office,DC=x", &["group"], &[]);
        assert_eq!(classify(&group, &ruleset), Scope::Checked(ObjectKind::Group));
        let conflict = object("CN=Ann\\0ACNF:0b1c,DC=x", &["user"], &[]);
        assert_eq!(classify(&conflict, &ruleset), Scope::Skipped(SkipReason::ReplicationConflict));
        let critical = object("CN=Ann,DC=x", &["user"], &[("isCriticalSystemObject", "TRUE")]);
        assert_eq!(classify(&critical, &ruleset), Scope::Skipped(SkipReason::CriticalSystemObject));
        let computer = object("CN=PC1,DC=x", &["top", "user", "computer"], &[]);
        assert_eq!(classify(&computer, &ruleset), Scope::OutOfScope(OutOfScopeReason::Computer));
        let ou = object("OU=Sales,DC=x", &["organizationalUnit"], &[]);
        assert_eq!(classify(&ou, &ruleset), Scope::OutOfScope(OutOfScopeReason::OtherClass));
        let person = object("CN=P,DC=x", &["user", "inetOrgPerson"], &[("sAMAccountName", "p")]);
        assert_eq!(classify(&person, &ruleset), Scope::Checked(ObjectKind::InetOrgPerson));
    }
}
