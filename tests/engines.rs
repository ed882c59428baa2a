//! The two Rego backends: the built-in rules run in regorus' bytecode VM (RVM), everything
//! else in its interpreter. The VM must give exactly the interpreter's results.

mod common;

use common::rg;
use runeguard::input::InputType;
use runeguard::policy::engine::to_rego;
use runeguard::policy::{Evaluator, PolicyOptions, PolicySet};
use runeguard::rule::Scope;

/// Evaluates every document-scope rule for Deployments on `doc`.
fn evaluate_deployment(
    ev: &mut Evaluator,
    set: &PolicySet,
    doc: &serde_json::Value,
) -> (
    Vec<runeguard::policy::Hit>,
    Vec<runeguard::policy::engine::RuleFailure>,
) {
    let rules: Vec<_> = set
        .rules
        .iter()
        .filter(|r| r.scope == Scope::Document && r.applies_to(InputType::Kubernetes, "Deployment"))
        .collect();
    ev.evaluate_document(&to_rego(doc), InputType::Kubernetes, "Deployment", &rules)
}

/// The counts of `runeguard: engine stats: k=v ...` (RUNEGUARD_ENGINE_STATS=1) on stderr.
fn engine_stats(stderr: &str) -> std::collections::BTreeMap<String, usize> {
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("runeguard: engine stats: "))
        .unwrap_or_else(|| panic!("no engine stats line in:\n{stderr}"));
    line.split_whitespace()
        .map(|kv| {
            let (k, v) = kv.split_once('=').expect("k=v");
            (k.to_string(), v.parse().expect("a count"))
        })
        .collect()
}

/// The whole fixture tree (every rule, every input type, whole-project rules, in one run, so
/// that a worker's VMs meet documents of every type) gives byte-identical JSON either way.
/// The VM run really ran in the VM: no evaluation fell back to the interpreter (that would
/// compare the interpreter with itself), and the interpreter run never used the VM.
#[test]
fn vm_and_interpreter_agree_on_every_fixture() {
    let run = |engine: Option<&str>| {
        let mut c = rg();
        c.args(["check", "fixtures", "--format", "json", "--quiet"])
            .env("RUNEGUARD_ENGINE_STATS", "1");
        match engine {
            Some(e) => c.env("RUNEGUARD_ENGINE", e),
            None => c.env_remove("RUNEGUARD_ENGINE"),
        };
        let out = c.output().expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(1),
            "the fixtures have findings: {stderr}"
        );
        (
            String::from_utf8(out.stdout).expect("utf-8"),
            engine_stats(&stderr),
        )
    };
    let (vm, vm_stats) = run(Some("vm"));
    let (interpreter, interpreter_stats) = run(Some("interpreter"));
    let (default, default_stats) = run(None);
    assert_eq!(vm_stats["vm_fallbacks"], 0, "the VM failed: {vm_stats:?}");
    assert_eq!(default_stats["vm_fallbacks"], 0, "{default_stats:?}");
    assert!(
        vm_stats["vm_group_passes"] > 500 && vm_stats["vm_rule_runs"] > 0,
        "the VM run did not run in the VM: {vm_stats:?}"
    );
    // Every built-in group has a program (every_built_in_group_and_project_rule_has_a_program):
    // nothing runs in the interpreter, as a group or rule by rule.
    assert_eq!(vm_stats["interpreter_group_passes"], 0, "{vm_stats:?}");
    assert_eq!(vm_stats["interpreter_rule_runs"], 0, "{vm_stats:?}");
    assert!(
        interpreter_stats["vm_group_passes"] == 0 && interpreter_stats["vm_rule_runs"] == 0,
        "the interpreter run used the VM: {interpreter_stats:?}"
    );
    assert!(
        vm == default,
        "the default (the VM after a few documents) differs"
    );
    assert!(vm.contains("\"rule_id\": \"K8S-019\""));
    assert!(vm == interpreter, "the VM and the interpreter disagree");
}

