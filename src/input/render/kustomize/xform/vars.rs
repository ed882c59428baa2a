//! `vars`: read per kustomization, resolved at the top level.

use super::*;
use std::sync::Arc;

pub fn read_vars(b: &mut Builder, k: &Kust, acc: &mut Acc) {
    for v in k.list("vars") {
        let (Some(name), Some(obj)) = (v.get_str("name"), v.get("objref")) else {
            b.problem_at(v, &k.file.path, "a var needs name and objref");
            continue;
        };
        let (Some(kind), Some(obj_name)) = (obj.get_str("kind"), obj.get_str("name")) else {
            b.problem_at(obj, &k.file.path, "objref needs kind and name");
            continue;
        };
        let field = v
            .path(&["fieldref", "fieldpath"])
            .and_then(Node::as_str)
            .unwrap_or("metadata.name")
            .to_string();
        if acc.vars.iter().any(|x| x.name == name) {
            b.problem_at(v, &k.file.path, format!("var {name} is declared twice"));
            continue;
        }
        let (group, version) = match obj.get_str("apiVersion").filter(|a| !a.is_empty()) {
            Some(a) => match a.split_once('/') {
                Some((g, v)) => (g.to_string(), v.to_string()),
                None => (String::new(), a.to_string()),
            },
            None => (
                obj.get_str("group").unwrap_or_default().to_string(),
                obj.get_str("version").unwrap_or_default().to_string(),
            ),
        };
        acc.vars.push(Var {
            name: name.to_string(),
            kind: kind.to_string(),
            obj_name: obj_name.to_string(),
            group,
            version,
            namespace: obj.get_str("namespace").map(str::to_string),
            field,
            at: v.clone(),
        });
    }
}

/// Replaces `$(VAR)` in the fields Kustomize's `varReference` covers: container command,
/// args and env values, Ingress hosts.
pub fn resolve_vars(b: &mut Builder, acc: &mut Acc) {
    if acc.vars.is_empty() {
        return;
    }
    // Each var's text and its typed value.
    // Each var's name, text, typed value and where it comes from: the source field, then
    // the var's entry in its kustomization.
    let mut values: Vec<VarValue> = Vec::new();
    for v in &acc.vars {
        let found: Vec<&Res> = acc
            .res
            .iter()
            .filter(|r| r.kind() == v.kind && r.had_name(&v.obj_name))
            .filter(|r| r.group() == v.group && r.version() == v.version)
            .filter(|r| v.namespace.as_deref().is_none_or(|n| r.had_namespace(n)))
            .collect();
        let [r] = found.as_slice() else {
            let gv = match (v.group.as_str(), v.version.as_str()) {
                (_, "") => "no version: give its apiVersion".to_string(),
                ("", ver) => ver.to_string(),
                (g, ver) => format!("{g}/{ver}"),
            };
            let msg = format!(
                "var {} must name exactly one {} {} ({gv}; found {})",
                v.name,
                v.kind,
                v.obj_name,
                found.len()
            );
            var_problem(b, v, msg);
            continue;
        };
        let found = if glued_selector(&v.field) {
            None
        } else {
            lookup(&r.node, &field_path(&v.field))
        };
        // A list or map there is no value Kustomize can write: it logs "bad replacement
        // type" and leaves `$(VAR)` as written, building on (measured with kubectl
        // kustomize v5.8: a fieldref on `spec.template.spec.containers`).
        if found.is_some_and(|n| n.as_map().is_some() || n.as_seq().is_some()) {
            continue;
        }
        match found.and_then(|n| n.scalar_text().map(|s| (s, n.v.clone()))) {
            Some((s, typed)) => values.push(VarValue {
                name: v.name.clone(),
                text: s,
                typed,
                source: found.and_then(|n| n.org.clone()),
                entry: with_role(&v.at.org, OriginRole::Kustomization),
            }),
            None => {
                let msg = format!(
                    "var {}: {} {} has no field {}",
                    v.name, v.kind, v.obj_name, v.field
                );
                var_problem(b, v, msg);
            }
        }
    }
    let subst = |n: &mut Node| {
        // Kustomize's refvar writes every string it visits back with no style, `$(` in it or
        // not: a folded scalar then prints its value without the folded writer's line breaks
        // (measured; differential seed 1 case 224 of session 13).
        if let V::Str(s) = &mut n.v
            && n.folded
        {
            *s = crate::input::yaml::undo_go_yaml_folded_round_trip(s);
            n.folded = false;
        }
        if let Some(s) = n.as_str()
            && s.contains('$')
        {
            let (expanded, used) = expand(s, &values);
            // A value a var wrote points at the field the var read (the line a person
            // changes, as a replacement's does), with the var's entry and the field's own
            // line related.
            let (org, also) = match used.map(|i| &values[i]) {
                Some(var) => {
                    let also: Arc<[Origin]> = var
                        .entry
                        .iter()
                        .cloned()
                        .chain(with_role(&n.org, OriginRole::Target))
                        .collect();
                    (var.source.clone().or_else(|| n.org.clone()), Some(also))
                }
                None => (n.org.clone(), None),
            };
            let new = match expanded {
                Expanded::Typed(v) => Some(Node::new(v, org)),
                Expanded::Text(out) if out != s => Some(Node::str(out, org)),
                Expanded::Text(_) => None,
            };
            if let Some(mut new) = new {
                new.also = also;
                *n = new;
            }
        }
    };
    let all: Vec<FieldSpec> = if acc.config.var_refs.is_empty() {
        builtin_var_refs()
    } else {
        acc.config.var_refs.clone()
    };
    if let Some(why) = unwalkable(&all, acc) {
        // Kustomize's var transformer fails the build there; the first var is where the
        // transformer comes from.
        if let Some(v) = acc.vars.first().cloned() {
            var_problem(
                b,
                &v,
                format!("a `varReference` field spec {why}; vars not replaced"),
            );
        }
        return;
    }
    for r in &mut acc.res {
        let specs: Vec<&FieldSpec> = all.iter().filter(|f| spec_matches(f, r)).collect();
        for f in specs {
            let segs = spec_segs(&f.path);
            let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
            walk_spec(&mut r.node, &segs, false, &None, &mut |n: &mut Node| {
                // A spec reaching a map (`metadata/annotations`) covers the map's values, as
                // Kustomize's refvar replaces in each of them.
                match n.as_map_mut() {
                    Some(m) => m.iter_mut().for_each(|(_, v)| subst(v)),
                    None => subst(n),
                }
            });
        }
    }
}

