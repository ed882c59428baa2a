//! The one place an outcome becomes an exit code (documented in `--help` and the README): 2
//! when something could not be checked, else 1 when something failed, else 0. Every command
//! ends in an [`Exit`], and the JSON report records the one its run implies.

use crate::source::{Problem, ProblemLevel};

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Nothing failed (no finding at or above `--fail-on`, every test passed).
    Ok,
    /// Findings at or above `--fail-on`, or failing tests.
    Failures,
    /// Something could not be checked: bad usage or configuration, a policy that fails to
    /// compile, an unreadable or unparseable input.
    Error,
}

impl Exit {
    /// The outcome of a command that met `errors` (something not checked) and `failures`.
    pub fn of(errors: bool, failures: bool) -> Exit {
        if errors {
            Exit::Error
        } else if failures {
            Exit::Failures
        } else {
            Exit::Ok
        }
    }

    /// A command whose only verdict is whether these problems kept something from being done.
    pub fn of_problems<'a>(problems: impl IntoIterator<Item = &'a Problem>) -> Exit {
        Exit::of(
            problems.into_iter().any(|p| p.level == ProblemLevel::Error),
            false,
        )
    }

    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Failures => 1,
            Exit::Error => 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_outrank_failures() {
        assert_eq!(Exit::of(true, true).code(), 2);
        assert_eq!(Exit::of(false, true).code(), 1);
        assert_eq!(Exit::of(false, false).code(), 0);
        let note = Problem::note("a.yaml", None, "skipped");
        assert_eq!(Exit::of_problems([&note]), Exit::Ok);
        let error = Problem::error("a.yaml", None, "unreadable");
        assert_eq!(Exit::of_problems([&note, &error]), Exit::Error);
    }
}
