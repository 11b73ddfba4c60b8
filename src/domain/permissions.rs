//! Who may do what: one table of role × action × whose account, and the denials in
//! words. Every command and reaction is checked here, first by role (before anything
//! is looked up) and again once the account the action touches is known.
//!
//! Conflict of interest: staff never move money for an account they are linked to —
//! they cannot request, override, approve or credit it — whatever their roles.

use super::roles::{Role, Roles};
use std::fmt;

/// What someone wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Act {
    RequestRefund,
    OverridePolicy,
    ApproveRefund,
    RejectRefund,
    ViewWallet,
    CreditGoodwill,
    BuyCredits,
    ViewCase,
    ChangeCase,
    LinkUser,
    ReplyToCustomer,
    SeeQueue,
    Help,
}

impl Act {
    pub const ALL: [Act; 13] = [
        Act::RequestRefund,
        Act::OverridePolicy,
        Act::ApproveRefund,
        Act::RejectRefund,
        Act::ViewWallet,
        Act::CreditGoodwill,
        Act::BuyCredits,
        Act::ViewCase,
        Act::ChangeCase,
        Act::LinkUser,
        Act::ReplyToCustomer,
        Act::SeeQueue,
        Act::Help,
    ];

    /// The action in words, as the start of a sentence ("requesting a refund is for …").
    pub fn words(self) -> &'static str {
        match self {
            Act::RequestRefund => "requesting a refund",
            Act::OverridePolicy => "a policy override",
            Act::ApproveRefund => "approving refunds",
            Act::RejectRefund => "rejecting refunds",
            Act::ViewWallet => "seeing a wallet",
            Act::CreditGoodwill => "goodwill credit",
            Act::BuyCredits => "buying credits",
            Act::ViewCase => "seeing a case",
            Act::ChangeCase => "changing a case",
            Act::LinkUser => "linking users to accounts",
            Act::ReplyToCustomer => "replying to a customer",
            Act::SeeQueue => "the queue",
            Act::Help => "help",
        }
    }

    /// Moves money toward an account: never allowed on one's own account.
    pub fn moves_money(self) -> bool {
        matches!(self, Act::RequestRefund | Act::OverridePolicy | Act::ApproveRefund | Act::CreditGoodwill)
    }
}

/// Whose account the action touches, seen from the person acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Whose {
    /// The account linked to the person acting.
    Own,
    /// Another account, or none in particular.
    Other,
}

/// One row of the table: `role` may do `act` on its own account and/or on others'.
struct Grant {
    act: Act,
    role: Role,
    own: bool,
    other: bool,
}

const fn g(act: Act, role: Role, own: bool, other: bool) -> Grant {
    Grant { act, role, own, other }
}

/// The whole table. What is not listed is denied.
const TABLE: &[Grant] = &[
    g(Act::Help, Role::Customer, true, true),
    g(Act::Help, Role::Agent, true, true),
    g(Act::Help, Role::Lead, true, true),
    // Customers see and buy only for their own account.
    g(Act::ViewWallet, Role::Customer, true, false),
    g(Act::ViewCase, Role::Customer, true, false),
    g(Act::BuyCredits, Role::Customer, true, false),
    // Staff read everything, and work cases of any account.
    g(Act::ViewWallet, Role::Agent, true, true),
    g(Act::ViewWallet, Role::Lead, true, true),
    g(Act::ViewCase, Role::Agent, true, true),
    g(Act::ViewCase, Role::Lead, true, true),
    g(Act::ChangeCase, Role::Agent, true, true),
    g(Act::ChangeCase, Role::Lead, true, true),
    g(Act::LinkUser, Role::Agent, true, true),
    g(Act::LinkUser, Role::Lead, true, true),
    g(Act::ReplyToCustomer, Role::Agent, true, true),
    g(Act::ReplyToCustomer, Role::Lead, true, true),
    g(Act::SeeQueue, Role::Agent, true, true),
    g(Act::SeeQueue, Role::Lead, true, true),
    // Money moves only toward other people's accounts.
    g(Act::RequestRefund, Role::Agent, false, true),
    g(Act::RequestRefund, Role::Lead, false, true),
    g(Act::OverridePolicy, Role::Lead, false, true),
    g(Act::ApproveRefund, Role::Lead, false, true),
    g(Act::CreditGoodwill, Role::Lead, false, true),
    // Stopping a refund moves no money: a lead may reject on any account.
    g(Act::RejectRefund, Role::Lead, true, true),
];

/// Why an action is denied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    /// None of the person's roles allows it.
    Role(Act),
    /// A role allows it, but not on the person's own account.
    ConflictOfInterest(Act),
    /// Only on one's own account (customers).
    OwnAccountOnly(Act),
}

impl Denial {
    pub fn act(self) -> Act {
        match self {
            Denial::Role(a) | Denial::ConflictOfInterest(a) | Denial::OwnAccountOnly(a) => a,
        }
    }
}

impl fmt::Display for Denial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Denial::Role(act) => write!(f, "{} is for {}", act.words(), who_may(act).words()),
            Denial::ConflictOfInterest(act) => {
                write!(f, "{} is not allowed on an account you are linked to yourself: another member of staff must handle it", act.words())
            }
            Denial::OwnAccountOnly(act) => write!(f, "{} is possible only for your own account", act.words()),
        }
    }
}

/// Who the table lets do an action at all (a denial by role names them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Everyone,
    CustomersOnTheirOwnAccount,
    AgentsAndLeads,
    Leads,
    Agents,
    Nobody,
}

