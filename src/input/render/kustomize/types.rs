//! The types Kustomize decodes a kustomization into (`api/types`, v5.8): a value of the wrong
//! type (a number where a string goes, a string where a list goes) makes Kustomize refuse
//! the whole kustomization ("invalid Kustomization: json: cannot unmarshal number into Go
//! struct field Kustomization.namespace of type string"), and so does a field its types do
//! not have, at any depth ("json: unknown field"): it decodes with Go's `encoding/json` and
//! `DisallowUnknownFields`. That decoder matches a key to a field case-insensitively
//! (`Kind:` in a patch target, `NamePrefix:` at the top level are read as `kind`,
//! `namePrefix`; measured with kubectl kustomize v5.8), which [`canonicalize`] reproduces.

use super::node::{Node, V};

#[derive(Clone, Copy)]
pub(super) enum T {
    Str,
    Int,
    Bool,
    /// A list of the type.
    List(&'static T),
    /// `map[string]string`.
    StrMap,
    /// A struct: its known fields.
    Obj(&'static [(&'static str, T)]),
    /// Anything (`map[string]interface{}` holds any value; checked to be a mapping).
    AnyMap,
}

use T::*;

const STRS: T = List(&Str);
const SELECTOR: T = Obj(&[
    ("group", Str),
    ("version", Str),
    ("kind", Str),
    ("name", Str),
    ("namespace", Str),
    ("labelSelector", Str),
    ("annotationSelector", Str),
]);
const FIELD_SPEC: T = Obj(&[
    ("group", Str),
    ("version", Str),
    ("kind", Str),
    ("path", Str),
    ("create", Bool),
]);
const PATCH: T = Obj(&[
    ("path", Str),
    ("patch", Str),
    ("target", SELECTOR),
    (
        "options",
        Obj(&[("allowNameChange", Bool), ("allowKindChange", Bool)]),
    ),
]);
const IMAGE: T = Obj(&[
    ("name", Str),
    ("newName", Str),
    ("tagSuffix", Str),
    ("newTag", Str),
    ("digest", Str),
]);
const GEN_OPTIONS: T = Obj(&[
    ("labels", StrMap),
    ("annotations", StrMap),
    ("disableNameSuffixHash", Bool),
    ("immutable", Bool),
]);
const CONFIG_MAP_ARGS: &[(&str, T)] = &[
    ("namespace", Str),
    ("name", Str),
    ("behavior", Str),
    ("literals", STRS),
    ("files", STRS),
    ("envs", STRS),
    ("env", Str),
    ("options", GEN_OPTIONS),
];
const SECRET_ARGS: &[(&str, T)] = &[
    ("namespace", Str),
    ("name", Str),
    ("behavior", Str),
    ("literals", STRS),
    ("files", STRS),
    ("envs", STRS),
    ("env", Str),
    ("options", GEN_OPTIONS),
    ("type", Str),
];
const FIELD_OPTIONS: T = Obj(&[
    ("delimiter", Str),
    ("index", Int),
    ("encoding", Str),
    ("create", Bool),
]);
const REPLACEMENT: T = Obj(&[
    ("path", Str),
    (
        "source",
        Obj(&[
            ("group", Str),
            ("version", Str),
            ("kind", Str),
            ("name", Str),
            ("namespace", Str),
            ("fieldPath", Str),
            ("options", FIELD_OPTIONS),
        ]),
    ),
    (
        "targets",
        List(&Obj(&[
            ("select", SELECTOR),
            ("reject", List(&SELECTOR)),
            ("fieldPaths", STRS),
            ("options", FIELD_OPTIONS),
        ])),
    ),
]);
const HELM_CHART: T = Obj(&[
    ("name", Str),
    ("version", Str),
    ("repo", Str),
    ("releaseName", Str),
    ("namespace", Str),
    ("additionalValuesFiles", STRS),
    ("valuesFile", Str),
    ("valuesInline", AnyMap),
    ("valuesMerge", Str),
    ("includeCRDs", Bool),
    ("skipHooks", Bool),
    ("apiVersions", STRS),
    ("kubeVersion", Str),
    ("nameTemplate", Str),
    ("skipTests", Bool),
    ("debug", Bool),
]);
/// The old `helmChartInflationGenerator` entries (`HelmChartArgs`).
const HELM_CHART_ARGS: T = Obj(&[
    ("chartName", Str),
    ("chartVersion", Str),
    ("chartRepoUrl", Str),
    ("chartHome", Str),
    ("chartRepoName", Str),
    ("helmBin", Str),
    ("helmHome", Str),
    ("values", Str),
    ("valuesLocal", AnyMap),
    ("valuesMerge", Str),
    ("releaseName", Str),
    ("releaseNamespace", Str),
    ("extraArgs", STRS),
]);

