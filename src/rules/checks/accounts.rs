//! The sAMAccountName checks (SAM).

use super::*;

rule_family! {
    /// The sAMAccountName rules (SAM).
    AccountRule in Accounts:
    /// Users' sAMAccountName is at most 20 characters (256 for other objects); longer values
    /// fail to sync. Truncation changes the logon name: unsafe.
    SamLength => "SAM001", Length, "sAMAccountName", Error, "sAMAccountName is too long (20 for users, 256 otherwise)", Proposes "truncate";
    /// AD reserves `\ " | , / [ ] : < > + = ; ? *` in logon names. Removing them changes the
    /// logon name: unsafe.
    SamCharacter => "SAM002", Character, "sAMAccountName", Error, "sAMAccountName has characters AD reserves", Proposes "remove the invalid characters";
    /// Objects without a userPrincipalName are matched on sAMAccountName; two such objects
    /// with one name (from two domains or forests) collide. Only a person can decide.
    SamDuplicate => "SAM003", Duplicate, "sAMAccountName", Error, "sAMAccountName is held by another object without a userPrincipalName", Manual "decide which object keeps it";
}

impl<'a> ObjectChecker<'a> {
    pub(super) fn sam_account_name(&mut self) {
        let attr = AttrName::SamAccountName;
        for (index, value) in self.text_values(&attr) {
            let chain = self.sam_chain(value, Some(index));
            self.emit_checked(&attr, value, chain, |checker, value| checker.sam_chain(value, None).into_rules());
        }
    }

    /// sAMAccountName's checks on `value`; the duplicate step too when `index` names the
    /// object's value.
    fn sam_chain<'v>(&self, value: &'v str, index: Option<u32>) -> Chain<'v>
    where
        'a: 'v,
    {
        let limits = &self.ruleset().limits;
        let limit = if self.kind.is_user() { limits.sam_account_name_user } else { limits.sam_account_name_other };
        let mut chain = Chain::new(value, self.ruleset());
        chain.check(RuleId::SamLength, truncation(limit));
        chain.check(RuleId::SamCharacter, without(|c| "\\\"|,/[]:<>+=;?*".contains(c)));
        if let Some(index) = index {
            self.duplicate(&mut chain, RuleId::SamDuplicate, index);
        }
        chain
    }
}
