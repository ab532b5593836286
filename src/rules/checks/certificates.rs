//! The certificate checks (CRT): at most 15 values of userCertificate and
//! userSMIMECertificate.

use super::*;

impl<'a> ObjectChecker<'a> {
    pub(super) fn certificates(&mut self, attr: AttrName) {
        let count = self.object.values(&attr).len();
        self.too_many_values(&attr, count, RuleId::CertificateCount, self.ruleset().limits.certificates);
    }
}
