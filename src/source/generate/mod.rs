//! `syncready generate`: a seeded, deterministic generator of realistic dirty directories.
//! OUs per city and department, users, contacts and groups with members, names from several
//! languages, mail, proxyAddresses, mailNickname, targetAddress, UPNs, objectGUID and
//! mS-DS-ConsistencyGuid; a controlled share of objects gets one planted defect of the spec,
//! and every finding a scan must report for it is returned as ground truth. Objects without a
//! planted defect are clean, and so are the skipped and out-of-scope objects' neighbours.

mod defects;
mod names;
mod record;
mod tenant;

use std::io::{self, Write};
use std::path::Path;

use names::{
    CITIES, DEPARTMENTS, EXTERNAL_DOMAINS, GIVEN_NAMES, GROUP_TOPICS, MAIL_DOMAINS, ROUTING_DOMAIN, Rng, SURNAMES,
    UPN_DOMAIN,
};
use record::{Kind, Record, escape_rdn};

const BASE_DN: &str = "DC=contoso,DC=com";

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    pub objects: u64,
    pub seed: u64,
    /// Share of users, contacts and groups that get a planted defect.
    pub defect_rate: f64,
    /// Plant only defects Active Directory can hold (for loading into a real DC).
    pub ad_storable: bool,
}

/// The smallest directory the generator writes (containers and special objects included).
pub const MIN_OBJECTS: u64 = 60;

/// One finding a scan must report: (DN, attribute, value, error names as in the ERROR column).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Planted {
    pub dn: String,
    pub attribute: String,
    pub value: String,
    pub error: String,
}

/// Writes the directory as LDIF to `out` and returns the planted findings, sorted.
pub fn generate(options: &GenerateOptions, out: &mut impl Write) -> io::Result<Vec<Planted>> {
    generate_directory(options, out, false).map(|(planted, _)| planted)
}

/// [`generate`], and a tenant export of the same directory written to `tenant_folder`; the
/// findings returned are those a scan with that tenant must report (the directory's and the
/// tenant's), sorted. The LDIF is the same as [`generate`] writes.
pub fn generate_with_tenant(
    options: &GenerateOptions,
    out: &mut impl Write,
    tenant_folder: &Path,
) -> io::Result<Vec<Planted>> {
    let (mut planted, candidates) = generate_directory(options, out, true)?;
    let found = tenant::write_tenant(tenant_folder, &candidates, &planted, options.seed, options.objects)?;
    planted.extend(found);
    planted.sort();
    Ok(planted)
}

fn generate_directory(
    options: &GenerateOptions,
    out: &mut impl Write,
    with_tenant: bool,
) -> io::Result<(Vec<Planted>, Vec<tenant::Candidate>)> {
    if options.objects < MIN_OBJECTS {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("--objects must be at least {MIN_OBJECTS}")));
    }
    let mut generator = Generator::new(options);
    generator.candidates = with_tenant.then(Vec::new);
    out.write_all(b"version: 1\n\n")?;
    let mut written = generator.write_containers(options.objects, out)?;
    let specials = generator.specials();
    while written + (specials.len() as u64) < options.objects {
        let record = generator.next_object();
        record.write_ldif(out)?;
        written += 1;
    }
    for record in generator.finish_specials(specials) {
        record.write_ldif(out)?;
    }
    let mut planted = generator.planted;
    planted.sort();
    Ok((planted, generator.candidates.unwrap_or_default()))
}

/// Writes planted findings as CSV (DISTINGUISHEDNAME, ATTRIBUTE, VALUE, ERROR).
pub fn write_truth(path: &Path, planted: &[Planted]) -> io::Result<()> {
    let mut writer = csv::Writer::from_path(path)?;
    writer.write_record(["DISTINGUISHEDNAME", "ATTRIBUTE", "VALUE", "ERROR"])?;
    for p in planted {
        writer.write_record([&p.dn, &p.attribute, &p.value, &p.error])?;
    }
    writer.flush()
}

/// Reads a truth file written by `write_truth`.
pub fn read_truth(path: &Path) -> io::Result<Vec<Planted>> {
    let mut reader = csv::Reader::from_path(path)?;
    reader
        .records()
        .map(|record| {
            let record = record?;
            let cell = |i: usize| record.get(i).unwrap_or("").to_owned();
            Ok(Planted { dn: cell(0), attribute: cell(1), value: cell(2), error: cell(3) })
        })
        .collect()
}

