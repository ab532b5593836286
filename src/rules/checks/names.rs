//! The name checks: displayName (DSP), run through its fix chain value by value.

use super::*;

impl<'a> ObjectChecker<'a> {
    pub(super) fn display_name(&mut self) {
        let attr = AttrName::DisplayName;
        let recheck = |checker: &Self, value: &str| checker.display_name_chain(Some(value)).into_rules();
        let values = self.text_values(&attr);
        if values.is_empty() {
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
        let cn = common_name(self.object);
        let cn_fix = |v: &str| v.is_empty().then(|| Fix::to(cn.clone(), FixSafety::Safe));
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
