//! The commands: turns parsed arguments into runs and writes their output. This is the edge
//! of the program: it alone knows the command line, terminals and files to write.

use crate::cli::{BaselineCommand, CheckArgs, Cli, ColorChoice, Command, PolicyArgs};
use crate::config;
use crate::input::{classify, discover};
use crate::policy::{PolicyOptions, PolicySet};
use crate::report::{self, Format, RenderOptions, RunReport};
use crate::rule::{Framework, Rule, Severity};
use crate::run::{CheckOptions, Progress};
use crate::source::ProblemLevel;
use crate::suppress::Baseline;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Exit codes, as documented in `--help` and the README.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// A failure that stops a command before it can produce a report (bad usage, bad config).
#[derive(Debug)]
pub struct Fatal(pub String);

impl<T: std::fmt::Display> From<T> for Fatal {
    fn from(e: T) -> Self {
        Fatal(e.to_string())
    }
}

pub fn run(cli: Cli) -> Result<u8, Fatal> {
    match cli.command {
        Command::Check(args) => check(*args),
        Command::Rules(args) => rules(args),
        Command::Explain(args) => explain(args),
        Command::Test(args) => Ok(test_command(&args)),
        Command::Baseline(cmd) => baseline(cmd),
        Command::Inspect(args) => inspect(&args.files),
        Command::Render(args) => render_command(args),
        Command::Merge(args) => {
            let merged = crate::report::merge::merge(&args.files).map_err(Fatal)?;
            write_out(args.output.as_deref(), &merged)?;
            Ok(EXIT_OK)
        }
        Command::Init(args) => init(args.force),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "runeguard", &mut std::io::stdout());
            Ok(EXIT_OK)
        }
    }
}

fn cwd() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}

fn write_out(path: Option<&Path>, text: &str) -> Result<(), Fatal> {
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

/// Merges the configuration file and the command line into run options.
fn check_options(args: &CheckArgs, loaded: &config::Loaded) -> Result<CheckOptions, Fatal> {
    let c = &loaded.config;
    let rel = |p: &PathBuf| {
        if p.is_absolute() {
            p.clone()
        } else {
            loaded.dir.join(p)
        }
    };
    let fail_on = match args.fail_on.as_deref().or(c.fail_on.as_deref()) {
        Some(s) => s.parse::<Severity>().map_err(Fatal)?,
        None => Severity::Low,
    };
    let mut frameworks = Vec::new();
    for f in args.framework.iter().chain(c.frameworks.iter()) {
        frameworks.push(Framework::parse(f).ok_or_else(|| Fatal(format!("unknown framework {f:?} (expected nist-800-53, nist-csf-2.0, soc2, zero-trust or cis-kubernetes)")))?);
    }
    if !args.framework.is_empty() {
        frameworks.retain(|f| args.framework.iter().any(|a| a == f.id()));
    }
    let mut severity_overrides = std::collections::BTreeMap::new();
    for (rule, sev) in &c.severity {
        severity_overrides.insert(
            rule.clone(),
            sev.parse::<Severity>().map_err(|e| {
                Fatal(format!(
                    "{}: severity of {rule}: {e}",
                    loaded
                        .path
                        .as_deref()
                        .unwrap_or(Path::new(".runeguard.yaml"))
                        .display()
                ))
            })?,
        );
    }
    let baseline = match args
        .baseline
        .clone()
        .or_else(|| c.baseline.as_ref().map(rel))
    {
        Some(p) => Some(Baseline::load(&p).map_err(Fatal)?),
        None => None,
    };
    let shard = match &args.shard {
        Some(s) => Some(crate::shard::parse(s).map_err(Fatal)?),
        None => None,
    };
    let mut paths: Vec<PathBuf> = args.paths.clone();
    let mut stdin = None;
    if let Some(i) = paths.iter().position(|p| p.as_os_str() == "-") {
        paths.remove(i);
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Fatal(format!("cannot read standard input: {e}")))?;
        let name = args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| "stdin.yaml".into());
        stdin = Some((name, text));
    } else if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }
    Ok(CheckOptions {
        paths,
        stdin,
        policy: policy_options(&args.policy, loaded),
        select: args
            .select
            .iter()
            .cloned()
            .chain(if args.select.is_empty() {
                c.select.clone()
            } else {
                Vec::new()
            })
            .collect(),
        ignore: args.ignore.iter().chain(c.ignore.iter()).cloned().collect(),
        frameworks,
        fail_on,
        jobs: args.jobs,
        exclude: {
            let here = discover::normalize(Path::new("."), &cwd());
            let conf = discover::normalize(&loaded.dir, &cwd());
            args.exclude
                .iter()
                .map(|g| discover::anchor_glob(g, &here))
                .chain(c.exclude.iter().map(|g| discover::anchor_glob(g, &conf)))
                .collect()
        },
        severity_overrides,
        path_ignores: {
            let conf = discover::normalize(&loaded.dir, &cwd());
            c.per_path_ignores
                .iter()
                .flat_map(|pi| {
                    pi.paths.iter().map(|p| {
                        (
                            discover::anchor_glob(p, &conf),
                            pi.rules.clone(),
                            pi.reason.clone(),
                        )
                    })
                })
                .collect()
        },
        baseline,
        shard,
        progress: None,
        render: render_config(&args.render, loaded),
    })
}

