//! `DirObject`: one directory object, stored compactly (one byte buffer for all values, one
//! slot per attribute) so a million objects fit in memory, and `ObjectBuilder` that sources
//! use to assemble one.

use super::{AttrName, ObjectGuid};

/// One attribute value: text (UTF-8) or raw bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueRef<'a> {
    Text(&'a str),
    Binary(&'a [u8]),
}

impl<'a> ValueRef<'a> {
    pub fn as_text(self) -> Option<&'a str> {
        match self {
            ValueRef::Text(text) => Some(text),
            ValueRef::Binary(_) => None,
        }
    }

    pub fn as_bytes(self) -> &'a [u8] {
        match self {
            ValueRef::Text(text) => text.as_bytes(),
            ValueRef::Binary(bytes) => bytes,
        }
    }
}

const BINARY_FLAG: u32 = 1 << 31;

#[derive(Debug, Clone)]
struct AttrSlot {
    name: AttrName,
    /// Index of the first value in `value_ends`, and one past the last.
    first: u32,
    end: u32,
}

/// A directory object: its DN and its attributes, each with one or more values in the order
/// the source gave them. Attribute lookups are case-insensitive.
#[derive(Debug, Clone)]
pub struct DirObject {
    dn: Box<str>,
    data: Box<[u8]>,
    attrs: Box<[AttrSlot]>,
    /// End offset of each value in `data`, with `BINARY_FLAG` set for binary values.
    value_ends: Box<[u32]>,
}

impl DirObject {
    pub fn dn(&self) -> &str {
        &self.dn
    }

    /// Every attribute with its values.
    pub fn attributes(&self) -> impl Iterator<Item = (&AttrName, Values<'_>)> {
        self.attrs.iter().map(|slot| (&slot.name, self.slot_values(slot)))
    }

    /// The values of one attribute (none when the object lacks it).
    pub fn values(&self, name: &AttrName) -> Values<'_> {
        match self.attrs.iter().find(|slot| slot.name == *name) {
            Some(slot) => self.slot_values(slot),
            None => Values { object: self, next: 0, end: 0 },
        }
    }

    /// The text values of one attribute, skipping any binary ones.
    pub fn texts(&self, name: &AttrName) -> impl Iterator<Item = &str> {
        self.values(name).filter_map(|(_, v)| v.as_text())
    }

    /// The first text value of an attribute.
    pub fn first_text(&self, name: &AttrName) -> Option<&str> {
        self.texts(name).next()
    }

    pub fn has(&self, name: &AttrName) -> bool {
        self.attrs.iter().any(|slot| slot.name == *name)
    }

    /// The objectGUID, when the object carries a 16-byte one.
    pub fn guid(&self) -> Option<ObjectGuid> {
        let (_, value) = self.values(&AttrName::ObjectGuid).next()?;
        ObjectGuid::from_bytes(value.as_bytes())
    }

    /// Whether `objectClass` holds `class` (case-insensitive).
    pub fn has_class(&self, class: &str) -> bool {
        self.texts(&AttrName::ObjectClass).any(|c| c.eq_ignore_ascii_case(class))
    }

    /// The value with a given object-wide index (as handed out by `values`).
    pub fn value(&self, index: u32) -> ValueRef<'_> {
        let start = match index {
            0 => 0,
            i => (self.value_ends[i as usize - 1] & !BINARY_FLAG) as usize,
        };
        let raw_end = self.value_ends[index as usize];
        let bytes = &self.data[start..(raw_end & !BINARY_FLAG) as usize];
        if raw_end & BINARY_FLAG != 0 {
            ValueRef::Binary(bytes)
        } else {
            // SAFETY: a value without BINARY_FLAG is the bytes of a `&str` that
            // `ObjectBuilder::add_text` took, copied whole into `data`, which nothing changes
            // after `build`; so it is valid UTF-8. (Checking it again on every read was 6% of a
            // scan.)
            ValueRef::Text(unsafe { std::str::from_utf8_unchecked(bytes) })
        }
    }

    /// The attribute a value (by object-wide index) belongs to.
    pub fn attribute_of(&self, index: u32) -> &AttrName {
        let slot = self.attrs.iter().find(|slot| index < slot.end).expect("value index in range");
        &slot.name
    }

    fn slot_values(&self, slot: &AttrSlot) -> Values<'_> {
        Values { object: self, next: slot.first, end: slot.end }
    }
}

