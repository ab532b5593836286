//! Connection options shared by the commands that talk to a directory (scan, apply, undo):
//! servers, bind identities, passwords from the environment or a prompt, TLS.

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::source::ldap::{Bind, DEFAULT_TIMEOUT, LdapOptions, Security};

#[derive(Args)]
pub struct ConnectionArgs {
    /// A domain controller, as ldaps://host or ldap://host (with --starttls, or Kerberos);
    /// repeat for several forests (scan).
    #[arg(long = "ldap", value_name = "URL")]
    pub urls: Vec<String>,
    /// Simple-bind identity (user@domain, DOMAIN\\user or a DN); once for every server, or
    /// once per --ldap in the same order. Without it: on Windows, the signed-in user (SSPI, no
    /// password); elsewhere Kerberos with the ticket cache (kinit).
    #[arg(long, value_name = "USER")]
    bind_user: Vec<String>,
    /// Name of the environment variable holding the password (otherwise it is prompted for);
    /// once, or once per --bind-user.
    #[arg(long, value_name = "VAR")]
    password_env: Vec<String>,
    /// PEM file of the CA(s) that issued the domain controllers' certificates, trusted in addition
    /// to the system's (on Windows its certificate store, with the enterprise CAs Group Policy
    /// deploys).
    #[arg(long, value_name = "PEM")]
    ca_file: Option<PathBuf>,
    /// Upgrade ldap:// connections with StartTLS.
    #[arg(long)]
    starttls: bool,
    /// Allow a plain-text simple bind over ldap:// (lab networks only: the password crosses
    /// the network unencrypted).
    #[arg(long)]
    insecure_plain_ldap: bool,
    /// How many seconds one LDAP operation may wait for the server before the run stops with
    /// an error naming it (an interrupted apply is finished with --resume).
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    timeout: u64,
}

impl ConnectionArgs {
    /// Options for these servers with the read settings at their defaults.
    pub fn options(&self) -> anyhow::Result<LdapOptions> {
        anyhow::ensure!(
            !(self.starttls && self.insecure_plain_ldap),
            "--starttls and --insecure-plain-ldap exclude each other"
        );
        anyhow::ensure!(
            self.password_env.len() <= 1 || self.password_env.len() == self.bind_user.len(),
            "give --password-env once, or once per --bind-user"
        );
        let binds = if self.bind_user.is_empty() {
            vec![Bind::Kerberos]
        } else {
            let variable = |i: usize| self.password_env.get(i).or(self.password_env.first()).map(String::as_str);
            let binds = self
                .bind_user
                .iter()
                .enumerate()
                .map(|(i, user)| Ok(Bind::Simple { user: user.clone(), password: password(user, variable(i))? }));
            binds.collect::<anyhow::Result<Vec<_>>>()?
        };
        let security = if self.starttls {
            Security::StartTls
        } else if self.insecure_plain_ldap {
            eprintln!(
                "WARNING: --insecure-plain-ldap: binding over ldap:// without TLS. The password and every value \
                 read cross the network in clear text."
            );
            Security::InsecurePlain
        } else {
            Security::Default
        };
        Ok(LdapOptions {
            timeout: Duration::from_secs(self.timeout),
            ..LdapOptions::new(self.urls.clone(), binds, security, self.ca_file.clone())
        })
    }
}

/// The bind password: from the named environment variable, or typed at a prompt.
/// An empty one is refused: LDAP takes a simple bind with a name and no password as an
/// unauthenticated bind, which "succeeds" and then reads only what anonymous users may see.
fn password(user: &str, variable: Option<&str>) -> anyhow::Result<String> {
    let password = if let Some(variable) = variable {
        let password = std::env::var(variable)
            .map_err(|_| anyhow::anyhow!("--password-env: the variable {variable} is not set"))?;
        anyhow::ensure!(
            !password.is_empty(),
            "--password-env: the variable {variable} is empty: no password for {user}"
        );
        password
    } else {
        anyhow::ensure!(
            std::io::stdin().is_terminal(),
            "no password for {user}: set an environment variable and pass its name with --password-env, or run in a terminal"
        );
        rpassword::prompt_password(format!("Password for {user}: "))?
    };
    anyhow::ensure!(!password.is_empty(), "no password typed for {user}: an empty password is refused");
    Ok(password)
}
