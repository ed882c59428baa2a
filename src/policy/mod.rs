//! The rule engine: loads Rego policies (built-in and users'), reads their metadata, and
//! evaluates them with regorus against documents.

pub mod cache;
pub mod embedded;
pub mod engine;
pub mod metadata;
pub mod registry;

pub use engine::{Evaluator, Hit};
pub use registry::{PolicyOptions, PolicySet};