/// The top level of a kustomization (`Kustomization` in `api/types/kustomization.go`).
pub(super) const KUSTOMIZATION: &[(&str, T)] = &[
    ("apiVersion", Str),
    ("kind", Str),
    (
        "metadata",
        Obj(&[
            ("name", Str),
            ("namespace", Str),
            ("labels", StrMap),
            ("annotations", StrMap),
        ]),
    ),
    ("openapi", StrMap),
    ("namePrefix", Str),
    ("nameSuffix", Str),
    ("namespace", Str),
    ("commonLabels", StrMap),
    (
        "labels",
        List(&Obj(&[
            ("pairs", StrMap),
            ("includeSelectors", Bool),
            ("includeTemplates", Bool),
            ("fields", List(&FIELD_SPEC)),
        ])),
    ),
    ("commonAnnotations", StrMap),
    ("patchesStrategicMerge", STRS),
    ("patchesJson6902", List(&PATCH)),
    ("patches", List(&PATCH)),
    ("images", List(&IMAGE)),
    ("imageTags", List(&IMAGE)),
    ("replacements", List(&REPLACEMENT)),
    ("replicas", List(&Obj(&[("name", Str), ("count", Int)]))),
    (
        "vars",
        List(&Obj(&[
            ("name", Str),
            (
                "objref",
                Obj(&[
                    ("apiVersion", Str),
                    ("group", Str),
                    ("version", Str),
                    ("kind", Str),
                    ("name", Str),
                    ("namespace", Str),
                ]),
            ),
            ("fieldref", Obj(&[("fieldpath", Str)])),
        ])),
    ),
    (
        "sortOptions",
        Obj(&[
            ("order", Str),
            (
                "legacySortOptions",
                Obj(&[("orderFirst", STRS), ("orderLast", STRS)]),
            ),
        ]),
    ),
    ("resources", STRS),
    ("components", STRS),
    ("crds", STRS),
    ("bases", STRS),
    ("configMapGenerator", List(&Obj(CONFIG_MAP_ARGS))),
    ("secretGenerator", List(&Obj(SECRET_ARGS))),
    (
        "helmGlobals",
        Obj(&[("chartHome", Str), ("configHome", Str)]),
    ),
    ("helmCharts", List(&HELM_CHART)),
    ("helmChartInflationGenerator", List(&HELM_CHART_ARGS)),
    ("generatorOptions", GEN_OPTIONS),
    ("configurations", STRS),
    ("generators", STRS),
    ("transformers", STRS),
    ("validators", STRS),
    ("buildMetadata", STRS),
];

/// A field spec of a `configurations:` file (`types.FieldSpec`).
const CONFIG_SPECS: T = List(&FIELD_SPEC);

/// A `configurations:` file (`builtinconfig.TransformerConfig`), decoded as strictly as a
/// kustomization (measured: an unknown table or spec field fails the build).
pub(super) const CONFIGURATION: &[(&str, T)] = &[
    ("namePrefix", CONFIG_SPECS),
    ("nameSuffix", CONFIG_SPECS),
    ("namespace", CONFIG_SPECS),
    ("commonLabels", CONFIG_SPECS),
    ("templateLabels", CONFIG_SPECS),
    ("commonAnnotations", CONFIG_SPECS),
    (
        "nameReference",
        List(&Obj(&[
            ("group", Str),
            ("version", Str),
            ("kind", Str),
            ("fieldSpecs", CONFIG_SPECS),
        ])),
    ),
    ("varReference", CONFIG_SPECS),
    ("images", CONFIG_SPECS),
    ("replicas", CONFIG_SPECS),
];

/// Whether `key` names `field` as Go's `encoding/json` matches them: exactly, else by
/// Unicode case folding.
fn names(key: &str, field: &str) -> bool {
    key == field
        || (key.chars().count() == field.chars().count()
            && key
                .chars()
                .zip(field.chars())
                .all(|(a, b)| a == b || a.to_lowercase().eq(b.to_lowercase())))
}

