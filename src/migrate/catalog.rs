//! The readiness catalogue: every check of the move from Connect Sync to Cloud Sync with its
//! stable code, the severities it reports at, a title and when it fires, as the rule catalogue
//! keeps the scan's rules. `docs/migration.md`'s table of codes is generated from it.

use crate::model::Severity;

macro_rules! readiness_catalogue {
    ($(
        $(#[doc = $doc:literal])+
        $check:ident => $code:literal, [$($severity:ident),+], $title:literal, $when:literal;
    )*) => {
        /// A readiness check.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Check {
            $($(#[doc = $doc])+ $check,)*
        }

        /// Every check, in code order.
        pub const CHECKS: &[Check] = &[$(Check::$check,)*];

        impl Check {
            /// The stable code, `MIG001`...
            pub fn code(self) -> &'static str {
                match self { $(Check::$check => $code,)* }
            }

            /// The severities it reports at, the usual one first.
            pub fn severities(self) -> &'static [Severity] {
                match self { $(Check::$check => &[$(Severity::$severity),+],)* }
            }

            /// What it is about, in a few words.
            pub fn title(self) -> &'static str {
                match self { $(Check::$check => $title,)* }
            }

            /// When it fires.
            pub fn when(self) -> &'static str {
                match self { $(Check::$check => $when,)* }
            }
        }
    };
}

