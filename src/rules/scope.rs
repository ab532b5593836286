//! Which objects a scan checks: users (and inetOrgPerson), contacts and groups, minus the
//! system and service objects the ruleset's skip lists name. Computers and managed service
//! accounts are never in scope.

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

/// Why an object in scope by class is skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SkipReason {
    ReplicationConflict,
    CriticalSystemObject,
    DollarName,
    SystemName,
    ServiceAccount,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::ReplicationConflict => "replication conflict object (CNF)",
            SkipReason::CriticalSystemObject => "isCriticalSystemObject",
            SkipReason::DollarName => "cn ends in $",
            SkipReason::SystemName => "system or Exchange object by cn",
            SkipReason::ServiceAccount => "sync service account by sAMAccountName",
        }
    }
}

/// Where an object stands for a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Checked(ObjectKind),
    Skipped(SkipReason),
    /// Not a user, contact or group (OUs, computers, service accounts...).
    OutOfScope,
}

const NEVER_IN_SCOPE: [&str; 3] = ["computer", "msDS-GroupManagedServiceAccount", "msDS-ManagedServiceAccount"];

/// Classifies one object.
pub fn classify(object: &DirObject, ruleset: &Ruleset) -> Scope {
    if NEVER_IN_SCOPE.iter().any(|class| object.has_class(class)) {
        return Scope::OutOfScope;
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
        return Scope::OutOfScope;
    };
    if ruleset.only_with_mail && !object.has(&AttrName::Mail) {
        return Scope::OutOfScope;
    }
    match skip_reason(object, kind, ruleset) {
        Some(reason) => Scope::Skipped(reason),
        None => Scope::Checked(kind),
    }
}

fn skip_reason(object: &DirObject, kind: ObjectKind, ruleset: &Ruleset) -> Option<SkipReason> {
    if object.dn().to_ascii_lowercase().contains("\\0acnf:") {
        return Some(SkipReason::ReplicationConflict);
    }
    let critical = object.first_text(&AttrName::IsCriticalSystemObject);
    if critical.is_some_and(|v| v.trim().eq_ignore_ascii_case("TRUE")) {
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
        assert_eq!(classify(&computer, &ruleset), Scope::OutOfScope);
        let ou = object("OU=Sales,DC=x", &["organizationalUnit"], &[]);
        assert_eq!(classify(&ou, &ruleset), Scope::OutOfScope);
        let person = object("CN=P,DC=x", &["user", "inetOrgPerson"], &[]);
        assert_eq!(classify(&person, &ruleset), Scope::Checked(ObjectKind::InetOrgPerson));
    }
}
