//! The certificate checks (CRT): at most 15 values of userCertificate and
//! userSMIMECertificate.

use super::*;

rule_family! {
    /// The certificate rules (CRT).
    CertificateRule in Certificates:
    /// More than 15 userCertificate or userSMIMECertificate values make Entra ID refuse the
    /// object (LargeObject). Only a person can tell expired certificates from live ones.
    CertificateCount => "CRT001", LargeObject, "userCertificate", Error, "more than 15 certificates: Entra ID refuses the object", Manual "remove expired certificates";
}

impl<'a> ObjectChecker<'a> {
    pub(super) fn certificates(&mut self, attr: AttrName) {
        let count = self.object.values(&attr).len();
        self.too_many_values(&attr, count, RuleId::CertificateCount, self.ruleset().limits.certificates);
    }
}
