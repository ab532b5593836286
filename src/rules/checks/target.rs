//! The targetAddress checks (TGT): a mail contact's external address.

use super::*;

rule_family! {
    /// The targetAddress rules (TGT).
    TargetRule in Target:
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
}

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
        let mut values = self.text_values(&attr).peekable();
        if values.peek().is_none()
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
