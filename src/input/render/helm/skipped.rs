//! Blocks a template skipped because of a value: `{{- with .Values.podSecurityContext }}` over
//! `securityContext:` with `podSecurityContext: {}` writes no `securityContext` at all, so a
//! finding on a field missing from it has nothing rendered to point at. The line a person
//! changes is that value's line in a values file (what `helm create`'s templates and most
//! charts ask for), with the `with` or `if` action as the reason.

use super::FastMap;
use super::values::Origins;
use crate::source::SourceFile;
use crate::source::map::{Origin, OriginRole};
use crate::source::span::Span;
use std::sync::{Arc, Mutex};

/// Each chart's settled values and their origins, and the chart whose values each template
/// file (by its shown path) sees.
#[derive(Debug, Default)]
pub struct ChartValues {
    pub(super) templates: FastMap<String, usize>,
    pub(super) charts: Vec<(serde_json::Value, Origins)>,
    /// How each of `charts` sits under its parent (for findings in archived subcharts).
    pub(super) links: Vec<super::archived::ChartLink>,
    /// Each template's blocks, read once for all the findings on its text (by shown path).
    pub(super) switches: Mutex<FastMap<String, Arc<TemplateBlocks>>>,
}

/// Why a node lacks a key: the template's `with`/`if` action that skipped the `key:` line, and
/// where the value it tested was set (none when no values file or `--set` gives it).
#[derive(Debug)]
pub struct Skipped {
    pub condition: Origin,
    pub set_at: Option<Origin>,
}

/// The entries a node's lines in a template write (each key at the node's entries'
/// indentation, first line of each), with the `with`/`if` on a values path whose first
/// branch holds that line, if that is its innermost block. One reading serves every finding
/// on the node.
#[derive(Debug, Default)]
pub struct NodeBlock {
    entries: Entries,
}

/// Each entry's key, and the condition's span and the values it tests.
type Entries = Vec<(String, Option<(Span, Condition)>)>;

/// What a `with`/`if` tests: one values path (`.Values.a.b`), all of several (`and
/// .Values.a .Values.b`: empty when one is), or any of several (`or …`: empty when all are).
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    All(Vec<Vec<String>>),
    Any(Vec<Vec<String>>),
}

impl NodeBlock {
    /// The block of the node written on the line holding `at` in `text` (a key's first byte,
    /// or a list element's: `element`); empty when the node is not written there as YAML.
    pub fn read(text: &str, at: usize, element: bool) -> NodeBlock {
        NodeBlock {
            entries: node_entries(text, at, element).unwrap_or_default(),
        }
    }

    /// The condition that would have written `key` (its span, the values it tests).
    fn condition_of(&self, key: &str) -> Option<&(Span, Condition)> {
        self.entries.iter().find(|(k, _)| k == key)?.1.as_ref()
    }
}

impl ChartValues {
    /// For a node of template `file` (its [`NodeBlock`]) that lacks `key` in the rendered
    /// output: the `with`/`if` on values that holds a `key:` line of that node in its first
    /// branch, and the value that made it skip: the first empty one of an `and` (Go's `and`
    /// stops there), none for an `or` (each of its values would do).
    pub fn skipped(&self, file: &Arc<SourceFile>, block: &NodeBlock, key: &str) -> Option<Skipped> {
        let &chart = self.templates.get(&file.path)?;
        let (values, origins) = self.charts.get(chart)?;
        let (condition, tested) = block.condition_of(key)?;
        let set = |path: &Vec<String>| {
            let mut v = Some(values);
            for k in path {
                v = v.and_then(|m| m.get(k));
            }
            v.is_some_and(truthy)
        };
        let empty: Option<&Vec<String>> = match tested {
            Condition::All(paths) => Some(paths.iter().find(|p| !set(p))?),
            Condition::Any(paths) => {
                if paths.iter().any(set) {
                    return None;
                }
                None
            }
        };
        let set_at = empty
            .and_then(|path| origins.get(path))
            .filter(|o| matches!(o.role, OriginRole::Values | OriginRole::Set))
            .cloned();
        Some(Skipped {
            condition: Origin {
                role: OriginRole::Template,
                file: file.clone(),
                span: *condition,
            },
            set_at,
        })
    }
}

