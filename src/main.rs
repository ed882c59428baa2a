//! The binary: parse arguments, run, turn the outcome into a documented exit code.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match runeguard::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // --help and --version are not errors; bad usage is exit 2.
            return ExitCode::from(if e.use_stderr() { runeguard::app::EXIT_ERROR } else { runeguard::app::EXIT_OK });
        }
    };
    match runeguard::app::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(fatal) => {
            runeguard::app::report_fatal(&fatal);
            ExitCode::from(runeguard::app::EXIT_ERROR)
        }
    }
}
