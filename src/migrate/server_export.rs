//! Reads the folder `Get-ADSyncServerConfiguration -Path DIR` writes:
//! `Connectors/Connector_{GUID}.xml`, `GlobalSettings/MV.xml` and
//! `SynchronizationRules/SynchronizationRule_{GUID}.xml`. Errors name the file, the line and
//! the element.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use roxmltree::{Document, Node};

use super::ConfigError;
use super::config::{
    AttributeFlow, ConfigOrigin, Connector, ConnectorKind, Direction, GlobalSettings, JoinCondition, Partition,
    ScopeCondition, SyncConfig, SyncRule,
};

/// One parsed XML file, for error messages.
struct Xml<'a> {
    path: &'a Path,
    doc: Document<'a>,
}

impl<'a> Xml<'a> {
    fn parse(path: &'a Path, text: &'a str) -> Result<Xml<'a>, ConfigError> {
        let doc = Document::parse(text.trim_start_matches('\u{feff}')).map_err(|e| {
            let message = match e {
                // These carry no position: the file ended too soon, so name its last line.
                roxmltree::Error::UnclosedRootNode | roxmltree::Error::UnexpectedEndOfStream => format!(
                    "not well-formed XML: the file ends at line {} before its root element is closed: it was cut \
                     off; export the configuration again",
                    text.lines().count()
                ),
                other => format!("not well-formed XML: {other}"),
            };
            ConfigError::File { path: path.to_owned(), message }
        })?;
        Ok(Xml { path, doc })
    }

    fn error(&self, node: Node<'_, '_>, message: impl Into<String>) -> ConfigError {
        ConfigError::Element {
            path: self.path.to_owned(),
            line: self.doc.text_pos_at(node.range().start).row,
            element: node.tag_name().name().to_owned(),
            message: message.into(),
        }
    }

    /// The root element, which must be `name`.
    fn root(&self, name: &str) -> Result<Node<'_, 'a>, ConfigError> {
        let root = self.doc.root_element();
        if root.tag_name().name() != name {
            return Err(self.error(root, format!("expected <{name}> as the root element")));
        }
        Ok(root)
    }

    /// The trimmed text of `node`'s child `name`, which must be there.
    fn required(&self, node: Node<'_, '_>, name: &str) -> Result<String, ConfigError> {
        text(node, name).ok_or_else(|| self.error(node, format!("has no <{name}>")))
    }
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| n.has_tag_name(name))
}

fn children<'a, 'i>(node: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children().filter(move |n| n.has_tag_name(name))
}

fn text(node: Node<'_, '_>, name: &str) -> Option<String> {
    child(node, name).map(|n| n.text().unwrap_or_default().trim().to_owned())
}

/// The texts of the elements at `path` (child names) below `node`.
fn texts_at(node: Node<'_, '_>, path: &[&str]) -> Vec<String> {
    let mut nodes = vec![node];
    for name in path {
        nodes = nodes.iter().flat_map(|n| n.children().filter(|c| c.has_tag_name(*name))).collect();
    }
    nodes.iter().map(|n| n.text().unwrap_or_default().trim().to_owned()).filter(|t| !t.is_empty()).collect()
}

/// A constant flow as the exporter writes it, `<src>True</src>` (text, no `<attr>`), as the
/// string literal an expression would hold: `"True"`.
fn constant(mapping: Node<'_, '_>) -> Option<String> {
    let src = child(mapping, "src").filter(|src| child(*src, "attr").is_none())?;
    let value = src.text().unwrap_or_default().trim();
    (!value.is_empty()).then(|| format!("\"{}\"", value.replace('"', "\"\"")))
}

/// A GUID as `{AE4D...}` or `ae4d...`, lower case without braces.
pub fn guid_key(text: &str) -> String {
    text.trim().trim_start_matches('{').trim_end_matches('}').to_lowercase()
}

fn read(path: &Path) -> Result<String, ConfigError> {
    let bytes = std::fs::read(path).map_err(|e| ConfigError::File { path: path.to_owned(), message: e.to_string() })?;
    String::from_utf8(bytes).map_err(|_| ConfigError::File { path: path.to_owned(), message: "not UTF-8 text".into() })
}

