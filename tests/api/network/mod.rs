//! The network: queries across alliances and regions, and how organizations join.

mod graph;
mod onboarding;
mod regions;
