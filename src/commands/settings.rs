//! Settings, settled once per command: `.runeguard.yaml` merged with the command line into
//! the options of a run, the working directory read once, globs compiled once. What is wrong
//! in them is reported where it was written: a flag by its name, a configuration value by its
//! file and line.

use super::Fatal;
use crate::cli::{CheckArgs, PolicyArgs, RenderFlags};
use crate::config::{self, Loaded};
use crate::input::discover;
use crate::input::render::{FolderSettings, RenderConfig};
use crate::policy::{PolicyOptions, PolicySet};
use crate::report;
use crate::rule::{Framework, Severity};
use crate::run::CheckOptions;
use crate::source::Problem;
use crate::source::span::PathSeg;
use crate::suppress::{Baseline, PathIgnore};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The configuration file and the working directory, for one command.
pub struct Settings {
    pub cwd: PathBuf,
    pub loaded: Loaded,
}

impl Settings {
    /// Reads the configuration given with `--config`, or the one found upward from here.
    pub fn load(config_path: Option<&Path>) -> Result<Settings, Fatal> {
        let cwd = config::working_dir();
        let loaded = config::load(config_path, &cwd).map_err(|p| Fatal(p.to_string()))?;
        Ok(Settings { cwd, loaded })
    }

    /// A path of the configuration, resolved against the configuration's folder.
    fn config_path(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.loaded.dir.join(p)
        }
    }

    /// The options of a check run: the command line first, then the configuration. Standard
    /// input (`-`) is not read here; see [`read_stdin`].
    pub fn check_options(&self, args: &CheckArgs) -> Result<CheckOptions, Fatal> {
        let c = &self.loaded.config;
        let fail_on = match (&args.fail_on, &c.fail_on) {
            (Some(s), _) => s.parse::<Severity>().map_err(Fatal)?,
            (None, Some(s)) => s
                .parse::<Severity>()
                .map_err(|e| self.config_error(&[key("fail-on")], e))?,
            (None, None) => Severity::Low,
        };
        let framework = |f: &str| {
            Framework::parse(f).ok_or_else(|| format!("unknown framework {f:?} (expected nist-800-53, nist-csf-2.0, soc2, zero-trust or cis-kubernetes)"))
        };
        let mut frameworks = Vec::new();
        for f in &args.framework {
            frameworks.push(framework(f).map_err(Fatal)?);
        }
        for (i, f) in c.frameworks.iter().enumerate() {
            let at = [key("frameworks"), PathSeg::Index(i)];
            frameworks.push(framework(f).map_err(|e| self.config_error(&at, e))?);
        }
        if !args.framework.is_empty() {
            frameworks.retain(|f| args.framework.iter().any(|a| a == f.id()));
        }
        let mut severity_overrides = std::collections::BTreeMap::new();
        for (rule, sev) in &c.severity {
            let severity = sev.parse::<Severity>().map_err(|e| {
                self.config_error(
                    &[key("severity"), key(rule)],
                    format!("severity of {rule}: {e}"),
                )
            })?;
            severity_overrides.insert(rule.clone(), severity);
        }
        let baseline = match args
            .baseline
            .clone()
            .or_else(|| c.baseline.as_deref().map(|p| self.config_path(p)))
        {
            Some(p) => Some(Baseline::load(&p).map_err(Fatal)?),
            None => None,
        };
        let shard = match &args.shard {
            Some(s) => Some(crate::shard::parse(s).map_err(Fatal)?),
            None => None,
        };
        let mut paths: Vec<PathBuf> = args
            .paths
            .iter()
            .filter(|p| p.as_os_str() != "-")
            .cloned()
            .collect();
        if args.paths.is_empty() {
            paths.push(PathBuf::from("."));
        }
        let select = if args.select.is_empty() {
            c.select.clone()
        } else {
            args.select.clone()
        };
        let mut problems = Vec::new();
        let exclude = self.exclude(&args.exclude, &mut problems);
        let path_ignores = self.path_ignores(&mut problems);
        Ok(CheckOptions {
            paths,
            stdin: None,
            policy: self.policy_options(&args.policy),
            select,
            ignore: args.ignore.iter().chain(c.ignore.iter()).cloned().collect(),
            frameworks,
            fail_on,
            jobs: args.jobs,
            exclude,
            severity_overrides,
            path_ignores,
            baseline,
            shard,
            progress: None,
            render: self.render_config(&args.render),
            cwd: self.cwd.clone(),
            problems,
        })
    }

    /// `--exclude` globs (anchored here) and the configuration's (anchored at its folder),
    /// compiled into one set; a glob that does not compile is a problem where it was written.
    fn exclude(&self, flags: &[String], problems: &mut Vec<Problem>) -> globset::GlobSet {
        let here = discover::normalize(Path::new("."), &self.cwd);
        let conf = discover::normalize(&self.loaded.dir, &self.cwd);
        let mut set = globset::GlobSetBuilder::new();
        for pattern in flags {
            let anchored = discover::anchor_glob(pattern, &here);
            match globset::Glob::new(&anchored) {
                Ok(g) => {
                    set.add(g);
                }
                Err(e) => problems.push(Problem::error(
                    "--exclude",
                    None,
                    format!("invalid glob {anchored:?}: {e}"),
                )),
            }
        }
        for (i, pattern) in self.loaded.config.exclude.iter().enumerate() {
            let at = [key("exclude"), PathSeg::Index(i)];
            match self.config_glob(pattern, &conf, &at, "exclude", problems) {
                Some(g) => {
                    set.add(g);
                }
                None => continue,
            }
        }
        set.build().unwrap_or_else(|_| globset::GlobSet::empty())
    }

    /// The configuration's `per-path-ignores`, each glob compiled; an entry whose glob does not
    /// compile is reported (it suppresses nothing).
    fn path_ignores(&self, problems: &mut Vec<Problem>) -> Vec<PathIgnore> {
        let conf = discover::normalize(&self.loaded.dir, &self.cwd);
        let mut out = Vec::new();
        for (i, entry) in self.loaded.config.per_path_ignores.iter().enumerate() {
            for (j, pattern) in entry.paths.iter().enumerate() {
                let at = [
                    key("per-path-ignores"),
                    PathSeg::Index(i),
                    key("paths"),
                    PathSeg::Index(j),
                ];
                if let Some(g) = self.config_glob(pattern, &conf, &at, "per-path-ignores", problems)
                {
                    out.push(PathIgnore {
                        matcher: g.compile_matcher(),
                        rules: entry.rules.clone(),
                        reason: entry.reason.clone(),
                    });
                }
            }
        }
        out
    }

    /// A glob of the configuration file anchored at its folder, or a problem at its line.
    fn config_glob(
        &self,
        pattern: &str,
        conf: &Path,
        at: &[PathSeg],
        key: &str,
        problems: &mut Vec<Problem>,
    ) -> Option<globset::Glob> {
        let checked = globset::Glob::new(pattern)
            .and_then(|_| globset::Glob::new(&discover::anchor_glob(pattern, conf)));
        match checked {
            Ok(g) => Some(g),
            Err(e) => {
                problems.push(
                    self.config_problem(at, format!("invalid glob {pattern:?} in {key}: {e}")),
                );
                None
            }
        }
    }

    /// A bad value of the configuration file, at its file, line and column.
    fn config_problem(&self, at: &[PathSeg], message: String) -> Problem {
        Problem::error(
            &self.loaded.shown(&self.cwd),
            self.loaded.position(at),
            message,
        )
    }

    /// A bad value of the configuration file that stops the command, located likewise.
    fn config_error(&self, at: &[PathSeg], message: impl std::fmt::Display) -> Fatal {
        Fatal(self.config_problem(at, message.to_string()).to_string())
    }

    /// The rendering settings of a run: the configuration's `render:` entries and the command
    /// line's `--values`, `--set` (and Helm's other value flags) and `--kube-version`.
    pub fn render_config(&self, flags: &RenderFlags) -> RenderConfig {
        let abs = |p: &PathBuf, base: &Path| discover::normalize(&base.join(p), &self.cwd);
        let mut rc = RenderConfig::default();
        rc.defaults.values_files = flags.values.iter().map(|p| abs(p, &self.cwd)).collect();
        rc.defaults.set = flags.set_args();
        rc.defaults.kube_version = flags.kube_version.clone();
        rc.ci_values = flags.helm_ci_values;
        for e in &self.loaded.config.render {
            rc.folders.push(FolderSettings {
                dir: abs(&e.path, &self.loaded.dir),
                release_name: e.release_name.clone(),
                namespace: e.namespace.clone(),
                values_files: e.values.iter().map(|p| abs(p, &self.loaded.dir)).collect(),
                set: e.set_args(&self.loaded.dir),
                kube_version: e.kube_version.clone(),
                ci_values: e.ci_values,
            });
        }
        rc
    }

    /// Which policies to load: the built-in ones unless `--no-builtin`, the configuration's
    /// policy folders and data files, then the command line's.
    pub fn policy_options(&self, args: &PolicyArgs) -> PolicyOptions {
        let c = &self.loaded.config;
        PolicyOptions {
            builtin: !args.no_builtin,
            policy_dirs: c
                .policies
                .iter()
                .map(|p| self.config_path(p))
                .chain(args.policy.iter().cloned())
                .collect(),
            data_files: c
                .data
                .iter()
                .map(|p| self.config_path(p))
                .chain(args.data.iter().cloned())
                .collect(),
            include_tests: false,
        }
    }

    /// The policies of these settings, loaded (compiled on demand).
    pub fn policies(&self, args: &PolicyArgs) -> PolicySet {
        PolicySet::load(&self.policy_options(args))
    }
}

fn key(name: &str) -> PathSeg {
    PathSeg::Key(name.to_string())
}

/// Standard input, when `-` is among the paths, with the name to report it under.
pub fn read_stdin(
    paths: &[PathBuf],
    name: Option<&str>,
) -> Result<Option<(String, String)>, Fatal> {
    if !paths.iter().any(|p| p.as_os_str() == "-") {
        return Ok(None);
    }
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Fatal(format!("cannot read standard input: {e}")))?;
    Ok(Some((name.unwrap_or("stdin.yaml").to_string(), text)))
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
