//! Graph JSON, as Graph PowerShell's `ConvertTo-Json` writes it (PascalCase keys, a list, or
//! one object for a single result) and as Graph REST returns it (camelCase keys, a
//! `{"value": [...], "@odata.nextLink": ...}` page). Read as a stream: each item, its texts
//! borrowed from the file where they hold no escape, is packed into its cloud object as soon as
//! it is read (no JSON tree, and no list of a million items in memory). A file's kind (users,
//! groups, contacts, directory roles, domains, synchronization features) is told by what its
//! first object holds.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::{CloudFields, CloudKind, CloudObject, Page, Part, ProvisioningError, SyncFeatures, TenantError};

/// A JSON string, borrowed from the file unless it holds an escape.
#[derive(Debug, Default)]
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for TextVisitor<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Borrowed(text)))
            }
            fn visit_str<E>(self, text: &str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(text.to_owned())))
            }
            fn visit_string<E>(self, text: String) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(text)))
            }
        }
        deserializer.deserialize_str(TextVisitor(std::marker::PhantomData))
    }
}

impl AsRef<str> for Text<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A text (borrowed from the file, or a `String`), trimmed, or "" when absent.
fn borrow<S: AsRef<str>>(text: &Option<S>) -> &str {
    text.as_ref().map_or("", |t| t.as_ref().trim())
}

/// Whether a key is there at all, whatever it holds (PowerShell writes `"CompanyName": null`).
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    IgnoredAny::deserialize(deserializer).map(|_| true)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct OdataType {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Member {
    #[serde(alias = "Id")]
    id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Features {
    #[serde(alias = "BlockSoftMatchEnabled")]
    block_soft_match_enabled: Option<bool>,
    #[serde(alias = "BlockCloudObjectTakeoverThroughHardMatchEnabled")]
    block_cloud_object_takeover_through_hard_match_enabled: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorItem {
    #[serde(alias = "Category")]
    category: Option<String>,
    #[serde(alias = "OccurredDateTime")]
    occurred_date_time: Option<String>,
    #[serde(alias = "PropertyCausingError")]
    property_causing_error: Option<String>,
    #[serde(alias = "Value")]
    value: Option<String>,
}

/// Everything any listing's objects hold that syncready reads.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Item<'a> {
    #[serde(alias = "Id", borrow)]
    id: Option<Text<'a>>,
    #[serde(alias = "DisplayName", borrow)]
    display_name: Option<Text<'a>>,
    #[serde(alias = "UserPrincipalName", default, deserialize_with = "present_text", borrow)]
    user_principal_name: (bool, Option<Text<'a>>),
    #[serde(alias = "Mail", borrow)]
    mail: Option<Text<'a>>,
    #[serde(alias = "ProxyAddresses", borrow)]
    proxy_addresses: Option<Vec<Text<'a>>>,
    #[serde(alias = "OnPremisesImmutableId", borrow)]
    on_premises_immutable_id: Option<Text<'a>>,
    #[serde(alias = "OnPremisesSyncEnabled")]
    on_premises_sync_enabled: Option<bool>,
    #[serde(alias = "OnPremisesDistinguishedName", borrow)]
    on_premises_distinguished_name: Option<Text<'a>>,
    #[serde(alias = "OnPremisesProvisioningErrors")]
    on_premises_provisioning_errors: Option<Vec<ErrorItem>>,
    #[serde(alias = "RoleTemplateId", default, deserialize_with = "present")]
    role_template_id: bool,
    #[serde(alias = "Members")]
    members: Option<Vec<Member>>,
    #[serde(alias = "IsVerified")]
    is_verified: Option<bool>,
    #[serde(alias = "Features")]
    features: Option<Features>,
    #[serde(alias = "SecurityEnabled", default, deserialize_with = "present")]
    security_enabled: bool,
    #[serde(alias = "GroupTypes", default, deserialize_with = "present")]
    group_types: bool,
    #[serde(alias = "CompanyName", default, deserialize_with = "present")]
    company_name: bool,
    #[serde(alias = "Phones", default, deserialize_with = "present")]
    phones: bool,
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    #[serde(alias = "AdditionalProperties")]
    additional_properties: Option<OdataType>,
}

/// A key that is there (even as null), with its text.
fn present_text<'de: 'a, 'a, D: Deserializer<'de>>(deserializer: D) -> Result<(bool, Option<Text<'a>>), D::Error> {
    Option::<Text>::deserialize(deserializer).map(|text| (true, text))
}

impl Item<'_> {
    fn odata_type(&self) -> String {
        let nested = self.additional_properties.as_ref().and_then(|a| a.odata_type.as_deref());
        self.odata_type.as_deref().or(nested).unwrap_or_default().to_ascii_lowercase()
    }
}

/// Reads a Graph export from its text.
pub(super) fn parse(path: &Path, source: &str) -> Result<Page, TenantError> {
    read(path, serde_json::de::StrRead::new(source))
}

/// Reads a Graph export as a stream (a large export is never in memory whole).
pub(super) fn parse_reader(path: &Path, reader: impl std::io::Read) -> Result<Page, TenantError> {
    read(path, serde_json::de::IoRead::new(reader))
}

fn read<'de>(path: &Path, source: impl serde_json::de::Read<'de>) -> Result<Page, TenantError> {
    let mut listing = Listing { path, part: Part::Empty, items: 0, failure: None };
    let mut more_follow = false;
    let mut deserializer = serde_json::Deserializer::new(source);
    let read = FileSeed { listing: &mut listing, more_follow: &mut more_follow }
        .deserialize(&mut deserializer)
        .and_then(|()| deserializer.end());
    if let Some(failure) = listing.failure {
        return Err(failure);
    }
    read.map_err(|e| TenantError::Syntax {
        path: path.to_owned(),
        line: e.line() as u64,
        message: match e.classify() {
            serde_json::error::Category::Data => format!("not a Graph export: {e}"),
            _ => format!("not JSON: {e}"),
        },
    })?;
    Ok(Page { part: listing.part, more_follow })
}

fn content(path: &Path, message: &str) -> TenantError {
    TenantError::Content { path: path.to_owned(), message: message.to_owned() }
}

/// The part a file's items make, built as they are read.
struct Listing<'p> {
    path: &'p Path,
    part: Part,
    items: usize,
    /// Why an item could not be taken (the read stops there).
    failure: Option<TenantError>,
}

