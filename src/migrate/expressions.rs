//! Custom sync rules against what Cloud Sync can do: a rule only decides which objects sync
//! (its scoping becomes a Cloud Sync scoping filter), or its attribute flows can be written
//! with Cloud Sync's expression builder (shown translated), or it needs a redesign (joins,
//! writeback, functions or parameters Cloud Sync lacks).

use super::config::{Direction, SyncConfig, SyncRule};

/// Connect Sync functions with a Cloud Sync function of another name.
const RENAMED: [(&str, &str); 2] = [("LCase", "ToLower"), ("UCase", "ToUpper")];

/// The functions of Cloud Sync's expression reference (Microsoft Learn, "Writing expressions for
/// attribute mappings in Microsoft Entra Cloud Sync", `cloud-sync/reference-expressions`).
const CLOUD_FUNCTIONS: [&str; 37] = [
    "Append",
    "BitAnd",
    "CBool",
    "ConvertFromBase64",
    "ConvertToBase64",
    "ConvertToUTF8Hex",
    "Count",
    "CStr",
    "DateFromNum",
    "DNComponent",
    "Error",
    "FormatDateTime",
    "Guid",
    "IIF",
    "InStr",
    "IsNull",
    "IsNullOrEmpty",
    "IsPresent",
    "IsString",
    "Item",
    "Join",
    "Left",
    "Mid",
    "NormalizeDiacritics",
    "Not",
    "RemoveDuplicates",
    "Replace",
    "SelectUniqueValue",
    "SingleAppRoleAssignment",
    "Split",
    "StringFromSID",
    "StripSpaces",
    "Switch",
    "ToLower",
    "ToUpper",
    "Trim",
    "Word",
];

/// Functions both engines have under one name and with other arguments: Connect Sync's
/// `Switch` takes condition/value pairs, Cloud Sync's a source, a default and key/value pairs;
/// `Replace` takes three arguments in Connect Sync and seven slots in Cloud Sync.
const SAME_NAME_OTHER_ARGUMENTS: [&str; 2] = ["Switch", "Replace"];

/// What becomes of one custom rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleFate {
    /// It only selects objects: `filter` is the Cloud Sync scoping filter that does the same.
    ScopingOnly { filter: String },
    /// Its flows translate: (destination attribute, Cloud Sync mapping).
    Expressible { mappings: Vec<(String, String)> },
    /// It cannot be carried over as it is, for these reasons.
    Redesign { reasons: Vec<String> },
}

/// The pieces of a Connect Sync expression that matter here.
#[derive(Debug, Default, PartialEq, Eq)]
struct Parts {
    functions: Vec<String>,
    parameters: Vec<String>,
}

/// Finds the functions (a name before `(`) and `%parameters%` outside string literals.
fn parts(expression: &str) -> Parts {
    let mut parts = Parts::default();
    let chars: Vec<char> = expression.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '"' => {
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    i += 1;
                }
                i += 1;
            }
            '[' => {
                while i < chars.len() && chars[i] != ']' {
                    i += 1;
                }
                i += 1;
            }
            '%' => {
                let end = chars[i + 1..].iter().position(|&c| c == '%').map_or(chars.len(), |p| i + 1 + p);
                parts.parameters.push(chars[i + 1..end.min(chars.len())].iter().collect());
                i = end + 1;
            }
            c if c.is_ascii_alphabetic() => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let name: String = chars[start..i].iter().collect();
                let mut next = i;
                while next < chars.len() && chars[next] == ' ' {
                    next += 1;
                }
                if chars.get(next) == Some(&'(') && !parts.functions.contains(&name) {
                    parts.functions.push(name);
                }
            }
            _ => i += 1,
        }
    }
    parts
}

/// The Cloud Sync form of a Connect Sync expression, or why there is none.
pub fn translate(expression: &str) -> Result<String, String> {
    let found = parts(expression);
    if let Some(parameter) = found.parameters.first() {
        return Err(format!("uses the connector parameter %{parameter}%, which Cloud Sync does not have"));
    }
    let rewritten: Vec<&str> = SAME_NAME_OTHER_ARGUMENTS
        .iter()
        .copied()
        .filter(|name| found.functions.iter().any(|f| f.eq_ignore_ascii_case(name)))
        .collect();
    if !rewritten.is_empty() {
        return Err(format!(
            "uses {}, which Cloud Sync has with other arguments: rewrite it for Cloud Sync",
            rewritten.join(" and ")
        ));
    }
    let mut missing = Vec::new();
    let mut translated = expression.to_owned();
    for function in &found.functions {
        if let Some((_, cloud)) = RENAMED.iter().find(|(connect, _)| connect.eq_ignore_ascii_case(function)) {
            translated = replace_function(&translated, function, cloud);
        } else if let Some(cloud) = CLOUD_FUNCTIONS.iter().find(|f| f.eq_ignore_ascii_case(function)) {
            translated = replace_function(&translated, function, cloud);
        } else {
            missing.push(function.clone());
        }
    }
    if missing.is_empty() {
        Ok(translated)
    } else {
        Err(format!("uses {} that Cloud Sync's expression builder lacks", missing.join(", ")))
    }
}

