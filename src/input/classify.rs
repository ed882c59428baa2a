//! Classifying a file by extension and content, and loading it with the right loader.

use super::yaml::{RawDocument, RawNode, Schema, YamlError, parse_stream, resolve};
use crate::input::{
    Document, InputType, Loaded, config, embedded_file, envfile, hcl, kubernetes, liquibase, nginx,
    postgres,
};
use crate::source::span::LineIndex;
use crate::source::{Problem, SourceFile};
use std::sync::Arc;

/// What a file is, judged from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// YAML or JSON: Kubernetes objects or configuration, decided per document.
    Yaml,
    Json,
    Sql,
    Toml,
    /// A `.env` file (`.env`, `.env.example`, `app.env`).
    Env,
    /// A `.properties` file named for service configuration (`application.properties`).
    Properties,
    /// A server's directives file (`redis.conf`, `mosquitto.conf`, `rabbitmq.conf`).
    Directives,
    /// A `.conf` file where nginx keeps its configuration (`nginx.conf`, `conf.d/*.conf`,
    /// `sites-available/*`): nginx's when its content says so.
    Nginx,
    /// A `.xml` file where Liquibase keeps its changelogs (`db/changelog/*.xml`,
    /// `config/liquibase/master.xml`): a changelog when its root is `<databaseChangeLog>`.
    Liquibase,
    /// HashiCorp configuration: `*.hcl` (Vault, Consul, Nomad, Boundary), Nomad's `*.nomad`;
    /// not Terraform's files ([`hcl::is_hcl_path`]).
    Hcl,
    Unknown,
}

pub fn file_kind(path: &str) -> FileKind {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    if envfile::is_env_name(name) {
        return FileKind::Env;
    }
    if envfile::is_config_properties_path(path) {
        return FileKind::Properties;
    }
    if envfile::is_directives_name(name) {
        return FileKind::Directives;
    }
    if nginx::is_candidate_path(path) {
        return FileKind::Nginx;
    }
    if liquibase::is_candidate_path(path) {
        return FileKind::Liquibase;
    }
    if hcl::is_hcl_path(path) {
        return FileKind::Hcl;
    }
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "yaml" | "yml" => FileKind::Yaml,
        "json" => FileKind::Json,
        "sql" => FileKind::Sql,
        "toml" => FileKind::Toml,
        _ => FileKind::Unknown,
    }
}

/// Loads every document of a file. Never panics; what cannot be read becomes a problem.
pub fn load(file: &Arc<SourceFile>, explicit: bool) -> Loaded {
    let mut loaded = load_unredacted(file, explicit);
    if let Some(skipped) = skip_template(file, &loaded) {
        loaded = skipped;
    }
    // Problems may quote the input: mask the credentials they quote.
    for p in &mut loaded.problems {
        if let std::borrow::Cow::Owned(m) = file.redact(&p.message) {
            p.message = m;
        }
    }
    loaded
}

fn load_unredacted(file: &Arc<SourceFile>, explicit: bool) -> Loaded {
    match file_kind(&file.path) {
        FileKind::Sql => postgres::load(file),
        FileKind::Toml => config::load_toml(file),
        FileKind::Env => envfile::load_env(file),
        FileKind::Properties => envfile::load_properties(file),
        FileKind::Directives => envfile::load_directives(file),
        FileKind::Nginx => nginx::load(file, explicit),
        FileKind::Liquibase => liquibase::load_xml(file),
        FileKind::Hcl => hcl::load(file, &read_embedded),
        FileKind::Yaml => load_yaml(file, Schema::Core),
        FileKind::Json => load_yaml(file, Schema::Json),
        FileKind::Unknown => {
            let mut l = Loaded::default();
            if explicit {
                l.problems.push(Problem::note(&file.path, None, "no rules apply to this file type (runeguard reads .yaml, .yml, .json, .sql, .toml, .env, configuration .properties such as application.properties, redis.conf, mosquitto.conf, rabbitmq.conf, pgbouncer.ini, grafana.ini, postgresql.conf, pg_hba.conf, nginx configuration, and HashiCorp .hcl configuration (Vault, Consul, Nomad; not Terraform's .tf files))"));
            }
            l
        }
    }
}

