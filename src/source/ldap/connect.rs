//! Connecting and binding: TLS settings (system roots plus an optional CA file, verification
//! always on), StartTLS, the plain-LDAP guard, and simple or Kerberos binds.

use std::time::Duration;

use ldap3::{LdapConn, LdapConnSettings};

use super::LdapOptions;
use super::error::{LdapError, classify};

/// How the bind proves who we are.
#[derive(Clone)]
pub enum Bind {
    /// A simple bind; the password comes from a prompt or an environment variable.
    Simple { user: String, password: String },
    /// SASL GSSAPI with the user's Kerberos ticket cache (`kinit`).
    Kerberos,
}

impl Bind {
    /// Who binds, for messages (never the password).
    pub fn identity(&self) -> &str {
        match self {
            Bind::Simple { user, .. } => user,
            Bind::Kerberos => "the Kerberos ticket in the cache",
        }
    }
}

impl std::fmt::Debug for Bind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bind({})", self.identity())
    }
}

/// Transport security beyond what the URL's scheme says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// ldaps:// is TLS; ldap:// is refused for simple binds.
    Default,
    /// ldap:// upgraded with StartTLS.
    StartTls,
    /// ldap:// in clear text, on the admin's explicit request.
    InsecurePlain,
}

fn tls_connector(options: &LdapOptions, url: &str) -> Result<native_tls::TlsConnector, LdapError> {
    let setup = |message: String| LdapError::Setup { url: url.to_owned(), message };
    let mut builder = native_tls::TlsConnector::builder();
    if let Some(path) = &options.ca_file {
        let pem = std::fs::read(path).map_err(|e| setup(format!("--ca-file {}: {e}", path.display())))?;
        let certificates = native_tls::Certificate::stack_from_pem(&pem)
            .map_err(|e| setup(format!("--ca-file {}: not PEM certificates ({e})", path.display())))?;
        if certificates.is_empty() {
            return Err(setup(format!("--ca-file {}: no PEM certificate in it", path.display())));
        }
        for certificate in certificates {
            builder.add_root_certificate(certificate);
        }
    }
    builder.build().map_err(|e| setup(format!("TLS setup: {e}")))
}

/// The URL with the global catalog port when asked for and none is given.
fn effective_url(options: &LdapOptions, url: &str) -> String {
    if !options.global_catalog || url.rsplit_once(':').is_some_and(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
    {
        return url.to_owned();
    }
    let port = if url.starts_with("ldaps://") { 3269 } else { 3268 };
    format!("{}:{port}", url.trim_end_matches('/'))
}

/// Opens a connection to `url` and binds.
pub fn open(options: &LdapOptions, url: &str, bind: &Bind) -> Result<LdapConn, LdapError> {
    let plain = url.starts_with("ldap://");
    if !plain && !url.starts_with("ldaps://") {
        return Err(LdapError::Setup {
            url: url.to_owned(),
            message: "the URL must start with ldaps:// or ldap://".into(),
        });
    }
    let starttls = plain && options.security == Security::StartTls;
    if plain && options.security == Security::Default {
        return Err(LdapError::PlainLdapRefused { url: url.to_owned() });
    }
    let settings = LdapConnSettings::new()
        .set_conn_timeout(Duration::from_secs(15))
        .set_starttls(starttls)
        .set_connector(tls_connector(options, url)?);
    let user = bind.identity();
    let fail = |e| classify(url, user, options.base.as_deref().unwrap_or(""), None, e);
    let mut conn = LdapConn::with_settings(settings, &effective_url(options, url)).map_err(fail)?;
    match bind {
        Bind::Simple { user, password } => {
            conn.simple_bind(user, password).map_err(fail)?.success().map_err(fail)?;
        }
        Bind::Kerberos => kerberos_bind(&mut conn, url, &fail)?,
    }
    Ok(conn)
}

#[cfg(feature = "kerberos")]
fn kerberos_bind(
    conn: &mut LdapConn,
    url: &str,
    fail: &dyn Fn(ldap3::LdapError) -> LdapError,
) -> Result<(), LdapError> {
    let host = url.split("://").nth(1).unwrap_or(url).split([':', '/']).next().unwrap_or_default();
    conn.sasl_gssapi_bind(host).and_then(|r| r.success()).map(|_| ()).map_err(fail)
}

#[cfg(not(feature = "kerberos"))]
fn kerberos_bind(
    _conn: &mut LdapConn,
    url: &str,
    _fail: &dyn Fn(ldap3::LdapError) -> LdapError,
) -> Result<(), LdapError> {
    Err(LdapError::Setup {
        url: url.to_owned(),
        message:
            "this build has no Kerberos support (build with --features kerberos); pass --bind-user for a simple bind"
                .into(),
    })
}
