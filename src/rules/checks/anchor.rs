//! The source anchor checks (ANC): objectGUID and mS-DS-ConsistencyGuid, against every other
//! object's anchors.

use super::*;

rule_family! {
    /// The source anchor rules (ANC).
    AnchorRule in Anchor:
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
}

impl<'a> ObjectChecker<'a> {
    /// Anchor checks: on a user's mS-DS-ConsistencyGuid, and on any object's objectGUID that
    /// a user took as its anchor.
    pub(super) fn source_anchor(&mut self) {
        if self.ruleset().anchor != Anchor::ConsistencyGuid {
            return;
        }
        let guid = self.object.guid();
        if let Some(guid) = guid {
            let takers = self.ctx.anchors.holders(&guid.0, Source::ConsistencyGuid, self.index);
            if !takers.is_empty() {
                let shown = immutable_id(&guid.0);
                let mut chain = Chain::new(&shown, self.ruleset());
                if chain.check(RuleId::AnchorIsOtherGuid, |_| Some(Fix::manual())) {
                    chain.note(format!("taken as mS-DS-ConsistencyGuid by: {}", self.dns(&takers)));
                }
                self.emit(&AttrName::ObjectGuid, &shown, chain);
            }
        }
        if !uses_consistency_guid(self.kind) {
            return;
        }
        let attr = AttrName::MsDsConsistencyGuid;
        let stamp_fix = |safety| guid.map_or_else(Fix::manual, |g| Fix::to(immutable_id(&g.0), safety));
        let object: &'a DirObject = self.object;
        let values: Vec<&[u8]> = object.values(&attr).map(|(_, v)| v.as_bytes()).collect();
        if values.is_empty() {
            let mut chain = Chain::empty(self.ruleset());
            if chain.check(RuleId::AnchorMissing, |_| Some(stamp_fix(FixSafety::Safe))) {
                chain.note("no ImmutableId until it is stamped (Cloud Sync never stamps it)".into());
            }
            return self.emit(&attr, "", chain);
        }
        for bytes in values {
            let shown = immutable_id(bytes);
            let mut chain = Chain::new(&shown, self.ruleset());
            let anchor: Option<[u8; 16]> = bytes.try_into().ok();
            if chain.check(RuleId::AnchorLength, |_| anchor.is_none().then(|| stamp_fix(FixSafety::Unsafe))) {
                chain.note(format!("{} bytes", bytes.len()));
            }
            if let Some(anchor) = anchor {
                let sharers = self.ctx.anchors.holders(&anchor, Source::ConsistencyGuid, self.index);
                if chain.check(RuleId::AnchorShared, |_| (!sharers.is_empty()).then(Fix::manual)) {
                    chain.note_holders(format!("also held by: {}", self.dns(&sharers)), &sharers);
                }
                let owners = self.ctx.anchors.holders(&anchor, Source::ObjectGuid, self.index);
                if chain.check(RuleId::AnchorIsOtherGuid, |_| (!owners.is_empty()).then(Fix::manual)) {
                    chain.note(format!("objectGUID of: {}", self.dns(&owners)));
                }
                chain.check(RuleId::AnchorDiffers, |_| guid.is_some_and(|g| g.0 != anchor).then(Fix::manual));
                if chain.has_failed() {
                    chain.note(format!("ImmutableId {shown}"));
                }
            }
            self.emit(&attr, &shown, chain);
        }
    }
}
