//! Meta-tests that keep the compliance catalogs and the built-in rules honest.
//!
//! - Every catalog in `policies/frameworks/` parses strictly, names its framework, and has
//!   unique, well-formed control ids; the frameworks that are fully listed have every control.
//! - Every control id a rule cites in its `# METADATA` block exists in that framework's catalog.
//! - Every built-in rule's id, name and severity match `tests/data/rules-catalog.tsv`, the rule
//!   table of the specification (generated from it, see
//!   `rules_catalog_is_the_specifications_rule_table`), so ids and names users rely on
//!   (suppressions, baselines, `--select`) cannot drift.
//!
//! The METADATA blocks are read here from the `.rego` text on purpose, independently of
//! `runeguard::policy::metadata`, so a mistake in one is caught by the other.

mod common;

use runeguard::input::yaml::{Schema, parse_stream, resolve};
use runeguard::source::span::LineIndex;
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The frameworks runeguard knows, in the spelling rules and catalog files use.
#[rustfmt::skip]
const FRAMEWORKS: [&str; 5] = [
    "nist-800-53", "nist-csf-2.0", "soc2", "zero-trust", "cis-kubernetes",
];

/// The 20 control families of NIST SP 800-53 rev5 and how many base controls each has once
/// withdrawn ones are left out (Revision 5 Update 1).
#[rustfmt::skip]
const NIST_FAMILIES: [(&str, usize); 20] = [
    ("AC", 23), ("AT", 5), ("AU", 15), ("CA", 8), ("CM", 14), ("CP", 12), ("IA", 12), ("IR", 9),
    ("MA", 7), ("MP", 8), ("PE", 22), ("PL", 8), ("PM", 32), ("PS", 9), ("PT", 8), ("RA", 9),
    ("SA", 16), ("SC", 47), ("SI", 22), ("SR", 12),
];

/// Withdrawn base controls of rev5: they must never appear in the catalog.
#[rustfmt::skip]
const NIST_WITHDRAWN: [&str; 24] = [
    "AC-13", "AC-15", "AT-5", "AU-15", "CA-4", "CP-5", "IR-10", "PE-7", "PL-3", "PL-5", "PL-6",
    "RA-4", "SA-6", "SA-7", "SA-12", "SA-13", "SA-14", "SA-18", "SA-19", "SC-9", "SC-14", "SC-19",
    "SC-33", "SI-9",
];

/// CSF 2.0 categories and how many subcategories each has (106 in all).
#[rustfmt::skip]
const CSF_CATEGORIES: [(&str, usize); 22] = [
    ("GV.OC", 5), ("GV.RM", 7), ("GV.RR", 4), ("GV.PO", 2), ("GV.OV", 3), ("GV.SC", 10),
    ("ID.AM", 7), ("ID.RA", 10), ("ID.IM", 4), ("PR.AA", 6), ("PR.AT", 2), ("PR.DS", 4),
    ("PR.PS", 6), ("PR.IR", 4), ("DE.CM", 5), ("DE.AE", 6), ("RS.MA", 5), ("RS.AN", 4),
    ("RS.CO", 2), ("RS.MI", 2), ("RC.RP", 6), ("RC.CO", 2),
];

