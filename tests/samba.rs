//! The Samba test harness: provisions a throwaway Active Directory domain controller in a temp
//! folder, bound to its own 127.x.y.z address, with a TLS certificate for that address, the
//! Exchange attributes the rules need added to its schema, and fixtures loaded (objectGUIDs
//! kept); starts it, and stops and removes it when dropped, even when a test fails. Installs
//! the Debian packages it needs when they are missing.

use std::io::Write as _;
use std::net::TcpStream;
#[cfg(unix)]
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use syncready::rules::{Ruleset, needed_attributes};
use syncready::source::ldap::{Bind, LdapOptions, Security};

pub const ADMIN_PASSWORD: &str = "Syncready-Test-2026!";

/// The port of the DC's revocation-list server, on the DC's own address.
const CRL_PORT: u16 = 8080;

const PACKAGES: [&str; 8] =
    ["samba", "samba-ad-dc", "samba-ad-provision", "ldb-tools", "ldap-utils", "winbind", "krb5-user", "openssl"];

/// A running domain controller.
pub struct SambaDc {
    pub ip: String,
    pub realm: String,
    pub base_dn: String,
    pub dir: PathBuf,
    child: Option<Child>,
}

fn run(command: &mut Command) -> String {
    let output = command.output().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{command:?} failed:\n{text}");
    text
}

/// Installs Samba and its tools once per process when they are missing (tests run as root).
pub fn ensure_installed() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let present = |tool: &str| {
            Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success())
        };
        if ["samba", "samba-tool", "ldbadd", "ldapsearch", "openssl"].iter().all(|t| present(t)) {
            return;
        }
        run(Command::new("apt-get").arg("update").env("DEBIAN_FRONTEND", "noninteractive"));
        run(Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends"])
            .args(PACKAGES)
            .env("DEBIAN_FRONTEND", "noninteractive"));
    });
}

/// A loopback address no other DC of this machine uses.
fn next_ip() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(10);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let ip = format!("127.{}.{}.{}", 100 + std::process::id() % 100, n / 250, n % 250 + 2);
    let _ = Command::new("ip").args(["addr", "add", &format!("{ip}/32"), "dev", "lo"]).output();
    ip
}

/// Removes folders left by earlier runs whose process is gone.
fn sweep_stale() {
    static SWEPT: OnceLock<()> = OnceLock::new();
    SWEPT.get_or_init(|| {
        let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(pid) = name.strip_prefix("syncready-samba-").and_then(|r| r.split('-').next()) else { continue };
            if !Path::new(&format!("/proc/{pid}")).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    });
}

/// Samba provisioning is not safe to run concurrently in one process (it changes the cwd).
/// The NetBIOS name of a realm's domain: its first label, upper case, at most 15 letters.
fn netbios_domain(realm: &str) -> String {
    realm.split('.').next().unwrap().to_uppercase().chars().take(15).collect()
}

fn provision_lock() -> &'static Mutex<()> {
    static LOCK: Mutex<()> = Mutex::new(());
    &LOCK
}

impl SambaDc {
    /// Provisions and starts a DC for `realm` (e.g. `contoso.com`), with `fixtures` (LDIF
    /// content records; records for containers that provisioning creates are skipped).
    pub fn start(realm: &str, fixtures: &[&str]) -> SambaDc {
        SambaDc::start_serving(realm, fixtures, "ldap, kdc")
    }

    /// As `start`, with the services another DC needs to join the domain (CLDAP to find it,
    /// RPC and replication to copy the directory): see [`SambaDc::join_another`].
    pub fn start_joinable(realm: &str, fixtures: &[&str]) -> SambaDc {
        SambaDc::start_serving(realm, fixtures, "ldap, cldap, kdc, rpc, drepl")
    }