/// Replaces the function name `from` (followed by `(`) with `to`, outside string literals.
fn replace_function(expression: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(expression.len());
    let mut in_string = false;
    let mut rest = expression;
    while let Some(c) = rest.chars().next() {
        if c == '"' {
            in_string = !in_string;
        }
        let at_name = !in_string
            && rest.len() >= from.len()
            && rest.is_char_boundary(from.len())
            && rest[..from.len()].eq_ignore_ascii_case(from)
            && rest[from.len()..].trim_start().starts_with('(')
            && !out.chars().last().is_some_and(|p| p.is_ascii_alphanumeric() || p == '_');
        if at_name {
            out.push_str(to);
            rest = &rest[from.len()..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// Whether the flow sets `cloudFiltered` to a constant True (attribute-based filtering).
fn is_filter_flow(destination: &str, expression: Option<&str>) -> bool {
    destination.eq_ignore_ascii_case("cloudFiltered")
        && expression.is_some_and(|e| e.trim().trim_matches('"').eq_ignore_ascii_case("true"))
}

/// Whether `rule` is attribute-based filtering: an inbound rule that sets cloudFiltered to
/// True for the objects its scoping selects.
pub fn is_attribute_filter(rule: &SyncRule) -> bool {
    rule.direction == Direction::Inbound
        && !rule.flows.is_empty()
        && rule.flows.iter().all(|f| is_filter_flow(&f.destination, f.expression.as_deref()))
}

/// A rule's scoping as text: groups joined by OR, conditions by AND.
pub fn scoping_text(rule: &SyncRule) -> String {
    let groups: Vec<String> = rule
        .scoping
        .iter()
        .map(|group| {
            let conditions: Vec<String> =
                group.iter().map(|c| format!("{} {} {}", c.attribute, c.operator, c.value).trim().to_owned()).collect();
            conditions.join(" AND ")
        })
        .collect();
    if groups.is_empty() { "all objects".into() } else { groups.join(" OR ") }
}

/// What becomes of a custom rule when the server moves to Cloud Sync.
pub fn classify(config: &SyncConfig, rule: &SyncRule) -> RuleFate {
    let connector_is_ad =
        config.connector(&rule.connector).is_some_and(|c| c.kind == super::config::ConnectorKind::ActiveDirectory);
    if is_attribute_filter(rule) || (rule.flows.is_empty() && rule.joins.is_empty() && !rule.scoping.is_empty()) {
        let filter = if is_attribute_filter(rule) {
            format!("leave out {} objects where {}", rule.source_type, scoping_text(rule))
        } else {
            format!("{} objects where {}", rule.source_type, scoping_text(rule))
        };
        return RuleFate::ScopingOnly { filter };
    }
    let mut reasons = Vec::new();
    if rule.direction == Direction::Outbound && !connector_is_ad {
        reasons.push("an outbound rule to Entra ID: Cloud Sync has no outbound rules; its mappings are inbound".into());
    }
    if rule.direction == Direction::Outbound && connector_is_ad {
        reasons.push("writes back to Active Directory: Cloud Sync writes back only passwords, groups and Exchange hybrid attributes".into());
    }
    if !rule.joins.is_empty() {
        let joins: Vec<String> = rule.joins.iter().flatten().map(|j| format!("{} = {}", j.source, j.target)).collect();
        reasons.push(format!(
            "joins objects on {} (Cloud Sync matches only on the source anchor, UPN and mail)",
            joins.join(", ")
        ));
    }
    let mut mappings = Vec::new();
    for flow in &rule.flows {
        match &flow.expression {
            None => mappings.push((flow.destination.clone(), format!("[{}]", flow.sources.join("], [")))),
            Some(expression) => match translate(expression) {
                Ok(cloud) => mappings.push((flow.destination.clone(), cloud)),
                Err(reason) => reasons.push(format!("{}: {reason}", flow.destination)),
            },
        }
    }
    if reasons.is_empty() { RuleFate::Expressible { mappings } } else { RuleFate::Redesign { reasons } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_translate_or_say_what_is_missing() {
        assert_eq!(translate("LCase([mail])"), Ok("ToLower([mail])".into()));
        assert_eq!(
            translate("IIF(IsPresent([extensionAttribute1]), UCase(Left([givenName],1)), \"LCase(x)\")"),
            Ok("IIF(IsPresent([extensionAttribute1]), ToUpper(Left([givenName],1)), \"LCase(x)\")".into())
        );
        // Trim and DNComponent are in Cloud Sync's expression reference; CRef is not.
        assert_eq!(
            translate("Trim(DNComponent(CRef([dn]),1))"),
            Err("uses CRef that Cloud Sync's expression builder lacks".into())
        );
        assert_eq!(translate("StringFromSID([objectSid])"), Ok("StringFromSID([objectSid])".into()));
        assert_eq!(
            translate("Replace([mail],\"@contoso.com\",\"@fabrikam.com\")"),
            Err("uses Replace, which Cloud Sync has with other arguments: rewrite it for Cloud Sync".into())
        );
        assert_eq!(
            translate("%Domain.FQDN%"),
            Err("uses the connector parameter %Domain.FQDN%, which Cloud Sync does not have".into())
        );
    }
}
