//! The sign-in name checks (UPN): userPrincipalName, or the alternate login ID's attribute,
//! with the suffix Entra ID accepts (routable, verified when the domains are known).

use super::*;

rule_family! {
    /// The sign-in name rules (UPN).
    SignInRule in SignIn:
    /// Entra ID accepts at most 113 characters, 64 before `@` and 48 after
    /// (IdentityDataValidationFailed). Truncating the part before `@` changes the sign-in
    /// name (unsafe); a suffix over 48 characters needs another domain (manual).
    UpnLength => "UPN001", Length, "userPrincipalName", Error, "userPrincipalName is too long (113 in all, 64 before '@', 48 after)", Proposes "truncate the part before '@'";
    /// Before the `@`, Entra ID accepts only `A-Z a-z 0-9 ' . - _ ! # ^ ~`. Every letter is
    /// transliterated to Latin (`Jürgen` → `Jurgen`, `Łukasz` → `Lukasz`, `Иван` → `Ivan`,
    /// `王伟` → `WangWei`), other characters removed: the sign-in name changes, so unsafe.
    /// When nothing is left before the `@`, no value is proposed (manual).
    UpnCharacter => "UPN002", Character, "userPrincipalName", Error, "userPrincipalName has characters Entra ID rejects before '@'", Proposes "transliterate and remove the invalid characters";
    /// A UPN needs one `@`, with no period right before it, at the start, or doubled. The fix
    /// turns `.@` into `@` (unsafe); other misplaced periods need a person.
    UpnFormat => "UPN003", Format, "userPrincipalName", Error, "userPrincipalName has no '@', or misplaced periods before it", Proposes "turn '.@' into '@'";
    /// The suffix must be a valid domain name. Removing stray characters is safe only when it
    /// just trims.
    UpnDomainPart => "UPN004", DomainPart, "userPrincipalName", Error, "userPrincipalName suffix is not a valid domain name", Proposes "remove the invalid characters";
    /// The suffix must end in a real top-level domain: Entra ID cannot verify `.con`. No fix
    /// can guess the intended domain.
    UpnTopLevelDomain => "UPN005", TopLevelDomain, "userPrincipalName", Error, "userPrincipalName suffix ends in an unknown top-level domain", Manual "correct the suffix";
    /// UPNs are unique across the tenant; with Duplicate Attribute Resiliency the second
    /// object gets `<prefix>+<4 digits>@<tenant>.onmicrosoft.com`. Only a person can decide.
    UpnDuplicate => "UPN006", Duplicate, "userPrincipalName", Error, "userPrincipalName is held by another object too", Manual "decide which object keeps it";
    /// With verified domains given: a UPN suffix that is not a verified domain (or a subdomain
    /// of one) is replaced by `<tenant>.onmicrosoft.com`, so the user cannot sign in with the
    /// name they know. With `--target-domain` the fix moves the suffix there: the sign-in name
    /// changes, so unsafe.
    UpnUnverifiedDomain => "UPN007", UnverifiedDomain, "userPrincipalName", Error, "userPrincipalName suffix is not a verified domain of the tenant", Proposes "use the target domain";
    /// Suffixes such as `.local`, `.corp` or a single label can never be verified, so every such
    /// user ends up with an onmicrosoft.com sign-in name. With `--target-domain` the fix moves
    /// the suffix there (unsafe: the sign-in name changes); or use an alternate login ID.
    UpnNonRoutableDomain => "UPN008", NonRoutableDomain, "userPrincipalName", Error, "userPrincipalName suffix is not routable on the internet", Proposes "use the target domain";
    /// With an alternate login ID, userPrincipalName no longer reaches Entra ID as the sign-in
    /// name and is only checked for what AD itself rejects: control characters. Removing them
    /// is unsafe.
    UpnAdCharacter => "UPN009", Character, "userPrincipalName", Error, "userPrincipalName has control characters", Proposes "remove them";
}

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
