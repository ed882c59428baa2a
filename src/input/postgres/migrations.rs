//! A folder of migration files is one schema: where a file belongs (its group) and its place in
//! the order its migration tool runs the files (docs/robustness.md, session wild45).
//!
//! - Group: the file's folder; a file named `migration.sql` (Prisma:
//!   `migrations/<timestamp>_<name>/migration.sql`) or `up.sql` (Diesel:
//!   `migrations/<date>_<name>/up.sql`) belongs to the folder of its folder, where the other
//!   migrations are.
//! - Order: Flyway's versioned files (`V1__init.sql`, `V1_1__x.sql`, `V2.3__y.sql`) by their
//!   version read as numbers, then its repeatable ones (`R__views.sql`, run after every
//!   versioned one, by name); every other file by its path in the group with each run of digits
//!   compared as a number (golang-migrate and sqlx read the leading digits as a number:
//!   `1_init.up.sql` before `10_x.up.sql`; fixed-width timestamps of Prisma, dbmate, Diesel sort
//!   the same either way), except under `supabase/migrations`, which the Supabase CLI runs in
//!   the order of the names (`20251208_x` before `20251201155709_y`, as real projects mix both
//!   widths).
//! - Flyway's SQL callbacks (`beforeMigrate.sql`, `afterMigrate__grants.sql`; session sql36)
//!   run at their event: those of `migrate` before every versioned file (`beforeMigrate`,
//!   `beforeEachMigrate`, `beforeConnect`…), between the versioned and the repeatable ones
//!   (`afterVersioned`, `beforeRepeatables`) or after all of them (`afterMigrate`,
//!   `afterEachMigrate`, `afterMigrateApplied`…), several of one event by name; those of
//!   another command (`beforeClean`, `afterInfo`, `beforeValidate`, `afterBaseline`,
//!   `beforeRepair`, `afterUndo`…) or of a failure (`afterMigrateError`) are no part of the
//!   forward state, as rollbacks.
//! - Rollbacks (`*.down.sql`, `*_down.sql`, Diesel's `down.sql`, `*.undo.sql`, Flyway's undo
//!   `U2__x.sql`) are not part of the forward state: the schema rules leave them out, so their
//!   `DROP TABLE` or `DISABLE ROW LEVEL SECURITY` undoes nothing of the up migrations, and the
//!   tables they recreate (golang-migrate's `21_drop_unused_tables.down.sql`) were judged where
//!   they were first created. The per-statement rules (grants, passwords) still read them.

use crate::source::resolve_dots;
use std::cmp::Ordering;

/// One piece of an order key: a run of digits (compared as a number) or of other characters.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Num(String),
    Text(String),
}

