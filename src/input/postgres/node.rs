//! Builds a JSON value and its [`SpanTree`] together, so that their shapes cannot drift apart.

use crate::source::span::{Children, Span, SpanTree};
use serde_json::{Map, Value};

/// A JSON node with the span of the source text it came from.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub value: Value,
    pub tree: SpanTree,
}

impl Node {
    pub fn leaf(value: impl Into<Value>, span: Span) -> Node {
        Node {
            value: value.into(),
            tree: SpanTree::leaf(span),
        }
    }

    pub fn seq(items: Vec<Node>, span: Span, focus: Span) -> Node {
        let (values, trees): (Vec<Value>, Vec<SpanTree>) =
            items.into_iter().map(|n| (n.value, n.tree)).unzip();
        Node {
            value: Value::Array(values),
            tree: SpanTree {
                span,
                focus,
                children: Children::Seq(trees),
                origin: None,
            },
        }
    }

    /// A list of strings that all share one span.
    pub fn strings<S: AsRef<str>>(items: &[S], span: Span) -> Node {
        let nodes = items.iter().map(|s| Node::leaf(s.as_ref(), span)).collect();
        Node::seq(nodes, span, span)
    }
}

/// An object under construction; a key set twice keeps its last value (and its position).
#[derive(Debug, Clone)]
pub(crate) struct Obj {
    entries: Vec<(String, Node)>,
    span: Span,
    focus: Span,
}

impl Obj {
    pub fn new(span: Span, focus: Span) -> Obj {
        Obj {
            entries: Vec::new(),
            span,
            focus,
        }
    }

    pub fn put(&mut self, key: &str, node: Node) -> &mut Obj {
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = node,
            None => self.entries.push((key.to_string(), node)),
        }
        self
    }

    /// Sets `key` to a leaf that shares the object's focus.
    pub fn val(&mut self, key: &str, value: impl Into<Value>) -> &mut Obj {
        let focus = self.focus;
        self.put(key, Node::leaf(value, focus))
    }

    /// Sets `key` only when `value` is Some.
    pub fn opt<V: Into<Value>>(&mut self, key: &str, value: Option<V>, span: Span) -> &mut Obj {
        if let Some(v) = value {
            self.put(key, Node::leaf(v, span));
        }
        self
    }

    pub fn build(self) -> Node {
        let mut map = Map::new();
        let mut trees = Vec::with_capacity(self.entries.len());
        for (k, n) in self.entries {
            map.insert(k.clone(), n.value);
            trees.push((k, n.tree));
        }
        Node {
            value: Value::Object(map),
            tree: SpanTree {
                span: self.span,
                focus: self.focus,
                children: Children::Map(trees),
                origin: None,
            },
        }
    }
}
