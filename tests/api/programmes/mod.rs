//! Programmes and the bureau's figures.

mod figures;
mod keeping;
