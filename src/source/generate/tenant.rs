//! A tenant export for a generated directory, as Graph PowerShell writes it (`users.json`,
//! `roles.json`, `sync.json`): every clean user already synced (a cloud object anchored on its
//! immutable id), and a seeded share of planted cases: cloud-only accounts a soft match takes
//! over (by UPN and by primary SMTP address), an administrator's cloud account, an address a
//! user of another forest holds, a provisioning error, and synced users whose on-premises object
//! is gone; guests (cloud-only, in another domain) fill it up to as many cloud objects as the
//! directory has objects. Each planted case is returned with the finding a scan with this
//! tenant must report.
//! The directory's own random stream is not touched: the LDIF is the same with or without it.

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::Planted;
use super::names::Rng;

/// A clean user the tenant can hold a cloud object for.
pub(super) struct Candidate {
    pub dn: String,
    pub upn: String,
    /// The address of its `SMTP:` proxy, and of its routing `smtp:` proxy.
    pub primary: Option<String>,
    pub routing: Option<String>,
    /// Its immutable id (base64 of its mS-DS-ConsistencyGuid).
    pub anchor: String,
}

struct CloudUser {
    id: String,
    upn: String,
    mail: Option<String>,
    proxies: Vec<String>,
    immutable_id: Option<String>,
    dn: Option<String>,
    errors: Vec<(&'static str, String)>,
}

impl CloudUser {
    fn json(&self) -> Value {
        let errors: Vec<Value> = self
            .errors
            .iter()
            .map(|(property, value)| {
                json!({"Category": "PropertyConflict", "OccurredDateTime": "2026-11-02T08:00:00Z",
                       "PropertyCausingError": property, "Value": value})
            })
            .collect();
        json!({
            "Id": self.id, "DisplayName": self.upn, "UserPrincipalName": self.upn, "Mail": self.mail,
            "ProxyAddresses": self.proxies, "OnPremisesImmutableId": self.immutable_id,
            "OnPremisesSyncEnabled": self.immutable_id.as_ref().map(|_| true),
            "OnPremisesDistinguishedName": self.dn, "OnPremisesProvisioningErrors": errors,
            "UserType": "Member", "AccountEnabled": true, "AdditionalProperties": {}
        })
    }
}

/// Writes the tenant of `candidates` (the clean users; those named in `planted` are left
/// out, since a planted duplicate makes their addresses another object's) to `folder` and
/// returns the findings its planted cases make.
pub(super) fn write_tenant(
    folder: &Path,
    candidates: &[Candidate],
    planted: &[Planted],
    seed: u64,
    objects: u64,
) -> io::Result<Vec<Planted>> {
    std::fs::create_dir_all(folder)?;
    let taken: HashSet<&str> = planted.iter().map(|p| p.dn.as_str()).collect();
    let mut rng = Rng::new(seed ^ 0x7E4A_A17C_0FFE_E000);
    let mut users = Vec::with_capacity(candidates.len());
    let mut found = Vec::new();
    let mut admins = Vec::new();
    let mut serial = 0u64;
    let mut id = move || {
        serial += 1;
        format!("00000000-0000-4000-8000-{serial:012x}")
    };
    let find = |dn: &str, attribute: &str, value: &str, error: &str| Planted {
        dn: dn.to_owned(),
        attribute: attribute.to_owned(),
        value: value.to_owned(),
        error: error.to_owned(),
    };
    for user in candidates.iter().filter(|c| !taken.contains(c.dn.as_str())) {
        let twin = |id: String| CloudUser {
            id,
            upn: user.upn.clone(),
            mail: user.primary.clone(),
            proxies: [
                user.primary.as_ref().map(|p| format!("SMTP:{p}")),
                user.routing.as_ref().map(|r| format!("smtp:{r}")),
            ]
            .into_iter()
            .flatten()
            .collect(),
            immutable_id: Some(user.anchor.clone()),
            dn: Some(user.dn.clone()),
            errors: Vec::new(),
        };
        let cloud_only = |id: String, upn: &str, mail: Option<&str>| CloudUser {
            id,
            upn: upn.to_owned(),
            mail: mail.map(str::to_owned),
            proxies: mail.map(|m| vec![format!("SMTP:{m}")]).unwrap_or_default(),
            immutable_id: None,
            dn: None,
            errors: Vec::new(),
        };
        match rng.below(1000) {
            0..=4 => {
                users.push(cloud_only(id(), &user.upn, None));
                found.push(find(&user.dn, "userPrincipalName", &user.upn, "SoftMatch"));
            }
            5..=8 if user.primary.is_some() => {
                let primary = user.primary.as_deref().unwrap_or_default();
                let upn = format!("cloud.{}", user.upn.replace("@contoso.com", "@contoso.onmicrosoft.com"));
                users.push(cloud_only(id(), &upn, Some(primary)));
                // A scan reports a takeover once, on the first address that matches: the UPN
                // when the primary SMTP address is the same.
                if primary.eq_ignore_ascii_case(&user.upn) {
                    found.push(find(&user.dn, "userPrincipalName", &user.upn, "SoftMatch"));
                } else {
                    found.push(find(&user.dn, "proxyAddresses", &format!("SMTP:{primary}"), "SoftMatch"));
                }
            }
            9..=10 => {
                let admin = cloud_only(id(), &user.upn, None);
                admins.push(admin.id.clone());
                users.push(admin);
                found.push(find(&user.dn, "userPrincipalName", &user.upn, "AdminRoleConflict"));
            }
            11..=14 if user.routing.is_some() => {
                let routing = user.routing.as_deref().unwrap_or_default();
                users.push(twin(id()));
                let other = STANDARD.encode(rng.bytes16());
                users.push(CloudUser {
                    id: id(),
                    upn: format!("other.{}", user.upn.replace("@contoso.com", "@fabrikam.com")),
                    mail: None,
                    proxies: vec![format!("smtp:{routing}")],
                    immutable_id: Some(other),
                    dn: Some("CN=Other,OU=Users,DC=fabrikam,DC=com".to_owned()),
                    errors: Vec::new(),
                });
                found.push(find(&user.dn, "proxyAddresses", &format!("smtp:{routing}"), "InvalidSoftMatch"));
            }
            15..=17 => {
                let mut cloud = twin(id());
                cloud.errors.push(("UserPrincipalName", user.upn.clone()));
                users.push(cloud);
                found.push(find(&user.dn, "userPrincipalName", &user.upn, "ProvisioningError"));
            }
            18..=19 => {
                users.push(twin(id()));
                let ou = user.dn.split_once(',').map_or("", |(_, ou)| ou);
                let dn = format!("CN=Former Employee {serial},{ou}", serial = users.len());
                let anchor = STANDARD.encode(rng.bytes16());
                users.push(CloudUser {
                    id: id(),
                    upn: format!("former{}@contoso.com", users.len()),
                    mail: None,
                    proxies: Vec::new(),
                    immutable_id: Some(anchor.clone()),
                    dn: Some(dn.clone()),
                    errors: Vec::new(),
                });
                found.push(find(&dn, "onPremisesImmutableId", &anchor, "CloudOrphan"));
            }
            _ => users.push(twin(id())),
        }
    }
    while (users.len() as u64) < objects {
        let n = users.len();
        users.push(CloudUser {
            id: id(),
            upn: format!("guest{n}_fabrikam.com#EXT#@contoso.onmicrosoft.com"),
            mail: Some(format!("guest{n}@fabrikam.com")),
            proxies: vec![format!("SMTP:guest{n}@fabrikam.com")],
            immutable_id: None,
            dn: None,
            errors: Vec::new(),
        });
    }
    let mut out = io::BufWriter::with_capacity(1 << 20, std::fs::File::create(folder.join("users.json"))?);
    out.write_all(b"[\n")?;
    for (i, user) in users.iter().enumerate() {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut out, &user.json())?;
    }
    out.write_all(b"\n]\n")?;
    out.flush()?;
    let members: Vec<Value> = admins.iter().map(|id| json!({"Id": id})).collect();
    let roles = json!([{"Id": "r-global", "DisplayName": "Global Administrator",
                        "RoleTemplateId": "62e90394-69f5-4237-9190-012177145e10", "Members": members}]);
    std::fs::write(folder.join("roles.json"), serde_json::to_vec_pretty(&roles)?)?;
    let sync = json!([{"Id": "s1", "Features": {"BlockSoftMatchEnabled": false,
                       "BlockCloudObjectTakeoverThroughHardMatchEnabled": false}}]);
    std::fs::write(folder.join("sync.json"), serde_json::to_vec_pretty(&sync)?)?;
    Ok(found)
}
