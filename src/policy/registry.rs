//! Gathers policies (embedded built-ins, `--policy` directories), their rules and data, and
//! compiles them once into a regorus engine that every worker clones.

use super::groups::{RuleGroup, group_shapes, make_groups};
use super::passes::{ReadSource, expand_import_aliases, without_unused_builtin_libraries};
use super::program::{Program, compile_program};
use super::sources::{
    PolicyOptions, PolicySource, Settings, deep_merge, policy_problem, read_data_file,
    read_sources, regorus_problem,
};
use crate::input::InputType;
use crate::rule::{Origin, Rule};
use crate::source::Problem;
use crate::source::span::Pos;
use serde_json::{Map, Value};
use std::sync::Arc;

/// The policies, the rules they define, and their engines.
///
/// regorus looks through every loaded module on each `data` reference, so a run with one
/// engine holding all hundred-odd policies spends most of its time there. Each input type
/// therefore gets its own engine, holding only its rules and the libraries, compiled on first
/// use (a pre-commit run on one manifest never compiles the SQL rules).
pub struct PolicySet {
    /// Every rule whose metadata is valid, sorted by id.
    pub rules: Vec<Arc<Rule>>,
    pub sources: Vec<PolicySource>,
    /// Problems found while loading (metadata, data, clashes); compile problems of the engines
    /// built so far are in [`PolicySet::problems_all`].
    pub problems: Vec<Problem>,
    data: regorus::Value,
    /// `data.settings.credentials` as read (settings and `--data` files merged): the masking
    /// vocabulary; None when the settings are the built-in ones. Kept aside so that a run need
    /// not convert all of `data` back from the engine's values to read it (≈ 1.8 M
    /// instructions, on the main thread).
    credentials: Option<Value>,
    engines: [std::sync::OnceLock<TypedEngine>; 3],
    /// The groups' bytecode programs for regorus' VM, per input type (None: the interpreter).
    programs: [std::sync::OnceLock<Vec<Option<Program>>>; 3],
    /// Per input type, the engine analysed for the RVM compiler (loop hoisting over every
    /// module: the costly part, done once for all of the type's programs).
    compiled: [std::sync::OnceLock<Option<regorus::CompiledPolicy>>; 3],
    /// Per input type, every built-in program by entry point (groups, whole-project rules).
    vm_programs: [std::sync::OnceLock<super::cache::Programs>; 3],
    /// Only built-in policies are loaded: groups are known without compiling anything, and
    /// the programs can come from the on-disk cache.
    builtin_only: bool,
    /// Programs and rules may come from the binary or the on-disk cache (false: every one is
    /// read and compiled, see [`PolicySet::load_fresh`]).
    stored: bool,
    /// Whether the programs of each input type are in the on-disk cache.
    cached: [std::sync::OnceLock<bool>; 3],
    /// The groups made from the rules' metadata (when `builtin_only`).
    metadata_groups: [std::sync::OnceLock<Vec<RuleGroup>>; 3],
    /// A user policy took a built-in library's package (or one inside `runeguard.lib`): the
    /// built-in rules then run user code, which only the interpreter runs.
    builtin_libraries_replaced: bool,
    all: std::sync::OnceLock<TypedEngine>,
    /// The Kubernetes programs, read from the on-disk cache while the run starts.
    prefetch: super::cache::Prefetch,
    /// The evaluators' counts, summed as each is dropped, and the first VM error.
    engine_stats: std::sync::Mutex<(super::stats::EvalStats, Option<String>)>,
}

/// One compiled engine: the rules it could compile, its groups, and what it had to drop.
#[derive(Clone)]
pub struct TypedEngine {
    pub engine: regorus::Engine,
    pub groups: Vec<RuleGroup>,
    /// Rules whose policy failed to compile (their ids).
    pub dropped: std::collections::BTreeSet<String>,
    pub problems: Vec<Problem>,
}

impl std::fmt::Debug for PolicySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicySet")
            .field("rules", &self.rules.len())
            .field("problems", &self.problems)
            .finish()
    }
}

