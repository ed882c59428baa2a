//! Helm values: files read with their spans, merged as Helm merges them (later files win,
//! maps merge key by key, `null` deletes), `--set` parsed with Helm's grammar, and the origin
//! of every value remembered (the values file line or `--set` argument that set it).

use crate::input::render::{SetArg, SetFlag};
use crate::input::yaml::{ResolveIssue, parse_stream, resolve_helm_values};
use crate::source::map::{Origin, OriginRole};
use crate::source::span::{Children, PathSeg, Span, SpanTree};
use crate::source::{Problem, SourceFile};
use serde_json::{Map, Value};
use std::path::Path;
use std::sync::Arc;

/// Where each value (by path from the values root) was last set.
#[derive(Debug, Default, Clone)]
pub struct Origins {
    pub by_path: super::FastMap<Vec<String>, Origin>,
}

impl Origins {
    pub fn get(&self, path: &[String]) -> Option<&Origin> {
        self.by_path.get(path)
    }

    /// Records the origins of every node of `tree` under `prefix` (a values file's tree).
    fn record_tree(
        &mut self,
        prefix: &mut Vec<String>,
        tree: &SpanTree,
        file: &Arc<SourceFile>,
        role: OriginRole,
    ) {
        self.by_path.insert(
            prefix.clone(),
            Origin {
                role,
                file: file.clone(),
                span: tree.focus,
            },
        );
        match &tree.children {
            Children::Map(entries) => {
                for (k, t) in entries {
                    prefix.push(k.clone());
                    self.record_tree(prefix, t, file, role);
                    prefix.pop();
                }
            }
            Children::Seq(items) => {
                for (i, t) in items.iter().enumerate() {
                    prefix.push(i.to_string());
                    self.record_tree(prefix, t, file, role);
                    prefix.pop();
                }
            }
            Children::Leaf => {}
        }
    }

    /// Drops the origins below `path` (the value there was replaced whole).
    fn clear_below(&mut self, path: &[String]) {
        self.by_path
            .retain(|k, _| !(k.len() > path.len() && k.starts_with(path)));
    }
}

/// Reads a YAML document with its spans (Helm reads values as sigs.k8s.io/yaml does: YAML 1.1
/// scalars). An empty file is an empty map.
/// An infinity or NaN (`.inf`, `.nan`) fails as in Helm, whose reader goes through JSON.
pub fn read_yaml(file: &Arc<SourceFile>) -> Result<(Value, SpanTree), Problem> {
    let (v, spans, non_finite) = read_yaml_non_finite(file)?;
    non_finite_error(file, &non_finite)?;
    Ok((v, spans))
}

/// The first infinity or NaN read, as Helm's error (its reader goes through JSON).
fn non_finite_error(file: &Arc<SourceFile>, non_finite: &[ResolveIssue]) -> Result<(), Problem> {
    match non_finite.first() {
        Some(i) => Err(Problem::error(&file.path, Some(i.pos), i.message.clone())),
        None => Ok(()),
    }
}

/// The byte `with_quote_escapes` writes for a `\'` escape (ESC, which the text cannot hold).
const QUOTE_STAND_IN: char = '\x1b';

/// What go-yaml v2 reads and saphyr refuses, when that is what stopped the parse: `\'` in a
/// double-quoted scalar (go-yaml: `'`; saphyr: `unknown escape character`), and a tab after
/// a key's `:` (`b:\t1`; saphyr: `':' must be followed by a valid YAML whitespace`). `file`
/// with each such `\'` written `\e` and each such tab a space (the same length, so every span
/// and position stays), and whether a `\'` was rewritten: the ESC it reads is turned back
/// into `'` by [`restore_quotes`]. `None` when nothing could be rewritten, or a `\'` where
/// the text could hold an ESC of its own (the stand-in would be ambiguous).
fn with_quote_escapes(
    file: &Arc<SourceFile>,
    err: &Option<crate::input::yaml::YamlError>,
) -> Option<(Arc<SourceFile>, bool)> {
    const TAB_AFTER_KEY: &str = "':' must be followed by a valid YAML whitespace";
    let fixable = |e: &crate::input::yaml::YamlError| {
        e.message.contains("unknown escape character") || e.message == TAB_AFTER_KEY
    };
    if !err.as_ref().is_some_and(fixable) {
        return None;
    }
    let esc_free = || {
        let lower = file.text.to_ascii_lowercase();
        !["\\e", "\\x1b", "\\u001b", "\\u0000001b", "\x1b"]
            .iter()
            .any(|s| lower.contains(s))
    };
    let mut text = file.text.clone().into_bytes();
    let mut quotes = false;
    // Bounded: each round rewrites one scalar or tab (saphyr stops at the first it refuses).
    for _ in 0..64 {
        let s = std::str::from_utf8(&text).ok()?;
        let idx = crate::source::span::LineIndex::new(s);
        let (_, e) = parse_stream(s, &idx);
        let Some(e) = e.filter(fixable) else {
            if text == file.text.as_bytes() {
                return None;
            }
            let s = String::from_utf8(text).ok()?;
            let again = SourceFile::new(file.path.clone(), file.fs_path.clone(), s);
            return Some((again, quotes));
        };
        if e.message == TAB_AFTER_KEY {
            text = super::funcs::tab_after_key(s, e.pos.line)?.into_bytes();
            continue;
        }
        if !quotes && !esc_free() {
            return None;
        }
        // saphyr reports the scalar's opening quote.
        let start = idx.offset_at_line_col(s, e.pos.line, e.pos.column.saturating_sub(1) as usize);
        if text.get(start) != Some(&b'"') {
            return None;
        }
        let mut changed = false;
        let mut i = start + 1;
        while i < text.len() {
            match text[i] {
                b'\\' => {
                    if text.get(i + 1) == Some(&b'\'') {
                        text[i + 1] = b'e';
                        changed = true;
                    }
                    i += 2;
                }
                b'"' => break,
                _ => i += 1,
            }
        }
        if !changed {
            return None;
        }
        quotes = true;
    }
    None
}

/// Values read through [`with_quote_escapes`]: each stand-in back to `'`, in keys too.
fn restore_quotes<T>(
    (mut v, mut tree, rest): (Value, SpanTree, T),
    quotes: bool,
) -> (Value, SpanTree, T) {
    if !quotes {
        return (v, tree, rest);
    }
    fn value(v: &mut Value) {
        match v {
            Value::String(s) if s.contains(QUOTE_STAND_IN) => {
                *s = s.replace(QUOTE_STAND_IN, "'");
            }
            Value::Array(items) => items.iter_mut().for_each(value),
            Value::Object(m) => {
                let entries = std::mem::take(m);
                for (k, mut v) in entries {
                    value(&mut v);
                    m.insert(k.replace(QUOTE_STAND_IN, "'"), v);
                }
            }
            _ => {}
        }
    }
    fn keys(t: &mut SpanTree) {
        match &mut t.children {
            Children::Leaf => {}
            Children::Map(entries) => entries.iter_mut().for_each(|(k, t)| {
                if k.contains(QUOTE_STAND_IN) {
                    *k = k.replace(QUOTE_STAND_IN, "'");
                }
                keys(t);
            }),
            Children::Seq(items) => items.iter_mut().for_each(keys),
        }
    }
    value(&mut v);
    keys(&mut tree);
    (v, tree, rest)
}

/// What go-yaml's `Unmarshal` (Helm's reader of a `-f` file, Chart.yaml, `fromYaml`) sees of
/// a stream: its first document only, so a syntax error in a later one is never met (Helm
/// renders with `a: 1` then `---` and `b: [`); an escape it refuses in that document is.
fn first_document(file: &Arc<SourceFile>, (docs, err): Parsed) -> Result<Parsed, Problem> {
    if let Some(p) = directive_problem(file, false) {
        return Err(p);
    }
    if let Some(p) = escape_problem(file, &docs[..docs.len().min(1)], false) {
        return Err(p);
    }
    // Only past a document marker after the first document: saphyr also ends a document
    // at an error inside it (`a` then `b: 1`), which go-yaml reports.
    let err = err.filter(|e| {
        let Some(first) = docs.first() else {
            return true;
        };
        let from = (first.root.span().end as usize).saturating_sub(1);
        let to = file.lines.line_range(&file.text, e.pos.line).end;
        !file
            .text
            .get(from..to.max(from))
            .is_some_and(|between| between.contains("\n---") || between.contains("\n..."))
    });
    Ok((docs, err))
}

/// The offset of the first escape in a double-quoted scalar of `node` that go-yaml v2 (Helm's
/// reader) refuses and saphyr reads: `\/` is YAML 1.2's, which go-yaml v2 does not know
/// (`found unknown escape character`; v3 and saphyr read it as `/`). Keys are scanned too.
fn refused_escape(node: &crate::input::yaml::RawNode, text: &str) -> Option<usize> {
    use crate::input::yaml::RawNode;
    match node {
        RawNode::Scalar {
            style: saphyr_parser::ScalarStyle::DoubleQuoted,
            span,
            ..
        } => {
            let b = text
                .as_bytes()
                .get(span.start as usize..span.end as usize)?;
            let mut i = 0;
            while i < b.len() {
                if b[i] == b'\\' {
                    if b.get(i + 1) == Some(&b'/') {
                        return Some(span.start as usize + i);
                    }
                    // The escaped byte is skipped (`\\/` is a backslash, then `/`).
                    i += 1;
                }
                i += 1;
            }
            None
        }
        RawNode::Scalar { .. } => None,
        // An alias's node is scanned where it is defined.
        RawNode::Alias {
            target,
            definition: true,
            ..
        } => refused_escape(target, text),
        RawNode::Alias { .. } => None,
        RawNode::Seq { items, .. } => items.iter().filter_map(|n| refused_escape(n, text)).min(),
        RawNode::Map { entries, .. } => entries
            .iter()
            .flat_map(|(k, v)| [refused_escape(k, text), refused_escape(v, text)])
            .flatten()
            .min(),
    }
}

