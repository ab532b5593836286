//! The sign-in name checks (UPN): userPrincipalName, or the alternate login ID's attribute,
//! with the suffix Entra ID accepts (routable, verified when the domains are known).

use super::*;

fn is_upn_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "'.-_!#^~".contains(c)
}

impl<'a> ObjectChecker<'a> {
    /// The userPrincipalName checks, on `attr`: userPrincipalName itself, or the alternate
    /// login ID attribute that Entra ID takes the sign-in name from.
    pub(super) fn sign_in_name(&mut self, attr: AttrName) {
        for (index, value) in self.text_values(&attr) {
            let chain = self.sign_in_chain(value, Some(index));
            self.emit_checked(&attr, value, chain, |checker, value| checker.sign_in_chain(value, None).into_rules());
        }
    }

    /// The userPrincipalName checks on `value`; the duplicate step too when `index` names the
    /// object's value.
    fn sign_in_chain<'v>(&self, value: &'v str, index: Option<u32>) -> Chain<'v>
    where
        'a: 'v,
    {
        let ruleset = self.ruleset();
        let limits = &ruleset.limits;
        {
            let mut chain = Chain::new(value, ruleset);
            let mut lengths = None;
            chain.check(RuleId::UpnLength, |v| {
                let (local, domain) = split_address(v).unwrap_or((v, ""));
                let (total, local_len, domain_len) = (char_len(v), char_len(local), char_len(domain));
                if total <= limits.upn && local_len <= limits.upn_local_part && domain_len <= limits.upn_domain_part {
                    return None;
                }
                lengths = Some((total, local_len, domain_len));
                if local_len <= limits.upn_local_part {
                    return Some(Fix::manual());
                }
                let fixed = with_local(v, truncate_chars(local, limits.upn_local_part));
                let fits = char_len(&fixed) <= limits.upn && domain_len <= limits.upn_domain_part;
                Some(Fix::to(fixed, if fits { FixSafety::Unsafe } else { FixSafety::Manual }))
            });
            if let Some((total, local, domain)) = lengths {
                chain.note(format!(
                    "{total} characters: {local} before '@', {domain} after (limits {}, {}, {})",
                    limits.upn, limits.upn_local_part, limits.upn_domain_part
                ));
            }
            let mut emptied = false;
            chain.check(RuleId::UpnCharacter, |v| {
                let local = split_address(v).map_or(v, |(l, _)| l);
                if local.chars().all(is_upn_local_char) {
                    return None;
                }
                let fixed = remove_chars(&transliterate(local), |c| !is_upn_local_char(c));
                emptied = fixed.trim_matches('.').is_empty();
                Some(if emptied { Fix::manual() } else { Fix::to(with_local(v, &fixed), FixSafety::Unsafe) })
            });
            if emptied {
                chain.note(NOTHING_LEFT.into());
            }
            chain.check(RuleId::UpnFormat, |v| {
                let Some((local, _)) = split_address(v) else { return Some(Fix::manual()) };
                if !local.is_empty() && !has_bad_periods(local) {
                    return None;
                }
                let fixed = local.trim_end_matches('.');
                if fixed.is_empty() || has_bad_periods(fixed) {
                    return Some(Fix::manual());
                }
                Some(Fix::to(with_local(v, fixed), FixSafety::Unsafe))
            });
            if chain.value().contains('@') {
                check_domain_part(&mut chain, RuleId::UpnDomainPart, 0);
                self.suffix(&mut chain);
                check_top_level_domain(&mut chain, RuleId::UpnTopLevelDomain, 0, ruleset);
            }
            if let Some(index) = index {
                self.duplicate(&mut chain, RuleId::UpnDuplicate, index);
            }
            chain
        }
    }

    /// Non-routable, then unverified, UPN suffixes; both propose the target domain.
    fn suffix(&self, chain: &mut Chain) {
        let ruleset = self.ruleset();
        let to_target = |v: &str| match ruleset.target_domain() {
            Some(target) => Fix::to(format!("{}@{target}", split_address(v).map_or(v, |(l, _)| l)), FixSafety::Unsafe),
            None => Fix::manual(),
        };
        let non_routable = chain.check(RuleId::UpnNonRoutableDomain, |v| {
            let (_, domain) = split_address(v)?;
            ruleset.is_non_routable(domain).then(|| to_target(v))
        });
        if !non_routable && ruleset.checks_verified_domains() {
            chain.check(RuleId::UpnUnverifiedDomain, |v| {
                let (_, domain) = split_address(v)?;
                (!ruleset.is_verified(domain)).then(|| to_target(v))
            });
        }
    }

    /// With an alternate login ID, userPrincipalName is checked only for what AD rejects.
    pub(super) fn upn_for_ad_only(&mut self) {
        let attr = AttrName::UserPrincipalName;
        let rule = RuleId::UpnAdCharacter;
        for (_, value) in self.text_values(&attr) {
            let chain = single_check(value, self.ruleset(), rule, without(char::is_control));
            let recheck = |checker: &Self, value: &str| {
                single_check(value, checker.ruleset(), rule, without(char::is_control)).into_rules()
            };
            self.emit_checked(&attr, value, chain, recheck);
        }
    }
}
