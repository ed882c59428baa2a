//! One `runeguard check` run: discover → load → evaluate (in parallel) → whole-project rules →
//! suppressions → a sorted [`RunReport`]. Nothing here knows the command line or output formats.

mod evaluate;
mod project;
mod rendered;

use crate::finding::{Finding, Related};
use crate::input::discover;
use crate::input::discover::CandidateKind;
use crate::policy::{PolicyOptions, PolicySet};
use crate::report::RunReport;
use crate::rule::{Framework, Rule, Severity};
use crate::source::span::{PathSeg, Span};
use crate::source::{Problem, SourceFile};
use crate::suppress;
use evaluate::{FileOutcome, Pass, process_file};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

/// What to check and how.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    /// Text read from standard input, with the name to report it under.
    pub stdin: Option<(String, String)>,
    pub policy: PolicyOptions,
    /// Rule ids, names or id prefixes to keep (empty: all).
    pub select: Vec<String>,
    /// Rule ids, names or id prefixes to drop.
    pub ignore: Vec<String>,
    /// Keep only rules mapped to one of these frameworks (empty: all).
    pub frameworks: Vec<Framework>,
    pub fail_on: Severity,
    /// Worker threads (None: one per core).
    pub jobs: Option<usize>,
    /// Paths not to check (globs compiled by the settings).
    pub exclude: globset::GlobSet,
    /// Per-rule severity overrides (id or name → severity).
    pub severity_overrides: BTreeMap<String, Severity>,
    /// Per-path rule ignores from the configuration.
    pub path_ignores: Vec<suppress::PathIgnore>,
    /// Baseline fingerprints (findings matching them are suppressed as `external`).
    pub baseline: Option<suppress::Baseline>,
    /// Deterministic shard of the file set: (index, count), 1-based index.
    pub shard: Option<(usize, usize)>,
    /// Called with (files done, files total) as the run progresses.
    pub progress: Option<Progress>,
    /// How Helm charts and Kustomize overlays are rendered.
    pub render: crate::input::render::RenderConfig,
    /// The working directory (relative paths, per-path globs).
    pub cwd: PathBuf,
    /// What settling these options found wrong (a glob that does not compile), reported with
    /// the run.
    pub problems: Vec<Problem>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            paths: vec![PathBuf::from(".")],
            stdin: None,
            policy: PolicyOptions {
                builtin: true,
                ..Default::default()
            },
            select: Vec::new(),
            ignore: Vec::new(),
            frameworks: Vec::new(),
            fail_on: Severity::Low,
            jobs: None,
            exclude: globset::GlobSet::empty(),
            severity_overrides: BTreeMap::new(),
            path_ignores: Vec::new(),
            baseline: None,
            shard: None,
            progress: None,
            render: Default::default(),
            cwd: crate::config::working_dir(),
            problems: Vec::new(),
        }
    }
}

