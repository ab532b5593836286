//! Changes as LDIF change records (`changetype: modify`), as `ldapmodify` and `ldifde -i`
//! take them: the dry run of an apply, byte for byte what would be sent.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::plan::Change;

/// RFC 2849 SAFE-STRING, not ending in a space: written as is; anything else in base64.
fn line(name: &str, value: &[u8]) -> String {
    let safe = !matches!(value.first(), Some(b' ' | b':' | b'<'))
        && value.iter().all(|&b| (1..=127).contains(&b) && b != b'\n' && b != b'\r')
        && value.last() != Some(&b' ');
    if safe {
        format!("{name}: {}\n", String::from_utf8_lossy(value))
    } else {
        format!("{name}:: {}\n", STANDARD.encode(value))
    }
}

/// One change as an LDIF modify record.
pub fn change_record(change: &Change) -> String {
    let mut out = line("dn", change.dn.as_bytes());
    out.push_str("changetype: modify\n");
    for edit in &change.edits {
        if let Some(before) = &edit.before {
            out.push_str(&format!("delete: {}\n", edit.attribute));
            out.push_str(&line(&edit.attribute, before));
            out.push_str("-\n");
        }
        if let Some(after) = &edit.after {
            out.push_str(&format!("add: {}\n", edit.attribute));
            out.push_str(&line(&edit.attribute, after));
            out.push_str("-\n");
        }
    }
    out.push('\n');
    out
}

/// All changes as one LDIF document.
pub fn changes_ldif(changes: &[Change]) -> String {
    let mut out = String::from("version: 1\n\n");
    for change in changes {
        out.push_str(&change_record(change));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::plan::Edit;

    #[test]
    fn a_proxy_swap_is_one_record_with_delete_then_add() {
        let change = Change {
            dn: "CN=Zoë,OU=Staff,DC=contoso,DC=com".into(),
            guid: crate::model::ObjectGuid([7; 16]),
            edits: vec![
                Edit {
                    attribute: "proxyAddresses".into(),
                    binary: false,
                    before: Some(b"smtp:zo(e)@x.com".to_vec()),
                    after: Some(b"smtp:zoe@x.com".to_vec()),
                    requires_empty: false,
                },
                Edit {
                    attribute: "mS-DS-ConsistencyGuid".into(),
                    binary: true,
                    before: None,
                    after: Some(vec![0, 1, 2]),
                    requires_empty: true,
                },
                Edit {
                    attribute: "displayName".into(),
                    binary: false,
                    before: Some(b"Zoe ".to_vec()),
                    after: None,
                    requires_empty: false,
                },
            ],
            rows: vec![2],
        };
        assert_eq!(
            change_record(&change),
            "dn:: Q049Wm/DqyxPVT1TdGFmZixEQz1jb250b3NvLERDPWNvbQ==\nchangetype: modify\n\
             delete: proxyAddresses\nproxyAddresses: smtp:zo(e)@x.com\n-\nadd: proxyAddresses\nproxyAddresses: smtp:zoe@x.com\n-\n\
             add: mS-DS-ConsistencyGuid\nmS-DS-ConsistencyGuid:: AAEC\n-\n\
             delete: displayName\ndisplayName:: Wm9lIA==\n-\n\n"
        );
    }
}