/// What the tenant needs of a clean user.
fn candidate(record: &Record) -> tenant::Candidate {
    use base64::Engine as _;
    let proxy = |prefix: &str| record.texts("proxyAddresses").find_map(|p| p.strip_prefix(prefix)).map(str::to_owned);
    tenant::Candidate {
        dn: record.dn.clone(),
        upn: record.get("userPrincipalName").unwrap_or_default().to_owned(),
        primary: proxy("SMTP:"),
        routing: proxy("smtp:"),
        anchor: base64::engine::general_purpose::STANDARD
            .encode(record.bytes("mS-DS-ConsistencyGuid").unwrap_or_default()),
    }
}

struct Generator {
    rng: Rng,
    defect_rate: f64,
    ad_storable: bool,
    /// Object number, part of every generated name so that clean values never collide.
    serial: u64,
    /// OUs objects go to: (users OU per department, groups OU, contacts OU) per city.
    cities: Vec<CityOus>,
    /// A clean object of each kind, kept to be the other holder of a planted duplicate.
    partners: [Option<Record>; 3],
    recent_users: Vec<String>,
    planted: Vec<Planted>,
    /// The clean users, when a tenant export is to be written for them.
    candidates: Option<Vec<tenant::Candidate>>,
}

struct CityOus {
    departments: Vec<String>,
    groups: String,
    contacts: String,
}

fn slot(kind: Kind) -> usize {
    match kind {
        Kind::User => 0,
        Kind::Contact => 1,
        Kind::Group => 2,
    }
}

impl Generator {
    fn new(options: &GenerateOptions) -> Generator {
        Generator {
            rng: Rng::new(options.seed),
            defect_rate: options.defect_rate,
            ad_storable: options.ad_storable,
            serial: 0,
            cities: Vec::new(),
            partners: [None, None, None],
            recent_users: Vec::new(),
            planted: Vec::new(),
            candidates: None,
        }
    }

    fn plant(&mut self, dn: &str, attribute: &str, value: &str, error: &str) {
        self.planted.push(Planted {
            dn: dn.to_owned(),
            attribute: attribute.to_owned(),
            value: value.to_owned(),
            error: error.to_owned(),
        });
    }

    fn take_partner(&mut self, kind: Kind) -> Option<Record> {
        self.partners[slot(kind)].take()
    }

    /// The domain, one OU per city, and its department, group and contact OUs.
    fn write_containers(&mut self, objects: u64, out: &mut impl Write) -> io::Result<u64> {
        let mut domain = Record::new(BASE_DN.to_owned(), &["top", "domain", "domainDNS"]);
        domain.text("dc", "contoso");
        domain.write_ldif(out)?;
        let mut written = 1;
        let city_count = (objects / 2000).clamp(2, CITIES.len() as u64) as usize;
        for city in &CITIES[..city_count] {
            let city_dn = format!("OU={},{BASE_DN}", escape_rdn(city));
            let mut children = vec![city_dn.clone()];
            let departments: Vec<String> = DEPARTMENTS.iter().map(|d| format!("OU={d},{city_dn}")).collect();
            children.extend(departments.iter().cloned());
            let groups = format!("OU=Groups,{city_dn}");
            let contacts = format!("OU=Contacts,{city_dn}");
            children.extend([groups.clone(), contacts.clone()]);
            for dn in children {
                let mut ou = Record::new(dn, &["top", "organizationalUnit"]);
                ou.text("description", format!("{city} office"));
                ou.write_ldif(out)?;
                written += 1;
            }
            self.cities.push(CityOus { departments, groups, contacts });
        }
        Ok(written)
    }

    fn next_object(&mut self) -> Record {
        self.serial += 1;
        let roll = self.rng.below(100);
        let (kind, mut record) = match roll {
            0..=1 => return self.computer(),
            2..=11 => (Kind::Contact, self.contact()),
            12..=21 => (Kind::Group, self.group()),
            _ => (Kind::User, self.user()),
        };
        let defective = self.rng.chance(self.defect_rate) && self.plant_defect(kind, &mut record);
        if !defective && self.partners[slot(kind)].is_none() {
            self.partners[slot(kind)] = Some(record.clone());
        }
        if kind == Kind::User
            && !defective
            && let Some(candidates) = &mut self.candidates
        {
            candidates.push(candidate(&record));
        }
        if kind == Kind::User {
            if self.recent_users.len() == 32 {
                self.recent_users.remove(0);
            }
            self.recent_users.push(record.dn.clone());
        }
        record
    }

    fn person(&mut self) -> ((&'static str, &'static str), (&'static str, &'static str)) {
        (*self.rng.pick(GIVEN_NAMES), *self.rng.pick(SURNAMES))
    }

