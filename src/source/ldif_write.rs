//! LDIF as ldifde writes it (RFC 2849): `name: value` for a SAFE-STRING without a trailing
//! space, `name:: base64` for anything else and for every binary value, lines folded at 76
//! columns. The one writer for the generator, the dry run of an apply and a saved snapshot
//! (`scan --save`), each of which the LDIF reader (or `ldapmodify`) reads back.

use std::io::{self, Write};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::model::{DirObject, ValueRef};

/// Whether RFC 2849 lets the value go out as is (SAFE-STRING, and no trailing space).
fn is_safe(value: &[u8]) -> bool {
    let safe_start = !matches!(value.first(), Some(b' ' | b':' | b'<'));
    let safe_bytes = value.iter().all(|&b| (1..=127).contains(&b) && b != b'\n' && b != b'\r');
    safe_start && safe_bytes && value.last() != Some(&b' ')
}

/// Writes one `name: value` line (base64 when `binary` or not safe), folded at 76 columns.
pub fn write_line(out: &mut impl Write, name: &str, value: &[u8], binary: bool) -> io::Result<()> {
    let mut line = Vec::with_capacity(name.len() + value.len() + 4);
    line.extend_from_slice(name.as_bytes());
    if !binary && is_safe(value) {
        line.extend_from_slice(b": ");
        line.extend_from_slice(value);
    } else {
        line.extend_from_slice(b":: ");
        line.extend_from_slice(STANDARD.encode(value).as_bytes());
    }
    let mut chunks = line.chunks(76);
    out.write_all(chunks.next().unwrap_or_default())?;
    for chunk in chunks {
        out.write_all(b"\n ")?;
        out.write_all(chunk)?;
    }
    out.write_all(b"\n")
}

/// Writes one object as a content record: its DN, then every value of every attribute.
pub fn write_object(out: &mut impl Write, object: &DirObject) -> io::Result<()> {
    write_line(out, "dn", object.dn().as_bytes(), false)?;
    for (name, values) in object.attributes() {
        for (_, value) in values {
            match value {
                ValueRef::Text(text) => write_line(out, name.as_str(), text.as_bytes(), false)?,
                ValueRef::Binary(bytes) => write_line(out, name.as_str(), bytes, true)?,
            }
        }
    }
    out.write_all(b"\n")
}

/// Writes a snapshot's objects as one LDIF file the LDIF reader reads back to the same objects.
pub fn write_objects(out: &mut impl Write, objects: &[DirObject]) -> io::Result<()> {
    out.write_all(b"version: 1\n\n")?;
    for object in objects {
        write_object(out, object)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AttrName, ObjectBuilder};

    #[test]
    fn an_object_reads_back_as_it_was_written() {
        let mut builder = ObjectBuilder::default();
        builder.set_dn("CN=Zoë Ray,OU=Staff,DC=contoso,DC=com");
        builder.add_text(AttrName::ObjectClass, "user");
        builder.add_text(AttrName::DisplayName, "Zoë Ray ");
        builder.add_text(AttrName::parse("description"), &"long ".repeat(30));
        builder.add_binary(AttrName::ObjectGuid, &[b'a'; 16]);
        let object = builder.build();
        let mut ldif = Vec::new();
        write_objects(&mut ldif, std::slice::from_ref(&object)).unwrap();
        let text = String::from_utf8(ldif.clone()).unwrap();
        assert!(text.contains("\nobjectGUID:: YWFhYWFhYWFhYWFhYWFhYQ==\n"), "binary is base64 even when printable");
        assert!(text.contains("\n ") && text.lines().all(|l| l.len() <= 77), "folded: {text}");
        let read = crate::source::ldif::parse_str(&ldif, std::path::Path::new("saved.ldif")).unwrap();
        assert_eq!(read.len(), 1);
        let back: Vec<(String, Vec<Vec<u8>>)> = read[0]
            .attributes()
            .map(|(n, v)| (n.as_str().to_owned(), v.map(|(_, v)| v.as_bytes().to_vec()).collect()))
            .collect();
        let original: Vec<(String, Vec<Vec<u8>>)> = object
            .attributes()
            .map(|(n, v)| (n.as_str().to_owned(), v.map(|(_, v)| v.as_bytes().to_vec()).collect()))
            .collect();
        assert_eq!((read[0].dn(), back), (object.dn(), original));
    }
}
