//! The rule engine: loads Rego policies (built-in and users'), reads their metadata, and
//! evaluates them with regorus against documents.

//!
//! Rooms, each using only the ones listed before it: `metadata` (a rule's `# METADATA`),
//! `sources` (where policies and data come from), `passes` (Rego text passes), `groups` (rules
//! evaluated together and their generated modules), `limits` (time bounds), `program` (VM
//! programs) and `cache` (them on disk), `registry` (the policy set: compiling, dropping what
//! fails, engines and programs per input type), `engine` (evaluation: the only door to
//! regorus for the rest of the program).

pub mod cache;
/// The embedded files, where the policies have always found them.
pub use crate::embedded;

pub mod engine;
pub mod groups;
pub mod limits;
pub mod metadata;
pub mod passes;
pub mod prebuilt;
pub mod program;
pub mod registry;
pub mod sources;
pub mod stats;

pub use engine::{Evaluator, Hit};
pub use registry::PolicySet;
pub use sources::{PolicyOptions, PolicySource};