/// A progress callback: (files done, files total).
#[derive(Clone)]
pub struct Progress(pub Arc<dyn Fn(usize, usize) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

/// The rules a run uses, after `--select`, `--ignore` and `--framework`.
pub fn active_rules(set: &PolicySet, opts: &CheckOptions) -> Vec<Arc<Rule>> {
    set.rules
        .iter()
        .filter(|r| opts.select.is_empty() || opts.select.iter().any(|s| r.matches_selector(s)))
        .filter(|r| !opts.ignore.iter().any(|s| r.matches_selector(s)))
        .filter(|r| {
            opts.frameworks.is_empty()
                || opts
                    .frameworks
                    .iter()
                    .any(|f| r.controls.get(f).is_some_and(|c| !c.is_empty()))
        })
        .cloned()
        .collect()
}

/// Runs `f` in the `--jobs` thread pool, if one was made (else in rayon's global pool).
fn in_pool<R: Send>(pool: Option<&rayon::ThreadPool>, f: impl FnOnce() -> R + Send) -> R {
    match pool {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

/// Runs a check with policies already loaded.
pub fn check_with(set: &PolicySet, opts: &CheckOptions) -> RunReport {
    check_policies(&Policies::Ready(set), opts)
}

/// Loads the policies and runs a check, the two at once where they can be: with the built-in
/// settings (no `--data` file, no `--policy` folder), the policies load on their own thread
/// while the run finds, reads and renders its inputs, which need none. Returns the policies
/// with the report (the command reports their engines' notes).
pub fn check_loading(opts: &CheckOptions) -> (PolicySet, RunReport) {
    // Settings a run brings change the credential vocabulary that masks what is read: it has
    // to be known before the first file is. The loading gets a pool of its own: the run's
    // workers wait for the policies, so their loading (which uses rayon) must not wait for
    // those workers.
    let builtin_settings = opts.policy.data_files.is_empty() && opts.policy.policy_dirs.is_empty();
    let pool = builtin_settings
        .then(|| rayon::ThreadPoolBuilder::new().num_threads(1).build().ok())
        .flatten();
    let Some(pool) = pool else {
        // The report's compliance summary reads the framework catalogs: parsed meanwhile.
        let _ = std::thread::Builder::new().spawn(|| {
            crate::compliance::catalogs();
        });
        let set = PolicySet::load(&opts.policy);
        let report = check_with(&set, opts);
        return (set, report);
    };
    let cell = std::sync::OnceLock::new();
    let policies = Policies::Loading(&cell, &opts.policy);
    let report = std::thread::scope(|s| {
        // One thread readies, in the order the run needs them, what does not depend on the
        // inputs: the credential vocabulary (masking reads it from the first file read), the
        // policies (the first document evaluated), the catalogs (the report's summary). Each
        // its own thread, they took the cores from the render, which is the run's critical
        // path (a one-chart run). Without the thread, each is made where first needed.
        let _ = std::thread::Builder::new().spawn_scoped(s, || {
            pool.install(|| {
                crate::source::secrets::prepare_builtin();
                policies.get();
                crate::compliance::catalogs();
            })
        });
        check_policies(&policies, opts)
    });
    let set = cell
        .into_inner()
        .expect("a run reads its policies before it reports");
    (set, report)
}

/// The policies of a run: loaded, or being loaded on another thread (see [`check_loading`]).
/// Whatever needs them first waits for them; a chart's rendering and the policies' loading
/// (≈ 1.5 ms each for a small chart) overlap.
pub(super) enum Policies<'a> {
    Ready(&'a PolicySet),
    Loading(&'a std::sync::OnceLock<PolicySet>, &'a PolicyOptions),
}

impl<'a> Policies<'a> {
    pub(super) fn get(&self) -> &'a PolicySet {
        match *self {
            Policies::Ready(set) => set,
            Policies::Loading(cell, opts) => cell.get_or_init(|| PolicySet::load(opts)),
        }
    }
}

fn check_policies(policies: &Policies, opts: &CheckOptions) -> RunReport {
    // Masking reads the credential vocabulary the rules read (`--data` extends both). Loading
    // policies in the background is for the built-in settings only.
    let mut vocabulary_problem = None;
    match policies {
        Policies::Ready(set) => match set.credential_settings() {
            Some(c) => {
                if let Err(e) = crate::source::secrets::configure(c) {
                    vocabulary_problem = Some(Problem::error("--data", None, e));
                }
            }
            None => crate::source::secrets::warm_builtin(),
        },
        // check_loading's thread readies it.
        Policies::Loading(..) => {}
    }
    let pass = Pass::new(policies, opts);
    let mut problems: Vec<Problem> = vocabulary_problem.into_iter().collect();
    problems.extend(opts.problems.iter().cloned());

    let mut candidates = Vec::new();
    let mut overlays = discover::Overlays::default();
    if !opts.paths.is_empty() {
        let (found, walk_problems, walk_overlays) =
            discover::discover(&opts.paths, &opts.exclude, &opts.cwd);
        candidates = found;
        overlays = walk_overlays;
        problems.extend(walk_problems);
    }
    if let Some((shard, count)) = opts.shard {
        candidates = crate::shard::select(candidates, shard, count);
    }

    let total =
        std::sync::atomic::AtomicUsize::new(candidates.len() + usize::from(opts.stdin.is_some()));
    let done = std::sync::atomic::AtomicUsize::new(0);
    let tick = || {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if let Some(p) = &opts.progress {
            (p.0)(n, total.load(std::sync::atomic::Ordering::Relaxed));
        }
    };

    let check_all = |cands: &[discover::Candidate]| -> Vec<FileOutcome> {
        cands
            .par_iter()
            .map_init(
                || pass.lend(),
                |ev, c| {
                    let o = match c.kind {
                        CandidateKind::File => match discover::read(c) {
                            Ok(file) => process_file(ev, file, c.explicit, &pass),
                            Err(p) => FileOutcome {
                                problems: vec![p],
                                ..Default::default()
                            },
                        },
                        CandidateKind::Chart | CandidateKind::Overlay => {
                            rendered::process_rendered(ev, c, &pass)
                        }
                    };
                    tick();
                    o
                },
            )
            .collect()
    };
    let pool = match opts.jobs {
        Some(n) if n > 0 => rayon::ThreadPoolBuilder::new().num_threads(n).build().ok(),
        _ => None,
    };
    let mut outcomes = in_pool(pool.as_ref(), || check_all(&candidates));
    drop_files_overlays_deploy(&candidates, &mut outcomes, &opts.cwd);
    drop_generated_schemas(&candidates, &mut outcomes);
    // An overlay that built nothing checked none of the files it was to check: its bases are
    // rendered on their own, until no base of what went back fails in turn. Then a resource
    // file no build read (its overlay failed, or refused the base that lists it) is checked
    // as written: "checked through the overlay" holds only for what an overlay's build read.
    let mut failed = std::collections::BTreeSet::new();
    let mut given: std::collections::HashSet<String> =
        candidates.iter().map(|c| c.display.clone()).collect();
    let mut from = 0;
    let mut files_given = false;
    loop {
        let mut more = Vec::new();
        for (c, o) in candidates[from..].iter().zip(&mut outcomes[from..]) {
            if c.kind != CandidateKind::Overlay || !o.rendered.is_empty() {
                continue;
            }
            failed.insert(discover::normalize(&c.path, &opts.cwd));
            let back: Vec<discover::Candidate> = overlays
                .give_back(&failed)
                .into_iter()
                .filter(|b| given.insert(b.display.clone()))
                .collect();
            if !back.is_empty() {
                o.problems
                    .push(given_back_note(&c.display, &back, "rendered on their own"));
            }
            more.extend(back);
        }
        if more.is_empty() && !files_given {
            files_given = true;
            more = unread_resources(&overlays, &candidates, &mut outcomes, &opts.cwd);
        }
        if more.is_empty() {
            break;
        }
        more.sort();
        total.fetch_add(more.len(), std::sync::atomic::Ordering::Relaxed);
        from = candidates.len();
        outcomes.extend(in_pool(pool.as_ref(), || check_all(&more)));
        candidates.extend(more);
    }
    if let Some((name, text)) = &opts.stdin {
        let mut ev = None;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text).to_string();
        let file = SourceFile::new(name.clone(), None, text);
        outcomes.push(process_file(&mut ev, file, true, &pass));
        tick();
    }

    let set = policies.get();
    let project_rules = pass.project_rules();
    let files = files_checked(&candidates, &outcomes) + usize::from(opts.stdin.is_some());
    let mut findings = Vec::new();
    let mut kept = Vec::new();
    let mut documents = 0;
    let mut directive_files = Vec::new();
    let mut document_lines = suppress::DocumentLines::new();
    let mut annotated = Vec::new();
    let mut rendered = Vec::new();
    let mut credentials = Vec::new();
    for o in outcomes {
        credentials.extend(o.credentials);
        directive_files.extend(o.directive_files);
        for (path, lines) in o.document_lines {
            document_lines.entry(path).or_default().extend(lines);
        }
        annotated.extend(o.annotated);
        rendered.extend(o.rendered);
        findings.extend(o.findings);
        problems.extend(o.problems);
        kept.extend(o.kept);
        documents += o.documents;
    }
    // Liquibase changelogs naming missing files, or including each other in a cycle
    problems.extend(project::changelog_problems(&kept, &opts.cwd));
    if !project_rules.is_empty() {
        kept.sort_by(|(a, _), (b, _)| (&a.file.path, a.index).cmp(&(&b.file.path, b.index)));
        // a file read again after the migrations before it: its `DO` notes are the second
        // reading's
        for (path, notes) in project::read_after_earlier(&mut kept, &opts.cwd) {
            problems.retain(|p| !(p.file == path && p.message.starts_with(project::DO_NOTE)));
            problems.extend(notes);
        }
        let install = rendered::install_namespaced(&kept, &rendered);
        let (f, p) = in_pool(pool.as_ref(), || {
            project::run_project_rules(set, project_rules, &kept, &install, opts)
        });
        findings.extend(f);
        problems.extend(p);
    }
    drop(kept);
    // Before the findings on rendered streams move to their origins (their parts are the
    // streams').
    evaluate::point_into_literal_blocks(&mut findings, &rendered);
    rendered::move_to_origins(&mut findings, &rendered);
    set.warm_cache();
    // Policy problems: loading, and compiling the engines this run used.
    problems.extend(set.problems_all());
    // What the renderings found, without scanning what no output shows.
    for r in &rendered {
        credentials.extend(crate::input::render::marked_credentials(r));
    }
    mask_across_files(&findings, credentials);
    let sources = suppress::Sources {
        annotated: &annotated,
        directive_files: &directive_files,
        documents: &document_lines,
        path_ignores: &opts.path_ignores,
        baseline: opts.baseline.as_ref(),
        cwd: &opts.cwd,
    };
    finish(
        findings,
        problems,
        pass.into_rules(),
        files,
        documents,
        opts,
        &sources,
    )
}

/// A file checked as itself that an overlay of the same run built from (`pre-commit` passes a
/// base's manifest together with the kustomization that deploys it) is checked as that
/// overlay deploys it, as in a walk: its findings as written (a namespace, an image tag the
/// overlay sets) describe no deployed object, and the overlay's point at its lines already.
fn drop_files_overlays_deploy(
    candidates: &[discover::Candidate],
    outcomes: &mut [FileOutcome],
    cwd: &std::path::Path,
) {
    let built_from: std::collections::HashSet<&PathBuf> = outcomes
        .iter()
        .filter(|o| !o.rendered.is_empty())
        .flat_map(|o| o.read.iter())
        .collect();
    if built_from.is_empty() {
        return;
    }
    let dropped: Vec<usize> = candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.kind == CandidateKind::File && built_from.contains(&discover::normalize(&c.path, cwd))
        })
        .map(|(i, _)| i)
        .collect();
    for i in dropped {
        outcomes[i] = FileOutcome::default();
    }
}

