//! Streaming LDIF reader (RFC 2849, as `ldifde -f` writes it): `dn:` and `::` base64 values,
//! folded lines, comments, `version:`, `changetype: add`, CRLF or LF, a UTF-8 BOM. Only one
//! record is held at a time; any malformation is an error naming the file and line. A file is
//! read on every core by [`read_file`]: cut into parts where records end, parsed side by side,
//! with the same objects, in the same order, and the same first error.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::{ObjectReader, SourceError, fused_next};
use crate::model::{AttrName, DirObject, ObjectBuilder};

/// Reads `DirObject`s from LDIF content records in a byte buffer, where they lie: a line is
/// copied only when it is folded.
pub struct LdifReader<'a> {
    input: &'a [u8],
    path: PathBuf,
    /// Physical line read ahead of the current logical line, with its number.
    ahead: &'a [u8],
    ahead_line: u64,
    ahead_valid: bool,
    lines_read: u64,
    bytes_read: u64,
    /// The current logical line: one physical line of `input`, or `folded`.
    logical: Logical<'a>,
    /// A logical line made of a line and its continuations.
    folded: Vec<u8>,
    builder: ObjectBuilder,
    names: NameCache,
    /// Where base64 values are decoded (one buffer for the whole file).
    decoded: Vec<u8>,
    records: u64,
    failed: bool,
    /// Whether the last physical line read ended with a line break.
    last_line_ended: bool,
    /// Whether the input is the start of the file (where a byte-order mark and `version:` may be).
    at_file_start: bool,
}

/// Where the current logical line is.
#[derive(Clone, Copy)]
enum Logical<'a> {
    Line(&'a [u8]),
    Folded,
}

