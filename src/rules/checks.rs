//! The checks of a ruleset, attribute by attribute, each value run through its fix chain in the
//! order of rules-spec.md ("Checks by attribute", then "Checks beyond IdFix").

use super::anchor::{AnchorIndex, Source, immutable_id, uses_consistency_guid};
use super::catalog::{FixSafety, RuleId, Severity};
use super::chain::{Chain, Fix, Outcome};
use super::duplicates::{DuplicateIndex, smtp_address};
use super::email::{AddressRules, check_address, check_domain_part, check_top_level_domain, split_address};
use super::finding::Finding;
use super::ruleset::{Anchor, Ruleset};
use super::scope::{ObjectKind, common_name};
use super::text::{NOTHING_LEFT, char_len, remove_chars, transliterate, truncate_chars};
use crate::model::{AttrName, DirObject};

/// What every object's checks share.
pub struct ScanContext<'a> {
    pub objects: &'a [DirObject],
    pub ruleset: &'a Ruleset,
    pub duplicates: &'a DuplicateIndex,
    pub anchors: &'a AnchorIndex,
}

const MAIL_RULES: AddressRules = AddressRules {
    local_part: RuleId::MailLocalPart,
    domain_part: RuleId::MailDomainPart,
    top_level_domain: RuleId::MailTopLevelDomain,
    format: RuleId::MailFormat,
};

const PROXY_RULES: AddressRules = AddressRules {
    local_part: RuleId::ProxyLocalPart,
    domain_part: RuleId::ProxyDomainPart,
    top_level_domain: RuleId::ProxyTopLevelDomain,
    format: RuleId::ProxyFormat,
};

const TARGET_RULES: AddressRules = AddressRules {
    local_part: RuleId::TargetLocalPart,
    domain_part: RuleId::TargetDomainPart,
    top_level_domain: RuleId::TargetTopLevelDomain,
    format: RuleId::TargetFormat,
};

const SMTP_PREFIX_LEN: usize = "smtp:".len();

/// Checks one object and returns its findings in attribute order.
pub fn check_object(ctx: &ScanContext, index: u32, kind: ObjectKind) -> Vec<Finding> {
    let limits = &ctx.ruleset.limits;
    let mut checker = ObjectChecker { ctx, index, object: &ctx.objects[index as usize], kind, findings: Vec::new() };
    checker.display_name();
    checker.length_only(AttrName::GivenName, RuleId::GivenNameLength, limits.given_name);
    checker.length_only(AttrName::Sn, RuleId::SnLength, limits.sn);
    match &ctx.ruleset.alternate_login_id {
        Some(AttrName::Mail) => {}
        _ => checker.mail(),
    }
    checker.mail_nickname();
    checker.proxy_addresses();
    checker.sam_account_name();
    checker.target_address();
    match ctx.ruleset.alternate_login_id.clone() {
        Some(login) => {
            checker.upn_for_ad_only();
            checker.sign_in_name(login);
        }
        None => checker.sign_in_name(AttrName::UserPrincipalName),
    }
    checker.certificates(AttrName::UserCertificate);
    checker.certificates(AttrName::UserSmimeCertificate);
    checker.source_anchor();
    checker.findings
}

/// The finding of an object whose checks failed inside syncready, with the error in DETAIL.
pub fn internal_error(ctx: &ScanContext, index: u32, kind: ObjectKind, message: &str) -> Finding {
    let object = &ctx.objects[index as usize];
    Finding {
        object: index,
        dn: object.dn().to_owned(),
        common_name: common_name(object),
        object_class: kind.class_name(),
        attribute: AttrName::parse("*"),
        value: String::new(),
        update: String::new(),
        rules: vec![RuleId::InternalError],
        severity: Severity::Error,
        fix: FixSafety::Manual,
        guid: object.guid(),
        detail: message.to_owned(),
        holders: Vec::new(),
    }
}

struct ObjectChecker<'a> {
    ctx: &'a ScanContext<'a>,
    index: u32,
    object: &'a DirObject,
    kind: ObjectKind,
    findings: Vec<Finding>,
}

/// The chain of an attribute with one check.
fn single_check<'v>(
    value: &'v str,
    ruleset: &'v Ruleset,
    rule: RuleId,
    check: impl FnOnce(&str) -> Option<Fix>,
) -> Chain<'v> {
    let mut chain = Chain::new(value, ruleset);
    chain.check(rule, check);
    chain
}

/// A Length check that proposes the first `limit` characters.
fn truncation(limit: usize) -> impl FnOnce(&str) -> Option<Fix> {
    move |v| (char_len(v) > limit).then(|| Fix::to(truncate_chars(v, limit).to_owned(), FixSafety::Unsafe))
}

