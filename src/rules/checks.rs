//! The checks of the multi-tenant ruleset, attribute by attribute, each value run through its
//! fix chain in the spec's order ("Checks by attribute" in rules-spec.md).

use super::catalog::{FixSafety, RuleId};
use super::chain::{Chain, Fix};
use super::duplicates::{DuplicateIndex, smtp_address};
use super::email::{
    AddressRules, check_address, check_domain_part, check_top_level_domain, split_address,
};
use super::finding::Finding;
use super::ruleset::Ruleset;
use super::scope::{ObjectKind, common_name};
use super::text::{char_len, remove_chars, transliterate, truncate_chars};
use crate::model::{AttrName, DirObject};

/// What every object's checks share.
pub struct ScanContext<'a> {
    pub objects: &'a [DirObject],
    pub ruleset: &'a Ruleset,
    pub duplicates: &'a DuplicateIndex,
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
    let mut checker = ObjectChecker {
        ctx,
        index,
        object: &ctx.objects[index as usize],
        kind,
        findings: Vec::new(),
    };
    checker.display_name();
    checker.length_only(AttrName::GivenName, RuleId::GivenNameLength, 64);
    checker.length_only(AttrName::Sn, RuleId::SnLength, 64);
    checker.mail();
    checker.mail_nickname();
    checker.proxy_addresses();
    checker.sam_account_name();
    checker.target_address();
    checker.user_principal_name();
    checker.certificates(AttrName::UserCertificate);
    checker.certificates(AttrName::UserSmimeCertificate);
    checker.findings
}

struct ObjectChecker<'a> {
    ctx: &'a ScanContext<'a>,
    index: u32,
    object: &'a DirObject,
    kind: ObjectKind,
    findings: Vec<Finding>,
}

/// A Length check that proposes the first `limit` characters.
fn truncation(limit: usize) -> impl FnOnce(&str) -> Option<Fix> {
    move |v| {
        (char_len(v) > limit)
            .then(|| Fix::to(truncate_chars(v, limit).to_owned(), FixSafety::Unsafe))
    }
}

/// A Length check with no automatic fix (addresses are not truncated).
fn too_long(limit: usize) -> impl FnOnce(&str) -> Option<Fix> {
    move |v| (char_len(v) > limit).then(Fix::manual)
}