/// The Trust Services Criteria series and how many criteria each has (61 in all).
#[rustfmt::skip]
const SOC2_SERIES: [(&str, u32); 20] = [
    ("CC1", 5), ("CC2", 3), ("CC3", 4), ("CC4", 2), ("CC5", 3), ("CC6", 8), ("CC7", 5), ("CC8", 1),
    ("CC9", 2), ("A1", 3), ("C1", 2), ("PI1", 5), ("P1", 1), ("P2", 1), ("P3", 2), ("P4", 3),
    ("P5", 2), ("P6", 7), ("P7", 1), ("P8", 1),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Catalog {
    framework: String,
    title: String,
    source: String,
    controls: Vec<Control>,
    /// Withdrawn ids and where they went (only the generated NIST tables list them).
    #[serde(default)]
    withdrawn: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Control {
    id: String,
    title: String,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rel(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Parses a one-document YAML text with the YAML 1.2 core schema, strictly: a syntax error,
/// a duplicate key or more than one document is an error.
fn parse_yaml(text: &str) -> Result<Value, String> {
    let lines = LineIndex::new(text);
    let (docs, err) = parse_stream(text, &lines);
    if let Some(e) = err {
        return Err(format!("{}:{}: {}", e.pos.line, e.pos.column, e.message));
    }
    let [doc] = docs.as_slice() else {
        return Err(format!("expected one YAML document, found {}", docs.len()));
    };
    let (value, _, issues) = resolve(&doc.root, Schema::Core, text, &lines)
        .map_err(|e| format!("{}:{}: {}", e.pos.line, e.pos.column, e.message))?;
    if let Some(i) = issues.first() {
        return Err(format!("{}:{}: {}", i.pos.line, i.pos.column, i.message));
    }
    Ok(value)
}

/// Reads a generated table: `# key: value` lines, a header row, one row per control.
fn load_table(framework: &str) -> Result<Catalog, String> {
    let path = root()
        .join("policies/frameworks")
        .join(format!("{framework}.tsv"));
    let name = rel(&path);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{name}: {e}"))?;
    let mut meta = BTreeMap::new();
    let mut header: Option<Vec<&str>> = None;
    let mut catalog = Catalog {
        framework: String::new(),
        title: String::new(),
        source: String::new(),
        controls: Vec::new(),
        withdrawn: BTreeMap::new(),
    };
    for (n, line) in text.lines().enumerate() {
        if let Some(c) = line.strip_prefix("# ") {
            if let Some((k, v)) = c.split_once(": ") {
                meta.insert(k.to_string(), v.to_string());
            }
            continue;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        let Some(cols) = &header else {
            header = Some(cells);
            continue;
        };
        let col = |c: &str| cols.iter().position(|x| *x == c);
        let (Some(id), Some(title), Some(status)) = (col("id"), col("title"), col("status")) else {
            return Err(format!("{name}: the header lacks id, title or status"));
        };
        if cells.len() != cols.len() {
            return Err(format!("{name}:{}: {} cells", n + 1, cells.len()));
        }
        if cells[status] == "active" {
            catalog.controls.push(Control {
                id: cells[id].to_string(),
                title: cells[title].to_string(),
            });
        } else if let Some(note) = cells[status].strip_prefix("withdrawn") {
            catalog.withdrawn.insert(
                cells[id].to_string(),
                note.trim_start_matches(": ").to_string(),
            );
        } else {
            return Err(format!("{name}:{}: status {:?}", n + 1, cells[status]));
        }
    }
    let field = |k: &str| {
        meta.get(k)
            .cloned()
            .ok_or(format!("{name}: no `# {k}:` line"))
    };
    catalog.framework = field("framework")?;
    catalog.title = field("title")?;
    catalog.source = field("source")?;
    Ok(catalog)
}

fn load_catalog(framework: &str) -> Result<Catalog, String> {
    load_table(framework)
}

fn load_catalogs() -> BTreeMap<&'static str, Catalog> {
    let mut out = BTreeMap::new();
    let mut errors = Vec::new();
    for fw in FRAMEWORKS {
        match load_catalog(fw) {
            Ok(c) => {
                out.insert(fw, c);
            }
            Err(e) => errors.push(e),
        }
    }
    assert!(
        errors.is_empty(),
        "catalogs that do not load:\n  {}",
        errors.join("\n  ")
    );
    out
}

/// A decimal number without sign or leading zero, within `1..=max`.
fn number_in(s: &str, max: u32) -> bool {
    !s.is_empty()
        && !s.starts_with('0')
        && s.bytes().all(|b| b.is_ascii_digit())
        && s.parse::<u32>().is_ok_and(|n| n >= 1 && n <= max)
}

/// `AC-6`, `AC-6(10)`: a rev5 family, a control number, an optional enhancement number.
fn valid_nist_id(id: &str) -> bool {
    let Some((family, rest)) = id.split_once('-') else {
        return false;
    };
    if !NIST_FAMILIES.iter().any(|(f, _)| *f == family) {
        return false;
    }
    match rest.split_once('(') {
        None => number_in(rest, 99),
        Some((base, enh)) => {
            number_in(base, 99) && enh.strip_suffix(')').is_some_and(|n| number_in(n, 99))
        }
    }
}

/// `PR.AA-05`: a function, a category, a two-digit subcategory number.
fn valid_csf_id(id: &str) -> bool {
    let Some((category, number)) = id.split_once('-') else {
        return false;
    };
    let Some((function, cat)) = category.split_once('.') else {
        return false;
    };
    ["GV", "ID", "PR", "DE", "RS", "RC"].contains(&function)
        && cat.len() == 2
        && cat.bytes().all(|b| b.is_ascii_uppercase())
        && number.len() == 2
        && number.bytes().all(|b| b.is_ascii_digit())
        && number != "00"
}

/// `CC6.1`, `A1.2`, `PI1.5`, `P6.7`.
fn valid_soc2_id(id: &str) -> bool {
    let Some((series, number)) = id.split_once('.') else {
        return false;
    };
    let series_ok = SOC2_SERIES.iter().any(|(s, _)| *s == series);
    series_ok && number_in(number, 9)
}

/// `ZT-1` … `ZT-7`.
fn valid_zero_trust_id(id: &str) -> bool {
    id.strip_prefix("ZT-").is_some_and(|n| number_in(n, 7))
}

/// `5.2.1`: three dotted numbers.
fn valid_cis_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| number_in(p, 99))
}

fn valid_id(framework: &str, id: &str) -> bool {
    match framework {
        "nist-800-53" => valid_nist_id(id),
        "nist-csf-2.0" => valid_csf_id(id),
        "soc2" => valid_soc2_id(id),
        "zero-trust" => valid_zero_trust_id(id),
        "cis-kubernetes" => valid_cis_id(id),
        _ => false,
    }
}

#[test]
fn id_formats_accept_and_reject_what_they_should() {
    for id in ["AC-6", "AC-6(10)", "SC-7(5)", "SR-12", "PM-32"] {
        assert!(valid_nist_id(id), "{id}");
    }
    for id in [
        "AC-06", "AC-6(05)", "AC6", "XX-1", "AC-6()", "AC-6(1", "ac-6", "AC-0",
    ] {
        assert!(!valid_nist_id(id), "{id}");
    }
    for id in ["PR.AA-05", "GV.OC-01", "RC.CO-04"] {
        assert!(valid_csf_id(id), "{id}");
    }
    for id in [
        "PR.AA-5", "PR.AA05", "PR.AC-1", "XX.AA-01", "PR.aa-01", "PR.AA-00",
    ] {
        assert!(!valid_csf_id(id), "{id}");
    }
    for id in ["CC6.1", "A1.2", "C1.1", "PI1.5", "P6.7", "P8.1"] {
        assert!(valid_soc2_id(id), "{id}");
    }
    for id in ["CC6", "CC10.1", "CC6.01", "P9.1", "cc6.1"] {
        assert!(!valid_soc2_id(id), "{id}");
    }
    assert!(
        valid_zero_trust_id("ZT-7")
            && !valid_zero_trust_id("ZT-8")
            && !valid_zero_trust_id("ZT-07")
    );
    assert!(valid_cis_id("5.1.10") && !valid_cis_id("5.1") && !valid_cis_id("5.01.1"));
}

#[test]
fn catalogs_parse_with_unique_well_formed_ids() {
    let catalogs = load_catalogs();
    let mut errors = Vec::new();
    for (fw, catalog) in &catalogs {
        if catalog.framework != *fw {
            errors.push(format!(
                "{fw}.yaml: `framework: {}` does not match the file name",
                catalog.framework
            ));
        }
        if catalog.title.trim().is_empty() {
            errors.push(format!("{fw}.yaml: empty title"));
        }
        if !catalog.source.starts_with("https://") {
            errors.push(format!(
                "{fw}.yaml: source {:?} is not an https URL",
                catalog.source
            ));
        }
        if catalog.controls.is_empty() {
            errors.push(format!("{fw}.yaml: no controls"));
        }
        let mut seen = BTreeSet::new();
        for c in &catalog.controls {
            if !seen.insert(c.id.as_str()) {
                errors.push(format!("{fw}.yaml: duplicate id {}", c.id));
            }
            if !valid_id(fw, &c.id) {
                errors.push(format!("{fw}.yaml: malformed id {:?}", c.id));
            }
            let t = &c.title;
            if t.trim().is_empty() || t.trim() != t || t.contains('\n') || t.contains("  ") {
                errors.push(format!(
                    "{fw}.yaml: {}: title {t:?} is empty or badly spaced",
                    c.id
                ));
            }
        }
    }
    // No stray catalog for a framework runeguard does not know.
    let dir = root().join("policies/frameworks");
    let entries = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    for path in entries {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if !FRAMEWORKS.contains(&stem) || path.extension().and_then(|e| e.to_str()) != Some("tsv") {
            errors.push(format!(
                "{}: not a catalog of a known framework ({})",
                rel(&path),
                FRAMEWORKS.join(", ")
            ));
        }
    }
    // The frameworks the catalogs describe are the ones the rule types know.
    let known: Vec<&str> = runeguard::rule::Framework::ALL
        .iter()
        .map(|f| f.id())
        .collect();
    assert_eq!(
        known, FRAMEWORKS,
        "runeguard::rule::Framework and this test disagree on the frameworks"
    );
    assert!(
        errors.is_empty(),
        "catalog problems:\n  {}",
        errors.join("\n  ")
    );
}

#[test]
fn nist_800_53_lists_every_base_control_and_no_withdrawn_one() {
    let catalogs = load_catalogs();
    let controls = &catalogs["nist-800-53"].controls;
    let titles: BTreeMap<&str, &str> = controls
        .iter()
        .map(|c| (c.id.as_str(), c.title.as_str()))
        .collect();
    let mut errors = Vec::new();
    for (family, expected) in NIST_FAMILIES {
        let base = controls
            .iter()
            .filter(|c| {
                c.id.split_once('-')
                    .is_some_and(|(f, rest)| f == family && !rest.contains('('))
            })
            .count();
        if base != expected {
            errors.push(format!(
                "family {family}: {base} base controls, expected {expected}"
            ));
        }
    }
    for id in NIST_WITHDRAWN {
        if titles.contains_key(id) {
            errors.push(format!("{id} is withdrawn in rev5"));
        }
    }
    // Every enhancement has its base control, and is titled "<base title> | <own title>".
    for c in controls {
        let Some((base, _)) = c.id.split_once('(') else {
            continue;
        };
        match titles.get(base) {
            None => errors.push(format!("{}: base control {base} is missing", c.id)),
            Some(bt) => {
                let own = c.title.strip_prefix(&format!("{bt} | "));
                if own.is_none_or(|o| o.trim().is_empty()) {
                    errors.push(format!(
                        "{}: title {:?} must read \"{bt} | <enhancement title>\"",
                        c.id, c.title
                    ));
                }
            }
        }
    }
    // Families first (in catalog order), then control and enhancement numbers, ascending.
    let key = |id: &str| -> (usize, u32, u32) {
        let (family, rest) = id.split_once('-').unwrap_or((id, ""));
        let f = NIST_FAMILIES
            .iter()
            .position(|(x, _)| *x == family)
            .unwrap_or(usize::MAX);
        let (n, e) = rest
            .split_once('(')
            .map_or((rest, "0"), |(n, e)| (n, e.trim_end_matches(')')));
        (
            f,
            n.parse().unwrap_or(u32::MAX),
            e.parse().unwrap_or(u32::MAX),
        )
    };
    let order: Vec<_> = controls.iter().map(|c| key(&c.id)).collect();
    if !order.windows(2).all(|w| w[0] < w[1]) {
        errors.push("controls are not in family, control, enhancement order".into());
    }
    assert!(
        errors.is_empty(),
        "nist-800-53.yaml:\n  {}",
        errors.join("\n  ")
    );
}

#[test]
fn csf_lists_all_106_subcategories() {
    let catalogs = load_catalogs();
    let controls = &catalogs["nist-csf-2.0"].controls;
    let mut errors = Vec::new();
    for (category, expected) in CSF_CATEGORIES {
        let n = controls
            .iter()
            .filter(|c| c.id.split_once('-').is_some_and(|(cat, _)| cat == category))
            .count();
        if n != expected {
            errors.push(format!(
                "{category}: {n} subcategories, expected {expected}"
            ));
        }
    }
    for c in controls {
        let category = c.id.split_once('-').map_or("", |(cat, _)| cat);
        if !CSF_CATEGORIES.iter().any(|(x, _)| *x == category) {
            errors.push(format!("{}: not a CSF 2.0 category", c.id));
        }
    }
    assert_eq!(CSF_CATEGORIES.iter().map(|(_, n)| n).sum::<usize>(), 106);
    assert!(
        errors.is_empty(),
        "nist-csf-2.0.yaml:\n  {}",
        errors.join("\n  ")
    );
}

#[test]
fn soc2_lists_every_trust_services_criterion() {
    let catalogs = load_catalogs();
    let got: BTreeSet<&str> = catalogs["soc2"]
        .controls
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    let expected: BTreeSet<String> = SOC2_SERIES
        .iter()
        .flat_map(|(s, n)| (1..=*n).map(move |i| format!("{s}.{i}")))
        .collect();
    let expected: BTreeSet<&str> = expected.iter().map(String::as_str).collect();
    assert_eq!(expected.len(), 61);
    let missing: Vec<_> = expected.difference(&got).collect();
    let extra: Vec<_> = got.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "soc2.tsv: missing {missing:?}, not criteria {extra:?}"
    );
}

#[test]
fn zero_trust_lists_the_seven_tenets_in_order() {
    let catalogs = load_catalogs();
    let ids: Vec<&str> = catalogs["zero-trust"]
        .controls
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["ZT-1", "ZT-2", "ZT-3", "ZT-4", "ZT-5", "ZT-6", "ZT-7"]
    );
}

