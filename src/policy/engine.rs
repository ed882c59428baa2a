//! Evaluates rules against one input with a worker's own clone of the compiled engine.
//!
//! Each document is converted to a regorus value once, then every applicable rule's `deny`
//! is evaluated against it (converting per rule is what made conftest slow).

use super::registry::{PolicySet, TypedEngine};
use crate::input::InputType;
use crate::input::span::PathSeg;
use crate::rule::Rule;
use serde_json::Value;
use std::sync::Arc;

/// One result of one rule: `{"msg": ..., "path": [...]}`.
#[derive(Debug, Clone)]
pub struct Hit {
    pub rule: Arc<Rule>,
    pub message: String,
    pub path: Vec<PathSeg>,
    /// A severity the rule gave this one result (`"severity"` in the result), overriding the
    /// rule's default: e.g. a hostPath volume is high, but critical when it is `/`.
    pub severity: Option<crate::rule::Severity>,
}

/// A rule that failed to evaluate (a runtime error, a timeout, a malformed result).
#[derive(Debug, Clone)]
pub struct RuleFailure {
    pub rule: Arc<Rule>,
    pub message: String,
}

/// A worker's evaluator: clones of the compiled engines (cheap), made on first use per input type.
pub struct Evaluator<'a> {
    set: &'a PolicySet,
    engines: [Option<TypedEngine>; 3],
    all: Option<regorus::Engine>,
}

fn slot(t: InputType) -> usize {
    match t {
        InputType::Kubernetes => 0,
        InputType::Postgres => 1,
        InputType::Config => 2,
    }
}

impl<'a> Evaluator<'a> {
    pub fn new(set: &'a PolicySet) -> Self {
        Evaluator {
            set,
            engines: [None, None, None],
            all: None,
        }
    }

    fn typed(&mut self, t: InputType) -> &mut TypedEngine {
        let set = self.set;
        self.engines[slot(t)].get_or_insert_with(|| set.typed(t).clone())
    }

    /// Evaluates the active document-scope rules that apply to a document. When most of its
    /// group is active, the group's module evaluates them in one pass; a runtime error there
    /// falls back to rule-by-rule evaluation so that one failing rule does not hide the others.
    pub fn evaluate_document(
        &mut self,
        input: &Value,
        input_type: InputType,
        subtype: &str,
        active: &[&Arc<Rule>],
    ) -> (Vec<Hit>, Vec<RuleFailure>) {
        let typed = self.typed(input_type);
        let active: Vec<&Arc<Rule>> = active
            .iter()
            .copied()
            .filter(|r| !typed.dropped.contains(&r.id))
            .collect();
        if active.is_empty() {
            return (Vec::new(), Vec::new());
        }
        let group = typed
            .groups
            .iter()
            .find(|g| g.subtype.as_deref() == Some(subtype))
            .or_else(|| typed.groups.iter().find(|g| g.subtype.is_none()))
            .filter(|g| {
                active.len() * 3 >= g.rules.len()
                    && active.iter().all(|r| g.rules.iter().any(|m| m.id == r.id))
            })
            .map(|g| g.entrypoint.clone());
        typed.engine.set_input(regorus::Value::from(input.clone()));
        let Some(entrypoint) = group else {
            return evaluate_each(&mut typed.engine, &active);
        };
        let results = match typed.engine.eval_rule(entrypoint) {
            Ok(v) => v,
            Err(_) => return evaluate_each(&mut typed.engine, &active),
        };
        let mut hits = Vec::new();
        let mut failures = Vec::new();
        for rule in active {
            let v = &results[&regorus::Value::from(rule.id.as_str())];
            if let Err(message) = collect_hits(rule, v, &mut hits) {
                failures.push(RuleFailure {
                    rule: rule.clone(),
                    message,
                });
            }
        }
        (hits, failures)
    }

    /// Bounds each evaluation of an input type's rules (a runaway policy is stopped and
    /// reported). Whole-project rules get a longer bound: their input is the whole repository.
    pub fn set_time_limit(&mut self, t: InputType, limit: std::time::Duration) {
        self.typed(t).engine.set_execution_timer_config(
            regorus::utils::limits::ExecutionTimerConfig {
                limit,
                check_interval: std::num::NonZeroU32::new(1000).expect("non-zero"),
            },
        );
    }

