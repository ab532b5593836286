//! The mail checks (MAIL) and the mailNickname checks (NICK), with the nickname proposed
//! from the mail address or the name when there is none.

use super::*;

const MAIL_RULES: AddressRules = AddressRules {
    local_part: RuleId::MailLocalPart,
    domain_part: RuleId::MailDomainPart,
    top_level_domain: RuleId::MailTopLevelDomain,
    format: RuleId::MailFormat,
};

fn is_nickname_bad_char(c: char) -> bool {
    c.is_whitespace() || !c.is_ascii() || "\"(),:;<>@[\\]".contains(c)
}

impl<'a> ObjectChecker<'a> {
    pub(super) fn mail(&mut self) {
        let attr = AttrName::Mail;
        for (index, value) in self.text_values(&attr) {
            let chain = self.mail_chain(value, Some(index));
            self.emit_checked(&attr, value, chain, |checker, value| checker.mail_chain(value, None).into_rules());
        }
    }

    /// mail's checks on `value`; the duplicate step too when `index` names the object's value.
    fn mail_chain<'v>(&self, value: &'v str, index: Option<u32>) -> Chain<'v>
    where
        'a: 'v,
    {
        let mut chain = Chain::new(value, self.ruleset());
        chain.check(RuleId::MailLength, truncation(self.ruleset().limits.mail));
        chain.check(RuleId::MailWhitespace, without(char::is_whitespace));
        check_address(&mut chain, &MAIL_RULES, 0, self.ruleset());
        if self.checks_own_addresses() {
            self.unverified(&mut chain, RuleId::MailUnverifiedDomain);
        }
        if let Some(index) = index {
            self.duplicate(&mut chain, RuleId::MailDuplicate, index);
        }
        chain
    }

    pub(super) fn mail_nickname(&mut self) {
        let attr = AttrName::MailNickname;
        let recheck = |checker: &Self, value: &str| checker.nickname_chain(value, None).into_rules();
        let values = self.text_values(&attr);
        if values.is_empty() && self.kind == ObjectKind::Contact {
            let mut chain = Chain::empty(self.ruleset());
            let proposed = self.proposed_nickname();
            chain.check(RuleId::NicknameBlank, |_| Some(Fix::to(proposed, FixSafety::Unsafe)));
            return self.emit_checked(&attr, "", chain, recheck);
        }
        for (index, value) in values {
            let chain = self.nickname_chain(value, Some(index));
            self.emit_checked(&attr, value, chain, recheck);
        }
    }

    /// mailNickname's checks on `value`; the duplicate step too when `index` names the
    /// object's value.
    fn nickname_chain<'v>(&self, value: &'v str, index: Option<u32>) -> Chain<'v>
    where
        'a: 'v,
    {
        let mut chain = Chain::new(value, self.ruleset());
        chain.check(RuleId::NicknameLength, truncation(self.ruleset().limits.mail_nickname));
        let mut emptied = false;
        chain.check(RuleId::NicknameCharacter, |v| {
            if !v.chars().any(is_nickname_bad_char) {
                return None;
            }
            let fixed = remove_chars(&transliterate(v), is_nickname_bad_char);
            emptied = fixed.trim_matches('.').is_empty();
            Some(if emptied { Fix::manual() } else { Fix::removal(v, fixed) })
        });
        if emptied {
            chain.note(NOTHING_LEFT.into());
        }
        chain.check(RuleId::NicknamePeriods, |v| {
            has_bad_periods(v).then(|| {
                let atoms: Vec<&str> = v.split('.').filter(|atom| !atom.is_empty()).collect();
                Fix::to(atoms.join("."), FixSafety::Unsafe)
            })
        });
        if let Some(index) = index {
            self.duplicate(&mut chain, RuleId::NicknameDuplicate, index);
        }
        chain
    }

    /// An alias for a contact without one: `givenName.sn`, else sAMAccountName, else cn,
    /// cleaned of what an alias may not hold.
    fn proposed_nickname(&self) -> String {
        let text = |attr: AttrName| self.object.first_text(&attr).filter(|v| !v.trim().is_empty());
        let raw = match (text(AttrName::GivenName), text(AttrName::Sn)) {
            (Some(given), Some(sn)) => format!("{given}.{sn}"),
            _ => text(AttrName::SamAccountName).map_or_else(|| common_name(self.object), str::to_owned),
        };
        let cleaned = remove_chars(&transliterate(&raw), is_nickname_bad_char);
        cleaned.split('.').filter(|atom| !atom.is_empty()).collect::<Vec<_>>().join(".")
    }
}