/// Schema files a tool generates from SQL files the run checks (session sql37): each of their
/// findings repeats one of the sources' (the same table without RLS, the same column, counted
/// twice, once in a generated file no one edits). They are not checked again, and a note says
/// so; one whose sources are not all in the run is checked.
///
/// - dbmate's `db/schema.sql`, the dump `dbmate` writes of the schema its migrations build,
///   when every migration it lists is a file of the run (`db/migrations/`);
/// - launchql's and pgpm's extension scripts `sql/<ext>--<version>.sql`, the deploy scripts
///   of the package's plan in one file (`lql package`, `pgpm package`), beside the package's
///   `<ext>.control` and a `deploy/` folder of the run.
fn drop_generated_schemas(candidates: &[discover::Candidate], outcomes: &mut [FileOutcome]) {
    drop_packaged_extension_scripts(candidates, outcomes);
    drop_dbmate_dumps(candidates, outcomes);
}

/// launchql's and pgpm's packaged extension scripts (`drop_generated_schemas`).
fn drop_packaged_extension_scripts(
    candidates: &[discover::Candidate],
    outcomes: &mut [FileOutcome],
) {
    let is_sql = |c: &discover::Candidate| {
        c.kind == CandidateKind::File && c.display.to_ascii_lowercase().ends_with(".sql")
    };
    // the folders holding a `deploy/` folder of the run's SQL files
    let mut deploy_roots: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for c in candidates.iter().filter(|c| is_sql(c)) {
        let d = c.display.as_str();
        if d.starts_with("deploy/") {
            deploy_roots.insert("");
        } else if let Some(i) = d.find("/deploy/") {
            deploy_roots.insert(&d[..i]);
        }
    }
    if deploy_roots.is_empty() {
        return;
    }
    for (i, c) in candidates.iter().enumerate() {
        if !is_sql(c) {
            continue;
        }
        let (dir, name) = c
            .display
            .rsplit_once('/')
            .unwrap_or(("", c.display.as_str()));
        let (root, folder) = dir.rsplit_once('/').unwrap_or(("", dir));
        let stem = &name[..name.len() - 4];
        let Some((ext, version)) = stem.split_once("--") else {
            continue;
        };
        if folder != "sql"
            || ext.is_empty()
            || version.contains("--")
            || !version.starts_with(|ch: char| ch.is_ascii_digit())
            || !deploy_roots.contains(root)
        {
            continue;
        }
        let control = c
            .path
            .parent()
            .and_then(|sql| sql.parent())
            .map(|r| r.join(format!("{ext}.control")));
        if !control.is_some_and(|p| p.is_file()) {
            continue;
        }
        let deploy = if root.is_empty() {
            "deploy".to_string()
        } else {
            format!("{root}/deploy")
        };
        let note = Problem::note(
            &c.display,
            None,
            format!(
                "extension script not checked: `{ext}.control`'s package builds it from the deploy scripts of this run (`{deploy}`), checked there"
            ),
        );
        noted_instead(&mut outcomes[i], note);
    }
}

