//! The key path of each line of a text `toYaml` printed (or any block-style YAML a template
//! wrote): mapping keys tracked by indentation, sequence items by their index.
//!
//! The paths are kept as one tree of keys, each line pointing at its node: a line's path is
//! its parent's plus one key, so building the table costs one step a line, not a copy of the
//! whole path (a CRD's schema nests twenty keys deep over thousands of lines: copying each
//! line's path was most of splitting istio `base`'s stream into documents). A path is
//! materialized only for the lines a caller asks about.

use super::FastMap;
use std::ops::Range;
use std::sync::Arc;

/// A node of the key tree: the root (the printed value itself, no key) is node 0.
type Node = u32;
const ROOT: Node = 0;

/// Each line of a text (its byte range) and its key path from the printed value's root.
#[derive(Debug, Default)]
pub(super) struct LinePaths {
    /// (parent, key, depth) of each node; the root's key is empty.
    nodes: Vec<(Node, Arc<str>, u32)>,
    /// The node of a key under a parent: a key met twice under one parent is one node, so
    /// equal paths are equal nodes (sequence indexes are counted per path, see [`Self::of`]).
    children: FastMap<(Node, Arc<str>), Node>,
    lines: Vec<(Range<usize>, Node)>,
}

/// The key path of one line: walk it from its last key with [`PathRef::rev`], or copy it.
#[derive(Clone, Copy)]
pub(super) struct PathRef<'a> {
    tree: &'a LinePaths,
    node: Node,
}

impl<'a> PathRef<'a> {
    /// How many keys the path has.
    pub fn len(&self) -> usize {
        self.tree.nodes[self.node as usize].2 as usize
    }

    /// The keys from the last to the first.
    pub fn rev(self) -> impl Iterator<Item = &'a str> {
        let nodes = &self.tree.nodes;
        std::iter::successors(Some(self.node), move |&n| {
            (n != ROOT).then(|| nodes[n as usize].0)
        })
        .take_while(|&n| n != ROOT)
        .map(move |n| &*nodes[n as usize].1)
    }

    /// The keys from the first to the last.
    pub fn to_vec(self) -> Vec<String> {
        let mut out: Vec<String> = self.rev().map(str::to_string).collect();
        out.reverse();
        out
    }
}

impl LinePaths {
    /// The table of `text`'s lines.
    pub fn of(text: &str) -> LinePaths {
        let mut t = LinePaths {
            nodes: vec![(ROOT, Arc::from(""), 0)],
            ..Default::default()
        };
        // (indent, node, a key whose value is a block still to come)
        let mut stack: Vec<(usize, Node, bool)> = Vec::new();
        let top = |stack: &[(usize, Node, bool)]| stack.last().map_or(ROOT, |s| s.1);
        // Items printed so far under a path at an indentation.
        let mut seq_counts: FastMap<(usize, Node), usize> = FastMap::default();
        let mut pos = 0;
        let mut block_indent: Option<usize> = None;
        for line in text.split_inclusive('\n') {
            let r = pos..pos + line.len();
            pos += line.len();
            let l = line.trim_end();
            let mut body = crate::source::span::trim_start_fast(l);
            let mut indent = l.len() - body.len();
            if body.is_empty() {
                t.lines.push((r, top(&stack)));
                continue;
            }
            if let Some(bi) = block_indent {
                if indent > bi {
                    t.lines.push((r, top(&stack)));
                    continue;
                }
                block_indent = None;
            }
            // `key:` then `- item` at the key's own indentation (an indentless sequence, as
            // go-yaml and so `toYaml` print lists in maps): the items are the key's value.
            let item = body.starts_with("- ") || body == "-";
            while stack
                .last()
                .is_some_and(|(i, _, open)| *i > indent || (*i == indent && !(item && *open)))
            {
                stack.pop();
            }
            // `- key: v`: an item, then a key inside it.
            while let Some(rest) = body
                .strip_prefix("- ")
                .or_else(|| (body == "-").then_some(""))
            {
                let parent = top(&stack);
                let n = seq_counts.entry((indent, parent)).or_insert(0);
                let index = n.to_string();
                *n += 1;
                let node = t.child(parent, &index);
                stack.push((indent, node, false));
                indent += 2;
                body = rest;
                if body.is_empty() {
                    break;
                }
            }
            if let Some((k, v)) = body.split_once(':')
                && (v.is_empty() || v.starts_with(' '))
                && !k.starts_with(['"', '\'', '{', '['])
            {
                let v = v.trim();
                let node = t.child(top(&stack), k.trim());
                stack.push((indent, node, v.is_empty()));
                t.lines.push((r, node));
                if v.starts_with('|') || v.starts_with('>') {
                    block_indent = Some(indent);
                }
                continue;
            }
            t.lines.push((r, top(&stack)));
        }
        t
    }

    /// The node of `key` under `parent`, made on first use (the key's text is shared by the
    /// node and the map: one allocation).
    fn child(&mut self, parent: Node, key: &str) -> Node {
        let next = self.nodes.len() as Node;
        match self.children.entry((parent, Arc::from(key))) {
            std::collections::hash_map::Entry::Occupied(e) => *e.get(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let depth = self.nodes[parent as usize].2 + 1;
                self.nodes.push((parent, e.key().1.clone(), depth));
                e.insert(next);
                next
            }
        }
    }

