//! Code generation only: every check happened before.

pub mod migration;
pub mod report;
pub mod set;
