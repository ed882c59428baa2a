//! The dependency rule, enforced (clippy's way: a convention is a meta-test).
//!
//! Modules of `src/` stand on floors (see docs/architecture.md). A module may use modules on
//! its own floor's lower floors, never a higher one; on its own floor only where the pair is
//! listed as a sanctioned sideways edge. A new top-level module must be given a floor here,
//! so that its place in the house is decided, not drifted into.
//!
//! Edges that break the rule today are listed in `KNOWN_VIOLATIONS` with the reason they are
//! still there; the test also fails when one of them disappears, so the list only shrinks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Floors, from the ground up. Keep in step with docs/architecture.md.
const FLOORS: &[(&str, u8)] = &[
    // 0: the ground — files embedded in the binary; source files, byte spans, the span tree,
    // the line index, source maps, credentials and redaction, problems.
    ("embedded", 0),
    ("source", 0),
    // 1: inputs — discovery, classification, loaders, renderers: files into documents.
    ("input", 1),
    // 2: what a rule is (metadata types everyone shares).
    ("rule", 2),
    // 3: verdicts and the engine that produces them; the exit code a verdict means.
    ("finding", 3),
    ("policy", 3),
    ("exit", 3),
    // 4: what is done with findings: suppression, compliance summary, sharding; settings.
    ("suppress", 4),
    ("compliance", 4),
    ("shard", 4),
    ("config", 4),
    // 5: a run, its reports, and the text products of the catalog.
    ("run", 5),
    ("report", 5),
    ("testing", 5),
    ("catalog", 5),
    ("docs", 5),
    // 6: the edge — command line and commands.
    ("cli", 6),
    ("app", 6),
    ("commands", 6),
];

/// Same-floor edges that are part of the design (not cycles).
const SIDEWAYS: &[(&str, &str)] = &[
    ("source", "embedded"),
    ("finding", "policy"),
    ("run", "report"),
    ("docs", "report"),
    ("docs", "run"),
    ("docs", "testing"),
    ("docs", "catalog"),
    ("catalog", "testing"),
    ("catalog", "report"),
    ("testing", "run"),
    // The fixture runner reads run reports and fills rule documents' examples.
    ("testing", "report"),
    ("app", "cli"),
    ("commands", "cli"),
    ("app", "commands"),
];

/// Edges that break the rule today, each with why it is still there. Remove an entry when
/// its edge is gone (the test insists).
const KNOWN_VIOLATIONS: &[(&str, &str, &str)] = &[];

fn floor_of(module: &str) -> Option<u8> {
    FLOORS.iter().find(|(m, _)| *m == module).map(|(_, f)| *f)
}

/// The top-level module a source file belongs to (`src/input/yaml.rs` → `input`).
fn top_module(rel: &Path) -> Option<String> {
    let first = rel.components().next()?.as_os_str().to_str()?.to_string();
    let name = first.strip_suffix(".rs").unwrap_or(&first).to_string();
    match name.as_str() {
        "lib" | "main" => None,
        _ => Some(name),
    }
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `crate::NAME` a file mentions outside comments, as (from, to) module pairs.
fn edges() -> BTreeMap<(String, String), BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut out: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).expect("under src");
        let Some(from) = top_module(rel) else {
            continue;
        };
        let text = std::fs::read_to_string(&file).expect("source is readable");
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or("");
            let mut rest = code;
            while let Some(at) = rest.find("crate::") {
                let after = &rest[at + "crate::".len()..];
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                    .collect();
                // `use crate::{a, b}` lists several modules at once.
                if name.is_empty() && after.starts_with('{') {
                    let inner = after[1..].split('}').next().unwrap_or("");
                    for part in inner.split(',') {
                        let m: String = part
                            .trim()
                            .chars()
                            .take_while(|c| c.is_ascii_lowercase() || c == &'_')
                            .collect();
                        if !m.is_empty() && m != from {
                            out.entry((from.clone(), m))
                                .or_default()
                                .insert(rel.display().to_string());
                        }
                    }
                } else if !name.is_empty()
                    && name != from
                    && name != "VERSION"
                    && name != "REPOSITORY_URL"
                {
                    out.entry((from.clone(), name))
                        .or_default()
                        .insert(rel.display().to_string());
                }
                rest = after;
            }
        }
    }
    out
}

#[test]
fn every_top_level_module_has_a_floor() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&src).expect("src/ is readable") {
        let path = entry.expect("entry").path();
        let rel = path.strip_prefix(&src).expect("under src");
        if let Some(m) = top_module(rel)
            && floor_of(&m).is_none()
        {
            missing.push(m);
        }
    }
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "modules without a floor in tests/architecture.rs (and docs/architecture.md): {missing:?}"
    );
}

#[test]
fn no_arrow_points_up_or_sideways_unsanctioned() {
    let mut bad = Vec::new();
    let mut seen_known = BTreeSet::new();
    for ((from, to), files) in edges() {
        let (Some(f), Some(t)) = (floor_of(&from), floor_of(&to)) else {
            continue; // reported by every_top_level_module_has_a_floor
        };
        let allowed = t < f || (t == f && SIDEWAYS.contains(&(from.as_str(), to.as_str())));
        if allowed {
            continue;
        }
        if KNOWN_VIOLATIONS
            .iter()
            .any(|(a, b, _)| *a == from && *b == to)
        {
            seen_known.insert((from.clone(), to.clone()));
            continue;
        }
        bad.push(format!(
            "{from} (floor {f}) -> {to} (floor {t}) in {files:?}"
        ));
    }
    assert!(
        bad.is_empty(),
        "arrows against the dependency rule:\n{}",
        bad.join("\n")
    );
    let gone: Vec<_> = KNOWN_VIOLATIONS
        .iter()
        .filter(|(a, b, _)| !seen_known.contains(&(a.to_string(), b.to_string())))
        .map(|(a, b, why)| format!("{a} -> {b} ({why})"))
        .collect();
    assert!(
        gone.is_empty(),
        "these known violations are gone: remove them from KNOWN_VIOLATIONS: {gone:?}"
    );
}