    fn user(&mut self) -> Record {
        let ((given, given_ascii), (sn, sn_ascii)) = self.person();
        let n = self.serial;
        let city = self.rng.below(self.cities.len());
        let ou = self.rng.pick(&self.cities[city].departments).clone();
        let cn = format!("{given} {sn} {n}");
        let mut record =
            Record::new(format!("CN={},{ou}", escape_rdn(&cn)), &["top", "person", "organizationalPerson", "user"]);
        record.text("cn", cn);
        record.text("givenName", given);
        record.text("sn", sn);
        record.text("displayName", format!("{given} {sn}"));
        let sam_stem: String = sn_ascii.chars().take(10).collect();
        record.text("sAMAccountName", format!("{}{sam_stem}{n:x}", &given_ascii[..1]));
        let local = format!("{given_ascii}.{sn_ascii}{n}");
        record.text("userPrincipalName", format!("{local}@{UPN_DOMAIN}"));
        if self.rng.chance(0.9) {
            let domain = *self.rng.pick(MAIL_DOMAINS);
            let mail = format!("{local}@{domain}");
            record.text("mail", mail.clone());
            record.text("mailNickname", local.clone());
            record.text("proxyAddresses", format!("SMTP:{mail}"));
            record.text("proxyAddresses", format!("smtp:{local}@{ROUTING_DOMAIN}"));
            if self.rng.chance(0.3) {
                let id = self.rng.next_u64();
                record.text(
                    "proxyAddresses",
                    format!("X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn={id:016x}-{local}"),
                );
            }
            if self.rng.chance(0.2) {
                record.text("proxyAddresses", format!("sip:{mail}"));
            }
            if self.rng.chance(0.3) {
                record.text("targetAddress", format!("SMTP:{local}@{ROUTING_DOMAIN}"));
            }
        }
        self.anchor(&mut record);
        record
    }

    fn contact(&mut self) -> Record {
        let ((given, given_ascii), (sn, sn_ascii)) = self.person();
        let n = self.serial;
        let city = self.rng.below(self.cities.len());
        let cn = format!("{given} {sn} (partner {n})");
        let dn = format!("CN={},{}", escape_rdn(&cn), self.cities[city].contacts);
        let mut record = Record::new(dn, &["top", "person", "organizationalPerson", "contact"]);
        record.text("cn", cn);
        record.text("displayName", format!("{given} {sn}"));
        let local = format!("{given_ascii}.{sn_ascii}{n}");
        let mail = format!("{local}@{}", self.rng.pick(EXTERNAL_DOMAINS));
        record.text("mail", mail.clone());
        record.text("mailNickname", local);
        record.text("proxyAddresses", format!("SMTP:{mail}"));
        record.text("targetAddress", format!("SMTP:{mail}"));
        self.anchor(&mut record);
        record
    }

    fn group(&mut self) -> Record {
        let n = self.serial;
        let city = self.rng.below(self.cities.len());
        let department = *self.rng.pick(DEPARTMENTS);
        let topic = *self.rng.pick(GROUP_TOPICS);
        let cn = format!("{department} {topic} {n}");
        let dn = format!("CN={},{}", escape_rdn(&cn), self.cities[city].groups);
        let mut record = Record::new(dn, &["top", "group"]);
        record.text("cn", cn.clone());
        record.text("displayName", cn);
        record.text("sAMAccountName", format!("grp-{n}"));
        if self.rng.chance(0.6) {
            let slug = format!("{}.{}{n}", department.to_lowercase(), topic.to_lowercase().replace(' ', ""));
            let mail = format!("{slug}@{}", self.rng.pick(MAIL_DOMAINS));
            record.text("groupType", "8");
            record.text("mail", mail.clone());
            record.text("mailNickname", slug);
            record.text("proxyAddresses", format!("SMTP:{mail}"));
        } else {
            record.text("groupType", "-2147483646");
        }
        let members = self.rng.below(self.recent_users.len().min(12) + 1);
        for member in self.recent_users.iter().rev().take(members) {
            record.attrs.push(("member", record::Val::Text(member.clone())));
        }
        self.anchor(&mut record);
        record
    }

    fn computer(&mut self) -> Record {
        let n = self.serial;
        let name = format!("PC-{n:06}");
        let dn = format!("CN={name},OU={},{BASE_DN}", escape_rdn(CITIES[0]));
        let mut record = Record::new(dn, &["top", "person", "organizationalPerson", "user", "computer"]);
        record.text("cn", name.clone());
        record.text("sAMAccountName", format!("{name}$"));
        // Out of scope: a computer's values are never reported, however bad.
        record.text("displayName", format!("{name} "));
        self.anchor(&mut record);
        record
    }

    fn anchor(&mut self, record: &mut Record) {
        let guid = self.rng.bytes16();
        record.binary("objectGUID", guid.to_vec());
        record.binary("mS-DS-ConsistencyGuid", guid.to_vec());
    }
}
