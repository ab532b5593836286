//! What can go wrong reading a directory, each case with what to do about it. Messages name the
//! server and never hold a password.

/// A failed live read.
#[derive(Debug, thiserror::Error)]
pub enum LdapError {
    #[error("{url}: cannot reach the server ({reason})")]
    Unreachable { url: String, reason: String },
    #[error("{url}: the server's TLS certificate is not trusted ({reason}); pass the issuing CA with --ca-file PEM")]
    CertificateUntrusted { url: String, reason: String },
    #[error("{url}: TLS failed ({reason})")]
    Tls { url: String, reason: String },
    #[error("{url}: the server refused the credentials of {user} (wrong user or password)")]
    InvalidCredentials { url: String, user: String },
    #[error(
        "{url}: the server requires strong authentication: use ldaps:// or --starttls (a plain simple bind is refused; server: {text})"
    )]
    StrongAuthRequired { url: String, text: String },
    #[error(
        "{url}: the Kerberos bind failed ({reason}); is there a ticket (klist; kinit user@REALM) and is the URL the DC's DNS name?"
    )]
    KerberosFailed { url: String, reason: String },
    #[error("{url}: the base DN {base} does not exist on this server")]
    BaseNotFound { url: String, base: String },
    #[error(
        "{url}: the LDAP filter is not valid (RFC 4515 syntax, e.g. (&(objectClass=user)(mail=*))): check --filter"
    )]
    InvalidFilter { url: String },
    #[error("{url}: the server does not support paged searches (RFC 2696)")]
    PagingUnsupported { url: String },
    #[error("{url}: the connection dropped after {objects} objects were read ({reason}); the scan is incomplete")]
    ConnectionDropped { url: String, objects: u64, reason: String },
    #[error(
        "{url}: refusing a plain-text LDAP bind: the password would cross the network unencrypted. Use ldaps://, \
         --starttls, or, only on a lab network, --insecure-plain-ldap"
    )]
    PlainLdapRefused { url: String },
    #[error("{url}: the server answered {code} ({text})")]
    Server { url: String, code: u32, text: String },
    #[error("{url}: the server did not answer within {seconds} s (--timeout){}", read_so_far(*objects))]
    TimedOut { url: String, seconds: u64, objects: Option<u64> },
    #[error(
        "{url}: the server sent {what} twice while reading {base}: it repeats itself, so the read stops (incomplete)"
    )]
    Repeating { url: String, base: String, what: String },
    #[error(
        "{url}: the server referred part of the search to {reference}: the objects there (a child domain?) were not \
         read. syncready does not follow referrals with your credentials: scan that domain's DC too (another \
         --ldap), or pass --allow-partial"
    )]
    NotRead { url: String, reference: String },
    #[error("{url}: {message}")]
    Setup { url: String, message: String },
    #[error("the scan was cancelled")]
    Cancelled,
    #[error("a reader thread stopped unexpectedly")]
    WorkerPanicked,
}

fn read_so_far(objects: Option<u64>) -> String {
    objects.map(|n| format!(" after {n} objects were read; the scan is incomplete")).unwrap_or_default()
}

/// Where an operation was when it failed, for [`classify`].
pub struct Context<'a> {
    pub url: &'a str,
    /// The bind identity.
    pub user: &'a str,
    pub base: &'a str,
    /// How many objects the search had read when it happened (a drop mid-scan).
    pub objects: Option<u64>,
    /// The operation timeout in force.
    pub timeout: std::time::Duration,
}

