//! objectGUID values: 16 raw bytes, shown the way Windows tools show them.

use std::fmt;

/// The 16 bytes of an objectGUID as stored in Active Directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectGuid(pub [u8; 16]);

impl ObjectGuid {
    /// Takes exactly 16 bytes; anything else is not a GUID.
    pub fn from_bytes(bytes: &[u8]) -> Option<ObjectGuid> {
        bytes.try_into().ok().map(ObjectGuid)
    }
}

/// Text that is not a GUID in the registry form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an objectGUID (32 hex digits as 8-4-4-4-12, as Get-ADUser shows it)")]
pub struct GuidParseError(pub String);

impl std::str::FromStr for ObjectGuid {
    type Err = GuidParseError;

    /// The registry form [`Display`](fmt::Display) writes, with or without braces, any case.
    fn from_str(text: &str) -> Result<ObjectGuid, GuidParseError> {
        let error = || GuidParseError(text.to_owned());
        let inner = text.trim();
        let inner = inner.strip_prefix('{').and_then(|t| t.strip_suffix('}')).unwrap_or(inner);
        let groups: Vec<&str> = inner.split('-').collect();
        let shape_ok = groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
            && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()));
        if !shape_ok {
            return Err(error());
        }
        let hex: String = groups.concat();
        let mut bytes = [0u8; 16];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| error())?;
        }
        // The first three groups are stored little-endian.
        bytes[0..4].reverse();
        bytes[4..6].reverse();
        bytes[6..8].reverse();
        Ok(ObjectGuid(bytes))
    }
}

impl fmt::Display for ObjectGuid {
    /// The registry form (`Get-ADUser` shows it this way): the first three groups are
    /// little-endian in the raw bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = &self.0;
        write!(
            f,
            "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
            b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]
        )
    }
}

impl serde::Serialize for ObjectGuid {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ObjectGuid {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<ObjectGuid, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_displays_in_windows_byte_order() {
        let raw: Vec<u8> = (0u8..16).collect();
        let guid = ObjectGuid::from_bytes(&raw).unwrap();
        assert_eq!(guid.to_string(), "03020100-0504-0706-0809-0a0b0c0d0e0f");
        assert_eq!(ObjectGuid::from_bytes(&raw[..15]), None);
    }

    #[test]
    fn guid_text_parses_back_to_its_bytes_and_nothing_else_parses() {
        let raw: Vec<u8> = (0u8..16).collect();
        let guid = ObjectGuid::from_bytes(&raw).unwrap();
        assert_eq!("03020100-0504-0706-0809-0a0b0c0d0e0f".parse::<ObjectGuid>(), Ok(guid));
        assert_eq!(" {03020100-0504-0706-0809-0A0B0C0D0E0F} ".parse::<ObjectGuid>(), Ok(guid));
        for bad in [
            "",
            "not-a-guid",
            "03020100-0504-0706-0809-0a0b0c0d0e0",
            "03020100-0504-0706-0809-0a0b0c0d0e0g",
            "030201000504-0706-0809-0a0b0c0d0e0f",
            "+3020100-0504-0706-0809-0a0b0c0d0e0f",
        ] {
            assert_eq!(
                bad.parse::<ObjectGuid>().unwrap_err().to_string(),
                format!("'{bad}' is not an objectGUID (32 hex digits as 8-4-4-4-12, as Get-ADUser shows it)")
            );
        }
    }
}