/// The pod fields of Kustomize's built-in `varReference` table, below a workload's pod
/// spec: containers' and init containers' `args`, `command`, `env` values and volume mount
/// paths.
const POD_VAR_FIELDS: [&str; 8] = [
    "containers/args",
    "containers/command",
    "containers/env/value",
    "containers/volumeMounts/mountPath",
    "initContainers/args",
    "initContainers/command",
    "initContainers/env/value",
    "initContainers/volumeMounts/mountPath",
];

/// Kustomize's built-in `varReference` table (`builtinpluginconsts/varreference.go`), exactly:
/// the pod fields of the built-in workload kinds only (a custom resource's `containers` are
/// left alone), NFS servers of volumes, Service ports, Ingress hosts and TLS secret names,
/// a Deployment's pod template annotations, and every object's own `metadata/labels` and
/// `metadata/annotations` (measured with kubectl kustomize v5.8: a StatefulSet's pod
/// template annotations and any pod template labels keep their `$(VAR)`). A CronJob's
/// NFS server entry there names `spec/jobTemplate/spec/template/volumes`, a path no pod
/// has, so it reaches nothing, as in Kustomize.
pub(super) fn builtin_var_refs() -> Vec<FieldSpec> {
    let mut v = Vec::new();
    let mut add = |kind: Option<&str>, path: String| v.push(fs(kind, None, &path, false));
    for (kind, pod) in [
        ("CronJob", "spec/jobTemplate/spec/template/spec"),
        ("DaemonSet", "spec/template/spec"),
        ("Deployment", "spec/template/spec"),
        ("Job", "spec/template/spec"),
        ("Pod", "spec"),
        ("ReplicaSet", "spec/template/spec"),
        ("StatefulSet", "spec/template/spec"),
    ] {
        for f in POD_VAR_FIELDS {
            add(Some(kind), format!("{pod}/{f}"));
        }
        let nfs = match kind {
            "CronJob" => "spec/jobTemplate/spec/template/volumes/nfs/server".to_string(),
            "StatefulSet" => "spec/volumeClaimTemplates/spec/nfs/server".to_string(),
            _ => format!("{pod}/volumes/nfs/server"),
        };
        add(Some(kind), nfs);
        if kind == "Deployment" {
            add(Some(kind), "spec/template/metadata/annotations".into());
        }
    }
    for p in ["spec/rules/host", "spec/tls/hosts", "spec/tls/secretName"] {
        add(Some("Ingress"), p.into());
    }
    for p in ["spec/ports/port", "spec/ports/targetPort"] {
        add(Some("Service"), p.into());
    }
    add(Some("PersistentVolume"), "spec/nfs/server".into());
    add(None, "metadata/labels".into());
    add(None, "metadata/annotations".into());
    v
}