impl<'a> LdifReader<'a> {
    pub fn new(input: &'a [u8], path: &Path) -> LdifReader<'a> {
        LdifReader {
            input,
            path: path.to_owned(),
            ahead: &[],
            ahead_line: 0,
            ahead_valid: false,
            lines_read: 0,
            bytes_read: 0,
            logical: Logical::Line(&[]),
            folded: Vec::new(),
            builder: ObjectBuilder::default(),
            names: NameCache::default(),
            decoded: Vec::new(),
            records: 0,
            failed: false,
            last_line_ended: true,
            at_file_start: true,
        }
    }

    /// A reader of a part of a file that starts where a record ended (after a blank line);
    /// its line numbers count from the part's first line.
    fn continuing(input: &'a [u8], path: &Path) -> LdifReader<'a> {
        LdifReader { records: 1, at_file_start: false, ..LdifReader::new(input, path) }
    }

    fn error(&self, line: u64, message: impl Into<String>) -> SourceError {
        SourceError::Syntax { path: self.path.clone(), line, message: message.into() }
    }

    /// Reads the next physical line into `ahead`, without its line ending.
    fn read_physical(&mut self) -> Result<bool, SourceError> {
        if self.input.is_empty() {
            self.ahead = &[];
            return Ok(false);
        }
        let n = memchr::memchr(b'\n', self.input).map_or(self.input.len(), |at| at + 1);
        let mut line;
        (line, self.input) = self.input.split_at(n);
        self.bytes_read += n as u64;
        self.lines_read += 1;
        if self.lines_read == 1 && self.at_file_start {
            if let Some(rest) = line.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
                line = rest;
            } else if line.starts_with(&[0xFF, 0xFE]) || line.starts_with(&[0xFE, 0xFF]) {
                return Err(self.error(
                    1,
                    "the file is UTF-16 (ldifde -u writes that); convert it first: \
                     iconv -f UTF-16 -t UTF-8 IN > OUT",
                ));
            }
        }
        self.last_line_ended = line.last() == Some(&b'\n');
        if let Some(ended) = line.strip_suffix(b"\n") {
            line = ended.strip_suffix(b"\r").unwrap_or(ended);
        }
        self.ahead = line;
        self.ahead_line = self.lines_read;
        Ok(true)
    }

    /// Assembles the next logical line (a line plus its folded continuations) into `logical`
    /// and returns its first line number, or `None` at the end of the input.
    fn next_logical(&mut self) -> Result<Option<u64>, SourceError> {
        if !self.ahead_valid && !self.read_physical()? {
            return Ok(None);
        }
        let first = self.ahead;
        self.logical = Logical::Line(first);
        let start = self.ahead_line;
        if first.first() == Some(&b' ') {
            return Err(self.error(start, "line starts with a space but there is no line before it to continue"));
        }
        loop {
            if !self.read_physical()? {
                self.ahead_valid = false;
                break;
            }
            // A blank line ends a record: nothing folds onto it.
            if self.ahead.first() == Some(&b' ') && !first.is_empty() {
                if let Logical::Line(line) = self.logical {
                    self.folded.clear();
                    self.folded.extend_from_slice(line);
                    self.logical = Logical::Folded;
                }
                self.folded.extend_from_slice(&self.ahead[1..]);
            } else {
                self.ahead_valid = true;
                break;
            }
        }
        Ok(Some(start))
    }

    fn read_record(&mut self) -> Result<Option<DirObject>, SourceError> {
        let mut in_record = false;
        loop {
            let Some(line) = self.next_logical()? else {
                if in_record && !self.last_line_ended {
                    // Every exporter ends its lines; a last line without one was cut short.
                    return Err(self.error(
                        self.lines_read,
                        "the file ends in the middle of this line: it was cut off (copy or export it again)",
                    ));
                }
                if in_record {
                    return Ok(Some(self.finish_record()));
                }
                if self.records == 0 {
                    return Err(SourceError::Content {
                        path: self.path.clone(),
                        message: "no directory objects in this file (is it empty?)".into(),
                    });
                }
                return Ok(None);
            };
            let text = match self.logical {
                Logical::Line(text) => text,
                Logical::Folded => &self.folded,
            };
            if text.is_empty() {
                if in_record {
                    return Ok(Some(self.finish_record()));
                }
                continue;
            }
            if text[0] == b'#' {
                continue;
            }
            let parsed = Line::parse(text).map_err(|message| self.error(line, message))?;
            let values = Values { path: &self.path, logical: text, line };
            let name = values.name(&parsed);
            if !in_record {
                if name.eq_ignore_ascii_case("version") && self.records == 0 {
                    continue;
                }
                if !name.eq_ignore_ascii_case("dn") {
                    return Err(self.error(line, format!("record starts with '{name}:' instead of 'dn:'")));
                }
                let dn = values.text(name, parsed.value)?;
                if dn.trim().is_empty() {
                    return Err(self.error(line, "empty dn"));
                }
                self.builder.set_dn(&dn);
                in_record = true;
                continue;
            }
            values.add_to(&mut self.builder, &mut self.names, &mut self.decoded, name, parsed.value)?;
        }
    }

    fn finish_record(&mut self) -> DirObject {
        self.records += 1;
        self.builder.build()
    }
}

/// One logical line, split: where the attribute name ends and where the value lies.
struct Line {
    name_end: usize,
    value: RawValue,
}

impl Line {
    /// Splits `name[;options]:[:] value`.
    fn parse(text: &[u8]) -> Result<Line, String> {
        let Some(colon) = text.iter().position(|&b| b == b':') else {
            return Err("expected 'attribute: value' (no ':' on this line)".into());
        };
        let name = &text[..colon];
        let valid_name = !name.is_empty()
            && name.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b';' | b'=' | b'.'));
        if !valid_name {
            return Err(format!("'{}' is not an attribute name", String::from_utf8_lossy(name)));
        }
        let skip_fill = |from: usize| from + text[from..].iter().take_while(|&&b| b == b' ').count();
        let value = match text.get(colon + 1) {
            Some(b':') => RawValue::Base64(skip_fill(colon + 2)..text.len()),
            Some(b'<') => {
                return Err(format!("URL values ('{}:<') are not supported", String::from_utf8_lossy(name)));
            }
            _ => RawValue::Plain(skip_fill(colon + 1)..text.len()),
        };
        Ok(Line { name_end: colon, value })
    }
}

