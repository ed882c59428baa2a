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
    let cli = match runeguard::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // --help and --version are not errors; bad usage is exit 2.
            return ExitCode::from(if e.use_stderr() {
                runeguard::app::EXIT_ERROR
            } else {
                runeguard::app::EXIT_OK
            });
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