/// Every built-in group and whole-project rule compiles to a VM program. One that regorus'
/// VM compiler rejects runs in the interpreter without a word, out of the VM-interpreter
/// comparison and several times slower: the configuration rules did until `walk` loops
/// compiled (vendor/regorus PATCHES.md, patch 8), and a check of the prometheus chart, whose
/// ConfigMaps embed prometheus.yml, cost 1,385 M instructions instead of 353 M.
#[test]
fn every_built_in_group_and_project_rule_has_a_program() {
    let set = PolicySet::load(&PolicyOptions {
        builtin: true,
        ..Default::default()
    });
    if std::env::var("RUNEGUARD_ENGINE").as_deref() == Ok("interpreter") {
        common::skip(
            "every_built_in_group_and_project_rule_has_a_program",
            "RUNEGUARD_ENGINE=interpreter turns the VM off",
        );
        return;
    }
    let mut without = Vec::new();
    for t in [
        InputType::Kubernetes,
        InputType::Postgres,
        InputType::Config,
    ] {
        let programs = set.programs(t);
        for (g, p) in set.groups(t).iter().zip(programs) {
            if g.builtin && p.is_none() {
                without.push((t, g.entrypoint.clone()));
            }
        }
        for r in set
            .rules
            .iter()
            .filter(|r| r.input == t && r.scope == Scope::Project)
        {
            if set.rule_program(r).is_none() {
                without.push((t, r.id.clone()));
            }
        }
    }
    assert!(
        without.is_empty(),
        "built-in groups or rules the VM does not run: {without:?}"
    );
}

/// The fast paths are taken: a Deployment's rules run in one VM pass, not rule by rule (a
/// group entry point that regorus rejected once sent every document down the slow path
/// without a word).
#[test]
fn built_in_rules_run_in_one_vm_pass_per_document() {
    let set = PolicySet::load(&PolicyOptions {
        builtin: true,
        ..Default::default()
    });
    let mut ev = Evaluator::new(&set).vm_from_the_start();
    let doc = serde_json::json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "nginx", "securityContext": {"privileged": true}}]}}}
    });
    let (hits, failures) = evaluate_deployment(&mut ev, &set, &doc);
    assert!(failures.is_empty(), "{failures:?}");
    assert!(hits.iter().any(|h| h.rule.id == "K8S-001"));
    if std::env::var("RUNEGUARD_ENGINE").as_deref() == Ok("interpreter") {
        common::skip(
            "built_in_rules_run_in_one_vm_pass_per_document",
            "RUNEGUARD_ENGINE=interpreter turns the VM off",
        );
        return;
    }
    assert_eq!(ev.stats.vm_group_passes, 1, "{:?}", ev.stats);
    assert_eq!(ev.stats.vm_fallbacks, 0, "{:?}", ev.stats);
    assert_eq!(ev.stats.interpreter_rule_runs, 0, "{:?}", ev.stats);
    // A SQL schema right after, in the same worker: its own VM, not the Kubernetes one.
    let schema = runeguard::input::postgres::load(&runeguard::source::SourceFile::new(
        "s.sql".into(),
        None,
        "CREATE TABLE t (id int PRIMARY KEY);\nGRANT SELECT ON t TO PUBLIC;\n".into(),
    ));
    let doc = &schema.documents[0];
    let rules: Vec<_> = set
        .rules
        .iter()
        .filter(|r| r.scope == Scope::Document && r.applies_to(doc.input_type, &doc.subtype))
        .collect();
    let (hits, _) =
        ev.evaluate_document(&to_rego(&doc.value), doc.input_type, &doc.subtype, &rules);
    assert!(hits.iter().any(|h| h.rule.id == "SQL-007"), "{hits:?}");
    assert_eq!(ev.stats.vm_group_passes, 2, "{:?}", ev.stats);
}

