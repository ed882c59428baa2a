//! `configMapGenerator` / `secretGenerator` and Kustomize's content-hash name suffix.

use super::node::{Node, V, with_role};
use super::*;
use sha2::{Digest, Sha256};

/// A generated key, its value, the origin of the value and the entry that gave it (a
/// literal or a file entry; none for an env file's line).
type Pair<'a> = (String, Vec<u8>, Option<Origin>, Option<&'a Node>);

/// Go's `encoding/json` text of a string (it escapes `<`, `>`, `&`, U+2028 and U+2029).
pub fn go_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Go's `json.Marshal` of a YAML-decoded value (maps with sorted keys).
fn go_json(n: &Node, out: &mut String) {
    match &n.v {
        V::Null => out.push_str("null"),
        V::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        V::Num(x) => out.push_str(&x.to_string()),
        V::Str(s) => go_json_string(s, out),
        V::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json(item, out);
            }
            out.push(']');
        }
        V::Map(entries) => {
            let mut sorted: Vec<&(String, Node)> = entries.iter().collect();
            sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (k, v)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json_string(k, out);
                out.push(':');
                go_json(v, out);
            }
            out.push('}');
        }
    }
}

/// Kustomize's name suffix for a ConfigMap or Secret (`api/hasher`): the SHA-256 of a Go
/// JSON encoding of `kind`, `name`, `data` (and `type`, `binaryData` or `stringData` when they
/// are mappings), first ten hex digits with `0 1 3 a e` mapped to `g h k m t`.
///
/// Byte for byte as Kustomize: its lookup of the name asks for one field literally called
/// `metadata/name`, which no object has, so the name always enters as `""`; a missing
/// `data` (or `type`) enters as `""` too.
pub fn name_hash(obj: &Node) -> String {
    let kind = obj.get_str("kind").unwrap_or("");
    let empty = || Node::str("", None);
    let scalar_or_map = |f: &str| -> Node {
        match obj.get(f) {
            None => empty(),
            Some(n) => match &n.v {
                V::Map(_) => n.clone(),
                V::Null => empty(),
                _ => n.clone(),
            },
        }
    };
    let mut fields: Vec<(&str, Node)> = vec![
        ("kind", Node::str(kind, None)),
        ("name", empty()),
        ("data", scalar_or_map("data")),
    ];
    let optional = if kind == "Secret" {
        fields.push(("type", scalar_or_map("type")));
        "stringData"
    } else {
        "binaryData"
    };
    if let Some(m) = obj.get(optional).filter(|n| n.as_map().is_some()) {
        fields.push((optional, m.clone()));
    }
    let m = Node::new(
        V::Map(
            fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        ),
        None,
    );
    let mut json = String::new();
    go_json(&m, &mut json);
    let digest = Sha256::digest(json.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    hex[..10]
        .chars()
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect()
}

/// `KEY=VALUE` of a literal source, without the quotes Kustomize removes from the value.
pub fn parse_literal(s: &str) -> Option<(String, String)> {
    let (k, v) = s.split_once('=')?;
    let v = if v.len() >= 2
        && ((v.starts_with('"') && v.ends_with('"')) || (v.starts_with('\'') && v.ends_with('\'')))
    {
        &v[1..v.len() - 1]
    } else {
        v
    };
    Some((k.to_string(), v.to_string()))
}

/// One line of an env file: Ok(None) for blank and comment lines; a key without `=` takes
/// its value from the environment, as Kustomize does (`Err` carries a problem message).
pub fn parse_env_line(line: &str, first: bool) -> Result<Option<(String, String)>, String> {
    let line = if first {
        line.trim_start_matches('\u{feff}')
    } else {
        line
    };
    let line = line.trim_start();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let (k, v) = match line.split_once('=') {
        Some((k, v)) => (k.to_string(), v.to_string()),
        None => {
            let v = std::env::var(line).unwrap_or_default();
            (line.to_string(), v)
        }
    };
    // Kustomize v5.8 takes any key as written (`export B`, `a/b`, `1abc`, `key ` with its
    // trailing space) and skips an empty one (measured).
    if k.is_empty() {
        return Ok(None);
    }
    Ok(Some((k, v)))
}

impl Builder<'_> {
    /// `configMapGenerator` and `secretGenerator`.
    pub(super) fn generators(&mut self, kust: &Kust, acc: &mut Acc) {
        let global = kust.get("generatorOptions");
        for (field, kind) in [
            ("configMapGenerator", "ConfigMap"),
            ("secretGenerator", "Secret"),
        ] {
            for entry in kust.list(field) {
                self.generate(kust, entry, kind, global, acc);
            }
        }
    }

    /// `generators:` entries holding built-in generator configurations: a ConfigMap or
    /// Secret generator named by its `metadata` (the kustomization's `generatorOptions` do
    /// not apply to them, as in Kustomize).
    pub(super) fn generator_configs(&mut self, kust: &Kust, acc: &mut Acc) {
        for entry in kust.plugin_entries("generators") {
            for (kind, mut d) in self.builtin_configs(kust, entry, "generators") {
                let made = match kind.as_str() {
                    "ConfigMapGenerator" => "ConfigMap",
                    "SecretGenerator" => "Secret",
                    "HelmChartInflationGenerator" => {
                        self.helm_chart_config(kust, &d, acc);
                        continue;
                    }
                    other => {
                        let msg =
                            format!("built-in generator {other} is not supported yet; not run");
                        self.problem_at(&d, &kust.file.path, msg);
                        continue;
                    }
                };
                // Its fields are the kustomization's, as a generator entry's are.
                super::node::retag(&mut d, OriginRole::Kustomization);
                for key in ["name", "namespace"] {
                    if let Some(n) = d.path(&["metadata", key]).cloned() {
                        d.set(key, n);
                    }
                }
                self.generate(kust, &d, made, None, acc);
            }
        }
    }

    pub(super) fn generate(
        &mut self,
        kust: &Kust,
        entry: &Node,
        kind: &str,
        global: Option<&Node>,
        acc: &mut Acc,
    ) {
        let path = kust.file.path.clone();
        let Some(name) = entry.get_str("name") else {
            self.problem_at(entry, &path, format!("a {kind} generator without `name`"));
            return;
        };
        let korg = entry
            .get("name")
            .and_then(|n| n.org.clone())
            .or(entry.org.clone());
        let mut obj = Node::map(korg.clone());
        obj.set("apiVersion", Node::str("v1", korg.clone()));
        obj.set("kind", Node::str(kind, korg.clone()));
        let mut md = Node::map(korg.clone());
        md.set("name", Node::str(name, korg.clone()));
        if let Some(ns) = entry.get("namespace").filter(|n| n.as_str().is_some()) {
            md.set("namespace", ns.clone());
        }
        // Options: generatorOptions, then the generator's own.
        let mut bad_keys: Vec<(Node, String)> = Vec::new();
        let mut disable = false;
        let mut immutable = None;
        for opts in [global, entry.get("options")].into_iter().flatten() {
            for field in ["labels", "annotations"] {
                if let Some(m) = opts.get(field).and_then(Node::as_map) {
                    let target = md.entry_map(field, &korg);
                    for (k, v) in m {
                        // A key Kustomize writes as another type than a string fails
                        // (see `xform::key_misread`); a generator configuration file (not
                        // the kustomization) is read by kyaml, not as YAML 1.1.
                        let yaml11 = v.org.as_ref().is_none_or(|o| o.file.path == path);
                        if let Some(what) = super::xform::key_misread(k, v, yaml11) {
                            bad_keys.push((v.clone(), format!("{field} key {k:?} of generatorOptions or options reads as a YAML {what} in Kustomize, which writes it plain into the generated object and then fails (\"json: unsupported type: map[interface {{}}]interface {{}}\"); not applied")));
                            continue;
                        }
                        if let Some(t) = v.scalar_text() {
                            target.set(k, Node::str(t, v.org.clone()));
                        }
                    }
                }
            }
            // Kustomize's `MergeGlobalOptionsIntoLocal` only turns these on: a generator's
            // `false` does not undo `generatorOptions`' `true`, and `immutable: false` is
            // never written (measured).
            if let Some(V::Bool(true)) = opts.get("disableNameSuffixHash").map(|n| &n.v) {
                disable = true;
            }
            if let Some(
                n @ Node {
                    v: V::Bool(true), ..
                },
            ) = opts.get("immutable")
            {
                immutable = immutable.or(Some(n.clone()));
            }
        }
        for (n, msg) in bad_keys {
            self.problem_at(&n, &path, msg);
        }
        obj.set("metadata", md);
        // The key/value pairs, each with its origin.
        let mut pairs: Vec<Pair> = Vec::new();
        for lit in entry
            .get("literals")
            .and_then(Node::as_seq)
            .into_iter()
            .flatten()
        {
            let text = lit.scalar_text().unwrap_or_default();
            match generate::parse_literal(&text) {
                Some((k, v)) => pairs.push((
                    k,
                    v.into_bytes(),
                    with_role(&lit.org, OriginRole::Base),
                    Some(lit),
                )),
                None => self.problem_at(lit, &path, format!("literal {text:?} is not KEY=VALUE")),
            }
        }
        let mut envs: Vec<&Node> = entry
            .get("envs")
            .and_then(Node::as_seq)
            .map(|s| s.iter().collect())
            .unwrap_or_default();
        if let Some(e) = entry.get("env").filter(|n| n.as_str().is_some()) {
            envs.push(e);
        }
        for env in envs {
            let Some(rel) = env.as_str() else { continue };
            let display = join_display(&kust.display, rel);
            if self.outside_root(kust, env, &kust.dir.join(rel), &display) {
                continue;
            }
            let file = match self.read(&kust.dir.join(rel), &display) {
                Ok(f) => f,
                Err(e) => {
                    self.problem_at(env, &path, e);
                    continue;
                }
            };
            for (i, line) in file.text.lines().enumerate() {
                match generate::parse_env_line(line, i == 0) {
                    Ok(Some((k, v))) => {
                        let lr = file.lines.line_range(&file.text, i as u32 + 1);
                        let span = crate::source::span::Span::new(lr.start, lr.end);
                        pairs.push((
                            k,
                            v.into_bytes(),
                            Some(Origin {
                                role: OriginRole::Base,
                                file: file.clone(),
                                span,
                            }),
                            None,
                        ));
                    }
                    Ok(None) => {}
                    Err(m) => {
                        let pos = crate::source::span::Pos {
                            line: i as u32 + 1,
                            column: 1,
                        };
                        self.problems.push(Problem::error(&file.path, Some(pos), m));
                    }
                }
            }
        }
        for f in entry
            .get("files")
            .and_then(Node::as_seq)
            .into_iter()
            .flatten()
        {
            let Some(spec) = f.as_str() else { continue };
            let (key, rel) = match spec.split_once('=') {
                Some((k, p)) => (k.to_string(), p),
                None => (spec.rsplit('/').next().unwrap_or(spec).to_string(), spec),
            };
            let display = join_display(&kust.display, rel);
            let fs = kust.dir.join(rel);
            if self.outside_root(kust, f, &fs, &display) {
                continue;
            }
            match self.read_bytes(&fs, &display) {
                Ok(bytes) => {
                    let org = match std::str::from_utf8(&bytes) {
                        Ok(_) => self
                            .read(&fs, &display)
                            .ok()
                            .map(|file| node::whole_file(&file, OriginRole::Base)),
                        Err(_) => with_role(&f.org, OriginRole::Base),
                    };
                    pairs.push((key, bytes, org, Some(f)));
                }
                Err(e) => self.problem_at(f, &path, e),
            }
        }
        let mut data = Node::map(korg.clone());
        let mut binary = Node::map(korg.clone());
        let mut seen = std::collections::HashSet::new();
        for (k, v, org, at) in pairs {
            // Kustomize writes a generated key as a plain scalar without a tag, so one YAML
            // reads as a number, boolean, null or date (`5432`, `true`, `1.5`,
            // `2024-02-29`) makes a mapping of non-string keys that its JSON conversion
            // refuses ("json: unsupported type: map[interface {}]interface {}"; ingress-nginx's
            // tcp-services idiom, `5432=db/postgres:5432`, fails so).
            if !crate::input::yaml::go_yaml_v3_plain_is_string(&k) {
                let msg = format!(
                    "{kind} {name}: key {k:?} reads as a YAML {} in Kustomize, which then fails (\"json: unsupported type: map[interface {{}}]interface {{}}\"); not generated",
                    match crate::input::yaml::resolve_core(&k) {
                        serde_json::Value::Null => "null",
                        serde_json::Value::Bool(_) => "boolean",
                        serde_json::Value::String(_) if k.contains('-') && !k.starts_with('-') =>
                            "date",
                        _ => "number",
                    }
                );
                match (at, &org) {
                    (Some(n), _) => self.problem_at(n, &path, msg),
                    (None, Some(o)) => {
                        let pos = o.file.pos(o.span.start);
                        self.problems
                            .push(Problem::error(&o.file.path, Some(pos), msg));
                    }
                    (None, None) => self.problem_at(entry, &path, msg),
                }
                continue;
            }
            if !seen.insert(k.clone()) {
                self.problem_at(
                    entry,
                    &path,
                    format!("{kind} {name}: key {k:?} is given twice"),
                );
                continue;
            }
            let org = org.or(korg.clone());
            if kind == "Secret" {
                data.set(&k, Node::str(encode_base64(&v), org));
            } else {
                match String::from_utf8(v) {
                    Ok(s) => data.set(&k, Node::str(s, org)),
                    Err(e) => binary.set(&k, Node::str(encode_base64(e.as_bytes()), org)),
                }
            }
        }
        // Kustomize always gives a generated Secret its `data`, a ConfigMap only when it has some.
        if kind == "Secret" || data.as_map().is_some_and(|m| !m.is_empty()) {
            obj.set("data", data);
        }
        if binary.as_map().is_some_and(|m| !m.is_empty()) {
            obj.set("binaryData", binary);
        }
        if kind == "Secret" {
            let t = entry
                .get("type")
                .cloned()
                .unwrap_or(Node::str("Opaque", korg.clone()));
            obj.set("type", t);
        }
        if let Some(i) = immutable {
            obj.set("immutable", i);
        }
        let mut res = Res::new(obj, kust.file.clone());
        res.needs_hash = !disable;
        let generator = if kind == "Secret" {
            "SecretGenerator"
        } else {
            "ConfigMapGenerator"
        };
        res.generator = Some((generator, kust.file.clone()));
        if entry.get_str("apiVersion") == Some("builtin") {
            // A `generators:` configuration: configured in its own file (the kustomization
            // for inline text), named by its metadata.
            res.generator_config = entry.get_str("name").map(str::to_string);
            if let Some(o) = &entry.org {
                res.generator = Some((generator, o.file.clone()));
            }
        }
        let behavior = entry.get_str("behavior").unwrap_or("create");
        let gen_ns = res.namespace().to_string();
        let matches: Vec<usize> = acc
            .res
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.kind() == kind
                    && r.group().is_empty()
                    && r.had_name(name)
                    && r.had_namespace(&gen_ns)
            })
            .map(|(i, _)| i)
            .collect();
        match (behavior, matches.as_slice()) {
            ("create", []) => self.append(acc, res, entry, &path),
            ("create", _) => self.problem_at(
                entry,
                &path,
                format!("{kind} {name} already exists; use behavior merge or replace"),
            ),
            // In a build that left a remote resource unfetched the object may be one of its
            // (Argo CD's `argocd-cm` merged with `url` over `install.yaml` from GitHub), which
            // Kustomize, fetching it, merges into: a note, and the generated object's literals
            // are read by the credential rules.
            ("merge" | "replace", []) if acc.unfetched => {
                let (file, pos) = super::locate(entry, &path);
                self.problems.push(Problem::note(
                    &file,
                    pos,
                    format!(
                        "not applied: no local resource is {kind} {name} to {behavior}; it may be an object of a remote resource or chart of this build, which is not fetched; only its credentials checked"
                    ),
                ));
                self.unapplied_objects.push(res);
            }
            ("merge" | "replace", []) => self.problem_at(
                entry,
                &path,
                format!("{kind} {name} does not exist; cannot {behavior} it"),
            ),
            ("merge" | "replace", [i]) => {
                let old = &mut acc.res[*i];
                let mut new = res.node;
                // Metadata: the old labels and annotations, the new ones on top; the old name.
                for field in ["labels", "annotations"] {
                    let mut merged = old
                        .node
                        .path(&["metadata", field])
                        .cloned()
                        .unwrap_or(Node::map(None));
                    if let Some(m) = new.path(&["metadata", field]).and_then(Node::as_map) {
                        for (k, v) in m {
                            merged.set(k, v.clone());
                        }
                    }
                    if merged.as_map().is_some_and(|m| !m.is_empty()) {
                        new.entry_map("metadata", &korg).set(field, merged);
                    }
                }
                if let Some(md) = old.node.get("metadata").cloned() {
                    let nm = new.entry_map("metadata", &korg);
                    for f in ["name", "namespace"] {
                        match md.get(f) {
                            Some(v) => nm.set(f, v.clone()),
                            None => {
                                nm.remove(f);
                            }
                        }
                    }
                }
                if behavior == "merge" {
                    for field in ["data", "binaryData"] {
                        if let Some(m) = old.node.get(field).and_then(Node::as_map).cloned() {
                            let mut merged = Node::new(
                                V::Map(m),
                                old.node.get(field).and_then(|n| n.org.clone()),
                            );
                            if let Some(nm) = new.get(field).and_then(Node::as_map) {
                                for (k, v) in nm {
                                    merged.set(k, v.clone());
                                }
                            }
                            new.set(field, merged);
                        }
                    }
                }
                old.node = new;
                // A replaced object was configured by the replacing generator (its origin
                // annotation says so); a merged one keeps its origin.
                if behavior == "replace" {
                    old.generator = res.generator;
                    old.generator_config = res.generator_config;
                }
                // Kustomize keeps the suffix only when both the old and the new object want
                // it (its build annotations: a disabled hash on either side wins).
                old.needs_hash &= res.needs_hash;
            }
            ("merge" | "replace", _) => self.problem_at(
                entry,
                &path,
                format!("more than one {kind} {name} could take this {behavior}"),
            ),
            (other, _) => self.problem_at(
                entry,
                &path,
                format!("unknown generator behavior {other:?} (create, merge or replace)"),
            ),
        }
    }
}

