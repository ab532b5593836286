//! The proxyAddresses checks (PRX): every address through its fix chain, and the attribute
//! as a whole (one primary SMTP address, at most 300 values).

use super::*;

const PROXY_RULES: AddressRules = AddressRules {
    local_part: RuleId::ProxyLocalPart,
    domain_part: RuleId::ProxyDomainPart,
    top_level_domain: RuleId::ProxyTopLevelDomain,
    format: RuleId::ProxyFormat,
};

impl<'a> ObjectChecker<'a> {
    pub(super) fn proxy_addresses(&mut self) {
        let attr = AttrName::ProxyAddresses;
        let limits = &self.ruleset().limits;
        let values = self.text_values(&attr);
        for &(index, value) in &values {
            let chain = self.proxy_chain(value, Some(index));
            self.emit_checked(&attr, value, chain, |checker, value| checker.proxy_chain(value, None).into_rules());
        }
        let primaries = values.iter().filter(|(_, v)| v.starts_with("SMTP:")).count();
        if primaries > 1 {
            let mut chain = Chain::empty(self.ruleset());
            if chain.check(RuleId::ProxyPrimaries, |_| Some(Fix::manual())) {
                chain.note(format!("{primaries} primary SMTP: addresses"));
            }
            self.emit(&attr, "", chain);
        }
        self.too_many_values(&attr, values.len(), RuleId::ProxyCount, limits.proxy_addresses);
    }

    /// A proxy address's checks by its type; the duplicate step too when `index` names the
    /// object's value.
    fn proxy_chain<'v>(&self, value: &'v str, index: Option<u32>) -> Chain<'v>
    where
        'a: 'v,
    {
        let mut chain = Chain::new(value, self.ruleset());
        chain.check(RuleId::ProxyLength, too_long(self.ruleset().limits.proxy_address));
        chain.check(RuleId::ProxyPrefix, |v| address_type(v).is_none().then(Fix::manual));
        match address_type(chain.value()).map(str::to_ascii_lowercase).as_deref() {
            Some("smtp") => {
                let bad = |c: char| c.is_whitespace() || ":<>();,[]\"".contains(c);
                chain.check(RuleId::ProxySmtpCharacter, type_body_without(bad));
                check_address(&mut chain, &PROXY_RULES, SMTP_PREFIX_LEN, self.ruleset());
                if self.checks_own_addresses() {
                    self.unverified(&mut chain, RuleId::ProxyUnverifiedDomain);
                }
            }
            Some("x400" | "x500") => {
                let bad = |c: char| "\u{c}\n\r\t\u{b}[]\"".contains(c);
                chain.check(RuleId::ProxyX500Character, type_body_without(bad));
            }
            Some(_) => {
                let bad = |c: char| c.is_whitespace() || "<>(),[]\"".contains(c);
                chain.check(RuleId::ProxyOtherCharacter, type_body_without(bad));
            }
            None => {}
        }
        if let Some(index) = index {
            self.duplicate(&mut chain, RuleId::ProxyDuplicate, index);
        }
        chain
    }
}