fn new_engine() -> regorus::Engine {
    let mut engine = regorus::Engine::new();
    engine.set_rego_v0(false);
    // Builtin errors (e.g. a regex that does not compile) make an expression undefined, as in
    // OPA, instead of aborting the whole evaluation.
    engine.set_strict_builtin_errors(false);
    engine.set_execution_timer_config(super::limits::timer(super::limits::DOCUMENT_TIME_LIMIT));
    engine
}

impl PolicySet {
    /// Loads and compiles every policy once. Problems are collected, never fatal: the rules
    /// that loaded still run.
    pub fn load(opts: &PolicyOptions) -> PolicySet {
        PolicySet::load_with(opts, true)
    }

    /// Loads the policies as [`PolicySet::load`] does, but reads every rule's metadata and
    /// compiles every program instead of taking them from the binary or the on-disk cache
    /// (what `policies/prebuilt.bin` is made from, and checked against).
    pub fn load_fresh(opts: &PolicyOptions) -> PolicySet {
        PolicySet::load_with(opts, false)
    }

    fn load_with(opts: &PolicyOptions, stored: bool) -> PolicySet {
        // The built-in metadata's stored values (≈ 0.4 ms to read) are read on one core while
        // the other reads the policies and settings.
        let (metadata, (mut problems, settings, mut sources)) = rayon::join(
            || super::cache::Metadata::load(opts.builtin, stored),
            || read_sources(opts),
        );

        // The engine's `data`, and the credential vocabulary when it is not the built-in one.
        let (data, credentials) = match settings {
            Settings::Builtin(data) => (data, None),
            Settings::Merged(settings) => {
                let mut data = Value::Object(Map::new());
                data.as_object_mut()
                    .expect("object")
                    .insert("settings".into(), settings);
                for f in &opts.data_files {
                    match read_data_file(f) {
                        Ok(v) => deep_merge(&mut data, v),
                        Err(p) => problems.push(p),
                    }
                }
                let credentials = data.pointer("/settings/credentials").cloned();
                (regorus::Value::from(data), credentials)
            }
        };

        // A user library with the package of a built-in one replaces it (two modules with one
        // package would be merged by regorus, and their rules clash).
        let user_packages: std::collections::BTreeSet<String> = sources
            .iter()
            .filter(|s| s.origin == Origin::User)
            .filter_map(|s| super::metadata::package_of(&s.text).map(|(p, _)| p))
            .collect();
        let builtin_libraries_replaced = user_packages
            .iter()
            .any(|p| p == "runeguard.lib" || p.starts_with("runeguard.lib."));
        if !user_packages.is_empty() {
            sources.retain(|s| {
                s.origin == Origin::User
                    || super::metadata::package_of(&s.text)
                        .is_none_or(|(p, _)| !user_packages.contains(&p))
            });
        }

        // Parse metadata, and drop rules whose id, name or package clashes. Reading the
        // metadata (YAML) of a hundred policies was the costliest part of loading them
        // (≈ 2 ms): the built-in ones' values come from the on-disk cache when it has them
        // (`metadata`), the rest are read on every core (the results are taken in the
        // sources' order).
        let parsed: Vec<ReadSource> = {
            use rayon::prelude::*;
            sources
                .par_iter()
                .map(|s| ReadSource::of(s, metadata.known(s)))
                .collect()
        };
        metadata.store_if_missed(
            parsed
                .iter()
                .filter_map(|p| Some((p.rule.as_ref().ok()?.as_ref()?, p.known))),
        );
        let mut rules: Vec<Arc<Rule>> = Vec::new();
        let mut kept = Vec::new();
        for (src, parsed) in sources.into_iter().zip(parsed) {
            // OPA rejects recursion at compile time; regorus would overflow the stack on a
            // function that calls itself, so such a policy is reported and not loaded.
            if let Some((name, line)) = parsed.recursion {
                let rule = parsed
                    .rule
                    .ok()
                    .flatten()
                    .map(|r| format!("; rule {} ({}) is not run", r.id, r.name))
                    .unwrap_or_default();
                problems.push(Problem::error(
                    &src.path,
                    Some(Pos { line, column: 1 }),
                    format!(
                        "policy error: recursion: function `{name}` calls itself ({}:{line}){rule}",
                        src.path
                    ),
                ));
                continue;
            }
            match parsed.rule {
                Ok(Some(rule)) => {
                    if let Some(existing) = rules.iter().find(|r| {
                        r.id == rule.id || r.name == rule.name || r.package == rule.package
                    }) {
                        problems.push(Problem::error(&src.path, None, format!("rule {} ({}) clashes with {} ({}) in {}: ids, names and packages must be unique", rule.id, rule.name, existing.id, existing.name, existing.source)));
                        continue;
                    }
                    rules.push(Arc::new(rule));
                    kept.push(src);
                }
                Ok(None) => kept.push(src),
                Err(e) => problems.push(policy_problem(e)),
            }
        }
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        let builtin_only = kept.iter().all(|s| s.origin == Origin::Builtin);
        let set = PolicySet {
            rules,
            sources: kept,
            problems,
            data,
            credentials,
            engines: Default::default(),
            programs: Default::default(),
            compiled: Default::default(),
            vm_programs: Default::default(),
            builtin_only,
            stored,
            metadata_groups: Default::default(),
            cached: Default::default(),
            builtin_libraries_replaced,
            all: Default::default(),
            prefetch: Default::default(),
            engine_stats: Default::default(),
        };
        // Most runs check Kubernetes objects (every chart and overlay renders to them). Every
        // document runs the groups' programs; a whole-project rule's is decoded when the rule
        // has documents to read.
        if set.vm_allowed()
            && let Some(stash) = set.stash(
                InputType::Kubernetes,
                &set.vm_entries(InputType::Kubernetes),
            )
        {
            let groups = set
                .groups(InputType::Kubernetes)
                .iter()
                .map(|g| g.entrypoint.clone())
                .collect();
            set.prefetch.start(stash, groups);
        }
        set
    }

