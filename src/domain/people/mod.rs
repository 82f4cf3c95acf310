//! People: learners and their registration, their rights over their data (a copy, requests to
//! correct or erase) and the retention that erases what has outlived its purpose.

pub mod data_requests;
pub mod erasure;
pub mod gate;
pub mod learners;
pub mod my_data;
pub mod retention;
pub mod target_groups;
