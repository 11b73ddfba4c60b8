//! Who may do what.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Customer,
    Agent,
    Lead,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Agent => "agent",
            Role::Lead => "lead",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        [Role::Customer, Role::Agent, Role::Lead].into_iter().find(|r| r.as_str() == s)
    }
}

/// A set of roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Roles(u8);

impl Roles {
    pub const NONE: Roles = Roles(0);
    pub const CUSTOMER: Roles = Roles(1);

    fn bit(r: Role) -> u8 {
        match r {
            Role::Customer => 1,
            Role::Agent => 2,
            Role::Lead => 4,
        }
    }
    pub fn with(self, r: Role) -> Roles {
        Roles(self.0 | Roles::bit(r))
    }
    pub fn has(self, r: Role) -> bool {
        self.0 & Roles::bit(r) != 0
    }
    /// Staff: an agent or a lead.
    pub fn is_staff(self) -> bool {
        self.has(Role::Agent) || self.has(Role::Lead)
    }
    pub fn iter(self) -> impl Iterator<Item = Role> {
        [Role::Customer, Role::Agent, Role::Lead].into_iter().filter(move |r| self.has(*r))
    }
}

impl FromIterator<Role> for Roles {
    fn from_iter<T: IntoIterator<Item = Role>>(iter: T) -> Self {
        iter.into_iter().fold(Roles::NONE, Roles::with)
    }
}

impl fmt::Display for Roles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<_> = self.iter().map(Role::as_str).collect();
        f.write_str(&names.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_sets() {
        let r: Roles = [Role::Agent, Role::Lead].into_iter().collect();
        assert!(r.has(Role::Lead) && r.has(Role::Agent) && !r.has(Role::Customer));
        assert!(r.is_staff());
        assert!(!Roles::CUSTOMER.is_staff());
        assert_eq!(r.to_string(), "agent,lead");
    }
}
