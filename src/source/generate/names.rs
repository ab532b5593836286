//! The generator's raw material: a seeded PRNG and name pools from several languages, each
//! name with the ASCII form an admin would have used for addresses.

/// SplitMix64: small, fast, and stable across versions (the seed must always give the same
/// directory).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5EED_5EED_5EED_5EED)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn bytes16(&mut self) -> [u8; 16] {
        let (a, b) = (self.next_u64(), self.next_u64());
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&a.to_le_bytes());
        out[8..].copy_from_slice(&b.to_le_bytes());
        out
    }
}

/// Given names: (as displayed, as used in addresses).
pub const GIVEN_NAMES: &[(&str, &str)] = &[
    ("John", "john"),
    ("Mary", "mary"),
    ("Jürgen", "jurgen"),
    ("Zoë", "zoe"),
    ("Łukasz", "lukasz"),
    ("Søren", "soren"),
    ("José", "jose"),
    ("François", "francois"),
    ("Björn", "bjorn"),
    ("Mária", "maria"),
    ("Chloé", "chloe"),
    ("Émile", "emile"),
    ("Anne-Marie", "annemarie"),
    ("Siobhán", "siobhan"),
    ("Ahmed", "ahmed"),
    ("Priya", "priya"),
    ("Wei", "wei"),
    ("太郎", "taro"),
    ("Kenji", "kenji"),
    ("Олег", "oleg"),
    ("Γιώργος", "giorgos"),
    ("Fatima", "fatima"),
    ("Åsa", "asa"),
    ("Ingrid", "ingrid"),
];

/// Surnames: (as displayed, as used in addresses).
pub const SURNAMES: &[(&str, &str)] = &[
    ("Smith", "smith"),
    ("Müller", "muller"),
    ("O'Brien", "obrien"),
    ("Dvořák", "dvorak"),
    ("Nowak", "nowak"),
    ("García", "garcia"),
    ("Lefèvre", "lefevre"),
    ("Østergaard", "ostergaard"),
    ("山田", "yamada"),
    ("Tanaka", "tanaka"),
    ("Иванов", "ivanov"),
    ("Παπαδόπουλος", "papadopoulos"),
    ("Nguyễn", "nguyen"),
    ("Schröder", "schroder"),
    ("Da Silva", "dasilva"),
    ("van der Berg", "vanderberg"),
    ("Al-Farsi", "alfarsi"),
    ("Jensen", "jensen"),
    ("Iwamoto", "iwamoto"),
    ("Kowalczyk", "kowalczyk"),
];

pub const CITIES: &[&str] = &[
    "Paris",
    "Berlin",
    "Tokyo",
    "Warsaw",
    "Madrid",
    "Oslo",
    "Zürich",
    "London",
    "Montréal",
    "Athens",
    "Hanoi",
    "Cairo",
    "Seoul",
    "Lima",
    "Dublin",
    "Prague",
];

pub const DEPARTMENTS: &[&str] = &["Sales", "Engineering", "Finance", "HR", "Operations"];

/// The tenant's mail domains (real TLDs, including ones IdFix wrongly rejected, and punycode).
pub const MAIL_DOMAINS: &[&str] =
    &["contoso.com", "contoso.co.uk", "contoso.swiss", "contoso.cloud", "contoso.app", "xn--mnchen-3ya.de"];

/// Partners' domains, for contacts.
pub const EXTERNAL_DOMAINS: &[&str] =
    &["northwindtraders.com", "fabrikam.fr", "adventure-works.de", "wingtiptoys.co.jp", "litware.africa"];

pub const UPN_DOMAIN: &str = "contoso.com";
pub const ROUTING_DOMAIN: &str = "contoso.mail.onmicrosoft.com";

pub const GROUP_TOPICS: &[&str] = &["Team", "Project Alpha", "Readers", "Approvers", "All Staff", "Support"];