/// A selection of one rule (`--select K8S-001`) still runs its group in the VM and keeps only
/// that rule's findings: the group's other rules cost less in the VM than the one rule did in
/// the interpreter (a one-rule check of a chart took 2.3 times the whole group's instructions).
#[test]
fn a_selected_rule_runs_in_its_groups_vm_pass_and_alone_reports() {
    let set = PolicySet::load(&PolicyOptions {
        builtin: true,
        ..Default::default()
    });
    let mut ev = Evaluator::new(&set).vm_from_the_start();
    let doc = serde_json::json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "nginx", "securityContext": {"privileged": true}}]}}}
    });
    let rules: Vec<_> = set.rules.iter().filter(|r| r.id == "K8S-001").collect();
    assert_eq!(rules.len(), 1);
    let (hits, failures) =
        ev.evaluate_document(&to_rego(&doc), InputType::Kubernetes, "Deployment", &rules);
    assert!(failures.is_empty(), "{failures:?}");
    assert!(!hits.is_empty(), "{hits:?}");
    assert!(hits.iter().all(|h| h.rule.id == "K8S-001"), "{hits:?}");
    if std::env::var("RUNEGUARD_ENGINE").as_deref() == Ok("interpreter") {
        common::skip(
            "a_selected_rule_runs_in_its_groups_vm_pass_and_alone_reports (VM part)",
            "RUNEGUARD_ENGINE=interpreter turns the VM off",
        );
        return;
    }
    assert_eq!(ev.stats.vm_group_passes, 1, "{:?}", ev.stats);
    assert_eq!(ev.stats.interpreter_rule_runs, 0, "{:?}", ev.stats);
}

/// Users' rules run in the interpreter, in a group of their own, beside the built-in VM pass.
#[test]
fn user_rules_run_in_the_interpreter_beside_the_built_in_vm_pass() {
    let dir = common::dir_with(&[(
        "policies/no_latest.rego",
        b"# METADATA\n# title: Org rule\n# description: d\n# custom:\n#   id: ORG-001\n#   name: org-rule\n#   severity: low\n#   input: kubernetes\n#   controls: {nist-800-53: [AC-6]}\n#   rationale: r\n#   remediation: m\npackage org.no_latest\n\nimport rego.v1\n\ndeny contains {\"msg\": \"latest\", \"path\": [\"kind\"]} if input.kind == \"Deployment\"\n",
    )]);
    let set = PolicySet::load(&PolicyOptions {
        builtin: true,
        policy_dirs: vec![dir.path().join("policies")],
        ..Default::default()
    });
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    let mut ev = Evaluator::new(&set).vm_from_the_start();
    let doc = serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"}, "spec": {"template": {"spec": {"containers": []}}}});
    let (hits, failures) = evaluate_deployment(&mut ev, &set, &doc);
    assert!(failures.is_empty(), "{failures:?}");
    assert!(hits.iter().any(|h| h.rule.id == "ORG-001"), "{hits:?}");
    if std::env::var("RUNEGUARD_ENGINE").as_deref() == Ok("interpreter") {
        common::skip(
            "user_rules_run_in_the_interpreter_beside_the_built_in_vm_pass (VM part)",
            "RUNEGUARD_ENGINE=interpreter turns the VM off",
        );
    } else {
        assert_eq!(ev.stats.vm_group_passes, 1, "{:?}", ev.stats);
    }
    assert_eq!(ev.stats.interpreter_group_passes, 1, "{:?}", ev.stats);
}

