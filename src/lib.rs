//! runeguard: a policy-as-code compliance linter for Kubernetes and Istio manifests,
//! PostgreSQL DDL and service configuration, with Rego rules mapped to NIST SP 800-53,
//! NIST CSF 2.0, SOC 2 and zero-trust controls.
//!
//! The pipeline: [`input`] finds and loads files into documents with spans → [`policy`]
//! evaluates the Rego rules → [`finding`]s → [`report`]s.

pub mod app;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod compliance;
pub mod config;
pub mod docs;
pub mod embedded;
pub mod exit;
pub mod finding;
pub mod input;
pub mod policy;
pub mod report;
pub mod rule;
pub mod run;
pub mod shard;
pub mod source;
pub mod suppress;
pub mod testing;

/// Where the project lives; rule documentation links point here.
pub const REPOSITORY_URL: &str = "https://github.com/runeguard/runeguard/blob/main";

/// runeguard's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