/// The rendering settings of a run: the configuration's `render:` entries and the command
/// line's `--values`, `--set` and `--kube-version`.
fn render_config(
    flags: &crate::cli::RenderFlags,
    loaded: &config::Loaded,
) -> crate::input::render::RenderConfig {
    let cwd = cwd();
    let abs = |p: &PathBuf, base: &Path| discover::normalize(&base.join(p), &cwd);
    let mut rc = crate::input::render::RenderConfig::default();
    rc.defaults.values_files = flags.values.iter().map(|p| abs(p, &cwd)).collect();
    rc.defaults.set = flags.set.clone();
    rc.defaults.kube_version = flags.kube_version.clone();
    rc.ci_values = flags.helm_ci_values;
    for e in &loaded.config.render {
        rc.folders.push(crate::input::render::FolderSettings {
            dir: abs(&e.path, &loaded.dir),
            release_name: e.release_name.clone(),
            namespace: e.namespace.clone(),
            values_files: e.values.iter().map(|p| abs(p, &loaded.dir)).collect(),
            set: e.set.clone(),
            kube_version: e.kube_version.clone(),
            ci_values: e.ci_values,
        });
    }
    rc
}

/// `runeguard render PATH`: the stream a chart or overlay renders to, as it is checked.
fn render_command(args: crate::cli::RenderArgs) -> Result<u8, Fatal> {
    use crate::input::render;
    let loaded = load_config(args.config.as_deref())?;
    let cwd = cwd();
    let rc = render_config(&args.render, &loaded);
    let dir = discover::normalize(&args.path, &cwd);
    let mut opts = rc.options_for(&dir);
    if let Some(r) = &args.release_name {
        opts.release_name = r.clone();
    }
    if let Some(n) = &args.namespace {
        opts.namespace = n.clone();
    }
    let display = discover::display_path(&args.path, &cwd);
    let outcome = if render::is_chart(&args.path) {
        render::render(&args.path, &display, &opts, false)
    } else if render::roots::kustomization_file(&args.path).is_some() {
        render::render(&args.path, &display, &opts, true)
    } else {
        return Err(Fatal(format!(
            "{display} is neither a Helm chart (no Chart.yaml) nor a Kustomize overlay (no kustomization.yaml)"
        )));
    };
    let mut code = EXIT_OK;
    if let Some(r) = &outcome.rendered {
        // Loading marks the credentials its documents hold, so that the stream prints masked
        // (what the documents fail to be is `check`'s to report, not `render`'s).
        render::load(r);
        let text = if args.origins {
            render::annotate_origins(r)
        } else {
            render::printable(&r.stream.redaction().redacted.text)
        };
        write_out(None, &text)?;
    }
    for p in &outcome.problems {
        if p.level == ProblemLevel::Error {
            code = EXIT_ERROR;
        }
        eprintln!("runeguard: {p}");
    }
    Ok(code)
}

fn policy_options(args: &PolicyArgs, loaded: &config::Loaded) -> PolicyOptions {
    let rel = |p: &PathBuf| {
        if p.is_absolute() {
            p.clone()
        } else {
            loaded.dir.join(p)
        }
    };
    PolicyOptions {
        builtin: !args.no_builtin,
        policy_dirs: loaded
            .config
            .policies
            .iter()
            .map(rel)
            .chain(args.policy.iter().cloned())
            .collect(),
        data_files: loaded
            .config
            .data
            .iter()
            .map(rel)
            .chain(args.data.iter().cloned())
            .collect(),
        include_tests: false,
    }
}

