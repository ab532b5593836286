//! Rulesets: which rules run, at which severity, with which lists and limits, loaded from the
//! TOML files in `rulesets/`. The built-in ones are compiled in; a user's file names a base
//! (`multi-tenant` unless it says `base = "dedicated"`) and overrides only the keys it sets.
//! Unknown keys, wrong types and unknown rule codes are errors that name the file, the line
//! and the key.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::catalog::{RULE_COUNT, RuleId, Severity, rules};
use super::text::ascii_lowercase;
use crate::model::AttrName;

const MULTI_TENANT: &str = include_str!("../../rulesets/multi-tenant.toml");
const DEDICATED: &str = include_str!("../../rulesets/dedicated.toml");

/// The built-in rulesets by name.
pub const BUILT_IN: [&str; 2] = ["multi-tenant", "dedicated"];

#[derive(Debug, thiserror::Error)]
pub enum RulesetError {
    /// The OS error is part of the message and not a source, so that it is printed once.
    #[error("{path}: {error}")]
    Io { path: PathBuf, error: std::io::Error },
    #[error("{path}:{line}: {key}: {message}")]
    Invalid { path: PathBuf, line: usize, key: String, message: String },
    #[error("unknown ruleset '{0}' (built in: multi-tenant, dedicated; or a path to a .toml file)")]
    UnknownName(String),
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RulesetFile {
    name: Option<String>,
    base: Option<Spanned<String>>,
    #[serde(default)]
    scope: ScopeFile,
    #[serde(default)]
    domains: DomainsFile,
    #[serde(default)]
    options: OptionsFile,
    #[serde(default)]
    limits: LimitsFile,
    #[serde(default)]
    rules: RulesFile,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ScopeFile {
    only_with_mail: Option<bool>,
    skip_cn_exact: Option<Vec<String>>,
    skip_cn_prefixes: Option<Vec<String>>,
    skip_user_sam_prefixes: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DomainsFile {
    extra_tlds: Option<Vec<String>>,
    non_routable_suffixes: Option<Vec<String>>,
    verified: Option<Vec<String>>,
    target: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct OptionsFile {
    anchor: Option<Spanned<String>>,
    alternate_login_id: Option<Spanned<String>>,
}

macro_rules! limits {
    ($($field:ident),* $(,)?) => {
        /// Length limits in characters (value counts for `proxy_addresses` and `certificates`).
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Limits { $(pub $field: usize,)* }

        #[derive(Deserialize, Default)]
        #[serde(deny_unknown_fields)]
        struct LimitsFile { $($field: Option<usize>,)* }

        impl Limits {
            fn apply(&mut self, file: LimitsFile) {
                $(if let Some(value) = file.$field { self.$field = value; })*
            }
        }
    };
}

limits!(
    display_name,
    given_name,
    sn,
    mail,
    mail_nickname,
    proxy_address,
    proxy_addresses,
    sam_account_name_user,
    sam_account_name_other,
    target_address,
    upn,
    upn_local_part,
    upn_domain_part,
    certificates,
);

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    disabled: Option<Vec<Spanned<String>>>,
    enabled: Option<Vec<Spanned<String>>>,
    severity: Option<BTreeMap<String, Spanned<Severity>>>,
}

/// The attribute whose value becomes the immutableId of users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    ObjectGuid,
    ConsistencyGuid,
}

impl Anchor {
    /// The attribute's LDAP name.
    pub fn as_str(self) -> &'static str {
        match self {
            Anchor::ObjectGuid => "objectGUID",
            Anchor::ConsistencyGuid => "mS-DS-ConsistencyGuid",
        }
    }

    /// Parses `objectGUID` or `mS-DS-ConsistencyGuid`, any case.
    pub fn parse(name: &str) -> Option<Anchor> {
        match AttrName::parse(name) {
            AttrName::ObjectGuid => Some(Anchor::ObjectGuid),
            AttrName::MsDsConsistencyGuid => Some(Anchor::ConsistencyGuid),
            _ => None,
        }
    }
}

/// A loaded ruleset, ready for the checks. Lists are lower-cased for matching.
#[derive(Debug, Clone)]
pub struct Ruleset {
    pub name: String,
    pub only_with_mail: bool,
    pub skip_cn_exact: Vec<String>,
    pub skip_cn_prefixes: Vec<String>,
    pub skip_user_sam_prefixes: Vec<String>,
    extra_tlds: HashSet<String>,
    non_routable_suffixes: Vec<String>,
    verified_domains: Vec<String>,
    target_domain: Option<String>,
    pub anchor: Anchor,
    pub alternate_login_id: Option<AttrName>,
    pub limits: Limits,
    disabled: Vec<bool>,
    severity: Vec<Severity>,
    /// The tenant export the tenant checks (TEN) compare the directory with, when given.
    pub tenant: Option<std::sync::Arc<super::tenant::TenantIndex>>,
}

fn lower(list: Vec<String>) -> Vec<String> {
    list.into_iter().map(|s| s.trim().trim_start_matches('.').to_lowercase()).filter(|s| !s.is_empty()).collect()
}

impl Ruleset {
    fn empty() -> Ruleset {
        Ruleset {
            name: String::new(),
            only_with_mail: false,
            skip_cn_exact: Vec::new(),
            skip_cn_prefixes: Vec::new(),
            skip_user_sam_prefixes: Vec::new(),
            extra_tlds: HashSet::new(),
            non_routable_suffixes: Vec::new(),
            verified_domains: Vec::new(),
            target_domain: None,
            anchor: Anchor::ConsistencyGuid,
            alternate_login_id: None,
            limits: Limits {
                display_name: 0,
                given_name: 0,
                sn: 0,
                mail: 0,
                mail_nickname: 0,
                proxy_address: 0,
                proxy_addresses: 0,
                sam_account_name_user: 0,
                sam_account_name_other: 0,
                target_address: 0,
                upn: 0,
                upn_local_part: 0,
                upn_domain_part: 0,
                certificates: 0,
            },
            disabled: vec![false; RULE_COUNT],
            severity: rules().map(|r| r.severity).collect(),
            tenant: None,
        }
    }