/// With only built-in policies, the groups come from the rules' metadata (no compiling):
/// they must be exactly those of the compiled engines, which the cached programs index.
#[test]
fn metadata_groups_are_the_compiled_engines_groups() {
    let set = PolicySet::load(&PolicyOptions {
        builtin: true,
        ..Default::default()
    });
    for t in [
        InputType::Kubernetes,
        InputType::Postgres,
        InputType::Config,
    ] {
        let shape = |groups: &[runeguard::policy::groups::RuleGroup]| {
            groups
                .iter()
                .map(|g| {
                    let ids: Vec<&str> = g.rules.iter().map(|r| r.id.as_str()).collect();
                    format!("{} {:?} {} {ids:?}", g.entrypoint, g.subtype, g.builtin)
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(shape(set.groups(t)), shape(&set.typed(t).groups), "{t:?}");
        assert!(!set.groups(t).is_empty());
    }
}

/// The second run loads the programs from the cache (a one-file run stays in the interpreter
/// and fills it on its way out), with the same report; a damaged cache file is a miss.
#[test]
fn program_cache_fills_is_used_and_survives_damage() {
    let cache = tempfile::tempdir().expect("tempdir");
    let run = |cache_dir: Option<&std::path::Path>| {
        let mut c = rg();
        // The on-disk cache serves a binary without built-in programs (or with stale ones).
        c.env("RUNEGUARD_PREBUILT", "0");
        if let Some(d) = cache_dir {
            c.env("RUNEGUARD_CACHE_DIR", d);
        }
        let out = c
            .args([
                "check",
                "--format",
                "json",
                "fixtures/kubernetes/privileged_container.fail.yaml",
                "fixtures/postgres/grant_to_public.fail.sql",
            ])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let cached_files = || {
        std::fs::read_dir(cache.path())
            .expect("cache dir")
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "bin"))
            .map(|e| e.path())
            .collect::<Vec<_>>()
    };
    let uncached = run(None);
    // A file of a binary replaced long ago goes when the cache is next written to.
    let stale = cache.path().join("0123456789abcdef0123456789abcdef.bin");
    std::fs::write(&stale, b"old").expect("write");
    let long_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(40 * 24 * 3600);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .and_then(|f| f.set_modified(long_ago))
        .expect("set mtime");
    let first = run(Some(cache.path()));
    assert!(!stale.exists(), "a month-old cache file is pruned");
    assert_eq!(cached_files().len(), 2, "one file per input type used");
    let second = run(Some(cache.path()));
    assert!(first == uncached && second == uncached);
    for f in cached_files() {
        std::fs::write(&f, b"runeguard-vm-programs-1\n\xff\xff garbage").expect("write");
    }
    assert!(run(Some(cache.path())) == uncached);
    for f in cached_files() {
        std::fs::write(&f, b"").expect("write");
    }
    assert!(run(Some(cache.path())) == uncached);
    // The built-in rules are cached beside the programs; damaged, the file is a miss too, and
    // is stored again as read.
    let metadata: Vec<_> = std::fs::read_dir(cache.path())
        .expect("cache dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rules"))
        .collect();
    assert_eq!(metadata.len(), 1, "one file of rules");
    let stored = std::fs::read(&metadata[0]).expect("read");
    assert!(
        stored.len() > 20_000,
        "every built-in rule: {} bytes",
        stored.len()
    );
    for damaged in [
        stored[..stored.len() - 1].to_vec(),
        [stored.as_slice(), b"x"].concat(),
        stored.iter().map(|b| b ^ 0x55).collect::<Vec<u8>>(),
    ] {
        std::fs::write(&metadata[0], &damaged).expect("write");
        assert!(run(Some(cache.path())) == uncached);
        assert!(
            std::fs::read(&metadata[0]).expect("read") == stored,
            "damaged rules are stored again as read"
        );
    }
    std::fs::write(&metadata[0], b"{ garbage").expect("write");
    assert!(run(Some(cache.path())) == uncached);
}

/// `policies/prebuilt.bin` is what the built-in policies compile to today, and this binary has
/// it built in: a run then reads no policy's metadata and compiles nothing (`src/policy/
/// prebuilt.rs`). `RUNEGUARD_UPDATE_PROGRAMS=1 cargo test --test engines prebuilt` writes it.
#[test]
fn prebuilt_programs_are_what_the_policies_compile_to() {
    let fresh = PolicySet::load_fresh(&PolicyOptions {
        builtin: true,
        ..Default::default()
    })
    .prebuilt_bundle()
    .expect("every built-in program serializes");
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(runeguard::policy::prebuilt::PATH);
    if std::env::var_os("RUNEGUARD_UPDATE_PROGRAMS").is_some() {
        std::fs::write(&path, &fresh).expect("write policies/prebuilt.bin");
        return;
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is not what the built-in policies compile to: regenerate it with \
         `RUNEGUARD_UPDATE_PROGRAMS=1 cargo test --test engines prebuilt` and commit it",
        runeguard::policy::prebuilt::PATH
    );
    assert!(
        runeguard::policy::prebuilt::embedded(),
        "build.rs embeds a current policies/prebuilt.bin"
    );
}

/// With the programs built in, a run writes no cache (it has nothing to compile) and reports
/// what a run that compiles them reports, on every input type.
#[test]
fn a_run_with_prebuilt_programs_compiles_nothing_and_reports_the_same() {
    let cache = tempfile::tempdir().expect("tempdir");
    let run = |prebuilt: &str| {
        let out = rg()
            .env("RUNEGUARD_CACHE_DIR", cache.path())
            .env("RUNEGUARD_PREBUILT", prebuilt)
            .env("RUNEGUARD_ENGINE", "vm")
            .args([
                "check",
                "--format",
                "json",
                "fixtures/kubernetes/privileged_container.fail.yaml",
                "fixtures/postgres/grant_to_public.fail.sql",
                "fixtures/config/certificate_validation_disabled.fail.yaml",
            ])
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let built_in = run("1");
    let written = std::fs::read_dir(cache.path()).expect("cache dir").count();
    assert_eq!(written, 0, "nothing compiled, nothing cached");
    assert!(
        built_in == run("0"),
        "the same report as compiled programs give"
    );
    assert!(std::fs::read_dir(cache.path()).expect("cache dir").count() > 0);
}

/// Runs `entry` of `policy` on `input` in both backends.
fn both(policy: &str, input: &str, entry: &str) -> (String, String) {
    let mut engine = regorus::Engine::new();
    engine
        .add_policy("p.rego".into(), policy.into())
        .expect("parses");
    engine.set_input(regorus::Value::from_json_str(input).expect("json"));
    let show = |v: regorus::Value| v.to_json_str().expect("json");
    let interpreted = show(engine.eval_rule(entry.into()).expect("evaluates"));
    let mut vm = vm_of(&mut engine, entry);
    vm.set_input(regorus::Value::from_json_str(input).expect("json"));
    (interpreted, show(vm.execute().expect("runs")))
}

/// A VM running `entry` of the engine's policies.
fn vm_of(engine: &mut regorus::Engine, entry: &str) -> regorus::rvm::vm::RegoVM {
    let compiled = engine
        .compile_with_entrypoint(&entry.into())
        .expect("compiles");
    let program =
        regorus::languages::rego::compiler::Compiler::compile_from_policy(&compiled, &[entry])
            .expect("compiles to bytecode");
    let mut vm = regorus::rvm::vm::RegoVM::new();
    vm.load_program(program);
    vm
}

/// regorus patch 11 (PATCHES.md): a VM that keeps the values of rules that read no input
/// answers as a fresh evaluation for every input, whether the input is read directly, through
/// a rule already computed in the execution, a function, a chain of rules or a comprehension,
/// and a kept value follows the data when the data change.
#[test]
fn a_vm_keeping_input_free_rules_answers_as_a_fresh_one_for_every_input() {
    let policy = "package t\nimport rego.v1\n\
        table := {k: v | v := data.base[k]}\n\
        size := count(table)\n\
        a := input.a\n\
        b := a + 1\n\
        f(x) := input.a + x\n\
        c := f(1)\n\
        e := g\n\
        g := h\n\
        h := input.a * 2\n\
        k := [x | some x in input.list]\n\
        m := count(k)\n\
        s contains x if some x in input.list\n\
        flag := 1 if data.on else := input.a\n\
        out := [a, b, c, size, e, m, s, flag, table]\n";
    let entry = "data.t.out";
    let fresh = |input: &str, data: &str| {
        let mut engine = regorus::Engine::new();
        engine
            .add_policy("p.rego".into(), policy.into())
            .expect("parses");
        engine
            .add_data(regorus::Value::from_json_str(data).expect("json"))
            .expect("data");
        engine.set_input(regorus::Value::from_json_str(input).expect("json"));
        engine
            .eval_rule(entry.into())
            .expect("evaluates")
            .to_json_str()
            .expect("json")
    };
    let mut engine = regorus::Engine::new();
    engine
        .add_policy("p.rego".into(), policy.into())
        .expect("parses");
    let mut vm = vm_of(&mut engine, entry);
    vm.set_keep_input_free_rules(true);
    let runs = [
        (
            r#"{"a": 1, "list": [1]}"#,
            r#"{"base": {"x": 1}, "on": true}"#,
        ),
        (
            r#"{"a": 2, "list": [1, 2]}"#,
            r#"{"base": {"x": 1}, "on": true}"#,
        ),
        (
            r#"{"a": 3, "list": []}"#,
            r#"{"base": {"x": 1}, "on": true}"#,
        ),
        (
            r#"{"a": 4, "list": [5]}"#,
            r#"{"base": {"x": 1, "y": 2}, "on": false}"#,
        ),
        (
            r#"{"a": 5, "list": [5]}"#,
            r#"{"base": {"x": 1, "y": 2}, "on": false}"#,
        ),
    ];
    let mut data_now = "";
    for (input, data) in runs {
        if data != data_now {
            vm.set_data(regorus::Value::from_json_str(data).expect("json"))
                .expect("data");
            data_now = data;
        }
        vm.set_input(regorus::Value::from_json_str(input).expect("json"));
        let kept = vm.execute().expect("runs").to_json_str().expect("json");
        assert_eq!(kept, fresh(input, data), "input {input}, data {data}");
    }
}

/// The fixes in vendor/regorus (PATCHES.md): each case gave a different answer in the VM.
#[test]
fn vendored_vm_fixes_hold() {
    // `x := f(p)` with `f(p)` undefined fails the body (the VM went on with x undefined).
    let (i, v) = both(
        "package t\nimport rego.v1\ndeny contains p if {\n\tsome p in input.paths\n\tx := q(p)\n}\nq(p) := \"root\" if p == \"/\"\n",
        r#"{"paths": ["/", "/var"]}"#,
        "data.t.deny",
    );
    assert_eq!(i, v);
    assert!(!v.contains("/var"), "{v}");
    // ... so a function's `else` is taken.
    let (i, v) = both(
        "package t\nimport rego.v1\nr(p) := y if {\n\ty := q(p)\n} else := \"else\"\nq(p) := \"root\" if p == \"/\"\nout := [r(\"/\"), r(\"/x\")]\n",
        "{}",
        "data.t.out",
    );
    assert_eq!(i, v);
    assert!(v.contains("else"), "{v}");
    // A body whose loop finds no solution fails, so its `else` is taken (the VM returned
    // undefined: the body ended without an error and the VM stopped at it). Functions and
    // complete rules, one `else` and a chain of them.
    for (policy, expected) in [
        (
            "f(n) := p if {\n\tsome m in input.s\n\tm == n\n\tp := \"hit\"\n} else := \"miss\"\nout := [f(\"a\"), f(\"z\")]\n",
            r#"["hit","miss"]"#,
        ),
        (
            "f(n) := \"hit\" if {\n\tinput.s[_] == n\n} else := n\nout := [f(\"a\"), f(\"z\")]\n",
            r#"["hit","z"]"#,
        ),
        (
            "r := \"hit\" if {\n\tsome m in input.s\n\tm == \"z\"\n} else := \"second\" if {\n\tsome m in input.s\n\tm == \"y\"\n} else := \"last\"\nout := [r]\n",
            r#"["last"]"#,
        ),
        (
            "r := \"hit\" if {\n\tsome m in input.s\n\tm == \"z\"\n} else := \"second\" if {\n\tsome m in input.s\n\tm == \"b\"\n} else := \"last\"\nout := [r]\n",
            r#"["second"]"#,
        ),
    ] {
        let policy = format!("package t\nimport rego.v1\n{policy}");
        let (i, v) = both(&policy, r#"{"s": ["a", "b"]}"#, "data.t.out");
        assert_eq!(i, v, "{policy}");
        assert_eq!(
            v.split_whitespace().collect::<String>(),
            expected,
            "{policy}"
        );
    }
    // `every k, v in xs { s[k] }`: k is the quantifier's, not a new variable over `s`.
    let (i, v) = both(
        "package t\nimport rego.v1\nfields := {\"paths\"}\nall_known if {\n\tevery k, _ in input.op {\n\t\tfields[k]\n\t}\n}\n",
        r#"{"op": {"paths": 1, "notPaths": 2}}"#,
        "data.t.all_known",
    );
    assert_eq!(i, v);
    assert!(!v.contains("true"), "{v}");
    // `a[k] contains v` is an object of sets (the VM compiled it as the plain set `a`).
    let (i, v) = both(
        "package t\nimport rego.v1\nby[k] contains d.name if {\n\tsome d in input.items\n\tk := d.group\n}\n",
        r#"{"items": [{"group": "a", "name": "x"}, {"group": "b", "name": "y"}, {"group": "a", "name": "z"}]}"#,
        "data.t.by",
    );
    assert_eq!(i, v);
    assert!(v.contains("\"a\"") && v.contains("\"z\""), "{v}");
    // `walk(x, [path, value])` loops in the VM (its compiler refused it: "walk loops are not
    // yet supported"), with the path and the value bound, matched or ignored as the
    // interpreter does, in rules, functions, comprehensions and `every` bodies.
    let doc = r#"{"a": {"password": "x", "list": [1, {"password": "y"}]}, "s": ["k"], "items": [{"n": 1}, {"m": [1]}, {"n": 2}]}"#;
    for (policy, entry, expected) in [
        (
            "deny contains p if {\n\twalk(input, [p, v])\n\tp[count(p) - 1] == \"password\"\n\tis_string(v)\n}\n",
            "data.t.deny",
            r#"[["a","list",1,"password"],["a","password"]]"#,
        ),
        (
            "numbers(x) := {v | walk(x, [_, v]); is_number(v)}\nout := numbers(input.a)\n",
            "data.t.out",
            "[1]",
        ),
        (
            "keys contains k if walk(input.a, [[\"list\", k], _])\n",
            "data.t.keys",
            "[0,1]",
        ),
        (
            "default all_have_one := false\nall_have_one if {\n\tevery item in input.items {\n\t\twalk(item, [_, 1])\n\t}\n}\nsome_have_one if {\n\tevery item in [input.items[0], input.items[1]] {\n\t\twalk(item, [_, 1])\n\t}\n}\nout := [all_have_one, some_have_one]\n",
            "data.t.out",
            "[false,true]",
        ),
        (
            "count_all := count([p | walk(input, [p, _])])\n",
            "data.t.count_all",
            "17",
        ),
    ] {
        let policy = format!("package t\nimport rego.v1\n{policy}");
        let (i, v) = both(&policy, doc, entry);
        assert_eq!(i, v, "{policy}");
        assert_eq!(
            v.split_whitespace().collect::<String>(),
            expected,
            "{policy}"
        );
    }
}

/// A file of many documents (a rendered chart's stream is one) is evaluated on several worker
/// threads: the report is byte for byte the one a single thread gives, annotations and
/// whole-project rules included.
#[test]
fn many_documents_on_several_threads_report_as_one_thread() {
    let mut text = String::new();
    for i in 0..24 {
        let annotation = if i % 5 == 0 {
            "  annotations:\n    runeguard.io/ignore: K8S-001\n"
        } else {
            ""
        };
        let privileged = i % 3 == 0;
        text.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i}\n{annotation}spec:\n  replicas: {}\n  selector:\n    matchLabels:\n      app: app-{i}\n  template:\n    metadata:\n      labels:\n        app: app-{i}\n    spec:\n      containers:\n      - name: c\n        image: nginx:{}\n        securityContext:\n          privileged: {privileged}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\nspec:\n  selector:\n    app: app-{}\n  ports:\n  - port: 80\n",
            i % 4,
            if i % 2 == 0 { "latest" } else { "1.27" },
            i % 7,
        ));
    }
    let dir = common::dir_with(&[("many.yaml", text.as_bytes())]);
    let run = |jobs: &str| {
        let out = rg()
            .current_dir(dir.path())
            .args([
                "check",
                "many.yaml",
                "--format",
                "json",
                "--quiet",
                "--jobs",
                jobs,
            ])
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let one = run("1");
    assert!(one.contains("\"rule_id\""), "no findings: {one}");
    assert_eq!(run("4"), one);
    assert_eq!(run("2"), one);
}
