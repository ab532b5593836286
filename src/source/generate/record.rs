//! One generated object before it is written: its DN, classes and attributes, with the small
//! edits defects make, and its LDIF rendering (through the one LDIF writer).

use std::io::{self, Write};

use crate::source::ldif_write::write_line;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    User,
    Contact,
    Group,
}

#[derive(Debug, Clone)]
pub enum Val {
    Text(String),
    Binary(Vec<u8>),
}

#[derive(Debug, Clone)]
pub struct Record {
    pub dn: String,
    pub attrs: Vec<(&'static str, Val)>,
}

impl Record {
    pub fn new(dn: String, classes: &[&str]) -> Record {
        let attrs = classes.iter().map(|c| ("objectClass", Val::Text((*c).to_owned()))).collect();
        Record { dn, attrs }
    }

    pub fn text(&mut self, name: &'static str, value: impl Into<String>) {
        self.attrs.push((name, Val::Text(value.into())));
    }

    pub fn binary(&mut self, name: &'static str, value: Vec<u8>) {
        self.attrs.push((name, Val::Binary(value)));
    }

    /// The first binary value of `name`.
    pub fn bytes(&self, name: &str) -> Option<&[u8]> {
        self.attrs.iter().find_map(|(n, v)| match v {
            Val::Binary(bytes) if *n == name => Some(bytes.as_slice()),
            _ => None,
        })
    }

    /// Replaces every value of `name` with one binary value.
    pub fn set_binary(&mut self, name: &'static str, value: Vec<u8>) {
        self.remove(name);
        self.binary(name, value);
    }

    /// Replaces every value of `name` with one text value.
    pub fn set(&mut self, name: &'static str, value: impl Into<String>) {
        self.remove(name);
        self.text(name, value);
    }

    pub fn remove(&mut self, name: &'static str) {
        self.attrs.retain(|(n, _)| *n != name);
    }

    pub fn get(&self, name: &'static str) -> Option<&str> {
        self.texts(name).next()
    }

    pub fn texts(&self, name: &'static str) -> impl Iterator<Item = &str> {
        self.attrs.iter().filter(move |(n, _)| *n == name).filter_map(|(_, v)| match v {
            Val::Text(t) => Some(t.as_str()),
            Val::Binary(_) => None,
        })
    }

    /// The (attribute, value) pairs that hold `address` in the UPN/mail/SMTP namespace.
    pub fn address_holders(&self, address: &str) -> Vec<(&'static str, String)> {
        let wanted = address.to_lowercase();
        let mut found = Vec::new();
        for (name, value) in &self.attrs {
            let Val::Text(text) = value else { continue };
            let compared = match *name {
                "mail" | "userPrincipalName" => text.as_str(),
                "proxyAddresses" if text.to_ascii_lowercase().starts_with("smtp:") => &text[5..],
                _ => continue,
            };
            if compared.to_lowercase() == wanted {
                found.push((*name, text.clone()));
            }
        }
        found
    }

    pub fn write_ldif(&self, out: &mut impl Write) -> io::Result<()> {
        write_line(out, "dn", self.dn.as_bytes(), false)?;
        for (name, value) in &self.attrs {
            match value {
                Val::Text(text) => write_line(out, name, text.as_bytes(), false)?,
                Val::Binary(bytes) => write_line(out, name, bytes, true)?,
            }
        }
        out.write_all(b"\n")
    }
}

/// Escapes an RDN value (RFC 4514).
pub fn escape_rdn(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (i, c) in value.chars().enumerate() {
        if matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=') || (i == 0 && matches!(c, '#' | ' ')) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