    /// The default ruleset.
    pub fn multi_tenant() -> Ruleset {
        Ruleset::built_in("multi-tenant").expect("multi-tenant is built in")
    }

    /// A built-in ruleset by name.
    pub fn built_in(name: &str) -> Option<Ruleset> {
        let mut ruleset = Ruleset::empty();
        let apply = |ruleset: &mut Ruleset, text: &str, file: &str| {
            ruleset.apply(text, Path::new(file)).expect("the built-in rulesets are valid");
        };
        apply(&mut ruleset, MULTI_TENANT, "rulesets/multi-tenant.toml");
        match name {
            "multi-tenant" => {}
            "dedicated" => apply(&mut ruleset, DEDICATED, "rulesets/dedicated.toml"),
            _ => return None,
        }
        Some(ruleset)
    }

    /// A built-in ruleset by name, or a file that overrides its base.
    pub fn load(name_or_path: &str) -> Result<Ruleset, RulesetError> {
        if let Some(ruleset) = Ruleset::built_in(name_or_path) {
            return Ok(ruleset);
        }
        let path = Path::new(name_or_path);
        if path.extension().is_none_or(|e| e != "toml") && !path.exists() {
            return Err(RulesetError::UnknownName(name_or_path.to_owned()));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|source| RulesetError::Io { path: path.to_owned(), error: source })?;
        Ruleset::from_text(&text, path)
    }

    /// A user's ruleset from its text (`path` names it in errors).
    pub fn from_text(text: &str, path: &Path) -> Result<Ruleset, RulesetError> {
        let file = parse(text, path)?;
        let base = file.base.as_ref().map_or("multi-tenant", |b| b.get_ref().as_str());
        let mut ruleset = Ruleset::built_in(base).ok_or_else(|| RulesetError::Invalid {
            path: path.to_owned(),
            line: file.base.as_ref().map_or(1, |b| line_of(text, b.span().start)),
            key: "base".into(),
            message: format!("unknown base ruleset '{base}' (built in: multi-tenant, dedicated)"),
        })?;
        ruleset.apply(text, path)?;
        Ok(ruleset)
    }