/// Why a template's literal text was written at all: the `if`/`with` on values whose first
/// branch holds it (`{{- if .Values.useHostNetwork }}` over `hostNetwork: true`), and where
/// the values it tests were set. The text is the template's, so a finding on it stays there;
/// the switch a person turns off is part of its chain.
#[derive(Debug)]
pub struct Switch {
    pub condition: Origin,
    pub set_at: Vec<Origin>,
}

impl ChartValues {
    /// For literal text of template `file` at byte `at`: the innermost block holding it, when
    /// that is the first branch of an `if`/`with` on values (each of an `and`) opened inside
    /// the text of its YAML document; a switch before any of the document's text writes the
    /// whole object (`{{- if .Values.rbac.create }}`), not the field.
    pub fn switched_on(&self, file: &Arc<SourceFile>, at: usize) -> Option<Switch> {
        self.switch_at(file, at, false)
    }

    /// For an action of a partial at byte `at` of template `file` (a `define`'s `{{
    /// "cluster-admin" }}`): the innermost block holding it, when that is the first branch
    /// of an `if`/`with` on values opened inside the same `define` (kubernetes-replicator's
    /// `roleName` helper: `{{- if .Values.grantClusterAdmin -}}` over `{{ "cluster-admin"
    /// }}`). A partial's text is a value the caller prints, so a switch around it is one of
    /// the value, wherever the partial starts (session fid34).
    pub fn switched_on_in_define(&self, file: &Arc<SourceFile>, at: usize) -> Option<Switch> {
        self.switch_at(file, at, true)
    }

    fn switch_at(&self, file: &Arc<SourceFile>, at: usize, in_define: bool) -> Option<Switch> {
        let &chart = self.templates.get(&file.path)?;
        let (_, origins) = self.charts.get(chart)?;
        let blocks = {
            let mut cache = self.switches.lock().unwrap_or_else(|e| e.into_inner());
            cache
                .entry(file.path.clone())
                .or_insert_with(|| Arc::new(TemplateBlocks::read(&file.text)))
                .clone()
        };
        let (span, Condition::All(paths)) = blocks.enclosing_switch(&file.text, at, in_define)?
        else {
            return None;
        };
        let set_at = paths
            .iter()
            .filter_map(|p| origins.get(p))
            .filter(|o| matches!(o.role, OriginRole::Values | OriginRole::Set))
            .cloned()
            .collect();
        Some(Switch {
            condition: Origin {
                role: OriginRole::Template,
                file: file.clone(),
                span,
            },
            set_at,
        })
    }
}

/// A template's actions and, after each, its innermost open block: read once per template,
/// so that each finding on its text costs a binary search and its YAML document's lines, not
/// a reading of the template from its start (a template writing hundreds of objects has
/// thousands of findings).
#[derive(Debug)]
pub(super) struct TemplateBlocks {
    actions: Vec<Action>,
    /// Every block opened, in order.
    blocks: Vec<Block>,
    /// After `actions[i]`: the innermost open block (an index into `blocks`) and whether it
    /// is in its `else` branch then.
    innermost: Vec<Option<(usize, bool)>>,
}

impl TemplateBlocks {
    fn read(text: &str) -> TemplateBlocks {
        let mut actions = Vec::new();
        let mut blocks: Vec<Block> = Vec::new();
        let mut innermost = Vec::new();
        let mut open: Vec<(usize, bool)> = Vec::new();
        for a in scan(text, 0) {
            match &a.kind {
                ActionKind::Conditional(_) | ActionKind::Other => {
                    let mut one = Vec::with_capacity(1);
                    a.apply(text, &mut one);
                    open.push((blocks.len(), false));
                    blocks.extend(one);
                }
                ActionKind::Else => {
                    if let Some(top) = open.last_mut() {
                        top.1 = true;
                    }
                }
                ActionKind::End => {
                    open.pop();
                }
                ActionKind::Print => {}
            }
            innermost.push(open.last().copied());
            actions.push(a);
        }
        TemplateBlocks {
            actions,
            blocks,
            innermost,
        }
    }