/// [`refused_escape`] in `docs` as Helm's error, at the escape. go-yaml's scanner error names
/// the line (1-based) only past the first line of the text it reads, which for a chart's
/// values.yaml (`split`) is the document after the last `---` line before it (Helm v4 reads
/// each document apart), and otherwise the whole text (`yaml.Unmarshal`).
fn escape_problem(
    file: &Arc<SourceFile>,
    docs: &[crate::input::yaml::RawDocument],
    split: bool,
) -> Option<Problem> {
    let at = docs
        .iter()
        .filter_map(|d| refused_escape(&d.root, &file.text))
        .min()?;
    let before = &file.text[..at];
    let mut from = 0;
    if split {
        for (i, line) in before.split_inclusive('\n').enumerate() {
            if line.ends_with('\n') && line.starts_with("---") {
                from = i + 1;
            }
        }
    }
    let line = before.matches('\n').count() - from;
    let where_ = if line == 0 {
        String::new()
    } else {
        format!("line {}: ", line + 1)
    };
    Some(Problem::error(
        &file.path,
        Some(file.pos(at as u32)),
        format!("error converting YAML to JSON: yaml: {where_}found unknown escape character"),
    ))
}

/// The directives (`%YAML`, `%TAG`) go-yaml v2 refuses where saphyr reads them, as Helm's
/// error at the directive: `%YAML` other than 1.1 (`found incompatible YAML document`), a
/// second `%YAML` (`found duplicate %YAML directive`), and with `split` (a chart's
/// values.yaml, which Helm v4 cuts at its `---` lines and reads piece by piece) any directive
/// at all, since the piece before the `---` it needs holds no document (`did not find
/// expected <document start>` at the piece's end). Only directives before a piece's first
/// content count (after it go-yaml's `Unmarshal` never reads). Parser errors name go-yaml's
/// 0-based line, left out when 0.
fn directive_problem(file: &Arc<SourceFile>, split: bool) -> Option<Problem> {
    let text = &file.text;
    if !text.starts_with('%') && !text.contains("\n%") {
        return None;
    }
    let problem = |at: usize, line: usize, what: &str| {
        let where_ = if line == 0 {
            String::new()
        } else {
            format!("line {line}: ")
        };
        Some(Problem::error(
            &file.path,
            Some(file.pos(at as u32)),
            format!("error converting YAML to JSON: yaml: {where_}{what}"),
        ))
    };
    // Each piece: (its lines with their offsets).
    let mut pieces: Vec<Vec<(usize, &str)>> = vec![Vec::new()];
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if split && line.starts_with("---") {
            pieces.push(Vec::new());
        } else if let Some(p) = pieces.last_mut() {
            p.push((at, line));
        }
        at += line.len();
    }
    for piece in pieces.iter().take(if split { usize::MAX } else { 1 }) {
        let mut directives = 0;
        let mut yaml_seen = false;
        let mut content = false;
        for (i, &(at, line)) in piece.iter().enumerate() {
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            if !line.starts_with('%') {
                content = true;
                break;
            }
            directives += 1;
            let mut words = t.split_whitespace();
            if words.next() == Some("%YAML") {
                if yaml_seen {
                    return problem(at, i, "found duplicate %YAML directive");
                }
                yaml_seen = true;
                if words.next() != Some("1.1") {
                    return problem(at, i, "found incompatible YAML document");
                }
            }
        }
        if split && directives > 0 && !content {
            let (at, line) = piece.last().copied().unwrap_or((0, ""));
            let end = piece.iter().filter(|(_, l)| l.ends_with('\n')).count();
            return problem(
                at + line.len(),
                end,
                "did not find expected <document start>",
            );
        }
    }
    None
}

/// A resolver issue that refuses a values file, as Helm words it: a key that is a flow
/// collection is go-yaml's `invalid map key: []interface {}{"a", "b"}` (Go's `%#v` of it).
fn issue_problem(file: &Arc<SourceFile>, i: ResolveIssue) -> Problem {
    let message = if i.message.starts_with("a mapping key that is not a scalar") {
        super::funcs::invalid_map_key(&file.text, Some((i.pos.line, i.pos.column)))
            .unwrap_or(i.message)
    } else {
        i.message
    };
    Problem::error(&file.path, Some(i.pos), message)
}

/// A values text parsed into its documents, or the syntax error that stopped the parse.
type Parsed = (
    Vec<crate::input::yaml::RawDocument>,
    Option<crate::input::yaml::YamlError>,
);

/// [`read_yaml`] of a text already parsed into its documents.
fn read_yaml_parsed(file: &Arc<SourceFile>, parsed: Parsed) -> Result<(Value, SpanTree), Problem> {
    let (v, spans, non_finite) = read_non_finite_parsed(file, parsed, false)?;
    non_finite_error(file, &non_finite)?;
    Ok((v, spans))
}

/// [`read_yaml`] that hands back the infinities and NaNs it found (kept as their text in the
/// value) instead of failing on them: Chart.yaml's `string` fields take them as Go's names.
pub fn read_yaml_non_finite(
    file: &Arc<SourceFile>,
) -> Result<(Value, SpanTree, Vec<ResolveIssue>), Problem> {
    read_yaml_keys(file, false)
}

/// [`read_yaml_non_finite`]; `rewritten`: a values file Kustomize read and wrote back, whose
/// keys written as YAML 1.1 booleans other than `true`/`false` stay text
/// ([`crate::input::yaml::resolve_rewritten_helm_values`]).
fn read_yaml_keys(
    file: &Arc<SourceFile>,
    rewritten: bool,
) -> Result<(Value, SpanTree, Vec<ResolveIssue>), Problem> {
    let parsed = parse_stream(&file.text, &file.lines);
    if let Some((again, quotes)) = with_quote_escapes(file, &parsed.1) {
        return read_yaml_keys(&again, rewritten).map(|r| restore_quotes(r, quotes));
    }
    read_non_finite_parsed(file, first_document(file, parsed)?, rewritten)
}

fn read_non_finite_parsed(
    file: &Arc<SourceFile>,
    (mut docs, err): Parsed,
    rewritten: bool,
) -> Result<(Value, SpanTree, Vec<ResolveIssue>), Problem> {
    // go-yaml (Helm's reader) accepts a quoted scalar or flow collection whose continuation
    // lines are no deeper than their parent (`a: "x` then `y"` at column 0), which saphyr
    // refuses: read the text with those lines re-indented, as the manifests loader does, and
    // map the spans back onto the file (only the re-indented lines' columns move).
    let mut lenient: Option<(String, Vec<u32>)> = None;
    if let Some(e) = err {
        let relaxed = (e.message.contains("indentation") && !e.message.contains("tabs"))
            .then(|| crate::input::classify::lenient_text(&file.text, e.pos.line))
            .flatten();
        let Some((text, fixed)) = relaxed else {
            return Err(Problem::error(&file.path, Some(e.pos), e.message));
        };
        let idx = crate::source::span::LineIndex::new(&text);
        let (again, err) = parse_stream(&text, &idx);
        if err.is_some() {
            return Err(Problem::error(&file.path, Some(e.pos), e.message));
        }
        docs = again;
        lenient = Some((text, fixed));
    }
    if let Some((text, _)) = &lenient {
        let idx = crate::source::span::LineIndex::new(text);
        let (v, mut spans, non_finite) = resolve_first(file, &docs, text, &idx, rewritten)?;
        remap_spans(&mut spans, &lenient_offsets(text, &file.text));
        return Ok((v, spans, non_finite));
    }
    resolve_first(file, &docs, &file.text, &file.lines, rewritten)
}

/// The first document of `docs` (parsed from `text`) as values, with its infinities and NaNs.
fn resolve_first(
    file: &Arc<SourceFile>,
    docs: &[crate::input::yaml::RawDocument],
    text: &str,
    idx: &crate::source::span::LineIndex,
    rewritten: bool,
) -> Result<(Value, SpanTree, Vec<ResolveIssue>), Problem> {
    let Some(doc) = docs.first() else {
        return Ok((Value::Object(Map::new()), SpanTree::default(), Vec::new()));
    };
    let resolve = if rewritten {
        crate::input::yaml::resolve_rewritten_helm_values
    } else {
        resolve_helm_values
    };
    let (v, spans, issues) = resolve(&doc.root, text, idx)
        .map_err(|e| Problem::error(&file.path, Some(e.pos), e.message))?;
    // go-yaml v2 (Helm's reader, not strict) keeps the last of a duplicate key, as the
    // resolver does: Helm renders such values (`on:` and `y:` are both the key `true`).
    let (non_finite, others): (Vec<_>, Vec<_>) = issues
        .into_iter()
        .filter(|i| !i.is_duplicate_key())
        .partition(ResolveIssue::is_non_finite);
    if let Some(i) = others.into_iter().next() {
        return Err(issue_problem(file, i));
    }
    Ok((v, spans, non_finite))
}

