//! What the app remembers between runs (eframe's storage): connection profiles without their
//! passwords, the files and folders last used, and the ruleset options.

use std::path::PathBuf;

use super::review_model::Column;
use crate::rules::RulesetOptions;
use crate::source::ldap::{Bind, DEFAULT_FILTER, DEFAULT_TIMEOUT, LdapOptions, Security};

/// How a profile protects its connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum TlsMode {
    /// ldaps:// (or Kerberos sealing over ldap://), certificates verified.
    #[default]
    Default,
    StartTls,
    /// A simple bind over plain ldap://: lab networks only.
    InsecurePlain,
}

impl TlsMode {
    pub const ALL: [TlsMode; 3] = [TlsMode::Default, TlsMode::StartTls, TlsMode::InsecurePlain];

    pub fn label(self) -> &'static str {
        match self {
            TlsMode::Default => "LDAPS (verified)",
            TlsMode::StartTls => "StartTLS (verified)",
            TlsMode::InsecurePlain => "INSECURE plain LDAP",
        }
    }
}

/// One forest (or domain controller) to read and write.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Profile {
    pub name: String,
    pub url: String,
    pub tls: TlsMode,
    pub ca_file: String,
    /// Empty: the signed-in user on Windows (SSPI), Kerberos with the ticket cache elsewhere.
    pub user: String,
    /// Typed into a masked field; never stored.
    #[serde(skip)]
    pub password: String,
    pub base: String,
    pub filter: String,
    /// Whether a scan reads this profile's directory.
    pub enabled: bool,
    /// How long one LDAP operation may wait for the server.
    pub timeout_seconds: u64,
}

impl Default for Profile {
    fn default() -> Profile {
        Profile {
            name: "Forest 1".into(),
            url: "ldaps://".into(),
            tls: TlsMode::Default,
            ca_file: String::new(),
            user: String::new(),
            password: String::new(),
            base: String::new(),
            filter: DEFAULT_FILTER.into(),
            enabled: true,
            timeout_seconds: DEFAULT_TIMEOUT.as_secs(),
        }
    }
}

impl Profile {
    /// LDAP options for this profile, reading `attributes`; an error names the profile when
    /// its URL or password is missing.
    pub fn options(&self, attributes: Vec<String>) -> Result<LdapOptions, String> {
        let url = self.url.trim();
        if url.is_empty() || url.ends_with("://") {
            return Err(format!("profile '{}': no server URL", self.name));
        }
        let bind = if self.user.trim().is_empty() {
            Bind::Kerberos
        } else if self.password.is_empty() {
            return Err(format!("profile '{}': type the password for {}", self.name, self.user.trim()));
        } else {
            Bind::Simple { user: self.user.trim().to_owned(), password: self.password.clone() }
        };
        let text = |value: &str| (!value.trim().is_empty()).then(|| value.trim().to_owned());
        let security = match self.tls {
            TlsMode::Default => Security::Default,
            TlsMode::StartTls => Security::StartTls,
            TlsMode::InsecurePlain => Security::InsecurePlain,
        };
        let ca_file = text(&self.ca_file).map(PathBuf::from);
        Ok(LdapOptions {
            base: text(&self.base),
            filter: text(&self.filter),
            attributes,
            timeout: std::time::Duration::from_secs(self.timeout_seconds.max(1)),
            ..LdapOptions::new(vec![url.to_owned()], vec![bind], security, ca_file)
        })
    }
}