/// Replaces a file's outcome by `note` (a file checked elsewhere), keeping the credentials it
/// read: they are masked in every output all the same.
fn noted_instead(outcome: &mut FileOutcome, note: Problem) {
    let credentials = std::mem::take(&mut outcome.credentials);
    *outcome = FileOutcome {
        problems: vec![note],
        credentials,
        ..Default::default()
    };
}

/// dbmate's schema dumps (`drop_generated_schemas`).
fn drop_dbmate_dumps(candidates: &[discover::Candidate], outcomes: &mut [FileOutcome]) {
    use crate::input::postgres::migrations;
    let sql: Vec<(usize, &str)> = candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.kind == CandidateKind::File && c.display.to_ascii_lowercase().ends_with(".sql")
        })
        .map(|(i, c)| (i, c.display.as_str()))
        .collect();
    // the folders holding a SQL file in a sub-folder: where a dump beside migrations may be
    let mut above: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (_, p) in &sql {
        let mut dir = p.rsplit_once('/').map_or("", |(d, _)| d);
        while !dir.is_empty() {
            let up = dir.rsplit_once('/').map_or("", |(d, _)| d);
            if !above.insert(up) {
                break;
            }
            dir = up;
        }
    }
    if above.is_empty() {
        return;
    }
    let paths: Vec<&str> = sql.iter().map(|(_, p)| *p).collect();
    for &(i, path) in &sql {
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        if !above.contains(dir) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&candidates[i].path) else {
            continue;
        };
        let Some((at, versions)) = migrations::dbmate_dump_versions(&text) else {
            continue;
        };
        let Some(folder) = migrations::dbmate_migrations_folder(path, &versions, &paths) else {
            continue;
        };
        let line = text[..at].matches('\n').count() as u32 + 1;
        let note = Problem::note(
            path,
            Some(crate::source::span::Pos { line, column: 1 }),
            match versions.len() {
                1 => format!(
                    "dbmate's schema dump not checked: the migration it lists is a file of this run (`{folder}`), checked there"
                ),
                n => format!(
                    "dbmate's schema dump not checked: the {n} migrations it lists are files of this run (`{folder}`), checked there"
                ),
            },
        );
        noted_instead(&mut outcomes[i], note);
    }
}

