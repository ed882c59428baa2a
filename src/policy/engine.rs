//! Evaluates rules against one input with a worker's own clone of the compiled engine.
//!
//! Each document is converted to a regorus value once, then every applicable rule's `deny`
//! is evaluated against it (converting per rule is what made conftest slow).

use super::limits::{DOCUMENT_TIME_LIMIT, timer};
use super::registry::{PolicySet, TypedEngine};
pub use super::stats::EvalStats;
use crate::input::InputType;
use crate::rule::Rule;
use crate::source::span::PathSeg;
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
    /// The characters `[start, end)` of the string at `path` that are the problem (an
    /// image's tag): on a rendered input the finding then points where that part was written
    /// when the string was put together from several places.
    pub part: Option<(usize, usize)>,
}

/// A rule that failed to evaluate (a runtime error, a timeout, a malformed result).
#[derive(Debug, Clone)]
pub struct RuleFailure {
    pub rule: Arc<Rule>,
    pub message: String,
}

/// A worker's evaluator: clones of the compiled engines (cheap), made on first use per input
/// type, and a VM per group that has a bytecode program.
pub struct Evaluator<'a> {
    set: &'a PolicySet,
    engines: [Option<TypedEngine>; 3],
    /// By (input type, group index): group entry points repeat across input types.
    vms: std::collections::HashMap<(usize, usize), regorus::rvm::vm::RegoVM>,
    /// Whole-project rules' VMs, by rule id.
    rule_vms: std::collections::HashMap<String, regorus::rvm::vm::RegoVM>,
    /// The time bound of one evaluation, per input type.
    limits: [std::time::Duration; 3],
    all: Option<regorus::Engine>,
    /// Documents this worker evaluated so far, per input type: the VM is worth its start-up
    /// (compiling the programs, ≈ 20 ms) only past a few documents.
    seen: [usize; 3],
    /// Documents after which the VM takes over (0: from the first).
    vm_after: usize,
    pub stats: EvalStats,
    /// The first VM error of this worker (the reason for its first fallback).
    pub first_vm_error: Option<String>,
}

/// Each worker's counts go to its policy set when it is done, for the run's totals
/// ([`PolicySet::engine_stats`]).
impl Drop for Evaluator<'_> {
    fn drop(&mut self) {
        self.set
            .record_engine_stats(&self.stats, self.first_vm_error.take());
    }
}

/// Documents of one type a worker evaluates in the interpreter before switching to the VM,
/// unless another worker already compiled the programs. The interpreter costs ≈ 1 ms a
/// document more, compiling ≈ 20 ms once: a one-file pre-commit run stays in the interpreter.
pub const VM_AFTER_DOCUMENTS: usize = 16;

impl<'a> Evaluator<'a> {
    pub fn new(set: &'a PolicySet) -> Self {
        Evaluator {
            set,
            engines: [None, None, None],
            vms: Default::default(),
            rule_vms: Default::default(),
            limits: [DOCUMENT_TIME_LIMIT; 3],
            all: None,
            seen: [0; 3],
            vm_after: match std::env::var("RUNEGUARD_ENGINE").as_deref() {
                Ok("vm") => 0,
                _ => VM_AFTER_DOCUMENTS,
            },
            stats: EvalStats::default(),
            first_vm_error: None,
        }
    }

    /// Uses the VM from the first document (as `RUNEGUARD_ENGINE=vm` does).
    pub fn vm_from_the_start(mut self) -> Self {
        self.vm_after = 0;
        self
    }

