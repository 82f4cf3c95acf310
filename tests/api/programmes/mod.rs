//! Programmes, the bureau's figures and the 1131 employment service.

mod figures;
mod keeping;
mod service;
