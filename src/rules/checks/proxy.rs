//! The proxyAddresses checks (PRX): every address through its fix chain, and the attribute
//! as a whole (one primary SMTP address, at most 300 values).

use super::*;

rule_family! {
    /// The proxyAddresses rules (PRX).
    ProxyRule in Proxy:
    /// Exchange Online accepts proxy addresses of at most 256 characters. Truncating an
    /// address is never right: no automatic value.
    ProxyLength => "PRX001", Length, "proxyAddresses", Error, "proxy address is longer than 256 characters", Manual "shorten the address";
    /// Every proxy address needs a `type:` prefix (`SMTP:`, `smtp:`, `X500:`, `SIP:`...);
    /// without one Exchange Online refuses it. The right type cannot be guessed.
    ProxyPrefix => "PRX002", Format, "proxyAddresses", Error, "proxy address has no 'type:' prefix", Manual "add the right prefix";
    /// An SMTP address may not hold whitespace, `< > ( ) ; , [ ] "` or a second `:`. Removing
    /// them changes the address (unsafe) unless only surrounding spaces go.
    ProxySmtpCharacter => "PRX003", Character, "proxyAddresses", Error, "SMTP proxy address has whitespace or reserved characters", Proposes "remove the invalid characters";
    /// As for mail (MAIL003), on the address after `smtp:`.
    ProxyLocalPart => "PRX004", LocalPart, "proxyAddresses", Error, "SMTP proxy address local part has invalid characters", Proposes "remove the invalid characters";
    /// As for mail (MAIL004), on the address after `smtp:`.
    ProxyDomainPart => "PRX005", DomainPart, "proxyAddresses", Error, "SMTP proxy address domain part is not a valid domain name", Proposes "remove the invalid characters";
    /// As for mail (MAIL005), on the address after `smtp:`.
    ProxyTopLevelDomain => "PRX006", TopLevelDomain, "proxyAddresses", Error, "SMTP proxy address ends in an unknown top-level domain", Manual "correct the domain";
    /// As for mail (MAIL006), on the address after `smtp:`.
    ProxyFormat => "PRX007", Format, "proxyAddresses", Error, "SMTP proxy address is not a valid address", Manual "enter a valid address";
    /// X400 and X500 addresses may hold spaces, parentheses and apostrophes, but not control
    /// characters, brackets or quotes. Removing them changes the address: unsafe.
    ProxyX500Character => "PRX008", Character, "proxyAddresses", Error, "X400/X500 proxy address has control characters, brackets or quotes", Proposes "remove the invalid characters";
    /// Other address types (SIP, EUM...) may not hold whitespace or `< > ( ) , [ ] "`.
    /// Removing them changes the address: unsafe.
    ProxyOtherCharacter => "PRX009", Character, "proxyAddresses", Error, "proxy address has whitespace or reserved characters", Proposes "remove the invalid characters";
    /// SMTP proxy addresses share one namespace with mail and userPrincipalName across the
    /// tenant (compared without the `smtp:` prefix and case); other types are compared whole.
    /// The object that syncs second loses the address. Only a person can decide.
    ProxyDuplicate => "PRX010", Duplicate, "proxyAddresses", Error, "proxy address is held by another object too", Manual "decide which object keeps it";
    /// Exactly one `SMTP:` (upper case) is the primary address; with two, Exchange Online picks
    /// one at random or refuses the object. Only a person can choose.
    ProxyPrimaries => "PRX011", Format, "proxyAddresses", Error, "more than one primary SMTP: address", Manual "keep one primary";
    /// About 300 proxy addresses is the most Entra ID accepts before the object fails with
    /// LargeObject / ExceededAllowedLength. Only a person can choose which to drop.
    ProxyCount => "PRX012", LargeObject, "proxyAddresses", Error, "more than 300 proxy addresses", Manual "remove unused addresses";
    /// With verified domains given: Exchange Online drops SMTP addresses in domains the
    /// tenant has not verified. A warning on users and groups; no automatic value.
    ProxyUnverifiedDomain => "PRX013", UnverifiedDomain, "proxyAddresses", Warning, "SMTP proxy address is in a domain the tenant has not verified", Manual "verify the domain or remove the address";
}

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
        let values: Vec<(u32, &str)> = self.text_values(&attr).collect();
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
