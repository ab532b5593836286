//! The targetAddress checks (TGT): a mail contact's external address.

use super::*;

const TARGET_RULES: AddressRules = AddressRules {
    local_part: RuleId::TargetLocalPart,
    domain_part: RuleId::TargetDomainPart,
    top_level_domain: RuleId::TargetTopLevelDomain,
    format: RuleId::TargetFormat,
};

impl<'a> ObjectChecker<'a> {
    pub(super) fn target_address(&mut self) {
        let attr = AttrName::TargetAddress;
        let recheck = |checker: &Self, value: &str| checker.target_chain(value, None).into_rules();
        let values = self.text_values(&attr);
        if values.is_empty()
            && self.kind == ObjectKind::Contact
            && let Some(mail) = self.object.first_text(&AttrName::Mail)
        {
            let mut chain = Chain::empty(self.ruleset());
            chain.check(RuleId::TargetBlank, |_| Some(Fix::to(format!("SMTP:{mail}"), FixSafety::Safe)));
            return self.emit_checked(&attr, "", chain, recheck);
        }
        for (index, value) in values {
            let chain = self.target_chain(value, Some(index));
            self.emit_checked(&attr, value, chain, recheck);
        }
    }

    /// targetAddress's checks on `value`; the duplicate step too when `index` names the
    /// object's value.
    fn target_chain<'v>(&self, value: &'v str, index: Option<u32>) -> Chain<'v>
    where
        'a: 'v,
    {
        let mut chain = Chain::new(value, self.ruleset());
        chain.check(RuleId::TargetLength, too_long(self.ruleset().limits.target_address));
        chain.check(RuleId::TargetPrefix, |v| address_type(v).is_none().then(Fix::manual));
        if smtp_address(chain.value()).is_some() {
            let bad = |c: char| c.is_whitespace() || ":<>();,[]\"".contains(c);
            chain.check(RuleId::TargetSmtpCharacter, type_body_without(bad));
            check_address(&mut chain, &TARGET_RULES, SMTP_PREFIX_LEN, self.ruleset());
        }
        if let Some(index) = index {
            self.duplicate(&mut chain, RuleId::TargetDuplicate, index);
        }
        chain
    }
}