    /// The rule a source defines, if any.
    fn rule_of(&self, src: &PolicySource) -> Option<&Arc<Rule>> {
        self.rules.iter().find(|r| r.source == src.path)
    }

    /// Compiles the given sources into an engine; a policy that fails is dropped (and reported)
    /// and the rest compiled again, so one broken policy never stops the others.
    fn compile(
        &self,
        mut chosen: Vec<&PolicySource>,
        group_input: Option<InputType>,
    ) -> TypedEngine {
        if let Some(input) = group_input
            && let Some(typed) = self.compile_grouped_at_once(&chosen, input)
        {
            return typed;
        }
        let mut problems = Vec::new();
        let mut dropped = std::collections::BTreeSet::new();
        let engine = loop {
            let mut engine = new_engine();
            let mut failed: Option<usize> = None;
            for (i, src) in chosen.iter().enumerate() {
                // The expanded text when it compiles; else the text as written (whose errors
                // are the ones to report, located in the user's file).
                let expanded = if group_input.is_some() {
                    expand_import_aliases(&src.text)
                } else {
                    None
                };
                let added = match expanded {
                    // A failed `add_policy` leaves the engine as it was.
                    Some(text) => engine
                        .add_policy(src.path.clone(), text)
                        .or_else(|_| engine.add_policy(src.path.clone(), src.text.to_string()))
                        .map(|_| ()),
                    None => engine
                        .add_policy(src.path.clone(), src.text.to_string())
                        .map(|_| ()),
                };
                if let Err(e) = added {
                    problems.push(regorus_problem(&src.path, &e.to_string()));
                    failed = Some(i);
                    break;
                }
            }
            if let Some(i) = failed {
                if let Some(r) = self.rule_of(chosen[i]) {
                    dropped.insert(r.id.clone());
                }
                chosen.remove(i);
                continue;
            }
            if let Err(e) = engine.add_data(self.data.clone()) {
                problems.push(Problem::error(
                    "--data",
                    None,
                    format!("cannot load data: {e}"),
                ));
            }
            match engine.eval_query("data.runeguard.__compile_check__".to_string(), false) {
                Ok(_) => break engine,
                Err(e) => {
                    let p = regorus_problem("policies", &e.to_string());
                    let culprit = chosen.iter().position(|src| src.path == p.file);
                    problems.push(p);
                    let gone: Vec<&PolicySource> = match culprit {
                        Some(i) => vec![chosen.remove(i)],
                        // An error that names no policy: give up on all of them, loudly.
                        None => std::mem::take(&mut chosen),
                    };
                    for src in gone {
                        if let Some(r) = self.rule_of(src) {
                            dropped.insert(r.id.clone());
                        }
                    }
                }
            }
        };
        let mut groups = Vec::new();
        let mut engine = engine;
        if let Some(input) = group_input {
            let compiled: Vec<Arc<Rule>> = self
                .rules
                .iter()
                .filter(|r| !dropped.contains(&r.id) && chosen.iter().any(|s| s.path == r.source))
                .cloned()
                .collect();
            let made = make_groups(input, &compiled);
            let mut grouped = engine.clone();
            let mut ok = true;
            for (g, module) in &made {
                ok &= grouped
                    .add_policy(format!("<runeguard:{}>", g.entrypoint), module.clone())
                    .is_ok();
            }
            // Should the group modules not compile, rules are evaluated one by one.
            if ok
                && grouped
                    .eval_query("data.runeguard.__compile_check__".to_string(), false)
                    .is_ok()
            {
                engine = grouped;
                groups = made.into_iter().map(|(g, _)| g).collect();
            }
        }
        problems.sort();
        problems.dedup();
        TypedEngine {
            engine,
            groups,
            dropped,
            problems,
        }
    }