    /// The innermost block holding byte `at` of the template's literal text, when it is the
    /// first branch of a condition on values opened after some literal text of its YAML
    /// document.
    fn enclosing_switch(
        &self,
        text: &str,
        at: usize,
        in_define: bool,
    ) -> Option<(Span, Condition)> {
        let at = at.min(text.len());
        let before = self
            .actions
            .partition_point(|a| (a.span.start as usize) < at);
        let mut last = before.checked_sub(1)?;
        // Inside an action: text it printed, not the template's own (a partial's action
        // printing its value is read from the action before it).
        if self.actions[last].span.end as usize > at {
            if !in_define {
                return None;
            }
            last = last.checked_sub(1)?;
        }
        let (index, in_else) = self.innermost[last]?;
        let block = &self.blocks[index];
        if !block.conditional || in_else {
            return None;
        }
        let opened = block.span.start as usize;
        if in_define {
            // Opened inside the `define` holding `at` (after its `define` keyword).
            let define = text[..at].rfind("define")?;
            return (opened > define)
                .then(|| (block.span, block.path.clone()))
                .and_then(|(s, p)| Some((s, p?)));
        }
        // The document holding `at` starts after the last `---` before it; a block opened
        // before that wraps documents, not text of this one.
        let document = text[..at].rfind("\n---").map_or(0, |i| i + 4);
        if opened < document {
            return None;
        }
        let actions = &self.actions[..before];
        let mut pos = document;
        let mut written = false;
        while pos < opened && !written {
            let end = text[pos..]
                .find('\n')
                .map_or(text.len(), |i| pos + i)
                .min(opened);
            written = literal_line(text, pos, end, actions).is_some();
            pos = end + 1;
        }
        written
            .then(|| (block.span, block.path.clone()))
            .and_then(|(s, p)| Some((s, p?)))
    }
}

/// Go's truth for `if` and `with`: not nil, false, zero, or an empty string, map or list.
fn truthy(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => false,
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        serde_json::Value::String(s) => !s.is_empty(),
        serde_json::Value::Array(a) => !a.is_empty(),
        serde_json::Value::Object(o) => !o.is_empty(),
    }
}

/// In a template's `text`, the block of the node written on the line holding `at`: the lines
/// below it until one of the template's own text is indented as far as the node (a key) or
/// less than its entries (a list element). Each key written at the node's entries'
/// indentation (its first line), with its innermost enclosing block when that is the first
/// branch of `with`/`if` on a values path (`.Values.a.b`): that action's span and the path.
fn node_entries(text: &str, at: usize, element: bool) -> Option<Entries> {
    let at = at.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    // The template's actions from the node's line on, read as far as the block goes.
    let mut upcoming = scan(text, line_start).peekable();
    let mut actions: Vec<Action> = Vec::new();
    let mut read_to = |end: usize, actions: &mut Vec<Action>| {
        while let Some(a) = upcoming.next_if(|a| (a.span.start as usize) < end) {
            actions.push(a);
        }
    };
    read_to(line_end, &mut actions);
    // The node is written on its line as YAML (`- name: app`, `spec:`), not printed by an
    // action there (`{{ toYaml .Values.extraContainers }}`): its lines below are its own.
    let (lead, written) = literal_line(text, line_start, line_end, &actions)?;
    let mut rest = written;
    let mut anchor = lead;
    if element {
        if !rest.starts_with('-') {
            return None;
        }
        while let Some(r) = rest.strip_prefix('-') {
            let after = r.trim_start_matches(' ');
            anchor += rest.len() - after.len();
            rest = after;
        }
    } else if entry_key(rest).is_none() {
        return None;
    }
    let mut open: Vec<Block> = Vec::new();
    // Actions on the node's line and after it are applied as the lines pass them.
    let mut applied = actions.partition_point(|a| (a.span.start as usize) < line_start);
    let mut child_col: Option<usize> = None;
    let mut entries: Entries = Vec::new();
    let mut pos = line_end + 1;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        read_to(end, &mut actions);
        // The blocks open at this line's start.
        while let Some(a) = actions
            .get(applied)
            .filter(|a| (a.span.start as usize) < pos)
        {
            a.apply(text, &mut open);
            applied += 1;
        }
        if let Some((col, body)) = literal_line(text, pos, end, &actions) {
            let inside = if element { col >= anchor } else { col > anchor };
            if !inside {
                break;
            }
            let child = *child_col.get_or_insert(col);
            if let Some(key) = entry_key(body)
                .filter(|k| col == child && !entries.iter().any(|(seen, _)| seen == k))
            {
                let condition = open
                    .last()
                    .filter(|b| b.conditional && !b.in_else)
                    .and_then(|b| b.path.clone().map(|p| (b.span, p)));
                entries.push((key.to_string(), condition));
            }
        }
        pos = end + 1;
    }
    Some(entries)
}