impl Ord for Part {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Part::Num(a), Part::Num(b)) => {
                let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
                a.len().cmp(&b.len()).then_with(|| a.cmp(b))
            }
            (Part::Num(_), Part::Text(_)) => Ordering::Less,
            (Part::Text(_), Part::Num(_)) => Ordering::Greater,
            (Part::Text(a), Part::Text(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Part {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Where a file of the run sits in its schema.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MigrationPlace {
    /// The schema the file belongs to (a folder; a rollback file is its own).
    pub group: String,
    /// [`VERSIONED`] for ordinary and Flyway versioned files, [`REPEATABLE`] for Flyway's
    /// repeatable ones; Flyway's callbacks of `migrate` around them
    /// ([`FLYWAY_MIGRATE_EVENTS`]).
    rank: u8,
    key: Vec<Part>,
    /// The path, the last tie-breaker.
    path: String,
    forward: bool,
    /// A Flyway file (`V<version>__`, `R__`): its folder may be a sub-folder of the location.
    flyway: bool,
}

impl MigrationPlace {
    /// False for a rollback file.
    pub fn forward(&self) -> bool {
        self.forward
    }
}

fn dirname_or_dot(p: &str) -> &str {
    p.rsplit_once('/').map(|(d, _)| d).unwrap_or(".")
}

/// Whether a file name (lower case) is a rollback migration's.
fn is_rollback(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".sql") else {
        return false;
    };
    if stem == "down" || stem == "undo" || stem == "rollback" {
        return true;
    }
    for word in ["down", "undo", "rollback"] {
        if let Some(before) = stem.strip_suffix(word)
            && (before.ends_with('.') || before.ends_with('_') || before.ends_with('-'))
        {
            return true;
        }
    }
    // Flyway undo: U<version>__<description>.sql
    flyway_version(stem, 'u').is_some()
}

/// The rank of ordinary and Flyway versioned files ([`MigrationPlace`]'s `rank`).
const VERSIONED: u8 = 2;

/// The rank of Flyway's repeatable files.
const REPEATABLE: u8 = 4;

/// Flyway's callback events of `migrate` (lower case) with the rank their scripts run at: before
/// everything, before each migration, between the versioned and the repeatable files, after
/// each migration, after everything.
const FLYWAY_MIGRATE_EVENTS: [(&str, u8); 12] = [
    ("beforeconnect", 0),
    ("afterconnect", 0),
    ("beforemigrate", 0),
    ("beforeeachmigrate", 1),
    ("beforeeachmigratestatement", 1),
    ("afterversioned", 3),
    ("beforerepeatables", 3),
    ("aftereachmigratestatement", 5),
    ("aftereachmigrate", 5),
    ("aftermigrateapplied", 6),
    ("aftermigrate", 6),
    ("aftermigrateoperationfinish", 7),
];

/// Flyway's callback events of its other commands and of failures (lower case): their scripts
/// do not run when the migrations are applied.
const FLYWAY_OTHER_EVENTS: [&str; 35] = [
    "beforeclean",
    "afterclean",
    "aftercleanerror",
    "aftercleanoperationfinish",
    "aftereachmigrateerror",
    "aftereachmigratestatementerror",
    "aftermigrateerror",
    "beforeundo",
    "beforeeachundo",
    "beforeeachundostatement",
    "aftereachundostatement",
    "aftereachundostatementerror",
    "aftereachundo",
    "aftereachundoerror",
    "afterundo",
    "afterundoerror",
    "afterundooperationfinish",
    "beforevalidate",
    "aftervalidate",
    "aftervalidateerror",
    "aftervalidateoperationfinish",
    "beforebaseline",
    "afterbaseline",
    "afterbaselineerror",
    "afterbaselineoperationfinish",
    "beforerepair",
    "afterrepair",
    "afterrepairerror",
    "afterrepairoperationfinish",
    "beforeinfo",
    "afterinfo",
    "afterinfoerror",
    "afterinfooperationfinish",
    "createschema",
    "beforecreateschema",
];

/// Flyway's SQL callback of stem `name` (lower case; `<event>` or `<event>__<description>`):
/// `Some(Some(rank))` for one of `migrate`, `Some(None)` for one of another command or a
/// failure, `None` for no callback.
fn flyway_callback(stem: &str) -> Option<Option<u8>> {
    let event = stem.split_once("__").map_or(stem, |(e, _)| e);
    if let Some((_, rank)) = FLYWAY_MIGRATE_EVENTS.iter().find(|(e, _)| *e == event) {
        return Some(Some(*rank));
    }
    FLYWAY_OTHER_EVENTS.contains(&event).then_some(None)
}

/// An extension's scripts (session sql36): `ext--1.0.sql` installs version 1.0 and
/// `ext--1.0--1.1.sql` updates 1.0 to 1.1 (PostgreSQL's `CREATE EXTENSION` runs the install
/// script, then the updates in a chain). By name, `ext--1.0--1.1.sql` sorted before
/// `ext--1.0.sql` (`-` before `.`): the update's `ALTER TABLE … ENABLE ROW LEVEL SECURITY`
/// reached no table yet, and the install's `CREATE TABLE` then replaced it. The key orders
/// them by the version each leaves, an update to a version before that version's install
/// script (a fresh install of it holds everything), then by the version it starts from.
fn extension_script_key(stem: &str) -> Option<Vec<Part>> {
    let parts: Vec<&str> = stem.split("--").collect();
    let (ext, versions) = parts.split_first()?;
    if ext.is_empty()
        || versions.is_empty()
        || versions.len() > 2
        || !versions
            .iter()
            .all(|v| v.starts_with(|c: char| c.is_ascii_digit()))
    {
        return None;
    }
    let mut key = natural(ext);
    key.push(Part::Text("--".into()));
    key.extend(natural(versions[versions.len() - 1]));
    if versions.len() == 2 {
        key.push(Part::Num("0".into()));
        key.extend(natural(versions[0]));
    } else {
        key.push(Part::Num("1".into()));
    }
    Some(key)
}

/// Flyway's version of `V1_1__name` (`prefix` 'v') as numbers, with the description.
fn flyway_version(stem: &str, prefix: char) -> Option<(Vec<Part>, String)> {
    let rest = stem.strip_prefix(prefix)?;
    let (version, desc) = rest.split_once("__")?;
    if version.is_empty() || !version.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let mut parts = Vec::new();
    for piece in version.split(['.', '_']) {
        if piece.is_empty() || !piece.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        parts.push(Part::Num(piece.to_string()));
    }
    Some((parts, desc.to_string()))
}

/// Digit runs as numbers, other runs as text.
fn natural(s: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut digits = false;
    for c in s.chars() {
        let d = c.is_ascii_digit();
        if !cur.is_empty() && d != digits {
            parts.push(if digits {
                Part::Num(std::mem::take(&mut cur))
            } else {
                Part::Text(std::mem::take(&mut cur))
            });
        }
        digits = d;
        cur.push(c);
    }
    if !cur.is_empty() {
        parts.push(if digits {
            Part::Num(cur)
        } else {
            Part::Text(cur)
        });
    }
    parts
}

/// The place of the SQL file at `path` (a path of the run, `/`-separated).
pub fn place(path: &str) -> MigrationPlace {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    let callback = lower.strip_suffix(".sql").and_then(flyway_callback);
    if is_rollback(&lower) || callback == Some(None) {
        return MigrationPlace {
            group: path.to_string(),
            rank: VERSIONED,
            key: Vec::new(),
            path: path.to_string(),
            forward: false,
            flyway: false,
        };
    }
    let dir = dirname_or_dot(path);
    let (group, within) = if (lower == "migration.sql" || lower == "up.sql") && dir.contains('/') {
        let group = dirname_or_dot(dir);
        (group, &path[group.len() + 1..])
    } else if lower == "migration.sql" || lower == "up.sql" {
        (".", path)
    } else {
        (dir, name)
    };
    let stem = lower.strip_suffix(".sql").unwrap_or(&lower);
    let mut flyway = false;
    let (rank, key) = if within == name
        && let Some(Some(rank)) = callback
    {
        // a callback of `migrate`, at its event; several of one event by name
        flyway = true;
        (rank, natural(stem))
    } else if within == name
        && let Some((version, _)) = flyway_version(stem, 'v')
    {
        // the version alone: `V1__init` before `V1_1__patch` (the path breaks a tie)
        flyway = true;
        (VERSIONED, version)
    } else if within == name && stem.starts_with("r__") {
        flyway = true;
        (REPEATABLE, natural(stem))
    } else if group == "supabase/migrations" || group.ends_with("/supabase/migrations") {
        // the Supabase CLI runs its files by name (`20251208_x` before `20251201155709_y`)
        (VERSIONED, vec![Part::Text(within.to_string())])
    } else if within == name
        && let Some(key) = extension_script_key(stem)
    {
        (VERSIONED, key)
    } else {
        (VERSIONED, natural(&within.to_ascii_lowercase()))
    };
    MigrationPlace {
        group: group.to_string(),
        rank,
        key,
        path: path.to_string(),
        forward: true,
        flyway,
    }
}

/// Liquibase (docs/robustness.md, session wild51): the `.sql` files a root changelog
/// (`databaseChangeLog:` that no other changelog of the run includes) reaches through `include`
/// (`file`), `includeAll` (`path`, its files sorted by path), nested changelogs and `sqlFile`
/// changes are one schema, in that order. `relativeToChangelogFile: true` resolves against the
/// changelog's folder; otherwise the path is the classpath's: resolved against the changelog's
/// `src/main/resources/` root when it has one, else against the run's root, else against a
/// folder above the changelog where the run has the file (wild54: a classpath root of another
/// name). A file no changelog reaches keeps its folder's place. In a cycle of changelogs
/// (A includes B includes A; a located problem, `liquibase_problems`) none is included by a
/// changelog outside it: the first of them by path is the root.
pub fn liquibase_order(places: &mut [MigrationPlace], changelogs: &[(&str, &serde_json::Value)]) {
    if changelogs.is_empty() {
        return;
    }
    let all: Vec<String> = places.iter().map(|p| p.path.clone()).collect();
    let mut reached = Vec::new();
    for (path, value) in changelogs {
        let mut order = Vec::new();
        let mut seen = vec![path.to_string()];
        liquibase_collect(path, value, changelogs, &all, &mut order, &mut seen);
        reached.push((path.to_string(), order, seen));
    }
    // a changelog another one reaches is no root, unless it reaches that one too (a cycle):
    // then the first of the cycle by path is
    let reaches = |a: &str, b: &str| {
        reached
            .iter()
            .any(|(r, _, seen)| r == a && seen.iter().skip(1).any(|s| s == b))
    };
    let roots: Vec<bool> = reached
        .iter()
        .map(|(root, _, _)| {
            reached.iter().all(|(other, _, _)| {
                other == root
                    || !reaches(other, root)
                    || (reaches(root, other) && root.as_str() < other.as_str())
            })
        })
        .collect();
    for ((root, order, _), is_root) in reached.into_iter().zip(roots) {
        if !is_root {
            continue;
        }
        for (i, sql) in order.iter().enumerate() {
            if let Some(p) = places
                .iter_mut()
                .find(|p| p.forward && p.path == *sql && !p.group.starts_with("liquibase:"))
            {
                p.group = format!("liquibase:{root}");
                p.rank = VERSIONED;
                p.key = vec![Part::Num(i.to_string())];
                p.flyway = false;
            }
        }
    }
}

/// A path written in changelog `from`, resolved as Liquibase resolves it: the first of the
/// places it may be. A classpath path (not relative) may be below any folder above the
/// changelog (the classpath root is not in the changelog): those follow, nearest last.
fn liquibase_candidates(from: &str, file: &str, relative: bool) -> Vec<String> {
    let file = file.trim().trim_start_matches("classpath:");
    if relative {
        return vec![resolve_dots(&format!("{}/{}", dirname_or_dot(from), file))];
    }
    let file = file.trim_start_matches('/');
    let mut out = Vec::new();
    if let Some(i) = from.find("src/main/resources/") {
        out.push(resolve_dots(&format!(
            "{}{}",
            &from[..i + "src/main/resources/".len()],
            file
        )));
    }
    out.push(resolve_dots(file));
    let mut dir = dirname_or_dot(from);
    while dir != "." && !dir.is_empty() {
        out.push(resolve_dots(&format!("{dir}/{file}")));
        dir = match dir.rsplit_once('/') {
            Some((up, _)) if !up.is_empty() => up,
            _ => ".",
        };
    }
    if from.starts_with('/') {
        out.retain(|p| p.starts_with('/'));
        if out.is_empty() {
            out.push(format!("/{}", resolve_dots(file)));
        }
    }
    out.dedup();
    out
}

/// What one entry of a changelog names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiquibaseRef {
    /// `include`: a changelog or a `.sql` file.
    Include,
    /// `includeAll`: a folder.
    IncludeAll,
    /// `sqlFile` in a changeSet.
    SqlFile,
}

/// One path a changelog names, where it is written (the path in the changelog's value of the
/// `file`/`path` entry) and whether Liquibase requires it (`errorIfMissing`,
/// `errorIfMissingOrEmpty` default to true).
#[derive(Debug, Clone)]
pub struct LiquibaseEntry {
    pub kind: LiquibaseRef,
    pub written: String,
    pub relative: bool,
    pub required: bool,
    pub at: Vec<crate::source::span::PathSeg>,
}

/// The paths a changelog's value names, in its order.
pub fn liquibase_entries(value: &serde_json::Value) -> Vec<LiquibaseEntry> {
    use crate::source::span::PathSeg;
    let mut out = Vec::new();
    let Some(entries) = value.get("databaseChangeLog").and_then(|v| v.as_array()) else {
        return out;
    };
    let flag = |m: &serde_json::Value, k: &str, default: bool| {
        let r = m.get(k);
        match (r.and_then(|v| v.as_bool()), r.and_then(|v| v.as_str())) {
            (Some(b), _) => b,
            (_, Some(s)) => {
                s.trim().eq_ignore_ascii_case("true")
                    || (default && !s.trim().eq_ignore_ascii_case("false"))
            }
            _ => default,
        }
    };
    let key = |k: &str| PathSeg::Key(k.to_string());
    for (i, entry) in entries.iter().enumerate() {
        let base = vec![key("databaseChangeLog"), PathSeg::Index(i)];
        if let Some(inc) = entry.get("include")
            && let Some(file) = inc.get("file").and_then(|f| f.as_str())
        {
            let mut at = base.clone();
            at.extend([key("include"), key("file")]);
            out.push(LiquibaseEntry {
                kind: LiquibaseRef::Include,
                written: file.to_string(),
                relative: flag(inc, "relativeToChangelogFile", false),
                required: flag(inc, "errorIfMissing", true),
                at,
            });
        } else if let Some(inc) = entry.get("includeAll")
            && let Some(dir) = inc.get("path").and_then(|f| f.as_str())
        {
            let mut at = base.clone();
            at.extend([key("includeAll"), key("path")]);
            out.push(LiquibaseEntry {
                kind: LiquibaseRef::IncludeAll,
                written: dir.to_string(),
                relative: flag(inc, "relativeToChangelogFile", false),
                required: flag(inc, "errorIfMissingOrEmpty", true),
                at,
            });
        } else if let Some(changes) = entry
            .get("changeSet")
            .and_then(|c| c.get("changes"))
            .and_then(|c| c.as_array())
        {
            for (j, c) in changes.iter().enumerate() {
                if let Some(f) = c.get("sqlFile")
                    && let Some(file) = f.get("path").and_then(|p| p.as_str())
                {
                    let mut at = base.clone();
                    at.extend([
                        key("changeSet"),
                        key("changes"),
                        PathSeg::Index(j),
                        key("sqlFile"),
                        key("path"),
                    ]);
                    out.push(LiquibaseEntry {
                        kind: LiquibaseRef::SqlFile,
                        written: file.to_string(),
                        relative: flag(f, "relativeToChangelogFile", false),
                        required: true,
                        at,
                    });
                }
            }
        }
    }
    out
}

/// Where an entry of changelog `from` leads among `known` paths (the run's changelogs and SQL
/// files): the first candidate the run has, else the first candidate.
fn liquibase_target(from: &str, e: &LiquibaseEntry, known: &dyn Fn(&str) -> bool) -> String {
    let candidates = liquibase_candidates(from, &e.written, e.relative);
    candidates
        .iter()
        .find(|c| known(c))
        .unwrap_or(&candidates[0])
        .clone()
}

/// The files under folder `dir` among `all` and the changelogs, sorted by path.
fn liquibase_under(
    dir: &str,
    all: &[String],
    changelogs: &[(&str, &serde_json::Value)],
) -> Vec<String> {
    let prefix = format!("{}/", dir.trim_end_matches('/'));
    let mut under: Vec<String> = all
        .iter()
        .filter(|p| p.starts_with(&prefix))
        .cloned()
        .chain(
            changelogs
                .iter()
                .filter(|(p, _)| p.starts_with(&prefix))
                .map(|(p, _)| p.to_string()),
        )
        .collect();
    under.sort();
    under.dedup();
    under
}

/// Whether the run has `path` among its SQL files (`all`) or its changelogs.
fn run_has(all: &[String], changelogs: &[(&str, &serde_json::Value)], path: &str) -> bool {
    all.iter().any(|a| a == path) || changelogs.iter().any(|(c, _)| *c == path)
}

/// Whether the run has a SQL file or a changelog below folder `dir`.
fn run_has_folder(all: &[String], changelogs: &[(&str, &serde_json::Value)], dir: &str) -> bool {
    let prefix = format!("{}/", dir.trim_end_matches('/'));
    all.iter().any(|a| a.starts_with(&prefix))
        || changelogs.iter().any(|(c, _)| c.starts_with(&prefix))
}

fn liquibase_collect(
    from: &str,
    value: &serde_json::Value,
    changelogs: &[(&str, &serde_json::Value)],
    all: &[String],
    order: &mut Vec<String>,
    seen: &mut Vec<String>,
) {
    let known = |p: &str| run_has(all, changelogs, p);
    let known_dir = |p: &str| run_has_folder(all, changelogs, p);
    let visit = |target: String, order: &mut Vec<String>, seen: &mut Vec<String>| {
        if let Some((p, v)) = changelogs.iter().find(|(p, _)| *p == target) {
            if !seen.iter().any(|s| s == p) {
                seen.push(p.to_string());
                liquibase_collect(p, v, changelogs, all, order, seen);
            }
        } else if target.to_ascii_lowercase().ends_with(".sql") && !order.contains(&target) {
            order.push(target);
        }
    };
    for e in liquibase_entries(value) {
        match e.kind {
            LiquibaseRef::Include | LiquibaseRef::SqlFile => {
                visit(liquibase_target(from, &e, &known), order, seen);
            }
            LiquibaseRef::IncludeAll => {
                let dir = liquibase_target(from, &e, &known_dir);
                for p in liquibase_under(&dir, all, changelogs) {
                    visit(p, order, seen);
                }
            }
        }
    }
}

/// A changelog's entry that Liquibase cannot run: what it names is missing, or it includes a
/// changelog that comes back to it (a cycle).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiquibaseProblem {
    /// The changelog the entry is written in.
    pub changelog: String,
    pub at: Vec<crate::source::span::PathSeg>,
    pub message: String,
}