    /// The usual case made cheap: every policy and the group modules compile together, so
    /// the engine is analysed once, not twice (before and after adding the groups; regorus
    /// analyses the whole engine again after any `add_policy`). None when anything fails: the
    /// caller then compiles step by step, to drop and report the culprits.
    fn compile_grouped_at_once(
        &self,
        chosen: &[&PolicySource],
        input: InputType,
    ) -> Option<TypedEngine> {
        let mut engine = new_engine();
        for src in chosen {
            let text = expand_import_aliases(&src.text).unwrap_or_else(|| src.text.to_string());
            engine.add_policy(src.path.clone(), text).ok()?;
        }
        engine.add_data(self.data.clone()).ok()?;
        let compiled: Vec<Arc<Rule>> = self
            .rules
            .iter()
            .filter(|r| chosen.iter().any(|s| s.path == r.source))
            .cloned()
            .collect();
        let made = make_groups(input, &compiled);
        for (g, module) in &made {
            engine
                .add_policy(format!("<runeguard:{}>", g.entrypoint), module.clone())
                .ok()?;
        }
        engine
            .eval_query("data.runeguard.__compile_check__".to_string(), false)
            .ok()?;
        Some(TypedEngine {
            engine,
            groups: made.into_iter().map(|(g, _)| g).collect(),
            dropped: Default::default(),
            problems: Vec::new(),
        })
    }

    /// The `data` document every engine holds (settings and `--data` files).
    pub fn data(&self) -> &regorus::Value {
        &self.data
    }

    /// `data.settings.credentials` (the credential vocabulary the rules and masking read), if
    /// the settings have one and are not the built-in ones.
    pub fn credential_settings(&self) -> Option<&Value> {
        self.credentials.as_ref()
    }

    /// The bytecode programs of one input type's groups, index for index with
    /// [`TypedEngine::groups`], compiled on first use. A group gets one when it holds built-in
    /// rules only, no user policy replaced a built-in library, and regorus' RVM compiler takes
    /// it (every built-in group does: `tests/engines.rs`); the others run in the interpreter.
    ///
    /// The VM runs the built-in rules ≈ 5× faster than the interpreter. Its results are the
    /// interpreter's: `tests/engines.rs` compares the two on every fixture, and
    /// `bench/engines.sh` on the whole corpus. Users' rules stay on the interpreter, whose
    /// semantics are the reference (the VM's compiler needed fixes: vendor/regorus).
    /// `RUNEGUARD_ENGINE=interpreter` turns the VM off; `RUNEGUARD_ENGINE=vm` uses it from the
    /// first document (by default a worker switches after a few, see `VM_AFTER_DOCUMENTS`).
    pub fn programs(&self, input: InputType) -> &[Option<Program>] {
        self.programs[input.index()].get_or_init(|| {
            let all = self.vm_programs(input);
            self.groups(input)
                .iter()
                .map(|g| all.get(&g.entrypoint).and_then(super::cache::Stored::get))
                .collect()
        })
    }