/// A block open at some point of a template: a conditional on a values path or anything else.
#[derive(Debug)]
struct Block {
    span: Span,
    conditional: bool,
    in_else: bool,
    path: Option<Condition>,
}

/// One action of a template: its span and what it does to the blocks open.
#[derive(Debug)]
struct Action {
    span: Span,
    kind: ActionKind,
}

#[derive(Debug)]
enum ActionKind {
    /// `if`/`with`, and where its expression is in the text.
    Conditional(Span),
    /// `range`, `define`, `block`: a block that is not a condition on a value.
    Other,
    Else,
    End,
    Print,
}

impl Action {
    fn apply(&self, text: &str, open: &mut Vec<Block>) {
        match &self.kind {
            ActionKind::Conditional(expr) => open.push(Block {
                span: self.span,
                conditional: true,
                in_else: false,
                path: condition(text.get(expr.range()).unwrap_or("")),
            }),
            ActionKind::Other => open.push(Block {
                span: self.span,
                conditional: false,
                in_else: false,
                path: None,
            }),
            ActionKind::Else => {
                if let Some(b) = open.last_mut() {
                    b.in_else = true;
                }
            }
            ActionKind::End => {
                open.pop();
            }
            ActionKind::Print => {}
        }
    }
}

/// The actions of a template text from byte `from` on, in order (a comment is an action that
/// prints nothing), as [`super::actions`] reads them.
fn scan(text: &str, from: usize) -> impl Iterator<Item = Action> + '_ {
    super::actions::actions(text, from).map(|a| {
        let kind = match a.keyword() {
            word @ ("if" | "with") => {
                let expr = a.inner[word.len()..].trim_start();
                let at = a.inner_at + (a.inner.len() - expr.len());
                ActionKind::Conditional(Span::new(at, at + expr.trim_end().len()))
            }
            "range" | "define" | "block" => ActionKind::Other,
            "else" => ActionKind::Else,
            "end" => ActionKind::End,
            _ => ActionKind::Print,
        };
        Action {
            span: Span::new(a.start, a.end),
            kind,
        }
    })
}

/// The values a condition tests: `.Values.a.b`, or `and`/`or` of such paths (each possibly in
/// parentheses); None for anything else (a function of a value, a relative path).
fn condition(expr: &str) -> Option<Condition> {
    if let Some(path) = values_path(expr) {
        return Some(Condition::All(vec![path]));
    }
    let (word, operands) = expr.split_once(char::is_whitespace)?;
    let paths = operands
        .split_whitespace()
        .map(|o| {
            values_path(
                o.strip_prefix('(')
                    .and_then(|o| o.strip_suffix(')'))
                    .unwrap_or(o),
            )
        })
        .collect::<Option<Vec<_>>>()
        .filter(|p| p.len() >= 2)?;
    match word {
        "and" => Some(Condition::All(paths)),
        "or" => Some(Condition::Any(paths)),
        _ => None,
    }
}