impl Who {
    pub fn words(self) -> &'static str {
        match self {
            Who::Everyone => "everyone",
            Who::CustomersOnTheirOwnAccount => "customers, on their own account",
            Who::AgentsAndLeads => "agents and leads",
            Who::Leads => "leads",
            Who::Agents => "agents",
            Who::Nobody => "nobody",
        }
    }
}

/// The roles the table lets do `act` at all.
pub fn who_may(act: Act) -> Who {
    let may = |r: Role| TABLE.iter().any(|g| g.act == act && g.role == r);
    match (may(Role::Customer), may(Role::Agent), may(Role::Lead)) {
        (true, true, true) => Who::Everyone,
        (true, false, false) => Who::CustomersOnTheirOwnAccount,
        (false, true, true) => Who::AgentsAndLeads,
        (false, false, true) => Who::Leads,
        (false, true, false) => Who::Agents,
        _ => Who::Nobody,
    }
}

/// Whether someone with `roles` may do `act` on an account that is theirs or not.
pub fn check(roles: Roles, act: Act, whose: Whose) -> Result<(), Denial> {
    let grants: Vec<&Grant> = TABLE.iter().filter(|g| g.act == act && roles.has(g.role)).collect();
    if grants.is_empty() {
        return Err(Denial::Role(act));
    }
    let ok = grants.iter().any(|g| match whose {
        Whose::Own => g.own,
        Whose::Other => g.other,
    });
    match (ok, whose) {
        (true, _) => Ok(()),
        (false, Whose::Own) => Err(Denial::ConflictOfInterest(act)),
        (false, Whose::Other) => Err(Denial::OwnAccountOnly(act)),
    }
}

/// The role-level check before anything is looked up: may this person do `act` on any
/// account at all?
pub fn check_role(roles: Roles, act: Act) -> Result<(), Denial> {
    match check(roles, act, Whose::Other) {
        Err(Denial::OwnAccountOnly(_)) => check(roles, act, Whose::Own),
        r => r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_role_sets() -> Vec<Roles> {
        (0u8..8)
            .map(|bits| {
                [Role::Customer, Role::Agent, Role::Lead]
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| bits & (1 << i) != 0)
                    .map(|(_, r)| r)
                    .collect()
            })
            .collect()
    }

    /// The expected answer, written out independently of `TABLE`: (customer, agent, lead)
    /// allowances as (own, other) pairs.
    fn expected(act: Act) -> [(bool, bool); 3] {
        match act {
            Act::Help => [(true, true), (true, true), (true, true)],
            Act::ViewWallet | Act::ViewCase => [(true, false), (true, true), (true, true)],
            Act::BuyCredits => [(true, false), (false, false), (false, false)],
            Act::ChangeCase | Act::LinkUser | Act::ReplyToCustomer | Act::SeeQueue => {
                [(false, false), (true, true), (true, true)]
            }
            Act::RequestRefund => [(false, false), (false, true), (false, true)],
            Act::OverridePolicy | Act::ApproveRefund | Act::CreditGoodwill => {
                [(false, false), (false, false), (false, true)]
            }
            Act::RejectRefund => [(false, false), (false, false), (true, true)],
        }
    }

    #[test]
    fn every_role_set_action_and_account_relation() {
        let mut cells = 0;
        for roles in all_role_sets() {
            for act in Act::ALL {
                let exp = expected(act);
                for whose in [Whose::Own, Whose::Other] {
                    let want = [Role::Customer, Role::Agent, Role::Lead].into_iter().enumerate().any(|(i, r)| {
                        roles.has(r)
                            && match whose {
                                Whose::Own => exp[i].0,
                                Whose::Other => exp[i].1,
                            }
                    });
                    let got = check(roles, act, whose);
                    assert_eq!(got.is_ok(), want, "{roles} {act:?} {whose:?}: {got:?}");
                    cells += 1;
                }
            }
        }
        assert_eq!(cells, 8 * 13 * 2);
    }

    #[test]
    fn money_never_moves_toward_ones_own_account() {
        for roles in all_role_sets() {
            for act in Act::ALL.into_iter().filter(|a| a.moves_money()) {
                let got = check(roles, act, Whose::Own);
                assert!(got.is_err(), "{roles} {act:?}");
                if roles.is_staff() && check(roles, act, Whose::Other).is_ok() {
                    assert_eq!(got, Err(Denial::ConflictOfInterest(act)));
                }
            }
        }
    }

    #[test]
    fn denials_say_why() {
        let lead_customer: Roles = [Role::Lead, Role::Customer].into_iter().collect();
        assert_eq!(
            check(Roles::CUSTOMER, Act::RequestRefund, Whose::Other).unwrap_err().to_string(),
            "requesting a refund is for agents and leads"
        );
        assert_eq!(
            check(Roles::CUSTOMER, Act::OverridePolicy, Whose::Other).unwrap_err().to_string(),
            "a policy override is for leads"
        );
        assert_eq!(check(Roles::CUSTOMER, Act::ViewWallet, Whose::Other), Err(Denial::OwnAccountOnly(Act::ViewWallet)));
        let agent: Roles = [Role::Agent].into_iter().collect();
        assert_eq!(
            check(agent, Act::BuyCredits, Whose::Own).unwrap_err().to_string(),
            "buying credits is for customers, on their own account"
        );
        let e = check(lead_customer, Act::ApproveRefund, Whose::Own).unwrap_err();
        assert!(e.to_string().contains("account you are linked to"), "{e}");
        assert!(check(lead_customer, Act::ApproveRefund, Whose::Other).is_ok());
        assert!(check_role(Roles::CUSTOMER, Act::BuyCredits).is_ok());
        assert!(check_role(Roles::CUSTOMER, Act::RequestRefund).is_err());
    }
}