/// A Character check that removes what `bad` rejects.
fn without(bad: impl Fn(char) -> bool) -> impl FnOnce(&str) -> Option<Fix> {
    move |v| {
        v.chars()
            .any(&bad)
            .then(|| Fix::removal(v, remove_chars(v, bad)))
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

fn has_bad_periods(value: &str) -> bool {
    value.starts_with('.') || value.ends_with('.') || value.contains("..")
}

impl<'a> ObjectChecker<'a> {
    fn ruleset(&self) -> &'a Ruleset {
        self.ctx.ruleset
    }

    fn text_values(&self, attr: &AttrName) -> Vec<(u32, &'a str)> {
        self.object
            .values(attr)
            .filter_map(|(i, v)| Some((i, v.as_text()?)))
            .collect()
    }

    /// The Duplicate step: fails when the index holds the value elsewhere.
    fn duplicate(&self, chain: &mut Chain, rule: RuleId, value_index: u32) {
        let Some(holders) = self.ctx.duplicates.holders(self.index, value_index) else {
            return;
        };
        if !chain.check(rule, |_| Some(Fix::manual())) {
            return;
        }
        if holders.twice {
            chain.note("held twice by this object".into());
        }
        if holders.other_count > 0 {
            let dns: Vec<&str> = holders
                .others
                .iter()
                .map(|&o| self.ctx.objects[o as usize].dn())
                .collect();
            let more = holders.other_count - holders.others.len();
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            chain.note(format!("also held by: {}{tail}", dns.join("; ")));
        }
    }

    fn emit(&mut self, attr: &AttrName, value: &str, chain: Chain) {
        let Some(outcome) = chain.finish() else {
            return;
        };
        let mut notes = outcome.notes;
        if !outcome.update.is_empty() {
            let clash =
                self.ctx
                    .duplicates
                    .holders_of(self.ctx.objects, attr, &outcome.update, self.index);
            if let Some(&first) = clash.first() {
                let dn = self.ctx.objects[first as usize].dn();
                notes.push(format!("the proposed value is already held by {dn}"));
            }
        }
        self.findings.push(Finding {
            object: self.index,
            dn: self.object.dn().to_owned(),
            common_name: common_name(self.object),
            object_class: self.kind.class_name(),
            attribute: attr.as_str().to_owned(),
            value: value.to_owned(),
            update: outcome.update,
            rules: outcome.rules,
            fix: outcome.fix,
            guid: self.object.guid(),
            detail: notes.join(" | "),
        });
    }

    fn display_name(&mut self) {
        let attr = AttrName::DisplayName;
        let cn = common_name(self.object);
        let blank = |v: &str| v.is_empty().then(|| Fix::to(cn.clone(), FixSafety::Safe));
        let values = self.text_values(&attr);
        if values.is_empty() {
            let mut chain = Chain::empty(self.ruleset());
            chain.check(RuleId::DisplayNameBlank, blank);
            return self.emit(&attr, "", chain);
        }
        for (_, value) in values {
            let mut chain = Chain::new(value, self.ruleset());
            chain.check(RuleId::DisplayNameLength, truncation(256));
            chain.check(RuleId::DisplayNameWhitespace, |v| {
                (v.trim() != v).then(|| Fix::to(v.trim().to_owned(), FixSafety::Safe))
            });
            chain.check(RuleId::DisplayNameBlank, blank);
            self.emit(&attr, value, chain);
        }
    }

    fn length_only(&mut self, attr: AttrName, rule: RuleId, limit: usize) {
        for (_, value) in self.text_values(&attr) {
            let mut chain = Chain::new(value, self.ruleset());
            chain.check(rule, truncation(limit));
            self.emit(&attr, value, chain);
        }
    }

    fn mail(&mut self) {
        let attr = AttrName::Mail;
        for (index, value) in self.text_values(&attr) {
            let mut chain = Chain::new(value, self.ruleset());
            chain.check(RuleId::MailLength, truncation(256));
            chain.check(RuleId::MailWhitespace, without(char::is_whitespace));
            check_address(&mut chain, &MAIL_RULES, 0, self.ruleset());
            self.duplicate(&mut chain, RuleId::MailDuplicate, index);
            self.emit(&attr, value, chain);
        }
    }

    fn mail_nickname(&mut self) {
        let attr = AttrName::MailNickname;
        let bad = |c: char| c.is_whitespace() || !c.is_ascii() || "\"(),:;<>@[\\]".contains(c);
        for (index, value) in self.text_values(&attr) {
            let mut chain = Chain::new(value, self.ruleset());
            chain.check(RuleId::NicknameLength, truncation(64));
            chain.check(RuleId::NicknameCharacter, |v| {
                v.chars()
                    .any(bad)
                    .then(|| Fix::removal(v, remove_chars(&transliterate(v), bad)))
            });
            chain.check(RuleId::NicknamePeriods, |v| {
                has_bad_periods(v).then(|| {
                    let atoms: Vec<&str> = v.split('.').filter(|atom| !atom.is_empty()).collect();
                    Fix::to(atoms.join("."), FixSafety::Unsafe)
                })
            });
            self.duplicate(&mut chain, RuleId::NicknameDuplicate, index);
            self.emit(&attr, value, chain);
        }
    }

    fn proxy_addresses(&mut self) {
        let attr = AttrName::ProxyAddresses;
        let values = self.text_values(&attr);
        for &(index, value) in &values {
            let mut chain = Chain::new(value, self.ruleset());
            chain.check(RuleId::ProxyLength, too_long(256));
            chain.check(RuleId::ProxyPrefix, |v| {
                address_type(v).is_none().then(Fix::manual)
            });
            match address_type(chain.value())
                .map(str::to_ascii_lowercase)
                .as_deref()
            {
                Some("smtp") => {
                    let bad = |c: char| c.is_whitespace() || ":<>();,[]\"".contains(c);
                    chain.check(RuleId::ProxySmtpCharacter, type_body_without(bad));
                    check_address(&mut chain, &PROXY_RULES, SMTP_PREFIX_LEN, self.ruleset());
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
            self.duplicate(&mut chain, RuleId::ProxyDuplicate, index);
            self.emit(&attr, value, chain);
        }
        let primaries = values
            .iter()
            .filter(|(_, v)| v.starts_with("SMTP:"))
            .count();
        if primaries > 1 {
            let mut chain = Chain::empty(self.ruleset());
            if chain.check(RuleId::ProxyPrimaries, |_| Some(Fix::manual())) {
                chain.note(format!("{primaries} primary SMTP: addresses"));
            }
            self.emit(&attr, "", chain);
        }
        self.too_many_values(&attr, values.len(), RuleId::ProxyCount, 300);
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
        let limit = if self.kind.is_user() { 20 } else { 256 };
        for (index, value) in self.text_values(&attr) {
            let mut chain = Chain::new(value, self.ruleset());
            chain.check(RuleId::SamLength, truncation(limit));
            chain.check(
                RuleId::SamCharacter,
                without(|c| "\\\"|,/[]:<>+=;?*".contains(c)),
            );
            self.duplicate(&mut chain, RuleId::SamDuplicate, index);
            self.emit(&attr, value, chain);
        }
    }

    fn target_address(&mut self) {
        let attr = AttrName::TargetAddress;
        for (index, value) in self.text_values(&attr) {
            let mut chain = Chain::new(value, self.ruleset());
            chain.check(RuleId::TargetLength, too_long(255));
            chain.check(RuleId::TargetPrefix, |v| {
                address_type(v).is_none().then(Fix::manual)
            });
            if smtp_address(chain.value()).is_some() {
                let bad = |c: char| c.is_whitespace() || ":<>();,[]\"".contains(c);
                chain.check(RuleId::TargetSmtpCharacter, type_body_without(bad));
                check_address(&mut chain, &TARGET_RULES, SMTP_PREFIX_LEN, self.ruleset());
            }
            self.duplicate(&mut chain, RuleId::TargetDuplicate, index);
            self.emit(&attr, value, chain);
        }
    }

    fn user_principal_name(&mut self) {
        let attr = AttrName::UserPrincipalName;
        for (index, value) in self.text_values(&attr) {
            let mut chain = Chain::new(value, self.ruleset());
            let mut lengths = None;
            chain.check(RuleId::UpnLength, |v| {
                let (local, domain) = split_address(v).unwrap_or((v, ""));
                let (total, local_len, domain_len) =
                    (char_len(v), char_len(local), char_len(domain));
                if total <= 113 && local_len <= 64 && domain_len <= 48 {
                    return None;
                }
                lengths = Some((total, local_len, domain_len));
                if local_len <= 64 {
                    return Some(Fix::manual());
                }
                let fixed = with_local(v, truncate_chars(local, 64));
                let safety = if domain_len > 48 {
                    FixSafety::Manual
                } else {
                    FixSafety::Unsafe
                };
                Some(Fix::to(fixed, safety))
            });
            if let Some((total, local, domain)) = lengths {
                chain.note(format!(
                    "{total} characters: {local} before '@', {domain} after (limits 113, 64, 48)"
                ));
            }
            chain.check(RuleId::UpnCharacter, |v| {
                let local = split_address(v).map_or(v, |(l, _)| l);
                if local.chars().all(is_upn_local_char) {
                    return None;
                }
                let fixed = remove_chars(&transliterate(local), |c| !is_upn_local_char(c));
                Some(Fix::to(with_local(v, &fixed), FixSafety::Unsafe))
            });
            chain.check(RuleId::UpnFormat, |v| {
                let Some((local, _)) = split_address(v) else {
                    return Some(Fix::manual());
                };
                if !local.is_empty() && !has_bad_periods(local) {
                    return None;
                }
                let fixed = local.trim_end_matches('.');
                let safety = if fixed.is_empty() || has_bad_periods(fixed) {
                    FixSafety::Manual
                } else {
                    FixSafety::Unsafe
                };
                Some(Fix::to(with_local(v, fixed), safety))
            });
            if chain.value().contains('@') {
                check_domain_part(&mut chain, RuleId::UpnDomainPart, 0);
                check_top_level_domain(&mut chain, RuleId::UpnTopLevelDomain, 0, self.ruleset());
            }
            self.duplicate(&mut chain, RuleId::UpnDuplicate, index);
            self.emit(&attr, value, chain);
        }
    }

    fn certificates(&mut self, attr: AttrName) {
        let count = self.object.values(&attr).len();
        self.too_many_values(&attr, count, RuleId::CertificateCount, 15);
    }
}

/// A Character check on what follows a `type:` prefix.
fn type_body_without(bad: impl Fn(char) -> bool) -> impl FnOnce(&str) -> Option<Fix> {
    move |v| {
        let colon = v.find(':').map_or(0, |i| i + 1);
        let (prefix, body) = v.split_at(colon);
        without(bad)(body).map(|fix| fix.map_value(|b| format!("{prefix}{b}")))
    }
}

/// `value` with the part before its last `@` (or all of it, without one) replaced.
fn with_local(value: &str, local: &str) -> String {
    match split_address(value) {
        Some((_, domain)) => format!("{local}@{domain}"),
        None => local.to_owned(),
    }
}
