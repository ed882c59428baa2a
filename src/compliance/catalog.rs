//! Control catalogs: the controls of each framework with their titles (and, for SP 800-53,
//! groups and baselines), read from the files under `policies/frameworks/` embedded in the
//! binary.

use crate::rule::Framework;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// One control of a framework catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Control {
    pub id: &'static str,
    pub title: &'static str,
    /// The id in NIST's OSCAL catalog (`ac-6.10` for `AC-6(10)`), for the NIST frameworks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oscal_id: Option<&'static str>,
    /// The group the control belongs to: (`AC`, `Access Control`) for an SP 800-53 family,
    /// (`PR.AA`, its title) for a CSF 2.0 category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<(&'static str, &'static str)>,
    /// The SP 800-53 baselines that select the control.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub baselines: Vec<Profile>,
}

/// A withdrawn control of a catalog, with where its content went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Withdrawn {
    pub id: &'static str,
    pub title: &'static str,
    /// e.g. `incorporated into AC-2, AU-6`.
    pub note: &'static str,
}

/// A framework's control catalog, as read from `policies/frameworks/<id>.tsv`. Its texts are
/// slices of the embedded table: a run's compliance summary reads the catalogs (≈ 1,900 rows)
/// and copying each cell into its own `String` was most of their cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Catalog {
    pub framework: Framework,
    pub title: String,
    pub source: Option<String>,
    /// Active controls, in catalog order.
    pub controls: Vec<Control>,
    /// Withdrawn controls (the generated NIST tables list them), in catalog order.
    pub withdrawn: Vec<Withdrawn>,
    /// The NIST catalog it was generated from (title, version, OSCAL version, uuid).
    pub catalog: Option<String>,
}

impl Catalog {
    pub fn get(&self, id: &str) -> Option<&Control> {
        self.controls.iter().find(|c| c.id == id)
    }

    pub fn withdrawn(&self, id: &str) -> Option<&Withdrawn> {
        self.withdrawn.iter().find(|w| w.id == id)
    }
}

/// An SP 800-53 rev5 security control baseline (NIST SP 800-53B), for `--profile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    Low,
    Moderate,
    High,
}

impl Profile {
    pub const ALL: [Profile; 3] = [Profile::Low, Profile::Moderate, Profile::High];

    /// The `--profile` spelling.
    pub fn id(self) -> &'static str {
        match self {
            Profile::Low => "nist-800-53-low",
            Profile::Moderate => "nist-800-53-moderate",
            Profile::High => "nist-800-53-high",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Profile::Low => "NIST SP 800-53 rev5 LOW baseline",
            Profile::Moderate => "NIST SP 800-53 rev5 MODERATE baseline",
            Profile::High => "NIST SP 800-53 rev5 HIGH baseline",
        }
    }

    fn letter(self) -> char {
        match self {
            Profile::Low => 'L',
            Profile::Moderate => 'M',
            Profile::High => 'H',
        }
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        Profile::ALL
            .into_iter()
            .find(|p| p.id() == s || p.id().trim_start_matches("nist-800-53-") == s)
            .ok_or_else(|| {
                format!(
                    "unknown profile {s:?} (expected nist-800-53-low, nist-800-53-moderate or nist-800-53-high)"
                )
            })
    }
}

/// The embedded path of a framework's catalog table: generated from NIST's OSCAL content for
/// the NIST frameworks, written by hand for the others.
pub fn table_path(framework: Framework) -> String {
    format!("policies/frameworks/{}.tsv", framework.id())
}

/// The positions of a table's named columns (the first column of each name), from its header
/// row.
struct Columns {
    count: usize,
    id: Option<usize>,
    title: Option<usize>,
    status: Option<usize>,
    oscal_id: Option<usize>,
    family: Option<usize>,
    category: Option<usize>,
    category_title: Option<usize>,
    baselines: Option<usize>,
}

impl Columns {
    fn of(header: &[&str]) -> Columns {
        let find = |name: &str| header.iter().position(|c| *c == name);
        Columns {
            count: header.len(),
            id: find("id"),
            title: find("title"),
            status: find("status"),
            oscal_id: find("oscal_id"),
            family: find("family"),
            category: find("category"),
            category_title: find("category_title"),
            baselines: find("baselines"),
        }
    }
}

/// `line.split('\t')` into `out` (cleared first), a byte at a time: the cells are short, and
/// `str::split` with a `char` searches for each tab with a general-purpose routine.
fn split_tabs<'a>(line: &'a str, out: &mut Vec<&'a str>) {
    out.clear();
    let mut start = 0;
    for (i, b) in line.bytes().enumerate() {
        if b == b'\t' {
            out.push(&line[start..i]);
            start = i + 1;
        }
    }
    out.push(&line[start..]);
}

