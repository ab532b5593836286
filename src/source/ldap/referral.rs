//! Continuation references: the `ldap://host/DN` a DC returns for the parts of its search that
//! another naming context holds (a child domain, AD's DNS and configuration partitions).
//! syncready never follows them (that would send the admin's credentials to a host the admin
//! did not name); it lists them, and those that can hold users, contacts or groups make a scan
//! partial unless another source reads them.

use crate::model::{first_rdn, is_within};

/// What a referenced naming context is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partition {
    /// DomainDnsZones or ForestDnsZones: DNS records only.
    DnsApplication,
    /// CN=Configuration (and the schema under it): no users, contacts or groups to sync.
    Configuration,
    /// Anything else, such as a child domain: it can hold objects the scan should check.
    MayHoldObjects,
}

/// One continuation reference a server returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The source (`--ldap` URL) whose search returned it.
    pub source: String,
    /// The reference as the server sent it.
    pub url: String,
    /// The DN it points to (empty when the URL holds none).
    pub dn: String,
    pub partition: Partition,
}

impl Reference {
    pub fn new(source: &str, url: &str) -> Reference {
        let dn = referenced_dn(url);
        let partition = partition_of(&dn);
        Reference { source: source.to_owned(), url: url.to_owned(), dn, partition }
    }

    /// Whether another source read the naming context it points to: one of `bases` (the
    /// naming contexts the sources searched) is its DN, as when the child domain's DC is given
    /// with its own `--ldap`.
    pub fn is_read_by(&self, bases: &[String]) -> bool {
        !self.dn.is_empty() && bases.iter().any(|base| is_within(&self.dn, base) && is_within(base, &self.dn))
    }

    /// The summary's wording: where it points and what was not read.
    pub fn describe(&self) -> String {
        let what = match self.partition {
            Partition::DnsApplication => "a DNS application partition, no users, contacts or groups",
            Partition::Configuration => "the configuration partition, no users, contacts or groups",
            Partition::MayHoldObjects => "another naming context (a child domain?) whose objects were not checked",
        };
        format!("{}: {} ({what}; not followed)", self.source, self.url)
    }
}

/// The DN of an LDAP URL (`ldap://host:389/DC=child,DC=x??sub`), percent-decoded.
fn referenced_dn(url: &str) -> String {
    let Ok(parsed) = url::Url::parse(url) else { return String::new() };
    let path = parsed.path().trim_start_matches('/');
    percent_encoding::percent_decode_str(path).decode_utf8_lossy().into_owned()
}

fn partition_of(dn: &str) -> Partition {
    let first = first_rdn(dn).trim().to_ascii_lowercase().replace(' ', "");
    if first == "dc=domaindnszones" || first == "dc=forestdnszones" {
        Partition::DnsApplication
    } else if first == "cn=configuration"
        || (first == "cn=schema"
            && crate::model::rdns(dn).nth(1).is_some_and(|r| r.trim().eq_ignore_ascii_case("CN=Configuration")))
    {
        Partition::Configuration
    } else {
        Partition::MayHoldObjects
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_told_apart_by_the_partition_they_name() {
        let of = |url: &str| {
            let r = Reference::new("ldaps://dc1", url);
            (r.dn, r.partition)
        };
        assert_eq!(
            of("ldap://contoso.com/DC=DomainDnsZones,DC=contoso,DC=com"),
            ("DC=DomainDnsZones,DC=contoso,DC=com".to_owned(), Partition::DnsApplication)
        );
        assert_eq!(of("ldap://contoso.com/DC=ForestDnsZones,DC=contoso,DC=com").1, Partition::DnsApplication);
        assert_eq!(of("ldap://contoso.com/CN=Configuration,DC=contoso,DC=com").1, Partition::Configuration);
        assert_eq!(of("ldap://contoso.com/CN=Schema,CN=Configuration,DC=contoso,DC=com").1, Partition::Configuration);
        assert_eq!(
            of("ldap://emea.contoso.com/DC=emea,DC=contoso,DC=com??sub"),
            ("DC=emea,DC=contoso,DC=com".to_owned(), Partition::MayHoldObjects)
        );
        assert_eq!(
            of("ldap://emea.contoso.com:389/OU=Sales%20EMEA,DC=emea,DC=contoso,DC=com").0,
            "OU=Sales EMEA,DC=emea,DC=contoso,DC=com"
        );
        assert_eq!(of("not a url").1, Partition::MayHoldObjects);
        let child = Reference::new("ldaps://dc1", "ldap://emea.contoso.com/DC=emea,DC=contoso,DC=com");
        assert!(child.is_read_by(&["dc=EMEA, dc=contoso,dc=com".to_owned()]));
        // The parent domain's own base holds the DN by name, and yet its server did not read it.
        assert!(!child.is_read_by(&["DC=contoso,DC=com".to_owned(), "DC=apac,DC=contoso,DC=com".to_owned()]));
        assert!(!Reference::new("s", "ldap://x/").is_read_by(&["DC=x".to_owned()]));
    }
}
