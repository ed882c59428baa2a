//! Inputs: finding files, classifying them, and loading them into [`Document`]s that carry a
//! JSON value for the rules and a [`SpanTree`] for locations.
//!
//! Loaders know nothing of rules or reports: they turn bytes into documents and problems.

pub mod classify;
pub mod config;
pub mod discover;
pub mod files;
pub mod kubernetes;
pub mod postgres;
pub mod render;
pub mod span;
pub mod yaml;

use serde::Serialize;
use span::{LineIndex, Pos, Span, SpanTree};
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// The family of an input, which decides which rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputType {
    /// Kubernetes objects, Istio resources included (they are Kubernetes objects).
    Kubernetes,
    /// PostgreSQL DDL, modelled as a schema.
    Postgres,
    /// Service configuration: architecture-standard documents, Compose files, anything else.
    Config,
}

impl InputType {
    pub const ALL: [InputType; 3] = [
        InputType::Kubernetes,
        InputType::Postgres,
        InputType::Config,
    ];

    /// The slot of this type in per-type arrays (`[T; InputType::ALL.len()]`), in `ALL`'s order.
    pub const fn index(self) -> usize {
        match self {
            InputType::Kubernetes => 0,
            InputType::Postgres => 1,
            InputType::Config => 2,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            InputType::Kubernetes => "kubernetes",
            InputType::Postgres => "postgres",
            InputType::Config => "config",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "kubernetes" | "k8s" | "istio" => Some(InputType::Kubernetes),
            "postgres" | "postgresql" | "sql" => Some(InputType::Postgres),
            "config" | "cfg" => Some(InputType::Config),
            _ => None,
        }
    }
}

impl fmt::Display for InputType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A file's text, shared by its documents and findings (for snippets and suppressions).
#[derive(Debug)]
pub struct SourceFile {
    /// The path as reported: relative to the working directory when below it, with `/`.
    pub path: String,
    /// Where it was read from (None for stdin).
    pub fs_path: Option<PathBuf>,
    pub text: String,
    pub lines: LineIndex,
}

impl SourceFile {
    pub fn new(path: String, fs_path: Option<PathBuf>, text: String) -> Arc<Self> {
        let lines = LineIndex::new(&text);
        Arc::new(SourceFile {
            path,
            fs_path,
            text,
            lines,
        })
    }

    /// The text of a 1-based line, without its terminator.
    pub fn line(&self, line: u32) -> &str {
        let r = self.lines.line_range(&self.text, line);
        self.text.get(r).unwrap_or("")
    }
}

/// One unit that rules evaluate: a Kubernetes object, a file's schema model, a config document.
#[derive(Debug, Clone)]
pub struct Document {
    pub file: Arc<SourceFile>,
    /// Position of the document in its file (0-based), for multi-document YAML.
    pub index: usize,
    pub input_type: InputType,
    /// A finer type: the Kubernetes `kind`, or `compose` / `standard` / `generic` for configs,
    /// or `schema` for PostgreSQL.
    pub subtype: String,
    /// What the document is, for messages and fingerprints: `Deployment payments/api`.
    pub resource: String,
    pub value: serde_json::Value,
    pub spans: SpanTree,
}

impl Document {
    /// The span of the whole document (used for document-level suppressions).
    pub fn span(&self) -> Span {
        self.spans.span
    }
}

/// How bad a problem met while reading input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProblemLevel {
    /// Something could not be checked: changes the exit code to 2.
    Error,
    /// Something was deliberately skipped (e.g. a psql meta-command); reported, exit code unchanged.
    Note,
}

/// A file, or part of one, that could not be checked as asked.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Problem {
    pub level: ProblemLevel,
    pub file: String,
    pub pos: Option<Pos>,
    pub message: String,
}

impl Problem {
    pub fn error(file: &str, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Problem {
            level: ProblemLevel::Error,
            file: file.to_string(),
            pos,
            message: message.into(),
        }
    }
    pub fn note(file: &str, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Problem {
            level: ProblemLevel::Note,
            file: file.to_string(),
            pos,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(p) => write!(f, "{}:{}:{}: {}", self.file, p.line, p.column, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// What loading one file produced.
#[derive(Debug, Default)]
pub struct Loaded {
    pub documents: Vec<Document>,
    pub problems: Vec<Problem>,
}