    /// Evaluates the active document-scope rules that apply to a document. Each group serving
    /// the document (built-in rules, users' rules) evaluates its members in one pass when most
    /// of it is active, in the VM when it has a program; a runtime error there falls back to
    /// rule-by-rule evaluation in the interpreter, so that one failing rule does not hide the
    /// others and is reported by name.
    pub fn evaluate_document(
        &mut self,
        value: &RuleInput,
        input_type: InputType,
        subtype: &str,
        active: &[&Arc<Rule>],
    ) -> (Vec<Hit>, Vec<RuleFailure>) {
        let value = &value.0;
        let set = self.set;
        self.seen[input_type.index()] += 1;
        let no_programs: &[Option<super::program::Program>] = &[];
        let programs =
            if self.seen[input_type.index()] > self.vm_after || set.programs_cheap(input_type) {
                set.programs(input_type)
            } else {
                no_programs
            };
        let mut pending = runnable(set, active);
        if pending.is_empty() {
            return (Vec::new(), Vec::new());
        }
        let mut interpreter_input_set = false;
        let groups = set.groups(input_type);
        let mut hits = Vec::new();
        let mut failures = Vec::new();
        for (index, group) in groups.iter().enumerate() {
            if !serves(group, groups, subtype) {
                continue;
            }
            // Group rules are sorted by id (as the set's rules are).
            let members: Vec<&Arc<Rule>> = pending
                .iter()
                .copied()
                .filter(|r| group.rules.binary_search_by(|m| m.id.cmp(&r.id)).is_ok())
                .collect();
            if members.is_empty() {
                continue;
            }
            // A group whose rules for this document are mostly inactive (`--select`) costs
            // more in the interpreter than those few rules alone. In the VM the whole group
            // costs less than one rule in the interpreter (the library's rules are computed
            // once either way, five times faster), so a VM group always runs and its inactive
            // rules' results are dropped. Rules for other kinds cost nothing: their entries'
            // guards fail first.
            let in_vm = programs.get(index).and_then(Option::as_ref).is_some();
            let serving = group
                .rules
                .iter()
                .filter(|r| r.applies_to(input_type, subtype))
                .count();
            if !in_vm && members.len() * 3 < serving {
                continue;
            }
            let results = match programs.get(index).and_then(Option::as_ref) {
                Some(program) => {
                    let limit = self.limits[input_type.index()];
                    let vm = self
                        .vms
                        .entry((input_type.index(), index))
                        .or_insert_with(|| new_vm(program, set.data()));
                    self.stats.vm_group_passes += 1;
                    run_vm(vm, value, limit)
                }
                None => {
                    self.stats.interpreter_group_passes += 1;
                    interpreter(
                        &mut self.engines,
                        &self.limits,
                        set,
                        input_type,
                        value,
                        &mut interpreter_input_set,
                    )
                    .eval_rule(group.entrypoint.clone())
                    .map_err(|e| e.to_string())
                }
            };
            let results = match results {
                Ok(r) => r,
                Err(e) => {
                    // The group's rules run one by one in the interpreter below.
                    if in_vm {
                        self.vm_failed(format!("group {}: {}", group.entrypoint, first_lines(&e)));
                    }
                    continue;
                }
            };
            // `results` is a set of `[rule id, deny set]` pairs, one per rule whose guard held.
            let mut by_id: std::collections::HashMap<&str, &regorus::Value> = Default::default();
            if let Ok(pairs) = results.as_set() {
                for pair in pairs.iter() {
                    if let Ok([id, deny]) = pair.as_array().map(|a| a.as_slice())
                        && let Ok(id) = id.as_string()
                    {
                        by_id.insert(id.as_ref(), deny);
                    }
                }
            }
            for rule in &members {
                if let Some(v) = by_id.get(rule.id.as_str())
                    && let Err(message) = collect_hits(rule, v, &mut hits)
                {
                    failures.push(RuleFailure {
                        rule: (*rule).clone(),
                        message,
                    });
                }
            }
            pending.retain(|r| group.rules.binary_search_by(|m| m.id.cmp(&r.id)).is_err());
        }
        if !pending.is_empty() {
            self.stats.interpreter_rule_runs += pending.len();
            let engine = interpreter(
                &mut self.engines,
                &self.limits,
                set,
                input_type,
                value,
                &mut interpreter_input_set,
            );
            let (h, f) = evaluate_each(engine, &pending);
            hits.extend(h);
            failures.extend(f);
        }
        (hits, failures)
    }

    /// Bounds each evaluation of an input type's rules (a runaway policy is stopped and
    /// reported). Whole-project rules get a longer bound: their input is the whole repository.
    pub fn set_time_limit(&mut self, t: InputType, limit: std::time::Duration) {
        self.limits[t.index()] = limit;
        if let Some(typed) = &mut self.engines[t.index()] {
            typed.engine.set_execution_timer_config(timer(limit));
        }
    }

