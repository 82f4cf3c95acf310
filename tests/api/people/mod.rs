//! People: personal data and a learner's rights over it.

mod personal;
mod rights;
mod target_groups;