impl Listing<'_> {
    /// Takes one item; the first tells what kind of listing the file is.
    fn take(&mut self, item: Item) -> Result<(), TenantError> {
        self.items += 1;
        if matches!(self.part, Part::Empty) {
            self.part = self.kind_of(&item)?;
        }
        match &mut self.part {
            Part::Objects(kind, objects) => {
                let object = cloud_object(item, *kind)
                    .ok_or_else(|| content(self.path, &format!("item {}: no Id", self.items)))?;
                objects.push(object);
            }
            Part::Roles(roles) => roles.push(role(item)),
            Part::Domains(domains) => {
                if let (Some(id), Some(verified)) = (text_of(&item.id), item.is_verified) {
                    domains.push((id, verified));
                }
            }
            Part::Features(features) => {
                if let Some(read) = &item.features {
                    *features = SyncFeatures {
                        block_soft_match: read.block_soft_match_enabled.unwrap_or(false),
                        block_cloud_object_takeover: read
                            .block_cloud_object_takeover_through_hard_match_enabled
                            .unwrap_or(false),
                    };
                }
            }
            Part::Empty => {}
        }
        Ok(())
    }

    /// What kind of listing an item says the file is (an empty part of that kind).
    fn kind_of(&self, first: &Item) -> Result<Part, TenantError> {
        let kind = first.odata_type();
        if first.role_template_id || kind.ends_with("directoryrole") {
            return Ok(Part::Roles(Vec::new()));
        }
        if first.is_verified.is_some() || kind.ends_with(".domain") {
            return Ok(Part::Domains(Vec::new()));
        }
        if first.features.is_some() {
            return Ok(Part::Features(SyncFeatures::default()));
        }
        let kind = if first.user_principal_name.0 || kind.ends_with(".user") {
            CloudKind::User
        } else if first.security_enabled || first.group_types || kind.ends_with(".group") {
            CloudKind::Group
        } else if kind.ends_with("orgcontact") || first.company_name || first.phones {
            CloudKind::Contact
        } else {
            return Err(TenantError::Syntax {
                path: self.path.to_owned(),
                line: 1,
                message: "not a Graph export of users, groups, contacts, directory roles, domains or \
                          synchronization features (see the README for the commands)"
                    .into(),
            });
        };
        Ok(Part::Objects(kind, Vec::new()))
    }
}

/// A file: a list of items, one item, or a Graph REST page (`value` holds the items).
struct FileSeed<'l, 'p> {
    listing: &'l mut Listing<'p>,
    more_follow: &'l mut bool,
}

/// Stops the read with a failure the listing keeps.
fn stop<E: serde::de::Error>(listing: &mut Listing, failure: TenantError) -> E {
    listing.failure = Some(failure);
    E::custom("stopped")
}

impl<'de> DeserializeSeed<'de> for FileSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FileSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of Graph objects, one object, or a Graph REST page")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        ItemsSeed(self.listing).visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // A page streams its `value`; any other object is one item, kept whole (it is small).
        let mut fields = serde_json::Map::new();
        let mut paged = false;
        while let Some(key) = map.next_key::<Cow<str>>()? {
            match key.as_ref() {
                "value" => {
                    paged = true;
                    map.next_value_seed(ItemsSeed(&mut *self.listing))?;
                }
                "@odata.nextLink" => *self.more_follow |= map.next_value::<Option<IgnoredAny>>()?.is_some(),
                _ => {
                    fields.insert(key.into_owned(), map.next_value()?);
                }
            }
        }
        if !paged {
            let item = Item::deserialize(serde_json::Value::Object(fields)).map_err(serde::de::Error::custom)?;
            self.listing.take(item).map_err(|failure| stop(self.listing, failure))?;
        }
        Ok(())
    }
}

