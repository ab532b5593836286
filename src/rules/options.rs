//! The ruleset as an admin picks it, in the CLI or the app: a built-in name or a file, plus
//! the tenant's verified domains, a target domain, the source anchor and an alternate login
//! ID laid over what the ruleset itself says.

use std::path::PathBuf;
use std::sync::Arc;

use super::ruleset::{Anchor, Ruleset, RulesetError};
use super::tenant::TenantIndex;
use crate::source::SourceError;
use crate::source::domains::read_verified_domains;
use crate::source::tenant::read_tenant;

#[derive(Debug, thiserror::Error)]
pub enum RulesetOptionsError {
    #[error(transparent)]
    Ruleset(#[from] RulesetError),
    #[error(transparent)]
    VerifiedDomains(#[from] SourceError),
    #[error("anchor: must be objectGUID or mS-DS-ConsistencyGuid, not '{0}'")]
    Anchor(String),
    #[error("alternate login ID: {0}")]
    AlternateLoginId(String),
    #[error(transparent)]
    Tenant(#[from] crate::source::tenant::TenantError),
}

/// The choices; empty ones leave the ruleset's own settings alone.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct RulesetOptions {
    /// A built-in name (`multi-tenant`, `dedicated`) or the path of a `.toml` file.
    pub ruleset: String,
    pub verified_domains: Vec<String>,
    pub verified_domains_file: Option<PathBuf>,
    pub target_domain: Option<String>,
    pub anchor: Option<String>,
    pub alternate_login_id: Option<String>,
    /// Tenant exports (files or folders) to check against; their verified domains, when they
    /// hold `Get-MgDomain`, replace the typed ones.
    pub tenant: Vec<PathBuf>,
}

impl Default for RulesetOptions {
    fn default() -> RulesetOptions {
        RulesetOptions {
            ruleset: "multi-tenant".into(),
            verified_domains: Vec::new(),
            verified_domains_file: None,
            target_domain: None,
            anchor: None,
            alternate_login_id: None,
            tenant: Vec::new(),
        }
    }
}

impl RulesetOptions {
    /// Loads the ruleset and applies the choices over it.
    pub fn build(&self) -> Result<Ruleset, RulesetOptionsError> {
        self.build_while(|_| ()).map(|(ruleset, ())| ruleset)
    }

    /// [`build`](Self::build), running `read` (the directory read, which needs the ruleset's
    /// attributes but not the tenant) while the tenant export is read and indexed on a thread
    /// of its own: with a directory that takes longer to read, the tenant costs no time. The
    /// ruleset `read` gets has no tenant yet; a broken tenant export is reported when `read`
    /// returns.
    pub fn build_while<T>(&self, read: impl FnOnce(&Ruleset) -> T) -> Result<(Ruleset, T), RulesetOptionsError> {
        let mut ruleset = self.build_without_tenant()?;
        if self.tenant.is_empty() {
            let read = read(&ruleset);
            return Ok((ruleset, read));
        }
        let (index, read) = std::thread::scope(|scope| {
            let index = scope.spawn(|| read_tenant(&self.tenant).map(TenantIndex::build));
            let read = read(&ruleset);
            (index.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), read)
        });
        let index = index?;
        if let Some(domains) = &index.tenant.verified_domains {
            ruleset.set_verified_domains(domains.clone());
        }
        ruleset.tenant = Some(Arc::new(index));
        Ok((ruleset, read))
    }

    fn build_without_tenant(&self) -> Result<Ruleset, RulesetOptionsError> {
        let mut ruleset = Ruleset::load(self.ruleset.trim())?;
        let mut verified: Vec<String> =
            self.verified_domains.iter().map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()).collect();
        if let Some(path) = &self.verified_domains_file {
            verified.extend(read_verified_domains(path)?);
        }
        if !verified.is_empty() {
            ruleset.set_verified_domains(verified);
        }
        if let Some(target) = self.target_domain.as_deref().filter(|t| !t.trim().is_empty()) {
            ruleset.set_target_domain(target);
        }
        if let Some(anchor) = self.anchor.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            ruleset.anchor = Anchor::parse(anchor).ok_or_else(|| RulesetOptionsError::Anchor(anchor.to_owned()))?;
        }
        if let Some(attribute) = &self.alternate_login_id {
            ruleset.set_alternate_login_id(attribute).map_err(RulesetOptionsError::AlternateLoginId)?;
        }
        Ok(ruleset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_lay_over_the_named_ruleset() {
        let options = RulesetOptions {
            ruleset: "dedicated".into(),
            verified_domains: vec![" Contoso.com ".into(), String::new()],
            target_domain: Some("@contoso.com".into()),
            anchor: Some("objectGUID".into()),
            alternate_login_id: Some("mail".into()),
            ..RulesetOptions::default()
        };
        let ruleset = options.build().unwrap();
        assert_eq!(ruleset.name, "dedicated");
        assert!(ruleset.is_verified("contoso.com") && !ruleset.is_verified("fabrikam.com"));
        assert_eq!(ruleset.target_domain(), Some("contoso.com"));
        assert_eq!(ruleset.anchor, Anchor::ObjectGuid);
        assert_eq!(ruleset.alternate_login_id.as_ref().map(|a| a.as_str()), Some("mail"));
    }

    #[test]
    fn a_bad_anchor_or_ruleset_is_an_error_naming_it() {
        let anchor = RulesetOptions { anchor: Some("cn".into()), ..RulesetOptions::default() };
        assert_eq!(
            anchor.build().unwrap_err().to_string(),
            "anchor: must be objectGUID or mS-DS-ConsistencyGuid, not 'cn'"
        );
        let name = RulesetOptions { ruleset: "nope".into(), ..RulesetOptions::default() };
        assert!(name.build().unwrap_err().to_string().starts_with("unknown ruleset 'nope'"));
        let login = |attribute: &str| {
            let options = RulesetOptions { alternate_login_id: Some(attribute.into()), ..RulesetOptions::default() };
            options.build().map(|r| r.alternate_login_id.map(|a| a.as_str().to_owned()))
        };
        for typo in ["mial", "extensionAttribute16", "extensionAttribute01", "objectGUID", "proxyAddresses"] {
            assert_eq!(
                login(typo).unwrap_err().to_string(),
                format!(
                    "alternate login ID: '{typo}' is not an attribute that can hold a sign-in name: use mail, \
                     extensionAttribute1 to 15 or msDS-cloudExtensionAttribute1 to 20"
                )
            );
        }
        assert_eq!(login("extensionAttribute15").unwrap().as_deref(), Some("extensionAttribute15"));
        assert_eq!(login("msDS-cloudExtensionAttribute20").unwrap().as_deref(), Some("msDS-cloudExtensionAttribute20"));
        assert_eq!(login("userPrincipalName").unwrap(), None);
    }
}
