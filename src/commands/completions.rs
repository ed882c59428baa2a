//! `runeguard completions SHELL`: a shell completion script, from the command line's own
//! definition.

use super::Exit;
use crate::cli::Cli;

pub fn completions(shell: clap_complete::Shell) -> Exit {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut cmd, "runeguard", &mut std::io::stdout());
    Exit::Ok
}