/// A Length check with no automatic fix (addresses are not truncated).
fn too_long(limit: usize) -> impl FnOnce(&str) -> Option<Fix> {
    move |v| (char_len(v) > limit).then(Fix::manual)
}

/// A Character check that removes what `bad` rejects.
fn without(bad: impl Fn(char) -> bool) -> impl FnOnce(&str) -> Option<Fix> {
    move |v| v.chars().any(&bad).then(|| Fix::removal(v, remove_chars(v, bad)))
}

/// A Character check on what follows a `type:` prefix.
fn type_body_without(bad: impl Fn(char) -> bool) -> impl FnOnce(&str) -> Option<Fix> {
    move |v| {
        let colon = v.find(':').map_or(0, |i| i + 1);
        let (prefix, body) = v.split_at(colon);
        without(bad)(body).map(|fix| fix.map_value(|b| format!("{prefix}{b}")))
    }
}

/// The `type:` prefix of a proxy or target address (letters and digits before a colon).
fn address_type(value: &str) -> Option<&str> {
    let (kind, _) = value.split_once(':')?;
    (!kind.is_empty() && kind.chars().all(|c| c.is_ascii_alphanumeric())).then_some(kind)
}

fn is_upn_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "'.-_!#^~".contains(c)
}

fn is_nickname_bad_char(c: char) -> bool {
    c.is_whitespace() || !c.is_ascii() || "\"(),:;<>@[\\]".contains(c)
}

fn has_bad_periods(value: &str) -> bool {
    value.starts_with('.') || value.ends_with('.') || value.contains("..")
}

/// `value` with the part before its last `@` (or all of it, without one) replaced.
fn with_local(value: &str, local: &str) -> String {
    match split_address(value) {
        Some((_, domain)) => format!("{local}@{domain}"),
        None => local.to_owned(),
    }
}

