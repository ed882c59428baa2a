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
            let mut placed: Vec<_> = selected
                .drain(..)
                .map(|s| (migrations::place(&s.0.0.file.path), s))
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