/// The problems of the run's changelogs (docs/robustness.md, session wild54): an `include`,
/// `sqlFile` or `includeAll` naming what is found neither among the run's files (`all`, the
/// changelogs) nor by `exists` (the file system, for a file the run does not check), unless
/// the entry says it may be missing; an include that leads back to a changelog being read (A
/// includes B includes A, a changelog including itself), once per entry.
pub fn liquibase_problems(
    all: &[String],
    changelogs: &[(&str, &serde_json::Value)],
    exists: &dyn Fn(&str) -> bool,
) -> Vec<LiquibaseProblem> {
    let mut out: Vec<LiquibaseProblem> = Vec::new();
    let known = |p: &str| run_has(all, changelogs, p);
    let known_dir = |p: &str| run_has_folder(all, changelogs, p);
    // missing targets
    for (from, value) in changelogs {
        for e in liquibase_entries(value) {
            // a changelog parameter (`${changelog.dir}/x.xml`) or a pattern is resolved only
            // when Liquibase runs
            if !e.required || e.written.contains("${") || e.written.contains('*') {
                continue;
            }
            let candidates = liquibase_candidates(from, &e.written, e.relative);
            let found = match e.kind {
                LiquibaseRef::IncludeAll => candidates.iter().any(|c| known_dir(c) || exists(c)),
                _ => candidates.iter().any(|c| known(c) || exists(c)),
            };
            if !found {
                let what = match e.kind {
                    LiquibaseRef::Include => "includes",
                    LiquibaseRef::IncludeAll => "includes every file of",
                    LiquibaseRef::SqlFile => "runs the SQL file",
                };
                out.push(LiquibaseProblem {
                    changelog: from.to_string(),
                    at: e.at.clone(),
                    message: format!(
                        "Liquibase changelog {what} `{}`, which does not exist (looked for `{}`): Liquibase stops at this entry",
                        e.written.trim(),
                        candidates[0]
                    ),
                });
            }
        }
    }
    // cycles: a depth-first walk from each changelog, the stack of changelogs being read
    fn walk(
        at: usize,
        changelogs: &[(&str, &serde_json::Value)],
        known: &dyn Fn(&str) -> bool,
        stack: &mut Vec<usize>,
        done: &mut Vec<bool>,
        out: &mut Vec<LiquibaseProblem>,
    ) {
        stack.push(at);
        let (from, value) = changelogs[at];
        for e in liquibase_entries(value) {
            if e.kind != LiquibaseRef::Include {
                continue;
            }
            let target = liquibase_target(from, &e, known);
            let Some(next) = changelogs.iter().position(|(p, _)| *p == target) else {
                continue;
            };
            if let Some(k) = stack.iter().position(|&s| s == next) {
                let mut chain: Vec<&str> = stack[k..].iter().map(|&s| changelogs[s].0).collect();
                chain.push(changelogs[next].0);
                let p = LiquibaseProblem {
                    changelog: from.to_string(),
                    at: e.at.clone(),
                    message: format!(
                        "Liquibase changelog includes `{}`, which leads back to itself ({}): an include cycle Liquibase cannot run",
                        e.written.trim(),
                        chain.join(" → ")
                    ),
                };
                if !out
                    .iter()
                    .any(|o| o.changelog == p.changelog && o.at == p.at)
                {
                    out.push(p);
                }
            } else if !done[next] {
                walk(next, changelogs, known, stack, done, out);
            }
        }
        stack.pop();
        done[at] = true;
    }
    let mut done = vec![false; changelogs.len()];
    for i in 0..changelogs.len() {
        if !done[i] {
            walk(i, changelogs, &known, &mut Vec::new(), &mut done, &mut out);
        }
    }
    out
}