/// `.Values.a.b` or `$.Values.a.b`, the whole expression → `["a", "b"]`.
fn values_path(expr: &str) -> Option<Vec<String>> {
    let rest = expr
        .strip_prefix("$.Values.")
        .or_else(|| expr.strip_prefix(".Values."))?;
    let ok = rest
        .split('.')
        .all(|f| !f.is_empty() && f.chars().all(|c| c.is_alphanumeric() || c == '_'));
    ok.then(|| rest.split('.').map(str::to_string).collect())
}

/// The line `pos..end` of a template as text it writes: its column and its text from there,
/// when it holds text outside actions (not only actions, blanks and a YAML comment).
fn literal_line<'t>(
    text: &'t str,
    pos: usize,
    end: usize,
    actions: &[Action],
) -> Option<(usize, &'t str)> {
    let first = actions.partition_point(|a| a.span.end as usize <= pos);
    let mut i = pos;
    let mut k = first;
    loop {
        // Skip blanks, then any action starting here.
        while i < end && matches!(text.as_bytes()[i], b' ' | b'\t') {
            i += 1;
        }
        match actions.get(k) {
            Some(a) if (a.span.start as usize) <= i && (a.span.end as usize) > i => {
                i = a.span.end as usize;
                k += 1;
                if i >= end {
                    return None;
                }
            }
            Some(a) if (a.span.end as usize) <= i => k += 1,
            _ => break,
        }
    }
    let body = &text[i..end];
    (!body.trim().is_empty() && !body.starts_with('#')).then(|| (i - pos, body))
}