enum Expanded {
    Text(String),
    /// The whole text was one known var: its value with its type (measured: `value:
    /// $(PORT)` of a Service port prints `443`, a number).
    Typed(V),
}

/// Kustomize's refvar `DoReplacements` (Kubernetes' `$(VAR)` expansion): `$$` is a `$`
/// (measured: `$$(SVC)` prints `$(SVC)`), `$(NAME)` of a known var its value, of an
/// unknown one itself, any other `$` as it is.
fn expand(input: &str, values: &[VarValue]) -> (Expanded, Option<usize>) {
    let mut used = None;
    let b = input.as_bytes();
    let mut out = String::with_capacity(input.len());
    let mut checkpoint = 0;
    let mut cursor = 0;
    while cursor < b.len() {
        if b[cursor] == b'$' && cursor + 1 < b.len() {
            out.push_str(&input[checkpoint..cursor]);
            let rest = &input[cursor + 1..];
            let advance = match rest.as_bytes()[0] {
                b'$' => {
                    out.push('$');
                    1
                }
                b'(' => match rest[1..].find(')') {
                    Some(end) => {
                        let name = &rest[1..end + 1];
                        match values.iter().position(|v| v.name == name) {
                            Some(i) => {
                                if input.len() == name.len() + 3 {
                                    return (Expanded::Typed(values[i].typed.clone()), Some(i));
                                }
                                used = used.or(Some(i));
                                out.push_str(&values[i].text);
                            }
                            None => {
                                out.push_str("$(");
                                out.push_str(name);
                                out.push(')');
                            }
                        }
                        end + 2
                    }
                    None => {
                        out.push_str("$(");
                        1
                    }
                },
                _ => {
                    // `$` and the next character, copied (a UTF-8 character whole).
                    let c = rest.chars().next().unwrap_or_default();
                    out.push('$');
                    out.push(c);
                    c.len_utf8()
                }
            };
            cursor += advance;
            checkpoint = cursor + 1;
        }
        cursor += 1;
    }
    out.push_str(&input[checkpoint.min(input.len())..]);
    (Expanded::Text(out), used)
}

/// Whether a var's field path glues a `[key=value]` selector to a field name
/// (`containers[name=web].image`): Kustomize's var lookup converts only `name[N]` into an index
/// and reads the rest as a field name, so nothing is found ("not found in corresponding
/// resource", measured with kubectl kustomize v5.8); `containers.[name=web].image` selects.
fn glued_selector(path: &str) -> bool {
    let b = path.as_bytes();
    b.iter().enumerate().any(|(i, &c)| {
        c == b'['
            && i > 0
            && b[i - 1] != b'.'
            && path[i + 1..]
                .split(']')
                .next()
                .is_some_and(|inside| !inside.bytes().all(|d| d.is_ascii_digit()))
    })
}

/// A var's value and where it comes from.
struct VarValue {
    name: String,
    text: String,
    typed: V,
    /// The field the var reads.
    source: Option<Origin>,
    /// The var's entry in its kustomization.
    entry: Option<Origin>,
}

/// A problem located at the var's entry in its kustomization.
fn var_problem(b: &mut Builder, v: &Var, msg: String) {
    let fallback =
        v.at.org
            .as_ref()
            .map(|o| o.file.path.clone())
            .unwrap_or_default();
    b.problem_at(&v.at, &fallback, msg);
}