/// The resource files of the walk's overlays that no build of the run read, to check as
/// written; the overlay each was to be checked through says so in a note.
fn unread_resources(
    overlays: &discover::Overlays,
    candidates: &[discover::Candidate],
    outcomes: &mut [FileOutcome],
    cwd: &std::path::Path,
) -> Vec<discover::Candidate> {
    let read: std::collections::HashSet<PathBuf> = outcomes
        .iter()
        .flat_map(|o| o.read.iter().cloned())
        .collect();
    let ran: std::collections::HashSet<PathBuf> = candidates
        .iter()
        .filter(|c| c.kind == CandidateKind::Overlay)
        .map(|c| discover::normalize(&c.path, cwd))
        .collect();
    let unread = overlays.unread(&read, &ran);
    let mut by_owner: BTreeMap<PathBuf, Vec<discover::Candidate>> = BTreeMap::new();
    for (c, owner) in &unread {
        by_owner.entry(owner.clone()).or_default().push(c.clone());
    }
    for (c, o) in candidates.iter().zip(outcomes.iter_mut()) {
        if c.kind == CandidateKind::Overlay
            && let Some(files) = by_owner.get(&discover::normalize(&c.path, cwd))
        {
            o.problems
                .push(given_back_note(&c.display, files, "checked as written"));
        }
    }
    unread.into_iter().map(|(c, _)| c).collect()
}