#[test]
fn cis_kubernetes_lists_only_section_5_recommendations() {
    let catalogs = load_catalogs();
    let bad: Vec<&str> = catalogs["cis-kubernetes"]
        .controls
        .iter()
        .map(|c| c.id.as_str())
        .filter(|id| !id.starts_with("5."))
        .collect();
    assert!(
        bad.is_empty(),
        "cis-kubernetes.tsv: not in section 5 (Policies): {bad:?}"
    );
}

/// Every `.rego` file under `dir`, sorted.
fn rego_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<PathBuf> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().and_then(|e| e.to_str()) == Some("rego") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out
}

/// The YAML of a policy's `# METADATA` block, OPA's way: a `# METADATA` line at column 1 before
/// the `package` line, then the comment lines that follow it, up to the first line that is not
/// a comment. `None` for a file without one (a library or a test file).
fn metadata_yaml(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let package = lines
        .iter()
        .position(|l| l.trim_start().starts_with("package "))
        .unwrap_or(lines.len());
    let start = lines[..package]
        .iter()
        .position(|l| l.trim_end() == "# METADATA")?;
    let mut yaml = String::new();
    for line in &lines[start + 1..] {
        let Some(rest) = line.strip_prefix('#') else {
            break;
        };
        yaml.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        yaml.push('\n');
    }
    Some(yaml)
}