/// Parses a table written by `scripts/gen-controls.py`: `# key: value` header lines, a column
/// header row, then one tab-separated row per control. The columns are named by the header row;
/// `id`, `title` and `status` are required, `oscal_id`, `family`, `category`,
/// `category_title` and `baselines` are used when present.
pub fn parse_table(path: &str, text: &'static str) -> Result<Catalog, String> {
    let mut meta: BTreeMap<&str, &'static str> = BTreeMap::new();
    let mut columns: Option<Columns> = None;
    let mut controls = Vec::new();
    let mut withdrawn = Vec::new();
    // One buffer for every row's cells (the NIST tables have ≈ 1,700 rows, read by every
    // report's compliance summary).
    let mut cells: Vec<&'static str> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let at = |msg: String| format!("{path}:{}: {msg}", n + 1);
        if let Some(comment) = line.strip_prefix("# ") {
            if let Some((k, v)) = comment.split_once(": ") {
                meta.entry(k.trim()).or_insert(v.trim());
            }
            continue;
        }
        // A blank line, or a comment without text (`#`), between paragraphs of the header.
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        split_tabs(line, &mut cells);
        let Some(cols) = &columns else {
            columns = Some(Columns::of(&cells));
            continue;
        };
        if cells.len() != cols.count {
            return Err(at(format!(
                "{} cells, the header has {}",
                cells.len(),
                cols.count
            )));
        }
        let get = |column: Option<usize>| column.map(|i| cells[i]).filter(|v| !v.is_empty());
        let (Some(id), Some(title), Some(status)) =
            (get(cols.id), get(cols.title), get(cols.status))
        else {
            return Err(at("a row needs an id, a title and a status".into()));
        };
        if let Some(note) = status.strip_prefix("withdrawn") {
            withdrawn.push(Withdrawn {
                id,
                title,
                note: note.trim_start_matches(':').trim(),
            });
            continue;
        }
        if status != "active" {
            return Err(at(format!("unknown status {status:?}")));
        }
        let group = match (
            get(cols.family),
            get(cols.category),
            get(cols.category_title),
        ) {
            (Some(family), _, _) => Some((id.split_once('-').map_or(id, |(f, _)| f), family)),
            (None, Some(cat), Some(title)) => Some((cat, title)),
            _ => None,
        };
        let baselines = get(cols.baselines).unwrap_or_default();
        controls.push(Control {
            id,
            title,
            oscal_id: get(cols.oscal_id),
            group,
            baselines: Profile::ALL
                .into_iter()
                .filter(|p| baselines.contains(p.letter()))
                .collect(),
        });
    }
    if columns.is_none() {
        return Err(format!("{path}: no header row"));
    }
    let framework = meta
        .get("framework")
        .ok_or_else(|| format!("{path}: no `# framework:` line"))?;
    let framework = Framework::parse(framework)
        .ok_or_else(|| format!("{path}: unknown framework {framework:?}"))?;
    Ok(Catalog {
        framework,
        title: meta
            .get("title")
            .map_or_else(|| framework.title().to_string(), |t| t.to_string()),
        source: meta.get("source").map(|s| s.to_string()),
        controls,
        withdrawn,
        catalog: meta.get("catalog").map(|s| s.to_string()),
    })
}

/// The embedded catalog of a framework: `Ok(None)` when no catalog file is embedded.
pub fn load_catalog(framework: Framework) -> Result<Option<Catalog>, String> {
    let path = table_path(framework);
    let Some(text) = crate::embedded::get(&path) else {
        return Ok(None);
    };
    let catalog = parse_table(&path, text)?;
    if catalog.framework != framework {
        return Err(format!(
            "{path}: declares framework {}",
            catalog.framework.id()
        ));
    }
    Ok(Some(catalog))
}

/// Every embedded catalog that loads, parsed once per process.
pub fn catalogs() -> &'static BTreeMap<Framework, Catalog> {
    static CATALOGS: OnceLock<BTreeMap<Framework, Catalog>> = OnceLock::new();
    CATALOGS.get_or_init(|| {
        Framework::ALL
            .into_iter()
            .filter_map(|f| load_catalog(f).ok().flatten().map(|c| (f, c)))
            .collect()
    })
}

/// The title of a control in the embedded catalogs.
pub fn control_title(framework: Framework, id: &str) -> Option<&'static str> {
    title_in(catalogs(), framework, id)
}

/// The title of a control in the given catalogs.
pub fn title_in<'a>(
    catalogs: &'a BTreeMap<Framework, Catalog>,
    framework: Framework,
    id: &str,
) -> Option<&'a str> {
    catalogs
        .get(&framework)
        .and_then(|c| c.get(id))
        .map(|c| c.title)
}

/// A control id with its catalog title: `AC-6(10) Least Privilege | Prohibit …`.
pub fn titled(framework: Framework, id: &str) -> String {
    with_title(id, control_title(framework, id))
}

/// A control id followed by its title, when there is one.
pub fn with_title(id: &str, title: Option<&str>) -> String {
    match title {
        Some(t) => format!("{id} {t}"),
        None => id.to_string(),
    }
}

#[cfg(test)]
mod split_tests {
    use super::split_tabs;

    /// The byte-wise splitter gives what `str::split('\t')` gives, on every shape of row.
    #[test]
    fn split_tabs_is_split_on_tab() {
        let mut out = Vec::new();
        for line in [
            "",
            "\t",
            "a",
            "a\tb",
            "\ta\t\tb\t",
            "AC-2(1)\tac-2.1\tAccount Management | Automated\tAccess Control\tMH\tactive",
            "ü\té\t日本\t",
            "x\t\t\t",
        ] {
            split_tabs(line, &mut out);
            assert_eq!(out, line.split('\t').collect::<Vec<_>>(), "{line:?}");
        }
    }
}