/// A YAML file that does not read as YAML because it is a Go template (a helmfile
/// `helmfile.yaml`, a manifest a CI job fills in with `{{ .Image }}`): one note naming the first
/// template action, in place of the parse errors it caused and of the documents read around
/// them (an object with its templated fields dropped would be reported for what it lacks).
/// Templates are rendered only as parts of Helm charts. A file that reads as YAML is checked
/// whatever its text holds (GitHub Actions' `${{ … }}`, Argo CD's `'{{.cluster}}'` strings).
fn skip_template(file: &SourceFile, loaded: &Loaded) -> Option<Loaded> {
    if file_kind(&file.path) != FileKind::Yaml
        || !loaded
            .problems
            .iter()
            .any(|p| p.level == crate::source::ProblemLevel::Error)
    {
        return None;
    }
    let (line, column) = template_action(&file.text)?;
    let mut out = Loaded::default();
    out.problems.push(Problem::note(
        &file.path,
        Some(crate::source::span::Pos { line, column }),
        "file skipped: a Go template (`{{ … }}` here), not YAML; runeguard renders templates only in Helm charts (check the chart, or the rendered output: `… | runeguard check -`)",
    ));
    Some(out)
}

/// Line and column (1-based) of the first Go template action `{{ … }}` outside a comment, not
/// GitHub Actions' `${{ … }}`.
fn template_action(text: &str) -> Option<(u32, u32)> {
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        let mut from = 0;
        while let Some(at) = line[from..].find("{{").map(|a| a + from) {
            if !line[..at].ends_with('$') && line[at..].contains("}}") {
                return Some((i as u32 + 1, line[..at].chars().count() as u32 + 1));
            }
            from = at + 2;
        }
    }
    None
}

/// Most lines re-indented when reading a loosely indented file leniently.
const MAX_LENIENT_FIXES: usize = 50;

/// kubectl (go-yaml) and PyYAML accept flow collections and quoted scalars whose continuation
/// lines are indented no deeper than their parent, which YAML 1.2 (and saphyr) rejects. Re-indent
/// the offending lines until the stream parses, so the file is checked as Kubernetes reads it;
/// columns on re-indented lines shift by the spaces added (the note says which lines).
pub(crate) fn lenient_text(text: &str, first_error_line: u32) -> Option<(String, Vec<u32>)> {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let mut fixed: Vec<u32> = Vec::new();
    let mut line = first_error_line;
    let mut quoted = text
        .lines()
        .nth((first_error_line as usize).saturating_sub(1))
        .is_some_and(|l| l.contains('"') || l.contains('\''));
    for _ in 0..MAX_LENIENT_FIXES * 4 {
        let i = (line as usize).checked_sub(1)?;
        let current = lines.get(i)?;
        if quoted {
            // The error points at the start of a quoted scalar whose continuation lines are
            // too shallow: indent them past the quote (folding drops the spaces again).
            let col = current.find(['"', '\''])?;
            let quote = current[col..].chars().next()?;
            let mut j = i + 1;
            let mut closed = closes(&current[col + 1..], quote);
            while !closed && j < lines.len() {
                let l = lines[j].trim_start_matches(' ').to_string();
                closed = closes(&l, quote);
                lines[j] = format!("{}{l}", " ".repeat(col + 1));
                fixed.push(j as u32 + 1);
                j += 1;
            }
        } else {
            let indent = current.len() - current.trim_start_matches(' ').len();
            lines[i] = format!(
                "{}{}",
                " ".repeat(indent + 2),
                current.trim_start_matches(' ')
            );
            if !fixed.contains(&line) {
                fixed.push(line);
            }
        }
        if fixed.len() > MAX_LENIENT_FIXES * 4 {
            return None;
        }
        let candidate = lines.join("\n");
        let idx = LineIndex::new(&candidate);
        match parse_stream(&candidate, &idx).1 {
            None => return Some((candidate, fixed)),
            Some(e) if e.message.contains("indentation") => {
                // Another shallow quoted scalar further on is re-indented as the first was.
                quoted = e.message.contains("quoted scalar");
                line = e.pos.line;
            }
            Some(_) => return None,
        }
    }
    None
}

/// True when `rest` (the text after an opening quote) holds the closing quote.
fn closes(rest: &str, quote: char) -> bool {
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            if quote == '\'' && chars.peek() == Some(&'\'') {
                chars.next();
                continue;
            }
            return true;
        }
    }
    false
}

