//! The mail checks (MAIL) and the mailNickname checks (NICK), with the nickname proposed
//! from the mail address or the name when there is none.

use super::*;

rule_family! {
    /// The mail (MAIL) and mailNickname (NICK) rules.
    MailRule in Mail:
    /// Entra ID and Exchange Online accept at most 256 characters in mail. Truncating an
    /// address changes where mail goes: unsafe.
    MailLength => "MAIL001", Length, "mail", Error, "mail is longer than 256 characters", Proposes "truncate to 256 characters";
    /// An address cannot hold whitespace; Exchange Online refuses it and soft matching fails.
    /// Trimming spaces around the address is safe; removing spaces inside it changes the
    /// address: unsafe.
    MailWhitespace => "MAIL002", Character, "mail", Error, "mail contains whitespace", Proposes "remove the whitespace";
    /// The part before the last `@` must be dot-separated atoms of letters, digits and
    /// ``!#$%&'*+/=?^_`{|}~-``. Every letter is transliterated to Latin (`ü` → `u`, `ł` →
    /// `l`, `ß` → `ss`, Cyrillic, Greek and CJK romanised), other characters removed, `.@`
    /// turned into `@`: the address changes, so unsafe. When nothing is left before the `@`,
    /// no value is proposed (manual).
    MailLocalPart => "MAIL003", LocalPart, "mail", Error, "mail local part has characters an address may not hold", Proposes "remove the invalid characters";
    /// The domain must be at least two labels of letters, digits and inner hyphens. Removing
    /// other characters (a stray space, an underscore) is safe only when it just trims.
    MailDomainPart => "MAIL004", DomainPart, "mail", Error, "mail domain part is not a valid domain name", Proposes "remove the invalid characters";
    /// The last label must be a real top-level domain (the public-suffix list, plus the
    /// ruleset's extras): `.con` is a typo Exchange Online refuses. No fix can guess the
    /// intended domain.
    MailTopLevelDomain => "MAIL005", TopLevelDomain, "mail", Error, "mail domain ends in an unknown top-level domain", Manual "correct the domain";
    /// The value is still not an address after the other fixes (no `@`, empty parts, misplaced
    /// periods). An admin must enter the right address.
    MailFormat => "MAIL006", Format, "mail", Error, "mail is not a valid address", Manual "enter a valid address";
    /// Entra ID keeps one namespace for mail, SMTP proxy addresses and userPrincipalName: the
    /// second object with an address loses it (Duplicate Attribute Resiliency) or fails to
    /// sync. Only a person can decide which object keeps it.
    MailDuplicate => "MAIL007", Duplicate, "mail", Error, "mail address is held by another object too", Manual "decide which object keeps it";
    /// With verified domains given: Exchange Online drops addresses in domains the tenant has
    /// not verified. A warning on users and groups (contacts' addresses are external by
    /// nature); no automatic value.
    MailUnverifiedDomain => "MAIL008", UnverifiedDomain, "mail", Warning, "mail is in a domain the tenant has not verified", Manual "verify the domain or change the address";
    /// Exchange Online accepts at most 64 characters in the alias. Truncation changes the
    /// alias: unsafe.
    NicknameLength => "NICK001", Length, "mailNickname", Error, "mailNickname is longer than 64 characters", Proposes "truncate to 64 characters";
    /// The alias may not hold whitespace, non-ASCII characters or `" ( ) , : ; < > @ [ \ ]`.
    /// Every letter is transliterated to Latin, the rest removed: the alias changes, so
    /// unsafe. When nothing is left, no value is proposed (manual).
    NicknameCharacter => "NICK002", Character, "mailNickname", Error, "mailNickname has whitespace, non-ASCII or reserved characters", Proposes "transliterate and remove the invalid characters";
    /// The alias may not start or end with a period or hold two in a row. The fix drops the
    /// outer periods and collapses runs: the alias changes, so unsafe.
    NicknamePeriods => "NICK003", Character, "mailNickname", Error, "mailNickname starts or ends with a period or has two in a row", Proposes "drop outer periods and collapse runs";
    /// Two recipients with one alias collide in Exchange Online. Only a person can decide.
    NicknameDuplicate => "NICK004", Duplicate, "mailNickname", Error, "mailNickname is held by another object too", Manual "decide which object keeps it";
    /// Dedicated ruleset: a mail-enabled contact needs an alias. The fix builds one from
    /// `givenName.sn`, else sAMAccountName, else cn: it invents a value, so unsafe.
    NicknameBlank => "NICK005", Blank, "mailNickname", Error, "contact has no mailNickname", Proposes "use givenName.sn, else sAMAccountName, else cn";
}

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
        let mut values = self.text_values(&attr).peekable();
        if values.peek().is_none() && self.kind == ObjectKind::Contact {
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