impl<'a> ObjectChecker<'a> {
    fn ruleset(&self) -> &'a Ruleset {
        self.ctx.ruleset
    }

    fn text_values(&self, attr: &AttrName) -> Vec<(u32, &'a str)> {
        self.object.values(attr).filter_map(|(i, v)| Some((i, v.as_text()?))).collect()
    }

    /// Unverified-domain warnings are for users and groups: contacts are external by nature.
    fn checks_own_addresses(&self) -> bool {
        self.ruleset().checks_verified_domains() && self.kind != ObjectKind::Contact
    }

    /// The Duplicate step: fails when the index holds the value elsewhere.
    fn duplicate(&self, chain: &mut Chain, rule: RuleId, value_index: u32) {
        let Some(holders) = self.ctx.duplicates.holders(self.index, value_index) else { return };
        if !chain.check(rule, |_| Some(Fix::manual())) {
            return;
        }
        if holders.twice {
            chain.note("held twice by this object".into());
        }
        if holders.other_count > 0 {
            let more = holders.other_count - holders.others.len();
            let tail = if more > 0 { format!(" and {more} more") } else { String::new() };
            chain.note_holders(format!("also held by: {}{tail}", self.dns(&holders.others)), &holders.others);
        }
    }

    fn dns(&self, objects: &[u32]) -> String {
        let dns: Vec<&str> = objects.iter().map(|&o| self.ctx.objects[o as usize].dn()).collect();
        dns.join("; ")
    }

    /// The unverified-domain step for an address whose domain follows the last `@`.
    fn unverified(&self, chain: &mut Chain, rule: RuleId) {
        let ruleset = self.ruleset();
        chain.check(rule, |v| {
            let (_, domain) = split_address(v)?;
            (!ruleset.is_verified(domain)).then(Fix::manual)
        });
    }

    /// Records the chain's finding, if it has one, as it stands (whole-attribute findings and
    /// anchors, whose proposals are not values of the attribute's text checks).
    fn emit(&mut self, attr: &AttrName, value: &str, chain: Chain) {
        if let Some(outcome) = chain.finish() {
            self.record(attr, value, outcome);
        }
    }

    /// Records the chain's finding after running `recheck` (the attribute's checks, without the
    /// duplicate step) on its proposed value: a value that still fails an error check is not
    /// proposed; UPDATE stays empty, FIX is manual and DETAIL says which check it fails.
    fn emit_checked(
        &mut self,
        attr: &AttrName,
        value: &str,
        chain: Chain,
        recheck: impl Fn(&Self, &str) -> Vec<RuleId>,
    ) {
        let Some(mut outcome) = chain.finish() else { return };
        if !outcome.update.is_empty() {
            let ruleset = self.ruleset();
            let failing: Vec<&str> = recheck(self, &outcome.update)
                .into_iter()
                .filter(|&rule| ruleset.severity(rule) == Severity::Error)
                .map(RuleId::code)
                .collect();
            if !failing.is_empty() {
                outcome.notes.push(format!(
                    "the fixes would give '{}', which still fails {}: enter a value",
                    outcome.update,
                    failing.join(", ")
                ));
                outcome.update.clear();
                outcome.fix = FixSafety::Manual;
            }
        }
        self.record(attr, value, outcome);
    }

    fn record(&mut self, attr: &AttrName, value: &str, outcome: Outcome) {
        let mut notes = outcome.notes;
        if !outcome.update.is_empty() {
            let clash = self.ctx.duplicates.holders_of(self.ctx.objects, attr, &outcome.update, self.index);
            if let Some(&first) = clash.first() {
                let dn = self.ctx.objects[first as usize].dn();
                notes.push(format!("the proposed value is already held by {dn}"));
            }
        }
        let severity = outcome.rules.iter().map(|&r| self.ruleset().severity(r)).max().unwrap_or(Severity::Info);
        self.findings.push(Finding {
            object: self.index,
            dn: self.object.dn().to_owned(),
            common_name: common_name(self.object),
            object_class: self.kind.class_name(),
            attribute: attr.clone(),
            value: value.to_owned(),
            update: outcome.update,
            rules: outcome.rules,
            severity,
            fix: outcome.fix,
            guid: self.object.guid(),
            detail: notes.join(" | "),
            holders: outcome.holders,
        });
    }

    fn display_name(&mut self) {
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

    fn length_only(&mut self, attr: AttrName, rule: RuleId, limit: usize) {
        for (_, value) in self.text_values(&attr) {
            let chain = single_check(value, self.ruleset(), rule, truncation(limit));
            let recheck = |checker: &Self, value: &str| {
                single_check(value, checker.ruleset(), rule, truncation(limit)).into_rules()
            };
            self.emit_checked(&attr, value, chain, recheck);
        }
    }

    fn mail(&mut self) {
        let attr = AttrName::Mail;
        for (index, value) in self.text_values(&attr) {
            let chain = self.mail_chain(value, Some(index));
            self.emit_checked(&attr, value, chain, |checker, value| checker.mail_chain(value, None).into_rules());
        }
    }

    /// mail's checks on `value`; the duplicate step too when `index` names the object's value.
    fn mail_chain<'v>(&self, value: &'v str, index: Option<u32>) -> Chain<'v>
    where
        'a: 'v,
    {
        let mut chain = Chain::new(value, self.ruleset());
        chain.check(RuleId::MailLength, truncation(self.ruleset().limits.mail));
        chain.check(RuleId::MailWhitespace, without(char::is_whitespace));
        check_address(&mut chain, &MAIL_RULES, 0, self.ruleset());
        if self.checks_own_addresses() {
            self.unverified(&mut chain, RuleId::MailUnverifiedDomain);
        }
        if let Some(index) = index {
            self.duplicate(&mut chain, RuleId::MailDuplicate, index);
        }
        chain
    }

    fn mail_nickname(&mut self) {
        let attr = AttrName::MailNickname;
        let recheck = |checker: &Self, value: &str| checker.nickname_chain(value, None).into_rules();
        let values = self.text_values(&attr);
        if values.is_empty() && self.kind == ObjectKind::Contact {
            let mut chain = Chain::empty(self.ruleset());
            let proposed = self.proposed_nickname();
            chain.check(RuleId::NicknameBlank, |_| Some(Fix::to(proposed, FixSafety::Unsafe)));
            return self.emit_checked(&attr, "", chain, recheck);
        }
        for (index, value) in values {
            let chain = self.nickname_chain(value, Some(index));
            self.emit_checked(&attr, value, chain, recheck);
        }
    }

    /// mailNickname's checks on `value`; the duplicate step too when `index` names the
    /// object's value.
    fn nickname_chain<'v>(&self, value: &'v str, index: Option<u32>) -> Chain<'v>
    where
        'a: 'v,
    {
        let mut chain = Chain::new(value, self.ruleset());
        chain.check(RuleId::NicknameLength, truncation(self.ruleset().limits.mail_nickname));
        let mut emptied = false;
        chain.check(RuleId::NicknameCharacter, |v| {
            if !v.chars().any(is_nickname_bad_char) {
                return None;
            }
            let fixed = remove_chars(&transliterate(v), is_nickname_bad_char);
            emptied = fixed.trim_matches('.').is_empty();
            Some(if emptied { Fix::manual() } else { Fix::removal(v, fixed) })
        });
        if emptied {
            chain.note(NOTHING_LEFT.into());
        }
        chain.check(RuleId::NicknamePeriods, |v| {
            has_bad_periods(v).then(|| {
                let atoms: Vec<&str> = v.split('.').filter(|atom| !atom.is_empty()).collect();
                Fix::to(atoms.join("."), FixSafety::Unsafe)
            })
        });
        if let Some(index) = index {
            self.duplicate(&mut chain, RuleId::NicknameDuplicate, index);
        }
        chain
    }

    /// An alias for a contact without one: `givenName.sn`, else sAMAccountName, else cn,
    /// cleaned of what an alias may not hold.
    fn proposed_nickname(&self) -> String {
        let text = |attr: AttrName| self.object.first_text(&attr).filter(|v| !v.trim().is_empty());
        let raw = match (text(AttrName::GivenName), text(AttrName::Sn)) {
            (Some(given), Some(sn)) => format!("{given}.{sn}"),
            _ => text(AttrName::SamAccountName).map_or_else(|| common_name(self.object), str::to_owned),
        };
        let cleaned = remove_chars(&transliterate(&raw), is_nickname_bad_char);
        cleaned.split('.').filter(|atom| !atom.is_empty()).collect::<Vec<_>>().join(".")
    }

    fn proxy_addresses(&mut self) {
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

    fn too_many_values(&mut self, attr: &AttrName, count: usize, rule: RuleId, limit: usize) {
        if count > limit {
            let mut chain = Chain::empty(self.ruleset());
            if chain.check(rule, |_| Some(Fix::manual())) {
                chain.note(format!("{count} values (Entra ID accepts at most {limit})"));
            }
            self.emit(attr, "", chain);
        }
    }

    fn sam_account_name(&mut self) {
        let attr = AttrName::SamAccountName;
        for (index, value) in self.text_values(&attr) {
            let chain = self.sam_chain(value, Some(index));
            self.emit_checked(&attr, value, chain, |checker, value| checker.sam_chain(value, None).into_rules());
        }
    }

    /// sAMAccountName's checks on `value`; the duplicate step too when `index` names the
    /// object's value.
    fn sam_chain<'v>(&self, value: &'v str, index: Option<u32>) -> Chain<'v>
    where
        'a: 'v,
    {
        let limits = &self.ruleset().limits;
        let limit = if self.kind.is_user() { limits.sam_account_name_user } else { limits.sam_account_name_other };
        let mut chain = Chain::new(value, self.ruleset());
        chain.check(RuleId::SamLength, truncation(limit));
        chain.check(RuleId::SamCharacter, without(|c| "\\\"|,/[]:<>+=;?*".contains(c)));
        if let Some(index) = index {
            self.duplicate(&mut chain, RuleId::SamDuplicate, index);
        }
        chain
    }

    fn target_address(&mut self) {
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

    /// The userPrincipalName checks, on `attr`: userPrincipalName itself, or the alternate
    /// login ID attribute that Entra ID takes the sign-in name from.
    fn sign_in_name(&mut self, attr: AttrName) {
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
    fn upn_for_ad_only(&mut self) {
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

    fn certificates(&mut self, attr: AttrName) {
        let count = self.object.values(&attr).len();
        self.too_many_values(&attr, count, RuleId::CertificateCount, self.ruleset().limits.certificates);
    }

    /// Anchor checks: on a user's mS-DS-ConsistencyGuid, and on any object's objectGUID that
    /// a user took as its anchor.
    fn source_anchor(&mut self) {
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
        let stamp = guid.map(|g| immutable_id(&g.0));
        let stamp_fix = |safety| stamp.clone().map_or_else(Fix::manual, |s| Fix::to(s, safety));
        let values: Vec<Vec<u8>> = self.object.values(&attr).map(|(_, v)| v.as_bytes().to_vec()).collect();
        if values.is_empty() {
            let mut chain = Chain::empty(self.ruleset());
            if chain.check(RuleId::AnchorMissing, |_| Some(stamp_fix(FixSafety::Safe))) {
                chain.note("no ImmutableId until it is stamped (Cloud Sync never stamps it)".into());
            }
            return self.emit(&attr, "", chain);
        }
        for bytes in values {
            let shown = immutable_id(&bytes);
            let mut chain = Chain::new(&shown, self.ruleset());
            let anchor: Option<[u8; 16]> = bytes.as_slice().try_into().ok();
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
                chain.note(format!("ImmutableId {shown}"));
            }
            self.emit(&attr, &shown, chain);
        }
    }
}