/// A chart's `values.yaml` as Helm v4's `loader.LoadValues` reads it: each YAML document a
/// map (an empty one `{}`), merged in order (`MergeMaps`: a later document's key wins, maps
/// merge recursively, a `null` replaces). One document is [`read_yaml`].
pub fn read_values_yaml(file: &Arc<SourceFile>) -> Result<(Value, SpanTree), Problem> {
    read_values_pieces(file).map_err(|p| go_worded(file, p, true))
}

/// A `-f` values file as `helm template` reads it ([`read_yaml`]), a syntax error in Helm's
/// words.
pub fn read_values_file(file: &Arc<SourceFile>) -> Result<(Value, SpanTree), Problem> {
    read_yaml(file).map_err(|p| go_worded(file, p, false))
}

/// [`read_values_file`] of a values file Kustomize read and wrote back (`valuesInline` under
/// `override` or `merge`): its keys written as YAML 1.1 booleans other than `true`/`false`
/// stay text, each its own key.
pub fn read_rewritten_values_file(file: &Arc<SourceFile>) -> Result<(Value, SpanTree), Problem> {
    read_yaml_keys(file, true)
        .and_then(|(v, spans, non_finite)| {
            non_finite_error(file, &non_finite)?;
            Ok((v, spans))
        })
        .map_err(|p| go_worded(file, p, false))
}

/// Helm's error for a values document that is not a map (a list, a string, a number or a
/// boolean), decoded into `go_type` (`map[string]interface {}` for values.yaml,
/// `common.Values` for a `-f` file).
pub fn not_a_map(
    file: &Arc<SourceFile>,
    v: &Value,
    tree: &SpanTree,
    go_type: &str,
) -> Option<Problem> {
    let kind = match v {
        Value::Object(_) | Value::Null => return None,
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
    };
    Some(Problem::error(
        &file.path,
        Some(file.pos(tree.span.start)),
        format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {kind} into Go value of type {go_type}"
        ),
    ))
}

/// `p` in go-yaml's words when it is saphyr's syntax error of `file` (Helm's `error converting
/// YAML to JSON: yaml: line N: …`, as `fromYaml` words it; with `split` the line counts from
/// the `---` piece the error is in, as Helm v4 reads values.yaml piece by piece).
fn go_worded(file: &Arc<SourceFile>, p: Problem, split: bool) -> Problem {
    let (_, err) = parse_stream(&file.text, &file.lines);
    let Some(e) = err.filter(|e| e.message == p.message) else {
        return p;
    };
    let mut start = 0;
    let mut first_line = 1;
    if split {
        let mut at = 0;
        for (i, line) in file.text.split_inclusive('\n').enumerate() {
            if i + 1 >= e.pos.line as usize {
                break;
            }
            at += line.len();
            if line.starts_with("---") {
                start = at;
                first_line = i as u32 + 2;
            }
        }
    }
    let piece = &file.text[start..];
    let at = (e.pos.line + 1 - first_line, e.pos.column);
    // A tab libyaml refuses (saphyr words it otherwise), as `fromYaml` finds it.
    let message = super::funcs::tab_error(piece)
        .unwrap_or_else(|| super::funcs::go_yaml_error(&e.message, Some(at), piece));
    Problem::error(&file.path, p.pos, message)
}

fn read_values_pieces(file: &Arc<SourceFile>) -> Result<(Value, SpanTree), Problem> {
    if let Some(p) = directive_problem(file, true) {
        return Err(p);
    }
    let (docs, err) = parse_stream(&file.text, &file.lines);
    if let Some((again, quotes)) = with_quote_escapes(file, &err) {
        return read_values_pieces(&again).map(|(v, t)| {
            let (v, t, ()) = restore_quotes((v, t, ()), quotes);
            (v, t)
        });
    }
    if let Some(p) = escape_problem(file, &docs, true) {
        return Err(p);
    }
    if docs.len() < 2 || err.is_some() {
        // One document (or a syntax error): read from this parse, not a second one.
        let (v, tree) = read_yaml_parsed(file, (docs, err))?;
        return match not_a_map(file, &v, &tree, "map[string]interface {}") {
            Some(p) => Err(p),
            None => Ok((v, tree)),
        };
    }
    let mut out = Map::new();
    let mut out_tree: Vec<(String, SpanTree)> = Vec::new();
    let mut whole = Span {
        start: u32::MAX,
        end: 0,
    };
    for doc in &docs {
        let (v, tree, issues) = resolve_helm_values(&doc.root, &file.text, &file.lines)
            .map_err(|e| Problem::error(&file.path, Some(e.pos), e.message))?;
        if let Some(i) = issues.into_iter().find(|i| !i.is_duplicate_key()) {
            return Err(issue_problem(file, i));
        }
        if let Some(p) = not_a_map(file, &v, &tree, "map[string]interface {}") {
            return Err(p);
        }
        whole = Span {
            start: whole.start.min(tree.span.start),
            end: whole.end.max(tree.span.end),
        };
        if let (Value::Object(m), Children::Map(entries)) = (v, tree.children) {
            merge_maps(&mut out, &mut out_tree, m, entries);
        }
    }
    let tree = SpanTree {
        span: whole,
        focus: whole,
        children: Children::Map(out_tree),
        origin: None,
    };
    Ok((Value::Object(out), tree))
}

/// Helm's `loader.MergeMaps` of `b` into `a`, with the entries' span trees.
fn merge_maps(
    a: &mut Map<String, Value>,
    at: &mut Vec<(String, SpanTree)>,
    b: Map<String, Value>,
    mut bt: Vec<(String, SpanTree)>,
) {
    for (k, v) in b {
        let Some(i) = bt.iter().position(|(n, _)| *n == k) else {
            continue;
        };
        let (_, t) = bt.swap_remove(i);
        let existing = at.iter().position(|(n, _)| *n == k);
        if let (Value::Object(bm), Some(Value::Object(am)), Some(j)) = (&v, a.get_mut(&k), existing)
            && let (Children::Map(a_entries), Children::Map(b_entries)) =
                (&mut at[j].1.children, t.children.clone())
        {
            merge_maps(am, a_entries, bm.clone(), b_entries);
            continue;
        }
        a.insert(k.clone(), v);
        match existing {
            Some(j) => at[j].1 = t,
            None => at.push((k, t)),
        }
    }
}

/// Every span of `tree` through `map`.
fn remap_spans(tree: &mut SpanTree, map: &dyn Fn(u32) -> u32) {
    for s in [&mut tree.span, &mut tree.focus] {
        *s = Span {
            start: map(s.start),
            end: map(s.end),
        };
    }
    match &mut tree.children {
        Children::Leaf => {}
        Children::Map(entries) => entries.iter_mut().for_each(|(_, t)| remap_spans(t, map)),
        Children::Seq(items) => items.iter_mut().for_each(|t| remap_spans(t, map)),
    }
}

/// Offsets of `lenient` (`original` with some lines' leading spaces added, the same lines)
/// as offsets of `original`: the same line, the column less the spaces added there.
fn lenient_offsets(lenient: &str, original: &str) -> impl Fn(u32) -> u32 {
    let starts = |t: &str| -> Vec<usize> {
        std::iter::once(0)
            .chain(t.match_indices('\n').map(|(i, _)| i + 1))
            .collect()
    };
    let (l_starts, o_starts) = (starts(lenient), starts(original));
    let (l_len, o_len) = (lenient.len(), original.len());
    let line_len = |st: &[usize], i: usize, total: usize| {
        st.get(i + 1).map_or(total, |n| n - 1).saturating_sub(st[i])
    };
    move |offset| {
        let offset = (offset as usize).min(l_len);
        let line = l_starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let Some(&o_start) = o_starts.get(line) else {
            return o_len as u32;
        };
        let o_line = line_len(&o_starts, line, o_len);
        let added = line_len(&l_starts, line, l_len).saturating_sub(o_line);
        let col = (offset - l_starts[line]).saturating_sub(added).min(o_line);
        (o_start + col) as u32
    }
}

/// Merges `over` into `base` as Helm coalesces user values over chart values: maps merge
/// recursively, anything else replaces, `null` deletes the key. Origins follow.
pub fn merge_into(
    base: &mut Value,
    over: &Value,
    tree: Option<&SpanTree>,
    file: &Arc<SourceFile>,
    role: OriginRole,
    path: &mut Vec<String>,
    origins: &mut Origins,
) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            if let Some(t) = tree {
                origins.by_path.insert(
                    path.clone(),
                    Origin {
                        role,
                        file: file.clone(),
                        span: t.focus,
                    },
                );
            }
            for (k, v) in o {
                let sub = tree.and_then(|t| t.child(&crate::source::span::PathSeg::Key(k.clone())));
                path.push(k.clone());
                if v.is_null() {
                    // Kept as null so that merging the chart's defaults under it deletes the
                    // default (Helm: a null in user values removes the key).
                    b.insert(k.clone(), Value::Null);
                    origins.clear_below(path);
                    origins.by_path.remove(path.as_slice());
                } else if let Some(existing) = b.get_mut(k)
                    && existing.is_object()
                    && v.is_object()
                {
                    merge_into(existing, v, sub, file, role, path, origins);
                } else {
                    b.insert(k.clone(), v.clone());
                    origins.clear_below(path);
                    match sub {
                        Some(t) => origins.record_tree(path, t, file, role),
                        None => {
                            origins.by_path.remove(path.as_slice());
                        }
                    }
                }
                path.pop();
            }
        }
        (b, o) => {
            *b = strip_nulls(o);
        }
    }
}