    /// The program of one built-in rule's `deny` (whole-project rules run one by one), on
    /// the terms of [`PolicySet::programs`].
    pub fn rule_program(&self, rule: &Rule) -> Option<Program> {
        if rule.origin != Origin::Builtin {
            return None;
        }
        self.vm_programs(rule.input)
            .get(&rule.entrypoint())
            .and_then(super::cache::Stored::get)
    }

    /// Every built-in program of an input type, by entry point: from the on-disk cache when
    /// only built-in policies are loaded, else (and on a miss) compiled, then stored.
    fn vm_programs(&self, input: InputType) -> &super::cache::Programs {
        self.vm_programs[input.index()].get_or_init(|| {
            if !self.vm_allowed() {
                return Default::default();
            }
            let entries = self.vm_entries(input);
            let stash = self.stash(input, &entries);
            if let Some(programs) = stash.as_ref().and_then(|s| self.prefetch.take(s))
                && entries.iter().all(|e| programs.contains_key(e))
            {
                return programs;
            }
            let programs: super::cache::Programs = match self.compiled_policy(input) {
                Some(compiled) => entries
                    .iter()
                    .map(|e| {
                        (
                            e.clone(),
                            super::cache::Stored::ready(compile_program(compiled, e)),
                        )
                    })
                    .collect(),
                None => return Default::default(),
            };
            if let Some(stash) = &stash {
                super::cache::store(stash, &programs);
            }
            programs
        })
    }

    /// The entry points of an input type's built-in programs: groups, whole-project rules.
    fn vm_entries(&self, input: InputType) -> Vec<String> {
        let mut entries: Vec<String> = self
            .groups(input)
            .iter()
            .filter(|g| g.builtin)
            .map(|g| g.entrypoint.clone())
            .collect();
        entries.extend(
            self.rules
                .iter()
                .filter(|r| {
                    r.input == input
                        && r.origin == Origin::Builtin
                        && r.scope == crate::rule::Scope::Project
                })
                .map(|r| r.entrypoint()),
        );
        entries
    }

    /// What an input type's programs are compiled for: the type, then its entry points.
    fn what(input: InputType, entries: &[String]) -> Vec<&str> {
        let mut what = vec![input.as_str()];
        what.extend(entries.iter().map(String::as_str));
        what
    }

    /// Where an input type's programs are stored (only built-in policies loaded): built into
    /// the binary when it has them for these entry points, else the on-disk cache's key.
    fn stash(&self, input: InputType, entries: &[String]) -> Option<super::cache::Stash> {
        if !self.builtin_only || !self.stored {
            return None;
        }
        let what = Self::what(input, entries);
        match super::prebuilt::programs(&what) {
            Some(bytes) => Some(super::cache::Stash::Prebuilt(bytes)),
            None => super::cache::key(&what).map(super::cache::Stash::File),
        }
    }

    /// The bytes of `policies/prebuilt.bin` for these policies: the built-in rules as read
    /// and every input type's programs, compiled now (a set made by
    /// [`PolicySet::load_fresh`] from the built-in policies alone); None when a program does
    /// not serialize.
    pub fn prebuilt_bundle(&self) -> Option<Vec<u8>> {
        debug_assert!(
            self.builtin_only && !self.stored,
            "load_fresh of built-in rules"
        );
        let mut rules: Vec<&Rule> = self
            .rules
            .iter()
            .map(|r| r.as_ref())
            .filter(|r| r.origin == Origin::Builtin)
            .collect();
        rules.sort_by(|a, b| a.source.cmp(&b.source));
        let rules = super::cache::encode_rules(rules.into_iter())?;
        let entries: Vec<(InputType, Vec<String>)> = InputType::ALL
            .into_iter()
            .map(|t| (t, self.vm_entries(t)))
            .filter(|(_, e)| !e.is_empty())
            .collect();
        let mut programs = Vec::new();
        for (t, e) in &entries {
            programs.push((
                Self::what(*t, e),
                super::cache::encode(self.vm_programs(*t))?,
            ));
        }
        Some(super::prebuilt::encode(&rules, &programs))
    }

    /// Whether an input type's programs are ready or cached, so that using the VM costs
    /// nothing to set up.
    pub fn programs_cheap(&self, input: InputType) -> bool {
        self.programs[input.index()].get().is_some()
            || *self.cached[input.index()].get_or_init(|| {
                self.vm_allowed()
                    && self
                        .stash(input, &self.vm_entries(input))
                        .is_some_and(|s| super::cache::exists(&s))
            })
    }