    /// Overrides this ruleset with the keys `text` sets.
    fn apply(&mut self, text: &str, path: &Path) -> Result<(), RulesetError> {
        let file = parse(text, path)?;
        let invalid = |offset: usize, key: &str, message: String| RulesetError::Invalid {
            path: path.to_owned(),
            line: line_of(text, offset),
            key: key.to_owned(),
            message,
        };
        if let Some(name) = file.name {
            self.name = name;
        }
        let scope = file.scope;
        if let Some(only) = scope.only_with_mail {
            self.only_with_mail = only;
        }
        if let Some(list) = scope.skip_cn_exact {
            self.skip_cn_exact = list.into_iter().map(|s| s.to_lowercase()).collect();
        }
        if let Some(list) = scope.skip_cn_prefixes {
            self.skip_cn_prefixes = list.into_iter().map(|s| s.to_lowercase()).collect();
        }
        if let Some(list) = scope.skip_user_sam_prefixes {
            self.skip_user_sam_prefixes = list.into_iter().map(|s| s.to_lowercase()).collect();
        }
        let domains = file.domains;
        if let Some(list) = domains.extra_tlds {
            self.extra_tlds = lower(list).into_iter().collect();
        }
        if let Some(list) = domains.non_routable_suffixes {
            self.non_routable_suffixes = lower(list);
        }
        if let Some(list) = domains.verified {
            self.verified_domains = lower(list);
        }
        if let Some(target) = domains.target {
            self.set_target_domain(&target);
        }
        if let Some(anchor) = file.options.anchor {
            self.anchor = Anchor::parse(anchor.get_ref()).ok_or_else(|| {
                invalid(
                    anchor.span().start,
                    "options.anchor",
                    "must be \"objectGUID\" or \"mS-DS-ConsistencyGuid\"".into(),
                )
            })?;
        }
        if let Some(attribute) = file.options.alternate_login_id {
            self.set_alternate_login_id(attribute.get_ref())
                .map_err(|message| invalid(attribute.span().start, "options.alternate_login_id", message))?;
        }
        self.limits.apply(file.limits);
        let rules = file.rules;
        let mut switch = |codes: Option<Vec<Spanned<String>>>, key: &str, off: bool| {
            for code in codes.unwrap_or_default() {
                let rule = rule_code(code.get_ref())
                    .ok_or_else(|| invalid(code.span().start, key, unknown_code(code.get_ref())))?;
                self.disabled[rule.index()] = off;
            }
            Ok::<(), RulesetError>(())
        };
        switch(rules.disabled, "rules.disabled", true)?;
        switch(rules.enabled, "rules.enabled", false)?;
        for (code, severity) in rules.severity.unwrap_or_default() {
            let key = format!("rules.severity.{code}");
            let rule = rule_code(&code).ok_or_else(|| invalid(severity.span().start, &key, unknown_code(&code)))?;
            if *severity.get_ref() == Severity::Blocker {
                let message = "'blocker' rates migration readiness items; a rule is error, warning or info".into();
                return Err(invalid(severity.span().start, &key, message));
            }
            self.severity[rule.index()] = *severity.get_ref();
        }
        Ok(())
    }

    /// Sets the tenant's verified domains (`--verified-domains`, `--verified-domains-file`).
    pub fn set_verified_domains(&mut self, domains: Vec<String>) {
        self.verified_domains = lower(domains);
    }

    /// The tenant's verified domains, lower-cased (empty: none were given).
    pub fn verified_domains(&self) -> &[String] {
        &self.verified_domains
    }

    /// Sets the domain proposed for unverified or non-routable UPN suffixes.
    pub fn set_target_domain(&mut self, domain: &str) {
        let domain = domain.trim().trim_start_matches('@').to_lowercase();
        self.target_domain = (!domain.is_empty()).then_some(domain);
    }

    /// Sets the alternate login ID attribute (empty: userPrincipalName).
    pub fn set_alternate_login_id(&mut self, attribute: &str) -> Result<(), String> {
        let attribute = attribute.trim();
        if attribute.is_empty() || attribute.eq_ignore_ascii_case("userPrincipalName") {
            self.alternate_login_id = None;
            return Ok(());
        }
        let name = AttrName::parse(attribute);
        if !is_sign_in_attribute(&name) {
            return Err(format!(
                "'{attribute}' is not an attribute that can hold a sign-in name: use mail, extensionAttribute1 to 15 \
                 or msDS-cloudExtensionAttribute1 to 20"
            ));
        }
        self.alternate_login_id = Some(name);
        Ok(())
    }