/// Says what an overlay did not check that the run checks without it (`how`: its bases
/// rendered on their own, its resource files checked as written), so that a reader of its
/// error knows they were still checked, and how.
fn given_back_note(overlay: &str, back: &[discover::Candidate], how: &str) -> Problem {
    // A few names, then a count: an overlay of a generated repository may deploy hundreds.
    let all: Vec<&str> = back.iter().map(|b| b.display.as_str()).collect();
    let names = if all.len() > 5 {
        format!("{} and {} more", all[..4].join(", "), all.len() - 4)
    } else {
        all.join(", ")
    };
    let what = if back.iter().all(|b| b.kind != CandidateKind::File) {
        "the overlay built nothing, so the bases and charts it deploys are"
    } else {
        "the overlay's build did not read these files it names, so they are"
    };
    Problem::note(overlay, None, format!("{what} {how}: {names}"))
}

/// The files a run checked: each plain file, and each file a chart or overlay rendered from
/// (a template, a values file, a base's manifest; one read by several overlays counts once),
/// or the chart or overlay itself when it rendered nothing. The summary's "in N files" then
/// counts what a user has in the repository, whether its manifests are checked as themselves
/// or through the overlays that deploy them.
fn files_checked(candidates: &[discover::Candidate], outcomes: &[FileOutcome]) -> usize {
    // One set: a file named on the command line that an overlay of the run built from is
    // one file checked, not two.
    let mut checked: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (c, o) in candidates.iter().zip(outcomes) {
        // an XML file of a changelog folder that is no Liquibase changelog was not checked
        if c.kind == CandidateKind::File
            && o.documents == 0
            && o.problems.is_empty()
            && crate::input::liquibase::is_candidate_path(&c.display)
        {
            continue;
        }
        if c.kind == CandidateKind::File || o.rendered.is_empty() {
            checked.insert(c.display.clone());
            continue;
        }
        for r in &o.rendered {
            checked.extend(r.map.files().into_iter().map(|f| f.path.clone()));
        }
    }
    checked.len()
}

/// Drops K8S-036's findings on an embedded file's key that CFG-016 reports inside the file:
/// CFG-016 points at the setting's own line, K8S-036 at the key naming the whole file, and
/// both say the same thing (a secret-named setting set to a literal). K8S-036 stays for the
/// entries whose credentials CFG-016 does not report (a private key, a token by its shape).
fn drop_credentials_reported_inside(findings: &mut Vec<Finding>) {
    drop_config_secrets_a_compose_service_reports(findings);
    let inside: Vec<(String, String)> = findings
        .iter()
        .filter(|f| f.rule.id == "CFG-016")
        .map(|f| (f.file.path.clone(), f.resource.clone()))
        .collect();
    if inside.is_empty() {
        return;
    }
    findings.retain(|f| {
        let [PathSeg::Key(data), PathSeg::Key(name)] = f.path.as_slice() else {
            return true;
        };
        let label = crate::input::embedded_file::entry_label(&f.resource, name);
        !(f.rule.id == "K8S-036"
            && data == "data"
            && f.message.contains(" to a literal value")
            && inside
                .iter()
                .any(|(path, resource)| *path == f.file.path && resource.starts_with(&label)))
    });
}