/// Renames the keys of `n` that Go's JSON decoder reads as a field of `t` to that field's
/// name, at every depth. Two keys naming one field (`namePrefix` and `NamePrefix`): Kustomize
/// turns the YAML into JSON with its keys sorted and the decoder keeps the last one, so the
/// key that sorts last (bytewise) wins and the other is dropped.
pub(super) fn canonicalize(n: &mut Node, t: &T) {
    match (t, &mut n.v) {
        (List(item), V::Seq(items)) => {
            for it in items {
                canonicalize(it, item);
            }
        }
        (Obj(fields), V::Map(entries)) => {
            let field_of = |k: &str| {
                fields
                    .iter()
                    .find(|(f, _)| *f == k)
                    .or_else(|| fields.iter().find(|(f, _)| names(k, f)))
            };
            let mut winner: Vec<(&str, String)> = Vec::new();
            for (k, _) in entries.iter() {
                if let Some((f, _)) = field_of(k) {
                    match winner.iter_mut().find(|(w, _)| w == f) {
                        Some((_, best)) if k.as_bytes() > best.as_bytes() => *best = k.clone(),
                        Some(_) => {}
                        None => winner.push((f, k.clone())),
                    }
                }
            }
            entries.retain(|(k, _)| {
                field_of(k).is_none_or(|(f, _)| winner.iter().any(|(w, b)| w == f && b == k))
            });
            for (k, v) in entries.iter_mut() {
                if let Some((f, ft)) = field_of(k) {
                    *k = (*f).to_string();
                    canonicalize(v, ft);
                }
            }
        }
        _ => {}
    }
}

fn with_article(kind: &str) -> String {
    match kind {
        "null" => "null".to_string(),
        "array" => "a list".to_string(),
        "object" => "a mapping".to_string(),
        _ => format!("a {kind}"),
    }
}

fn json_kind(n: &Node) -> &'static str {
    match &n.v {
        V::Null => "null",
        V::Bool(_) => "bool",
        V::Num(_) => "number",
        V::Str(_) => "string",
        V::Seq(_) => "array",
        V::Map(_) => "object",
    }
}

fn type_name(t: &T) -> &'static str {
    match t {
        Str => "a string",
        Int => "an integer",
        Bool => "a boolean",
        List(_) => "a list",
        StrMap => "a mapping of strings",
        Obj(_) | AnyMap => "a mapping",
    }
}

/// Checks `n` (at `path`) against `t`; pushes (node, message) for each value Kustomize
/// cannot decode. A null is the zero value, as in Go's JSON decoder.
pub(super) fn check<'n>(n: &'n Node, t: &T, path: &str, out: &mut Vec<(&'n Node, String)>) {
    let ok = match (t, &n.v) {
        (_, V::Null) => return,
        (Str, V::Str(_)) | (Bool, V::Bool(_)) => return,
        (Int, V::Num(x)) => x.is_i64() || x.as_f64().is_some_and(|f| f.fract() == 0.0),
        (List(item), V::Seq(items)) => {
            for (i, it) in items.iter().enumerate() {
                check(it, item, &format!("{path}[{i}]"), out);
            }
            return;
        }
        (StrMap, V::Map(entries)) => {
            for (k, v) in entries {
                check(v, &Str, &format!("{path}.{k}"), out);
            }
            return;
        }
        (Obj(fields), V::Map(entries)) => {
            for (k, v) in entries {
                match fields.iter().find(|(f, _)| f == k) {
                    Some((_, ft)) => check(v, ft, &format!("{path}.{k}"), out),
                    None => out.push((
                        v,
                        format!(
                            "unknown field `{path}.{k}` (Kustomize refuses this kustomization: \"json: unknown field {k:?}\")"
                        ),
                    )),
                }
            }
            return;
        }
        (AnyMap, V::Map(_)) => return,
        _ => false,
    };
    if !ok {
        out.push((
            n,
            format!(
                "`{path}` must be {}, not {} (Kustomize refuses this kustomization: \"cannot unmarshal {} into Go struct field\")",
                type_name(t),
                with_article(json_kind(n)),
                json_kind(n)
            ),
        ));
    }
}
