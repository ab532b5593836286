//! The tenant's verified domains from a file: one domain per line (`#` comments), or the CSV
//! that the Entra admin center or `Get-MgDomain | Export-Csv` writes, keeping verified ones.

use std::path::Path;

use super::SourceError;

/// Columns that name the domain, and columns that say whether it is verified.
const NAME_COLUMNS: [&str; 4] = ["id", "name", "domainname", "domain"];
const VERIFIED_COLUMNS: [&str; 2] = ["isverified", "status"];

/// Reads verified domains from `path`.
pub fn read_verified_domains(path: &Path) -> Result<Vec<String>, SourceError> {
    let bytes = std::fs::read(path).map_err(|source| SourceError::Io { path: path.to_owned(), error: source })?;
    let text = String::from_utf8(bytes).map_err(|_| SourceError::Content {
        path: path.to_owned(),
        message: "not UTF-8 text (save it as UTF-8)".into(),
    })?;
    let text = text.trim_start_matches('\u{feff}');
    // Windows PowerShell's Export-Csv starts with a `#TYPE` line.
    let first = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')).unwrap_or("");
    let domains = if first.contains(',') { from_csv(text, path)? } else { from_list(text) };
    if domains.is_empty() {
        return Err(SourceError::Content { path: path.to_owned(), message: "no verified domains in this file".into() });
    }
    Ok(domains)
}

fn from_list(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned).collect()
}

fn from_csv(text: &str, path: &Path) -> Result<Vec<String>, SourceError> {
    let body: String = text.lines().filter(|l| !l.starts_with("#TYPE")).collect::<Vec<_>>().join("\n");
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(body.as_bytes());
    let syntax = |line: u64, message: String| SourceError::Syntax { path: path.to_owned(), line, message };
    let headers: Vec<String> =
        reader.headers().map_err(|e| syntax(1, e.to_string()))?.iter().map(|h| h.trim().to_lowercase()).collect();
    let find = |names: &[&str]| names.iter().find_map(|n| headers.iter().position(|h| h == n));
    let name = find(&NAME_COLUMNS)
        .ok_or_else(|| syntax(1, "the header has no Id, Name or DomainName column for the domain".into()))?;
    let verified = find(&VERIFIED_COLUMNS);
    let mut domains = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| syntax(e.position().map_or(0, |p| p.line()), e.to_string()))?;
        let is_verified = verified.is_none_or(|column| {
            let cell = record.get(column).unwrap_or("").trim();
            cell.eq_ignore_ascii_case("true") || cell.eq_ignore_ascii_case("verified")
        });
        let domain = record.get(name).unwrap_or("").trim();
        if is_verified && !domain.is_empty() {
            domains.push(domain.to_owned());
        }
    }
    Ok(domains)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(name: &str, text: &str) -> Result<Vec<String>, SourceError> {
        let dir = std::env::temp_dir().join(format!("syncready-domains-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        read_verified_domains(&path)
    }

    #[test]
    fn plain_lists_and_graph_exports_keep_verified_domains() {
        assert_eq!(
            read("list.txt", "# tenant\ncontoso.com\n\n fabrikam.com \n").unwrap(),
            ["contoso.com", "fabrikam.com"]
        );
        let graph = "#TYPE Microsoft.Graph.PowerShell.Models.MicrosoftGraphDomain\n\
            \"AuthenticationType\",\"Id\",\"IsDefault\",\"IsVerified\"\n\
            \"Managed\",\"contoso.com\",\"True\",\"True\"\n\
            \"Managed\",\"pending.contoso.net\",\"False\",\"False\"\n\
            \"Managed\",\"contoso.onmicrosoft.com\",\"False\",\"True\"\n";
        assert_eq!(read("graph.csv", graph).unwrap(), ["contoso.com", "contoso.onmicrosoft.com"]);
        let portal = "\u{feff}Name,Status,Federated\ncontoso.com,Verified,No\nnew.contoso.com,Unverified,No\n";
        assert_eq!(read("portal.csv", portal).unwrap(), ["contoso.com"]);
    }

    #[test]
    fn files_without_domains_are_errors() {
        let error = |name, text| read(name, text).unwrap_err().to_string();
        assert!(error("none.txt", "# nothing\n").ends_with("none.txt: no verified domains in this file"));
        assert!(
            error("cols.csv", "Foo,Bar\n1,2\n")
                .ends_with("cols.csv:1: the header has no Id, Name or DomainName column for the domain")
        );
    }
}