/// Iterator over the values of one attribute, each with its object-wide index.
pub struct Values<'a> {
    object: &'a DirObject,
    next: u32,
    end: u32,
}

impl<'a> Iterator for Values<'a> {
    type Item = (u32, ValueRef<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        (self.next < self.end).then(|| {
            self.next += 1;
            (self.next - 1, self.object.value(self.next - 1))
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.end - self.next) as usize;
        (left, Some(left))
    }
}

impl ExactSizeIterator for Values<'_> {}

/// Collects one object's values in source order, then packs them into a `DirObject`.
/// Reusable: `build` leaves it empty for the next object.
#[derive(Default)]
pub struct ObjectBuilder {
    dn: String,
    pending: Vec<(usize, u32, u32, bool)>,
    names: Vec<AttrName>,
    buf: Vec<u8>,
}

impl ObjectBuilder {
    pub fn set_dn(&mut self, dn: &str) {
        self.dn.clear();
        self.dn.push_str(dn);
    }

    pub fn add_text(&mut self, name: AttrName, value: &str) {
        self.push(name, value.as_bytes(), false);
    }

    pub fn add_binary(&mut self, name: AttrName, value: &[u8]) {
        self.push(name, value, true);
    }

    /// Whether nothing has been added since the last `build`.
    pub fn is_empty(&self) -> bool {
        self.dn.is_empty() && self.pending.is_empty()
    }

    fn push(&mut self, name: AttrName, value: &[u8], binary: bool) {
        let slot = match self.names.iter().position(|n| *n == name) {
            Some(slot) => slot,
            None => {
                self.names.push(name);
                self.names.len() - 1
            }
        };
        let start = self.buf.len() as u32;
        self.buf.extend_from_slice(value);
        self.pending.push((slot, start, self.buf.len() as u32, binary));
    }

    /// Packs the collected values, grouped by attribute in order of first appearance.
    pub fn build(&mut self) -> DirObject {
        self.pending.sort_by_key(|&(slot, ..)| slot); // stable: keeps value order
        let mut data = Vec::with_capacity(self.buf.len());
        let mut value_ends = Vec::with_capacity(self.pending.len());
        let mut attrs = Vec::with_capacity(self.names.len());
        let mut names = std::mem::take(&mut self.names).into_iter();
        let mut current = usize::MAX;
        for &(slot, start, end, binary) in &self.pending {
            if slot != current {
                current = slot;
                let first = value_ends.len() as u32;
                attrs.push(AttrSlot { name: names.next().expect("one name per slot"), first, end: first });
            }
            data.extend_from_slice(&self.buf[start as usize..end as usize]);
            let flag = if binary { BINARY_FLAG } else { 0 };
            value_ends.push(data.len() as u32 | flag);
            attrs.last_mut().expect("slot pushed above").end += 1;
        }
        let object = DirObject {
            dn: self.dn.as_str().into(),
            data: data.into_boxed_slice(),
            attrs: attrs.into_boxed_slice(),
            value_ends: value_ends.into_boxed_slice(),
        };
        self.dn.clear();
        self.pending.clear();
        self.buf.clear();
        object
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_group_by_attribute_and_keep_their_order() {
        let mut builder = ObjectBuilder::default();
        builder.set_dn("CN=a,DC=x");
        builder.add_text(AttrName::parse("proxyAddresses"), "SMTP:a@x.com");
        builder.add_text(AttrName::Mail, "a@x.com");
        builder.add_binary(AttrName::ObjectGuid, &[7; 16]);
        builder.add_text(AttrName::parse("PROXYADDRESSES"), "smtp:b@x.com");
        let object = builder.build();
        assert_eq!(object.dn(), "CN=a,DC=x");
        let proxies: Vec<_> = object.texts(&AttrName::ProxyAddresses).collect();
        assert_eq!(proxies, ["SMTP:a@x.com", "smtp:b@x.com"]);
        assert_eq!(object.first_text(&AttrName::Mail), Some("a@x.com"));
        assert_eq!(object.guid(), Some(ObjectGuid([7; 16])));
        assert!(!object.has(&AttrName::Sn));
        assert!(builder.is_empty());
    }
}