/// A built-in rule as this test reads it.
struct RuleFile {
    path: String,
    metadata: Value,
}

/// Every policy under `policies/` that carries a METADATA block, or the errors reading them.
fn rule_files() -> (Vec<RuleFile>, Vec<String>) {
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    for path in rego_files(&root().join("policies")) {
        let name = rel(&path);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                errors.push(format!("{name}: {e}"));
                continue;
            }
        };
        let Some(yaml) = metadata_yaml(&text) else {
            continue;
        };
        match parse_yaml(&yaml) {
            Ok(metadata) => rules.push(RuleFile {
                path: name,
                metadata,
            }),
            Err(e) => errors.push(format!("{name}: METADATA does not parse: {e}")),
        }
    }
    (rules, errors)
}

fn custom_str<'a>(rule: &'a RuleFile, key: &str) -> Option<&'a str> {
    rule.metadata.get("custom")?.get(key)?.as_str()
}

/// The citation problems of some rules against the catalogs, and how many ids they cite.
fn citation_errors(
    rules: &[RuleFile],
    catalogs: &BTreeMap<&'static str, Catalog>,
) -> (Vec<String>, usize) {
    let ids: BTreeMap<&str, BTreeSet<&str>> = catalogs
        .iter()
        .map(|(fw, c)| (*fw, c.controls.iter().map(|c| c.id.as_str()).collect()))
        .collect();
    let withdrawn: BTreeMap<&str, &BTreeMap<String, String>> =
        catalogs.iter().map(|(fw, c)| (*fw, &c.withdrawn)).collect();
    let mut errors = Vec::new();
    let mut cited = 0;
    for rule in rules {
        let Some(controls) = rule.metadata.get("custom").and_then(|c| c.get("controls")) else {
            errors.push(format!("{}: no custom.controls", rule.path));
            continue;
        };
        let Some(controls) = controls.as_object() else {
            errors.push(format!("{}: custom.controls is not a mapping", rule.path));
            continue;
        };
        for (fw, list) in controls {
            let Some(known) = ids.get(fw.as_str()) else {
                errors.push(format!(
                    "{}: unknown framework {fw:?} (expected {})",
                    rule.path,
                    FRAMEWORKS.join(", ")
                ));
                continue;
            };
            let Some(list) = list.as_array() else {
                errors.push(format!("{}: controls.{fw} is not a list", rule.path));
                continue;
            };
            for id in list {
                cited += 1;
                match id.as_str() {
                    None => errors.push(format!(
                        "{}: {fw}: control id {id} is not a string (quote it)",
                        rule.path
                    )),
                    Some(id) if !valid_id(fw, id) => {
                        errors.push(format!("{}: {fw}: malformed control id {id:?}", rule.path))
                    }
                    Some(id) if !known.contains(id) => {
                        let file = format!("{fw}.tsv");
                        let why = match withdrawn.get(fw.as_str()).and_then(|w| w.get(id)) {
                            Some(note) => format!("withdrawn ({note})"),
                            None => "not".to_string(),
                        };
                        errors.push(format!(
                            "{}: {fw}: {id} is {why} in policies/frameworks/{file}",
                            rule.path
                        ))
                    }
                    Some(_) => {}
                }
            }
        }
    }
    (errors, cited)
}

