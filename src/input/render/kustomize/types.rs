//! The types Kustomize decodes a kustomization into (`api/types`, v5.8): a value of the wrong
//! type (a number where a string goes, a string where a list goes) makes Kustomize refuse
//! the whole kustomization ("invalid Kustomization: json: cannot unmarshal number into Go
//! struct field Kustomization.namespace of type string"). Fields below the top level that
//! are not listed here are not checked (Kustomize refuses unknown ones too, but a list
//! missing a field would refuse a valid overlay).

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
            ("fieldref", Obj(&[("fieldPath", Str)])),
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
    ("generatorOptions", GEN_OPTIONS),
    ("configurations", STRS),
    ("generators", STRS),
    ("transformers", STRS),
    ("validators", STRS),
    ("buildMetadata", STRS),
];

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
                if let Some((_, ft)) = fields.iter().find(|(f, _)| f == k) {
                    check(v, ft, &format!("{path}.{k}"), out);
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
