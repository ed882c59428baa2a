//! `runeguard test`: the Rego unit tests and rule fixtures of the built-in policies, or of the
//! given policy folders; prints each failure (every test with --verbose) and a summary line.

use super::Exit;
use crate::cli::TestArgs;
use crate::policy::{PolicyOptions, PolicySet};
use crate::rule::{Origin, Rule};
use std::sync::Arc;

pub fn test(args: &TestArgs) -> Exit {
    let builtin = args.dirs.is_empty();
    let opts = PolicyOptions {
        builtin,
        policy_dirs: args.dirs.clone(),
        data_files: args.data.clone(),
        include_tests: true,
    };
    let set = PolicySet::load(&opts);
    set.compile_all();
    set.all();
    let policy_problems = set.problems_all();
    for p in &policy_problems {
        eprintln!("runeguard: {p}");
    }
    let rules: Vec<Arc<Rule>> = set
        .rules
        .iter()
        .filter(|r| builtin || r.origin == Origin::User)
        .filter(|r| {
            args.run
                .as_ref()
                .is_none_or(|t| r.id.contains(t.as_str()) || r.name.contains(t.as_str()))
        })
        .cloned()
        .collect();
    let mut outcomes = crate::testing::rego_test_outcomes(&set, !builtin);
    if let Some(t) = &args.run {
        outcomes.retain(|o| o.name.contains(t.as_str()));
    }
    outcomes.extend(crate::testing::fixture_outcomes(&set, &rules, builtin));
    let mut passed = 0;
    let mut failed = 0;
    let mut broken = 0;
    for o in &outcomes {
        if o.passed() {
            passed += 1;
            if args.verbose {
                println!("PASS {}", o.name);
            }
        } else {
            if o.broken {
                broken += 1;
            } else {
                failed += 1;
            }
            println!("{} {}", if o.broken { "ERROR" } else { "FAIL" }, o.name);
            for e in &o.errors {
                println!("    {e}");
            }
        }
    }
    println!("{passed} passed, {} failed", failed + broken);
    // A test that could not run (broken) is something not checked, like a policy problem.
    Exit::of(!policy_problems.is_empty() || broken > 0, failed > 0)
}
