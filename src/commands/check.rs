//! `runeguard check`: one run over the paths, written in every requested format, with a
//! summary line on standard error.

use super::settings::{self, Settings};
use super::{Exit, Fatal, write_out};
use crate::cli::{CheckArgs, ColorChoice};
use crate::policy::PolicySet;
use crate::report::{self, Format, RenderOptions, RunReport};
use crate::run::Progress;
use crate::source::ProblemLevel;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

pub fn check(args: CheckArgs) -> Result<Exit, Fatal> {
    let settings = Settings::load(args.policy.config.as_deref())?;
    let formats = formats(&args)?;
    let mut opts = settings.check_options(&args)?;
    opts.stdin = settings::read_stdin(&args.paths, args.stdin_filename.as_deref())?;
    let evidence = report::Evidence {
        frameworks: opts.frameworks.clone(),
        profile: args
            .profile
            .as_deref()
            .map(crate::compliance::Profile::parse)
            .transpose()
            .map_err(Fatal)?,
        time: settings::report_time(args.report_time.as_deref())?,
    };
    let bar = progress_bar(args.quiet);
    if let Some((cb, _)) = &bar {
        opts.progress = Some(cb.clone());
    }
    let (set, mut report) = crate::run::check_loading(&opts);
    if let Some((_, b)) = bar {
        b.finish_and_clear();
    }
    engine_notes(&set, args.verbose);
    // Counted before the terminal formats drop them, so the summary line can say they exist: a
    // skipped file must never pass unnoticed. A machine format lists them itself.
    let terminal = formats
        .iter()
        .any(|(f, _)| matches!(f, Format::Human | Format::Table));
    let hidden_notes = if args.verbose || !terminal {
        0
    } else {
        report
            .problems
            .iter()
            .filter(|p| p.level == ProblemLevel::Note)
            .count()
    };
    if !args.verbose {
        // Notes stay in the machine formats; the terminal shows them with --verbose.
        let has_machine = formats.iter().any(|(f, _)| {
            matches!(
                f,
                Format::Sarif | Format::Json | Format::Junit | Format::Oscal | Format::Html
            )
        });
        if !has_machine {
            report.problems.retain(|p| p.level == ProblemLevel::Error);
        }
    }
    let compliance = evidence.summarize(&report);
    for (format, file) in &formats {
        let to_tty = file.is_none() && std::io::stdout().is_terminal();
        let opts = RenderOptions {
            color: use_color(args.color, to_tty),
            links: to_tty,
            width: None,
        };
        let mut shown = report.clone();
        if matches!(format, Format::Human | Format::Table) && !args.verbose {
            shown.problems.retain(|p| p.level == ProblemLevel::Error);
        }
        let text = report::render(*format, &shown, &compliance, opts, &evidence);
        write_out(file.as_deref(), &text)?;
    }
    if !args.quiet {
        eprintln!("{}", summary_line(&report, hidden_notes));
    }
    let exit = report.exit();
    // The process ends here: freeing the policy set (engines, programs, VMs) and the report
    // one allocation at a time was ≈ 0.3 ms of a one-chart run, for nothing.
    std::mem::forget(set);
    std::mem::forget(report);
    Ok(exit)
}

/// `--format` values: (format, destination file).
fn formats(args: &CheckArgs) -> Result<Vec<(Format, Option<PathBuf>)>, Fatal> {
    let mut out = Vec::new();
    for spec in &args.format {
        let (name, file) = match spec.split_once('=') {
            Some((n, f)) => (n, Some(PathBuf::from(f))),
            None => (spec.as_str(), None),
        };
        let format = Format::parse(name).ok_or_else(|| {
            Fatal(format!(
                "unknown format {name:?} (expected human, table, sarif, json, junit, oscal or html)"
            ))
        })?;
        out.push((format, file));
    }
    if out.is_empty() {
        out.push((Format::Human, None));
    }
    let to_stdout = out.iter().filter(|(_, f)| f.is_none()).count();
    if let Some(o) = &args.output {
        if to_stdout != 1 {
            return Err(Fatal(
                "--output applies to exactly one --format without `=FILE`".into(),
            ));
        }
        for (_, f) in out.iter_mut().filter(|(_, f)| f.is_none()) {
            *f = Some(o.clone());
        }
    } else if to_stdout > 1 {
        return Err(Fatal("only one format can go to standard output; give the others a file (`--format sarif=results.sarif`)".into()));
    }
    Ok(out)
}