    fn start_serving(realm: &str, fixtures: &[&str], services: &str) -> SambaDc {
        ensure_installed();
        sweep_stale();
        let ip = next_ip();
        let dir = std::env::temp_dir().join(format!("syncready-samba-{}-{}", std::process::id(), ip.replace('.', "_")));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let base_dn = realm.split('.').map(|p| format!("DC={p}")).collect::<Vec<_>>().join(",");
        let netbios = netbios_domain(realm);
        {
            let _guard = provision_lock().lock().unwrap_or_else(|e| e.into_inner());
            run(Command::new("samba-tool").args([
                "domain",
                "provision",
                "--targetdir",
                dir.to_str().unwrap(),
                "--realm",
                &realm.to_uppercase(),
                "--domain",
                &netbios,
                "--server-role",
                "dc",
                "--dns-backend",
                "NONE",
                "--adminpass",
                ADMIN_PASSWORD,
                "--host-name",
                "dc1",
            ]));
        }
        let mut dc = SambaDc { ip, realm: realm.to_owned(), base_dn, dir, child: None };
        dc.write_tls_certificate();
        dc.configure(services);
        dc.extend_schema();
        for fixture in fixtures {
            dc.load(fixture);
        }
        dc.start_server();
        dc
    }

    /// A second DC of this domain (started with `start_joinable`), on its own address: `samba-tool
    /// domain join` replicates every object to it, objectGUIDs included, and it is started
    /// with its own certificate (its `ca_file` is its own CA's).
    pub fn join_another(&self) -> SambaDc {
        let ip = next_ip();
        let dir = std::env::temp_dir().join(format!("syncready-samba-{}-{}", std::process::id(), ip.replace('.', "_")));
        let _ = std::fs::remove_dir_all(&dir);
        let netbios = netbios_domain(&self.realm);
        {
            let _guard = provision_lock().lock().unwrap_or_else(|e| e.into_inner());
            run(Command::new("samba-tool")
                .args(["domain", "join", &self.realm, "DC", "--server", &self.ip])
                .arg(format!("--username={netbios}\\Administrator"))
                .arg(format!("--password={ADMIN_PASSWORD}"))
                .args(["--targetdir", dir.to_str().unwrap(), "--dns-backend", "NONE"])
                .arg(format!("--option=interfaces={ip}"))
                .args(["--option=bind interfaces only=yes", "--option=netbios name=DC2"])
                .arg(format!("--option=workgroup={netbios}"))
                .arg(format!("--option=realm={}", self.realm.to_uppercase())));
        }
        let mut dc = SambaDc { ip, realm: self.realm.clone(), base_dn: self.base_dn.clone(), dir, child: None };
        dc.write_tls_certificate();
        dc.configure("ldap, kdc");
        dc.start_server();
        dc
    }

    pub fn ldaps_url(&self) -> String {
        format!("ldaps://{}", self.ip)
    }

    pub fn ca_file(&self) -> PathBuf {
        self.dir.join("tls/ca.pem")
    }

    pub fn admin(&self) -> String {
        format!("Administrator@{}", self.realm)
    }

    /// Options that read this DC over LDAPS as its administrator, with the multi-tenant
    /// ruleset's attributes.
    pub fn ldap_options(&self) -> LdapOptions {
        LdapOptions {
            attributes: needed_attributes(&Ruleset::multi_tenant()),
            ..LdapOptions::new(
                vec![self.ldaps_url()],
                vec![Bind::Simple { user: self.admin(), password: ADMIN_PASSWORD.into() }],
                Security::Default,
                Some(self.ca_file()),
            )
        }
    }

    fn sam(&self) -> String {
        self.dir.join("private/sam.ldb").to_str().unwrap().to_owned()
    }

