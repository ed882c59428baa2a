//! The binary: parse arguments, run, turn the outcome into a documented exit code.

use clap::Parser;
use std::process::ExitCode;

/// regorus allocates on nearly every step (values, paths, frames): a third of a run's time was
/// glibc's malloc and free. mimalloc halves that and returns memory to the system sooner.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // regorus makes anyhow errors for ordinary conditions; with RUST_BACKTRACE=1 in the
    // environment each would capture a backtrace (8 % of a corpus run). Panics still get
    // theirs (they follow RUST_BACKTRACE). Set before any thread exists, hence sound.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        // SAFETY: the process is single-threaded here.
        unsafe { std::env::set_var("RUST_LIB_BACKTRACE", "0") };
    }
    let exit = match runeguard::cli::Cli::try_parse() {
        Ok(cli) => runeguard::app::run(cli),
        Err(e) => runeguard::app::usage(&e),
    };
    ExitCode::from(exit.code())
}