    pub fn is_enabled(&self, rule: RuleId) -> bool {
        !self.disabled[rule.index()]
    }

    pub fn severity(&self, rule: RuleId) -> Severity {
        self.severity[rule.index()]
    }

    /// Whether `tld` (one label, any case) is a real top-level domain or one the ruleset adds.
    pub fn is_known_tld(&self, tld: &str) -> bool {
        let lower = ascii_lowercase(tld);
        psl::suffix(lower.as_bytes()).is_some_and(|s| s.is_known()) || self.extra_tlds.contains(lower.as_ref())
    }

    /// Whether a UPN suffix can never be verified: a single label, or a non-routable suffix.
    pub fn is_non_routable(&self, domain: &str) -> bool {
        let domain = ascii_lowercase(domain);
        !domain.contains('.') || self.non_routable_suffixes.iter().any(|s| is_same_or_subdomain(&domain, s))
    }

    /// Whether verified domains were given at all.
    pub fn checks_verified_domains(&self) -> bool {
        !self.verified_domains.is_empty()
    }

    /// Whether `domain` is a verified domain, a subdomain of one, or under onmicrosoft.com.
    pub fn is_verified(&self, domain: &str) -> bool {
        let domain = ascii_lowercase(domain);
        is_same_or_subdomain(&domain, "onmicrosoft.com")
            || self.verified_domains.iter().any(|v| is_same_or_subdomain(&domain, v))
    }

    pub fn target_domain(&self) -> Option<&str> {
        self.target_domain.as_deref()
    }
}

/// Whether `domain` is `parent` or one of its subdomains (both lower case).
pub(crate) fn is_same_or_subdomain(domain: &str, parent: &str) -> bool {
    domain == parent || domain.strip_suffix(parent).is_some_and(|head| head.ends_with('.'))
}

fn parse(text: &str, path: &Path) -> Result<RulesetFile, RulesetError> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |span| line_of(text, span.start));
        let message = e.message().to_owned();
        let key = key_named_in(&message).unwrap_or_else(|| key_at(text, line));
        RulesetError::Invalid { path: path.to_owned(), line, key, message }
    })
}

fn rule_code(code: &str) -> Option<RuleId> {
    RuleId::from_code(code)
}