    fn write_tls_certificate(&self) {
        let tls = self.dir.join("tls");
        std::fs::create_dir_all(&tls).unwrap();
        let path = |name: &str| tls.join(name).to_str().unwrap().to_owned();
        run(Command::new("openssl").args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=syncready test CA",
            "-keyout",
            &path("ca.key"),
            "-out",
            &path("ca.pem"),
        ]));
        run(Command::new("openssl").args([
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            &format!("/CN=dc1.{}", self.realm),
            "-keyout",
            &path("key.pem"),
            "-out",
            &path("req.csr"),
        ]));
        std::fs::write(
            tls.join("ext.cnf"),
            format!(
                "subjectAltName=IP:{ip},DNS:dc1.{realm}\nextendedKeyUsage=serverAuth\ncrlDistributionPoints=URI:{crl}\n",
                ip = self.ip,
                realm = self.realm,
                crl = self.crl_url()
            ),
        )
        .unwrap();
        run(Command::new("openssl").args([
            "x509",
            "-req",
            "-in",
            &path("req.csr"),
            "-CA",
            &path("ca.pem"),
            "-CAkey",
            &path("ca.key"),
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            &path("ext.cnf"),
            "-out",
            &path("cert.pem"),
        ]));
        // The DC sends its whole chain, as AD DCs with an enterprise CA do: a client that does not
        // trust the CA then sees an untrusted root, not a missing issuer (which Wine 8's checks,
        // unlike Windows', let through).
        let mut chain = std::fs::read(tls.join("cert.pem")).unwrap();
        chain.extend(std::fs::read(tls.join("ca.pem")).unwrap());
        std::fs::write(tls.join("cert.pem"), chain).unwrap();
        #[cfg(unix)]
        std::fs::set_permissions(tls.join("key.pem"), std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
        // The CA's (empty) revocation list, which the certificate names as its distribution point.
        std::fs::write(
            tls.join("ca.cnf"),
            format!(
                "[ca]\ndefault_ca = test\n[test]\ndatabase = {dir}/index.txt\ncrlnumber = {dir}/crlnumber\n\
                 default_md = sha256\ndefault_crl_days = 2\n",
                dir = tls.display()
            ),
        )
        .unwrap();
        std::fs::write(tls.join("index.txt"), "").unwrap();
        std::fs::write(tls.join("crlnumber"), "01\n").unwrap();
        run(Command::new("openssl")
            .args(["ca", "-gencrl", "-config", &path("ca.cnf"), "-keyfile", &path("ca.key")])
            .args(["-cert", &path("ca.pem"), "-out", &path("ca.crl.pem")]));
        run(Command::new("openssl").args([
            "crl",
            "-in",
            &path("ca.crl.pem"),
            "-outform",
            "DER",
            "-out",
            &path("ca.crl"),
        ]));
    }

    /// Where the certificate says its CA's revocation list is: `serve_crl` answers there.
    pub fn crl_url(&self) -> String {
        format!("http://{}:{CRL_PORT}/ca.crl", self.ip)
    }

    /// Serves the CA's revocation list over HTTP at [`Self::crl_url`] for the DC's lifetime
    /// (Windows' certificate checks fetch it; OpenSSL does not look).
    #[cfg(unix)]
    pub fn serve_crl(&self) {
        let crl = std::fs::read(self.dir.join("tls/ca.crl")).unwrap();
        let listener = std::net::TcpListener::bind((self.ip.as_str(), CRL_PORT)).unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut request = [0u8; 4096];
                let _ = std::io::Read::read(&mut stream, &mut request);
                let head = format!(
                    "HTTP/1.0 200 OK\r\nContent-Type: application/pkix-crl\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    crl.len()
                );
                let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&crl));
            }
        });
    }

    /// Binds the DC to its address only, with `services` (LDAP and the KDC, and what a join
    /// needs on a joinable DC), our certificate, and logs in its folder.
    fn configure(&self, services: &str) {
        let conf = self.dir.join("etc/smb.conf");
        let text = std::fs::read_to_string(&conf).unwrap();
        let dir = self.dir.to_str().unwrap();
        let mut out = String::new();
        for line in text.lines() {
            let key = line.trim().split('=').next().unwrap_or("").trim();
            match key {
                "server services"
                | "log file"
                | "interfaces"
                | "bind interfaces only"
                | "pid directory"
                | "tls enabled"
                | "tls keyfile"
                | "tls certfile"
                | "tls cafile" => continue,
                "[global]" => {
                    out.push_str(&format!(
                        "[global]\n\tinterfaces = {ip}\n\tbind interfaces only = yes\n\tserver services = {services}\n\
                         \tlog file = {dir}/log.%m\n\tpid directory = {dir}/run\n\ttls enabled = yes\n\
                         \ttls keyfile = {dir}/tls/key.pem\n\ttls certfile = {dir}/tls/cert.pem\n\ttls cafile = {dir}/tls/ca.pem\n",
                        ip = self.ip
                    ));
                }
                _ => {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        std::fs::write(&conf, out).unwrap();
        std::fs::create_dir_all(self.dir.join("run")).unwrap();
    }

    /// Adds Exchange's mailNickname and targetAddress to the schema (Samba has none), and the
    /// DC's LDAP service principals for Kerberos binds.
    fn extend_schema(&self) {
        let schema = format!("CN=Schema,CN=Configuration,{}", self.base_dn);
        // Exchange's own definitions: attributeID, and the length cap Exchange's schema sets.
        let attribute = |cn: &str, id: &str, name: &str, range_upper: u32| {
            format!(
                "dn: CN={cn},{schema}\nchangetype: add\nobjectClass: top\nobjectClass: attributeSchema\ncn: {cn}\n\
                 attributeID: {id}\nlDAPDisplayName: {name}\nattributeSyntax: 2.5.5.12\noMSyntax: 64\n\
                 isSingleValued: TRUE\nrangeLower: 1\nrangeUpper: {range_upper}\nadminDisplayName: {cn}\n\n"
            )
        };
        let attributes = attribute("ms-Exch-Mail-Nickname", "1.2.840.113556.1.2.447", "mailNickname", 64)
            + &attribute("ms-Exch-Target-Address", "1.2.840.113556.1.2.352", "targetAddress", 1123);
        let may_contain = format!(
            "dn: CN=Mail-Recipient,{schema}\nchangetype: modify\nadd: mayContain\nmayContain: mailNickname\nmayContain: targetAddress\n"
        );
        // samba_spnupdate (not started here) would register the DC's LDAP service principals.
        let spns = format!(
            "dn: CN=DC1,OU=Domain Controllers,{base}\nchangetype: modify\nadd: servicePrincipalName\n\
             servicePrincipalName: ldap/dc1.{realm}\nservicePrincipalName: ldap/dc1.{realm}/{realm}\nservicePrincipalName: ldap/DC1\n",
            base = self.base_dn,
            realm = self.realm
        );
        for (name, text) in
            [("schema-attributes.ldif", attributes), ("schema-class.ldif", may_contain), ("spn.ldif", spns)]
        {
            let path = self.dir.join(name);
            std::fs::write(&path, text).unwrap();
            run(Command::new("ldbmodify").args([
                "-H",
                &self.sam(),
                "--option=dsdb:schema update allowed=true",
                path.to_str().unwrap(),
            ]));
        }
    }

    /// The DNs the database holds (lower case).
    fn existing_dns(&self) -> std::collections::HashSet<String> {
        let out =
            run(Command::new("ldbsearch").args(["-H", &self.sam(), "-b", &self.base_dn, "(objectClass=*)", "dn"]));
        out.lines().filter_map(|l| l.strip_prefix("dn: ")).map(str::to_lowercase).collect()
    }

    /// Loads LDIF content records straight into the database (the DC must be stopped), keeping
    /// their objectGUIDs. Records of objects provisioning created already are skipped.
    fn load(&self, ldif: &str) {
        let existing = self.existing_dns();
        let dn_of = |record: &str| {
            let record = format!("{record}\n");
            let objects = syncready::source::ldif::parse_str(record.as_bytes(), Path::new("fixture.ldif")).unwrap();
            objects[0].dn().to_owned()
        };
        let records: Vec<&str> = ldif
            .split("\n\n")
            .map(str::trim)
            .filter(|r| !r.is_empty() && !r.lines().all(|l| l.starts_with('#') || l.starts_with("version:")))
            .filter(|r| !existing.contains(&dn_of(r).to_lowercase()))
            .collect();
        // One transaction per thousand records: ldb slows down on huge transactions.
        for (chunk, records) in records.chunks(1000).enumerate() {
            let path = self.dir.join(format!("fixture-{chunk}.ldif"));
            let mut file = std::fs::File::create(&path).unwrap();
            for record in records {
                let cleaned: Vec<&str> =
                    record.lines().filter(|l| !l.starts_with('#') && !l.starts_with("version:")).collect();
                writeln!(file, "{}\n", cleaned.join("\n")).unwrap();
            }
            drop(file);
            let out =
                run(Command::new("ldbadd").args(["-H", &self.sam(), "--controls=relax:0", path.to_str().unwrap()]));
            assert!(!out.contains("ERR:") && !out.contains("failed"), "loading fixtures into {}: {out}", self.realm);
        }
    }

    /// Starts samba in the foreground as our child; it dies with the test process.
    pub fn start_server(&mut self) {
        let conf = self.dir.join("etc/smb.conf");
        let log = std::fs::File::create(self.dir.join("samba.out")).unwrap();
        let mut command = Command::new("samba");
        command
            .args(["--foreground", "--no-process-group", "-s", conf.to_str().unwrap()])
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log));
        #[cfg(unix)]
        command.process_group(0);
        // SAFETY: prctl is async-signal-safe; it only asks the kernel to kill samba when the
        // test process dies, so no DC outlives a crashed test run.
        #[cfg(unix)]
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        self.child = Some(command.spawn().expect("samba starts"));
        let deadline = Instant::now() + Duration::from_secs(60);
        let address = format!("{}:636", self.ip);
        while TcpStream::connect_timeout(&address.parse().unwrap(), Duration::from_millis(200)).is_err() {
            assert!(
                Instant::now() < deadline,
                "samba did not open {address}; see {}",
                self.dir.join("samba.out").display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Makes `dc1.<realm>` resolve to this DC (Kerberos needs the name, not the address) and
    /// returns it; the line goes when the DC is dropped.
    #[cfg_attr(not(feature = "kerberos"), allow(dead_code))]
    pub fn add_host_name(&self) -> String {
        let name = format!("dc1.{}", self.realm);
        let mut hosts = std::fs::OpenOptions::new().append(true).open("/etc/hosts").unwrap();
        writeln!(hosts, "{} {name} # syncready-test", self.ip).unwrap();
        name
    }

    /// The process group of the running samba, to kill it from another thread.
    pub fn process_group(&self) -> Option<i32> {
        self.child.as_ref().map(|c| c.id() as i32)
    }

    /// Kills samba and all its processes at once (a DC failing mid-scan).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            kill_group(child.id() as i32);
            let _ = child.wait();
        }
    }
}

/// Sends SIGKILL to a process group.
pub fn kill_group(group: i32) {
    // SAFETY: sends a signal to the process group samba was started in.
    #[cfg(unix)]
    unsafe {
        libc::kill(-group, libc::SIGKILL);
    }
    #[cfg(windows)]
    unreachable!("Samba runs on Linux only; process group {group}");
}

impl Drop for SambaDc {
    fn drop(&mut self) {
        self.kill();
        if let Ok(hosts) = std::fs::read_to_string("/etc/hosts") {
            let marker = format!("{} dc1.{} # syncready-test", self.ip, self.realm);
            if hosts.contains(&marker) {
                let kept: String = hosts.lines().filter(|l| *l != marker).map(|l| format!("{l}\n")).collect();
                let _ = std::fs::write("/etc/hosts", kept);
            }
        }
        let _ = Command::new("ip").args(["addr", "del", &format!("{}/32", self.ip), "dev", "lo"]).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Sends `signal` to a process group (SIGSTOP freezes a DC, SIGCONT thaws it).
#[cfg(unix)]
pub fn signal_group(group: i32, signal: i32) {
    // SAFETY: sends a signal to the process group samba was started in.
    unsafe {
        libc::kill(-group, signal);
    }
}
