//! Prints how long loading and compiling the built-in policies takes, and each rule's
//! evaluation time on a small Pod (a profiling aid: `cargo run --release --example load_timing`).
fn main() {
    let t = std::time::Instant::now();
    let set = runeguard::policy::PolicySet::load(&runeguard::policy::PolicyOptions {
        builtin: true,
        ..Default::default()
    });
    let load = t.elapsed();
    let mut ev = runeguard::policy::Evaluator::new(&set);
    let input = serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x", "namespace": "a"}, "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "a:1"}, {"name": "b", "image": "b:1"}]}}}});
    let input = runeguard::policy::engine::to_rego(&input);
    let rules: Vec<_> = set
        .rules
        .iter()
        .filter(|r| {
            r.applies_to(runeguard::input::InputType::Kubernetes, "Deployment")
                && r.scope == runeguard::rule::Scope::Document
        })
        .collect();
    let t = std::time::Instant::now();
    let (hits, _) = ev.evaluate_document(
        &input,
        runeguard::input::InputType::Kubernetes,
        "Deployment",
        &rules,
    );
    let first = t.elapsed();
    let t = std::time::Instant::now();
    for _ in 0..20 {
        ev.evaluate_document(
            &input,
            runeguard::input::InputType::Kubernetes,
            "Deployment",
            &rules,
        );
    }
    let steady = t.elapsed() / 20;
    println!(
        "load+compile {load:?} ({} rules); first eval {first:?} ({} hits); steady eval {steady:?} per document for {} rules",
        set.rules.len(),
        hits.len(),
        rules.len()
    );
    let mut per: Vec<_> = rules
        .iter()
        .map(|r| {
            let t = std::time::Instant::now();
            for _ in 0..20 {
                ev.evaluate(&input, &[*r]);
            }
            (t.elapsed() / 20, r.id.clone())
        })
        .collect();
    per.sort();
    per.reverse();
    for (d, id) in per.iter().take(12) {
        println!("  {id}: {d:?}");
    }
}