/// Folders named after another database than PostgreSQL: Flyway projects keep one set of
/// migrations per vendor (`locations: classpath:db/migration/{vendor}`); they are never one
/// schema with their sibling folders.
const OTHER_VENDORS: [&str; 11] = [
    "h2",
    "hsqldb",
    "mysql",
    "mariadb",
    "oracle",
    "sqlserver",
    "mssql",
    "derby",
    "sqlite",
    "db2",
    "hana",
];

/// The places of the SQL files of one run (`paths`, in any order; the result is in the same
/// order). As `place`, and: Flyway reads its locations recursively, so its files in
/// sub-folders of a folder named `migration` or `migrations` (`db/migration/2024/V2__b.sql`
/// beside `db/migration/V1__a.sql`) are one schema with that folder's, in version order.
/// Unless the sub-folders are sets of their own: a folder named after another database
/// (`db/migration/h2`), or two files of the same version in different folders (Flyway refuses
/// a location with a version twice, so such folders are read by separate configurations).
/// Without the files beside the run's (a sqitch project's `sqitch.plan`): see `places_read`.
pub fn places(paths: &[&str]) -> Vec<MigrationPlace> {
    places_read(paths, &|_| None)
}

/// As `places`, reading with `read` the files a migration tool keeps beside the SQL (a path
/// of the run's form; `None` when there is none): a sqitch project's `sqitch.plan` and
/// `sqitch.conf` (`sqitch_projects`).
pub fn places_read(paths: &[&str], read: &dyn Fn(&str) -> Option<String>) -> Vec<MigrationPlace> {
    let mut out: Vec<MigrationPlace> = paths.iter().map(|p| place(p)).collect();
    // the location each Flyway file would belong to
    let root_of = |p: &MigrationPlace| -> Option<String> {
        if !p.flyway {
            return None;
        }
        let dir = dirname_or_dot(&p.path);
        let segs: Vec<&str> = dir.split('/').collect();
        let at = segs.iter().rposition(|s| {
            let s = s.to_ascii_lowercase();
            s == "migration" || s == "migrations"
        })?;
        let below = &segs[at + 1..];
        if below.is_empty()
            || below
                .iter()
                .any(|s| OTHER_VENDORS.contains(&s.to_ascii_lowercase().as_str()))
        {
            return None;
        }
        Some(segs[..=at].join("/"))
    };
    let roots: Vec<Option<String>> = out.iter().map(root_of).collect();
    let mut merged: std::collections::BTreeSet<String> = roots.iter().flatten().cloned().collect();
    // a version written twice under one root: the folders are separate sets
    merged.retain(|root| {
        let mut seen: Vec<(&Vec<Part>, &str)> = Vec::new();
        let under = out.iter().zip(&roots).filter(|(p, r)| {
            p.flyway
                && p.rank == VERSIONED
                && (p.group == *root || r.as_deref() == Some(root.as_str()))
        });
        for (p, _) in under {
            if seen.iter().any(|(k, g)| *k == &p.key && *g != p.group) {
                return false;
            }
            seen.push((&p.key, p.group.as_str()));
        }
        true
    });
    for (p, root) in out.iter_mut().zip(roots) {
        if let Some(root) = root.filter(|r| merged.contains(r)) {
            p.group = root;
        }
    }
    numbered_stages(&mut out);
    extension_bases(&mut out);
    sqitch_projects(&mut out, read);
    out
}

/// One psql include of a file of the run (`postgres::psql_includes`): where it is written, the
/// path as written, whether it is relative to the including file (`\ir`), and the search path's
/// first schema at that point.
pub type PsqlInclude = (usize, String, bool, Option<String>);

/// Scripts that include others with psql's `\i`/`\ir` (session sql37; the PostgREST starter
/// kit's `db/src/init.sql` runs `\ir data/schema.sql`, which sets `search_path = data` and runs
/// `\ir todo.sql`, then `\ir authorization/privileges.sql` enables the RLS of `data.todo`) are
/// one schema with every file they reach, in the order psql runs them: the including file,
/// then each included one at its place (depth first). Each folder was a schema, and
/// `todo.sql` read alone put `todo` in `public`: a false SQL-001 on `public.todo`, no SQL-002.
/// `includes` holds each file of the run with its includes; the result, for each included file,
/// the schema its unqualified names start in (the includer's search path where it includes it,
/// else the includer's own). A path is resolved against the including file's folder (`\ir`,
/// and first for `\i`, whose folder is psql's working one), then as written; a file no
/// include reaches, or only reaches in a cycle, keeps its place. Files a Liquibase changelog
/// orders keep the changelog's place.
pub fn psql_include_order(
    places: &mut [MigrationPlace],
    includes: &[(&str, Vec<PsqlInclude>)],
) -> std::collections::HashMap<String, Option<String>> {
    use std::collections::{HashMap, HashSet};
    let mut inherited: HashMap<String, Option<String>> = HashMap::new();
    if includes.iter().all(|(_, inc)| inc.is_empty()) {
        return inherited;
    }
    let known: HashSet<&str> = places.iter().map(|p| p.path.as_str()).collect();
    let resolve = |from: &str, target: &str, relative: bool| -> Option<String> {
        let dir = dirname_or_dot(from);
        let near = resolve_dots(&format!("{dir}/{target}"));
        if known.contains(near.as_str()) {
            return Some(near);
        }
        let written = resolve_dots(target);
        (!relative && known.contains(written.as_str())).then_some(written)
    };
    // each file's includes among the run's files, in their order
    let edges: HashMap<&str, Vec<(String, Option<String>)>> = includes
        .iter()
        .map(|(from, inc)| {
            let targets = inc
                .iter()
                .filter_map(|(_, t, rel, schema)| {
                    resolve(from, t, *rel).map(|p| (p, schema.clone()))
                })
                .collect();
            (*from, targets)
        })
        .collect();
    let included: HashSet<&str> = edges
        .values()
        .flat_map(|v| v.iter().map(|(p, _)| p.as_str()))
        .collect();
    let mut roots: Vec<&str> = edges
        .iter()
        .filter(|(from, to)| !to.is_empty() && !included.contains(*from))
        .map(|(from, _)| *from)
        .collect();
    roots.sort();
    let mut order: HashMap<String, (String, usize)> = HashMap::new();
    for root in roots {
        // depth first, each file once; (file, schema its names start in)
        let mut seq: Vec<String> = Vec::new();
        let mut stack: Vec<(String, Option<String>)> = vec![(root.to_string(), None)];
        let mut seen: HashSet<String> = HashSet::new();
        while let Some((file, schema)) = stack.pop() {
            if !seen.insert(file.clone()) || order.contains_key(&file) {
                continue;
            }
            if file != root {
                inherited.insert(file.clone(), schema.clone());
            }
            if let Some(next) = edges.get(file.as_str()) {
                for (child, at) in next.iter().rev() {
                    stack.push((child.clone(), at.clone().or_else(|| schema.clone())));
                }
            }
            seq.push(file);
        }
        for (i, file) in seq.into_iter().enumerate() {
            order.insert(file, (format!("psql:{root}"), i));
        }
    }
    for p in places.iter_mut() {
        if !p.forward || p.group.starts_with("liquibase:") {
            continue;
        }
        if let Some((group, i)) = order.get(&p.path) {
            p.group = group.clone();
            p.rank = VERSIONED;
            p.key = vec![Part::Num(i.to_string())];
            p.flyway = false;
        }
    }
    inherited
}

