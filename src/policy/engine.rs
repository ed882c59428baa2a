//! Evaluates rules against one input with a worker's own clone of the compiled engine.
//!
//! Each document is converted to a regorus value once, then every applicable rule's `deny`
//! is evaluated against it (converting per rule is what made conftest slow).

use super::registry::PolicySet;
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
}

/// A rule that failed to evaluate (a runtime error, a timeout, a malformed result).
#[derive(Debug, Clone)]
pub struct RuleFailure {
    pub rule: Arc<Rule>,
    pub message: String,
}

/// A worker's evaluator: cheap to create from a compiled [`PolicySet`] (an engine clone).
pub struct Evaluator {
    engine: regorus::Engine,
    groups: Vec<super::registry::RuleGroup>,
}

impl Evaluator {
    pub fn new(set: &PolicySet) -> Self {
        Evaluator { engine: set.engine.clone(), groups: set.groups.clone() }
    }

    /// Evaluates the active document-scope rules that apply to a document. When most of its
    /// group is active, the group's module evaluates them in one pass; a runtime error there
    /// falls back to rule-by-rule evaluation so that one failing rule does not hide the others.
    pub fn evaluate_document(&mut self, input: &Value, input_type: crate::input::InputType, subtype: &str, active: &[&Arc<Rule>]) -> (Vec<Hit>, Vec<RuleFailure>) {
        if active.is_empty() {
            return (Vec::new(), Vec::new());
        }
        let group = self
            .groups
            .iter()
            .find(|g| g.input == input_type && g.subtype.as_deref() == Some(subtype))
            .or_else(|| self.groups.iter().find(|g| g.input == input_type && g.subtype.is_none()))
            .cloned();
        let Some(group) = group.filter(|g| active.len() * 3 >= g.rules.len() && active.iter().all(|r| g.rules.iter().any(|m| m.id == r.id))) else {
            return self.evaluate(input, active);
        };
        self.engine.set_input(regorus::Value::from(input.clone()));
        let results = match self.engine.eval_rule(group.entrypoint.clone()) {
            Ok(v) => v,
            Err(_) => return self.evaluate_set_input(active),
        };
        let mut hits = Vec::new();
        let mut failures = Vec::new();
        for rule in active {
            let v = &results[&regorus::Value::from(rule.id.as_str())];
            if let Err(message) = collect_hits(rule, v, &mut hits) {
                failures.push(RuleFailure { rule: (*rule).clone(), message });
            }
        }
        (hits, failures)
    }

    fn evaluate_set_input(&mut self, rules: &[&Arc<Rule>]) -> (Vec<Hit>, Vec<RuleFailure>) {
        let mut hits = Vec::new();
        let mut failures = Vec::new();
        for rule in rules {
            match self.engine.eval_rule(rule.entrypoint()) {
                Ok(v) => {
                    if let Err(message) = collect_hits(rule, &v, &mut hits) {
                        failures.push(RuleFailure { rule: (*rule).clone(), message });
                    }
                }
                Err(e) => failures.push(RuleFailure { rule: (*rule).clone(), message: first_lines(&e.to_string()) }),
            }
        }
        (hits, failures)
    }

    /// Evaluates `rules` against `input`.
    pub fn evaluate(&mut self, input: &Value, rules: &[&Arc<Rule>]) -> (Vec<Hit>, Vec<RuleFailure>) {
        let mut hits = Vec::new();
        let mut failures = Vec::new();
        if rules.is_empty() {
            return (hits, failures);
        }
        self.engine.set_input(regorus::Value::from(input.clone()));
        let (h, f) = self.evaluate_set_input(rules);
        hits.extend(h);
        failures.extend(f);
        (hits, failures)
    }

    /// Evaluates an arbitrary rule path (used by `runeguard test` for `test_*` rules).
    pub fn eval_path(&mut self, input: Option<&Value>, path: &str) -> Result<Value, String> {
        if let Some(i) = input {
            self.engine.set_input(regorus::Value::from(i.clone()));
        } else {
            self.engine.set_input(regorus::Value::new_object());
        }
        let v = self.engine.eval_rule(path.to_string()).map_err(|e| first_lines(&e.to_string()))?;
        if v == regorus::Value::Undefined {
            return Ok(Value::Null);
        }
        serde_json::to_value(&v).map_err(|e| e.to_string())
    }
}

fn first_lines(s: &str) -> String {
    s.lines().filter(|l| !l.trim().is_empty()).take(8).collect::<Vec<_>>().join("\n")
}

fn collect_hits(rule: &Arc<Rule>, v: &regorus::Value, out: &mut Vec<Hit>) -> Result<(), String> {
    if *v == regorus::Value::Undefined {
        return Ok(());
    }
    let json = serde_json::to_value(v).map_err(|e| format!("result is not serialisable: {e}"))?;
    let items = match json {
        Value::Array(items) => items,
        Value::Null => return Ok(()),
        other => return Err(format!("`deny` must be a set of {{\"msg\", \"path\"}} objects, got {}", kind_of(&other))),
    };
    for item in items {
        let Value::Object(obj) = &item else {
            return Err(format!("`deny` must hold objects with \"msg\" and \"path\", got {}", kind_of(&item)));
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
                            None => return Err(format!("a \"path\" step must be a string or a non-negative integer, got {n}")),
                        },
                        other => return Err(format!("a \"path\" step must be a string or a non-negative integer, got {}", kind_of(other))),
                    }
                }
                path
            }
            Some(other) => return Err(format!("\"path\" must be an array, got {}", kind_of(other))),
        };
        out.push(Hit { rule: rule.clone(), message, path });
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