#[test]
fn every_cited_control_exists_in_its_catalog() {
    let catalogs = load_catalogs();
    let (rules, mut errors) = rule_files();
    let (more, cited) = citation_errors(&rules, &catalogs);
    errors.extend(more);
    eprintln!("{} rules cite {cited} controls", rules.len());
    assert!(cited > 0, "no rule cites a control");
    assert!(
        errors.is_empty(),
        "control citations:\n  {}",
        errors.join("\n  ")
    );
}

#[test]
fn withdrawn_and_unknown_control_ids_are_rejected() {
    let catalogs = load_catalogs();
    let rule = |controls: &str| RuleFile {
        path: "policies/kubernetes/x.rego".into(),
        metadata: parse_yaml(&format!("custom:\n  controls:\n{controls}")).expect("YAML"),
    };
    // AC-13 was withdrawn in rev5 (into AC-2 and AU-6); AC-2(10) too; PR.AC-01 is CSF 1.1.
    for (controls, expected) in [
        (
            "    nist-800-53: [AC-13]\n",
            "AC-13 is withdrawn (incorporated into AC-2, AU-6)",
        ),
        ("    nist-800-53: [AC-2(10)]\n", "AC-2(10) is withdrawn"),
        ("    nist-800-53: [AC-99]\n", "AC-99 is not in"),
        ("    nist-csf-2.0: [PR.AC-01]\n", "PR.AC-01 is withdrawn"),
        ("    nist-csf-2.0: [PR.AA-07]\n", "PR.AA-07 is not in"),
    ] {
        let (errors, _) = citation_errors(&[rule(controls)], &catalogs);
        assert!(
            errors.iter().any(|e| e.contains(expected)),
            "{controls:?}: expected {expected:?} in {errors:?}"
        );
    }
    let (errors, cited) = citation_errors(
        &[rule(
            "    nist-800-53: [AC-6(10), SC-8(1)]\n    nist-csf-2.0: [PR.AA-05]\n",
        )],
        &catalogs,
    );
    assert_eq!((errors, cited), (Vec::<String>::new(), 3));
}

