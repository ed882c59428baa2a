//! Meta-tests: conventions that every built-in rule must follow, enforced by `cargo test`.

use runeguard::policy::{PolicyOptions, PolicySet, embedded};
use runeguard::rule::Framework;
use std::collections::BTreeSet;

fn builtin() -> PolicySet {
    PolicySet::load(&PolicyOptions {
        builtin: true,
        ..Default::default()
    })
}

#[test]
fn ids_names_and_packages_are_unique_and_follow_the_layout() {
    let set = builtin();
    let mut ids = BTreeSet::new();
    let mut names = BTreeSet::new();
    for r in &set.rules {
        assert!(ids.insert(r.id.clone()), "duplicate id {}", r.id);
        assert!(names.insert(r.name.clone()), "duplicate name {}", r.name);
        let stem = r.name.replace('-', "_");
        let dir = r.source.split('/').nth(1).unwrap_or("");
        assert_eq!(
            r.source,
            format!("policies/{dir}/{stem}.rego"),
            "{}: file must be named after the rule",
            r.id
        );
        assert_eq!(
            r.package,
            format!("runeguard.{dir}.{stem}"),
            "{}: package must match its path",
            r.id
        );
        let prefix = match dir {
            "kubernetes" => "K8S-",
            "istio" => "IST-",
            "postgres" => "SQL-",
            "config" => "CFG-",
            other => panic!("{}: unexpected policy directory {other}", r.id),
        };
        assert!(
            r.id.starts_with(prefix),
            "{} lives in policies/{dir} but is not {prefix}*",
            r.id
        );
    }
}

#[test]
fn metadata_is_complete() {
    for r in &builtin().rules {
        assert!(
            !r.title.is_empty() && !r.description.is_empty(),
            "{}: title and description",
            r.id
        );
        assert!(
            !r.rationale.is_empty() && !r.remediation.is_empty(),
            "{}: rationale and remediation",
            r.id
        );
        for fw in [Framework::Nist80053, Framework::NistCsf2, Framework::Soc2] {
            assert!(
                r.controls.get(&fw).is_some_and(|c| !c.is_empty()),
                "{}: no {} controls",
                r.id,
                fw.id()
            );
        }
        assert!(
            !r.title.ends_with('.'),
            "{}: title ends with a period",
            r.id
        );
    }
}

// Control ids are checked once, with the catalogs' own id formats, by
// `tests/catalog.rs` (`every_cited_control_exists_in_its_catalog`).

#[test]
fn every_rule_has_fixtures_and_messages_follow_the_style() {
    let set = builtin();
    for r in &set.rules {
        let stem = r.name.replace('-', "_");
        let dir = r.source.split('/').nth(1).unwrap_or("");
        let fail = embedded::under(&format!("fixtures/{dir}/{stem}.fail.")).count();
        let pass = embedded::under(&format!("fixtures/{dir}/{stem}.pass.")).count();
        assert!(
            fail > 0 && pass > 0,
            "{}: needs fixtures/{dir}/{stem}.fail.* and .pass.*",
            r.id
        );
    }
    // Messages: lowercase start, no trailing period (checked on the fail fixtures' findings).
    for r in &set.rules {
        for fx in runeguard::testing::builtin_fixtures(r)
            .into_iter()
            .filter(|f| f.fail)
        {
            let opts = runeguard::run::CheckOptions {
                paths: vec![],
                // The text the fixture test checks (a `.conf` line's `# expect:` marker cut).
                stdin: Some((fx.path.clone(), runeguard::testing::fixture_input(&fx))),
                select: vec![r.id.clone()],
                ..Default::default()
            };
            for f in runeguard::run::check_with(&set, &opts).findings {
                let first = f.message.chars().next().unwrap_or(' ');
                assert!(
                    !first.is_uppercase()
                        || f.message.split_whitespace().next().is_some_and(|w| w
                            .chars()
                            .filter(|c| c.is_uppercase())
                            .count()
                            > 1
                            || w.chars().all(|c| !c.is_lowercase())
                            || is_kind(&set, w)
                            // The server whose own file the fixture is (`Redis …` for a
                            // `redis.conf`, `Mosquitto's …` for a `mosquitto.conf`).
                            || fx.path.to_ascii_lowercase().contains(
                                &w.trim_end_matches("'s").to_ascii_lowercase()
                            )),
                    "{}: message must start lowercase (or with a proper name): {:?}",
                    r.id,
                    f.message
                );
                assert!(
                    !f.message.ends_with('.'),
                    "{}: message ends with a period: {:?}",
                    r.id,
                    f.message
                );
            }
        }
    }
}

/// Messages may start with the object they name (`Deployment payments/api, container ...`):
/// a kind some rule applies to (the rules' `kinds` metadata), or the generic `Object`.
fn is_kind(set: &PolicySet, w: &str) -> bool {
    let w = w.trim_end_matches(',');
    w == "Object"
        || set.rules.iter().any(|r| r.kinds.iter().any(|k| k == w))
        || namespaced_kinds().iter().any(|k| k == w)
}

/// The kinds K8S-019 knows to be namespaced (its messages start with any of them: `Route
/// default/web is in the default namespace`).
fn namespaced_kinds() -> Vec<String> {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/settings/kubernetes.json"),
    )
    .expect("kubernetes settings");
    let v: serde_json::Value = serde_json::from_str(&text).expect("settings are JSON");
    v["kubernetes"]["namespaced_kinds"]
        .as_array()
        .expect("namespaced_kinds is a list")
        .iter()
        .filter_map(|k| k.as_str().map(str::to_string))
        .collect()
}
