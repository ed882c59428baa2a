//! `helmCharts`: local charts rendered by the Helm renderer with the options Kustomize's
//! `HelmChartInflationGenerator` passes to `helm template`, their objects keeping the chart's
//! own origins (template and values lines; inline values at their kustomization line).

use super::node::{self, Node, V};
use super::{Acc, Builder, Kust, Res, join_display};
use crate::input::render::{InlineValues, Rendered};
use crate::source::Problem;
use crate::source::map::OriginRole;
use crate::source::span::{Children, PathSeg, SpanTree};

impl Builder<'_> {
    /// `helmCharts` (with `helmGlobals.chartHome`, default `charts`).
    /// The old `helmChartInflationGenerator` entries are turned into `helmCharts` entries after
    /// those, as Kustomize's `FixKustomization` turns them: `chartName`, `chartVersion`,
    /// `chartRepoUrl`, `values`, `valuesLocal`, `valuesMerge` and `releaseName` become
    /// `name`, `version`, `repo`, `valuesFile`, `valuesInline`, `valuesMerge` and
    /// `releaseName`; an entry's `chartHome` becomes `helmGlobals.chartHome` (for every chart;
    /// the last one wins); the other fields (`releaseNamespace`, `extraArgs`, `helmBin`, …)
    /// are dropped (measured with kubectl kustomize v5.8: `releaseNamespace: store` and
    /// `extraArgs: [--skip-tests]` change nothing).
    pub(super) fn helm_charts(&mut self, kust: &Kust, acc: &mut Acc) {
        let old = kust.list("helmChartInflationGenerator");
        let home = old
            .iter()
            .rev()
            .filter_map(|e| e.get_str("chartHome"))
            .find(|h| !h.is_empty())
            .or_else(|| kust.get("helmGlobals").and_then(|g| g.get_str("chartHome")))
            .unwrap_or("charts")
            .to_string();
        for (i, entry) in kust.list("helmCharts").into_iter().enumerate() {
            let inline = vec![
                PathSeg::Key("helmCharts".into()),
                PathSeg::Index(i),
                PathSeg::Key("valuesInline".into()),
            ];
            self.helm_chart(kust, &home, entry, Some(inline), None, acc);
        }
        for (i, entry) in old.into_iter().enumerate() {
            let mut chart = Node::map(entry.org.clone());
            for (from, to) in [
                ("chartName", "name"),
                ("chartVersion", "version"),
                ("chartRepoUrl", "repo"),
                ("values", "valuesFile"),
                ("valuesLocal", "valuesInline"),
                ("valuesMerge", "valuesMerge"),
                ("releaseName", "releaseName"),
            ] {
                if let Some(v) = entry.get(from) {
                    chart.set(to, v.clone());
                }
            }
            let inline = vec![
                PathSeg::Key("helmChartInflationGenerator".into()),
                PathSeg::Index(i),
                PathSeg::Key("valuesLocal".into()),
            ];
            self.helm_chart(kust, &home, &chart, Some(inline), None, acc);
        }
    }

    /// A `HelmChartInflationGenerator` configuration listed under `generators:` (a file or
    /// inline text): the chart fields of a `helmCharts` entry at its top level, with
    /// `chartHome` (default `charts`, from the kustomization's folder) beside them. Its
    /// objects are configured by it (their origin annotation names it).
    pub(super) fn helm_chart_config(&mut self, kust: &Kust, config: &Node, acc: &mut Acc) {
        let home = config.get_str("chartHome").unwrap_or("charts").to_string();
        let name = config
            .path(&["metadata", "name"])
            .and_then(Node::as_str)
            .map(str::to_string);
        let file = config
            .org
            .as_ref()
            .map(|o| o.file.clone())
            .unwrap_or_else(|| kust.file.clone());
        self.helm_chart(kust, &home, config, None, Some((file, name)), acc);
    }

    /// One chart: `inline` is where a `helmCharts` entry's `valuesInline` is in the
    /// kustomization (None: read from `entry` itself); `config` the generator configuration's
    /// file and name when the chart comes from one.
    fn helm_chart(
        &mut self,
        kust: &Kust,
        home: &str,
        entry: &Node,
        inline: Option<Vec<PathSeg>>,
        config: Option<(std::sync::Arc<crate::source::SourceFile>, Option<String>)>,
        acc: &mut Acc,
    ) {
        let at = &kust.file.path;
        let what = if config.is_some() {
            "a HelmChartInflationGenerator configuration"
        } else {
            "a helmCharts entry"
        };
        let Some(name) = entry.get_str("name") else {
            self.problem_at(entry, at, format!("{what} without `name`"));
            return;
        };
        // A chart pulled from a repository at a version lives in `<home>/<name>-<version>/`.
        let rel = match (entry.get_str("repo"), entry.get_str("version")) {
            (Some(_), Some(version)) => format!("{home}/{name}-{version}/{name}"),
            _ => format!("{home}/{name}"),
        };
        let dir = kust.dir.join(&rel);
        let display = join_display(&kust.display, &rel);
        if !dir.join("Chart.yaml").is_file() {
            let msg = match entry.get_str("repo") {
                Some(repo) => format!(
                    "chart {name} from {repo} is not fetched (no local copy at {display}); its objects were not checked"
                ),
                None => format!("chart {name} not found at {display}"),
            };
            // Kustomize, with `--enable-helm`, pulls a chart from its repository: a patch,
            // replacement or merging generator naming one of its objects then finds it (as
            // for a remote resource, [`Acc::unfetched`]).
            if entry.get_str("repo").is_some() {
                acc.unfetched = true;
            }
            self.problem_at(entry, at, msg);
            return;
        }
        let Some(opts) = self.chart_options(kust, inline, entry, &dir) else {
            return;
        };
        self.check_chart_fields(kust, entry, config.is_some());
        let skip_tests = flag(entry, "skipTests");
        let skip_hooks = flag(entry, "skipHooks");
        let out = crate::input::render::helm::render_chart(&dir, &display, &opts);
        self.problems.extend(out.problems);
        let Some(rendered) = out.rendered else {
            return;
        };
        let stream = rendered.stream.clone();
        let docs = match node::load_docs(&stream.text, &stream, OriginRole::Template, None) {
            Ok(d) => d,
            Err(e) => {
                self.problems
                    .push(Problem::error(&display, Some(e.pos), e.message));
                return;
            }
        };
        for mut d in docs {
            remap(&mut d, &rendered);
            for obj in self.objects(d, &stream) {
                let hook = hook_events(&obj);
                if (skip_hooks && hook.is_some())
                    || (skip_tests && hook.is_some_and(|h| is_test_hook(&h)))
                {
                    continue;
                }
                let source = obj
                    .org
                    .as_ref()
                    .map(|o| o.file.clone())
                    .unwrap_or(stream.clone());
                let mut res = Res::new(obj, source);
                match &config {
                    Some((file, name)) => {
                        res.generator = Some(("HelmChartInflationGenerator", file.clone()));
                        res.generator_config = name.clone();
                    }
                    None => {
                        res.generator = Some(("HelmChartInflationGenerator", kust.file.clone()));
                    }
                }
                self.append(acc, res, entry, at);
            }
        }
    }

    /// Fields of a `helmCharts` entry Kustomize knows; `nameTemplate` (a Go template for the
    /// release name) is not run, and an unknown field is refused as Kustomize refuses it.
    fn check_chart_fields(&mut self, kust: &Kust, entry: &Node, config: bool) {
        // A configuration also has its own identity and Helm's global settings.
        const CONFIG: &[&str] = &["apiVersion", "kind", "metadata", "chartHome", "configHome"];
        const KNOWN: &[&str] = &[
            "name",
            "version",
            "repo",
            "releaseName",
            "namespace",
            "additionalValuesFiles",
            "valuesFile",
            "valuesInline",
            "valuesMerge",
            "includeCRDs",
            "skipHooks",
            "apiVersions",
            "kubeVersion",
            "skipTests",
            "debug",
        ];
        for (key, value) in entry.as_map().into_iter().flatten() {
            let msg = match key.as_str() {
                k if KNOWN.contains(&k) => continue,
                k if config && CONFIG.contains(&k) => continue,
                "nameTemplate" => {
                    "helmCharts nameTemplate is not supported; the release is named by releaseName (default release-name)".to_string()
                }
                other => format!("unknown helmCharts field `{other}` (Kustomize rejects it)"),
            };
            self.problem_at(value, &kust.file.path, msg);
        }
    }

    /// The `helm template` options of one entry. Values as Kustomize layers them:
    /// `valuesFile` (default: the chart's `values.yaml`) and `valuesInline` merged by
    /// `valuesMerge` (`override`, the default: inline wins; `merge`: the file wins;
    /// `replace`: inline only), then `additionalValuesFiles`.
    fn chart_options(
        &mut self,
        kust: &Kust,
        inline: Option<Vec<PathSeg>>,
        entry: &Node,
        chart: &std::path::Path,
    ) -> Option<crate::input::render::RenderOptions> {
        let at = &kust.file.path;
        let mut opts = self.opts.clone();
        opts.set.clear();
        opts.values_files = vec![match entry.get_str("valuesFile") {
            Some(v) => kust.dir.join(v),
            None => chart.join("values.yaml"),
        }];
        opts.release_name = entry
            .get_str("releaseName")
            .unwrap_or("release-name")
            .to_string();
        // Kustomize v5.8 renders a `helmCharts` entry in its own `namespace`, else in the
        // nearest kustomization's (its own, then those including it), else `default`
        // (measured: a base's chart with `namespace: top` two levels up renders with
        // `.Release.Namespace` top; with `namespace: mid` between, mid).
        let inherited = inline
            .is_some()
            .then(|| self.ns_stack.iter().rev().flatten().next().cloned())
            .flatten();
        opts.namespace = entry
            .get_str("namespace")
            .map(str::to_string)
            .or(inherited)
            .unwrap_or_else(|| "default".to_string());
        // `kubectl apply -k` applies what the build printed: the namespace is the build's.
        opts.namespace_given = true;
        if entry.get("valuesInline").is_some_and(|v| !v.is_null()) {
            let after = match entry.get_str("valuesMerge").unwrap_or("override") {
                "override" => 1,
                "merge" => 0,
                "replace" => {
                    opts.values_files.clear();
                    0
                }
                other => {
                    let msg = format!(
                        "unknown valuesMerge `{other}` (override, merge or replace); the chart was not rendered"
                    );
                    self.problem_at(entry.get("valuesMerge").unwrap_or(entry), at, msg);
                    return None;
                }
            };
            // Kustomize reads the values file itself (kyaml) and writes it back merged
            // with the inline values, unless `replace` drops it (measured with kubectl
            // kustomize v5.8: a chart's `list: [x, y]` and `flag: on` render as "y" and
            // "on" under `override` and `merge`, as true under `replace` or without
            // `valuesInline`).
            let rewrites_file = !opts.values_files.is_empty();
            opts.inline_values = Some(match inline {
                Some(path) => InlineValues {
                    file: kust.file.clone(),
                    path,
                    after,
                    rewrites_file,
                    read: None,
                },
                None => {
                    let v = entry.get("valuesInline").expect("checked above");
                    let file = v
                        .org
                        .as_ref()
                        .map(|o| o.file.clone())
                        .unwrap_or_else(|| kust.file.clone());
                    InlineValues {
                        file,
                        path: Vec::new(),
                        after,
                        rewrites_file,
                        read: Some((v.to_json(), span_tree(v))),
                    }
                }
            });
        }
        for f in strings(entry, "additionalValuesFiles") {
            opts.values_files.push(kust.dir.join(f));
        }
        if let Some(kv) = entry.get_str("kubeVersion") {
            opts.kube_version = Some(kv.to_string());
        }
        opts.api_versions = strings(entry, "apiVersions");
        opts.include_crds = flag(entry, "includeCRDs");
        Some(opts)
    }
}