/// `scripts/gen-controls.py --check`: the committed NIST tables are what the generator writes
/// from NIST's OSCAL content in `../shared/standards`. Without that directory (a plain clone)
/// the check cannot run and says so; `.ci/run` runs it always.
#[test]
fn generated_nist_tables_are_up_to_date() {
    let standards = root().join("../shared/standards");
    if !standards.join("oscal-content").is_dir() {
        eprintln!(
            "SKIPPED: {} is missing, so the NIST tables were not compared with their sources \
             (.ci/run runs scripts/gen-controls.py --check)",
            standards.display()
        );
        return;
    }
    let out = std::process::Command::new("python3")
        .arg(root().join("scripts/gen-controls.py"))
        .arg("--check")
        .arg("--standards")
        .arg(&standards)
        .output();
    match out {
        Err(e) => eprintln!("SKIPPED: python3 could not be run ({e}); .ci/run runs the check"),
        Ok(out) => assert!(
            out.status.success(),
            "the NIST tables are stale:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

/// The rule table of the specification: id → (name, severity).
fn rule_table() -> BTreeMap<String, (String, String)> {
    let path = root().join("tests/data/rules-catalog.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", rel(&path)));
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("id\tname\tseverity"),
        "rules-catalog.tsv: header"
    );
    let mut table = BTreeMap::new();
    let mut names = BTreeSet::new();
    for (i, line) in lines.enumerate() {
        let cols: Vec<&str> = line.split('\t').collect();
        let [id, name, severity] = cols.as_slice() else {
            panic!("rules-catalog.tsv:{}: expected 3 columns", i + 2)
        };
        assert!(
            severity.parse::<runeguard::rule::Severity>().is_ok(),
            "rules-catalog.tsv:{}: severity {severity:?}",
            i + 2
        );
        assert!(
            names.insert(name.to_string()),
            "rules-catalog.tsv:{}: duplicate name {name}",
            i + 2
        );
        assert!(
            table
                .insert(id.to_string(), (name.to_string(), severity.to_string()))
                .is_none(),
            "rules-catalog.tsv:{}: duplicate id {id}",
            i + 2
        );
    }
    table
}

/// Where a rule of each id prefix lives, per `docs/writing-rules.md` and the catalog's sections.
fn dir_for(id: &str) -> Option<&'static str> {
    match id.split('-').next()? {
        "K8S" => Some("kubernetes"),
        "IST" => Some("istio"),
        "SQL" => Some("postgres"),
        "CFG" => Some("config"),
        _ => None,
    }
}