/// The `.xml` files of `dir/sub`, sorted by name.
fn xml_files(dir: &Path, sub: &str) -> Result<Vec<PathBuf>, ConfigError> {
    let folder = dir.join(sub);
    let entries = std::fs::read_dir(&folder).map_err(|e| ConfigError::File {
        path: folder.clone(),
        message: format!("{e} (a Get-ADSyncServerConfiguration export has Connectors, GlobalSettings and SynchronizationRules folders)"),
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")))
        .collect();
    files.sort();
    Ok(files)
}

/// Reads a `Get-ADSyncServerConfiguration` export folder.
pub fn read_server_export(dir: &Path) -> Result<SyncConfig, ConfigError> {
    let mv_path = dir.join("GlobalSettings").join("MV.xml");
    let mv_text = read(&mv_path)?;
    let mv = Xml::parse(&mv_path, &mv_text)?;
    let (server, settings) = global_settings(&mv)?;
    let sign_on_method = mv_parameter(&mv, "Microsoft.UserSignIn.SignOnMethod").unwrap_or_default();
    let mut connectors = Vec::new();
    for path in xml_files(dir, "Connectors")? {
        let text = read(&path)?;
        connectors.push(connector(&Xml::parse(&path, &text)?)?);
    }
    if connectors.is_empty() {
        return Err(ConfigError::File { path: dir.join("Connectors"), message: "no Connector_*.xml files".into() });
    }
    connectors.sort_by(|a, b| a.name.cmp(&b.name));
    let mut rules = Vec::new();
    for path in xml_files(dir, "SynchronizationRules")? {
        let text = read(&path)?;
        rules.push(rule(&Xml::parse(&path, &text)?)?);
    }
    rules.sort_by(|a, b| (a.precedence, &a.name).cmp(&(b.precedence, &b.name)));
    let origin = ConfigOrigin::ServerExport;
    let mut config = SyncConfig {
        source: dir.to_owned(),
        origin,
        server,
        settings,
        read_elsewhere: BTreeMap::new(),
        connectors,
        rules,
    };
    read_current_features(&mut config, &sign_on_method);
    config.settings.device_sync |= super::devices_selected(&config);
    Ok(config)
}

/// Where a 2.x server keeps what older ones had as optional features: password hash sync on
/// an AD connector (or as the sign-in method), password writeback on the Entra connector, pass-
/// through authentication and federation as the sign-in method.
fn read_current_features(config: &mut SyncConfig, sign_on_method: &str) {
    let on = |connectors: Vec<&Connector>| connectors.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ");
    let hash_sync = on(config.ad_connectors().filter(|c| c.password_hash_sync).collect());
    let writeback = on(config.connectors.iter().filter(|c| c.password_writeback).collect());
    let sign_on = format!("GlobalSettings/MV.xml: Microsoft.UserSignIn.SignOnMethod = {sign_on_method}");
    let method = |name: &str| sign_on_method.eq_ignore_ascii_case(name);
    let SyncConfig { settings, read_elsewhere, .. } = config;
    let mut set = |flag: &mut bool, feature: &'static str, fact: String| {
        if !*flag {
            *flag = true;
            read_elsewhere.insert(feature, fact);
        }
    };
    if !hash_sync.is_empty() {
        let fact = format!("Connectors/Connector_*.xml: {hash_sync}: password-hash-sync-config enabled = 1");
        set(&mut settings.password_hash_sync, "PasswordHashSync", fact);
    } else if method("PasswordHashSync") {
        set(&mut settings.password_hash_sync, "PasswordHashSync", sign_on.clone());
    }
    if !writeback.is_empty() {
        let fact = format!("Connectors/Connector_*.xml: {writeback}: aad-password-reset-config enabled = 1");
        set(&mut settings.password_writeback, "PasswordWriteback", fact);
    }
    if method("PassThroughAuthentication") {
        set(&mut settings.pass_through_auth, "PassThroughAuthentication", sign_on.clone());
    }
    if sign_on_method.to_ascii_lowercase().starts_with("federation") {
        set(&mut settings.federation, "Federation", sign_on);
    }
    // An older server's MV.xml switch, shown on the connector that carries it today.
    let writeback = config.settings.password_writeback;
    for connector in config.connectors.iter_mut().filter(|c| c.kind == ConnectorKind::EntraId) {
        connector.password_writeback |= writeback;
    }
}

/// The text of one of MV.xml's parameters.
fn mv_parameter(mv: &Xml<'_>, name: &str) -> Option<String> {
    let node = mv.doc.descendants().find(|n| n.has_tag_name("parameter") && n.attribute("name") == Some(name))?;
    Some(node.text().unwrap_or_default().trim().to_owned())
}

fn global_settings(mv: &Xml<'_>) -> Result<(Option<String>, GlobalSettings), ConfigError> {
    let root = mv.root("saved-mv-configuration")?;
    let server = root.attribute("server").map(str::to_owned);
    let mut parameters: BTreeMap<String, Node<'_, '_>> = BTreeMap::new();
    for node in root.descendants().filter(|n| n.has_tag_name("parameter")) {
        if let Some(name) = node.attribute("name") {
            parameters.insert(name.to_owned(), node);
        }
    }
    if parameters.is_empty() {
        return Err(mv.error(root, "has no <parameter> elements (the global settings)"));
    }
    let value = |name: &str| parameters.get(name).map(|n| n.text().unwrap_or_default().trim().to_owned());
    let flag = |name: &str| -> Result<bool, ConfigError> {
        match value(name).as_deref() {
            None | Some("") => Ok(false),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
            Some(v) => Err(mv.error(parameters[name], format!("{name}: '{v}' is not True or False"))),
        }
    };
    let defaults = GlobalSettings::default();
    let threshold = match value("Microsoft.OptionalFeature.ExportDeletionThresholdValue").filter(|v| !v.is_empty()) {
        None => defaults.deletion_threshold,
        Some(v) => v.parse().map_err(|_| {
            mv.error(
                parameters["Microsoft.OptionalFeature.ExportDeletionThresholdValue"],
                format!("ExportDeletionThresholdValue: '{v}' is not a number"),
            )
        })?,
    };
    let text_or = |name: &str, default: &str| value(name).filter(|v| !v.is_empty()).unwrap_or_else(|| default.into());
    let settings = GlobalSettings {
        version: value("Microsoft.Synchronize.ServerConfigurationVersion").filter(|v| !v.is_empty()),
        anchor_attribute: text_or("Microsoft.SynchronizationOption.AnchorAttribute", &defaults.anchor_attribute),
        upn_attribute: text_or("Microsoft.SynchronizationOption.UPNAttribute", &defaults.upn_attribute),
        staging_mode: flag("Microsoft.Synchronize.StagingMode")?,
        deletion_threshold_enabled: value("Microsoft.OptionalFeature.ExportDeletionThreshold").is_none()
            || flag("Microsoft.OptionalFeature.ExportDeletionThreshold")?,
        deletion_threshold: threshold,
        password_hash_sync: flag("Microsoft.OptionalFeature.PasswordHashSync")?,
        password_writeback: flag("Microsoft.OptionalFeature.PasswordWriteback")?,
        group_writeback: flag("Microsoft.OptionalFeature.GroupWriteBack")?,
        device_writeback: flag("Microsoft.OptionalFeature.DeviceWriteBack")?,
        device_sync: false,
        hybrid_exchange: flag("Microsoft.OptionalFeature.HybridExchange")?,
        directory_extensions: flag("Microsoft.OptionalFeature.DirectoryExtension")?,
        directory_extension_attributes: value("Microsoft.OptionalFeature.DirectoryExtensionAttributes")
            .unwrap_or_default()
            .split([',', ';'])
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect(),
        group_filtering: flag("Microsoft.OptionalFeature.GroupFiltering")?,
        pass_through_auth: flag("Microsoft.OptionalFeature.PassThroughAuthentication")?,
        federation: flag("Microsoft.OptionalFeature.Federation")?,
    };
    Ok((server, settings))
}

fn connector(xml: &Xml<'_>) -> Result<Connector, ConfigError> {
    let root = xml.root("ma-data")?;
    let name = xml.required(root, "name")?;
    let category = xml.required(root, "category")?;
    let subtype = text(root, "subtype").unwrap_or_default();
    let kind = match category.as_str() {
        "AD" => ConnectorKind::ActiveDirectory,
        "Extensible2" if subtype.contains("Azure Active Directory") || subtype.contains("Entra") => {
            ConnectorKind::EntraId
        }
        other => ConnectorKind::Other(format!("{other} {subtype}").trim().to_owned()),
    };
    let adma = child(root, "private-configuration").and_then(|p| child(p, "adma-configuration"));
    let forest = adma.and_then(|a| text(a, "forest-name")).unwrap_or_default();
    if kind == ConnectorKind::ActiveDirectory && forest.is_empty() {
        return Err(xml.error(root, "an AD connector without <private-configuration><adma-configuration><forest-name>"));
    }
    let enabled = |config: Option<Node<'_, '_>>| {
        config.and_then(|c| text(c, "enabled")).is_some_and(|e| e == "1" || e.eq_ignore_ascii_case("true"))
    };
    let password_hash_sync = enabled(adma.and_then(|a| child(a, "password-hash-sync-config")));
    let password_writeback = enabled(
        child(root, "private-configuration")
            .and_then(|p| child(p, "MAConfig"))
            .and_then(|m| child(m, "aad-password-reset-config")),
    );
    let filter_group = adma
        .into_iter()
        .flat_map(|a| a.descendants())
        .find(|n| n.has_tag_name("parameter") && n.attribute("name") == Some("Connector.GroupFilteringGroupDn"))
        .and_then(|n| n.text())
        .unwrap_or_default()
        .trim()
        .to_owned();
    let mut partitions = Vec::new();
    for node in child(root, "ma-partition-data").into_iter().flat_map(|d| children(d, "partition")) {
        let selected = xml.required(node, "selected")?;
        let filter = child(node, "filter");
        partitions.push(Partition {
            dn: xml.required(node, "name")?,
            selected: selected == "1" || selected.eq_ignore_ascii_case("true"),
            object_classes: filter.map(|f| texts_at(f, &["object-classes", "object-class"])).unwrap_or_default(),
            inclusions: filter.map(|f| texts_at(f, &["containers", "inclusions", "inclusion"])).unwrap_or_default(),
            exclusions: filter.map(|f| texts_at(f, &["containers", "exclusions", "exclusion"])).unwrap_or_default(),
        });
    }
    Ok(Connector {
        id: guid_key(&xml.required(root, "id")?),
        name,
        kind,
        forest,
        partitions,
        password_hash_sync,
        password_writeback,
        filter_group,
    })
}

/// The non-empty `<conditions>` groups of `root`'s `<section>`, each a list of its `item`
/// elements read by `read`.
fn condition_groups<T>(
    root: Node<'_, '_>,
    section: &str,
    item: &'static str,
    read: impl Fn(Node<'_, '_>) -> Result<T, ConfigError>,
) -> Result<Vec<Vec<T>>, ConfigError> {
    let groups = child(root, section).into_iter().flat_map(|c| children(c, "conditions"));
    let groups = groups.map(|group| children(group, item).map(&read).collect::<Result<Vec<T>, ConfigError>>());
    let groups = groups.collect::<Result<Vec<_>, _>>()?;
    Ok(groups.into_iter().filter(|g| !g.is_empty()).collect())
}

fn rule(xml: &Xml<'_>) -> Result<SyncRule, ConfigError> {
    let root = xml.root("synchronizationRule")?;
    let direction = match xml.required(root, "direction")?.as_str() {
        "Inbound" => Direction::Inbound,
        "Outbound" => Direction::Outbound,
        other => {
            let node = child(root, "direction").unwrap_or(root);
            return Err(xml.error(node, format!("'{other}' is not Inbound or Outbound")));
        }
    };
    let precedence_text = xml.required(root, "precedence")?;
    let precedence = precedence_text.parse().map_err(|_| {
        xml.error(child(root, "precedence").unwrap_or(root), format!("'{precedence_text}' is not a number"))
    })?;
    let scoping = condition_groups(root, "synchronizationCriteria", "scope", |scope| {
        Ok(ScopeCondition {
            attribute: xml.required(scope, "csAttribute")?,
            operator: xml.required(scope, "csOperator")?.to_uppercase(),
            value: text(scope, "csValue").unwrap_or_default(),
        })
    })?;
    let joins = condition_groups(root, "relationshipCriteria", "condition", |condition| {
        Ok(JoinCondition {
            source: xml.required(condition, "csAttribute")?,
            target: xml.required(condition, "ilmAttribute")?,
        })
    })?;
    let flows = child(root, "attribute-mappings")
        .into_iter()
        .flat_map(|m| children(m, "mapping"))
        .map(|mapping| {
            Ok(AttributeFlow {
                destination: xml.required(mapping, "dest")?,
                sources: texts_at(mapping, &["src", "attr"]),
                expression: text(mapping, "expression").filter(|e| !e.is_empty()).or_else(|| constant(mapping)),
            })
        })
        .collect::<Result<Vec<_>, ConfigError>>()?;
    Ok(SyncRule {
        id: guid_key(&xml.required(root, "id")?),
        name: xml.required(root, "name")?,
        immutable_tag: text(root, "immutable-tag").unwrap_or_default(),
        direction,
        disabled: match child(root, "disabled") {
            None => false,
            Some(node) => match node.text().unwrap_or_default().trim() {
                flag if flag.eq_ignore_ascii_case("true") => true,
                flag if flag.eq_ignore_ascii_case("false") || flag.is_empty() => false,
                flag => return Err(xml.error(node, format!("'{flag}' is not True or False"))),
            },
        },
        connector: guid_key(&xml.required(root, "connector")?),
        source_type: xml.required(root, "sourceObjectType")?,
        target_type: xml.required(root, "targetObjectType")?,
        link_type: xml.required(root, "linkType")?,
        precedence,
        scoping,
        joins,
        flows,
    })
}
