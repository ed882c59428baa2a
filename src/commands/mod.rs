//! The commands, one file each: each turns its parsed arguments into work and writes the
//! output. This is the edge of the program: only here are the command line, terminals and
//! files to write known. Settings are settled in [`settings`]; every command's outcome becomes
//! an exit code in [`crate::exit`].

pub mod baseline;
pub mod check;
pub mod completions;
pub mod explain;
pub mod init;
pub mod inspect;
pub mod merge;
pub mod render;
pub mod rules;
pub mod settings;
pub mod test;

pub use crate::exit::Exit;

use crate::input::render::{self as renderer, Outcome, RenderOptions};
use crate::policy::PolicySet;
use crate::source::{Problem, ProblemLevel};
use std::io::Write;
use std::path::Path;

/// A failure that stops a command before it can produce a report (bad usage, bad config).
#[derive(Debug)]
pub struct Fatal(pub String);

impl<T: std::fmt::Display> From<T> for Fatal {
    fn from(e: T) -> Self {
        Fatal(e.to_string())
    }
}

/// Writes a command's output to a file, or to standard output.
pub fn write_out(path: Option<&Path>, text: &str) -> Result<(), Fatal> {
    match path {
        Some(p) => {
            std::fs::write(p, text).map_err(|e| Fatal(format!("cannot write {}: {e}", p.display())))
        }
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth reporting.
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
            Ok(())
        }
    }
}

/// Prints problems on standard error; the outcome they make of a command.
fn print_problems(problems: &[Problem]) -> Exit {
    for p in problems {
        eprintln!("runeguard: {p}");
    }
    Exit::of_problems(problems)
}

/// Prints only the problems that kept something from being checked (notes stay quiet).
fn print_errors(problems: &[Problem]) {
    for p in problems.iter().filter(|p| p.level == ProblemLevel::Error) {
        eprintln!("runeguard: {p}");
    }
}

/// Renders a folder as what it is, a Helm chart or a Kustomize overlay; None when it is
/// neither.
fn render_folder(path: &Path, display: &str, opts: &RenderOptions) -> Option<Outcome> {
    if renderer::is_chart(path) || crate::input::discover::is_chart_package(path) {
        Some(renderer::render(path, display, opts, false))
    } else if renderer::roots::kustomization_file(path).is_some() {
        Some(renderer::render(path, display, opts, true))
    } else {
        None
    }
}

/// Every policy of the settings, compiled, its problems printed (for `rules`, `explain`).
fn compiled_policies(set: PolicySet) -> PolicySet {
    set.compile_all();
    for p in &set.problems_all() {
        eprintln!("runeguard: {p}");
    }
    set
}