/// The values of one logical line, read where they lie (no copy of a plain value), with what
/// an error names.
struct Values<'a> {
    path: &'a Path,
    logical: &'a [u8],
    line: u64,
}

impl<'a> Values<'a> {
    fn error(&self, message: impl Into<String>) -> SourceError {
        SourceError::Syntax { path: self.path.to_owned(), line: self.line, message: message.into() }
    }

    /// The attribute name (checked to be ASCII by `Line::parse`).
    fn name(&self, line: &Line) -> &'a str {
        std::str::from_utf8(&self.logical[..line.name_end]).unwrap_or_default()
    }

    /// Adds the line's value to the object; `names` are the names the file has used, and
    /// `decoded` is where base64 values are decoded.
    fn add_to(
        &self,
        builder: &mut ObjectBuilder,
        names: &mut NameCache,
        decoded: &mut Vec<u8>,
        name: &str,
        value: RawValue,
    ) -> Result<(), SourceError> {
        if name.eq_ignore_ascii_case("dn") {
            return Err(self.error("a second 'dn:' in one record (is a blank line missing?)"));
        }
        if name.eq_ignore_ascii_case("changetype") {
            let kind = self.text(name, value)?;
            if kind.trim().eq_ignore_ascii_case("add") {
                return Ok(());
            }
            return Err(self.error(format!("'changetype: {kind}' is a change record, not a directory export")));
        }
        let (base, options) = name.split_once(';').unwrap_or((name, ""));
        let attr = names.get(base);
        let binary = attr.is_binary() || options.split(';').any(|o| o.eq_ignore_ascii_case("binary"));
        match value {
            RawValue::Plain(range) if binary => builder.add_binary(attr, &self.logical[range]),
            RawValue::Plain(range) => builder.add_text(attr, self.plain(name, range)?),
            RawValue::Base64(range) => {
                self.decode_into(name, range, decoded)?;
                if binary {
                    builder.add_binary(attr, decoded);
                    return Ok(());
                }
                match std::str::from_utf8(decoded) {
                    Ok(text) => builder.add_text(attr, text),
                    Err(_) if !attr.is_known() => builder.add_binary(attr, decoded),
                    Err(_) => return Err(self.error(format!("value of {name} is not valid UTF-8 text"))),
                }
            }
        }
        Ok(())
    }

    fn plain(&self, name: &str, range: std::ops::Range<usize>) -> Result<&'a str, SourceError> {
        std::str::from_utf8(&self.logical[range]).map_err(|_| self.error(format!("value of {name} is not valid UTF-8")))
    }

    /// Decodes a base64 value into `decoded`, replacing what it held.
    fn decode_into(&self, name: &str, range: std::ops::Range<usize>, decoded: &mut Vec<u8>) -> Result<(), SourceError> {
        decoded.clear();
        let trimmed = self.logical[range].trim_ascii_end();
        STANDARD
            .decode_vec(trimmed, decoded)
            .map_err(|e| self.error(format!("value of {name} is not valid base64 ({e})")))
    }

    fn text(&self, name: &str, value: RawValue) -> Result<Cow<'a, str>, SourceError> {
        match value {
            RawValue::Plain(range) => Ok(Cow::Borrowed(self.plain(name, range)?)),
            RawValue::Base64(range) => {
                let mut decoded = Vec::new();
                self.decode_into(name, range, &mut decoded)?;
                String::from_utf8(decoded)
                    .map(Cow::Owned)
                    .map_err(|_| self.error(format!("value of {name} is not valid UTF-8 text")))
            }
        }
    }
}