/// dbmate's schema dump (session sql37): `dbmate dump` (and every `dbmate up`) writes
/// `db/schema.sql`, pg_dump's output of the schema the migrations build, ending with
/// `-- Dbmate schema migrations` and `INSERT INTO … schema_migrations (version) VALUES ('…'),
/// …;`. The offset of that marker line and the versions listed; `None` for another file.
pub fn dbmate_dump_versions(text: &str) -> Option<(usize, Vec<String>)> {
    const MARKER: &str = "-- Dbmate schema migrations";
    let at = text.find(MARKER)?;
    let rest = &text[at + MARKER.len()..];
    let insert = rest.find("INSERT INTO")?;
    let stmt = &rest[insert..];
    let values = stmt.find("VALUES")?;
    let head = &stmt[..values];
    if !head.contains("schema_migrations") {
        return None;
    }
    let body = &stmt[values..];
    let body = &body[..body.find(';').unwrap_or(body.len())];
    let mut versions = Vec::new();
    let mut parts = body.split('\'');
    parts.next();
    while let (Some(v), _) = (parts.next(), parts.next()) {
        versions.push(v.to_string());
    }
    Some((at, versions))
}

/// The folder of `sql_paths` (the run's SQL files) below the folder of dump `dump` that holds a
/// migration of each of `versions` (dbmate names them `<version>_<name>.sql`): the dump
/// repeats what they build. `None` when a version has no file there (the migrations are not
/// all in the run: the dump is the only full schema), or there are no versions.
pub fn dbmate_migrations_folder(
    dump: &str,
    versions: &[String],
    sql_paths: &[&str],
) -> Option<String> {
    if versions.is_empty() {
        return None;
    }
    let base = match dump.rsplit_once('/') {
        Some((d, _)) => format!("{d}/"),
        None => String::new(),
    };
    let mut by_folder: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for p in sql_paths {
        if *p == dump || !p.starts_with(&base) {
            continue;
        }
        if let Some((dir, name)) = p.rsplit_once('/')
            && dir.len() >= base.len()
        {
            by_folder.entry(dir).or_default().push(name);
        }
    }
    by_folder
        .into_iter()
        .find(|(_, names)| {
            versions.iter().all(|v| {
                names.iter().any(|n| {
                    n.strip_prefix(v.as_str())
                        .is_some_and(|r| r.starts_with(['_', '.']))
                })
            })
        })
        .map(|(dir, _)| dir.to_string())
}

/// The deploy scripts of a sqitch plan, in the order `sqitch deploy` runs them: each change's
/// script path below `deploy/` without `.sql`. A change the plan reworks later (the same name
/// again after a tag) runs its earlier script `name@tag` (the first tag after it) first.
/// `%` pragmas, `@tag` lines, `#` notes and `-name` (revert) entries are no scripts.
fn sqitch_plan_scripts(plan: &str) -> Vec<String> {
    let mut entries: Vec<(String, Option<String>)> = Vec::new();
    for line in plan.lines() {
        let line = line.trim();
        let Some(first) = line.split_whitespace().next() else {
            continue;
        };
        if first.starts_with(['%', '#', '-']) {
            continue;
        }
        if let Some(tag) = first.strip_prefix('@') {
            for e in entries.iter_mut().filter(|e| e.1.is_none()) {
                e.1 = Some(tag.to_string());
            }
            continue;
        }
        let name = first.trim_start_matches('+');
        if !name.is_empty() {
            entries.push((name.to_string(), None));
        }
    }
    let mut scripts = Vec::with_capacity(entries.len());
    for (i, (name, tag)) in entries.iter().enumerate() {
        let reworked = entries[i + 1..].iter().any(|(n, _)| n == name);
        match tag {
            Some(tag) if reworked => scripts.push(format!("{name}@{tag}")),
            _ => scripts.push(name.clone()),
        }
    }
    scripts
}

/// sqitch projects (sessions wild54, sql37). `revert/x.sql` undoes `deploy/x.sql` and
/// `verify/x.sql` only checks it: beside a `deploy/` folder of the run, at any depth below
/// `revert/` or `verify/`, they are no part of the forward state. The deploy scripts of a
/// project — a folder with `sqitch.plan` (`pgpm.plan`, `launchql.plan` for launchql's and
/// pgpm's fork) or `sqitch.conf`, or `revert/`/`verify/` scripts
/// beside its `deploy/` — are one schema, nested folders included (launchql's
/// `deploy/schemas/app/tables/users/table.sql` and
/// `deploy/schemas/app/tables/users/policies/enable_row_level_security.sql`), in the order of
/// the plan's changes; a script the plan does not name after them, by path. Before, each
/// folder was a schema: the RLS a `policies/` script enables reached no table (a false
/// SQL-001 on the table, no SQL-002), and flat `deploy/` folders ran by name, not by plan.
fn sqitch_projects(out: &mut [MigrationPlace], read: &dyn Fn(&str) -> Option<String>) {
    use std::collections::{BTreeMap, HashSet};
    // every folder holding a file of the run, at any depth
    let mut folders: HashSet<String> = HashSet::new();
    for p in out.iter() {
        let mut dir = p.path.as_str();
        while let Some((up, _)) = dir.rsplit_once('/') {
            if !folders.insert(up.to_string()) {
                break;
            }
            dir = up;
        }
    }
    let folder = |root: &str, name: &str| -> String {
        if root.is_empty() {
            name.to_string()
        } else {
            format!("{root}/{name}")
        }
    };
    // the sqitch folder (`deploy`, `revert`, `verify`) of a path, deepest first: its root
    // (`""` at the top) and which it is
    let sqitch_folders = |path: &str| -> Vec<(String, String)> {
        let segs: Vec<&str> = path.split('/').collect();
        (0..segs.len().saturating_sub(1))
            .rev()
            .filter_map(|i| {
                let s = segs[i].to_ascii_lowercase();
                matches!(s.as_str(), "deploy" | "revert" | "verify")
                    .then(|| (segs[..i].join("/"), s))
            })
            .collect()
    };
    // per root: the plan's scripts (when it has a plan), and whether it is a sqitch project
    let mut projects: BTreeMap<String, (Option<Vec<String>>, bool)> = BTreeMap::new();
    let mut project = |root: &str| -> (Option<Vec<String>>, bool) {
        projects
            .entry(root.to_string())
            .or_insert_with(|| {
                // launchql's and pgpm's fork of sqitch names the same plan `launchql.plan`,
                // `pgpm.plan`
                let plan = ["sqitch.plan", "pgpm.plan", "launchql.plan"]
                    .iter()
                    .find_map(|name| read(&folder(root, name)))
                    .map(|t| sqitch_plan_scripts(&t));
                let marked = plan.is_some()
                    || read(&folder(root, "sqitch.conf")).is_some()
                    || folders.contains(&folder(root, "revert"))
                    || folders.contains(&folder(root, "verify"));
                (plan, marked)
            })
            .clone()
    };
    for p in out.iter_mut() {
        if !p.forward || p.group.starts_with("liquibase:") {
            continue;
        }
        for (root, kind) in sqitch_folders(&p.path) {
            let deploy = folder(&root, "deploy");
            if kind != "deploy" {
                if folders.contains(&deploy) {
                    p.group = p.path.clone();
                    p.key = Vec::new();
                    p.forward = false;
                    p.flyway = false;
                    break;
                }
                continue;
            }
            let (plan, marked) = project(&root);
            if !marked {
                continue;
            }
            let within = &p.path[deploy.len() + 1..];
            let script = within.strip_suffix(".sql").unwrap_or(within);
            let at = plan
                .as_ref()
                .and_then(|scripts| scripts.iter().position(|s| s == script));
            p.key = match (at, &plan) {
                (Some(i), _) => vec![Part::Num(i.to_string())],
                (None, Some(scripts)) => {
                    let mut key = vec![Part::Num(scripts.len().to_string())];
                    key.extend(natural(&within.to_ascii_lowercase()));
                    key
                }
                (None, None) => natural(&within.to_ascii_lowercase()),
            };
            p.group = deploy;
            p.rank = VERSIONED;
            p.flyway = false;
            break;
        }
    }
}

