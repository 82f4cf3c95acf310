//! The network: queries across alliances and regions, and how organizations join.

mod attributes;
mod first_day;
mod graph;
mod industries;
mod occupations;
mod onboarding;
mod regions;
mod trades;