#[test]
fn builtin_rules_match_the_rule_catalog() {
    let table = rule_table();
    assert_eq!(
        table.len(),
        98,
        "rules-catalog.tsv holds the 98 rules of the specification"
    );
    let (rules, mut errors) = rule_files();
    let mut ids = BTreeMap::new();
    let mut names = BTreeMap::new();
    for rule in &rules {
        let (Some(id), Some(name), Some(severity)) = (
            custom_str(rule, "id"),
            custom_str(rule, "name"),
            custom_str(rule, "severity"),
        ) else {
            errors.push(format!(
                "{}: custom.id, custom.name and custom.severity must be strings",
                rule.path
            ));
            continue;
        };
        if let Some(other) = ids.insert(id, &rule.path) {
            errors.push(format!("{}: id {id} is also used by {other}", rule.path));
        }
        if let Some(other) = names.insert(name, &rule.path) {
            errors.push(format!(
                "{}: name {name} is also used by {other}",
                rule.path
            ));
        }
        let Some((want_name, want_severity)) = table.get(id) else {
            errors.push(format!(
                "{}: id {id} is not in the rule catalog (tests/data/rules-catalog.tsv)",
                rule.path
            ));
            continue;
        };
        if name != want_name {
            errors.push(format!(
                "{}: {id} is named {name:?}, the catalog says {want_name:?}",
                rule.path
            ));
        }
        if severity != want_severity {
            errors.push(format!(
                "{}: {id} has severity {severity:?}, the catalog says {want_severity:?}",
                rule.path
            ));
        }
        let want_path =
            dir_for(id).map(|dir| format!("policies/{dir}/{}.rego", want_name.replace('-', "_")));
        if want_path.as_deref() != Some(rule.path.as_str()) {
            errors.push(format!(
                "{}: {id} belongs in {}",
                rule.path,
                want_path.unwrap_or_else(|| "?".into())
            ));
        }
    }
    let missing: Vec<&str> = table
        .keys()
        .map(String::as_str)
        .filter(|id| !ids.contains_key(id))
        .collect();
    if !missing.is_empty() {
        errors.push(format!(
            "{} of {} catalog rules exist; missing: {}",
            ids.len(),
            table.len(),
            missing.join(" ")
        ));
    }
    assert_eq!(rules.len(), table.len(), "one policy file per catalog rule");
    assert!(
        errors.is_empty(),
        "built-in rules vs the rule catalog:\n  {}",
        errors.join("\n  ")
    );
}