    /// Compiles and stores the programs of the input types whose interpreter this run built
    /// and whose programs are not cached yet: a run too small to use the VM (a pre-commit
    /// run on one file) pays ≈ 15 ms once, so that the next one starts from the cache.
    pub fn warm_cache(&self) {
        if !self.builtin_only || !self.vm_allowed() || super::cache::dir().is_none() {
            return;
        }
        for t in [
            InputType::Kubernetes,
            InputType::Postgres,
            InputType::Config,
        ] {
            if self.engines[t.index()].get().is_some() && !self.programs_cheap(t) {
                let _ = self.vm_programs(t);
            }
        }
    }

    /// The rule groups of an input type (index for index with [`PolicySet::programs`]).
    pub fn groups(&self, input: InputType) -> &[RuleGroup] {
        if self.builtin_only {
            self.metadata_groups[input.index()].get_or_init(|| group_shapes(input, &self.rules))
        } else {
            &self.typed(input).groups
        }
    }

    /// Whether a rule's policy failed to compile (built-in policies always compile: their
    /// engine is not built to find out).
    pub fn is_dropped(&self, rule: &Rule) -> bool {
        !self.builtin_only && self.typed(rule.input).dropped.contains(&rule.id)
    }

    /// The input type's engine, analysed for the RVM compiler (any entry point will do: the
    /// analysis covers every module).
    fn compiled_policy(&self, input: InputType) -> Option<&regorus::CompiledPolicy> {
        self.compiled[input.index()]
            .get_or_init(|| {
                let typed = self.typed(input);
                let entry = typed.groups.first()?.entrypoint.as_str();
                typed
                    .engine
                    .clone()
                    .compile_with_entrypoint(&entry.into())
                    .ok()
            })
            .as_ref()
    }

    fn vm_allowed(&self) -> bool {
        !self.builtin_libraries_replaced
            && std::env::var("RUNEGUARD_ENGINE").as_deref() != Ok("interpreter")
    }

    /// The engine for one input type: its rules and every library (compiled on first use).
    pub fn typed(&self, input: InputType) -> &TypedEngine {
        self.engines[input.index()].get_or_init(|| {
            let candidates: Vec<&PolicySource> = self
                .sources
                .iter()
                .filter(|s| self.rule_of(s).is_none_or(|r| r.input == input))
                .filter(|s| !s.path.ends_with("_test.rego"))
                .collect();
            self.compile(without_unused_builtin_libraries(candidates), Some(input))
        })
    }

    /// One engine with every policy, tests included (for `runeguard test`).
    pub fn all(&self) -> &TypedEngine {
        self.all
            .get_or_init(|| self.compile(self.sources.iter().collect(), None))
    }

    /// Compiles every engine now (so that every policy error is reported).
    pub fn compile_all(&self) {
        for t in InputType::ALL {
            self.typed(t);
        }
    }

    /// Loading problems plus the compile problems of every engine built so far.
    pub fn problems_all(&self) -> Vec<Problem> {
        let mut out = self.problems.clone();
        for e in self.engines.iter().chain(std::iter::once(&self.all)) {
            if let Some(t) = e.get() {
                out.extend(t.problems.iter().cloned());
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// How the evaluations of this set went so far, over every worker that is done, and the
    /// first error the VM gave (the reason for a fallback to the interpreter).
    pub fn engine_stats(&self) -> (super::stats::EvalStats, Option<String>) {
        let guard = self.engine_stats.lock().unwrap_or_else(|e| e.into_inner());
        (guard.0, guard.1.clone())
    }

    pub(crate) fn record_engine_stats(
        &self,
        stats: &super::stats::EvalStats,
        vm_error: Option<String>,
    ) {
        let mut guard = self.engine_stats.lock().unwrap_or_else(|e| e.into_inner());
        guard.0.add(stats);
        if guard.1.is_none() {
            guard.1 = vm_error;
        }
    }

    /// True when a rule's policy compiled in its engine (building the engine if needed).
    pub fn is_compiled(&self, rule: &Rule) -> bool {
        !self.typed(rule.input).dropped.contains(&rule.id)
    }
}
