//! What the engines did in a run: passes and rule runs per engine, and the VM's failures that
//! fell back to the interpreter (counted, so that a test can tell the VM really ran).

/// How the evaluations went: lets tests check that the fast paths are taken.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct EvalStats {
    /// Group passes in the VM.
    pub vm_group_passes: usize,
    /// Group passes in the interpreter.
    pub interpreter_group_passes: usize,
    /// Single rules run in the VM (whole-project rules).
    pub vm_rule_runs: usize,
    /// Single rules run in the interpreter (fallbacks, `--select`ed few, users' rules).
    pub interpreter_rule_runs: usize,
    /// Evaluations the VM failed (a group pass, or a whole-project rule), whose rules then
    /// ran in the interpreter instead. Zero for the built-in rules: anything else is a VM
    /// bug that the fallback hides (and a comparison of the VM with the interpreter would
    /// compare the interpreter with itself).
    pub vm_fallbacks: usize,
}

impl EvalStats {
    /// Adds another worker's counts.
    pub fn add(&mut self, other: &EvalStats) {
        self.vm_group_passes += other.vm_group_passes;
        self.interpreter_group_passes += other.interpreter_group_passes;
        self.vm_rule_runs += other.vm_rule_runs;
        self.interpreter_rule_runs += other.interpreter_rule_runs;
        self.vm_fallbacks += other.vm_fallbacks;
    }
}
