//! Time bounds on rule evaluation, shared by both engines (interpreter and VM), so that a
//! runaway policy is stopped and reported, never left to hang a run.

/// How long one document's rules may run before they are stopped and reported.
pub(crate) const DOCUMENT_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

/// A time bound, checked every thousand steps.
pub(crate) fn timer(limit: std::time::Duration) -> regorus::utils::limits::ExecutionTimerConfig {
    regorus::utils::limits::ExecutionTimerConfig {
        limit,
        check_interval: std::num::NonZeroU32::new(1000).expect("non-zero"),
    }
}
