//! Whole-project rules: one evaluation over every kept document of their input type (a
//! schema spread over migration files, names shared across manifests).

use super::CheckOptions;
use super::evaluate::to_finding;
use crate::finding::Finding;
use crate::input::postgres::migrations;
use crate::input::{Document, InputType};
use crate::policy::engine::RuleInput;
use crate::policy::{Evaluator, PolicySet};
use crate::rule::Rule;
use crate::source::Problem;
use crate::source::span::PathSeg;
use rayon::prelude::*;
use std::sync::Arc;

/// How long one evaluation of a group of whole-project rules may run (per-document rules get
/// 10 s): their input is every document of the repository.
pub const PROJECT_RULE_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

/// Evaluates the whole-project rules over every kept document of their input type, in
/// parallel.
pub(super) fn run_project_rules(
    set: &PolicySet,
    rules: &[Arc<Rule>],
    docs: &[(Document, RuleInput)],
    install: &[bool],
    opts: &CheckOptions,
) -> (Vec<Finding>, Vec<Problem>) {
    // One task per rule: the nine SQL schema rules, say, would otherwise run one after the
    // other on one core. Their inputs cost no copies (shared values), so each builds its own.
    let outcomes: Vec<(Vec<Finding>, Vec<Problem>)> = rules
        .par_iter()
        .map_init(
            || Evaluator::new(set),
            |ev, rule| run_project_rule(ev, rule, docs, install, opts),
        )
        .collect();
    let mut findings = Vec::new();
    let mut problems = Vec::new();
    for (f, p) in outcomes {
        findings.extend(f);
        problems.extend(p);
    }
    (findings, problems)
}

/// A migration that loops over the catalog (`FOR r IN SELECT tablename FROM pg_tables …`)
/// reaches the tables the migrations before it in its folder left, not only its own: such a
/// file is read again with those tables (`postgres::load_after`), in the order the folder's
/// tool runs the files, each file after the ones before it were read so (docs/robustness.md,
/// session wild47). A file another one includes with psql's `\ir` is read again too, its
/// unqualified names in the search path it is included in (session sql37). The per-document
/// rules keep their first reading. Returns, for each file
/// read again, what its second reading says about its `DO` blocks (the first one's notes of
/// EXECUTEs "not modelled" may no longer hold).
pub(super) fn read_after_earlier(
    kept: &mut [(Document, RuleInput)],
    cwd: &std::path::Path,
) -> Vec<(String, Vec<Problem>)> {
    let mut reread = Vec::new();
    let schemas: Vec<usize> = (0..kept.len())
        .filter(|&i| kept[i].0.input_type == InputType::Postgres)
        .collect();
    let includes = |i: &usize| kept[*i].0.file.text.contains("\\i");
    if !schemas.iter().any(|&i| {
        crate::input::postgres::may_loop_over_catalog(&kept[i].0.file.text) || includes(&i)
    }) {
        return reread;
    }
    let paths: Vec<&str> = schemas
        .iter()
        .map(|&i| kept[i].0.file.path.as_str())
        .collect();
    let mut places = ordered_places(&paths, kept.iter().map(|(d, _)| d), cwd);
    // a file another one includes (`\ir todo.sql`) starts in the search path it is included in
    let inherited = include_order(&mut places, kept.iter().map(|(d, _)| d));
    let mut placed: Vec<(migrations::MigrationPlace, usize)> = places
        .into_iter()
        .zip(schemas.iter().copied())
        .filter(|(p, _)| p.forward())
        .collect();
    placed.sort();
    let mut group: Option<String> = None;
    // the tables left so far (`schema.name`, RLS on), in creation order
    let mut tables: Vec<(String, bool)> = Vec::new();
    for (place, i) in placed {
        if group.as_deref() != Some(place.group.as_str()) {
            group = Some(place.group.clone());
            tables.clear();
        }
        let schema = inherited
            .get(&kept[i].0.file.path)
            .cloned()
            .flatten()
            .filter(|s| s != "public");
        if schema.is_some()
            || (!tables.is_empty()
                && crate::input::postgres::may_loop_over_catalog(&kept[i].0.file.text))
        {
            let loaded =
                crate::input::postgres::load_included(&kept[i].0.file, tables.clone(), schema);
            reread.push((
                kept[i].0.file.path.clone(),
                loaded
                    .problems
                    .into_iter()
                    .filter(|p| p.message.starts_with(DO_NOTE))
                    .collect(),
            ));
            if let Some(doc) = loaded.documents.into_iter().next() {
                let value = crate::policy::engine::to_rego(&doc.value);
                kept[i] = (doc, value);
            }
        }
        leave(&mut tables, &kept[i].0.value);
    }
    reread
}

