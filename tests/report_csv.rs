//! findings.csv: RFC 4180 quoting, a BOM, neutralized formulas, and a lossless round trip.

use syncready::report::csv::{COLUMNS, FindingRow, read_rows, restore, write_rows};

fn tricky_rows() -> Vec<FindingRow> {
    let values = [
        "Smith, John",
        "say \"hi\"",
        "two\nlines\r\nand more",
        "Jürgen Müller 山田",
        "=HYPERLINK(\"http://evil\",\"x\")",
        "+1 555",
        "-2",
        "@SUM(A1:A2)",
        "\tindented",
        "'=already quoted",
        "",
    ];
    values
        .iter()
        .enumerate()
        .map(|(i, v)| FindingRow {
            distinguished_name: format!("CN={},OU=Sales,DC=contoso,DC=com", v.replace(',', "\\,")),
            common_name: v.to_string(),
            object_class: "user".into(),
            attribute: "displayName".into(),
            error: "Character, Length".into(),
            value: v.to_string(),
            update: format!("{v}{i}"),
            action: String::new(),
            rule: "DSP001, DSP002".into(),
            severity: "error".into(),
            fix: "unsafe".into(),
            object_guid: "03020100-0504-0706-0809-0a0b0c0d0e0f".into(),
            detail: format!("also held by: {v}"),
        })
        .collect()
}

#[test]
fn every_value_survives_a_round_trip_through_the_csv_crate() {
    let dir = std::env::temp_dir().join(format!("syncready-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("findings.csv");
    let rows = tricky_rows();
    write_rows(&path, rows.clone()).unwrap();

    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with("\u{feff}DISTINGUISHEDNAME,COMMONNAME,".as_bytes()));
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""), "formula not neutralized");
    assert!(text.contains(",'@SUM(A1:A2),"));
    assert!(!text.lines().any(|l| l.contains(",=")));

    // Read with the plain csv crate: every cell is intact once the neutralizing quote is undone.
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), COLUMNS);
    let read: Vec<Vec<String>> =
        reader.records().map(|r| r.unwrap().iter().map(|c| restore(c).to_owned()).collect()).collect();
    assert_eq!(read.len(), rows.len());
    for (row, cells) in rows.iter().zip(&read) {
        assert_eq!(cells[0], row.distinguished_name);
        assert_eq!(cells[5], row.value);
        assert_eq!(cells[6], row.update);
        assert_eq!(cells[12], row.detail);
    }
    assert_eq!(read_rows(&path, bytes.as_slice()).unwrap(), rows);
    let partial = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .find(|n| n.to_string_lossy().ends_with(".partial"));
    assert_eq!(partial, None, "no temporary file is left");
}

#[test]
fn a_report_saved_again_without_bom_and_with_lf_still_reads() {
    let rows = tricky_rows();
    let dir = std::env::temp_dir().join(format!("syncready-csv-lf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("findings.csv");
    write_rows(&path, rows.clone()).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let resaved = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    let read = read_rows(&path, resaved.as_bytes()).unwrap();
    assert_eq!(read.len(), rows.len());
    assert_eq!(read[3].value, rows[3].value);
    assert_eq!(read[4].value, rows[4].value);
}