    /// Every line: its byte range and its path.
    pub fn iter(&self) -> impl Iterator<Item = (&Range<usize>, PathRef<'_>)> {
        self.lines.iter().map(move |(r, node)| {
            (
                r,
                PathRef {
                    tree: self,
                    node: *node,
                },
            )
        })
    }

    /// The path of the line holding byte `at` (lines are in order: a binary search).
    pub fn at(&self, at: usize) -> Option<PathRef<'_>> {
        let i = self.lines.partition_point(|(r, _)| r.end <= at);
        self.lines
            .get(i)
            .filter(|(r, _)| r.contains(&at))
            .map(|(_, node)| PathRef {
                tree: self,
                node: *node,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::LinePaths;
    use proptest::prelude::*;
    use std::collections::HashMap;

    /// The table as it was computed before the key tree: each line's whole path copied.
    fn reference(text: &str) -> Vec<(std::ops::Range<usize>, Vec<String>)> {
        let mut out = Vec::new();
        let mut stack: Vec<(usize, String, bool)> = Vec::new();
        let path = |stack: &[(usize, String, bool)]| -> Vec<String> {
            stack.iter().map(|(_, k, _)| k.clone()).collect()
        };
        let mut seq_counts: HashMap<(usize, Vec<String>), usize> = HashMap::new();
        let mut pos = 0;
        let mut block_indent: Option<usize> = None;
        for line in text.split_inclusive('\n') {
            let r = pos..pos + line.len();
            pos += line.len();
            let t = line.trim_end();
            let mut indent = t.len() - t.trim_start().len();
            let mut body = t.trim_start();
            if body.is_empty() {
                out.push((r, path(&stack)));
                continue;
            }
            if let Some(bi) = block_indent {
                if indent > bi {
                    out.push((r, path(&stack)));
                    continue;
                }
                block_indent = None;
            }
            let item = body.starts_with("- ") || body == "-";
            while stack
                .last()
                .is_some_and(|(i, _, open)| *i > indent || (*i == indent && !(item && *open)))
            {
                stack.pop();
            }
            while let Some(rest) = body
                .strip_prefix("- ")
                .or_else(|| (body == "-").then_some(""))
            {
                let parent = path(&stack);
                let n = seq_counts.entry((indent, parent)).or_insert(0);
                stack.push((indent, n.to_string(), false));
                *n += 1;
                indent += 2;
                body = rest;
                if body.is_empty() {
                    break;
                }
            }
            if let Some((k, v)) = body.split_once(':')
                && (v.is_empty() || v.starts_with(' '))
                && !k.starts_with(['"', '\'', '{', '['])
            {
                let v = v.trim();
                stack.push((indent, k.trim().to_string(), v.is_empty()));
                out.push((r, path(&stack)));
                if v.starts_with('|') || v.starts_with('>') {
                    block_indent = Some(indent);
                }
                continue;
            }
            out.push((r, path(&stack)));
        }
        out
    }

    fn table(text: &str) -> Vec<(std::ops::Range<usize>, Vec<String>)> {
        LinePaths::of(text)
            .iter()
            .map(|(r, p)| (r.clone(), p.to_vec()))
            .collect()
    }

    #[test]
    fn an_indentless_sequence_is_its_keys_value() {
        let text = "a:\n- x: 1\n  y:\n  - 2\n- z\nb: 3\n";
        let paths: Vec<Vec<String>> = table(text).into_iter().map(|(_, p)| p).collect();
        let p = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            paths,
            [
                p(&["a"]),
                p(&["a", "0", "x"]),
                p(&["a", "0", "y"]),
                p(&["a", "0", "y", "0"]),
                p(&["a", "1"]),
                p(&["b"]),
            ]
        );
    }

    #[test]
    fn a_key_met_again_continues_its_items() {
        // Duplicate keys (text a template wrote, not toYaml): the items of the second `a`
        // are counted on from the first's, as the path-keyed count did.
        let text = "a:\n- x\nb: 1\na:\n- y\n  - z\n";
        assert_eq!(table(text), reference(text));
        let lp = LinePaths::of(text);
        let at = text.find("- y").unwrap();
        assert_eq!(lp.at(at).unwrap().to_vec(), ["a", "1"]);
        assert_eq!(lp.at(at).unwrap().len(), 2);
        assert_eq!(lp.at(at).unwrap().rev().collect::<Vec<_>>(), ["1", "a"]);
        assert!(lp.at(text.len()).is_none());
    }

    proptest! {
        /// The key tree gives every line the path the copying version gave it.
        #[test]
        fn paths_equal_the_reference(
            lines in prop::collection::vec(
                (0usize..4, prop::sample::select(vec![
                    "a:", "b: 1", "- c", "- d: 2", "-", "- - e", "f: |", "  text", "g: >-",
                    "\"q\": 1", "h: {x: 1}", "# comment", "", "i:x", "- j:", "k: [1]",
                ])),
                0..40,
            ),
        ) {
            let text: String = lines
                .iter()
                .map(|(indent, l)| format!("{}{l}\n", "  ".repeat(*indent)))
                .collect();
            prop_assert_eq!(table(&text), reference(&text), "{}", text);
        }
    }
}
