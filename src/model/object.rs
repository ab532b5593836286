//! `DirObject`: one directory object, stored compactly (one byte buffer for its DN and values,
//! one list of numbers for where each attribute and value ends) so millions of objects fit in
//! memory, and `ObjectBuilder` that sources use to assemble one.

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

/// Marks an attribute code that is a position in `DirObject::others` rather than in
/// `AttrName::KNOWN`.
const OTHER: u32 = 1 << 31;

/// A directory object: its DN and its attributes, each with one or more values in the order
/// the source gave them. Attribute lookups are case-insensitive.
///
/// Stored in two allocations (three with attributes the rules do not know), because a million
/// of them must fit in memory: 8 bytes per attribute and 4 per value besides the texts.
#[derive(Clone)]
pub struct DirObject {
    /// The DN's bytes, then every value's.
    data: Box<[u8]>,
    /// `[code, end]` for each attribute (its name's code, and one past the object-wide index
    /// of its last value), then the end offset of each value in `data`, with `BINARY_FLAG`
    /// set for binary values.
    layout: Box<[u32]>,
    dn_end: u32,
    attr_count: u32,
    /// The names of the attributes the rules do not know, in order of first appearance.
    others: Box<[AttrName]>,
}

impl DirObject {
    pub fn dn(&self) -> &str {
        // SAFETY: `data` starts with the bytes of the `&str` that `ObjectBuilder::set_dn`
        // took, copied whole, and nothing changes `data` after `build`.
        unsafe { std::str::from_utf8_unchecked(&self.data[..self.dn_end as usize]) }
    }

    /// Every attribute with its values.
    pub fn attributes(&self) -> impl Iterator<Item = (&AttrName, Values<'_>)> {
        (0..self.attr_count as usize).map(|slot| (self.name_at(slot), self.slot_values(slot)))
    }

    /// The values of one attribute (none when the object lacks it).
    pub fn values(&self, name: &AttrName) -> Values<'_> {
        match self.slot_of(name) {
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
        self.slot_of(name).is_some()
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
        let ends = self.value_ends();
        let start = match index {
            0 => self.dn_end as usize,
            i => (ends[i as usize - 1] & !BINARY_FLAG) as usize,
        };
        let raw_end = ends[index as usize];
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
        let slot = self.slots().iter().position(|&[_, end]| index < end).expect("value index in range");
        self.name_at(slot)
    }

    /// The bytes this object takes in memory: itself and what it points to (the allocator's
    /// own overhead aside).
    pub fn memory_size(&self) -> usize {
        std::mem::size_of::<DirObject>()
            + self.data.len()
            + std::mem::size_of_val(&*self.layout)
            + self.others.iter().map(|name| std::mem::size_of::<AttrName>() + name.as_str().len()).sum::<usize>()
    }

    /// `[code, end]` of each attribute.
    fn slots(&self) -> &[[u32; 2]] {
        self.layout[..2 * self.attr_count as usize].as_chunks().0
    }

    fn value_ends(&self) -> &[u32] {
        &self.layout[2 * self.attr_count as usize..]
    }

    fn slot_of(&self, name: &AttrName) -> Option<usize> {
        let slots = self.slots();
        match name.known_code() {
            Some(code) => slots.iter().position(|&[c, _]| c == code),
            None => slots.iter().position(|&[c, _]| c & OTHER != 0 && self.others[(c & !OTHER) as usize] == *name),
        }
    }

    fn name_at(&self, slot: usize) -> &AttrName {
        let code = self.slots()[slot][0];
        match code & OTHER {
            0 => &AttrName::KNOWN[code as usize],
            _ => &self.others[(code & !OTHER) as usize],
        }
    }

    fn slot_values(&self, slot: usize) -> Values<'_> {
        let first = slot.checked_sub(1).map_or(0, |before| self.slots()[before][1]);
        Values { object: self, next: first, end: self.slots()[slot][1] }
    }
}

/// The DN and each attribute with its values, as text where they are text.
impl std::fmt::Debug for DirObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let attributes: Vec<(&str, Vec<ValueRef>)> =
            self.attributes().map(|(name, values)| (name.as_str(), values.map(|(_, v)| v).collect())).collect();
        f.debug_struct("DirObject").field("dn", &self.dn()).field("attributes", &attributes).finish()
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
        if !self.pending.is_sorted_by_key(|&(slot, ..)| slot) {
            // An attribute's values came apart: gather them (exporters write them together).
            self.pending.sort_by_key(|&(slot, ..)| slot); // stable: keeps value order
            let mut gathered = Vec::with_capacity(self.buf.len());
            for (_, start, end, _) in &mut self.pending {
                let from = gathered.len() as u32;
                gathered.extend_from_slice(&self.buf[*start as usize..*end as usize]);
                (*start, *end) = (from, gathered.len() as u32);
            }
            self.buf = gathered;
        }
        let (dn_end, attr_count) = (self.dn.len() as u32, self.names.len() as u32);
        let mut data = Vec::with_capacity(self.dn.len() + self.buf.len());
        data.extend_from_slice(self.dn.as_bytes());
        data.extend_from_slice(&self.buf);
        let mut layout = Vec::with_capacity(2 * self.names.len() + self.pending.len());
        layout.resize(2 * self.names.len(), 0);
        let mut others = Vec::new();
        for (slot, name) in self.names.drain(..).enumerate() {
            layout[2 * slot] = name.known_code().unwrap_or_else(|| {
                others.push(name);
                OTHER | (others.len() as u32 - 1)
            });
        }
        for (count, &(slot, _, end, binary)) in self.pending.iter().enumerate() {
            let flag = if binary { BINARY_FLAG } else { 0 };
            layout.push((dn_end + end) | flag);
            layout[2 * slot + 1] = count as u32 + 1;
        }
        let object = DirObject {
            dn_end,
            attr_count,
            data: data.into_boxed_slice(),
            layout: layout.into_boxed_slice(),
            others: others.into_boxed_slice(),
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

    #[test]
    fn unknown_names_keep_their_spelling_and_find_their_values() {
        let mut builder = ObjectBuilder::default();
        builder.set_dn("CN=b,DC=x");
        builder.add_text(AttrName::parse("extensionAttribute1"), "one");
        builder.add_text(AttrName::Cn, "b");
        builder.add_text(AttrName::parse("Description"), "first");
        builder.add_text(AttrName::parse("EXTENSIONATTRIBUTE1"), "two");
        let object = builder.build();
        let names: Vec<(&str, usize)> =
            object.attributes().map(|(name, values)| (name.as_str(), values.len())).collect();
        assert_eq!(names, [("extensionAttribute1", 2), ("cn", 1), ("Description", 1)]);
        let described: Vec<(u32, &str)> =
            object.values(&AttrName::parse("description")).map(|(i, v)| (i, v.as_text().unwrap())).collect();
        assert_eq!(described, [(3, "first")]);
        assert_eq!(object.attribute_of(1).as_str(), "extensionAttribute1");
        assert_eq!(object.attribute_of(2), &AttrName::Cn);
        assert_eq!(object.value(0), ValueRef::Text("one"));
        assert_eq!(object.dn(), "CN=b,DC=x");
        assert!(!object.has(&AttrName::parse("extensionAttribute2")));
    }
}