// Depth-first search for a back edge, reporting the first cycle found.
fn visit(
    node: &str,
    graph: &BTreeMap<String, BTreeSet<String>>,
    stack: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    if let Some(i) = stack.iter().position(|n| n == node) {
        let mut cycle = stack[i..].to_vec();
        cycle.push(node.to_string());
        return Some(cycle);
    }
    if done.contains(node) {
        return None;
    }
    stack.push(node.to_string());
    for next in graph.get(node).into_iter().flatten() {
        if let Some(c) = visit(next, graph, stack, done) {
            return Some(c);
        }
    }
    stack.pop();
    done.insert(node.to_string());
    None
}

#[test]
fn no_import_cycle_between_top_level_modules() {
    let graph: BTreeMap<String, BTreeSet<String>> =
        edges()
            .into_keys()
            .fold(BTreeMap::new(), |mut g, (from, to)| {
                g.entry(from).or_default().insert(to);
                g
            });
    let mut done = BTreeSet::new();
    let known: BTreeSet<(String, String)> = KNOWN_VIOLATIONS
        .iter()
        .map(|(a, b, _)| (a.to_string(), b.to_string()))
        .collect();
    // Known violations are tolerated as edges until they are removed; any other cycle fails.
    let pruned: BTreeMap<String, BTreeSet<String>> = graph
        .iter()
        .map(|(k, vs)| {
            (
                k.clone(),
                vs.iter()
                    .filter(|v| !known.contains(&(k.clone(), (*v).clone())))
                    .cloned()
                    .collect(),
            )
        })
        .collect();
    for node in pruned.keys() {
        let mut stack = Vec::new();
        if let Some(cycle) = visit(node, &pruned, &mut stack, &mut done) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
}

/// Rooms of one module (the files and folders directly inside `src/<dir>`), and which of
/// them each room uses: `super::X` from a file directly inside, `crate::<dir>::X` from anywhere
/// below.
fn room_edges(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let base = src.join(dir);
    let module_path = format!("crate::{}::", dir.display().to_string().replace('/', "::"));
    let mut rooms = BTreeSet::new();
    for entry in std::fs::read_dir(&base).expect("module folder is readable") {
        let p = entry.expect("entry").path();
        let name = p
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_string();
        if name != "mod" && (p.is_dir() || p.extension().is_some_and(|e| e == "rs")) {
            rooms.insert(name);
        }
    }
    let mut files = Vec::new();
    rust_files(&base, &mut files);
    files.sort();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&base).expect("under the module");
        let room = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or("")
            .trim_end_matches(".rs")
            .to_string();
        if room == "mod" {
            continue;
        }
        let direct = rel.components().count() == 1;
        let text = std::fs::read_to_string(&file).expect("source is readable");
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or("");
            let mut prefixes = vec![module_path.as_str()];
            if direct {
                prefixes.push("super::");
            }
            for prefix in prefixes {
                for (at, _) in code.match_indices(prefix) {
                    let after = &code[at + prefix.len()..];
                    let mut names: Vec<String> = Vec::new();
                    if let Some(inner) = after.strip_prefix('{') {
                        for part in inner.split('}').next().unwrap_or("").split(',') {
                            names.push(part.trim().split("::").next().unwrap_or("").to_string());
                        }
                    } else {
                        names.push(
                            after
                                .chars()
                                .take_while(|c| {
                                    c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'
                                })
                                .collect(),
                        );
                    }
                    for n in names {
                        if n != room && rooms.contains(&n) {
                            out.entry(room.clone()).or_default().insert(n);
                        }
                    }
                }
            }
        }
    }
    out
}

/// Module folders whose rooms must not form cycles, and cycles still there (with the reason).
const ROOM_CHECKED: &[&str] = &["source", "policy", "input", "input/postgres", "report"];
/// (module folder, room, room it uses): the edge is ignored until the cycle is broken.
const KNOWN_ROOM_CYCLES: &[(&str, &str, &str)] = &[];

#[test]
fn no_cycle_between_the_rooms_of_a_module() {
    let mut cycles = Vec::new();
    for dir in ROOM_CHECKED {
        let mut graph = room_edges(Path::new(dir));
        for (d, a, b) in KNOWN_ROOM_CYCLES {
            if d == dir
                && let Some(t) = graph.get_mut(*a)
            {
                t.remove(*b);
            }
        }
        let mut done = BTreeSet::new();
        for node in graph.keys() {
            if let Some(c) = visit(node, &graph, &mut Vec::new(), &mut done) {
                cycles.push(format!("src/{dir}: {}", c.join(" -> ")));
                break;
            }
        }
    }
    assert!(cycles.is_empty(), "cycles between rooms: {cycles:?}");
}

/// The engine is the only door to regorus: no module outside `src/policy/` names it in code.
#[test]
fn regorus_is_reached_only_through_policy() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut outside = Vec::new();
    for file in files {
        let rel = file.strip_prefix(&src).expect("under src");
        if rel.starts_with("policy") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("source is readable");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if code.contains("regorus::") {
                outside.push(format!("{}:{}", rel.display(), n + 1));
            }
        }
    }
    assert!(
        outside.is_empty(),
        "regorus used outside src/policy: {outside:?}"
    );
}