/// Where the next scan reads from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum SourceKind {
    #[default]
    Demo,
    Files,
    Directory,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    pub source: SourceKind,
    /// LDIF (`.ldf`, `.ldif`) or csvde (`.csv`) exports, one path per line.
    pub files: String,
    pub profiles: Vec<Profile>,
    /// The profile apply and undo write to.
    pub write_profile: usize,
    pub ruleset: RulesetOptions,
    /// Verified domains as typed (comma-separated).
    pub verified_domains: String,
    pub export_path: String,
    pub journal_path: String,
    /// The folder file dialogs open in.
    pub last_folder: String,
    /// The Connect Sync configuration export the migration view plans from.
    pub migration_config: String,
    /// The OUs the Cloud Sync configuration is scoped to, one per line (empty: Connect's).
    pub cloud_ous: String,
    pub plan_folder: String,
    /// The table's columns, in order.
    pub columns: Vec<Column>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            source: SourceKind::Demo,
            files: String::new(),
            profiles: vec![Profile::default()],
            write_profile: 0,
            ruleset: RulesetOptions::default(),
            verified_domains: String::new(),
            export_path: String::new(),
            journal_path: String::new(),
            last_folder: String::new(),
            migration_config: String::new(),
            cloud_ous: String::new(),
            plan_folder: String::new(),
            columns: Column::ALL.into_iter().filter(|c| c.shown_by_default()).collect(),
        }
    }
}

impl Settings {
    /// A remembered custom ruleset whose file is not there (or was never chosen) falls back to
    /// the built-in multi-tenant ruleset; returns what was wrong.
    pub fn forget_missing_ruleset_file(&mut self) -> Option<String> {
        let ruleset = self.ruleset.ruleset.trim().to_owned();
        if crate::rules::ruleset::BUILT_IN.contains(&ruleset.as_str()) {
            return None;
        }
        let problem = if ruleset.is_empty() {
            "The custom ruleset had no file chosen".to_owned()
        } else if std::path::Path::new(&ruleset).is_file() {
            return None;
        } else {
            format!("The ruleset file {ruleset} no longer exists")
        };
        self.ruleset.ruleset = RulesetOptions::default().ruleset;
        Some(problem)
    }

    /// The ruleset options with the typed verified domains.
    pub fn ruleset_options(&self) -> RulesetOptions {
        let verified = self.verified_domains.split([',', ';', ' ']).map(str::trim).filter(|d| !d.is_empty());
        RulesetOptions { verified_domains: verified.map(str::to_owned).collect(), ..self.ruleset.clone() }
    }

    /// The files to scan, one per non-empty line.
    pub fn file_paths(&self) -> Vec<PathBuf> {
        self.files.lines().map(str::trim).filter(|l| !l.is_empty()).map(PathBuf::from).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_never_stored() {
        let mut settings = Settings::default();
        settings.profiles[0].user = "admin@contoso.com".into();
        settings.profiles[0].password = "Secret-Value-42".into();
        let stored = serde_json::to_string(&settings).unwrap();
        assert!(stored.contains("admin@contoso.com") && !stored.contains("Secret-Value-42"));
        let back: Settings = serde_json::from_str(&stored).unwrap();
        assert_eq!(back.profiles[0].password, "");
    }

    #[test]
    fn profiles_become_ldap_options_or_name_what_is_missing() {
        let mut profile = Profile { url: "ldaps://dc1.contoso.com".into(), user: "admin".into(), ..Profile::default() };
        assert_eq!(profile.options(Vec::new()).err().unwrap(), "profile 'Forest 1': type the password for admin");
        profile.password = "pw".into();
        let options = profile.options(vec!["mail".into()]).unwrap();
        assert_eq!(options.urls, ["ldaps://dc1.contoso.com"]);
        assert!(matches!(&options.binds[..], [Bind::Simple { user, password }] if user == "admin" && password == "pw"));
        assert_eq!((options.filter.as_deref(), options.base), (Some(DEFAULT_FILTER), None));
        let kerberos = Profile { url: "ldap://dc1.fabrikam.com".into(), tls: TlsMode::StartTls, ..Profile::default() };
        let options = kerberos.options(Vec::new()).unwrap();
        assert!(matches!(options.binds[..], [Bind::Kerberos]) && options.security == Security::StartTls);
        let empty = Profile { url: "ldaps://".into(), ..Profile::default() };
        assert_eq!(empty.options(Vec::new()).err().unwrap(), "profile 'Forest 1': no server URL");
    }
}
