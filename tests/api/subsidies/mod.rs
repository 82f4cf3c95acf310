//! Subsidies: claims and their pricing, supervision, and claims only for training that happened.

mod claims;
mod honest_claims;
mod supervision;
