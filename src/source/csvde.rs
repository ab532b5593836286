//! csvde export reader: a header row of attribute names (`DN` first), one object per row,
//! multi-valued attributes separated by `;`, binary values as csvde writes them (`X'0a1b'`).

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{ObjectReader, SourceError, fused_next};
use crate::model::{AttrName, DirObject, ObjectBuilder};

/// Reads `DirObject`s from a csvde export, one row at a time.
pub struct CsvdeReader<R> {
    rows: csv::Reader<R>,
    path: PathBuf,
    columns: Vec<AttrName>,
    dn_column: usize,
    record: csv::ByteRecord,
    builder: ObjectBuilder,
    objects: u64,
    failed: bool,
}

/// Attributes whose csvde cells hold several values separated by `;`. Single-valued text
/// attributes keep the cell whole, since csvde cannot escape a `;` inside one value.
fn is_multi_valued(attr: &AttrName) -> bool {
    matches!(
        attr,
        AttrName::ObjectClass
            | AttrName::ProxyAddresses
            | AttrName::Member
            | AttrName::UserCertificate
            | AttrName::UserSmimeCertificate
            | AttrName::Other(_)
    )
}

impl<R: Read> CsvdeReader<R> {
    pub fn new(input: R, path: &Path) -> Result<CsvdeReader<R>, SourceError> {
        let mut rows = csv::ReaderBuilder::new().has_headers(true).from_reader(input);
        let headers = rows.byte_headers().map_err(|e| csv_error(path, &e))?.clone();
        let mut columns = Vec::with_capacity(headers.len());
        for (i, raw) in headers.iter().enumerate() {
            let raw = if i == 0 { raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw) } else { raw };
            let name = std::str::from_utf8(raw).map_err(|_| SourceError::Syntax {
                path: path.to_owned(),
                line: 1,
                message: format!("column {} of the header is not valid UTF-8", i + 1),
            })?;
            columns.push(AttrName::parse(name.trim()));
        }
        let dn_column = columns
            .iter()
            .position(|c| c.as_str().eq_ignore_ascii_case("DN") || c.as_str().eq_ignore_ascii_case("distinguishedName"))
            .ok_or_else(|| SourceError::Syntax {
                path: path.to_owned(),
                line: 1,
                message: "the header has no DN column (is this a csvde export?)".into(),
            })?;
        let header_error = |message: String| SourceError::Syntax { path: path.to_owned(), line: 1, message };
        for (i, attr) in columns.iter().enumerate() {
            if attr.as_str().is_empty() {
                return Err(header_error(format!("column {} of the header has no attribute name", i + 1)));
            }
            if let Some(first) = columns[..i].iter().position(|c| c.as_str().eq_ignore_ascii_case(attr.as_str())) {
                return Err(header_error(format!(
                    "column {} of the header names {attr} again (column {} already does)",
                    i + 1,
                    first + 1
                )));
            }
        }
        if !columns.contains(&AttrName::ObjectClass) {
            return Err(header_error(
                "the header has no objectClass column, so no object can be told apart (a user from a computer): \
                 export it too (csvde -l \"objectClass,...\")"
                    .into(),
            ));
        }
        Ok(CsvdeReader {
            rows,
            path: path.to_owned(),
            columns,
            dn_column,
            record: csv::ByteRecord::new(),
            builder: ObjectBuilder::default(),
            objects: 0,
            failed: false,
        })
    }

    fn error(&self, line: u64, message: String) -> SourceError {
        SourceError::Syntax { path: self.path.clone(), line, message }
    }

    fn read_row(&mut self) -> Result<Option<DirObject>, SourceError> {
        if !self.rows.read_byte_record(&mut self.record).map_err(|e| csv_error(&self.path, &e))? {
            if self.objects == 0 {
                return Err(SourceError::Content {
                    path: self.path.clone(),
                    message: "no directory objects in this file (only a header, or empty)".into(),
                });
            }
            return Ok(None);
        }
        let line = self.record.position().map_or(0, |p| p.line());
        let record = std::mem::take(&mut self.record);
        for (i, cell) in record.iter().enumerate() {
            let Ok(cell) = std::str::from_utf8(cell) else {
                let column = self.columns[i].as_str();
                return Err(self.error(line, format!("column {column} is not valid UTF-8")));
            };
            if i == self.dn_column {
                if cell.trim().is_empty() {
                    return Err(self.error(line, "empty DN".into()));
                }
                self.builder.set_dn(cell);
            } else if !cell.is_empty() {
                self.add_cell(line, i, cell)?;
            }
        }
        self.record = record;
        self.objects += 1;
        Ok(Some(self.builder.build()))
    }

    fn add_cell(&mut self, line: u64, column: usize, cell: &str) -> Result<(), SourceError> {
        let attr = &self.columns[column];
        let values: Vec<&str> = if is_multi_valued(attr) { cell.split(';').collect() } else { vec![cell] };
        for value in values {
            // csvde writes binary attributes as X'hex'; in a text attribute, X'..' is text.
            if !attr.is_binary() {
                self.builder.add_text(attr.clone(), value);
                continue;
            }
            let bytes = value
                .strip_prefix("X'")
                .and_then(|v| v.strip_suffix('\''))
                .ok_or_else(|| self.error(line, format!("column {attr}: binary value not in X'hex' form")))
                .and_then(|hex| {
                    decode_hex(hex).ok_or_else(|| {
                        self.error(line, format!("column {attr}: '{value}' is not a valid X'hex' value"))
                    })
                })?;
            self.builder.add_binary(attr.clone(), &bytes);
        }
        Ok(())
    }
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect()
}