/// The key of a YAML entry line (`securityContext:`, `resources: {}`, `"key": x`).
fn entry_key(body: &str) -> Option<&str> {
    // A template saved with CRLF line ends: the `\r` is not part of the entry.
    let body = body.trim_end_matches('\r');
    let colon = body
        .match_indices(':')
        .map(|(i, _)| i)
        .find(|&i| body[i + 1..].is_empty() || body[i + 1..].starts_with([' ', '\t']))?;
    let key = body[..colon].trim_end();
    Some(key.trim_matches(|c| c == '"' || c == '\''))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skipping_block(
        text: &str,
        at: usize,
        element: bool,
        key: &str,
    ) -> Option<(Span, Vec<String>)> {
        let (span, condition) = NodeBlock::read(text, at, element)
            .condition_of(key)
            .cloned()?;
        match condition {
            Condition::All(mut paths) if paths.len() == 1 => Some((span, paths.remove(0))),
            _ => None,
        }
    }

    fn find(text: &str, node: &str, element: bool, key: &str) -> Option<(String, Vec<String>)> {
        let at = text.find(node).unwrap();
        skipping_block(text, at, element, key).map(|(s, p)| (text[s.range()].to_string(), p))
    }

    const DEPLOYMENT: &str = "\
spec:
  template:
    spec:
      {{- with .Values.podSecurityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .Chart.Name }}
          {{- with .Values.securityContext }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          image: x
          {{- if .Values.resources.enabled }}
          resources: {}
          {{- else }}
          volumeMounts: []
          {{- end }}
        - name: sidecar
          image: y
";

    #[test]
    fn a_switch_is_the_innermost_first_branch_opened_inside_the_document() {
        let text = "\
kind: Role
rules: []
{{- if .Values.other.create }}
---
{{- if .Values.sa.create }}
kind: ServiceAccount
{{- end }}
kind: Deployment
spec:
  {{- if .Values.hostNetwork }}
  hostNetwork: true
  {{- else }}
  hostPID: true
  {{- end }}
  {{- if and .Values.a .Values.b }}
  dnsPolicy: {{ .Values.dns }}
  {{- end }}
{{- end }}
";
        let at = |needle: &str| text.find(needle).unwrap();
        let switch = |needle: &str| {
            TemplateBlocks::read(text)
                .enclosing_switch(text, at(needle), false)
                .map(|(s, c)| (text[s.range()].to_string(), c))
        };
        let one = |p: &[&str]| Condition::All(vec![p.iter().map(|s| s.to_string()).collect()]);
        assert_eq!(
            switch("hostNetwork: true"),
            Some((
                "{{- if .Values.hostNetwork }}".to_string(),
                one(&["hostNetwork"])
            ))
        );
        let both = switch("dnsPolicy").unwrap().1;
        assert_eq!(
            both,
            Condition::All(vec![vec!["a".into()], vec!["b".into()]])
        );
        // An `else` branch; a switch before any text of its document (the whole object); one
        // opened in the document before, around this one; text an action printed.
        assert_eq!(switch("hostPID"), None);
        assert_eq!(switch("kind: ServiceAccount"), None);
        assert_eq!(switch("spec:"), None);
        assert_eq!(switch(".Values.dns"), None);
    }

    #[test]
    fn a_key_a_with_block_skipped_is_found_at_its_nodes_entries() {
        let pod = DEPLOYMENT.find("    spec:").unwrap() + 4;
        let (action, path) = skipping_block(DEPLOYMENT, pod, false, "securityContext")
            .map(|(s, p)| (DEPLOYMENT[s.range()].to_string(), p))
            .unwrap();
        assert_eq!(action, "{{- with .Values.podSecurityContext }}");
        assert_eq!(path, ["podSecurityContext"]);
        let (action, _) = find(DEPLOYMENT, "name: {{ .Chart", true, "securityContext").unwrap();
        assert_eq!(action, "{{- with .Values.securityContext }}");
        let (_, path) = find(DEPLOYMENT, "name: {{ .Chart", true, "resources").unwrap();
        assert_eq!(path, ["resources", "enabled"]);
    }

    #[test]
    fn an_else_branch_another_node_or_another_depth_is_not_a_skipped_block() {
        // In the else branch: the condition was true, not empty.
        assert!(find(DEPLOYMENT, "name: {{ .Chart", true, "volumeMounts").is_none());
        // The sidecar's block ends at the next element: its own lines hold no securityContext.
        assert!(find(DEPLOYMENT, "name: sidecar", true, "securityContext").is_none());
        // The container's securityContext is not the pod's.
        let top = DEPLOYMENT.find("  template:").unwrap() + 2;
        assert!(skipping_block(DEPLOYMENT, top, false, "securityContext").is_none());
        // A key written without a condition.
        assert!(find(DEPLOYMENT, "name: {{ .Chart", true, "image").is_none());
    }

    #[test]
    fn a_node_an_action_printed_has_no_block_of_its_own() {
        // The element an action printed whole (`extra`'s first container) is not the one
        // below it.
        let t = "c:\n  {{- toYaml .Values.extra | nindent 2 }}\n  {{- with .Values.sc }}\n  securityContext: {}\n  {{- end }}\n";
        assert!(find(t, "{{- toYaml", true, "securityContext").is_none());
        let t = "m:\n  {{- toYaml .Values.extra | nindent 2 }}\n    {{- with .Values.sc }}\n    securityContext: {}\n    {{- end }}\n";
        assert!(find(t, "{{- toYaml", false, "securityContext").is_none());
    }

    #[test]
    fn conditions_on_several_values_are_read() {
        let c = |e: &str| condition(e);
        let p = |s: &str| s.split('.').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(
            c("and .Values.a.enabled (.Values.b)"),
            Some(Condition::All(vec![p("a.enabled"), p("b")]))
        );
        assert_eq!(
            c("or .Values.a $.Values.b"),
            Some(Condition::Any(vec![p("a"), p("b")]))
        );
        // A function of a value, a relative path, a lone operand: not followed.
        assert_eq!(c("and .Values.a (gt .Values.b 1)"), None);
        assert_eq!(c("and .Values.a .b"), None);
        assert_eq!(c("and .Values.a"), None);
        assert_eq!(c("not .Values.a"), None);
    }

    #[test]
    fn the_value_that_skipped_a_block_is_the_first_empty_of_an_and() {
        let file = SourceFile::new(
            "c/templates/d.yaml".into(),
            None,
            "c:\n  - name: a\n    {{- if and .Values.on .Values.sc }}\n    securityContext: {}\n    {{- end }}\n    {{- if or .Values.x .Values.y }}\n    resources: {}\n    {{- end }}\n".into(),
        );
        let values_file = SourceFile::new(
            "c/values.yaml".into(),
            None,
            "on: true\nsc: {}\nx: \"\"\n".into(),
        );
        let mut origins = Origins::default();
        let at = |path: &str, start: usize, end: usize| {
            (
                vec![path.to_string()],
                Origin {
                    role: OriginRole::Values,
                    file: values_file.clone(),
                    span: Span::new(start, end),
                },
            )
        };
        origins
            .by_path
            .extend([at("on", 0, 8), at("sc", 9, 15), at("x", 16, 21)]);
        let values = serde_json::json!({"on": true, "sc": {}, "x": ""});
        let mut templates = FastMap::default();
        templates.insert(file.path.clone(), 0);
        let cv = ChartValues {
            templates,
            charts: vec![(values, origins)],
            links: Vec::new(),
            switches: Default::default(),
        };
        let block = NodeBlock::read(&file.text, file.text.find("name: a").unwrap(), true);
        let s = cv.skipped(&file, &block, "securityContext").unwrap();
        assert_eq!(
            s.set_at.map(|o| o.span),
            Some(Span::new(9, 15)),
            "`sc: {{}}`"
        );
        // `or` of two empty values: the condition, no one value.
        let s = cv.skipped(&file, &block, "resources").unwrap();
        assert!(s.set_at.is_none());
        assert_eq!(
            &file.text[s.condition.span.range()],
            "{{- if or .Values.x .Values.y }}"
        );
    }

    #[test]
    fn a_dollar_values_path_is_read() {
        let t = "c:\n  - name: a\n    {{- with $.Values.sc }}\n    securityContext: {}\n    {{- end }}\n";
        assert_eq!(
            find(t, "name: a", true, "securityContext").unwrap().1,
            ["sc"]
        );
    }

    #[test]
    fn a_template_with_crlf_line_ends_is_read_the_same() {
        let crlf = DEPLOYMENT.replace('\n', "\r\n");
        let (action, path) = find(&crlf, "name: {{ .Chart", true, "securityContext").unwrap();
        assert_eq!(action, "{{- with .Values.securityContext }}");
        assert_eq!(path, ["securityContext"]);
    }

    proptest::proptest! {
        /// Any text and any node position: an answer or none, never a panic (the scan slices
        /// the text at delimiters, line ends and indentation).
        #[test]
        fn any_template_text_is_scanned_without_panicking(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "{{", "}}", "{{-", "-}}", "{{/*", "*/}}", " with .Values.a ", " if ", " else ",
                " end ", "\n", "\r\n", "  ", "- ", "key:", " x", "é", "\t", ":",
            ]), 0..40),
            at in 0usize..200,
            element: bool,
        ) {
            let text: String = parts.concat();
            let mut at = at.min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let _ = skipping_block(&text, at, element, "key");
        }
    }

    #[test]
    fn go_truth() {
        for v in [
            serde_json::json!(null),
            serde_json::json!(false),
            serde_json::json!(0),
            serde_json::json!(""),
            serde_json::json!([]),
            serde_json::json!({}),
        ] {
            assert!(!truthy(&v), "{v}");
        }
        assert!(truthy(&serde_json::json!({"a": 1})));
        assert!(truthy(&serde_json::json!(0.5)));
    }
}
