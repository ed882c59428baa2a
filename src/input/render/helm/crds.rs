//! `--include-crds` (Kustomize's `helmCharts[].includeCRDs`): the charts' `crds/` files,
//! printed before the rendered templates as `helm template --include-crds` prints them.

use super::{ChartFile, Doc, Prepared, source};
use crate::source::Problem;
use crate::source::map::{Origin, OriginRole};
use crate::source::span::Span;

/// `--include-crds`: the files under `crds/` of every rendered chart (the chart first, then
/// its subcharts, as Helm's `CRDObjects` lists them), each line its own origin.
pub(super) fn crd_docs(flat: &[&Prepared], problems: &mut Vec<Problem>) -> Vec<Doc> {
    let mut out = Vec::new();
    for p in flat {
        let mut files: Vec<&ChartFile> = p
            .chart
            .files
            .iter()
            .filter(|f| {
                f.rel.starts_with("crds/")
                    && [".yaml", ".yml", ".json"]
                        .iter()
                        .any(|e| f.rel.ends_with(e))
            })
            .collect();
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        for f in files {
            let src = match source(f) {
                Ok(s) => s,
                Err(e) => {
                    problems.push(e);
                    continue;
                }
            };
            let content = src.text.trim_end_matches('\n').to_string();
            let segments = (1..=src.lines.line_count() as u32)
                .map(|line| {
                    let r = src.lines.line_range(&src.text, line);
                    let span = Span::new(r.start, r.end);
                    let origin = Origin {
                        role: OriginRole::Template,
                        file: src.clone(),
                        span,
                    };
                    (
                        r.start.min(content.len())..r.end.min(content.len()),
                        vec![origin],
                    )
                })
                .filter(|(r, _)| !r.is_empty())
                .collect();
            out.push(Doc {
                name: format!("{}/{}", p.path, f.rel),
                content,
                kind: "CustomResourceDefinition".into(),
                segments,
                nodes: Vec::new(),
            });
        }
    }
    out
}