/// Drops CFG-016's findings on a Compose file's anchored environment entry (`x-common:
/// &common` / `environment:`) that CFG-013 reports at the same node for the services merging
/// it (`<<: *common`): one secret-named variable set to a literal, said twice on one line.
/// CFG-016 stays on an anchored entry no service uses.
fn drop_config_secrets_a_compose_service_reports(findings: &mut Vec<Finding>) {
    let compose: Vec<(String, Span)> = findings
        .iter()
        .filter(|f| f.rule.id == "CFG-013")
        .map(|f| (f.file.path.clone(), f.span))
        .collect();
    if compose.is_empty() {
        return;
    }
    findings.retain(|f| {
        f.rule.id != "CFG-016"
            || !compose
                .iter()
                .any(|(path, span)| *path == f.file.path && *span == f.span)
    });
}

/// Sorts, deduplicates, fingerprints and applies suppressions.
fn finish(
    mut findings: Vec<Finding>,
    mut problems: Vec<Problem>,
    rules: Vec<Arc<Rule>>,
    files: usize,
    documents: usize,
    opts: &CheckOptions,
    suppressions: &suppress::Sources,
) -> RunReport {
    drop_credentials_reported_inside(&mut findings);
    findings.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.span.end.cmp(&b.span.end))
    });
    // The same rule on the same node once; a node reached twice through rendering (a base
    // checked as itself and through its overlays, a template or values line rendered for two
    // objects) is reported once whatever the messages say: one line to change. The objects of
    // one rendering it reached stay listed: each one's place in that rendered stream is a
    // related location (another rendering of the same node adds nothing to fix), and so do
    // the template lines that printed them (two containers including one image partial).
    // A kept finding's message names one object; the others it stands for are named after it.
    // Each kept finding also says whether it is the written one: a finding that reached its
    // node without an alias, as the object whose own entry is the anchor does.
    let mut kept: Vec<(Finding, Vec<String>, bool)> = Vec::with_capacity(findings.len());
    for mut a in findings.drain(..) {
        let a_written = !a.related.iter().any(|r| r.role == "alias");
        if let Some((b, others, b_written)) = kept.last_mut()
            && a.rule.id == b.rule.id
            && a.span == b.span
            && a.file.path == b.file.path
            && (a.message == b.message || !a.related.is_empty() || !b.related.is_empty())
        {
            // Objects of one document using one anchored node through aliases (Compose
            // services merging `<<: *common`, beside the one whose own entry is the anchor)
            // share their resource: each is named by the path that reached the node.
            let through_alias = a.resource == b.resource
                && a.related
                    .iter()
                    .chain(&b.related)
                    .any(|r| r.role == "alias");
            // The message names the object whose own entry is the anchor (`worker: &worker`
            // with the others merging `<<: *worker`) whatever order the paths sort in: the
            // line belongs to it (wild34: PostHog's base file named a service merging it).
            if through_alias && a_written && !*b_written {
                std::mem::swap(&mut a, b);
                *b_written = true;
            }
            for r in a.related.drain(..) {
                let known: Vec<&Related> = b
                    .related
                    .iter()
                    .filter(|k| k.role == r.role && k.file.path == r.file.path)
                    .collect();
                let new = known.iter().all(|k| k.span != r.span);
                let keep = match r.role {
                    "rendered" => !known.is_empty() && new,
                    "template" | "alias" => new,
                    _ => false,
                };
                if keep {
                    b.related.push(r);
                }
            }
            // The alias sites of one anchored node in the order they are written.
            if through_alias {
                b.related.sort_by_key(|r| (r.role != "alias", r.span.start));
            }
            if a.message != b.message {
                others.push(if through_alias {
                    crate::source::span::display_path(&a.path)
                } else {
                    a.resource
                });
            }
            continue;
        }
        kept.push((a, Vec::new(), a_written));
    }
    findings.extend(kept.into_iter().map(|(mut f, others, _)| {
        if !others.is_empty() {
            f.message.push_str(&also_from_this_line(&others));
        }
        f
    }));
    // Two findings of one rule on one node: keep fingerprints unique, deterministically.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for f in &mut findings {
        let n = seen.entry(f.fingerprint.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            f.fingerprint = format!("{}:{}", f.fingerprint, n);
        }
    }
    let fixed_from_baseline = suppress::apply(&mut findings, &mut problems, suppressions, &rules);
    redact_messages(&mut findings, &mut problems);
    problems.sort();
    problems.dedup();
    RunReport {
        findings,
        problems,
        rules,
        files,
        documents,
        fail_on: opts.fail_on,
        fixed_from_baseline,
        version: crate::VERSION.to_string(),
    }
}