/// An extension's unversioned script `ext.sql` beside its versioned ones (`ext--1.2--1.3.sql`;
/// citusdata/pg_cron builds `pg_cron--1.0.sql` from `pg_cron.sql`) is its install script: it
/// runs before them.
fn extension_bases(out: &mut [MigrationPlace]) {
    let exts: std::collections::BTreeSet<(String, String)> = out
        .iter()
        .filter(|p| p.forward)
        .filter_map(|p| {
            let stem = p.path.rsplit('/').next()?.to_ascii_lowercase();
            let stem = stem.strip_suffix(".sql")?;
            extension_script_key(stem)?;
            let (ext, _) = stem.split_once("--")?;
            Some((p.group.clone(), ext.to_string()))
        })
        .collect();
    if exts.is_empty() {
        return;
    }
    for p in out.iter_mut().filter(|p| p.forward && p.rank == VERSIONED) {
        let name = p.path.rsplit('/').next().unwrap_or("").to_ascii_lowercase();
        let Some(stem) = name.strip_suffix(".sql") else {
            continue;
        };
        if dirname_or_dot(&p.path) == p.group && exts.contains(&(p.group.clone(), stem.to_string()))
        {
            let mut key = natural(stem);
            key.push(Part::Num("0".into()));
            p.key = key;
        }
    }
}

/// The numbered stage of a folder name: `01_tables`, `05-rls`, `2_grants` (digits, then `_` or
/// `-`, then a name).
fn is_numbered_stage(name: &str) -> bool {
    let digits = name.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0
        && matches!(name.as_bytes().get(digits), Some(b'_' | b'-'))
        && name.len() > digits + 1
}