/// The attribute names a file has used, as spelled there: each line's name is looked up
/// among them (a few dozen at most), not parsed and, for names the rules do not know, copied
/// again.
#[derive(Default)]
struct NameCache {
    seen: Vec<(Box<str>, AttrName)>,
}

/// More names than any schema's export uses in practice; past it, names are parsed each time.
const MAX_CACHED_NAMES: usize = 256;

impl NameCache {
    fn get(&mut self, spelled: &str) -> AttrName {
        if let Some((_, name)) = self.seen.iter().find(|(seen, _)| **seen == *spelled) {
            return name.clone();
        }
        let name = AttrName::parse(spelled);
        if self.seen.len() < MAX_CACHED_NAMES {
            self.seen.push((spelled.into(), name.clone()));
        }
        name
    }
}

/// Where a value lies in the logical line, and how it is encoded.
enum RawValue {
    Plain(std::ops::Range<usize>),
    Base64(std::ops::Range<usize>),
}

impl Iterator for LdifReader<'_> {
    type Item = Result<DirObject, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut failed = self.failed;
        let result = fused_next(&mut failed, || self.read_record());
        self.failed = failed;
        result
    }
}

impl ObjectReader for LdifReader<'_> {
    fn bytes_read(&self) -> u64 {
        self.bytes_read
    }
}

/// How large a part of a file [`read_file`] parses on one core, before it is extended to the
/// end of its last record.
const PART: usize = 8 << 20;

/// What a part of a file gave: its objects, and its lines and bytes.
struct Part {
    objects: Vec<DirObject>,
    lines: u64,
    bytes: u64,
}

fn parse_part(bytes: &[u8], path: &Path, first: bool) -> Result<Part, SourceError> {
    let mut reader = if first { LdifReader::new(bytes, path) } else { LdifReader::continuing(bytes, path) };
    let objects = reader.by_ref().collect::<Result<Vec<_>, _>>()?;
    Ok(Part { objects, lines: reader.lines_read, bytes: reader.bytes_read })
}

/// An error of a part, with the file's line number (the part began after `lines_before`).
fn in_file(error: SourceError, lines_before: u64) -> SourceError {
    match error {
        SourceError::Syntax { path, line, message } => SourceError::Syntax { path, line: line + lines_before, message },
        other => other,
    }
}

/// Where the last blank line in `pending` that ends at or after `least` ends (a blank line
/// ends a record, and nothing folds onto it), if there is one.
fn last_part_end(pending: &[u8], least: usize) -> Option<usize> {
    memchr::memrchr_iter(b'\n', pending)
        .map(|newline| (newline, newline + 1))
        .take_while(|&(_, end)| end >= least)
        .find(|&(newline, _)| pending[..newline].ends_with(b"\n") || pending[..newline].ends_with(b"\n\r"))
        .map(|(_, end)| end)
}

/// Where the first line that starts a record (`dn:`, any case) ends, if `pending` holds one.
fn first_record(pending: &[u8]) -> Option<usize> {
    let starts =
        std::iter::once(0).chain(pending.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(at, _)| at + 1));
    let is_dn = |at: usize| pending.get(at..at + 3).is_some_and(|t| t.eq_ignore_ascii_case(b"dn:"));
    let at = starts
        .into_iter()
        .find(|&at| is_dn(at) || (at == 0 && pending.starts_with(&[0xEF, 0xBB, 0xBF]) && is_dn(3)))?;
    Some(at + pending[at..].iter().position(|&b| b == b'\n').map_or(pending.len() - at, |n| n + 1))
}