/// What a finding merged at one origin adds to its message: how many findings of other
/// objects or containers the same line gives, and which objects (the first five).
fn also_from_this_line(others: &[String]) -> String {
    let mut objects: Vec<&str> = Vec::new();
    for o in others {
        if !objects.contains(&o.as_str()) {
            objects.push(o);
        }
    }
    let mut list = objects
        .iter()
        .take(5)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if objects.len() > 5 {
        list.push_str(", …");
    }
    format!(" (and {} more from this line: {list})", others.len())
}

/// A credential found in one file is masked where another file that shows a snippet repeats
/// it (see [`crate::source::secrets::spreads`]): each file otherwise masks only what it says
/// is a credential itself, and a password read in `config.yaml` printed in the context lines
/// of `docker-compose.yml`'s finding. `credentials`: those of files that show nothing (a
/// Secret's values, what a rendering found). Run once all findings are made: the set is the
/// same whatever order the files were read in, and so are the reports.
fn mask_across_files(findings: &[Finding], mut credentials: Vec<String>) {
    let mut files: Vec<&Arc<SourceFile>> = findings
        .iter()
        .flat_map(|f| std::iter::once(&f.file).chain(f.related.iter().map(|r| &r.file)))
        .collect();
    files.sort_by_key(|f| (f.path.as_str(), Arc::as_ptr(f) as usize));
    files.dedup_by(|a, b| Arc::ptr_eq(a, b));
    for f in &files {
        credentials.extend(f.one_line_credentials(true));
    }
    let Some(words) = crate::source::secrets::spreading_words(credentials) else {
        return;
    };
    files.par_iter().for_each(|f| f.mask_words(&words));
}

/// Masks credentials quoted in messages: every finding's message and justification, and every
/// problem's message (through its file's credentials when the file had findings).
fn redact_messages(findings: &mut [Finding], problems: &mut [Problem]) {
    findings.par_iter_mut().for_each(|f| {
        if let std::borrow::Cow::Owned(m) = f.file.redact(&f.message) {
            f.message = m;
        }
        if let Some(s) = &mut f.suppression
            && let std::borrow::Cow::Owned(j) = f.file.redact(&s.justification)
        {
            s.justification = j;
        }
    });
    let files: HashMap<&str, &Arc<SourceFile>> = findings
        .iter()
        .map(|f| (f.file.path.as_str(), &f.file))
        .collect();
    for p in problems.iter_mut() {
        let redacted = match files.get(p.file.as_str()) {
            Some(file) => file.redact(&p.message).into_owned(),
            None => crate::source::secrets::redact_text(&p.message).into_owned(),
        };
        p.message = redacted;
    }
}

/// Loads policies and runs a check.
pub fn check(opts: &CheckOptions) -> RunReport {
    check_loading(opts).1
}

#[cfg(test)]
mod tests {
    use super::also_from_this_line;

    #[test]
    fn a_merged_findings_objects_are_counted_and_the_first_five_named() {
        let o = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            also_from_this_line(&o(&["Pod a/p", "Pod a/p"])),
            " (and 2 more from this line: Pod a/p)"
        );
        assert_eq!(
            also_from_this_line(&o(&["A", "B", "C", "D", "E", "F", "B"])),
            " (and 7 more from this line: A, B, C, D, E, …)"
        );
    }
}
