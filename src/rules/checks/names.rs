//! The name checks: displayName (DSP), run through its fix chain value by value, and the
//! lengths of givenName (GVN) and sn (SN).

use super::*;

rule_family! {
    /// The name rules: displayName (DSP), givenName (GVN) and sn (SN).
    NameRule in Names:
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
}

impl<'a> ObjectChecker<'a> {
    pub(super) fn person_names(&mut self) {
        let limits = &self.ruleset().limits;
        let (given_name, sn) = (limits.given_name, limits.sn);
        self.length_only(AttrName::GivenName, RuleId::GivenNameLength, given_name);
        self.length_only(AttrName::Sn, RuleId::SnLength, sn);
    }

    pub(super) fn display_name(&mut self) {
        let attr = AttrName::DisplayName;
        let recheck = |checker: &Self, value: &str| checker.display_name_chain(Some(value)).into_rules();
        let mut values = self.text_values(&attr).peekable();
        if values.peek().is_none() {
            let chain = self.display_name_chain(None);
            return self.emit_checked(&attr, "", chain, recheck);
        }
        for (_, value) in values {
            let chain = self.display_name_chain(Some(value));
            self.emit_checked(&attr, value, chain, recheck);
        }
    }

    /// displayName's checks on `value`, or on a missing displayName.
    fn display_name_chain<'v>(&self, value: Option<&'v str>) -> Chain<'v>
    where
        'a: 'v,
    {
        let cn_fix = |v: &str| v.is_empty().then(|| Fix::to(common_name(self.object), FixSafety::Safe));
        let mut chain = match value {
            Some(value) => {
                let mut chain = Chain::new(value, self.ruleset());
                chain.check(RuleId::DisplayNameLength, truncation(self.ruleset().limits.display_name));
                chain.check(RuleId::DisplayNameWhitespace, |v| {
                    (v.trim() != v).then(|| Fix::to(v.trim().to_owned(), FixSafety::Safe))
                });
                chain
            }
            None => Chain::empty(self.ruleset()),
        };
        chain.check(RuleId::DisplayNameBlank, cn_fix);
        if self.kind == ObjectKind::Group {
            chain.check(RuleId::GroupDisplayNameBlank, cn_fix);
        }
        chain
    }
}
