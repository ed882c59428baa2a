//! Findings in subcharts a repository holds as `.tgz` archives (`charts/redis-17.3.7.tgz`, as
//! `helm dependency build` leaves them). No line inside an archive can be changed in the
//! repository, nor carry a suppression comment: the place a person acts on is the parent
//! chart that is a folder, where its values override the subchart's (`redis.master.
//! securityContext…`) and its `dependencies` entry chose the subchart. A finding whose place
//! is inside an archive points there instead; the archive's line stays a related location.

use super::skipped::ChartValues;
use super::{Chart, values};
use crate::source::SourceFile;
use crate::source::map::{Origin, OriginRole};
use crate::source::span::PathSeg;
use std::sync::Arc;

/// How one chart of a render sits under its parent.
#[derive(Debug)]
pub(super) struct ChartLink {
    pub(super) parent: Option<usize>,
    /// The values key its parent knows it by (the dependency's alias, else its name).
    pub(super) key: String,
    /// The shown path its files start with (`chart/charts/redis-17.3.7.tgz#redis/`).
    pub(super) prefix: String,
    /// Read from an archive: none of its files is a file of the repository.
    pub(super) archived: bool,
    /// For an archived chart whose parent is a folder: the `name:` of its entry in the
    /// parent's `dependencies`, if one names it.
    pub(super) dependency: Option<Origin>,
}

impl ChartLink {
    /// The link of `chart`, known by `key` under `parent` (index and chart, and whether that
    /// one is archived).
    pub(super) fn of(chart: &Chart, key: &str, parent: Option<(usize, &Chart, bool)>) -> Self {
        let manifest = chart.file("Chart.yaml");
        let archived = manifest.is_some_and(|f| f.fs_path.is_none());
        let dependency = match parent {
            Some((_, above, false)) if archived => dependency_entry(above, key, &chart.name),
            _ => None,
        };
        ChartLink {
            parent: parent.map(|(i, _, _)| i),
            key: key.to_string(),
            prefix: manifest.map_or_else(String::new, |f| {
                f.display.trim_end_matches("Chart.yaml").to_string()
            }),
            archived,
            dependency,
        }
    }
}

/// A chart's dependency list (`requirements.yaml` for a Helm 2 chart, else `Chart.yaml`) with
/// its spans, read again: only the rare findings and notes about a dependency need them.
pub(super) fn dependency_list(
    chart: &Chart,
) -> Option<(Arc<SourceFile>, crate::source::span::SpanTree)> {
    let listed = chart
        .file("requirements.yaml")
        .or_else(|| chart.file("Chart.yaml"))?;
    let src = super::chart::source(listed).ok()?;
    let (_, tree) = values::read_yaml(&src).ok()?;
    Some((src, tree))
}

/// Where entry `i` of `dependencies` names its chart (its `name:` entry).
pub(super) fn dependency_name(
    list: &(Arc<SourceFile>, crate::source::span::SpanTree),
    i: usize,
) -> Option<Origin> {
    let at = [
        PathSeg::Key("dependencies".into()),
        PathSeg::Index(i),
        PathSeg::Key("name".into()),
    ];
    Some(Origin {
        role: OriginRole::Dependency,
        file: list.0.clone(),
        span: list.1.get(&at)?.focus,
    })
}

/// The entry of `parent`'s dependencies that names the subchart known by `key` (its alias,
/// else the chart's `name`).
fn dependency_entry(parent: &Chart, key: &str, name: &str) -> Option<Origin> {
    let deps = parent.meta.get("dependencies")?.as_array()?;
    let field =
        |d: &serde_json::Value, k: &str| d.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    let i = deps
        .iter()
        .position(|d| field(d, "alias").as_deref() == Some(key))
        .or_else(|| {
            deps.iter().position(|d| {
                field(d, "alias").is_none() && field(d, "name").as_deref() == Some(name)
            })
        })?;
    dependency_name(&dependency_list(parent)?, i)
}

impl ChartValues {
    /// The archived chart whose files `path` is one of, the innermost.
    fn archived_owner(&self, path: &str) -> Option<usize> {
        self.links
            .iter()
            .enumerate()
            .filter(|(_, l)| l.archived && !l.prefix.is_empty() && path.starts_with(&l.prefix))
            .max_by_key(|(_, l)| l.prefix.len())
            .map(|(i, _)| i)
    }

    /// For an origin inside an archived subchart: the place in the folder chart above it that
    /// a person changes instead. For a line of the subchart's values, the deepest entry of
    /// the folder chart's values (or `--set`) on the way to the key that overrides it
    /// (`redis:` when the parent sets nothing under `redis.master`); for a template line, or
    /// when the parent's values hold nothing of the subchart's, its `dependencies` entry.
    /// None for an origin outside archives, or a subchart no entry names.
    pub fn outside_archives(&self, o: &Origin) -> Option<Origin> {
        let owner = self.archived_owner(&o.file.path)?;
        // The keys from the folder chart down to the owner, and the archived chart right
        // under the folder chart.
        let mut keys = Vec::new();
        let mut top = owner;
        let folder = loop {
            keys.push(self.links[top].key.clone());
            let parent = self.links[top].parent?;
            if !self.links[parent].archived {
                break parent;
            }
            top = parent;
        };
        keys.reverse();
        let overridden = matches!(o.role, OriginRole::Values | OriginRole::ValuesPart)
            .then(|| {
                let (_, own) = self.charts.get(owner)?;
                let (path, _) = own
                    .by_path
                    .iter()
                    .find(|(_, v)| v.span == o.span && v.file.path == o.file.path)?;
                // `global` is every chart's: the parent overrides it at its own top level.
                if path.first().is_some_and(|k| k == "global") {
                    keys.clear();
                }
                keys.extend(path.iter().cloned());
                let (_, above) = self.charts.get(folder)?;
                (1..=keys.len()).rev().find_map(|n| {
                    above.get(&keys[..n]).filter(|x| {
                        matches!(x.role, OriginRole::Values | OriginRole::Set)
                            && self.archived_owner(&x.file.path).is_none()
                    })
                })
            })
            .flatten();
        overridden
            .cloned()
            .or_else(|| self.links[top].dependency.clone())
    }
}
