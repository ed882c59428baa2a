//! Inputs: finding files, classifying them, and loading them into [`Document`]s that carry a
//! JSON value for the rules and a [`SpanTree`] for locations.
//!
//! Loaders know nothing of rules or reports: they turn bytes into documents and problems.

pub mod classify;
pub mod config;
pub mod discover;
pub mod embedded_file;
pub mod envfile;
pub mod files;
pub mod hcl;
pub mod kubernetes;
pub mod liquibase;
pub mod nginx;
pub mod postgres;
pub mod render;
pub mod yaml;

use crate::source::span::{Span, SpanTree};
use crate::source::{Problem, SourceFile};
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// The family of an input, which decides which rules see it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
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
    /// Values written elsewhere in the file than where the object uses them (an OpenShift
    /// Template's parameters): a finding on such a value points where it is written.
    pub substituted: Vec<Substituted>,
    /// A configuration file written in a ConfigMap's entry ([`embedded_file`]): its spans are
    /// the manifest's, and a rendered stream keeps it beside the objects.
    pub embedded: bool,
    /// A Kustomize patch fragment no kustomization uses ([`kubernetes::mark_unused_patch_fragments`]):
    /// no object anyone deploys, so only the credential rules read it (a password written in
    /// it is in the repository all the same).
    pub fragment: bool,
    /// Compose services extending a service of another file (`extends: {file: base.yml}`):
    /// nodes inherited through such an `extends:` entry (their span is its focus) have their
    /// origin in that file.
    pub extended: Vec<Extended>,
}

/// A Compose `extends:` entry naming another file: the entry's focus, where the nodes it
/// inherits are used, and the base file, where their origins are.
#[derive(Debug, Clone)]
pub struct Extended {
    pub site: Span,
    pub file: Arc<SourceFile>,
    /// Nodes the base file's service inherited in turn from a further file (a chain of
    /// `extends:` across files): their origin, and the file it is in.
    pub deeper: Vec<(Span, Arc<SourceFile>)>,
}

impl Extended {
    /// The file a node inherited through this entry is written in, by its origin.
    pub fn file_of(&self, origin: Span) -> &Arc<SourceFile> {
        self.deeper
            .iter()
            .find(|(o, _)| *o == origin)
            .map_or(&self.file, |(_, f)| f)
    }
}

/// A node of another file as the file that takes it in holds it (a Compose base's node at the
/// service's `extends:` entry, an nginx file's at its `include` line): placed at `site`, its
/// origin where the other file writes it.
pub(crate) fn reached_from(tree: &SpanTree, site: Span) -> SpanTree {
    use crate::source::span::Children;
    let children = match &tree.children {
        Children::Leaf => Children::Leaf,
        Children::Map(entries) => Children::Map(
            entries
                .iter()
                .map(|(k, t)| (k.clone(), reached_from(t, site)))
                .collect(),
        ),
        Children::Seq(items) => {
            Children::Seq(items.iter().map(|t| reached_from(t, site)).collect())
        }
    };
    SpanTree {
        span: site,
        focus: site,
        children,
        origin: tree.origin.or(Some(tree.focus)),
    }
}

/// The origins, and their files, of the nodes of `tree` that its file took in turn from a
/// further file (a Compose base that `extends:` another file, an nginx file that `include`s
/// another): collected into `out` for the `Extended` entry that brings `tree` in.
pub(crate) fn further_origins(
    tree: &SpanTree,
    further: &[Extended],
    out: &mut Vec<(Span, Arc<SourceFile>)>,
) {
    use crate::source::span::Children;
    if let Some(origin) = tree.origin
        && let Some(e) = further.iter().find(|e| e.site == tree.span)
    {
        out.push((origin, e.file_of(origin).clone()));
    }
    match &tree.children {
        Children::Leaf => {}
        Children::Map(entries) => entries
            .iter()
            .for_each(|(_, t)| further_origins(t, further, out)),
        Children::Seq(items) => items.iter().for_each(|t| further_origins(t, further, out)),
    }
}

/// A value of a document written at one place of its file and used at another: an OpenShift
/// Template parameter's `value:` substituted for `${NAME}` in one of its objects.
#[derive(Debug, Clone, PartialEq)]
pub struct Substituted {
    /// The focus of the node using it (`image: ${IMAGE}`).
    pub used: Span,
    /// The parameters' `value:` entries it took: the one it came from whole (then a finding
    /// on the node moves there, the use becoming related), or each one of a string mixing
    /// text and parameters (the finding stays; they are related).
    pub from: Vec<Span>,
    /// Whether the node's value is one parameter's whole value (`${IMAGE}`, `${{N}}`).
    pub whole: bool,
}

impl Document {
    /// The span of the whole document (used for document-level suppressions).
    pub fn span(&self) -> Span {
        self.spans.span
    }
}

/// What loading one file produced.
#[derive(Debug, Default)]
pub struct Loaded {
    pub documents: Vec<Document>,
    pub problems: Vec<Problem>,
}
