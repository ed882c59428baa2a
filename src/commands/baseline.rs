//! `runeguard baseline create|update FILE PATHS`: records the findings of a run, so that later
//! runs fail only on new ones.

use super::settings::{Settings, read_stdin};
use super::{Exit, Fatal, print_errors};
use crate::cli::{BaselineCommand, CheckArgs};
use crate::suppress::Baseline;

pub fn baseline(cmd: BaselineCommand) -> Result<Exit, Fatal> {
    let (args, update) = match cmd {
        BaselineCommand::Create(a) => (a, false),
        BaselineCommand::Update(a) => (a, true),
    };
    let settings = Settings::load(args.policy.config.as_deref())?;
    let check_args = CheckArgs {
        paths: args.paths.clone(),
        policy: args.policy.clone(),
        ..Default::default()
    };
    let mut opts = settings.check_options(&check_args)?;
    opts.stdin = read_stdin(&args.paths, None)?;
    opts.baseline = None;
    let previous = if update {
        Some(Baseline::load(&args.file).map_err(Fatal)?)
    } else {
        None
    };
    let report = crate::run::check(&opts);
    let baseline = Baseline::from_findings(&report.findings);
    std::fs::write(&args.file, baseline.to_json())
        .map_err(|e| Fatal(format!("cannot write {}: {e}", args.file.display())))?;
    let n = baseline.findings.len();
    match previous {
        Some(prev) => {
            let added = baseline
                .findings
                .keys()
                .filter(|k| !prev.findings.contains_key(*k))
                .count();
            let removed = prev
                .findings
                .keys()
                .filter(|k| !baseline.findings.contains_key(*k))
                .count();
            eprintln!(
                "runeguard: baseline {} updated: {n} findings ({added} new, {removed} fixed)",
                args.file.display()
            );
        }
        None => eprintln!(
            "runeguard: baseline {} created with {n} findings",
            args.file.display()
        ),
    }
    print_errors(&report.problems);
    // Findings are what a baseline records, not a failure; what could not be checked is.
    Ok(Exit::of(report.has_errors(), false))
}