/// A schema split into numbered stage folders (`db/schema/01_tables/users.sql`,
/// `db/schema/05_rls/users_rls.sql`, `db/schema/09_grants/grants.sql`; session sql35, a
/// Supabase project applying them in the order of their numbers) is one schema: the RLS and
/// the grants of a later stage reach the tables of an earlier one. Each folder was a schema of
/// its own, so the RLS enabled in `05_rls` reached no table (false SQL-001 on the table, no
/// SQL-002/003 on the enabling statement). The parent is the group when it holds two or more
/// numbered stage folders of the run; the order is the path below it with digits compared as
/// numbers. Flyway files (grouped by their location) and rollback files keep their places.
fn numbered_stages(out: &mut [MigrationPlace]) {
    let stage = |p: &MigrationPlace| -> Option<(String, String)> {
        if !p.forward || p.flyway || p.group.contains("supabase/migrations") {
            return None;
        }
        let dir = dirname_or_dot(&p.path);
        let (parent, last) = match dir.rsplit_once('/') {
            Some((up, last)) => (up.to_string(), last),
            None => (".".to_string(), dir),
        };
        is_numbered_stage(last).then(|| (parent, last.to_string()))
    };
    let stages: Vec<Option<(String, String)>> = out.iter().map(stage).collect();
    let mut per_parent: std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> =
        std::collections::BTreeMap::new();
    for (parent, folder) in stages.iter().flatten() {
        per_parent
            .entry(parent.as_str())
            .or_default()
            .insert(folder.as_str());
    }
    let sequences: std::collections::BTreeSet<String> = per_parent
        .into_iter()
        .filter(|(_, folders)| folders.len() >= 2)
        .map(|(parent, _)| parent.to_string())
        .collect();
    for (p, st) in out.iter_mut().zip(stages) {
        let Some((parent, _)) = st else { continue };
        if !sequences.contains(&parent) {
            continue;
        }
        let within = if parent == "." {
            p.path.as_str()
        } else {
            &p.path[parent.len() + 1..]
        };
        p.key = natural(&within.to_ascii_lowercase());
        p.rank = VERSIONED;
        p.group = parent;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(paths: &[&str]) -> Vec<String> {
        let mut v: Vec<MigrationPlace> = paths.iter().map(|p| place(p)).collect();
        v.sort();
        v.into_iter().map(|p| p.path).collect()
    }

    /// sql37: a sqitch plan's deploy order: pragmas, notes, tags and revert entries are no
    /// scripts; a change reworked after a tag runs its `name@tag` script first.
    #[test]
    fn sqitch_plans_list_their_deploy_scripts_in_order() {
        let plan = "%syntax-version=1.0.0\n%project=app\n\n# a note\nschema 2024-01-01T00:00:00Z dev <d@x> # add\nusers [schema] 2024-01-01T00:00:00Z dev <d@x> # add users\n@v1.0 2024-01-02T00:00:00Z dev <d@x> # tag\n+users_rls [users] 2024-01-03T00:00:00Z dev <d@x>\n-old_change 2024-01-03T00:00:00Z dev <d@x>\nusers [users@v1.0] 2024-01-04T00:00:00Z dev <d@x> # rework\n";
        assert_eq!(
            sqitch_plan_scripts(plan),
            ["schema", "users@v1.0", "users_rls", "users"]
        );
    }

    /// sql37: a sqitch project's nested deploy folders are one schema in plan order (the plan
    /// read beside them); `revert/` and `verify/` at any depth are rollbacks; a `deploy/`
    /// folder with no sign of sqitch keeps its folders.
    #[test]
    fn sqitch_deploy_trees_are_one_schema_in_plan_order() {
        let paths = [
            "db/deploy/schemas/app/tables/users/policies/enable_rls.sql",
            "db/deploy/schemas/app/tables/users/table.sql",
            "db/deploy/schemas/app/schema.sql",
            "db/deploy/extra.sql",
            "db/revert/schemas/app/tables/users/table.sql",
            "db/verify/schemas/app/tables/users/table.sql",
            "ops/deploy/sql/a.sql",
            "ops/deploy/b.sql",
        ];
        let read = |p: &str| {
            (p == "db/sqitch.plan").then(|| {
                "%project=app\nschemas/app/schema 2024-01-01T00:00:00Z d <d@x>\nschemas/app/tables/users/table 2024-01-01T00:00:00Z d <d@x>\nschemas/app/tables/users/policies/enable_rls 2024-01-01T00:00:00Z d <d@x>\n".to_string()
            })
        };
        let mut v = places_read(&paths, &read);
        for p in &v[..4] {
            assert_eq!(p.group, "db/deploy", "{p:?}");
        }
        assert!(!v[4].forward() && !v[5].forward());
        assert_eq!(v[6].group, "ops/deploy/sql");
        assert_eq!(v[7].group, "ops/deploy");
        v.sort();
        let order: Vec<&str> = v
            .iter()
            .filter(|p| p.group == "db/deploy")
            .map(|p| p.path.as_str())
            .collect();
        assert_eq!(
            order,
            [
                "db/deploy/schemas/app/schema.sql",
                "db/deploy/schemas/app/tables/users/table.sql",
                "db/deploy/schemas/app/tables/users/policies/enable_rls.sql",
                "db/deploy/extra.sql",
            ]
        );
        // pgpm's plan has the same form
        let pgpm = |p: &str| {
            read(&p.replace("pgpm.plan", "sqitch.plan")).filter(|_| p.ends_with("pgpm.plan"))
        };
        let mut w = places_read(&paths, &pgpm);
        w.sort();
        let order_pgpm: Vec<&str> = w
            .iter()
            .filter(|p| p.group == "db/deploy")
            .map(|p| p.path.as_str())
            .collect();
        assert_eq!(order_pgpm, order);
        // without the plan (and without `sqitch.conf`), `revert/` still marks the project
        let v = places(&paths);
        assert_eq!(v[0].group, "db/deploy");
        assert!(!v[4].forward());
    }

    /// sql37: psql includes make one schema in the order psql runs the files; an included
    /// file starts in the search path of its includer at the include, else the includer's own.
    #[test]
    fn psql_includes_are_one_schema_in_run_order() {
        let paths = [
            "db/src/data/todo.sql",
            "db/src/authorization/privileges.sql",
            "db/src/init.sql",
            "db/src/data/schema.sql",
            "db/src/libs/auth/data/user.sql",
            "other/alone.sql",
        ];
        let mut v = places(&paths);
        let inc = |at: usize, t: &str, rel: bool, s: Option<&str>| -> PsqlInclude {
            (at, t.to_string(), rel, s.map(str::to_string))
        };
        let includes = vec![
            (
                "db/src/init.sql",
                vec![
                    inc(10, "data/schema.sql", true, None),
                    inc(20, "authorization/privileges.sql", true, None),
                    inc(30, "missing.sql", true, None),
                ],
            ),
            (
                "db/src/data/schema.sql",
                vec![
                    inc(5, "../libs/auth/data/user.sql", true, Some("data")),
                    inc(9, "todo.sql", false, Some("data")),
                ],
            ),
        ];
        let inherited = psql_include_order(&mut v, &includes);
        assert_eq!(inherited["db/src/data/todo.sql"].as_deref(), Some("data"));
        assert_eq!(
            inherited["db/src/libs/auth/data/user.sql"].as_deref(),
            Some("data")
        );
        assert_eq!(inherited["db/src/authorization/privileges.sql"], None);
        assert!(!inherited.contains_key("db/src/init.sql"));
        assert_eq!(v[5].group, "other");
        v.sort();
        let order: Vec<&str> = v
            .iter()
            .filter(|p| p.group == "psql:db/src/init.sql")
            .map(|p| p.path.as_str())
            .collect();
        assert_eq!(
            order,
            [
                "db/src/init.sql",
                "db/src/data/schema.sql",
                "db/src/libs/auth/data/user.sql",
                "db/src/data/todo.sql",
                "db/src/authorization/privileges.sql",
            ]
        );
    }

    /// sql37: dbmate's dump lists its migrations' versions; the folder holding a file of each.
    #[test]
    fn dbmate_dumps_name_their_migrations() {
        let dump = "CREATE TABLE public.users (id int);\n--\n-- Dbmate schema migrations\n--\n\nINSERT INTO public.schema_migrations (version) VALUES\n    ('20240525044318'),\n    ('20240525045757');\n";
        let (at, versions) = dbmate_dump_versions(dump).expect("a dump");
        assert_eq!(at, dump.find("-- Dbmate").unwrap());
        assert_eq!(versions, ["20240525044318", "20240525045757"]);
        assert!(dbmate_dump_versions("CREATE TABLE t (id int);\n").is_none());
        let all = [
            "db/schema.sql",
            "db/migrations/20240525044318_users.sql",
            "db/migrations/20240525045757_orgs.sql",
        ];
        assert_eq!(
            dbmate_migrations_folder("db/schema.sql", &versions, &all).as_deref(),
            Some("db/migrations")
        );
        assert_eq!(
            dbmate_migrations_folder("db/schema.sql", &versions, &all[..2]),
            None
        );
        assert_eq!(dbmate_migrations_folder("db/schema.sql", &[], &all), None);
        // `2024052504431` is no version of `20240525044318_users.sql`
        assert_eq!(
            dbmate_migrations_folder("db/schema.sql", &["2024052504431".to_string()], &all),
            None
        );
    }

    /// sql35: numbered stage folders (`01_tables`, `05_rls`, `10_grants`) of one parent are one
    /// schema in the order of their numbers; a lone numbered folder, folders under
    /// `supabase/migrations` and rollback files keep their places.
    #[test]
    fn numbered_stage_folders_are_one_schema_in_their_order() {
        let paths = [
            "db/schema/10_grants/grants.sql",
            "db/schema/05_rls/users_rls.sql",
            "db/schema/01_tables/users.sql",
            "db/schema/01_tables/accounts.sql",
            "other/001_init/a.sql",
            "db/schema/05_rls/users.down.sql",
            "notes/2024/a.sql",
            "notes/2025/b.sql",
        ];
        let mut v = places(&paths);
        for i in [0, 1, 2, 3] {
            assert_eq!(v[i].group, "db/schema", "{:?}", v[i]);
        }
        assert_eq!(v[4].group, "other/001_init");
        assert!(!v[5].forward());
        assert_eq!(v[6].group, "notes/2024");
        v.sort();
        let order: Vec<&str> = v
            .iter()
            .filter(|p| p.group == "db/schema")
            .map(|p| p.path.as_str())
            .collect();
        assert_eq!(
            order,
            [
                "db/schema/01_tables/accounts.sql",
                "db/schema/01_tables/users.sql",
                "db/schema/05_rls/users_rls.sql",
                "db/schema/10_grants/grants.sql",
            ]
        );
        assert!(is_numbered_stage("01_tables") && is_numbered_stage("2-rls"));
        assert!(
            !is_numbered_stage("2024") && !is_numbered_stage("01_") && !is_numbered_stage("v1_x")
        );
    }

    /// wild47: Flyway reads its location recursively; vendor folders and folders that repeat a
    /// version stay sets of their own.
    #[test]
    fn flyway_sub_folders_are_one_schema_with_their_location() {
        let paths = [
            "src/main/resources/db/migration/2024/V10__rls.sql",
            "src/main/resources/db/migration/V1__init.sql",
            "src/main/resources/db/migration/2023/V2__more.sql",
            "src/main/resources/db/migration/h2/V1__init.sql",
            "other/migrations/a/V1__x.sql",
            "other/migrations/b/V1__x.sql",
            "m/1_init.up.sql",
            "m/sub/2_x.up.sql",
        ];
        let mut v: Vec<MigrationPlace> = places(&paths);
        assert_eq!(v[0].group, "src/main/resources/db/migration");
        assert_eq!(v[2].group, "src/main/resources/db/migration");
        assert_eq!(v[3].group, "src/main/resources/db/migration/h2");
        assert_eq!(v[4].group, "other/migrations/a");
        assert_eq!(v[5].group, "other/migrations/b");
        // golang-migrate and the others read one folder
        assert_eq!(v[7].group, "m/sub");
        v.sort();
        let order: Vec<&str> = v
            .iter()
            .filter(|p| p.group == "src/main/resources/db/migration")
            .map(|p| p.path.as_str())
            .collect();
        assert_eq!(
            order,
            [
                "src/main/resources/db/migration/V1__init.sql",
                "src/main/resources/db/migration/2023/V2__more.sql",
                "src/main/resources/db/migration/2024/V10__rls.sql",
            ]
        );
    }

    #[test]
    fn migrations_are_ordered_as_their_tools_run_them() {
        assert_eq!(
            sorted(&[
                "db/V10__fix.sql",
                "db/R__views.sql",
                "db/V2__grants.sql",
                "db/V1_1__patch.sql",
                "db/V1__init.sql",
                "db/V1.2__more.sql",
            ]),
            [
                "db/V1__init.sql",
                "db/V1_1__patch.sql",
                "db/V1.2__more.sql",
                "db/V2__grants.sql",
                "db/V10__fix.sql",
                "db/R__views.sql",
            ]
        );
        assert_eq!(
            sorted(&["m/10_b.up.sql", "m/2_a.up.sql", "m/1_init.up.sql"]),
            ["m/1_init.up.sql", "m/2_a.up.sql", "m/10_b.up.sql"]
        );
        let p = place("prisma/migrations/20230101_init/migration.sql");
        assert_eq!(p.group, "prisma/migrations");
        assert!(p.forward());
        assert_eq!(place("migrations/2023-01-01_x/up.sql").group, "migrations");
        assert_eq!(place("schema.sql").group, ".");
        assert_eq!(place("db/schema.sql").group, "db");
        assert!(place("db/schema.sql").forward());
        for rollback in [
            "m/1_init.down.sql",
            "m/1_init_down.sql",
            "m/2023_x/down.sql",
            "db/U2__undo.sql",
            "db/V2__x.undo.sql",
        ] {
            let p = place(rollback);
            assert!(!p.forward(), "{rollback}");
            assert_eq!(p.group, rollback);
        }
        assert_eq!(
            sorted(&[
                "supabase/migrations/20251208_b.sql",
                "supabase/migrations/20251201155709_a.sql",
            ]),
            [
                "supabase/migrations/20251201155709_a.sql",
                "supabase/migrations/20251208_b.sql",
            ]
        );
        // a name that only contains a rollback word is a migration
        assert!(place("m/3_add_download.sql").forward());
        assert!(place("m/3_drop_rollback_table.up.sql").forward());
    }

    /// sql36: Flyway's callbacks of `migrate` run at their event (before the versioned
    /// files, between them and the repeatable ones, after all of them; several of one event
    /// by name); those of other commands and of failures are no forward state.
    #[test]
    fn flyway_callbacks_run_at_their_event() {
        let dir = "src/main/resources/db/migration";
        let names = [
            "R__views.sql",
            "afterMigrate__2_grants.sql",
            "V2__rls.sql",
            "afterMigrate.sql",
            "beforeMigrate.sql",
            "V1__init.sql",
            "beforeRepeatables.sql",
            "afterMigrate__1_data.sql",
            "beforeEachMigrate.sql",
            "beforeClean.sql",
            "afterInfo.sql",
            "afterMigrateError.sql",
            "beforeValidate__check.sql",
            "afterEachUndo.sql",
        ];
        let paths: Vec<String> = names.iter().map(|n| format!("{dir}/{n}")).collect();
        let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
        let mut v = places(&refs);
        for p in &v {
            let last = p.path.rsplit('/').next().unwrap_or("");
            let other = [
                "beforeClean.sql",
                "afterInfo.sql",
                "afterMigrateError.sql",
                "beforeValidate__check.sql",
                "afterEachUndo.sql",
            ]
            .contains(&last);
            assert_eq!(p.forward(), !other, "{}", p.path);
            if !other {
                assert_eq!(p.group, dir, "{}", p.path);
            }
        }
        v.retain(|p| p.forward());
        v.sort();
        let order: Vec<&str> = v
            .iter()
            .map(|p| p.path.rsplit('/').next().unwrap_or(""))
            .collect();
        assert_eq!(
            order,
            [
                "beforeMigrate.sql",
                "beforeEachMigrate.sql",
                "V1__init.sql",
                "V2__rls.sql",
                "beforeRepeatables.sql",
                "R__views.sql",
                "afterMigrate.sql",
                "afterMigrate__1_data.sql",
                "afterMigrate__2_grants.sql",
            ]
        );
        // a name that only starts with an event's word is an ordinary migration
        assert_eq!(flyway_callback("aftermigrate_fix"), None);
        assert_eq!(flyway_callback("before_clean"), None);
        // a callback folder of its own keeps its folder
        assert_eq!(
            place("src/main/resources/db/callbacks/afterMigrate.sql").group,
            "src/main/resources/db/callbacks"
        );
    }

    /// sql36: an extension's install script runs before its update scripts, the updates in
    /// the chain of their versions; an unversioned `ext.sql` beside them is the install script.
    #[test]
    fn extension_scripts_run_install_then_updates() {
        assert_eq!(
            sorted(&[
                "sql/ext--1.1--1.2.sql",
                "sql/ext--1.0--1.1.sql",
                "sql/ext--1.0.sql",
                "sql/ext--1.10--2.0.sql",
                "sql/ext--1.2--1.10.sql",
            ]),
            [
                "sql/ext--1.0.sql",
                "sql/ext--1.0--1.1.sql",
                "sql/ext--1.1--1.2.sql",
                "sql/ext--1.2--1.10.sql",
                "sql/ext--1.10--2.0.sql",
            ]
        );
        // the install script of the latest version holds everything: after the updates to it
        assert_eq!(
            sorted(&["e/x--1.0--2.0.sql", "e/x--2.0.sql", "e/x--2.0--2.1.sql"]),
            ["e/x--1.0--2.0.sql", "e/x--2.0.sql", "e/x--2.0--2.1.sql"]
        );
        let mut v = places(&[
            "pg_cron--1.2--1.3.sql",
            "pg_cron.sql",
            "pg_cron--1.0--1.1.sql",
            "other.sql",
        ]);
        v.sort();
        let order: Vec<&str> = v.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            order,
            [
                "other.sql",
                "pg_cron.sql",
                "pg_cron--1.0--1.1.sql",
                "pg_cron--1.2--1.3.sql"
            ]
        );
        assert!(extension_script_key("a--b").is_none());
        assert!(extension_script_key("--1.0").is_none());
        assert!(extension_script_key("x--1.0--1.1--1.2").is_none());
    }

    /// wild54: sqitch's `revert/` (and `verify/`) scripts beside a `deploy/` folder are no
    /// forward migrations; a `revert/` folder alone is an ordinary folder.
    #[test]
    fn sqitch_revert_and_verify_scripts_are_no_forward_state() {
        let v = places(&[
            "db/sqitch/deploy/users.sql",
            "db/sqitch/revert/users.sql",
            "db/sqitch/verify/users.sql",
            "other/revert/x.sql",
            "deploy/a.sql",
            "revert/a.sql",
        ]);
        let forward: Vec<bool> = v.iter().map(|p| p.forward()).collect();
        assert_eq!(forward, [true, false, false, true, true, false]);
    }

    /// wild51: a changelog that includes itself, or a chain that comes back to its start,
    /// ends (each changelog is visited once); `../` and `includeAll` resolve as Liquibase
    /// resolves them, the included files sorted by path.
    #[test]
    fn liquibase_includes_end_and_resolve() {
        let a = serde_json::json!({"databaseChangeLog": [
            {"include": {"file": "a.yaml", "relativeToChangelogFile": true}},
            {"include": {"file": "../sql/2.sql", "relativeToChangelogFile": "true"}},
            {"includeAll": {"path": "db/all"}},
            {"changeSet": {"changes": [{"sqlFile": {"path": "db/x/1.sql"}}]}},
        ]});
        let paths = [
            "db/sql/2.sql",
            "db/all/b.sql",
            "db/all/a.sql",
            "db/x/1.sql",
            "db/y/0.sql",
        ];
        let mut places: Vec<MigrationPlace> = paths.iter().map(|p| place(p)).collect();
        liquibase_order(&mut places, &[("db/cl/a.yaml", &a)]);
        places.sort();
        // the files the changelog reaches, in its order; the one it does not reach keeps its folder
        let order: Vec<&str> = places
            .iter()
            .filter(|p| p.group == "liquibase:db/cl/a.yaml")
            .map(|p| p.path.as_str())
            .collect();
        assert_eq!(
            order,
            ["db/sql/2.sql", "db/all/a.sql", "db/all/b.sql", "db/x/1.sql"]
        );
        assert!(places.iter().any(|p| p.group == "db/y"));
        // wild54: a missing file, a parameter, a cycle
        let m = serde_json::json!({"databaseChangeLog": [
            {"include": {"file": "${dir}/x.xml"}},
            {"include": {"file": "gone.sql", "relativeToChangelogFile": true}},
            {"include": {"file": "opt.sql", "relativeToChangelogFile": true, "errorIfMissing": "false"}},
            {"include": {"file": "db/cl/m.yaml"}},
        ]});
        let problems = liquibase_problems(&[], &[("db/cl/m.yaml", &m)], &|_| false);
        let at: Vec<&crate::source::span::PathSeg> = problems.iter().map(|p| &p.at[1]).collect();
        assert_eq!(
            at,
            [
                &crate::source::span::PathSeg::Index(1),
                &crate::source::span::PathSeg::Index(3)
            ],
            "{problems:?}"
        );
        assert!(problems[1].message.contains("db/cl/m.yaml → db/cl/m.yaml"));
        // a chain back to its start: no endless loop
        let b = serde_json::json!({"databaseChangeLog": [{"include": {"file": "c.yaml"}}]});
        let c = serde_json::json!({"databaseChangeLog": [{"include": {"file": "b.yaml"}}]});
        let mut places = vec![place("m/1.sql")];
        liquibase_order(&mut places, &[("b.yaml", &b), ("c.yaml", &c)]);
        assert_eq!(places[0].group, "m");
    }
}