    /// Evaluates `rules` (all of one input type) against `input`, one by one: in the VM when
    /// the rule has a program (built-in rules), else, or when the VM fails, in the interpreter.
    pub fn evaluate(
        &mut self,
        value: &RuleInput,
        rules: &[&Arc<Rule>],
    ) -> (Vec<Hit>, Vec<RuleFailure>) {
        let value = &value.0;
        let Some(first) = rules.first() else {
            return (Vec::new(), Vec::new());
        };
        let set = self.set;
        let input_type = first.input;
        let limit = self.limits[input_type.index()];
        let rules = runnable(set, rules);
        if rules.is_empty() {
            return (Vec::new(), Vec::new());
        }
        let mut hits = Vec::new();
        let mut failures = Vec::new();
        let mut interpreted = Vec::new();
        let documents = value["documents"].as_array().map_or(1, |d| d.len());
        let use_vm = documents > self.vm_after || set.programs_cheap(input_type);
        for rule in rules {
            let Some(program) = use_vm.then(|| set.rule_program(rule)).flatten() else {
                interpreted.push(rule);
                continue;
            };
            let vm = self
                .rule_vms
                .entry(rule.id.clone())
                .or_insert_with(|| new_vm(&program, set.data()));
            self.stats.vm_rule_runs += 1;
            match run_vm(vm, value, limit) {
                Ok(v) => {
                    if let Err(message) = collect_hits(rule, &v, &mut hits) {
                        failures.push(RuleFailure {
                            rule: rule.clone(),
                            message,
                        });
                    }
                }
                Err(e) => {
                    self.vm_failed(format!("rule {}: {}", rule.id, first_lines(&e)));
                    interpreted.push(rule);
                }
            }
        }
        if !interpreted.is_empty() {
            let mut input_set = false;
            let engine = interpreter(
                &mut self.engines,
                &self.limits,
                set,
                input_type,
                value,
                &mut input_set,
            );
            self.stats.interpreter_rule_runs += interpreted.len();
            let (h, f) = evaluate_each(engine, &interpreted);
            hits.extend(h);
            failures.extend(f);
        }
        (hits, failures)
    }

    /// Counts a VM failure (its rules then run in the interpreter) and keeps the first reason.
    fn vm_failed(&mut self, reason: String) {
        self.stats.vm_fallbacks += 1;
        self.first_vm_error.get_or_insert(reason);
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

/// Converts a document to the engines' value type, once per document (≈ 18 µs a kilobyte);
/// the result shares its arrays and objects when cloned, so whole-project inputs made of many
/// documents cost no copies.
pub fn to_rego(v: &Value) -> RuleInput {
    RuleInput(serde::Deserialize::deserialize(v).unwrap_or(regorus::Value::Undefined))
}

/// A document as the engines see it: converted once by [`to_rego`], shared by every rule, and
/// opaque outside `policy` (the engine is the only door to regorus).
#[derive(Debug, Clone)]
pub struct RuleInput(regorus::Value);

impl RuleInput {
    /// The input of a whole-project rule: the documents it sees, with the file of each and
    /// whether it goes to the namespace chosen at install time (`install_namespace`: a Helm
    /// chart's object rendered without a namespace given, in the release namespace).
    /// The documents' values share their contents: this input costs no copies.
    pub fn project<'a>(docs: impl Iterator<Item = (&'a RuleInput, &'a str, bool)>) -> RuleInput {
        let mut values = Vec::new();
        let mut files = Vec::new();
        let mut install = Vec::new();
        for (v, file, at_install) in docs {
            values.push(v.0.clone());
            files.push(regorus::Value::from(file));
            install.push(regorus::Value::from(at_install));
        }
        let mut input = std::collections::BTreeMap::new();
        input.insert(
            regorus::Value::from("install_namespace"),
            regorus::Value::from(install),
        );
        input.insert(
            regorus::Value::from("documents"),
            regorus::Value::from(values),
        );
        input.insert(regorus::Value::from("files"), regorus::Value::from(files));
        RuleInput(regorus::Value::from(input))
    }

    /// The same input with one more array of strings at the top (a project input's
    /// `schema_groups`, one per document).
    pub fn with_strings(self, name: &str, values: Vec<String>) -> RuleInput {
        let mut v = self.0;
        if let Ok(map) = v.as_object_mut() {
            map.insert(
                regorus::Value::from(name),
                regorus::Value::from(
                    values
                        .into_iter()
                        .map(|s| regorus::Value::from(s.as_str()))
                        .collect::<Vec<_>>(),
                ),
            );
        }
        RuleInput(v)
    }
}

/// A worker's interpreter engine for an input type, cloned (and, with only built-in
/// policies, compiled) on first need (a run served by cached VM programs never builds it),
/// with `value` as its input.
fn interpreter<'e>(
    engines: &'e mut [Option<TypedEngine>; 3],
    limits: &[std::time::Duration; 3],
    set: &PolicySet,
    input_type: InputType,
    value: &regorus::Value,
    input_set: &mut bool,
) -> &'e mut regorus::Engine {
    let engine = &mut engines[input_type.index()]
        .get_or_insert_with(|| {
            let mut typed = set.typed(input_type).clone();
            typed
                .engine
                .set_execution_timer_config(timer(limits[input_type.index()]));
            typed
        })
        .engine;
    if !*input_set {
        engine.set_input(value.clone());
        *input_set = true;
    }
    engine
}

