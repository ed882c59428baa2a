//! Rule groups: the document-scope rules that one generated Rego module evaluates together,
//! and the text of that module.

use crate::input::InputType;
use crate::rule::{Origin, Rule};
use std::sync::Arc;

/// The document-scope rules that apply to one (input type, subtype), evaluated together by a
/// generated module: regorus resets its evaluation state on every `eval_rule` (≈ 0.3 ms with a
/// hundred modules loaded), and shared helpers (`k8s.containers`) are computed once per pass.
#[derive(Debug, Clone)]
pub struct RuleGroup {
    pub input: InputType,
    /// The subtype, or None for subtypes that no rule names in its `kinds`.
    pub subtype: Option<String>,
    /// Entries are guarded by `input.kind` (Kubernetes): the group serves every kind.
    pub guarded: bool,
    /// The group holds built-in rules only (users' rules get groups of their own).
    pub builtin: bool,
    /// `data.runeguard.__eval__.gN.results`: a set of `[rule id, deny set]` pairs.
    pub entrypoint: String,
    pub rules: Vec<Arc<Rule>>,
}

/// Builds the groups and their Rego modules for the document-scope rules of one input type.
/// Kubernetes rules share one module whose entries are guarded by `input.kind` (one module, not
/// one per kind: every module costs on each `data` reference); other inputs get one module per
/// subtype named in a `kinds` list, plus one for the rest.
pub(super) fn make_groups(input: InputType, rules: &[Arc<Rule>]) -> Vec<(RuleGroup, String)> {
    groups_of(input, rules, true)
}

/// The groups alone, as [`make_groups`] makes them, without their modules' text: a run whose
/// programs come from the cache needs the groups' members and entry points only (writing the
/// Kubernetes module, a kind a line for every rule, was ≈ 1.7 M instructions a run).
pub(super) fn group_shapes(input: InputType, rules: &[Arc<Rule>]) -> Vec<RuleGroup> {
    groups_of(input, rules, false)
        .into_iter()
        .map(|(g, _)| g)
        .collect()
}

/// The groups, with their modules' text when `modules` is set (else empty strings).
fn groups_of(input: InputType, rules: &[Arc<Rule>], modules: bool) -> Vec<(RuleGroup, String)> {
    // Evaluation finds a group's members by binary search over ids.
    debug_assert!(
        rules.windows(2).all(|w| w[0].id < w[1].id),
        "rules sorted by id"
    );
    let mut out = Vec::new();
    for builtin in [true, false] {
        let of_origin: Vec<Arc<Rule>> = rules
            .iter()
            .filter(|r| (r.origin == Origin::Builtin) == builtin)
            .cloned()
            .collect();
        make_groups_of(input, &of_origin, builtin, modules, &mut out);
    }
    out
}

/// The groups of one origin's rules, numbered after those already in `out`.
fn make_groups_of(
    input: InputType,
    rules: &[Arc<Rule>],
    builtin: bool,
    modules: bool,
    out: &mut Vec<(RuleGroup, String)>,
) {
    let of_type: Vec<&Arc<Rule>> = rules
        .iter()
        .filter(|r| r.scope == crate::rule::Scope::Document && r.input == input)
        .collect();
    if of_type.is_empty() {
        return;
    }
    // `results` is a set of [id, deny] pairs rather than an object keyed by id: regorus
    // registers `results["K8S-001"] := ...` as a rule of its own and rejects `results` as an
    // entry point, which silently sent every document down the rule-by-rule path.
    let module_for = |n: usize, members: &[Arc<Rule>], guard: bool| {
        let package = format!("runeguard.__eval__.g{n}");
        if !modules {
            return (format!("data.{package}.results"), String::new());
        }
        let mut module = format!("package {package}\n\nimport rego.v1\n\n");
        for r in members {
            if guard && !r.kinds.is_empty() {
                // One kind a line: regorus refuses a line over 1,024 columns, and the
                // container rules' kinds (every operator's resources) outgrew one line, which
                // sent every Kubernetes document to the slower rule-by-rule path.
                let kinds: String = r.kinds.iter().map(|k| format!("\t{k:?},\n")).collect();
                module.push_str(&format!(
                    "results contains [{:?}, data.{}.deny] if input.kind in {{\n{kinds}}}\n\n",
                    r.id, r.package
                ));
            } else {
                module.push_str(&format!(
                    "results contains [{:?}, data.{}.deny]\n\n",
                    r.id, r.package
                ));
            }
        }
        (format!("data.{package}.results"), module)
    };
    if input == InputType::Kubernetes {
        let members: Vec<Arc<Rule>> = of_type.iter().map(|r| (*r).clone()).collect();
        let (entrypoint, module) = module_for(out.len(), &members, true);
        out.push((
            RuleGroup {
                input,
                subtype: None,
                guarded: true,
                builtin,
                entrypoint,
                rules: members,
            },
            module,
        ));
        return;
    }
    let mut subtypes: Vec<Option<String>> = of_type
        .iter()
        .flat_map(|r| r.kinds.iter().cloned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(Some)
        .collect();
    subtypes.push(None);
    for subtype in subtypes {
        let members: Vec<Arc<Rule>> = of_type
            .iter()
            .filter(|r| match &subtype {
                Some(s) => r.applies_to(input, s),
                None => r.kinds.is_empty(),
            })
            .map(|r| (*r).clone())
            .collect();
        if members.is_empty() {
            continue;
        }
        let (entrypoint, module) = module_for(out.len(), &members, false);
        out.push((
            RuleGroup {
                input,
                subtype,
                guarded: false,
                builtin,
                entrypoint,
                rules: members,
            },
            module,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::{Origin, Rule, Scope, Severity};

    /// A rule reading many kinds (the container rules read every operator's resources) still
    /// gives a group module regorus takes: the kinds' set is written a kind a line, where one
    /// line of them outgrew regorus' 1,024 columns and the group silently fell back to the
    /// rule-by-rule path.
    #[test]
    fn a_rule_of_many_kinds_gives_a_group_module_that_compiles() {
        let rule = Rule {
            id: "K8S-001".into(),
            name: "n".into(),
            title: "t".into(),
            description: "d".into(),
            severity: Severity::High,
            input: InputType::Kubernetes,
            kinds: (0..200).map(|i| format!("SomeOperatorKind{i}")).collect(),
            scope: Scope::Document,
            controls: Default::default(),
            rationale: String::new(),
            remediation: String::new(),
            related: Vec::new(),
            package: "runeguard.test.many".into(),
            source: "many.rego".into(),
            origin: Origin::Builtin,
            secret: false,
        };
        let groups = make_groups(InputType::Kubernetes, &[Arc::new(rule)]);
        assert_eq!(groups.len(), 1);
        let mut engine = regorus::Engine::new();
        engine
            .add_policy(
                "many.rego".into(),
                "package runeguard.test.many\nimport rego.v1\ndeny contains 1 if input.kind == \"SomeOperatorKind150\"\n".into(),
            )
            .expect("rule");
        engine
            .add_policy("<group>".into(), groups[0].1.clone())
            .expect("the group module compiles");
        engine.set_input(
            regorus::Value::from_json_str(r#"{"kind": "SomeOperatorKind150"}"#).expect("json"),
        );
        let results = engine
            .eval_rule(groups[0].0.entrypoint.clone())
            .expect("evaluates");
        assert_eq!(
            results
                .to_json_str()
                .expect("json")
                .matches("K8S-001")
                .count(),
            1
        );
    }
}
