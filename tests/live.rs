//! Live scans against real Samba AD domain controllers.

use std::sync::atomic::AtomicBool;

use syncready::rules::{Ruleset, needed_attributes, scan};
use syncready::source::NoProgress;
use syncready::source::ldap::{Bind, LdapOptions, Security, read_ldap};

use crate::samba::{ADMIN_PASSWORD, SambaDc};

fn options(dc: &SambaDc) -> LdapOptions {
    LdapOptions {
        urls: vec![dc.ldaps_url()],
        base: None,
        filter: None,
        bind: Bind::Simple { user: dc.admin(), password: ADMIN_PASSWORD.into() },
        security: Security::Default,
        ca_file: Some(dc.ca_file()),
        page_size: 1000,
        parallel: 4,
        attributes: needed_attributes(&Ruleset::multi_tenant()),
        range_step: None,
        global_catalog: false,
    }
}

#[test]
fn a_live_scan_of_the_demo_gives_the_offline_findings() {
    let dc = SambaDc::start("contoso.com", &[syncready::source::DEMO_LDIF]);
    let live = read_ldap(&options(&dc), &NoProgress, &AtomicBool::new(false), false).unwrap();
    let ruleset = Ruleset::multi_tenant();
    let key = |f: &syncready::rules::Finding| {
        (f.dn.clone(), f.attribute.clone(), f.error_text(), f.update.clone(), f.value.clone())
    };
    let mut online: Vec<_> = scan(&live.objects, &ruleset).findings.iter().map(key).collect();
    let offline_objects =
        syncready::source::ldif::parse_str(syncready::source::DEMO_LDIF.as_bytes(), std::path::Path::new("demo.ldif"))
            .unwrap();
    let mut offline: Vec<_> = scan(&offline_objects, &ruleset).findings.iter().map(key).collect();
    online.sort();
    offline.sort();
    let missing: Vec<_> = offline.iter().filter(|f| !online.contains(f)).collect();
    let extra: Vec<_> = online.iter().filter(|f| !offline.contains(f)).collect();
    assert!(missing.is_empty() && extra.is_empty(), "missing {missing:#?}\nextra {extra:#?}");
}
