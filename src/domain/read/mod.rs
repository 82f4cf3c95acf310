//! Reading helpers shared by the areas: keyset pages, nested lists under many parents, and the
//! disclosure of personal data by the policy's view.

pub mod disclosure;
pub mod nested;
pub mod page;
