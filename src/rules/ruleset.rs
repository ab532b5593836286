//! Rulesets: which rules run and with which lists (skip lists, extra TLDs), loaded from the
//! TOML files in `rulesets/`. The built-in ones are compiled in; a user's file overrides the
//! keys it sets. Unknown keys, wrong types and unknown rule codes are errors that name the
//! file, the line and the key.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::catalog::{RULES, RuleId};

const MULTI_TENANT: &str = include_str!("../../rulesets/multi-tenant.toml");

#[derive(Debug, thiserror::Error)]
pub enum RulesetError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {key}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        key: String,
        message: String,
    },
    #[error("unknown ruleset '{0}' (built in: multi-tenant; or give a path to a .toml file)")]
    UnknownName(String),
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RulesetFile {
    name: Option<String>,
    #[serde(default)]
    scope: ScopeFile,
    #[serde(default)]
    domains: DomainsFile,
    #[serde(default)]
    rules: RulesFile,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ScopeFile {
    skip_cn_exact: Option<Vec<String>>,
    skip_cn_prefixes: Option<Vec<String>>,
    skip_user_sam_prefixes: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DomainsFile {
    extra_tlds: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    disabled: Option<Vec<Spanned<String>>>,
}

/// A loaded ruleset, ready for the checks. Lists are lower-cased for matching.
#[derive(Debug, Clone)]
pub struct Ruleset {
    pub name: String,
    pub skip_cn_exact: Vec<String>,
    pub skip_cn_prefixes: Vec<String>,
    pub skip_user_sam_prefixes: Vec<String>,
    extra_tlds: HashSet<String>,
    disabled: Vec<bool>,
}

impl Ruleset {
    /// The default ruleset.
    pub fn multi_tenant() -> Ruleset {
        let mut ruleset = Ruleset {
            name: String::new(),
            skip_cn_exact: Vec::new(),
            skip_cn_prefixes: Vec::new(),
            skip_user_sam_prefixes: Vec::new(),
            extra_tlds: HashSet::new(),
            disabled: vec![false; RULES.len()],
        };
        ruleset
            .apply(MULTI_TENANT, Path::new("rulesets/multi-tenant.toml"))
            .expect("the built-in ruleset is valid");
        ruleset
    }

    /// A built-in ruleset by name, or a file that overrides the default one.
    pub fn load(name_or_path: &str) -> Result<Ruleset, RulesetError> {
        if name_or_path == "multi-tenant" {
            return Ok(Ruleset::multi_tenant());
        }
        let path = Path::new(name_or_path);
        if path.extension().is_none_or(|e| e != "toml") && !path.exists() {
            return Err(RulesetError::UnknownName(name_or_path.to_owned()));
        }
        let text = std::fs::read_to_string(path).map_err(|source| RulesetError::Io {
            path: path.to_owned(),
            source,
        })?;
        let mut ruleset = Ruleset::multi_tenant();
        ruleset.apply(&text, path)?;
        Ok(ruleset)
    }

    /// Overrides this ruleset with the keys `text` sets.
    fn apply(&mut self, text: &str, path: &Path) -> Result<(), RulesetError> {
        let file: RulesetFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |span| line_of(text, span.start));
            let message = e.message().to_owned();
            let key = key_named_in(&message).unwrap_or_else(|| key_at(text, line));
            RulesetError::Invalid {
                path: path.to_owned(),
                line,
                key,
                message,
            }
        })?;
        let lower = |list: Vec<String>| list.into_iter().map(|s| s.to_lowercase()).collect();
        if let Some(name) = file.name {
            self.name = name;
        }
        if let Some(list) = file.scope.skip_cn_exact {
            self.skip_cn_exact = lower(list);
        }
        if let Some(list) = file.scope.skip_cn_prefixes {
            self.skip_cn_prefixes = lower(list);
        }
        if let Some(list) = file.scope.skip_user_sam_prefixes {
            self.skip_user_sam_prefixes = lower(list);
        }
        if let Some(list) = file.domains.extra_tlds {
            self.extra_tlds = list
                .into_iter()
                .map(|s| s.trim_start_matches('.').to_lowercase())
                .collect();
        }
        if let Some(codes) = file.rules.disabled {
            self.disabled = vec![false; RULES.len()];
            for code in codes {
                let rule =
                    RuleId::from_code(code.get_ref()).ok_or_else(|| RulesetError::Invalid {
                        path: path.to_owned(),
                        line: line_of(text, code.span().start),
                        key: "rules.disabled".into(),
                        message: format!(
                            "unknown rule code '{}' (see `syncready rules`)",
                            code.get_ref()
                        ),
                    })?;
                self.disabled[rule as usize] = true;
            }
        }
        Ok(())
    }

    pub fn is_enabled(&self, rule: RuleId) -> bool {
        !self.disabled[rule as usize]
    }

    /// Whether `tld` (one label, any case) is a real top-level domain or one the ruleset adds.
    pub fn is_known_tld(&self, tld: &str) -> bool {
        let lower = tld.to_ascii_lowercase();
        psl::suffix(lower.as_bytes()).is_some_and(|s| s.is_known())
            || self.extra_tlds.contains(&lower)
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The key a serde message names (`unknown field `foo``), when it names one.
fn key_named_in(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    Some(message[start..end].to_owned())
}

/// The key assigned on a line (`key = ...`), for messages that name none.
fn key_at(text: &str, line: usize) -> String {
    let source = text.lines().nth(line - 1).unwrap_or("");
    source.split('=').next().unwrap_or("").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<Ruleset, RulesetError> {
        let mut ruleset = Ruleset::multi_tenant();
        ruleset.apply(text, Path::new("mine.toml")).map(|_| ruleset)
    }

    #[test]
    fn built_in_ruleset_has_the_spec_lists() {
        let ruleset = Ruleset::multi_tenant();
        assert_eq!(ruleset.name, "multi-tenant");
        assert!(ruleset.skip_cn_exact.contains(&"krbtgt".to_owned()));
        assert!(ruleset.skip_user_sam_prefixes.contains(&"aad_".to_owned()));
        assert!(RULES.iter().all(|r| ruleset.is_enabled(r.id)));
        assert!(ruleset.is_known_tld("CLOUD") && ruleset.is_known_tld("xn--p1ai"));
        assert!(!ruleset.is_known_tld("con"));
    }

    #[test]
    fn a_user_file_overrides_only_what_it_sets() {
        let ruleset =
            load_text("[rules]\ndisabled = [\"dsp003\"]\n[domains]\nextra_tlds = [\".CORP\"]\n")
                .unwrap();
        assert!(!ruleset.is_enabled(RuleId::DisplayNameBlank));
        assert!(ruleset.is_enabled(RuleId::DisplayNameLength));
        assert!(ruleset.is_known_tld("corp"));
        assert!(ruleset.skip_cn_exact.contains(&"guest".to_owned()));
    }

    #[test]
    fn broken_files_name_file_line_and_key() {
        let error = |text| load_text(text).unwrap_err().to_string();
        assert_eq!(
            error("name = \"x\"\n[rules]\ndisabled = [\"DSP001\", \"XYZ999\"]\n"),
            "mine.toml:3: rules.disabled: unknown rule code 'XYZ999' (see `syncready rules`)"
        );
        assert!(
            error("[scope]\nskip_cn_exat = []\n")
                .starts_with("mine.toml:2: skip_cn_exat: unknown field")
        );
        assert!(
            error("[domains]\nextra_tlds = \"corp\"\n")
                .starts_with("mine.toml:2: extra_tlds: invalid type")
        );
        assert!(matches!(
            Ruleset::load("nonsense"),
            Err(RulesetError::UnknownName(_))
        ));
    }
}