/// Helm drops null keys of maps it merges in.
pub fn strip_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), strip_nulls(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Merges chart defaults under user values (Helm's `CoalesceValues` for a subchart's own
/// `values.yaml`): keys the user set win; maps merge.
pub fn coalesce_defaults(user: &mut Value, defaults: &Value) {
    coalesce_level(user, defaults, true, &[]);
}

/// Where the values given to a chart and the chart's own `values.yaml` disagree on being a
/// map (Helm's coalescing warnings, `pkg/chart/common/util/coalesce.go`): at the top level a
/// map given over a value that is not one (`skipped value for CHART.KEY: Not a table.`);
/// below it, a value that is not a map given over a map (`cannot overwrite table with non
/// table for …`) or a map over a value that is not one (`destination for … is a table.
/// Ignoring non-table value …`). In each the value given is kept and the chart's skipped,
/// so nothing rendered depends on this: it only names the values a user may have written
/// for another version of the chart. Each with the path of the value given and whether that
/// value is the map.
pub fn table_mismatches(user: &Value, defaults: &Value) -> Vec<(Vec<String>, bool)> {
    fn walk(
        user: &Value,
        defaults: &Value,
        top: bool,
        path: &mut Vec<String>,
        out: &mut Vec<(Vec<String>, bool)>,
    ) {
        let (Value::Object(u), Value::Object(d)) = (user, defaults) else {
            return;
        };
        for (k, dv) in d {
            let Some(uv) = u.get(k) else { continue };
            if uv.is_null() || dv.is_null() {
                continue;
            }
            path.push(k.clone());
            match (uv.is_object(), dv.is_object()) {
                (true, true) => walk(uv, dv, false, path, out),
                (true, false) => out.push((path.clone(), true)),
                (false, true) if !top => out.push((path.clone(), false)),
                _ => {}
            }
            path.pop();
        }
    }
    let mut out = Vec::new();
    walk(user, defaults, true, &mut Vec::new(), &mut out);
    out
}

/// [`coalesce_defaults`] of a chart's own `values.yaml` under the values given to it, where
/// `subcharts` are the keys of its enabled subcharts. Under such a key the user set to a map,
/// Helm merges (its `childChartMergeTrue`): the chart's nulls are copied in, the user's kept,
/// so that the subchart's own coalescing then deletes the subchart's defaults they name
/// (`sub: {a: null}` in the parent's values.yaml removes the subchart's `a` once the user sets
/// anything under `sub`; when the user sets nothing there the nulls are dropped, as Helm does).
pub fn coalesce_chart_defaults(user: &mut Value, defaults: &Value, subcharts: &[&str]) {
    coalesce_level(user, defaults, true, subcharts);
}

/// Helm's merge (`coalesceTablesFullKey` with merge set) of `defaults` under `user`: keys the
/// user lacks are copied, nulls included; the user's values, nulls included, stay.
fn merge_level(user: &mut Value, defaults: &Value) {
    if let (Value::Object(u), Value::Object(d)) = (user, defaults) {
        for (k, dv) in d {
            match u.get_mut(k) {
                None => {
                    u.insert(k.clone(), dv.clone());
                }
                Some(uv) if uv.is_object() && dv.is_object() => merge_level(uv, dv),
                Some(_) => {}
            }
        }
    }
}

/// One level of [`coalesce_defaults`]. An explicit null in user values deletes the default;
/// below the top level only a default that is not itself null (Helm's `coalesceTablesFullKey`
/// deletes the key when the chart's value was non-nil, `srcOriginalNonNil`, and keeps the
/// user's null otherwise: `map: {a: null}` with `--set map.a=null` has `a: null`; at the top
/// level `coalesceValues` deletes it whatever the default).
fn coalesce_level(user: &mut Value, defaults: &Value, top: bool, subcharts: &[&str]) {
    if let (Value::Object(u), Value::Object(d)) = (user, defaults) {
        for (k, dv) in d {
            match u.get_mut(k) {
                Some(uv) if top && subcharts.contains(&k.as_str()) && uv.is_object() => {
                    merge_level(uv, dv)
                }
                None => {
                    if !dv.is_null() {
                        u.insert(k.clone(), strip_nulls(dv));
                    }
                }
                Some(Value::Null) => {
                    if top || !dv.is_null() {
                        u.remove(k);
                    }
                }
                Some(uv) => coalesce_level(uv, dv, false, &[]),
            }
        }
    }
}

/// Applies one argument of a value flag (`--set a.b=c,d[0].e=f`, `--set-json a=[1]`, …) to
/// the user values as Helm's strvals does (see [`SetFlag`] for each flag's grammar), and
/// records where each value came from: the argument, reported as the file `--set KEYS` (its
/// keys only: a value given on the command line, a password, is never part of a path in a
/// report), or for a `--set-file` value the file it names, so that a finding on that value
/// points into the file. Relative `--set-file` paths are read from `set.base`, else `cwd`.
pub fn apply_set(
    values: &mut Value,
    set: &SetArg,
    cwd: &Path,
    origins: &mut Origins,
) -> Result<(), Problem> {
    let file = SourceFile::new(set_display(set), None, set.arg.clone());
    let failed = |message: String| Problem::error(&file.path, None, message);
    if let Some(object) = whole_json_object(set) {
        // Helm v4 merges a `--set-json` argument that is one JSON object over the values as it
        // merges a values file (`loader.MergeMaps`).
        let object = object.map_err(failed)?;
        let whole = Span::new(0, file.text.len());
        let tree = json_spans(&file.text, whole).unwrap_or_else(|| spanning(&object, whole));
        merge_into(
            values,
            &object,
            Some(&tree),
            &file,
            OriginRole::Set,
            &mut Vec::new(),
            origins,
        );
        return Ok(());
    }
    let end = file.text.len();
    for piece in set_pieces(&set.arg, set.flag).map_err(failed)? {
        // strvals sets nothing for an empty key (`=x`), and goes on.
        if piece.key.is_empty() {
            continue;
        }
        let path = parse_key(&piece.key, set.flag != SetFlag::Literal).map_err(failed)?;
        if path.is_empty() {
            continue;
        }
        let mut origin = Origin {
            role: OriginRole::Set,
            file: file.clone(),
            span: Span::new(piece.start.min(end), piece.end.min(end)),
        };
        let read = |path: &str| read_set_file(path, set.base.as_deref().unwrap_or(cwd));
        // A JSON map or list: where each of its members is written in the argument.
        let mut members = None;
        let value = match piece.value {
            SetVal::Json(v, from) => {
                if v.is_object() || v.is_array() {
                    members = json_spans(&set.arg, Span::new(from, piece.end));
                }
                v
            }
            SetVal::Scalar(v) if set.flag == SetFlag::File => {
                let read = read(&v).map_err(failed)?;
                let value = Value::String(read.text.clone());
                origin.span = Span::new(0, read.text.len());
                origin.file = read;
                value
            }
            SetVal::Scalar(v) => typed_for(set.flag, &v),
            SetVal::List(items) if set.flag == SetFlag::File => Value::Array(
                items
                    .iter()
                    .map(|p| read(p).map(|f| Value::String(f.text.clone())))
                    .collect::<Result<_, _>>()
                    .map_err(failed)?,
            ),
            SetVal::List(items) => {
                Value::Array(items.iter().map(|v| typed_for(set.flag, v)).collect())
            }
        };
        set_path(values, &path, value.clone(), origins, &mut Vec::new()).map_err(failed)?;
        let key_path: Vec<String> = path
            .iter()
            .map(|s| match s {
                Step::Key(k) => k.clone(),
                Step::Index(i) => i.to_string(),
            })
            .collect();
        origins.clear_below(&key_path);
        if value.is_null() {
            origins.by_path.remove(&key_path);
            continue;
        }
        if let Some(tree) = members {
            origins.record_tree(&mut key_path.clone(), &tree, &file, OriginRole::Set);
        }
        // The map or list itself is its `key=value`.
        origins.by_path.insert(key_path, origin);
    }
    Ok(())
}

/// A value of `--set` (numbers, booleans and `null` typed) or of the flags whose values are
/// all text (`--set-string`, `--set-literal`).
fn typed_for(flag: SetFlag, v: &str) -> Value {
    match flag {
        SetFlag::Set => typed_val(v),
        _ => Value::String(v.to_string()),
    }
}

/// A `--set-json` argument that is one JSON object (Helm v4: its trimmed text starts with
/// `{`), read as Helm's `json.Unmarshal` reads it: the object, else Helm's error.
fn whole_json_object(set: &SetArg) -> Option<Result<Value, String>> {
    let text = set.arg.trim();
    if set.flag != SetFlag::Json || !text.starts_with('{') {
        return None;
    }
    Some(
        serde_json::from_str::<Map<String, Value>>(text)
            .map(|m| json_numbers_as_floats(Value::Object(m)))
            .map_err(|e| format!("the argument is not a JSON object: {e}")),
    )
}

/// Go's `encoding/json` reads every number into an `interface{}` as a float64 (`5` is
/// `float64(5)`, not `--set`'s `int64`): numbers kept as floats so templates see them so.
fn json_numbers_as_floats(v: Value) -> Value {
    match v {
        Value::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Number(n), Value::Number),
        Value::Array(a) => Value::Array(a.into_iter().map(json_numbers_as_floats).collect()),
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| (k, json_numbers_as_floats(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Where each member of the JSON map or list at `span` of `arg` is written (read as the YAML
/// flow collection it also is, the rest of the text blanked so that offsets stay the
/// argument's); None when it cannot be read so.
fn json_spans(arg: &str, span: Span) -> Option<SpanTree> {
    let text = arg.get(span.range())?;
    let blanked = format!("{}{text}", " ".repeat(span.start as usize));
    let (_, tree) = read_yaml(&SourceFile::new(String::new(), None, blanked)).ok()?;
    Some(tree)
}

/// A span tree of `v`'s shape whose every node is at `span` (a `--set-json` object: each of
/// its values was given by the whole argument).
fn spanning(v: &Value, span: Span) -> SpanTree {
    let children = match v {
        Value::Object(m) => Children::Map(
            m.iter()
                .map(|(k, v)| (k.clone(), spanning(v, span)))
                .collect(),
        ),
        Value::Array(a) => Children::Seq(a.iter().map(|v| spanning(v, span)).collect()),
        _ => Children::Leaf,
    };
    SpanTree {
        span,
        focus: span,
        children,
        origin: None,
    }
}

/// The file a `--set-file` value names (as Helm reads it, relative to `base` when not
/// absolute), reported by its path relative to the working directory. Its bytes are the
/// value, as Go's `string(bytes)`: what is not UTF-8 is replaced.
fn read_set_file(path: &str, base: &Path) -> Result<Arc<SourceFile>, String> {
    let full = base.join(path);
    let cwd = std::env::current_dir().unwrap_or_default();
    let shown = crate::input::files::display_path(&full, &cwd);
    let bytes = std::fs::read(&full).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Ok(SourceFile::new(shown, Some(full), text))
}

/// How a value flag's argument is named in reports: the flag and its keys, without the
/// values (`--set image.tag,replicas`). An argument that does not parse is named by what
/// precedes its first `=` (`--set`'s grammar: by each piece's), never by a value.
pub fn set_display(set: &SetArg) -> String {
    let flag = set.flag.flag();
    let keys: Vec<String> = match (whole_json_object(set), set_pieces(&set.arg, set.flag)) {
        (Some(Ok(Value::Object(m))), _) => m.keys().cloned().collect(),
        (Some(_), _) => Vec::new(),
        (None, Ok(pieces)) => pieces.into_iter().map(|p| p.key).collect(),
        (None, Err(_)) if matches!(set.flag, SetFlag::Json | SetFlag::Literal) => {
            split_once_unescaped(&set.arg, '=')
                .map(|(k, _)| vec![k])
                .unwrap_or_default()
        }
        (None, Err(_)) => split_unescaped(&set.arg, ',', true)
            .iter()
            .filter(|p| !p.is_empty())
            .map(|p| {
                split_once_unescaped(p, '=')
                    .map(|(k, _)| k)
                    .unwrap_or_else(|| p.clone())
            })
            .collect(),
    };
    if keys.is_empty() {
        flag.to_string()
    } else {
        format!("{flag} {}", keys.join(","))
    }
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Splits on `sep` not preceded by `\`; with `braces`, not inside `{...}`.
fn split_unescaped(s: &str, sep: char, braces: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            cur.push(c);
            if let Some(n) = chars.next() {
                cur.push(n);
            }
            continue;
        }
        if braces && c == '{' {
            depth += 1;
        } else if braces && c == '}' && depth > 0 {
            depth -= 1;
        }
        if c == sep && depth == 0 {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out
}

fn split_once_unescaped(s: &str, sep: char) -> Option<(String, String)> {
    let mut prev_backslash = false;
    for (i, c) in s.char_indices() {
        if c == sep && !prev_backslash {
            return Some((s[..i].to_string(), s[i + c.len_utf8()..].to_string()));
        }
        prev_backslash = c == '\\' && !prev_backslash;
    }
    None
}

/// A list index as strvals reads what is between its brackets (Go's `strconv.Atoi`), or its
/// error in Go's words.
fn index_number(n: &str) -> Result<i64, String> {
    n.parse().map_err(|_| {
        let why = if n
            .trim_start_matches(['+', '-'])
            .bytes()
            .all(|b| b.is_ascii_digit())
            && n.len() > 1
        {
            "value out of range"
        } else {
            "invalid syntax"
        };
        format!("error parsing index: strconv.Atoi: parsing {n:?}: {why}")
    })
}

/// A key's steps (`a.b[0]`). `\` escapes the next character, except in a `--set-literal`
/// key (`escapes` false), which strvals reads as written.
///
/// A `.` must be followed by a key: strvals ignores an empty key, so the map the `.` opens
/// stays empty (`a..b=1`, `a.=1`: `key map "a" has no value`), and a key that starts with
/// `.` (`.a=1`) sets nothing (an empty path).
fn parse_key(key: &str, escapes: bool) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    let mut cur = String::new();
    let mut chars = key.chars().peekable();
    // A `.` ended the last key: what follows must name one.
    let mut after_dot = false;
    let key_map = |steps: &[Step]| {
        let name = steps.iter().rev().find_map(|s| match s {
            Step::Key(k) => Some(k.as_str()),
            Step::Index(_) => None,
        });
        format!("key map {:?} has no value", name.unwrap_or_default())
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' if escapes => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
                after_dot = false;
            }
            '.' => {
                if !cur.is_empty() {
                    steps.push(Step::Key(std::mem::take(&mut cur)));
                } else if steps.is_empty() {
                    return Ok(Vec::new());
                } else if after_dot || !matches!(steps.last(), Some(Step::Index(_))) {
                    return Err(key_map(&steps));
                }
                after_dot = true;
            }
            '[' => {
                if !cur.is_empty() {
                    steps.push(Step::Key(std::mem::take(&mut cur)));
                } else if after_dot {
                    return Err(key_map(&steps));
                }
                after_dot = false;
                let mut n = String::new();
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                    n.push(d);
                }
                let i = index_number(&n)?;
                if i < 0 {
                    return Err(format!("negative {i} index not allowed"));
                }
                if i > 65536 {
                    return Err(format!(
                        "index of {i} is greater than maximum supported index of 65536"
                    ));
                }
                steps.push(Step::Index(i as usize));
            }
            c => {
                cur.push(c);
                after_dot = false;
            }
        }
    }
    if after_dot {
        return Err(key_map(&steps));
    }
    if !cur.is_empty() {
        steps.push(Step::Key(cur));
    }
    if steps.is_empty() {
        return Err(format!("empty key in {key:?}"));
    }
    Ok(steps)
}

/// A value after `=`: text up to an unescaped `,`, a list `{a,b}`, or a `--set-json` value.
enum SetVal {
    Scalar(String),
    List(Vec<String>),
    /// A `--set-json` value and the byte its text starts at.
    Json(Value, usize),
}

/// One `key=value` of an argument: its byte span, its key (as written, for [`parse_key`]) and
/// its value with `\` escapes removed.
struct SetPiece {
    start: usize,
    end: usize,
    key: String,
    value: SetVal,
}

/// A value flag's argument in pieces, as Helm's strvals reads it. A value starting with `{`
/// is a list whose items end at `,` and the list at the first `}` (a `,` after it is
/// consumed; what follows is the next key: `a={x}y` is `key "y" has no value`); any other
/// value ends at the first `,` (`a=x{y,z}` sets `x{y` and reads `z}` as a key). A
/// `--set-json` value is one JSON document (blanks, or nothing, before the next `,` are
/// `null`), then blanks and a `,`. A `--set-literal` argument is one piece: its key ends at
/// the first `=` (commas and backslashes are part of it) and its value is the rest.
fn set_pieces(arg: &str, flag: SetFlag) -> Result<Vec<SetPiece>, String> {
    if flag == SetFlag::Literal {
        return match arg.split_once('=') {
            Some((key, value)) => Ok(vec![SetPiece {
                start: 0,
                end: arg.len(),
                key: key.to_string(),
                value: SetVal::Scalar(value.to_string()),
            }]),
            None => ended_in_key(Vec::new(), arg),
        };
    }
    let chars: Vec<(usize, char)> = arg.char_indices().collect();
    let at = |i: usize| chars.get(i).map_or(arg.len(), |c| c.0);
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        let start = at(i);
        let mut key = String::new();
        let mut ended = None;
        while let Some(&(_, c)) = chars.get(i) {
            i += 1;
            match c {
                // A `\` that ends the argument escapes nothing and is not part of the key.
                '\\' => {
                    if let Some(&(_, n)) = chars.get(i) {
                        key.push(c);
                        key.push(n);
                        i += 1;
                    }
                }
                '=' | ',' => {
                    ended = Some(c);
                    break;
                }
                // strvals reads a list index up to its `]`, a `,` or `=` included; an
                // argument that ends inside one ends there, what came before applied (Go's
                // parser takes that EOF for the end of its input).
                // An index that is no number is refused as soon as it is read.
                '[' => {
                    key.push(c);
                    let mut index = String::new();
                    loop {
                        let Some(&(_, n)) = chars.get(i) else {
                            return Ok(out);
                        };
                        i += 1;
                        key.push(n);
                        if n == ']' {
                            index_number(&index)?;
                            break;
                        }
                        index.push(n);
                    }
                }
                c => key.push(c),
            }
        }
        match ended {
            Some('=') => {}
            Some(_) => return Err(format!("key {key:?} has no value (cannot end with ,)")),
            None => return ended_in_key(out, &key),
        }
        if flag == SetFlag::Json {
            let from = at(i);
            let (value, end, next) = json_value(arg, from, &key)?;
            out.push(SetPiece {
                start,
                end,
                key,
                value: SetVal::Json(value, from),
            });
            i = chars.partition_point(|c| c.0 < next);
            continue;
        }
        let value = if chars.get(i).is_some_and(|c| c.1 == '{') {
            i += 1;
            let mut items = Vec::new();
            let mut cur = String::new();
            loop {
                let Some(&(_, c)) = chars.get(i) else {
                    return Err("list must terminate with '}'".into());
                };
                i += 1;
                match c {
                    '\\' => match chars.get(i) {
                        Some(&(_, n)) => {
                            cur.push(n);
                            i += 1;
                        }
                        None => return Err("list must terminate with '}'".into()),
                    },
                    ',' => items.push(std::mem::take(&mut cur)),
                    '}' => {
                        items.push(std::mem::take(&mut cur));
                        break;
                    }
                    c => cur.push(c),
                }
            }
            let end = at(i);
            if chars.get(i).is_some_and(|c| c.1 == ',') {
                i += 1;
            }
            out.push(SetPiece {
                start,
                end,
                key,
                value: SetVal::List(items),
            });
            continue;
        } else {
            let mut v = String::new();
            while let Some(&(_, c)) = chars.get(i) {
                if c == ',' {
                    break;
                }
                i += 1;
                if c == '\\' {
                    if let Some(&(_, n)) = chars.get(i) {
                        v.push(n);
                        i += 1;
                    }
                } else {
                    v.push(c);
                }
            }
            SetVal::Scalar(v)
        };
        out.push(SetPiece {
            start,
            end: at(i),
            key,
            value,
        });
        // The `,` that ended the value.
        i += 1;
    }
    Ok(out)
}

/// What strvals makes of an argument that ends in a key without `=`: nothing more when the
/// key is empty or ends with a `.` (the nested key it starts is empty, which Go's parser
/// takes for the end of its input: `a=1,b.` and `a=1,\` set `a`), else its error.
fn ended_in_key(out: Vec<SetPiece>, key: &str) -> Result<Vec<SetPiece>, String> {
    if key.is_empty() || key.ends_with('.') && !key.ends_with("\\.") {
        Ok(out)
    } else {
        Err(no_value(key))
    }
}

/// strvals' error for a key without `=`, naming the part after its last `.` or `]`.
fn no_value(key: &str) -> String {
    let last = key.rsplit(['.', ']']).next().unwrap_or(key);
    format!("key {last:?} has no value")
}

/// The `--set-json` value of `key` starting at byte `from` of `arg`: the value, the byte its
/// text ends at, and the byte the next key starts at. As strvals: blanks up to a `,` or the
/// end are `null`; else one JSON document (Go's `json.Decoder`, which stops after it), then
/// blanks and one `,`.
fn json_value(arg: &str, from: usize, key: &str) -> Result<(Value, usize, usize), String> {
    let rest = &arg[from..];
    let blank = rest.len() - rest.trim_start().len();
    let after_blanks = |at: usize| {
        let tail = &arg[at..];
        let at = at + tail.len() - tail.trim_start().len();
        if arg[at..].starts_with(',') {
            at + 1
        } else {
            at
        }
    };
    if rest.trim_start().is_empty() || rest.trim_start().starts_with(',') {
        return Ok((Value::Null, from + blank, after_blanks(from)));
    }
    let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
    match stream.next() {
        Some(Ok(v)) => {
            let end = from + stream.byte_offset();
            Ok((json_numbers_as_floats(v), end, after_blanks(end)))
        }
        // serde_json wants a number or a literal (`1`, `true`) followed by a delimiter; Go's
        // decoder stops after it, and what follows is the next key (`a=1x` is `key "x" has
        // no value`): the value is read again up to where it ended.
        // So too a `0` before another digit (`a=01`: `0`, then the key `1`), which serde_json
        // calls an invalid number.
        Some(Err(e))
            if e.line() == 1
                && e.column() > 1
                && (e.to_string().starts_with("trailing characters")
                    || rest.trim_start().starts_with('0')
                        && rest.trim_start()[1..].starts_with(|c: char| c.is_ascii_digit())) =>
        {
            let cut = if e.to_string().starts_with("trailing characters") {
                rest.char_indices()
                    .nth(e.column() - 1)
                    .map_or(rest.len(), |(i, _)| i)
            } else {
                blank + 1
            };
            let v: Value = serde_json::from_str(&rest[..cut])
                .map_err(|e| format!("the value of {key:?} is not JSON: {e}"))?;
            let end = from + cut;
            Ok((json_numbers_as_floats(v), end, after_blanks(end)))
        }
        Some(Err(e)) => {
            // serde_json counts lines and columns in the value; the column of the argument
            // is what a person finds on their command line.
            let cause = e.to_string();
            let cause = cause.split(" at line ").next().unwrap_or(&cause);
            let column = arg[..from].chars().count() + e.column().max(1);
            Err(format!(
                "the value of {key:?} is not JSON: {cause} (column {column} of the argument)"
            ))
        }
        None => Ok((Value::Null, arg.len(), arg.len())),
    }
}

/// strvals' `typedVal`: `null`, booleans (any case) and integers that fit an int64 and do
/// not start with `0` (`0` itself is one) are typed; the rest is text.
fn typed_val(v: &str) -> Value {
    match v.to_ascii_lowercase().as_str() {
        "null" => return Value::Null,
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        _ => {}
    }
    if !(v.len() > 1 && v.starts_with('0'))
        && let Ok(i) = v.parse::<i64>()
    {
        return Value::from(i);
    }
    Value::String(v.to_string())
}

/// Sets `value` at `path` of the user values as strvals writes into them (Helm parses every
/// flag's arguments into the one map the values files gave): a key through a value that is
/// not a map (or an index through one that is not a list) fails as Go's type assertion
/// fails (`a: 1` from a values file, then `--set a.b=2`), except where strvals checks the
/// type and replaces the value (a key after a list index). `at` is the path walked so far,
/// for the Go type of a number (an `int64` a `--set` gave, else a `float64`).
fn set_path(
    root: &mut Value,
    path: &[Step],
    value: Value,
    origins: &Origins,
    at: &mut Vec<String>,
) -> Result<(), String> {
    let Some((first, rest)) = path.split_first() else {
        *root = value;
        return Ok(());
    };
    match first {
        Step::Key(k) => {
            if !root.is_object() {
                *root = Value::Object(Map::new());
            }
            let Value::Object(m) = root else {
                unreachable!()
            };
            if rest.is_empty() {
                m.insert(k.clone(), value);
                return Ok(());
            }
            at.push(k.clone());
            if let Some(existing) = m.get(k) {
                let fits = match rest[0] {
                    Step::Key(_) => existing.is_object(),
                    Step::Index(_) => existing.is_array(),
                };
                if !fits {
                    return Err(not_the_type(existing, &rest[0], origins, at));
                }
            }
            let child = m.entry(k.clone()).or_insert(Value::Null);
            set_path(child, rest, value, origins, at)
        }
        Step::Index(i) => {
            if !root.is_array() {
                *root = Value::Array(Vec::new());
            }
            let Value::Array(a) = root else {
                unreachable!()
            };
            at.push(i.to_string());
            if let (Some(existing), Some(next @ Step::Index(_))) = (a.get(*i), rest.first())
                && !existing.is_null()
                && !existing.is_array()
            {
                return Err(not_the_type(existing, next, origins, at));
            }
            while a.len() <= *i {
                a.push(Value::Null);
            }
            set_path(&mut a[*i], rest, value, origins, at)
        }
    }
}

/// strvals' error (Go's failed type assertion, recovered) for a key or index through
/// `existing`, the value at `at`.
fn not_the_type(existing: &Value, next: &Step, origins: &Origins, at: &[String]) -> String {
    let is = match existing {
        Value::Null => "nil",
        Value::Bool(_) => "bool",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
        Value::Number(n) => {
            let from_set = origins.get(at).is_some_and(|o| o.role == OriginRole::Set);
            if n.is_i64() && from_set {
                "int64"
            } else {
                "float64"
            }
        }
    };
    let wanted = match next {
        Step::Key(_) => "map[string]interface {}",
        Step::Index(_) => "[]interface {}",
    };
    format!("unable to parse key: interface conversion: interface {{}} is {is}, not {wanted}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set(values: &mut Value, arg: &str) -> Origins {
        set_with(values, SetFlag::Set, arg)
    }

    fn set_with(values: &mut Value, flag: SetFlag, arg: &str) -> Origins {
        let mut o = Origins::default();
        let cwd = std::env::current_dir().unwrap();
        apply_set(values, &SetArg::new(flag, arg), &cwd, &mut o).expect("valid argument");
        o
    }

    /// The message of the problem `flag arg` is, applied to empty values.
    fn set_error(flag: SetFlag, arg: &str) -> String {
        let cwd = std::env::current_dir().unwrap();
        let (mut v, mut o) = (json!({}), Origins::default());
        apply_set(&mut v, &SetArg::new(flag, arg), &cwd, &mut o)
            .expect_err(arg)
            .message
    }

    /// What each flag makes of `arg`, as Helm v4's strvals (`helm template` with that flag)
    /// makes it.
    fn parsed(flag: SetFlag, arg: &str) -> Value {
        let mut v = json!({});
        set_with(&mut v, flag, arg);
        v
    }

    #[test]
    fn set_string_keeps_every_value_a_string() {
        assert_eq!(
            parsed(SetFlag::String, "a=1,b=true,c=null,l={1,x},d\\.e=0"),
            json!({"a": "1", "b": "true", "c": "null", "l": ["1", "x"], "d.e": "0"})
        );
        assert_eq!(parsed(SetFlag::String, "a[1]=x"), json!({"a": [null, "x"]}));
    }

    #[test]
    fn set_json_reads_one_json_document_per_key() {
        assert_eq!(
            parsed(
                SetFlag::Json,
                r#"a={"b":1,"c":[1,"x,y"]},d=[1,2], e = null ,f="s" ,g="#
            ),
            json!({"a": {"b": 1.0, "c": [1.0, "x,y"]}, "d": [1.0, 2.0], " e ": null,
                   "f": "s", "g": null})
        );
        // Go's encoding/json: every number a float64.
        let v = parsed(SetFlag::Json, "n=5");
        assert!(v["n"].is_f64(), "{v}");
        assert_eq!(
            parsed(SetFlag::Json, "a[1]={\"x\":1}"),
            json!({"a": [null, {"x": 1.0}]})
        );
        // Helm v4: an argument that is one JSON object is merged whole.
        let mut v = json!({"m": {"keep": 1, "over": 1}});
        set_with(
            &mut v,
            SetFlag::Json,
            r#" {"m": {"over": 2, "gone": null}, "t": [true]} "#,
        );
        assert_eq!(
            v,
            json!({"m": {"keep": 1, "over": 2.0, "gone": null}, "t": [true]})
        );
        assert!(
            set_error(SetFlag::Json, "a=[1,2").starts_with("the value of \"a\" is not JSON: EOF")
        );
        assert!(
            set_error(SetFlag::Json, "{\"a\":").starts_with("the argument is not a JSON object")
        );
        assert_eq!(set_error(SetFlag::Json, "a"), "key \"a\" has no value");
        // Go's decoder stops after a number or a literal: what follows is the next key.
        assert_eq!(set_error(SetFlag::Json, "a=1x"), "key \"x\" has no value");
        assert_eq!(parsed(SetFlag::Json, "a=01=2"), json!({"a": 0.0, "1": 2.0}));
        assert_eq!(
            parsed(SetFlag::Json, "a=truex=2"),
            json!({"a": true, "x": 2.0})
        );
    }

    #[test]
    fn set_literal_takes_the_rest_of_the_argument() {
        assert_eq!(parsed(SetFlag::Literal, "a=x,y=z"), json!({"a": "x,y=z"}));
        assert_eq!(
            parsed(SetFlag::Literal, "a.b=c\\,d"),
            json!({"a": {"b": "c\\,d"}})
        );
        // Keys are read as written: a backslash is part of the key, a comma too.
        assert_eq!(
            parsed(SetFlag::Literal, "a\\.b=c"),
            json!({"a\\": {"b": "c"}})
        );
        assert_eq!(parsed(SetFlag::Literal, "a,b=true"), json!({"a,b": "true"}));
        assert_eq!(
            parsed(SetFlag::Literal, "l[1].c=x=y"),
            json!({"l": [null, {"c": "x=y"}]})
        );
        assert_eq!(set_error(SetFlag::Literal, "a.b"), "key \"b\" has no value");
    }

    #[test]
    fn set_file_values_are_the_files_and_point_into_them() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("ca.pem"), "line one\nline: two\n").unwrap();
        let arg = SetArg {
            base: Some(d.path().to_path_buf()),
            ..SetArg::new(SetFlag::File, "tls.ca=ca.pem,l={ca.pem}")
        };
        let (mut v, mut o) = (json!({}), Origins::default());
        apply_set(&mut v, &arg, d.path(), &mut o).unwrap();
        assert_eq!(
            v,
            json!({"tls": {"ca": "line one\nline: two\n"}, "l": ["line one\nline: two\n"]})
        );
        let ca = o.get(&["tls".into(), "ca".into()]).unwrap();
        assert!(ca.file.path.ends_with("ca.pem"), "{}", ca.file.path);
        assert_eq!(ca.span, Span::new(0, 19));
        let l = o.get(&["l".into()]).unwrap();
        assert_eq!(l.file.path, "--set-file tls.ca,l");
        let missing = SetArg {
            base: Some(d.path().to_path_buf()),
            ..SetArg::new(SetFlag::File, "a=missing.pem")
        };
        let e = apply_set(&mut v, &missing, d.path(), &mut o).unwrap_err();
        assert_eq!(e.file, "--set-file a");
        assert!(e.message.starts_with("cannot read ") && e.message.contains("missing.pem"));
    }

    #[test]
    fn json_members_are_located_in_the_argument() {
        let column = |o: &Origins, path: &[&str]| {
            let path: Vec<String> = path.iter().map(|p| p.to_string()).collect();
            let o = o
                .get(&path)
                .unwrap_or_else(|| panic!("an origin of {path:?}"));
            (o.file.path.clone(), o.file.pos(o.span.start).column)
        };
        let mut v = json!({});
        let o = set_with(
            &mut v,
            SetFlag::Json,
            r#"n=1,sc={"privileged": true, "l": [1, 2]}"#,
        );
        assert_eq!(column(&o, &["sc"]), ("--set-json n,sc".into(), 5));
        assert_eq!(
            column(&o, &["sc", "privileged"]),
            ("--set-json n,sc".into(), 9)
        );
        assert_eq!(
            column(&o, &["sc", "l", "1"]),
            ("--set-json n,sc".into(), 38)
        );
        let mut v = json!({});
        let o = set_with(&mut v, SetFlag::Json, r#"{"a": {"b": 1}}"#);
        assert_eq!(column(&o, &["a", "b"]), ("--set-json a".into(), 8));
    }

    #[test]
    fn arguments_are_named_by_their_flag_and_keys_never_their_values() {
        let shown = |flag, arg: &str| set_display(&SetArg::new(flag, arg));
        assert_eq!(shown(SetFlag::Set, "a.b=pw,c={x,y}"), "--set a.b,c");
        assert_eq!(shown(SetFlag::String, "a=1,b=2"), "--set-string a,b");
        assert_eq!(
            shown(SetFlag::Json, r#"a={"pw":"s,t"},b=1"#),
            "--set-json a,b"
        );
        assert_eq!(
            shown(SetFlag::Json, r#"{"a":{"pw":"s"},"b":1}"#),
            "--set-json a,b"
        );
        assert_eq!(shown(SetFlag::Json, r#"a=[1,"secret""#), "--set-json a");
        assert_eq!(shown(SetFlag::Json, r#"{"a":"secret""#), "--set-json");
        assert_eq!(shown(SetFlag::Literal, "a=x,y=z"), "--set-literal a");
        assert_eq!(shown(SetFlag::File, "ca=certs/ca.pem"), "--set-file ca");
    }

    #[test]
    fn set_grammar_follows_helm() {
        let mut v = json!({});
        set(
            &mut v,
            "a.b=c,list[1].name=x,n=10,t=true,z=0123,esc=a\\,b,dotted\\.key=v",
        );
        assert_eq!(
            v,
            json!({"a": {"b": "c"}, "list": [null, {"name": "x"}], "n": 10, "t": true,
                   "z": "0123", "esc": "a,b", "dotted.key": "v"})
        );
        let mut v = json!({});
        set(&mut v, "names={a,b,c}");
        assert_eq!(v, json!({"names": ["a", "b", "c"]}));
        // null is kept in user values: merged over the chart's defaults it deletes the key.
        let mut v = json!({"keep": 1});
        set(&mut v, "gone=null");
        let mut user = v.clone();
        coalesce_defaults(&mut user, &json!({"gone": 5, "other": 2}));
        assert_eq!(user, json!({"keep": 1, "other": 2}));
    }

    #[test]
    fn a_user_null_over_a_null_default_is_kept_below_the_top_level() {
        // Helm v4 (`coalesceTablesFullKey`'s `srcOriginalNonNil`): the user's null deletes a
        // default only when the default is not null itself; at the top level it always does.
        let defaults = json!({"top": null, "m": {"a": null, "b": 1, "n": {"a": null}}});
        let mut user =
            json!({"top": null, "m": {"a": null, "b": null, "c": null, "n": {"a": null}}});
        coalesce_defaults(&mut user, &defaults);
        assert_eq!(user, json!({"m": {"a": null, "c": null, "n": {"a": null}}}));
        // Untouched null defaults are dropped at every level.
        let mut user = json!({"m": {"x": 1}});
        coalesce_defaults(&mut user, &defaults);
        assert_eq!(user, json!({"m": {"b": 1, "n": {}, "x": 1}}));
    }

    #[test]
    fn a_values_file_is_its_first_document() {
        // `helm template -f` (go-yaml's `Unmarshal`) reads the first document: a later one's
        // syntax error or `\/` escape is never met; the first document's `\/` is refused.
        let read = |t: &str| read_yaml(&SourceFile::new("v.yaml".into(), None, t.into()));
        let (v, _) = read("a: 5\n---\nb: [\n").expect("first document");
        assert_eq!(v, json!({"a": 5}));
        assert!(read("a: 5\n---\nb: \"\\/\"\n").is_ok());
        let e = read("a: 5\nb: \"\\/\"\n---\nb: 6\n").expect_err("escape");
        assert_eq!(
            e.message,
            "error converting YAML to JSON: yaml: line 2: found unknown escape character"
        );
    }

    #[test]
    fn a_line_without_a_colon_is_worded_as_helm_words_it() {
        // A merge conflict left in values.yaml (fid32, longhorn): `helm template` says
        // `yaml: line 5: could not find expected ':'`; the message said `line 4: simple key
        // expect ':'`.
        let file = Arc::new(SourceFile::new(
            "values.yaml".into(),
            None,
            "a: 1\nb:\n  c: 2\n<<<<<<< HEAD\nd: 3\n=======\nd: 4\n>>>>>>> x\n".into(),
        ));
        let e = read_values_yaml(&file).expect_err("conflict markers");
        assert_eq!(
            e.message,
            "error converting YAML to JSON: yaml: line 5: could not find expected ':'"
        );
    }

    #[test]
    fn set_records_its_span() {
        let mut v = json!({});
        let o = set(&mut v, "a=1,b.c=2");
        let b = o.get(&["b".into(), "c".into()]).expect("origin of b.c");
        assert_eq!(b.role, OriginRole::Set);
        let (start, end) = (b.file.pos(b.span.start), b.file.pos(b.span.end));
        assert_eq!((start.column, end.column), (5, 10));
    }

    #[test]
    fn bad_set_keys_are_errors() {
        for flag in [
            SetFlag::Set,
            SetFlag::String,
            SetFlag::Json,
            SetFlag::Literal,
        ] {
            for arg in ["novalue", "a[x]=1", "a[999999]=1"] {
                set_error(flag, arg);
            }
        }
    }

    #[test]
    fn set_lists_end_where_strvals_ends_them() {
        // Helm's strvals: a list ends at its first `}` and what follows is the next key; a
        // plain value ends at the first `,`; an empty piece is a key without a value.
        let err = |arg: &str| set_error(SetFlag::Set, arg);
        assert_eq!(err("a={{ .Chart.Name }}"), "key \"}\" has no value");
        assert_eq!(err("a={x}.y"), "key \"y\" has no value");
        assert_eq!(err("a=x{y,z}"), "key \"z}\" has no value");
        assert_eq!(err("a={x"), "list must terminate with '}'");
        assert_eq!(err("a=1,,b=2"), "key \"\" has no value (cannot end with ,)");
        assert_eq!(err("a[-1]=1"), "negative -1 index not allowed");
        assert_eq!(err("a..b=1"), "key map \"a\" has no value");
        // Through a value of another type, which strvals' type assertion refuses.
        assert_eq!(
            err("b=,b.c=1"),
            "unable to parse key: interface conversion: interface {} is string, not map[string]interface {}"
        );
        assert_eq!(
            err("n=5,n[0]=1"),
            "unable to parse key: interface conversion: interface {} is int64, not []interface {}"
        );
        assert_eq!(
            err("l={x},l[0][1]=1"),
            "unable to parse key: interface conversion: interface {} is string, not []interface {}"
        );
        // A key after a list index replaces what is there, as strvals does.
        let mut v = json!({});
        set(&mut v, "l={x},l[0].k=1");
        assert_eq!(v, json!({"l": [{"k": 1}]}));
        assert_eq!(err("x.a.=1"), "key map \"a\" has no value");
        assert_eq!(
            err("a[ 1 ]=1"),
            "error parsing index: strconv.Atoi: parsing \" 1 \": invalid syntax"
        );
        assert_eq!(
            err("a[70000]=1"),
            "index of 70000 is greater than maximum supported index of 65536"
        );
        // An argument that ends inside a list index, or in a key ending with `.`, ends
        // there, what came before applied; an empty key sets nothing.
        for arg in ["a=,b[x,y=1", "a=,b.", "=1,a=,=2", "a=,.c=1", "a=,\\"] {
            let mut v = json!({});
            set(&mut v, arg);
            assert_eq!(v, json!({"a": ""}), "{arg}");
        }
        let mut v = json!({});
        set(&mut v, "e={},l={x\\,y, 1 ,z\\}},n=2,");
        assert_eq!(v, json!({"e": [""], "l": ["x,y", " 1 ", "z}"], "n": 2}));
    }

    #[test]
    fn later_values_files_win_and_keep_their_origins() {
        let f1 = SourceFile::new("v1.yaml".into(), None, "a:\n  b: 1\n  c: 2\n".into());
        let f2 = SourceFile::new("v2.yaml".into(), None, "a:\n  b: 3\n  c: null\n".into());
        let mut v = json!({});
        let mut o = Origins::default();
        for f in [&f1, &f2] {
            let (val, tree) = read_yaml(f).expect("yaml");
            merge_into(
                &mut v,
                &val,
                Some(&tree),
                f,
                OriginRole::Values,
                &mut Vec::new(),
                &mut o,
            );
        }
        assert_eq!(v, json!({"a": {"b": 3, "c": null}}));
        let b = o.get(&["a".into(), "b".into()]).unwrap();
        let line = b.file.pos(b.span.start).line;
        assert_eq!((b.file.path.as_str(), line), ("v2.yaml", 2));
        assert!(o.get(&["a".into(), "c".into()]).is_none());
    }

    #[test]
    fn shallow_quoted_continuations_are_read_as_helm_reads_them() {
        // go-yaml folds `"x` / `y"` (continuation at column 0) into "x y"; saphyr refuses it.
        let text = "a:\n  b: \"x\ny\"\n  c: 'p\n q'\nd: 1\n";
        let f = SourceFile::new("v.yaml".into(), None, text.into());
        let (val, tree) = read_yaml(&f).expect("read leniently");
        assert_eq!(val, json!({"a": {"b": "x y", "c": "p q"}, "d": 1}));
        // Spans are the file's own: `d` is at line 6, column 1.
        let d = tree.resolve(&[PathSeg::Key("d".into())]).span;
        let at = f.pos(d.start);
        assert_eq!((at.line, at.column), (6, 1));
        let c = tree
            .resolve(&[PathSeg::Key("a".into()), PathSeg::Key("c".into())])
            .span;
        assert_eq!(f.pos(c.start).line, 4);
        assert!(c.end as usize <= text.len());
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any argument of any value flag is applied or refused with a message, never a panic.
        #[test]
        fn set_never_panics(arg in "[a-z.\\[\\]0-9=,{}\\\\ -]{0,40}") {
            let cwd = std::path::PathBuf::from(".");
            for flag in [SetFlag::Json, SetFlag::Set, SetFlag::String, SetFlag::Literal] {
                let mut v = serde_json::json!({});
                let _ = apply_set(&mut v, &SetArg::new(flag, arg.clone()), &cwd, &mut Origins::default());
            }
        }

        /// `a.b=V` sets exactly that string (when it is not a number, boolean or null).
        #[test]
        fn simple_set_round_trips(k1 in "[a-z]{1,6}", k2 in "[a-z]{1,6}", val in "[a-z][a-z ]{0,10}") {
            prop_assume!(!["true", "false", "null"].contains(&val.as_str()));
            let arg = format!("{k1}.{k2}={val}");
            let mut v = serde_json::json!({});
            let cwd = std::path::PathBuf::from(".");
            apply_set(&mut v, &SetArg::new(SetFlag::Set, arg), &cwd, &mut Origins::default()).unwrap();
            prop_assert_eq!(&v[&k1][&k2], &serde_json::Value::String(val));
        }
    }
}

/// The YAML 1.1 booleans other than `true`/`false`, which kyaml (YAML 1.2) reads as text and
/// writes back quoted.
const YAML11_ONLY_BOOLS: [&str; 16] = [
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
    "OFF",
];

/// Turns back into text each boolean of `v` written as a YAML 1.1 boolean other than
/// `true`/`false` (`y`, `yes`, `on`, `off`, `n`, `no`, in any of their cases), as kyaml
/// (YAML 1.2) reads and writes them: a values file Kustomize rewrote (see
/// [`crate::input::render::InlineValues::rewrites_file`]), whose keys
/// [`read_rewritten_values_file`] already read as text. Helm still reads the chart's own
/// values.yaml as its defaults, so a key `on:` is then both `"true"` (the defaults) and
/// `"on"` (this file; measured with kubectl kustomize v5.8).
pub fn yaml11_bools_as_text(v: &mut Value, tree: &SpanTree, text: &str) {
    match (&mut *v, &tree.children) {
        (Value::Bool(_), Children::Leaf) => {
            let (s, e) = (tree.span.start as usize, tree.span.end as usize);
            // A mapping entry's span runs from its key: the boolean is after the last `:`.
            let raw = text.get(s..e).unwrap_or_default();
            let raw = raw.rsplit(':').next().unwrap_or_default().trim();
            if YAML11_ONLY_BOOLS.contains(&raw) {
                *v = Value::String(raw.to_string());
            }
        }
        (Value::Object(m), Children::Map(entries)) => {
            for (k, t) in entries {
                if let Some(x) = m.get_mut(k.as_str()) {
                    yaml11_bools_as_text(x, t, text);
                }
            }
        }
        (Value::Array(items), Children::Seq(trees)) => {
            for (x, t) in items.iter_mut().zip(trees) {
                yaml11_bools_as_text(x, t, text);
            }
        }
        _ => {}
    }
}

/// The values at `iv.path` inside `iv.file` (a kustomization's `valuesInline`).
pub fn inline_values(
    iv: &crate::input::render::InlineValues,
) -> Result<(serde_json::Value, SpanTree), Problem> {
    if let Some(read) = &iv.read {
        return Ok(read.clone());
    }
    let (mut v, tree) = read_yaml(&iv.file)?;
    for seg in &iv.path {
        v = match seg {
            PathSeg::Key(k) => v.get_mut(k.as_str()).map(|x| x.take()),
            PathSeg::Index(i) => v.get_mut(*i).map(|x| x.take()),
        }
        .unwrap_or_default();
    }
    Ok((v, tree.get(&iv.path).cloned().unwrap_or_default()))
}