/// The spans of a value read from a configuration, for the Helm renderer's values origins.
fn span_tree(n: &Node) -> SpanTree {
    let span = n.org.as_ref().map(|o| o.span).unwrap_or_default();
    let children = match &n.v {
        V::Map(entries) => Children::Map(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), span_tree(v)))
                .collect(),
        ),
        V::Seq(items) => Children::Seq(items.iter().map(span_tree).collect()),
        _ => Children::Leaf,
    };
    SpanTree {
        span,
        focus: span,
        children,
        origin: None,
    }
}

/// The strings of a list field of `entry`.
fn strings(entry: &Node, key: &str) -> Vec<String> {
    entry
        .get(key)
        .and_then(Node::as_seq)
        .into_iter()
        .flatten()
        .filter_map(|f| f.as_str().map(str::to_string))
        .collect()
}

fn flag(entry: &Node, key: &str) -> bool {
    matches!(entry.get(key).map(|n| &n.v), Some(V::Bool(true)))
}

/// The `helm.sh/hook` annotation of an object Helm treats as a hook.
fn hook_events(obj: &Node) -> Option<String> {
    obj.path(&["metadata", "annotations", "helm.sh/hook"])
        .and_then(Node::as_str)
        .map(str::to_string)
}

/// A test hook (`test`, or the older `test-success`/`test-failure`), which `helm template
/// --skip-tests` leaves out.
fn is_test_hook(events: &str) -> bool {
    events
        .split(',')
        .any(|e| matches!(e.trim(), "test" | "test-success" | "test-failure"))
}

/// Replaces origins in a chart's rendered stream by the chart's own (template, values).
fn remap(n: &mut Node, rendered: &Rendered) {
    let scalar = !matches!(n.v, V::Seq(_) | V::Map(_));
    if let Some(o) = &n.org {
        let all = rendered.map.origins(o.span.range());
        if let Some((best, rest)) = all.split_first() {
            n.org = Some((*best).clone());
            // A scalar printed from several places (`{{ .Values.repo }}:{{ .Values.tag }}`,
            // a tag from `valuesInline`) keeps the others as related locations, as the
            // chart checked alone lists them; a collection's span covers its children,
            // which carry their own.
            if scalar && !rest.is_empty() {
                n.also = Some(rest.iter().map(|o| (*o).clone()).collect());
            }
        }
    }
    match &mut n.v {
        V::Seq(items) => items.iter_mut().for_each(|i| remap(i, rendered)),
        V::Map(entries) => entries.iter_mut().for_each(|(_, i)| remap(i, rendered)),
        _ => {}
    }
}