/// Reads an LDIF file on every core: cut into parts of about 8 MB where records end, a few
/// parsed side by side while the next few are read. The objects come in file order, and the
/// error is the first in the file, with its line, as the streaming reader gives them.
/// `advanced` hears the objects and bytes read so far after each batch of parts, and can stop
/// the read. With the file's `size`, the list of objects is sized once, from the first batch's
/// objects per byte (grown by doubling, it would hold the old and the new list at once: 1.4 GB
/// for ten million objects).
pub fn read_file(
    input: impl std::io::Read + Send,
    size: Option<u64>,
    path: &Path,
    advanced: impl FnMut(u64, u64) -> Result<(), SourceError>,
) -> Result<(Vec<DirObject>, u64), SourceError> {
    read_in_parts(input, size, path, PART, advanced)
}

fn read_in_parts(
    input: impl std::io::Read + Send,
    size: Option<u64>,
    path: &Path,
    part_size: usize,
    mut advanced: impl FnMut(u64, u64) -> Result<(), SourceError>,
) -> Result<(Vec<DirObject>, u64), SourceError> {
    use rayon::prelude::*;
    let io = |error| SourceError::Io { path: path.to_owned(), error };
    let batch = rayon::current_num_threads().max(1) * 2;
    let mut cutter = PartCutter { input, pending: Vec::new(), ended: false, first: true, part_size };
    let mut objects = Vec::new();
    let (mut lines, mut bytes) = (0u64, 0u64);
    let mut parts = cutter.batch(batch).map_err(io)?;
    let mut first = true;
    while !parts.is_empty() {
        let parse = || -> Vec<Result<Part, SourceError>> {
            parts.par_iter().enumerate().map(|(i, part)| parse_part(part, path, first && i == 0)).collect()
        };
        let (results, next) = rayon::join(parse, || cutter.batch(batch));
        for result in results {
            let part = result.map_err(|e| in_file(e, lines))?;
            objects.extend(part.objects);
            lines += part.lines;
            bytes += part.bytes;
        }
        if let Some(size) = size.filter(|_| first && bytes > 0) {
            // A twentieth more than the first batch's rate gives, for the records to come.
            let expected = (objects.len() as u128 * u128::from(size) / u128::from(bytes)) * 21 / 20;
            objects.reserve_exact((expected as usize).saturating_sub(objects.len()));
        }
        first = false;
        advanced(objects.len() as u64, bytes)?;
        parts = next.map_err(io)?;
    }
    if objects.is_empty() {
        // The streaming reader's own words for a file without records.
        parse_part(&[], path, true)?;
    }
    Ok((objects, bytes))
}

/// Cuts a file into parts that end where records end, reading each part's bytes once.
struct PartCutter<R> {
    input: R,
    /// What was read and is not in a part yet: the start of a record, or the file's start.
    pending: Vec<u8>,
    ended: bool,
    /// Whether the next part is the first: it holds the first record, so that only the end of
    /// the file can find none, and `version:` is allowed only before it.
    first: bool,
    part_size: usize,
}

impl<R: std::io::Read> PartCutter<R> {
    /// Up to `count` parts (none at the end of the file).
    fn batch(&mut self, count: usize) -> std::io::Result<Vec<Vec<u8>>> {
        let mut parts = Vec::with_capacity(count);
        while parts.len() < count
            && let Some(part) = self.next_part()?
        {
            parts.push(part);
        }
        Ok(parts)
    }

    /// The next part: at least `part_size` bytes (unless the file ends first), to the last
    /// blank line read.
    fn next_part(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        use std::io::Read as _;
        loop {
            if self.pending.len() >= self.part_size || self.ended {
                let least = if self.first { first_record(&self.pending) } else { Some(1) };
                if let Some(end) = least.and_then(|least| last_part_end(&self.pending, least)) {
                    let rest = self.pending[end..].to_vec();
                    let mut part = std::mem::replace(&mut self.pending, rest);
                    part.truncate(end);
                    self.first = false;
                    return Ok(Some(part));
                }
                if self.ended {
                    self.first = false;
                    return Ok(Some(std::mem::take(&mut self.pending)).filter(|part| !part.is_empty()));
                }
            }
            self.pending.reserve_exact(self.part_size);
            let read = (&mut self.input).take(self.part_size as u64).read_to_end(&mut self.pending)?;
            self.ended = read == 0;
        }
    }
}

