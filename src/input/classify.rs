//! Classifying a file by extension and content, and loading it with the right loader.

use super::yaml::{Schema, parse_stream, resolve};
use super::{Document, InputType, Loaded, Problem, SourceFile, config, kubernetes, postgres};
use std::sync::Arc;

/// What a file is, judged from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// YAML or JSON: Kubernetes objects or configuration, decided per document.
    Yaml,
    Json,
    Sql,
    Toml,
    Unknown,
}

pub fn file_kind(path: &str) -> FileKind {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
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
    match file_kind(&file.path) {
        FileKind::Sql => postgres::load(file),
        FileKind::Toml => config::load_toml(file),
        FileKind::Yaml => load_yaml(file, Schema::Core),
        FileKind::Json => load_yaml(file, Schema::Json),
        FileKind::Unknown => {
            let mut l = Loaded::default();
            if explicit {
                l.problems.push(Problem::note(&file.path, None, "no rules apply to this file type (runeguard reads .yaml, .yml, .json, .sql and .toml)"));
            }
            l
        }
    }
}

/// YAML or JSON: each document is a Kubernetes object (read with Kubernetes' YAML 1.1 rules)
/// or configuration (read with `config_schema`).
pub fn load_yaml(file: &Arc<SourceFile>, config_schema: Schema) -> Loaded {
    let mut out = Loaded::default();
    let (docs, err) = parse_stream(&file.text, &file.lines);
    for doc in &docs {
        if kubernetes::is_object(&doc.root) {
            kubernetes::load_document(file, &doc.root, doc.index, &mut out);
            continue;
        }
        match resolve(&doc.root, config_schema, &file.text, &file.lines) {
            Ok((value, spans, issues)) => {
                out.problems.extend(issues.into_iter().map(|i| Problem::error(&file.path, Some(i.pos), i.message)));
                // Scalars and nulls at the top level are not configuration documents.
                if !(value.is_object() || value.is_array()) {
                    continue;
                }
                let subtype = config::subtype(&value, &file.path);
                let resource = config::resource_label(&value, subtype, doc.index);
                out.documents.push(Document { file: file.clone(), index: doc.index, input_type: InputType::Config, subtype: subtype.to_string(), resource, value, spans });
            }
            Err(e) => out.problems.push(Problem::error(&file.path, Some(e.pos), e.message)),
        }
    }
    if let Some(e) = err {
        let what = if file_kind(&file.path) == FileKind::Json { "invalid JSON" } else { "invalid YAML" };
        let checked = if out.documents.is_empty() { String::new() } else { format!("; the {} document(s) before it were checked", out.documents.len()) };
        out.problems.push(Problem::error(&file.path, Some(e.pos), format!("{what}: {}{checked}", e.message)));
    }
    out
}

/// Number of documents of each input type, for summaries.
pub fn count_by_type(docs: &[Document]) -> [(InputType, usize); 3] {
    InputType::ALL.map(|t| (t, docs.iter().filter(|d| d.input_type == t).count()))
}