fn use_color(choice: ColorChoice, stream_is_tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            stream_is_tty
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map(|t| t != "dumb").unwrap_or(true)
        }
    }
}

/// A progress bar on standard error, shown only on a terminal and only after a second.
fn progress_bar(quiet: bool) -> Option<(Progress, indicatif::ProgressBar)> {
    if quiet || !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        return None;
    }
    let bar = indicatif::ProgressBar::hidden();
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} checking {pos}/{len} files {wide_bar} {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let start = std::time::Instant::now();
    let b = bar.clone();
    let cb = Progress(Arc::new(move |done, total| {
        if start.elapsed() > std::time::Duration::from_secs(1) && b.is_hidden() {
            b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        b.set_length(total as u64);
        b.set_position(done as u64);
    }));
    Some((cb, bar))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `hidden_notes`: notes the terminal did not show (no `--verbose`), counted so that what was
/// skipped is at least announced.
fn summary_line(r: &RunReport, hidden_notes: usize) -> String {
    let active = r.active().count();
    let errors = r
        .problems
        .iter()
        .filter(|p| p.level == ProblemLevel::Error)
        .count();
    let mut s = format!(
        "runeguard: {active} finding{}{} in {} file{} ({} document{}, {} rule{})",
        plural(active),
        if active == 0 {
            String::new()
        } else {
            format!(" ({})", report::table::severity_counts(r))
        },
        r.files,
        plural(r.files),
        r.documents,
        plural(r.documents),
        r.rules.len(),
        plural(r.rules.len()),
    );
    for part in report::table::set_aside(r) {
        s.push_str(&format!(", {part}"));
    }
    if hidden_notes > 0 {
        s.push_str(&format!(
            "; {hidden_notes} note{} not shown (--verbose shows {})",
            plural(hidden_notes),
            if hidden_notes == 1 { "it" } else { "them" }
        ));
    }
    if errors > 0 {
        s.push_str(&format!(
            "; {errors} problem{} kept something from being checked (exit 2)",
            plural(errors)
        ));
    } else if r.has_failures() {
        s.push_str(&format!("; failing at --fail-on {}", r.fail_on));
    }
    s
}

/// How the engines went, on stderr: a note under `--verbose` when the VM failed on something
/// and the interpreter took over (same results, slower; a VM bug worth reporting), and every
/// count with `RUNEGUARD_ENGINE_STATS=1` (for diagnosing the engine, and for the tests that
/// compare the VM with the interpreter).
fn engine_notes(set: &PolicySet, verbose: bool) {
    let (stats, first_error) = set.engine_stats();
    if verbose && stats.vm_fallbacks > 0 {
        eprintln!(
            "runeguard: note: the bytecode VM failed {} time(s); those rules ran in the interpreter instead (same results, slower). First error: {}",
            stats.vm_fallbacks,
            first_error.as_deref().unwrap_or("?")
        );
    }
    if std::env::var("RUNEGUARD_ENGINE_STATS").is_ok_and(|v| v == "1") {
        eprintln!(
            "runeguard: engine stats: vm_group_passes={} interpreter_group_passes={} vm_rule_runs={} interpreter_rule_runs={} vm_fallbacks={}",
            stats.vm_group_passes,
            stats.interpreter_group_passes,
            stats.vm_rule_runs,
            stats.interpreter_rule_runs,
            stats.vm_fallbacks
        );
    }
}
