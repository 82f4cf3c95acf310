//! Shared values every area uses: codes and enums, node ids, geography, validated input,
//! personal data and its sealing, free-text search, the audit trail and the spreadsheet reader.

pub mod audit;
pub mod codes;
pub mod credentials;
pub mod geo;
pub mod ids;
pub mod import;
pub mod input;
pub mod personal;
pub mod text;
