//! Control catalogs: the controls of each framework with their titles (and, for SP 800-53,
//! groups and baselines), read from the files under `policies/frameworks/` embedded in the
//! binary.

use super::table;
use crate::rule::Framework;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
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
    #[serde(skip_serializing_if = "<[Profile]>::is_empty")]
    pub baselines: &'static [Profile],
}

/// A withdrawn control of a catalog, with where its content went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Withdrawn {
    pub id: &'static str,
    pub title: &'static str,
    /// e.g. `incorporated into AC-2, AU-6`.
    pub note: &'static str,
}

/// A framework's control catalog, as read from `policies/frameworks/<id>.tsv`. The embedded
/// tables are read when the binary is built (`build.rs`, [`catalogs`]); a table given at run
/// time is read by [`parse_table`], its texts slices of the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Catalog {
    pub framework: Framework,
    pub title: &'static str,
    pub source: Option<&'static str>,
    /// Active controls, in catalog order.
    pub controls: Cow<'static, [Control]>,
    /// Withdrawn controls (the generated NIST tables list them), in catalog order.
    pub withdrawn: Cow<'static, [Withdrawn]>,
    /// The NIST catalog it was generated from (title, version, OSCAL version, uuid).
    pub catalog: Option<&'static str>,
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

    /// The baselines named by a table's letters (`LMH`, any order, repeats ignored), in
    /// [`Profile::ALL`]'s order. A `const fn`, so that the catalogs `build.rs` writes are
    /// static data.
    pub const fn of_letters(letters: &str) -> &'static [Profile] {
        const SETS: [&[Profile]; 8] = [
            &[],
            &[Profile::Low],
            &[Profile::Moderate],
            &[Profile::Low, Profile::Moderate],
            &[Profile::High],
            &[Profile::Low, Profile::High],
            &[Profile::Moderate, Profile::High],
            &[Profile::Low, Profile::Moderate, Profile::High],
        ];
        let b = letters.as_bytes();
        let (mut i, mut bits) = (0, 0);
        while i < b.len() {
            bits |= match b[i] {
                b'L' => 1,
                b'M' => 2,
                b'H' => 4,
                _ => 0,
            };
            i += 1;
        }
        SETS[bits]
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

/// Reads a catalog table given at run time (the embedded ones are read when the binary is built:
/// [`catalogs`]): see [`table::read`] for its form.
pub fn parse_table(path: &str, text: &'static str) -> Result<Catalog, String> {
    let t = table::read(path, text)?;
    let controls = t
        .controls
        .iter()
        .map(|r| Control {
            id: r.id,
            title: r.title,
            oscal_id: r.oscal_id,
            group: r.group,
            baselines: Profile::of_letters(r.baselines),
        })
        .collect();
    let withdrawn = t
        .withdrawn
        .iter()
        .map(|w| Withdrawn {
            id: w.id,
            title: w.title,
            note: w.note,
        })
        .collect();
    catalog_of(path, &t.meta, Cow::Owned(controls), Cow::Owned(withdrawn))
}

/// A catalog from a table's header lines and rows.
fn catalog_of(
    path: &str,
    meta: &[(&'static str, &'static str)],
    controls: Cow<'static, [Control]>,
    withdrawn: Cow<'static, [Withdrawn]>,
) -> Result<Catalog, String> {
    let get = |key: &str| meta.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let framework = get("framework").ok_or_else(|| format!("{path}: no `# framework:` line"))?;
    let framework = Framework::parse(framework)
        .ok_or_else(|| format!("{path}: unknown framework {framework:?}"))?;
    Ok(Catalog {
        framework,
        title: get("title").unwrap_or_else(|| framework.title()),
        source: get("source"),
        controls,
        withdrawn,
        catalog: get("catalog"),
    })
}

/// An embedded table as `build.rs` read it.
struct BuiltTable {
    path: &'static str,
    meta: &'static [(&'static str, &'static str)],
    controls: &'static [Control],
    withdrawn: &'static [Withdrawn],
}

/// The embedded tables (`TABLES`), written by `build.rs`.
mod built {
    use super::{BuiltTable, Control, Profile, Withdrawn};
    include!(concat!(env!("OUT_DIR"), "/catalogs.rs"));
}

/// The embedded catalog of a framework: `Ok(None)` when no catalog file is embedded.
pub fn load_catalog(framework: Framework) -> Result<Option<Catalog>, String> {
    let path = table_path(framework);
    let Some(t) = built::TABLES.iter().find(|t| t.path == path) else {
        return Ok(None);
    };
    let catalog = catalog_of(
        &path,
        t.meta,
        Cow::Borrowed(t.controls),
        Cow::Borrowed(t.withdrawn),
    )?;
    if catalog.framework != framework {
        return Err(format!(
            "{path}: declares framework {}",
            catalog.framework.id()
        ));
    }
    Ok(Some(catalog))
}

/// Every embedded catalog that loads, made once per process from the static tables.
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
    use super::table::split_tabs;

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