    /// Evaluates `rules` (all of one input type) against `input`, one by one.
    pub fn evaluate(
        &mut self,
        input: &Value,
        rules: &[&Arc<Rule>],
    ) -> (Vec<Hit>, Vec<RuleFailure>) {
        let Some(first) = rules.first() else {
            return (Vec::new(), Vec::new());
        };
        let typed = self.typed(first.input);
        let rules: Vec<&Arc<Rule>> = rules
            .iter()
            .copied()
            .filter(|r| !typed.dropped.contains(&r.id))
            .collect();
        if rules.is_empty() {
            return (Vec::new(), Vec::new());
        }
        typed.engine.set_input(regorus::Value::from(input.clone()));
        evaluate_each(&mut typed.engine, &rules)
    }

    /// Evaluates an arbitrary rule path in the engine holding every policy (used by
    /// `runeguard test` for `test_*` rules).
    pub fn eval_path(&mut self, input: Option<&Value>, path: &str) -> Result<Value, String> {
        let set = self.set;
        let engine = self.all.get_or_insert_with(|| set.all().engine.clone());
        match input {
            Some(i) => engine.set_input(regorus::Value::from(i.clone())),
            None => engine.set_input(regorus::Value::new_object()),
        }
        let v = engine
            .eval_rule(path.to_string())
            .map_err(|e| first_lines(&e.to_string()))?;
        if v == regorus::Value::Undefined {
            return Ok(Value::Null);
        }
        serde_json::to_value(&v).map_err(|e| e.to_string())
    }
}

fn evaluate_each(
    engine: &mut regorus::Engine,
    rules: &[&Arc<Rule>],
) -> (Vec<Hit>, Vec<RuleFailure>) {
    let mut hits = Vec::new();
    let mut failures = Vec::new();
    for rule in rules {
        match engine.eval_rule(rule.entrypoint()) {
            Ok(v) => {
                if let Err(message) = collect_hits(rule, &v, &mut hits) {
                    failures.push(RuleFailure {
                        rule: (*rule).clone(),
                        message,
                    });
                }
            }
            Err(e) => failures.push(RuleFailure {
                rule: (*rule).clone(),
                message: first_lines(&e.to_string()),
            }),
        }
    }
    (hits, failures)
}

fn first_lines(s: &str) -> String {
    s.lines()
        .filter(|l| !l.trim().is_empty())
        .take(8)
        .collect::<Vec<_>>()
        .join("\n")
}

fn collect_hits(rule: &Arc<Rule>, v: &regorus::Value, out: &mut Vec<Hit>) -> Result<(), String> {
    if *v == regorus::Value::Undefined {
        return Ok(());
    }
    let json = serde_json::to_value(v).map_err(|e| format!("result is not serialisable: {e}"))?;
    let items = match json {
        Value::Array(items) => items,
        Value::Null => return Ok(()),
        other => {
            return Err(format!(
                "`deny` must be a set of {{\"msg\", \"path\"}} objects, got {}",
                kind_of(&other)
            ));
        }
    };
    for item in items {
        let Value::Object(obj) = &item else {
            return Err(format!(
                "`deny` must hold objects with \"msg\" and \"path\", got {}",
                kind_of(&item)
            ));
        };
        let message = match obj.get("msg") {
            Some(Value::String(s)) => s.clone(),
            _ => return Err("a `deny` result has no string \"msg\"".into()),
        };
        let path = match obj.get("path") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(steps)) => {
                let mut path = Vec::with_capacity(steps.len());
                for s in steps {
                    match s {
                        Value::String(k) => path.push(PathSeg::Key(k.clone())),
                        Value::Number(n) => match n.as_u64() {
                            Some(i) => path.push(PathSeg::Index(i as usize)),
                            None => {
                                return Err(format!(
                                    "a \"path\" step must be a string or a non-negative integer, got {n}"
                                ));
                            }
                        },
                        other => {
                            return Err(format!(
                                "a \"path\" step must be a string or a non-negative integer, got {}",
                                kind_of(other)
                            ));
                        }
                    }
                }
                path
            }
            Some(other) => {
                return Err(format!("\"path\" must be an array, got {}", kind_of(other)));
            }
        };
        let severity = match obj.get("severity") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.parse::<crate::rule::Severity>()?),
            Some(other) => {
                return Err(format!(
                    "\"severity\" must be a string, got {}",
                    kind_of(other)
                ));
            }
        };
        out.push(Hit {
            rule: rule.clone(),
            message,
            path,
            severity,
        });
    }
    Ok(())
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
