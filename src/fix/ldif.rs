//! Changes as LDIF change records (`changetype: modify`), as `ldapmodify` and `ldifde -i`
//! take them: the dry run of an apply, byte for byte what would be sent.

use std::io::Write as _;

use super::plan::Change;
use crate::source::ldif_write::write_line;

/// One change as an LDIF modify record.
pub fn change_record(change: &Change) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_record(&mut out, change);
    String::from_utf8_lossy(&out).into_owned()
}

fn write_record(out: &mut Vec<u8>, change: &Change) -> std::io::Result<()> {
    write_line(out, "dn", change.dn.as_bytes(), false)?;
    out.write_all(b"changetype: modify\n")?;
    for edit in &change.edits {
        if let Some(before) = &edit.before {
            writeln!(out, "delete: {}", edit.attribute)?;
            write_line(out, &edit.attribute, before, edit.binary)?;
            out.write_all(b"-\n")?;
        }
        if let Some(after) = &edit.after {
            writeln!(out, "add: {}", edit.attribute)?;
            write_line(out, &edit.attribute, after, edit.binary)?;
            out.write_all(b"-\n")?;
        }
    }
    out.write_all(b"\n")
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
            decisions: vec![0],
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
