//! Institution evaluation: training institutions' credit evaluations and their standing (credit
//! stars and place in the subsidised catalogue).

pub mod credit;
pub mod standing;