/// YAML or JSON: each document is a Kubernetes object (read with Kubernetes' YAML 1.1 rules)
/// or configuration (read with `config_schema`).
pub fn load_yaml(file: &Arc<SourceFile>, config_schema: Schema) -> Loaded {
    let uncommented = (file_kind(&file.path) == FileKind::Json)
        .then(|| without_json_comments(&file.text))
        .flatten();
    let parsed = parse_stream(uncommented.as_deref().unwrap_or(&file.text), &file.lines);
    // Tab indentation is not loose indentation: kubectl (go-yaml) rejects it too.
    if let Some(e) = parsed.1.as_ref().filter(|e| {
        e.message.contains("indentation")
            && !e.message.contains("tabs")
            && file_kind(&file.path) != FileKind::Json
    }) && let Some((text, lines)) = lenient_text(&file.text, e.pos.line)
    {
        let lenient = SourceFile::new(file.path.clone(), file.fs_path.clone(), text);
        let parsed = parse_stream(&lenient.text, &lenient.lines);
        let mut out = load_yaml_strict(&lenient, parsed, config_schema);
        let shown = match (lines.first(), lines.last()) {
            (Some(a), Some(b)) if lines.len() > 3 => format!("s {a}-{b}"),
            _ => format!(
                " {}",
                lines
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        out.problems.push(Problem::note(
            &file.path,
            Some(e.pos),
            format!("{}; read leniently as kubectl does (line{shown} re-indented, so columns there are approximate)", e.message),
        ));
        return out;
    }
    // The stream parsed above is the one loaded: each file is parsed once (twice only when
    // it is read leniently).
    load_yaml_strict(file, parsed, config_schema)
}

/// A `.json` file's text with its comments (`//`, `/* */`) and trailing commas blanked, when
/// it has any: JSON with comments (tsconfig.json, VS Code's settings, .NET's appsettings.json)
/// read as YAML made a commented-out `// "password": "old"` a key of the configuration (a
/// secret found in a comment) and a comment before the first `{` a syntax error. Every byte
/// keeps its offset and every line break its place, so spans and lines are the file's.
fn without_json_comments(text: &str) -> Option<String> {
    memchr::memchr2(b'/', b'#', text.as_bytes())?;
    let mut out = text.to_string();
    json_strip_comments::strip_comments_in_place(&mut out).ok()?;
    if out == text {
        return None;
    }
    // The stripper blanks a block comment's line breaks too: put them back.
    let mut bytes = out.into_bytes();
    for (b, &o) in bytes.iter_mut().zip(text.as_bytes()) {
        if matches!(o, b'\n' | b'\r') {
            *b = o;
        }
    }
    String::from_utf8(bytes).ok()
}

/// From this size on, a file's documents are resolved on the worker threads (a rendered
/// chart's stream of CRDs: a megabyte, thousands of nodes a document).
const PARALLEL_RESOLVE_BYTES: usize = 128 * 1024;

fn load_yaml_strict(
    file: &Arc<SourceFile>,
    (docs, err): (Vec<RawDocument>, Option<YamlError>),
    config_schema: Schema,
) -> Loaded {
    let parallel = file.text.len() >= PARALLEL_RESOLVE_BYTES && docs.len() > 1;
    let mut out = load_raw_documents(file, &docs, config_schema, parallel);
    unreadable_objects(file, &docs, &mut out.problems);
    if let Some(e) = err {
        let what = if file_kind(&file.path) == FileKind::Json {
            "invalid JSON"
        } else {
            "invalid YAML"
        };
        let checked = if out.documents.is_empty() {
            String::new()
        } else {
            format!(
                "; the {} document(s) before it were checked",
                out.documents.len()
            )
        };
        out.problems.push(Problem::error(
            &file.path,
            Some(e.pos),
            format!("{what}: {}{checked}", e.message),
        ));
    }
    out
}

/// Every raw document of a file, in order: on the worker threads when `parallel`.
fn load_raw_documents(
    file: &Arc<SourceFile>,
    docs: &[RawDocument],
    config_schema: Schema,
    parallel: bool,
) -> Loaded {
    let mut out = Loaded::default();
    if !parallel {
        for doc in docs {
            load_raw_document(file, doc, config_schema, &mut out);
        }
        return out;
    }
    use rayon::prelude::*;
    // Each document's results, put back in the documents' order.
    let parts: Vec<Loaded> = docs
        .par_iter()
        .map(|doc| {
            let mut part = Loaded::default();
            load_raw_document(file, doc, config_schema, &mut part);
            part
        })
        .collect();
    for part in parts {
        out.documents.extend(part.documents);
        out.problems.extend(part.problems);
    }
    out
}

/// Documents written as Kubernetes objects that Kubernetes cannot read: a mapping with a `kind`
/// and a `metadata` mapping whose `apiVersion` or `kind` is written in another case
/// (`apiversion:`, `"Kind":`), or that has no `apiVersion` in a file whose other documents are
/// Kubernetes objects. The API machinery reads both fields by their exact names, so kubectl and
/// kustomize reject the document ("Object 'apiVersion' is missing"); it is read as
/// configuration, which no Kubernetes rule judges, so a note at its `kind` says so instead of
/// leaving it unchecked in silence (wild60: kubeflow/manifests' Sidecar written `apiversion:`,
/// openshift/origin's JSON Template written `"Kind":`). A mapping without `metadata` (Drone's
/// `kind: pipeline`) is no object.
fn unreadable_objects(file: &SourceFile, docs: &[RawDocument], problems: &mut Vec<Problem>) {
    let any_object = docs.iter().any(|d| kubernetes::is_object(&d.root));
    for doc in docs {
        if kubernetes::is_object(&doc.root) {
            continue;
        }
        let RawNode::Map { entries, .. } = &doc.root else {
            continue;
        };
        let key = |name: &str| {
            entries.iter().rev().find(|(k, _)| {
                k.scalar_text()
                    .is_some_and(|t| t.eq_ignore_ascii_case(name))
            })
        };
        let Some((kind_key, kind)) = key("kind") else {
            continue;
        };
        let Some(kind) = kind.scalar_text().filter(|t| !t.is_empty()) else {
            continue;
        };
        if !matches!(key("metadata"), Some((_, RawNode::Map { .. }))) {
            continue;
        }
        let written = |k: &RawNode| k.scalar_text().unwrap_or_default().to_string();
        let why = match key("apiVersion") {
            Some((k, _)) if k.scalar_text() != Some("apiVersion") => {
                format!("its `{}` is not `apiVersion`", written(k))
            }
            Some(_) if kind_key.scalar_text() != Some("kind") => {
                format!("its `{}` is not `kind`", written(kind_key))
            }
            Some(_) => continue,
            None if any_object => "it has no `apiVersion`".to_string(),
            None => continue,
        };
        let at = file
            .lines
            .pos_at_offset(&file.text, kind_key.span().start as usize);
        problems.push(Problem::note(
            &file.path,
            Some(at),
            format!(
                "document {} (kind {kind}) is no Kubernetes object: {why}, and Kubernetes reads \
                 `apiVersion` and `kind` by their exact names (kubectl and kustomize reject it); \
                 it was read as configuration, so no Kubernetes rule judged it",
                doc.index + 1
            ),
        ));
    }
}

/// One raw document: a Kubernetes object (or a `List` of them), or configuration.
/// A file embedded in an object (a ConfigMap's entry), loaded as a file of its name would be;
/// None for a name that is no YAML, JSON or TOML file's.
pub(crate) fn read_embedded(embedded: &Arc<SourceFile>) -> Option<Loaded> {
    Some(match file_kind(&embedded.path) {
        FileKind::Yaml => load_yaml(embedded, Schema::Core),
        FileKind::Json => load_yaml(embedded, Schema::Json),
        FileKind::Toml => config::load_toml(embedded),
        FileKind::Env => envfile::load_env(embedded),
        FileKind::Properties => envfile::load_properties(embedded),
        FileKind::Directives => envfile::load_directives(embedded),
        FileKind::Nginx => nginx::load(embedded, false),
        FileKind::Hcl => hcl::load(embedded, &read_embedded),
        FileKind::Sql | FileKind::Liquibase | FileKind::Unknown => return None,
    })
}

fn load_raw_document(
    file: &Arc<SourceFile>,
    doc: &RawDocument,
    config_schema: Schema,
    out: &mut Loaded,
) {
    if kubernetes::is_object(&doc.root) && !kubernetes::is_application_config(&doc.root) {
        let at = out.documents.len();
        kubernetes::load_document(file, &doc.root, doc.index, out);
        if let Some(object) = out.documents.get(at).map(|d| d.resource.clone()) {
            embedded_file::load(file, &doc.root, &object, doc.index, out, read_embedded);
            embedded_file::load_helm_values(file, &doc.root, at, out, read_embedded);
        }
        return;
    }
    match resolve(&doc.root, config_schema, &file.text, &file.lines) {
        Ok((mut value, mut spans, issues)) => {
            out.problems.extend(
                issues
                    .into_iter()
                    .map(|i| Problem::error(&file.path, Some(i.pos), i.message)),
            );
            // Scalars and nulls at the top level are not configuration documents.
            if !(value.is_object() || value.is_array()) {
                return;
            }
            let subtype = config::subtype(&value, &file.path);
            let mut extended = Vec::new();
            if subtype == "compose" {
                // Other files' bases first: a base of this file that extends one passes its
                // nodes on (wild53).
                extended =
                    config::apply_file_extends(file, &mut value, &mut spans, &mut out.problems);
                config::apply_extends(file, &mut value, &mut spans, &mut extended);
            }
            let resource = if kubernetes::is_object(&doc.root) {
                kubernetes::resource_label(&value)
            } else {
                config::resource_label(&value, subtype, doc.index)
            };
            out.documents.push(Document {
                file: file.clone(),
                index: doc.index,
                input_type: InputType::Config,
                subtype: subtype.to_string(),
                resource,
                value,
                spans,
                substituted: Vec::new(),
                embedded: false,
                fragment: false,
                extended,
            });
        }
        Err(e) => out
            .problems
            .push(Problem::error(&file.path, Some(e.pos), e.message)),
    }
}

/// Number of documents of each input type, for summaries.
pub fn count_by_type(docs: &[Document]) -> [(InputType, usize); 3] {
    InputType::ALL.map(|t| (t, docs.iter().filter(|d| d.input_type == t).count()))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Blanking comments keeps every byte's offset and every line break, and leaves the
        /// text of JSON without comments alone.
        #[test]
        fn json_comments_are_blanked_in_place(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("{\"a\": \"x//y\", ".to_string()),
                    proptest::strategy::Just("\"b\": [1, 2,],\n".to_string()),
                    "// [a-zé:]{0,8}\n",
                    "/\\* [a-z\n:é]{0,8} \\*/",
                    "[ \n]{0,2}",
                    "\"[a-z/#é]{0,6}\"",
                ],
                0..12,
            )
        ) {
            let text: String = parts.concat();
            if let Some(out) = without_json_comments(&text) {
                proptest::prop_assert_eq!(out.len(), text.len());
                for (o, t) in out.bytes().zip(text.bytes()) {
                    proptest::prop_assert!(o == t || o == b' ', "{:?} -> {:?}", text, out);
                    proptest::prop_assert_eq!(o == b'\n', t == b'\n');
                }
            }
            // No comment is left (a `//` remains only inside a string).
            let blanked = without_json_comments(&text).unwrap_or_else(|| text.clone());
            proptest::prop_assert!(!blanked.contains("//") || blanked.contains('"'));
        }
    }

    /// A file's documents resolved on the worker threads give what one thread gives: the
    /// same documents (Kubernetes objects, a `List`'s items, configuration) and problems, in
    /// the same order.
    #[test]
    fn documents_resolved_in_parallel_are_those_resolved_in_order() {
        let mut text = String::new();
        for i in 0..300 {
            text.push_str(&match i % 5 {
                0 => format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\ndata:\n  k: \"{i}\"\n"),
                1 => format!("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: s{i}\n- 3\n"),
                2 => format!("server:\n  port: {i}\n  tls: on\n"),
                3 => "just a scalar\n".to_string(),
                _ => format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d{i}\n  labels: {{a: &x 1, b: *x}}\nspec:\n  replicas: 0x{i}\n"),
            });
            text.push_str("---\n");
        }
        let file = SourceFile::new("many.yaml".into(), None, text);
        let (docs, err) = parse_stream(&file.text, &file.lines);
        assert!(err.is_none());
        let shown = |l: Loaded| {
            let docs: Vec<String> = l
                .documents
                .iter()
                .map(|d| {
                    format!(
                        "{} {} {} {:?} {:?}",
                        d.index, d.resource, d.subtype, d.value, d.spans.span
                    )
                })
                .collect();
            (docs, l.problems)
        };
        let one = shown(load_raw_documents(&file, &docs, Schema::Core, false));
        assert!(one.0.len() > 200 && !one.1.is_empty(), "{:?}", one.1);
        assert_eq!(
            shown(load_raw_documents(&file, &docs, Schema::Core, true)),
            one
        );
    }

    /// A document Kubernetes cannot read (its `apiVersion` or `kind` in another case, or no
    /// `apiVersion` beside Kubernetes objects) gets a note at its `kind`; configuration with a
    /// `kind` of its own (Drone's pipeline, no `metadata`) and a file of configuration only do
    /// not.
    #[test]
    fn documents_kubernetes_cannot_read_are_noted() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiversion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: s\n---\nkind: Deployment\nmetadata:\n  name: d\n---\napiVersion: v1\nKind: Template\nmetadata:\n  name: t\n---\nkind: pipeline\ntype: docker\n";
        let file = SourceFile::new("m.yaml".into(), None, text.into());
        let out = load(&file, true);
        let notes: Vec<String> = out
            .problems
            .iter()
            .filter(|p| p.level == crate::source::ProblemLevel::Note)
            .map(|p| {
                let pos = p.pos.expect("a position");
                format!("{}:{} {}", pos.line, pos.column, p.message)
            })
            .collect();
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert!(
            notes[0].starts_with("7:1 document 2 (kind Sidecar)"),
            "{notes:?}"
        );
        assert!(notes[0].contains("its `apiversion` is not `apiVersion`"));
        assert!(notes[1].starts_with("11:1 document 3 (kind Deployment)"));
        assert!(notes[1].contains("it has no `apiVersion`"));
        assert!(notes[2].contains("its `Kind` is not `kind`"));
        let alone = SourceFile::new(
            "drone.yml".into(),
            None,
            "kind: Deployment\nmetadata:\n  name: d\n".into(),
        );
        assert!(load(&alone, true).problems.is_empty());
    }

    #[test]
    fn loosely_indented_flow_lists_are_read_like_kubectl() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: a:1\n      args: [\n          \"-x\",\n      ]\n      securityContext:\n        privileged: true\n";
        let file = SourceFile::new("p.yaml".into(), None, text.into());
        let out = load(&file, true);
        assert_eq!(out.documents.len(), 1, "{:?}", out.problems);
        assert_eq!(
            out.documents[0].value["spec"]["containers"][0]["args"][0],
            "-x"
        );
        assert!(
            out.problems
                .iter()
                .all(|p| p.level == crate::source::ProblemLevel::Note),
            "{:?}",
            out.problems
        );
        let note = &out.problems[0];
        assert_eq!(note.pos.map(|p| p.line), Some(11));
        // Lines after the re-indented one keep exact positions.
        let priv_span = out.documents[0].spans.resolve(&[
            crate::source::span::PathSeg::Key("spec".into()),
            crate::source::span::PathSeg::Key("containers".into()),
            crate::source::span::PathSeg::Index(0),
            crate::source::span::PathSeg::Key("securityContext".into()),
            crate::source::span::PathSeg::Key("privileged".into()),
        ]);
        let at = out.documents[0].file.pos(priv_span.span.start);
        assert_eq!((at.line, at.column), (13, 9));
    }

    #[test]
    fn shallow_quoted_continuations_are_read_like_kubectl() {
        let text = "command:\n  - sh\n  - \"exec a \\\n--b c\"\nnext: 1\n";
        let file = SourceFile::new("c.yaml".into(), None, text.into());
        let out = load(&file, true);
        assert_eq!(out.documents.len(), 1, "{:?}", out.problems);
        assert_eq!(out.documents[0].value["command"][1], "exec a --b c");
        assert_eq!(out.documents[0].value["next"], 1);
    }

    #[test]
    fn truly_broken_yaml_is_still_an_error() {
        let file = SourceFile::new("b.yaml".into(), None, "a: [1, 2\nb: {\n".into());
        let out = load(&file, true);
        assert!(
            out.problems
                .iter()
                .any(|p| p.level == crate::source::ProblemLevel::Error)
        );
    }
}