fn csv_error(path: &Path, error: &csv::Error) -> SourceError {
    let line = error.position().map_or(0, |p| p.line());
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("row has {len} fields but the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_owned(),
        _ => error.to_string(),
    };
    match error.kind() {
        csv::ErrorKind::Io(e) => {
            SourceError::Io { path: path.to_owned(), error: std::io::Error::new(e.kind(), e.to_string()) }
        }
        _ => SourceError::Syntax { path: path.to_owned(), line, message },
    }
}

impl<R: Read> Iterator for CsvdeReader<R> {
    type Item = Result<DirObject, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut failed = self.failed;
        let result = fused_next(&mut failed, || self.read_row());
        self.failed = failed;
        result
    }
}

impl<R: Read> ObjectReader for CsvdeReader<R> {
    fn bytes_read(&self) -> u64 {
        self.rows.position().byte()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ValueRef;

    fn parse(text: &[u8]) -> Result<Vec<DirObject>, SourceError> {
        CsvdeReader::new(text, Path::new("t.csv"))?.collect()
    }

    #[test]
    fn reads_what_csvde_writes() {
        let text = "\u{feff}DN,objectClass,displayName,proxyAddresses,objectGUID\r\n\
            \"CN=Smith\\, John,OU=Sales,DC=x\",top;person;user,\"Smith; John\",SMTP:j@x.com;smtp:js@x.com,X'000102030405060708090a0b0c0d0e0f'\r\n\
            \"CN=b,DC=x\",contact,,,\r\n";
        let objects = parse(text.as_bytes()).unwrap();
        assert_eq!(objects.len(), 2);
        let john = &objects[0];
        assert_eq!(john.dn(), "CN=Smith\\, John,OU=Sales,DC=x");
        assert_eq!(john.first_text(&AttrName::DisplayName), Some("Smith; John"));
        assert_eq!(john.texts(&AttrName::ProxyAddresses).count(), 2);
        assert!(john.has_class("user"));
        assert_eq!(john.guid().unwrap().0[15], 15);
        assert!(!objects[1].has(&AttrName::DisplayName));
        let cert = "DN,objectClass,userCertificate,description\nCN=a,user,X'ff00';X'01',X'41'\n";
        let objects = parse(cert.as_bytes()).unwrap();
        let values: Vec<_> = objects[0].values(&AttrName::UserCertificate).map(|(_, v)| v).collect();
        assert_eq!(values, [ValueRef::Binary(&[0xff, 0]), ValueRef::Binary(&[1])]);
        let description = AttrName::parse("description");
        assert_eq!(objects[0].first_text(&description), Some("X'41'"), "X'..' is text in a text attribute");
    }

    #[test]
    fn malformed_rows_name_the_line() {
        let error = |text: &[u8]| parse(text).unwrap_err().to_string();
        assert_eq!(error(b""), "t.csv:1: the header has no DN column (is this a csvde export?)");
        assert_eq!(
            error(b"DN,objectClass,mail\n"),
            "t.csv: no directory objects in this file (only a header, or empty)"
        );
        assert_eq!(
            error(b"DN,objectClass,mail\nCN=a,user,a@x,extra\n"),
            "t.csv:2: row has 4 fields but the header has 3"
        );
        assert_eq!(error(b"DN,objectClass,mail\nCN=a,user,a@\xfc\n"), "t.csv:2: column mail is not valid UTF-8");
        assert_eq!(
            error(b"DN,objectClass,objectGUID\nCN=a,user,X'zz'\n"),
            "t.csv:2: column objectGUID: 'X'zz'' is not a valid X'hex' value"
        );
        assert_eq!(error(b"DN,objectClass,mail\n,user,a@x\n"), "t.csv:2: empty DN");
        // Headers that would make every object look clean, or put values under the wrong name.
        assert_eq!(
            error(b"DN,objectClas,mail\nCN=a,user,a@x\n"),
            "t.csv:1: the header has no objectClass column, so no object can be told apart (a user from a \
             computer): export it too (csvde -l \"objectClass,...\")"
        );
        assert_eq!(
            error(b"DN,objectClass,mail,Mail\nCN=a,user,a@x,b@x\n"),
            "t.csv:1: column 4 of the header names mail again (column 3 already does)"
        );
        assert_eq!(
            error(b"DN,objectClass,,mail\nCN=a,user,x,a@x\n"),
            "t.csv:1: column 3 of the header has no attribute name"
        );
    }
}