fn unknown_code(code: &str) -> String {
    format!("unknown rule code '{code}' (see `syncready rules`)")
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The key a serde message names (`unknown field `foo``), when it names one.
fn key_named_in(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field")?;
    let start = rest.find('`')? + 1;
    let message = rest;
    let end = start + message[start..].find('`')?;
    Some(message[start..end].to_owned())
}

/// The key assigned on a line (`key = ...`), for messages that name none.
fn key_at(text: &str, line: usize) -> String {
    let source = text.lines().nth(line - 1).unwrap_or("");
    source.split('=').next().unwrap_or("").trim().to_owned()
}

/// The attributes Entra Connect takes an alternate login ID from: mail, or one of the
/// single-valued text extension attributes (a typo would silently turn off every sign-in
/// check).
fn is_sign_in_attribute(name: &AttrName) -> bool {
    let numbered = |prefix: &str, last: u32| {
        let text = name.as_str();
        text.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix))
            && text[prefix.len()..].parse::<u32>().is_ok_and(|n| (1..=last).contains(&n))
            && !text[prefix.len()..].starts_with(['0', '+'])
    };
    *name == AttrName::Mail || numbered("extensionAttribute", 15) || numbered("msDS-cloudExtensionAttribute", 20)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(text: &str) -> Result<Ruleset, RulesetError> {
        Ruleset::from_text(text, Path::new("mine.toml"))
    }

    #[test]
    fn built_in_rulesets_have_the_spec_lists() {
        let ruleset = Ruleset::multi_tenant();
        assert_eq!(ruleset.name, "multi-tenant");
        assert!(ruleset.skip_cn_exact.contains(&"krbtgt".to_owned()));
        assert!(ruleset.skip_user_sam_prefixes.contains(&"aad_".to_owned()));
        assert!(ruleset.is_enabled(RuleId::UpnCharacter) && !ruleset.is_enabled(RuleId::NicknameBlank));
        assert!(ruleset.is_known_tld("CLOUD") && ruleset.is_known_tld("xn--p1ai"));
        assert!(!ruleset.is_known_tld("con"));
        assert_eq!(ruleset.limits.upn_domain_part, 48);
        assert_eq!(ruleset.anchor, Anchor::ConsistencyGuid);
        let dedicated = Ruleset::built_in("dedicated").unwrap();
        assert!(dedicated.only_with_mail && dedicated.is_enabled(RuleId::NicknameBlank));
        assert!(!dedicated.is_enabled(RuleId::UpnCharacter) && dedicated.is_enabled(RuleId::MailDuplicate));
    }

    #[test]
    fn a_user_file_overrides_only_what_it_sets() {
        let text = "[rules]\ndisabled = [\"dsp003\"]\n[rules.severity]\nMAIL005 = \"warning\"\n[domains]\nextra_tlds = [\".CORP\"]\n[limits]\nupn = 100\n";
        let ruleset = from(text).unwrap();
        assert!(!ruleset.is_enabled(RuleId::DisplayNameBlank));
        assert!(!ruleset.is_enabled(RuleId::NicknameBlank), "base's disabled list is kept");
        assert!(ruleset.is_enabled(RuleId::DisplayNameLength));
        assert_eq!(ruleset.severity(RuleId::MailTopLevelDomain), Severity::Warning);
        assert!(ruleset.is_known_tld("corp"));
        assert_eq!((ruleset.limits.upn, ruleset.limits.upn_local_part), (100, 64));
        assert!(ruleset.skip_cn_exact.contains(&"guest".to_owned()));
        let based = from("base = \"dedicated\"\n[rules]\nenabled = [\"UPN002\"]\n").unwrap();
        assert!(based.only_with_mail && based.is_enabled(RuleId::UpnCharacter));
    }

    #[test]
    fn domains_verified_non_routable_and_subdomains() {
        let mut ruleset = Ruleset::multi_tenant();
        ruleset.set_verified_domains(vec!["Contoso.com".into()]);
        assert!(ruleset.is_verified("sub.contoso.com") && ruleset.is_verified("CONTOSO.COM"));
        assert!(!ruleset.is_verified("notcontoso.com"));
        assert!(ruleset.is_verified("contoso.mail.onmicrosoft.com"));
        assert!(ruleset.is_non_routable("corp") && ruleset.is_non_routable("std.priv"));
        assert!(ruleset.is_non_routable("ad.contoso.local") && !ruleset.is_non_routable("contoso.com"));
        assert!(!ruleset.is_non_routable("localhost.com"));
    }

    #[test]
    fn broken_files_name_file_line_and_key() {
        let error = |text| from(text).unwrap_err().to_string();
        assert_eq!(
            error("name = \"x\"\n[rules]\ndisabled = [\"DSP001\", \"XYZ999\"]\n"),
            "mine.toml:3: rules.disabled: unknown rule code 'XYZ999' (see `syncready rules`)"
        );
        assert_eq!(
            error("[rules.severity]\nDSP001 = \"error\"\nNOPE = \"info\"\n"),
            "mine.toml:3: rules.severity.NOPE: unknown rule code 'NOPE' (see `syncready rules`)"
        );
        assert!(error("[scope]\nskip_cn_exat = []\n").starts_with("mine.toml:2: skip_cn_exat: unknown field"));
        assert!(error("[domains]\nextra_tlds = \"corp\"\n").starts_with("mine.toml:2: extra_tlds: invalid type"));
        assert!(error("[limits]\nupn = \"long\"\n").starts_with("mine.toml:2: upn: invalid type"));
        assert!(error("[rules.severity]\nDSP001 = \"fatal\"\n").starts_with("mine.toml:2: DSP001: unknown variant"));
        assert_eq!(
            error("[rules.severity]\nDSP001 = \"blocker\"\n"),
            "mine.toml:2: rules.severity.DSP001: 'blocker' rates migration readiness items; a rule is error, warning or info"
        );
        assert!(error("[options]\nanchor = \"employeeID\"\n").starts_with("mine.toml:2: options.anchor: must be"));
        assert_eq!(
            error("base = \"single-tenant\"\n"),
            "mine.toml:1: base: unknown base ruleset 'single-tenant' (built in: multi-tenant, dedicated)"
        );
        assert!(matches!(Ruleset::load("nonsense"), Err(RulesetError::UnknownName(_))));
    }
}
