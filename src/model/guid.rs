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
}