/// Parses a whole LDIF text (tests, fuzzing, small inputs).
pub fn parse_str(text: &[u8], path: &Path) -> Result<Vec<DirObject>, SourceError> {
    LdifReader::new(text, path).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ValueRef;

    fn parse(text: &str) -> Result<Vec<DirObject>, SourceError> {
        parse_str(text.as_bytes(), Path::new("t.ldif"))
    }

    fn error_of(text: &[u8]) -> String {
        parse_str(text, Path::new("t.ldif")).unwrap_err().to_string()
    }

    /// Reads `text` in parts of `part` bytes, as `read_file` reads a file in 8 MB parts.
    /// The objects as text (every DN, attribute and value, in order).
    fn in_parts(text: &str, part: usize) -> Result<String, SourceError> {
        read_in_parts(text.as_bytes(), Some(text.len() as u64), Path::new("t.ldif"), part, |_, _| Ok(()))
            .map(|(objects, _)| format!("{objects:?}"))
    }

    #[test]
    fn a_file_read_in_parts_gives_the_same_objects_and_the_same_first_error() {
        let mut text = String::from("\u{feff}version: 1\r\n\r\n");
        for i in 0..300 {
            let folded = if i % 7 == 0 { "description: a long\r\n  folded value\r\n" } else { "" };
            text.push_str(&format!(
                "# record {i}\r\ndn: CN=User {i},DC=x\r\nobjectClass: user\r\n{folded}cn:: {}\r\n\r\n",
                STANDARD.encode(format!("User {i} é"))
            ));
        }
        let whole = format!("{:?}", parse(&text).unwrap());
        assert_eq!(whole.matches("CN=User 299,DC=x").count(), 1);
        for part in [1, 40, 333, 4096, 1 << 20] {
            assert_eq!(in_parts(&text, part).unwrap(), whole, "parts of {part} bytes");
        }
        // Two errors in different parts: the first, with the file's line number, as the streaming reader says.
        let broken = text.replacen("dn: CN=User 120,", "dn CN=User 120,", 1).replacen("cn:: ", "cn:: ***", 250);
        let streaming = error_of(broken.as_bytes());
        assert!(streaming.contains(":"), "{streaming}");
        for part in [1, 40, 333, 4096] {
            assert_eq!(in_parts(&broken, part).unwrap_err().to_string(), streaming, "parts of {part} bytes");
        }
        assert_eq!(in_parts("", 40).unwrap_err().to_string(), error_of(b""));
        assert_eq!(in_parts("# only a comment\n", 4).unwrap_err().to_string(), error_of(b"# only a comment\n"));
    }

    #[test]
    fn reads_what_ldifde_writes() {
        let text = "\u{feff}version: 1\r\n# exported\r\n#  folded comment\r\n\r\n\
            dn: CN=J\\C3\\BCrgen,OU=Sales,DC=contoso,DC=com\r\nchangetype: add\r\n\
            objectClass: top\r\nobjectClass: user\r\ndisplayName:: SsO8cmdlbiBNw7xsbGVy\r\n\
            proxyAddresses: SMTP:juergen@contoso.com\r\nproxyAddresses: smtp:j@cont\r\n oso.com\r\n\
            objectGUID:: AAECAwQFBgcICQoLDA0ODw==\r\n\r\n\
            dn:: Q049Wm/DqyxEQz14\nmail: zoe@x.com\n";
        let objects = parse(text).unwrap();
        assert_eq!(objects.len(), 2);
        let first = &objects[0];
        assert_eq!(first.dn(), "CN=J\\C3\\BCrgen,OU=Sales,DC=contoso,DC=com");
        assert_eq!(first.first_text(&AttrName::DisplayName), Some("Jürgen Müller"));
        let proxies: Vec<_> = first.texts(&AttrName::ProxyAddresses).collect();
        assert_eq!(proxies, ["SMTP:juergen@contoso.com", "smtp:j@contoso.com"]);
        assert!(first.has_class("USER"));
        assert_eq!(first.guid().unwrap().0, core::array::from_fn(|i| i as u8));
        assert_eq!(objects[1].dn(), "CN=Zoë,DC=x");
        assert_eq!(objects[1].first_text(&AttrName::Mail), Some("zoe@x.com"));
    }

    #[test]
    fn binary_and_ranged_attributes_keep_their_bytes() {
        let text = "dn: CN=a,DC=x\nuserCertificate;binary:: /wA=\nmember;range=0-1: CN=b,DC=x\nmsDS-Other:: /w==\n";
        let objects = parse(text).unwrap();
        let certs: Vec<_> = objects[0].values(&AttrName::UserCertificate).map(|(_, v)| v).collect();
        assert_eq!(certs, [ValueRef::Binary(&[0xff, 0x00])]);
        assert_eq!(objects[0].first_text(&AttrName::Member), Some("CN=b,DC=x"));
        let other = objects[0].values(&AttrName::parse("msds-other")).next().unwrap().1;
        assert_eq!(other, ValueRef::Binary(&[0xff]));
    }

    #[test]
    fn malformed_inputs_name_the_line() {
        assert_eq!(error_of(b""), "t.ldif: no directory objects in this file (is it empty?)");
        assert_eq!(error_of(b"version: 1\n\n"), "t.ldif: no directory objects in this file (is it empty?)");
        assert_eq!(
            error_of(b" dn: CN=a\n"),
            "t.ldif:1: line starts with a space but there is no line before it to continue"
        );
        assert_eq!(
            error_of(b"dn: CN=a,DC=x\nmail: a@x\n\n continued\n"),
            "t.ldif:4: line starts with a space but there is no line before it to continue"
        );
        assert_eq!(
            error_of(b"dn: CN=a,DC=x\nmail: a@x\n\nmail: b@x\n"),
            "t.ldif:4: record starts with 'mail:' instead of 'dn:'"
        );
        assert!(
            error_of(b"dn: CN=a,DC=x\ndisplayName:: SsO8cmdl\n YW4=x\n")
                .starts_with("t.ldif:2: value of displayName is not valid base64")
        );
        assert_eq!(
            error_of(b"dn: CN=a,DC=x\ndisplayName: J\xfcrgen\n"),
            "t.ldif:2: value of displayName is not valid UTF-8"
        );
        assert_eq!(
            error_of(b"dn: CN=a,DC=x\ndisplayName:: /w==\n"),
            "t.ldif:2: value of displayName is not valid UTF-8 text"
        );
        assert_eq!(
            error_of(b"dn: CN=a,DC=x\nchangetype: modify\n"),
            "t.ldif:2: 'changetype: modify' is a change record, not a directory export"
        );
        assert_eq!(
            error_of(b"dn: CN=a,DC=x\nmail a@x\n"),
            "t.ldif:2: expected 'attribute: value' (no ':' on this line)"
        );
        assert_eq!(
            error_of(b"dn: CN=a,DC=x\nmail: a@x\ndn: CN=b,DC=x\n"),
            "t.ldif:3: a second 'dn:' in one record (is a blank line missing?)"
        );
        assert!(error_of(b"\xff\xfed\x00n\x00").contains("UTF-16"));
    }

    #[test]
    fn an_error_ends_the_stream() {
        let mut reader = LdifReader::new(&b"dn: CN=a,DC=x\n\nbad line\n\ndn: CN=b,DC=x\n"[..], Path::new("t"));
        assert!(reader.next().unwrap().is_ok());
        assert!(reader.next().unwrap().is_err());
        assert!(reader.next().is_none());
    }
}
