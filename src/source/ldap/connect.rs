//! Connecting and binding: TLS settings (system roots plus an optional CA file, verification
//! always on), StartTLS, the plain-LDAP guard, and simple or Kerberos binds.

use std::time::Duration;

use std::net::{TcpStream, ToSocketAddrs};

use ldap3::{LdapConn, LdapConnSettings, StdStream};

use super::LdapOptions;
use super::error::{Context, LdapError, classify};

/// How the bind proves who we are.
#[derive(Clone)]
pub enum Bind {
    /// A simple bind; the password comes from a prompt or an environment variable.
    Simple { user: String, password: String },
    /// SASL GSSAPI: on Windows as the signed-in user through SSPI (Negotiate/Kerberos, no
    /// password anywhere), elsewhere with the user's Kerberos ticket cache (`kinit`).
    Kerberos,
}

impl Bind {
    /// Who binds, for messages (never the password).
    pub fn identity(&self) -> &str {
        match self {
            Bind::Simple { user, .. } => user,
            Bind::Kerberos if cfg!(windows) => "the signed-in Windows user",
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

/// How long a TCP connection or TLS handshake may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

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

/// Connects the TCP socket ourselves, with Nagle's algorithm off: paged searches send small
/// requests that otherwise wait for the server's delayed acknowledgement (40 ms a page).
fn tcp_connect(url_with_port: &str, url: &str) -> Result<TcpStream, LdapError> {
    let unreachable = |reason: String| LdapError::Unreachable { url: url.to_owned(), reason };
    let rest = url_with_port.split_once("://").map_or(url_with_port, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or(rest);
    let default_port = if url_with_port.starts_with("ldaps://") { 636 } else { 389 };
    let host_port = if authority.rsplit_once(':').is_some_and(|(_, p)| p.parse::<u16>().is_ok()) {
        authority.to_owned()
    } else {
        format!("{authority}:{default_port}")
    };
    let addresses: Vec<_> =
        host_port.to_socket_addrs().map_err(|e| unreachable(format!("{host_port}: {e}")))?.collect();
    let mut last = String::from("no address");
    for address in addresses {
        match TcpStream::connect_timeout(&address, CONNECT_TIMEOUT) {
            Ok(stream) => {
                stream.set_nodelay(true).map_err(|e| unreachable(e.to_string()))?;
                return Ok(stream);
            }
            Err(e) => last = e.to_string(),
        }
    }
    Err(unreachable(last))
}

/// Opens a connection to `url` and binds.
pub fn open(options: &LdapOptions, url: &str, bind: &Bind) -> Result<LdapConn, LdapError> {
    if let Bind::Simple { user, password } = bind
        && password.is_empty()
    {
        // RFC 4513 5.1.2: a name with an empty password is an unauthenticated bind, which
        // servers accept and which then reads only what anonymous users may see.
        return Err(LdapError::Setup {
            url: url.to_owned(),
            message: format!("refusing an empty password for {user}: it would be an unauthenticated bind"),
        });
    }
    let plain = url.starts_with("ldap://");
    if !plain && !url.starts_with("ldaps://") {
        return Err(LdapError::Setup {
            url: url.to_owned(),
            message: "the URL must start with ldaps:// or ldap://".into(),
        });
    }
    let starttls = plain && options.security == Security::StartTls;
    // A Kerberos bind over ldap:// seals the connection with Kerberos itself (SASL privacy
    // layer); only a simple bind would send a password in clear text.
    let kerberos = matches!(bind, Bind::Kerberos);
    if plain && options.security == Security::Default && !kerberos {
        return Err(LdapError::PlainLdapRefused { url: url.to_owned() });
    }
    let url_with_port = effective_url(options, url);
    let settings = LdapConnSettings::new()
        .set_conn_timeout(CONNECT_TIMEOUT.min(options.timeout))
        .set_starttls(starttls)
        .set_connector(tls_connector(options, url)?)
        .set_std_stream(StdStream::Tcp(tcp_connect(&url_with_port, url)?));
    let user = bind.identity();
    let context =
        Context { url, user, base: options.base.as_deref().unwrap_or(""), objects: None, timeout: options.timeout };
    let fail = |e| classify(&context, e);
    let mut conn = LdapConn::with_settings(settings, &url_with_port).map_err(fail)?;
    match bind {
        Bind::Simple { user, password } => {
            conn.with_timeout(options.timeout).simple_bind(user, password).map_err(fail)?.success().map_err(fail)?;
        }
        Bind::Kerberos => kerberos_bind(conn.with_timeout(options.timeout), url, &fail)?,
    }
    Ok(conn)
}

#[cfg(gssapi)]
fn kerberos_bind(
    conn: &mut LdapConn,
    url: &str,
    fail: &dyn Fn(ldap3::LdapError) -> LdapError,
) -> Result<(), LdapError> {
    let host = url.split("://").nth(1).unwrap_or(url).split([':', '/']).next().unwrap_or_default();
    conn.sasl_gssapi_bind(host).and_then(|r| r.success()).map(|_| ()).map_err(fail)
}

#[cfg(not(gssapi))]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_password_is_never_sent() {
        let bind = Bind::Simple { user: "admin@contoso.com".into(), password: String::new() };
        let options = LdapOptions::new(vec!["ldaps://127.0.0.1:1".into()], vec![bind.clone()], Security::Default, None);
        let error = open(&options, "ldaps://127.0.0.1:1", &bind).err().unwrap();
        assert_eq!(
            error.to_string(),
            "ldaps://127.0.0.1:1: refusing an empty password for admin@contoso.com: it would be an unauthenticated bind"
        );
    }
}