/// Maps an ldap3 error to what it means for the admin.
pub fn classify(context: &Context, error: ldap3::LdapError) -> LdapError {
    let Context { url, user, base, objects, timeout } = *context;
    let url = url.to_owned();
    match error {
        ldap3::LdapError::LdapResult { result } => match result.rc {
            49 => LdapError::InvalidCredentials { url, user: user.to_owned() },
            8 | 13 => LdapError::StrongAuthRequired { url, text: result.text.trim_end_matches('\0').trim().to_owned() },
            32 => LdapError::BaseNotFound { url, base: base.to_owned() },
            12 => LdapError::PagingUnsupported { url },
            87 => LdapError::InvalidFilter { url },
            code => LdapError::Server { url, code, text: result.text.trim_end_matches('\0').trim().to_owned() },
        },
        ldap3::LdapError::NativeTLS { source } => tls_error(url, source.to_string()),
        ldap3::LdapError::FilterParsing => LdapError::InvalidFilter { url },
        ldap3::LdapError::Io { source } => match objects {
            Some(objects) => LdapError::ConnectionDropped { url, objects, reason: source.to_string() },
            None if is_tls_message(&source.to_string()) => tls_error(url, source.to_string()),
            None => LdapError::Unreachable { url, reason: source.to_string() },
        },
        #[cfg(gssapi)]
        ldap3::LdapError::GssapiOperationError(reason) => LdapError::KerberosFailed { url, reason },
        ldap3::LdapError::Timeout { .. } => LdapError::TimedOut { url, seconds: timeout.as_secs(), objects },
        other => match objects {
            Some(objects) => LdapError::ConnectionDropped { url, objects, reason: other.to_string() },
            None => LdapError::Unreachable { url, reason: other.to_string() },
        },
    }
}

fn is_tls_message(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.contains("certificate") || lower.contains("ssl") || lower.contains("tls")
}

/// Windows' certificate errors (schannel reports them as `os error N`, N the HRESULT as an
/// i32): the name, what it means, and whether it is a trust problem `--ca-file` can solve.
const WINDOWS_CERTIFICATE_ERRORS: [(u32, &str, &str, bool); 7] = [
    (0x800B_0109, "CERT_E_UNTRUSTEDROOT", "the chain ends in a root the system does not trust", true),
    (0x800B_010A, "CERT_E_CHAINING", "the chain could not be built up to a trusted root", true),
    (0x800B_010F, "CERT_E_CN_NO_MATCH", "the certificate is not for this host name", true),
    (0x800B_0101, "CERT_E_EXPIRED", "the certificate has expired or is not yet valid", false),
    (0x800B_010C, "CERT_E_REVOKED", "the certificate was revoked", false),
    (0x800B_010E, "CERT_E_REVOCATION_FAILURE", "its revocation status could not be checked", false),
    (0x8009_2013, "CRYPT_E_REVOCATION_OFFLINE", "the revocation server could not be reached", false),
];

/// The Windows certificate error named in `reason`, if any.
fn windows_certificate_error(reason: &str) -> Option<(u32, &'static str, &'static str, bool)> {
    let code: i32 =
        reason.split("os error ").nth(1)?.split(|c: char| c != '-' && !c.is_ascii_digit()).next()?.parse().ok()?;
    WINDOWS_CERTIFICATE_ERRORS.into_iter().find(|(known, ..)| *known == code as u32)
}

fn tls_error(url: String, reason: String) -> LdapError {
    if let Some((code, name, meaning, untrusted)) = windows_certificate_error(&reason) {
        let reason = format!("{name}, 0x{code:08X}: {meaning}");
        return if untrusted {
            LdapError::CertificateUntrusted { url, reason }
        } else {
            LdapError::Tls { url, reason }
        };
    }
    let lower = reason.to_ascii_lowercase();
    let untrusted = [
        "certificate verify failed",
        "self-signed",
        "self signed",
        "unable to get local issuer",
        "unknown ca",
        "hostname mismatch",
        "ip address mismatch",
    ];
    if untrusted.iter().any(|u| lower.contains(u)) {
        LdapError::CertificateUntrusted { url, reason }
    } else {
        LdapError::Tls { url, reason }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_certificate_errors_are_named() {
        let untrusted = "OS Error -2146762487 (FormatMessageW() returned error 317) (os error -2146762487)";
        assert_eq!(
            tls_error("ldaps://dc1".into(), untrusted.into()).to_string(),
            "ldaps://dc1: the server's TLS certificate is not trusted (CERT_E_UNTRUSTEDROOT, 0x800B0109: the chain \
             ends in a root the system does not trust); pass the issuing CA with --ca-file PEM"
        );
        let revocation = "OS Error -2146762482 (os error -2146762482)";
        assert_eq!(
            tls_error("ldaps://dc1".into(), revocation.into()).to_string(),
            "ldaps://dc1: TLS failed (CERT_E_REVOCATION_FAILURE, 0x800B010E: its revocation status could not be checked)"
        );
        assert!(matches!(tls_error("u".into(), "os error -1".into()), LdapError::Tls { .. }));
    }
}