/// Where each of the schema files `paths` stands among the migrations (its folder's tool's
/// order, `migrations::places`), a file a Liquibase changelog of `docs` includes in that
/// changelog's order (`databaseChangeLog:` at a document's root).
fn ordered_places<'a>(
    paths: &[&str],
    docs: impl Iterator<Item = &'a Document>,
    cwd: &std::path::Path,
) -> Vec<migrations::MigrationPlace> {
    let changelogs: Vec<(&str, &serde_json::Value)> = docs
        .filter(|d| d.value.get("databaseChangeLog").is_some())
        .map(|d| (d.file.path.as_str(), &d.value))
        .collect();
    // a sqitch project's `sqitch.plan` and `sqitch.conf` are beside its scripts, not in the run
    let read = |p: &str| std::fs::read_to_string(cwd.join(p)).ok();
    let mut places = migrations::places_read(paths, &read);
    migrations::liquibase_order(&mut places, &changelogs);
    places
}

/// The psql includes (`\ir`) of the schema files among `docs`: their files are one schema in
/// the order psql runs them (`migrations::psql_include_order`). Returns, for each included
/// file, the schema its unqualified names start in.
fn include_order<'a>(
    places: &mut [migrations::MigrationPlace],
    docs: impl Iterator<Item = &'a Document>,
) -> std::collections::HashMap<String, Option<String>> {
    let includes: Vec<(&str, Vec<migrations::PsqlInclude>)> = docs
        .filter(|d| d.input_type == InputType::Postgres)
        .map(|d| {
            (
                d.file.path.as_str(),
                crate::input::postgres::psql_includes(&d.file.text),
            )
        })
        .filter(|(_, inc)| !inc.is_empty())
        .collect();
    migrations::psql_include_order(places, &includes)
}

/// The located problems of the run's Liquibase changelogs (`migrations::liquibase_problems`):
/// an entry naming a file or folder that neither the run nor the file system has, an include
/// cycle. Each at the entry's `file`/`path` value.
pub(super) fn changelog_problems(
    kept: &[(Document, RuleInput)],
    cwd: &std::path::Path,
) -> Vec<Problem> {
    let mut changelogs: Vec<(&Document, &serde_json::Value)> = kept
        .iter()
        .filter(|(d, _)| d.value.get("databaseChangeLog").is_some())
        .map(|(d, _)| (d, &d.value))
        .collect();
    // by path: a cycle is reported at the same include whatever the files' reading order
    changelogs.sort_by(|a, b| a.0.file.path.cmp(&b.0.file.path));
    if changelogs.is_empty() {
        return Vec::new();
    }
    let all: Vec<String> = kept
        .iter()
        .filter(|(d, _)| d.input_type == InputType::Postgres)
        .map(|(d, _)| d.file.path.clone())
        .collect();
    let named: Vec<(&str, &serde_json::Value)> = changelogs
        .iter()
        .map(|(d, v)| (d.file.path.as_str(), *v))
        .collect();
    let exists = |p: &str| cwd.join(p).exists();
    migrations::liquibase_problems(&all, &named, &exists)
        .into_iter()
        .map(|p| {
            let doc = changelogs
                .iter()
                .find(|(d, _)| d.file.path == p.changelog)
                .map(|(d, _)| *d);
            let pos = doc.map(|d| d.file.pos(d.spans.resolve(&p.at).span.start));
            Problem::error(&p.changelog, pos, p.message)
        })
        .collect()
}

/// The start of the reader's note about a `DO` block's EXECUTEs it could not model.
pub(super) const DO_NOTE: &str = "DO statement:";