readiness_catalogue! {
    /// Connect Sync servers older than the minimum stopped syncing.
    OldVersion => "MIG001", [Blocker], "Connect Sync version",
        "Connect Sync older than 2.5.79.0 (such servers stopped syncing on 2026-09-30)";
    /// Without a version the minimum cannot be checked.
    UnknownVersion => "MIG002", [Warning], "Connect Sync version", "the export does not give a readable version";
    /// Cloud Sync has no staging mode: the active server's export is the one to plan from.
    StagingMode => "MIG003", [Blocker], "staging mode", "a staging-mode server";
    /// Cloud Sync anchors on mS-DS-ConsistencyGuid or objectGUID only.
    SourceAnchor => "MIG004", [Blocker], "source anchor",
        "a source anchor other than objectGUID or mS-DS-ConsistencyGuid";
    /// The UPN comes from another attribute: the Cloud Sync mapping must say so.
    SignInAttribute => "MIG005", [Warning], "sign-in attribute", "a sign-in attribute other than userPrincipalName";
    /// A rule that only scopes becomes a scoping filter.
    ScopingRule => "MIG006", [Warning], "custom rule",
        "a custom rule that only scopes (recreate as a Cloud Sync scoping filter)";
    /// Flows Cloud Sync's expressions can write.
    ExpressibleRule => "MIG007", [Warning], "custom rule",
        "a custom rule whose flows Cloud Sync's expression builder can write (the translation is shown: `LCase`→`ToLower`, `UCase`→`ToUpper`, the functions both have kept)";
    /// Cloud Sync's attribute scoping is limited.
    AttributeFilter => "MIG008", [Warning], "custom rule",
        "attribute-based filtering (a custom inbound rule setting `cloudFiltered` to True)";
    /// What Cloud Sync cannot express.
    RedesignRule => "MIG009", [Blocker], "custom rule",
        "a custom rule that needs a redesign: custom joins, outbound rules, functions Cloud Sync's expression reference lacks (`CRef`, `Coalesce`...), `Switch` and `Replace` (the same names with other arguments), connector parameters (`%Domain.FQDN%`)";
    /// Cloud Sync scopes by group for pilots only.
    GroupFiltering => "MIG010", [Warning], "group-based filtering", "group-based filtering";
    /// Cloud Sync writes no devices back.
    DeviceWriteback => "MIG011", [Blocker], "device writeback", "device writeback";
    /// Cloud Sync syncs devices in preview only.
    DeviceSync => "MIG012", [Warning], "device sync", "device sync (hybrid join)";
    /// PTA agents are managed apart from Cloud Sync.
    PassThroughAuthentication => "MIG013", [Warning], "pass-through authentication",
        "pass-through authentication (managed separately)";
    /// AD FS is managed apart from Cloud Sync.
    Federation => "MIG014", [Warning], "federation", "federation (managed separately)";
    /// Directory extensions are recreated in the Cloud Sync configuration.
    DirectoryExtensions => "MIG015", [Warning], "directory extensions", "directory extensions";
    /// Exchange hybrid writeback is turned on in Cloud Sync before the first wave.
    ExchangeHybrid => "MIG016", [Warning], "Exchange hybrid", "Exchange hybrid";
    /// Features Cloud Sync has too, to turn on there.
    CarriedFeature => "MIG017", [Info], "feature",
        "password hash sync, password writeback, group writeback: enable them in Cloud Sync too";
    /// Cloud Sync's accidental-delete prevention is on.
    DeletionThresholdOff => "MIG018", [Warning], "accidental-delete prevention",
        "accidental-delete prevention turned off";
    /// One agent per forest, one configuration per domain.
    SeveralForests => "MIG019", [Warning], "several forests", "several forests";
    /// Cloud Sync cannot merge one identity across forests.
    CrossForestJoin => "MIG020", [Blocker], "cross-forest join",
        "inbound joins from several forests into one object type (one identity merged across forests); not the standard foreign security principal join (target `*`), nor device joins while devices do not sync";
    /// Linked mailboxes live in a resource forest.
    LinkedMailboxes => "MIG021", [Blocker], "resource-forest mailboxes",
        "linked mailboxes (`msExchRecipientTypeDetails` = 2) in the scan: resource-forest mailboxes";
    /// Cloud Sync's per-domain limit.
    BigDomain => "MIG022", [Blocker], "AD domain", "more than 150,000 objects in scope in one AD domain";
    /// Cloud Sync's group size limit.
    BigGroup => "MIG023", [Blocker], "group", "a group of more than 50,000 members";
    /// The scope simulation assumes what it cannot evaluate.
    UnevaluatedScoping => "MIG024", [Info], "scope simulation", "scoping operators the simulation does not evaluate";
    /// Microsoft's guided tool, and why it cannot do the move.
    GuidedTool => "MIG025", [Info], "guided tool",
        "whether Microsoft's guided tool can do the move, with every reason it cannot";
    /// Cloud Sync's limit on separate OUs per configuration.
    ManyOus => "MIG026", [Warning], "Cloud Sync OU scoping", "more than 59 separate OUs in the Cloud Sync scoping";
    /// Objects the move would delete from Entra ID.
    ScopeDeletes => "MIG027", [Blocker, Warning], "scope change",
        "objects Connect Sync syncs that the Cloud Sync scoping leaves out (deleted from Entra ID); a blocker above the deletion threshold";
    /// Objects the move would create in Entra ID.
    ScopeCreates => "MIG028", [Warning], "scope change",
        "objects Connect Sync leaves out that the Cloud Sync scoping would create (OU scoping has no exclusions)";
    /// The configuration and the scan describe different directories.
    NothingSelected => "MIG029", [Blocker], "scope",
        "the configuration selects none of the scanned users, groups and contacts: the scan and the export describe different directories, or the filters leave nothing";
    /// A disabled rule carries nothing over.
    DisabledRule => "MIG030", [Info], "custom rule", "a disabled custom rule: nothing to carry over";
    /// With a tenant export: the cloud objects Connect Sync made for a wave's objects are
    /// anchored on another value than Cloud Sync sends, so the cut-over would not hard-match.
    WaveWillNotMatch => "MIG031", [Blocker], "hard match",
        "with a tenant export: objects of a wave whose cloud object is anchored on another value than the one Cloud Sync sends (mS-DS-ConsistencyGuid, else objectGUID): the cut-over would create duplicates";
    /// With a tenant export: every object of a wave will hard-match.
    WaveWillMatch => "MIG032", [Info], "hard match",
        "with a tenant export: every object of the wave that has a cloud object finds it by the anchor Cloud Sync sends";
}

/// The Markdown table of `docs/migration.md`'s "Readiness items".
pub fn markdown_table() -> String {
    let mut table = String::from("| code | severity | when |\n|---|---|---|\n");
    for check in CHECKS {
        let severities: Vec<&str> = check.severities().iter().map(|s| s.as_str()).collect();
        table += &format!("| {} | {} | {} |\n", check.code(), severities.join(" / "), check.when());
    }
    table
}

/// One line per check, for the terminal.
pub fn text() -> String {
    CHECKS
        .iter()
        .map(|c| format!("{}  {:<8} {}: {}\n", c.code(), c.severities()[0].as_str(), c.title(), c.when()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_in_order() {
        let codes: Vec<&str> = CHECKS.iter().map(|c| c.code()).collect();
        let expected: Vec<String> = (1..=CHECKS.len()).map(|n| format!("MIG{n:03}")).collect();
        assert_eq!(codes, expected);
    }
}