/// `tests/data/rules-catalog.tsv` is generated from the rule tables of the specification
/// (`../shared/spec/RULES.md`), so that the checks above run on a clone without it: when the
/// specification is at hand, the two must agree row for row (a skip is visible, and a failure
/// under RUNEGUARD_REQUIRE_SHARED=1). `RUNEGUARD_UPDATE_CATALOG=1 cargo test --test catalog
/// rules_catalog` rewrites the file from the specification; nobody edits it by hand.
#[test]
fn rules_catalog_is_the_specifications_rule_table() {
    let spec = root().join("../shared/spec/RULES.md");
    let Ok(text) = std::fs::read_to_string(&spec) else {
        common::skip(
            "rules_catalog_is_the_specifications_rule_table",
            &format!("{} not found", spec.display()),
        );
        return;
    };
    // The rows of the tables whose header starts `| id | name | sev |`.
    let mut rows = Vec::new();
    let mut in_table = false;
    for line in text.lines() {
        let cells: Vec<&str> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        if !line.trim_start().starts_with('|') {
            in_table = false;
        } else if cells.starts_with(&["id", "name", "sev"]) {
            in_table = true;
        } else if in_table && cells.len() >= 3 && !cells[0].starts_with("---") {
            // A name may be marked `⊕` (a rule over many documents) or formatted as code.
            let name = cells[1].trim_matches(['`', '⊕', ' ']).to_string();
            rows.push((cells[0].to_string(), name, cells[2].to_string()));
        }
    }
    assert_eq!(rows.len(), 98, "RULES.md lists 98 rules");
    if std::env::var("RUNEGUARD_UPDATE_CATALOG").is_ok_and(|v| v == "1") {
        let mut tsv = String::from("id\tname\tseverity\n");
        for (id, name, severity) in &rows {
            tsv.push_str(&format!("{id}\t{name}\t{severity}\n"));
        }
        let path = root().join("tests/data/rules-catalog.tsv");
        std::fs::write(&path, tsv).unwrap_or_else(|e| panic!("{}: {e}", rel(&path)));
    }
    let ours = common::rules_catalog();
    assert_eq!(
        ours,
        rows,
        "tests/data/rules-catalog.tsv vs {}",
        spec.display()
    );
}
