//! The program: a parsed command line is dispatched to its command, and the command's outcome
//! (or the failure that stopped it) becomes the exit code.

use crate::cli::{Cli, Command};
use crate::commands::{self, Exit, Fatal};

/// Runs a command; a failure that stopped it is reported on standard error (exit 2).
pub fn run(cli: Cli) -> Exit {
    match dispatch(cli) {
        Ok(exit) => exit,
        Err(Fatal(message)) => {
            eprintln!("runeguard: error: {message}");
            Exit::Error
        }
    }
}

fn dispatch(cli: Cli) -> Result<Exit, Fatal> {
    match cli.command {
        Command::Check(args) => commands::check::check(*args),
        Command::Rules(args) => commands::rules::rules(args),
        Command::Explain(args) => commands::explain::explain(args),
        Command::Test(args) => Ok(commands::test::test(&args)),
        Command::Baseline(cmd) => commands::baseline::baseline(cmd),
        Command::Inspect(args) => commands::inspect::inspect(args),
        Command::Render(args) => commands::render::render(args),
        Command::Merge(args) => commands::merge::merge(args),
        Command::Init(args) => commands::init::init(args.force),
        Command::Completions { shell } => Ok(commands::completions::completions(shell)),
    }
}

/// The outcome of a command line clap could not parse: `--help` and `--version` are not
/// errors; bad usage is exit 2.
pub fn usage(error: &clap::Error) -> Exit {
    let _ = error.print();
    if error.use_stderr() {
        Exit::Error
    } else {
        Exit::Ok
    }
}