fn load_config(path: Option<&Path>) -> Result<config::Loaded, Fatal> {
    config::load(path, &cwd()).map_err(|p| Fatal(p.to_string()))
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

fn summary_line(r: &RunReport) -> String {
    let active: Vec<_> = r.active().collect();
    let suppressed = r.findings.len() - active.len();
    let errors = r
        .problems
        .iter()
        .filter(|p| p.level == ProblemLevel::Error)
        .count();
    let mut s = format!(
        "runeguard: {} finding{}{} in {} file{} ({} document{}, {} rule{})",
        active.len(),
        if active.len() == 1 { "" } else { "s" },
        if active.is_empty() {
            String::new()
        } else {
            format!(" ({})", report::table::severity_counts(r))
        },
        r.files,
        if r.files == 1 { "" } else { "s" },
        r.documents,
        if r.documents == 1 { "" } else { "s" },
        r.rules.len(),
        if r.rules.len() == 1 { "" } else { "s" },
    );
    if suppressed > 0 {
        s.push_str(&format!(", {suppressed} suppressed"));
    }
    if r.fixed_from_baseline > 0 {
        s.push_str(&format!(
            ", {} fixed since the baseline",
            r.fixed_from_baseline
        ));
    }
    if errors > 0 {
        s.push_str(&format!(
            "; {errors} problem{} kept something from being checked (exit 2)",
            if errors == 1 { "" } else { "s" }
        ));
    } else if r.has_failures() {
        s.push_str(&format!("; failing at --fail-on {}", r.fail_on));
    }
    s
}

pub fn exit_code(r: &RunReport) -> u8 {
    if r.has_errors() {
        EXIT_ERROR
    } else if r.has_failures() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// The report time: `--report-time` (RFC 3339, `now`, `@SECONDS`), else `SOURCE_DATE_EPOCH`, else
/// the fixed [`report::FIXED_TIME`]; always written as RFC 3339 in UTC, to the second.
pub fn report_time(arg: Option<&str>) -> Result<String, Fatal> {
    use chrono::{DateTime, SecondsFormat, Utc};
    let from_secs = |s: &str, what: &str| -> Result<DateTime<Utc>, Fatal> {
        s.trim()
            .parse::<i64>()
            .ok()
            .and_then(|n| DateTime::<Utc>::from_timestamp(n, 0))
            .ok_or_else(|| {
                Fatal(format!(
                    "{what}: {s:?} is not a number of seconds since 1970"
                ))
            })
    };
    let time = match arg {
        Some("now") => Utc::now(),
        Some(s) if s.starts_with('@') => from_secs(&s[1..], "--report-time")?,
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map_err(|e| {
                Fatal(format!(
                    "--report-time {s:?}: {e} (expected RFC 3339 such as 2026-01-31T12:00:00Z, `now` or `@SECONDS`)"
                ))
            })?
            .with_timezone(&Utc),
        None => match std::env::var("SOURCE_DATE_EPOCH") {
            Ok(v) if !v.is_empty() => from_secs(&v, "SOURCE_DATE_EPOCH")?,
            _ => return Ok(report::FIXED_TIME.to_string()),
        },
    };
    Ok(time.to_rfc3339_opts(SecondsFormat::Secs, true))
}

fn check(args: CheckArgs) -> Result<u8, Fatal> {
    let loaded = load_config(args.policy.config.as_deref())?;
    let formats = formats(&args)?;
    let mut opts = check_options(&args, &loaded)?;
    let evidence = report::Evidence {
        frameworks: opts.frameworks.clone(),
        profile: args
            .profile
            .as_deref()
            .map(crate::compliance::Profile::parse)
            .transpose()
            .map_err(Fatal)?,
        time: report_time(args.report_time.as_deref())?,
    };
    let bar = progress_bar(args.quiet);
    if let Some((cb, _)) = &bar {
        opts.progress = Some(cb.clone());
    }
    let set = PolicySet::load(&opts.policy);
    let mut report = crate::run::check_with(&set, &opts);
    if let Some((_, b)) = bar {
        b.finish_and_clear();
    }
    engine_notes(&set, args.verbose);
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
        let text = report::render_evidence(*format, &shown, opts, &evidence);
        write_out(file.as_deref(), &text)?;
    }
    if !args.quiet {
        eprintln!("{}", summary_line(&report));
    }
    Ok(exit_code(&report))
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

fn load_policies(args: &PolicyArgs) -> Result<PolicySet, Fatal> {
    let loaded = load_config(args.config.as_deref())?;
    let set = PolicySet::load(&policy_options(args, &loaded));
    set.compile_all();
    for p in &set.problems_all() {
        eprintln!("runeguard: {p}");
    }
    Ok(set)
}

fn rules(args: crate::cli::RulesArgs) -> Result<u8, Fatal> {
    let set = load_policies(&args.policy)?;
    let framework = match &args.framework {
        Some(f) => {
            Some(Framework::parse(f).ok_or_else(|| Fatal(format!("unknown framework {f:?}")))?)
        }
        None => None,
    };
    let input = match &args.input_type {
        Some(t) => Some(crate::input::InputType::parse(t).ok_or_else(|| {
            Fatal(format!(
                "unknown input type {t:?} (expected kubernetes, postgres or config)"
            ))
        })?),
        None => None,
    };
    let selected: Vec<&Arc<Rule>> = set
        .rules
        .iter()
        .filter(|r| framework.is_none_or(|f| r.controls.get(&f).is_some_and(|c| !c.is_empty())))
        .filter(|r| input.is_none_or(|t| r.input == t))
        .collect();
    let text = if args.format == crate::cli::CatalogFormat::Oscal {
        let time = report_time(args.report_time.as_deref())?;
        report::oscal::component_definition(&selected, crate::VERSION, &time)
    } else {
        crate::catalog::render(&selected, args.format, framework)
    };
    write_out(None, &text)?;
    Ok(if set.problems_all().is_empty() {
        EXIT_OK
    } else {
        EXIT_ERROR
    })
}

fn explain(args: crate::cli::ExplainArgs) -> Result<u8, Fatal> {
    let set = load_policies(&args.policy)?;
    let rule = set
        .rules
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(&args.rule) || r.name == args.rule)
        .ok_or_else(|| {
            Fatal(format!(
                "no rule {:?}; `runeguard rules` lists them",
                args.rule
            ))
        })?;
    write_out(None, &crate::catalog::explain(rule))?;
    Ok(EXIT_OK)
}

fn baseline(cmd: BaselineCommand) -> Result<u8, Fatal> {
    let (args, update) = match cmd {
        BaselineCommand::Create(a) => (a, false),
        BaselineCommand::Update(a) => (a, true),
    };
    let loaded = load_config(args.policy.config.as_deref())?;
    let check_args = CheckArgs {
        paths: args.paths.clone(),
        policy: args.policy.clone(),
        ..Default::default()
    };
    let mut opts = check_options(&check_args, &loaded)?;
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
    for p in report
        .problems
        .iter()
        .filter(|p| p.level == ProblemLevel::Error)
    {
        eprintln!("runeguard: {p}");
    }
    Ok(if report.has_errors() {
        EXIT_ERROR
    } else {
        EXIT_OK
    })
}

fn inspect(files: &[PathBuf]) -> Result<u8, Fatal> {
    let cwd = cwd();
    let mut out = String::new();
    let mut code = EXIT_OK;
    for path in files {
        if path.is_dir() {
            // A chart or an overlay: its rendered stream, each line with its origins.
            let display = discover::display_path(path, &cwd);
            let opts = crate::input::render::RenderOptions::default();
            let outcome = if crate::input::render::is_chart(path) {
                crate::input::render::render(path, &display, &opts, false)
            } else if crate::input::render::roots::kustomization_file(path).is_some() {
                crate::input::render::render(path, &display, &opts, true)
            } else {
                eprintln!("runeguard: {display}: is a directory (neither a chart nor an overlay)");
                code = EXIT_ERROR;
                continue;
            };
            if let Some(r) = &outcome.rendered {
                out.push_str(&crate::input::render::annotate_origins(r));
                let loaded = crate::input::render::load(r);
                for d in &loaded.documents {
                    out.push_str(&format!(
                        "# {} document {}: {} ({}) — {}\n",
                        d.file.path,
                        d.index + 1,
                        d.input_type,
                        d.subtype,
                        d.resource
                    ));
                }
                for p in &loaded.problems {
                    if p.level == ProblemLevel::Error {
                        code = EXIT_ERROR;
                    }
                    eprintln!("runeguard: {p}");
                }
            }
            for p in &outcome.problems {
                if p.level == ProblemLevel::Error {
                    code = EXIT_ERROR;
                }
                eprintln!("runeguard: {p}");
            }
            continue;
        }
        let c = discover::Candidate {
            display: discover::display_path(path, &cwd),
            path: path.clone(),
            explicit: true,
            kind: Default::default(),
        };
        let loaded = match discover::read(&c) {
            Ok(file) => classify::load(&file, true),
            Err(p) => crate::input::Loaded {
                documents: Vec::new(),
                problems: vec![p],
            },
        };
        for d in &loaded.documents {
            out.push_str(&format!(
                "# {} document {}: {} ({}) — {}\n",
                d.file.path,
                d.index + 1,
                d.input_type,
                d.subtype,
                d.resource
            ));
            // The value holds the file's credentials: shown masked.
            let red = d.file.redaction();
            let value =
                crate::source::secrets::redact_value(&d.value, &d.spans, &red.ranges, &red.known);
            out.push_str(&serde_json::to_string_pretty(&value).unwrap_or_default());
            out.push('\n');
        }
        for p in &loaded.problems {
            if p.level == ProblemLevel::Error {
                code = EXIT_ERROR;
            }
            eprintln!("runeguard: {p}");
        }
        if loaded.documents.is_empty() && loaded.problems.is_empty() {
            out.push_str(&format!("# {}: no documents\n", c.display));
        }
    }
    write_out(None, &out)?;
    Ok(code)
}

fn init(force: bool) -> Result<u8, Fatal> {
    let path = Path::new(config::FILE_NAMES[0]);
    if path.exists() && !force {
        return Err(Fatal(format!(
            "{} exists; use --force to overwrite it",
            path.display()
        )));
    }
    std::fs::write(path, config::STARTER)
        .map_err(|e| Fatal(format!("cannot write {}: {e}", path.display())))?;
    let snippets = format!(
        "wrote {}\n\n# .pre-commit-config.yaml\nrepos:\n  - repo: https://github.com/runeguard/runeguard\n    rev: v{v}\n    hooks:\n      - id: runeguard\n\n# GitHub Actions (code scanning)\n      - run: runeguard check --fail-on high --format human --format sarif=results.sarif .\n      - uses: github/codeql-action/upload-sarif@v3\n        if: always()\n        with:\n          sarif_file: results.sarif\n          category: runeguard\n\n# GitLab CI\nrruneguard:\n  script: runeguard check --format human --format junit=runeguard.xml .\n  artifacts:\n    when: always\n    reports:\n      junit: runeguard.xml\n",
        path.display(),
        v = crate::VERSION
    )
    .replace("rruneguard:", "runeguard:");
    write_out(None, &snippets)?;
    Ok(EXIT_OK)
}

/// Reports a problem that stopped a command before it could produce a report.
pub fn report_fatal(f: &Fatal) {
    eprintln!("runeguard: error: {}", f.0);
}

/// `runeguard test`: prints each failure (every test with --verbose) and a summary line.
fn test_command(args: &crate::cli::TestArgs) -> u8 {
    let builtin = args.dirs.is_empty();
    let opts = PolicyOptions {
        builtin,
        policy_dirs: args.dirs.clone(),
        data_files: args.data.clone(),
        include_tests: true,
    };
    let set = PolicySet::load(&opts);
    set.compile_all();
    set.all();
    for p in &set.problems_all() {
        eprintln!("runeguard: {p}");
    }
    let rules: Vec<Arc<Rule>> = set
        .rules
        .iter()
        .filter(|r| builtin || r.origin == crate::rule::Origin::User)
        .filter(|r| {
            args.run
                .as_ref()
                .is_none_or(|t| r.id.contains(t.as_str()) || r.name.contains(t.as_str()))
        })
        .cloned()
        .collect();
    let mut outcomes = crate::testing::rego_test_outcomes(&set, !builtin);
    if let Some(t) = &args.run {
        outcomes.retain(|o| o.name.contains(t.as_str()));
    }
    outcomes.extend(crate::testing::fixture_outcomes(&set, &rules, builtin));
    let mut passed = 0;
    let mut failed = 0;
    let mut broken = 0;
    for o in &outcomes {
        if o.passed() {
            passed += 1;
            if args.verbose {
                println!("PASS {}", o.name);
            }
        } else {
            if o.broken {
                broken += 1;
            } else {
                failed += 1;
            }
            println!("{} {}", if o.broken { "ERROR" } else { "FAIL" }, o.name);
            for e in &o.errors {
                println!("    {e}");
            }
        }
    }
    println!("{passed} passed, {} failed", failed + broken);
    if !set.problems_all().is_empty() || broken > 0 {
        2
    } else if failed > 0 {
        1
    } else {
        0
    }
}