/// Base64 as Kustomize's generators write it (`encodeBase64` of api/internal/generators):
/// text of 70 characters or more is cut into lines of 70, each ending in a line break. The
/// break is part of the value, so of the object's name hash too.
fn encode_base64(bytes: &[u8]) -> String {
    const LINE: usize = 70;
    let enc = data_encoding::BASE64.encode(bytes);
    if enc.len() < LINE {
        return enc;
    }
    let mut out = String::with_capacity(enc.len() + enc.len() / LINE + 1);
    for chunk in enc.as_bytes().chunks(LINE) {
        // base64 is ASCII: every chunk is whole characters
        out.push_str(std::str::from_utf8(chunk).unwrap_or(""));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_json_escapes_like_go() {
        let mut s = String::new();
        go_json_string("a<b>&\"\n\u{1}é", &mut s);
        assert_eq!(s, r#""a\u003cb\u003e\u0026\"\n\u0001é""#);
    }

    #[test]
    fn hashes_match_kustomize() {
        // `kubectl kustomize` (Kustomize v5.8.1) of configMapGenerator/secretGenerator
        // `name: x|s, literals: [a=b]` names them x-4h2mbtbbt6 and s-k695gkmbtk.
        let cm = Node::from_json(
            &serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"a": "b"}}),
            &None,
        );
        assert_eq!(name_hash(&cm), "4h2mbtbbt6");
        let s = Node::from_json(
            &serde_json::json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "type": "Opaque", "data": {"a": "Yg=="}}),
            &None,
        );
        assert_eq!(name_hash(&s), "k695gkmbtk");
    }

    #[test]
    fn literals_lose_matching_quotes() {
        assert_eq!(parse_literal("a=\"b\""), Some(("a".into(), "b".into())));
        assert_eq!(parse_literal("a='b"), Some(("a".into(), "'b".into())));
        assert_eq!(parse_literal("a=b=c"), Some(("a".into(), "b=c".into())));
        assert_eq!(parse_literal("a"), None);
    }
}
