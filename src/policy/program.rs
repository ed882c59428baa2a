//! Compiled RVM programs: what the VM runs, shared by every worker, and cached on disk
//! (see `cache`).

use std::sync::Arc;

/// A compiled RVM program, shared by every worker (each runs it in its own VM).
pub type Program = Arc<regorus::rvm::program::Program>;

/// Compiles one entry point of an analysed engine to a VM program (None when the RVM compiler
/// cannot take it, e.g. `walk`).
pub(super) fn compile_program(
    compiled: &regorus::CompiledPolicy,
    entrypoint: &str,
) -> Option<Program> {
    regorus::languages::rego::compiler::Compiler::compile_from_policy(compiled, &[entrypoint]).ok()
}