/// Whether a group serves documents of `subtype`: a Kubernetes group serves every kind (its
/// entries are guarded); otherwise the group of the subtype, or of its origin's other
/// subtypes when none is named after it.
fn serves(
    group: &super::groups::RuleGroup,
    all: &[super::groups::RuleGroup],
    subtype: &str,
) -> bool {
    if group.guarded {
        return true;
    }
    match &group.subtype {
        Some(s) => s == subtype,
        None => !all
            .iter()
            .any(|g| g.builtin == group.builtin && g.subtype.as_deref() == Some(subtype)),
    }
}

/// A VM for one program, with the policies' data and no instruction cap (the default of
/// 25,000 stops real rule packs; the time bound stops runaway policies instead).
fn new_vm(program: &super::program::Program, data: &regorus::Value) -> regorus::rvm::vm::RegoVM {
    let mut vm = regorus::rvm::vm::RegoVM::new();
    vm.load_program(program.clone());
    vm.set_max_instructions(usize::MAX);
    // A policy's constant tables (the operators' container layouts, the credential name
    // stems) are computed once per VM instead of once per document (regorus patch 11).
    vm.set_keep_input_free_rules(true);
    // Data is an object (the settings at least); a VM without it would fail every rule,
    // which the fallback to the interpreter would then report.
    let _ = vm.set_data(data.clone());
    vm
}

/// Runs a VM on one input within a time bound, as the interpreter's.
fn run_vm(
    vm: &mut regorus::rvm::vm::RegoVM,
    input: &regorus::Value,
    limit: std::time::Duration,
) -> Result<regorus::Value, String> {
    vm.set_execution_timer_config(Some(timer(limit)));
    vm.set_input(input.clone());
    vm.execute().map_err(|e| e.to_string())
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
        let part = match obj.get("part") {
            None | Some(Value::Null) => None,
            Some(Value::Array(bounds)) => {
                match bounds.iter().map(Value::as_u64).collect::<Vec<_>>()[..] {
                    [Some(a), Some(b)] if a <= b => Some((a as usize, b as usize)),
                    _ => {
                        return Err(
                        "\"part\" must be [start, end], two non-negative integers, start <= end"
                            .into(),
                    );
                    }
                }
            }
            Some(other) => {
                return Err(format!(
                    "\"part\" must be an array [start, end], got {}",
                    kind_of(other)
                ));
            }
        };
        out.push(Hit {
            rule: rule.clone(),
            message,
            path,
            severity,
            part,
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

/// The rules of `rules` that compiled (a rule dropped at load is reported once, not run).
fn runnable<'a>(set: &PolicySet, rules: &[&'a Arc<Rule>]) -> Vec<&'a Arc<Rule>> {
    rules
        .iter()
        .copied()
        .filter(|r| !set.is_dropped(r))
        .collect()
}