/// The tables after one schema document ran: its drops, then its created tables (added or
/// replaced) and the row-level security it turns on or off.
fn leave(tables: &mut Vec<(String, bool)>, doc: &serde_json::Value) {
    if let Some(drops) = doc.get("drops").and_then(|d| d.as_array()) {
        for d in drops {
            if d.get("statement").and_then(|s| s.as_str()) == Some("drop")
                && let Some(t) = d.get("table").and_then(|t| t.as_str())
            {
                tables.retain(|(n, _)| n != t);
            }
        }
    }
    let Some(map) = doc.get("tables").and_then(|t| t.as_object()) else {
        return;
    };
    for (name, t) in map {
        let flag = |k: &str| t.get(k).and_then(|v| v.as_bool()) == Some(true);
        let rls = t
            .get("rls")
            .and_then(|r| r.get("enabled"))
            .and_then(|e| e.as_bool());
        if flag("created") {
            tables.retain(|(n, _)| n != name);
            if !flag("temporary") {
                tables.push((name.clone(), rls == Some(true)));
            }
        } else if let Some(on) = rls
            && let Some(e) = tables.iter_mut().find(|(n, _)| n == name)
        {
            e.1 = on;
        }
    }
}

/// One whole-project rule over the documents it sees.
fn run_project_rule(
    ev: &mut Evaluator,
    rule: &Arc<Rule>,
    docs: &[(Document, RuleInput)],
    install: &[bool],
    opts: &CheckOptions,
) -> (Vec<Finding>, Vec<Problem>) {
    let input_type = rule.input;
    let mut findings = Vec::new();
    let mut problems = Vec::new();
    let mut selected: Vec<(&(Document, RuleInput), bool)> = docs
        .iter()
        .zip(install.iter().copied())
        .filter(|((d, _), _)| rule.applies_to(d.input_type, &d.subtype))
        .collect();
    if selected.is_empty() {
        return (findings, problems);
    }
    ev.set_time_limit(input_type, PROJECT_RULE_TIME_LIMIT);
    // A folder of migrations is one schema, in the order its tool runs the files (Flyway's
    // `V10__` after `V2__`, Prisma's `<migration>/migration.sql` one folder up, rollbacks
    // left out): the documents go to the rules in that order, each with its group.
    let places: Option<Vec<migrations::MigrationPlace>> =
        (input_type == InputType::Postgres).then(|| {
            // a rollback (`*.down.sql`) is no part of the forward state: what it recreates was
            // judged where it was first created, and its drops undo nothing
            let paths: Vec<&str> = selected.iter().map(|s| s.0.0.file.path.as_str()).collect();
            let mut places = ordered_places(&paths, docs.iter().map(|(d, _)| d), &opts.cwd);
            include_order(&mut places, docs.iter().map(|(d, _)| d));
            let mut placed: Vec<_> = places
                .into_iter()
                .zip(selected.drain(..))
                .filter(|(p, _)| p.forward())
                .collect();
            placed.sort_by(|a, b| a.0.cmp(&b.0));
            let (places, sel): (Vec<_>, Vec<_>) = placed.into_iter().unzip();
            selected = sel;
            places
        });
    if selected.is_empty() {
        return (findings, problems);
    }
    let mut input = RuleInput::project(
        selected
            .iter()
            .map(|((d, v), at_install)| (v, d.file.path.as_str(), *at_install)),
    );
    if let Some(places) = places {
        input = input.with_strings(
            "schema_groups",
            places.into_iter().map(|p| p.group).collect(),
        );
    }
    let (hits, failures) = ev.evaluate(&input, &[rule]);
    for f in failures {
        problems.push(Problem::error(
            &f.rule.source,
            None,
            format!(
                "whole-project rule {} ({}) failed: {}",
                f.rule.id, f.rule.name, f.message
            ),
        ));
    }
    for hit in hits {
        let target = match hit.path.as_slice() {
            [PathSeg::Key(k), PathSeg::Index(i), rest @ ..] if k == "documents" => {
                selected.get(*i).map(|(d, _)| (*d, rest.to_vec()))
            }
            _ => None,
        };
        match target {
            Some(((doc, _), rest)) => {
                findings.push(to_finding(hit, doc, rest, &opts.severity_overrides));
            }
            None => problems.push(Problem::error(
                &hit.rule.source,
                None,
                format!(
                    "whole-project rule {} returned a path that does not start with \
                         [\"documents\", <index>]: {:?}",
                    hit.rule.id, hit.path
                ),
            )),
        }
    }
    (findings, problems)
}