/// A list of items, each taken as it is read.
struct ItemsSeed<'l, 'p>(&'l mut Listing<'p>);

impl<'de> DeserializeSeed<'de> for ItemsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ItemsSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of Graph objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(item) = seq.next_element::<Item>()? {
            self.0.take(item).map_err(|failure| stop(self.0, failure))?;
        }
        Ok(())
    }
}

/// A text, trimmed, owned, when there and not empty.
fn text_of<S: AsRef<str>>(value: &Option<S>) -> Option<String> {
    Some(borrow(value)).filter(|s| !s.is_empty()).map(str::to_owned)
}

fn role(item: Item) -> (String, Vec<String>) {
    let name = text_of(&item.display_name).or_else(|| text_of(&item.id)).unwrap_or_default();
    let members = item.members.unwrap_or_default().into_iter().filter_map(|m| text_of(&m.id)).collect();
    (name, members)
}

fn cloud_object(item: Item, kind: CloudKind) -> Option<CloudObject> {
    let id = borrow(&item.id);
    if id.is_empty() {
        return None;
    }
    let proxies = item.proxy_addresses.as_deref().unwrap_or_default();
    let fields = CloudFields {
        id,
        display_name: borrow(&item.display_name),
        user_principal_name: borrow(&item.user_principal_name.1),
        mail: borrow(&item.mail),
        immutable_id: borrow(&item.on_premises_immutable_id),
        on_premises_dn: borrow(&item.on_premises_distinguished_name),
        proxy_addresses: proxies.iter().map(|p| p.0.as_ref()).collect(),
    };
    let errors = item.on_premises_provisioning_errors.unwrap_or_default();
    let errors = errors.into_iter().filter_map(provisioning_error).collect();
    Some(CloudObject::new(fields, kind, item.on_premises_sync_enabled.unwrap_or(false), errors))
}

fn provisioning_error(entry: ErrorItem) -> Option<ProvisioningError> {
    Some(ProvisioningError {
        category: text_of(&entry.category).unwrap_or_default(),
        property: text_of(&entry.property_causing_error)?,
        value: text_of(&entry.value).unwrap_or_default(),
        occurred: text_of(&entry.occurred_date_time).unwrap_or_default(),
    })
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    Many(Vec<ErrorItem>),
    One(ErrorItem),
}

/// The provisioning errors of a CSV cell: the JSON of one entry or of a list of them.
pub(super) fn provisioning_errors(json: &str) -> Result<Vec<ProvisioningError>, serde_json::Error> {
    let entries = match serde_json::from_str::<OneOrMany>(json)? {
        OneOrMany::Many(entries) => entries,
        OneOrMany::One(entry) => vec![entry],
    };
    Ok(entries.into_iter().filter_map(provisioning_error).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users(json: &str) -> Vec<CloudObject> {
        match parse(Path::new("users.json"), json).map(|page| page.part) {
            Ok(Part::Objects(CloudKind::User, objects)) => objects,
            Ok(_) => panic!("not users"),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn escaped_and_plain_texts_pack_alike_and_one_object_is_a_list_of_one() {
        let listed = users(
            r#"[{"Id": " 7 ", "UserPrincipalName": "ann@contoso.com", "DisplayName": "Ann \"A\" Lee",
                 "ProxyAddresses": ["SMTP:ann@contoso.com", "smtp:a\u0040contoso.com"], "Mail": null}]"#,
        );
        let one = users(
            r#"{"Id": "7", "UserPrincipalName": "ann@contoso.com", "DisplayName": "Ann \"A\" Lee",
                "ProxyAddresses": ["SMTP:ann@contoso.com", "smtp:a@contoso.com"]}"#,
        );
        assert_eq!(listed, one);
        let ann = &listed[0];
        assert_eq!((ann.id(), ann.display_name(), ann.mail()), ("7", "Ann \"A\" Lee", None));
        assert_eq!(ann.proxy_addresses().collect::<Vec<_>>(), ["SMTP:ann@contoso.com", "smtp:a@contoso.com"]);
        assert_eq!(ann.primary_smtp(), Some("ann@contoso.com"));
        assert!(ann.is_cloud_only());
    }

    #[test]
    fn a_page_streams_its_value_and_an_item_without_an_id_is_named() {
        let page = r#"{"@odata.context": "x", "value": [{"id": "1", "userPrincipalName": "a@contoso.com"},
                       {"id": "2", "userPrincipalName": "b@contoso.com"}], "@odata.nextLink": "https://graph"}"#;
        let read = parse(Path::new("page.json"), page).unwrap();
        assert!(read.more_follow);
        let Part::Objects(_, objects) = read.part else { panic!("not objects") };
        assert_eq!(objects.iter().map(CloudObject::id).collect::<Vec<_>>(), ["1", "2"]);
        let missing = r#"[{"Id": "1", "UserPrincipalName": "a@x.com"}, {"UserPrincipalName": "b@x.com"}]"#;
        let error = parse(Path::new("u.json"), missing).err().unwrap().to_string();
        assert_eq!(error, "u.json: item 2: no Id");
    }
}
