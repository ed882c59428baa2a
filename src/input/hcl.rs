//! HashiCorp configuration (HCL): Vault's, Consul's, Nomad's and Boundary's servers and agents
//! (`vault.hcl`, `consul.hcl`, `nomad.hcl`, `config.hcl`), Vault policies, Nomad job files.
//!
//! A file is read into one configuration document with the shape the same tools' JSON form
//! has, so the configuration rules read `listener "tcp" { tls_disable = 1 }` exactly as they
//! read Vault's `{"listener": {"tcp": {"tls_disable": 1}}}`:
//!
//! * an attribute `key = value` is the entry `key`;
//! * a block `type "a" "b" { … }` is `{type: {a: {b: {…}}}}`; blocks of one type with other
//!   labels are merged (`host_volume "x" {…}`, `host_volume "y" {…}` → `{host_volume: {x:
//!   …, y: …}}`), and the same block written again (two `listener "tcp"`, two `template`)
//!   is a list of them, as HCL's JSON form writes repeated blocks;
//! * strings, numbers, booleans, lists and objects are JSON's; a string with interpolations
//!   (`"${vault_token}"`, Nomad's `"${NOMAD_PORT_db}"`) keeps its text, and any other
//!   expression (`env("X")`, `var.token`) is read as the reference `${…}` it stands for.
//!
//! Vault, Consul and Nomad read their configuration with HCL's first version, which accepts
//! what HCL 2 (this reader's grammar, the `hcl-edit` crate) does not: a block's `{` on the line
//! after its labels (Vault policies' `path "secret/*"` then `{`), commas between a block's
//! attributes, several attributes on one line (`ports { http = -1 https = 8501 }`), quoted
//! keys in a block (Nomad's `options { "driver.raw_exec.enable" = "1" }`). A file HCL 2
//! refuses is read again with those written as HCL 2 writes them (line breaks and `=`
//! inserted, commas blanked), every position mapped back to the file's own bytes, so a finding
//! points where the file writes the setting.
//!
//! Terraform's files (`.tf`, `.tfvars`, `.terraform.lock.hcl`, Terragrunt's, Packer's
//! `.pkr.hcl`, test files) describe infrastructure, not a service's configuration: they are
//! not read (see [`is_hcl_path`]).

use crate::input::{Loaded, config, embedded_file};
use crate::source::span::{Children, Span, SpanTree};
use crate::source::{Problem, SourceFile};
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Body, Structure};
use hcl_edit::template::Element;
use serde_json::{Map, Number, Value};
use std::sync::Arc;

/// Deepest nesting of blocks, lists, objects and interpolations read; deeper input is a
/// located problem (the parser recurses, and must not overflow the stack).
const MAX_DEPTH: usize = 128;

/// Names of HCL files that are Terraform's, Terragrunt's, Packer's or a build tool's, not a
/// service's configuration (matched on the lower-case file name).
const NOT_SERVICE_NAMES: &[&str] = &[".terraform.lock.hcl", "terragrunt.hcl", "docker-bake.hcl"];

/// Endings of such files' names.
const NOT_SERVICE_SUFFIXES: &[&str] = &[
    ".pkr.hcl",
    ".pkrvars.hcl",
    ".tftest.hcl",
    ".tfmock.hcl",
    ".tfquery.hcl",
    ".tfstack.hcl",
    ".tfdeploy.hcl",
    ".tfcomponent.hcl",
    ".tflint.hcl",
];

/// True for a file read as HCL service configuration: `*.hcl` (Vault, Consul, Nomad, Boundary,
/// Waypoint; Vault policies) and Nomad's `*.nomad` job files, but not Terraform's and its
/// tools' files (`.tf` and `.tfvars` are no `.hcl`; `.terraform.lock.hcl`, `terragrunt.hcl`,
/// Packer's `*.pkr.hcl`, `*.tftest.hcl`, Docker's `docker-bake.hcl`).
pub fn is_hcl_path(path: &str) -> bool {
    let name = path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    if !(name.ends_with(".hcl") || name.ends_with(".nomad"))
        || name.starts_with('.') && name.len() <= 4
    {
        return false;
    }
    !NOT_SERVICE_NAMES.contains(&name.as_str())
        && !NOT_SERVICE_SUFFIXES.iter().any(|s| name.ends_with(s))
}

/// Loads an HCL file as one configuration document, and the files its templates' heredocs
/// render (a Nomad job's `template { data = <<EOF … destination = "local/app.yml" }`, a Vault
/// agent's `contents`), each as `read` loads a file of its destination's name, at the lines
/// the heredoc writes them (see [`Converter::templates`]).
pub fn load(file: &Arc<SourceFile>, read: &dyn Fn(&Arc<SourceFile>) -> Option<Loaded>) -> Loaded {
    let mut out = Loaded::default();
    let text = file.text.as_str();
    let scan = scan(text);
    if scan.depth > MAX_DEPTH {
        out.problems.push(Problem::error(
            &file.path,
            Some(pos(file, scan.deep_at)),
            format!("HCL nested deeper than {MAX_DEPTH} levels"),
        ));
        return out;
    }
    let (body, edits) = match hcl_edit::parser::parse_body(text) {
        Ok(b) => (b, Edits::default()),
        Err(strict) => {
            let edits = hcl1_edits(text, &scan.tokens);
            let parsed = if edits.is_empty() {
                Err(strict)
            } else {
                hcl_edit::parser::parse_body(&edits.apply(text))
            };
            match parsed {
                Ok(b) => (b, edits),
                Err(e) => {
                    // An error of the rewritten text is located in it: map it back.
                    let at = if edits.is_empty() {
                        error_offset(text, &e)
                    } else {
                        edits.to_original(error_offset(&edits.apply(text), &e))
                    };
                    out.problems.push(parse_problem(file, at, &e, &scan));
                    return out;
                }
            }
        }
    };
    let conv = Converter {
        file,
        edits: &edits,
    };
    let whole = Span::new(0, text.len());
    let node = conv.body(&body, whole);
    let mut written = Vec::new();
    conv.templates(&body, &mut Vec::new(), &mut written);
    out.documents
        .push(config::whole_file_document(file, node.value, node.tree));
    for w in written {
        embedded_file::load_written(
            file,
            &w.name,
            w.text,
            w.starts,
            w.end,
            &embedded_file::entry_label(&w.block, &w.destination),
            0,
            &mut out,
            read,
        );
    }
    out
}

/// A template's heredoc, read as the file it renders to.
struct Written {
    /// The name the file is read as: the destination's, `.env` added for an `env = true`
    /// template whose destination is named otherwise (`secrets/env`).
    name: String,
    destination: String,
    /// The template block's path (`job.web.group.g.task.app.template`).
    block: String,
    /// The heredoc's lines as the file has them (a `<<-` heredoc's indentation removed,
    /// template actions alone on their line blanked), and where each starts in the HCL file.
    text: String,
    starts: Vec<usize>,
    end: usize,
}

/// The problem for a file that does not read as HCL: a template (`{{ … }}` of consul-template
/// or a Go program, `%{ if … }` of Terraform's `templatefile`, `[[ … ]]` of Levant and
/// nomad-pack) is a note, as a YAML file that is a Go template is; anything else a located
/// error.
fn parse_problem(
    file: &SourceFile,
    at: usize,
    e: &hcl_edit::parser::Error,
    scan: &Scan,
) -> Problem {
    if let Some(t) = scan.template_at {
        return Problem::note(
            &file.path,
            Some(pos(file, t)),
            "file skipped: a template (`{{ … }}`, `%{ … }` or Levant's `[[ … ]]` here), not HCL; check the configuration it renders",
        );
    }
    Problem::error(
        &file.path,
        Some(pos(file, at.min(file.text.len()))),
        format!("invalid HCL: {}", e.message().trim_end()),
    )
}

/// The byte offset an error of `hcl_edit` points at in `text` (on a character boundary).
fn error_offset(text: &str, e: &hcl_edit::parser::Error) -> usize {
    let mut at = e.location().offset().min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn pos(file: &SourceFile, at: usize) -> crate::source::span::Pos {
    file.lines.pos_at_offset(&file.text, at)
}

/// Byte edits that turn HCL 1 into HCL 2 (see the module's documentation): replacements of one
/// byte by another, and insertions, both at offsets of the original text.
#[derive(Debug, Default)]
struct Edits {
    /// `(offset, byte)`: the byte at `offset` becomes `byte`.
    replace: Vec<(usize, u8)>,
    /// `(offset, text)`: `text` is inserted before the byte at `offset`. Sorted by offset.
    insert: Vec<(usize, &'static str)>,
}

impl Edits {
    fn is_empty(&self) -> bool {
        self.replace.is_empty() && self.insert.is_empty()
    }

    fn apply(&self, text: &str) -> String {
        let mut bytes = text.as_bytes().to_vec();
        for &(at, b) in &self.replace {
            bytes[at] = b;
        }
        let mut out = Vec::with_capacity(bytes.len() + self.insert.len());
        let mut from = 0;
        for &(at, s) in &self.insert {
            out.extend_from_slice(&bytes[from..at]);
            out.extend_from_slice(s.as_bytes());
            from = at;
        }
        out.extend_from_slice(&bytes[from..]);
        // Only ASCII bytes replace ASCII bytes (blanks, commas), between tokens.
        String::from_utf8(out).unwrap_or_default()
    }

    /// The original offset of an offset of the rewritten text (an inserted byte maps to the
    /// original byte it was inserted before).
    fn to_original(&self, at: usize) -> usize {
        let mut shift = 0;
        for &(o, s) in &self.insert {
            let start = o + shift;
            if at < start {
                break;
            }
            if at < start + s.len() {
                return o;
            }
            shift += s.len();
        }
        at - shift
    }
}

/// What a value read from HCL came from, which decides how two of one key merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Origin {
    /// An attribute's value, or a block's body.
    #[default]
    Single,
    /// The mapping a block's label makes (`listener "tcp"` → `{tcp: …}`): two merge.
    Label,
    /// A list of the values written for one key (a block repeated).
    Repeated,
}

struct Node {
    value: Value,
    tree: SpanTree,
    origin: Origin,
    /// The origins of a mapping's entries, in their order (empty for any other node): two
    /// labels' mappings merge entry by entry, and an entry that is itself a label's mapping
    /// (`a "x" "y"` and `a "x" "z"` under `x`) merges again rather than becoming a list.
    kids: Vec<Shape>,
}

/// What of a node decides how it merges: its origin and its entries' (see [`Node::kids`]).
#[derive(Debug, Clone, Default)]
struct Shape {
    origin: Origin,
    kids: Vec<Shape>,
}

/// Turns `hcl_edit`'s tree into a JSON value and the span tree that mirrors it.
struct Converter<'a> {
    file: &'a SourceFile,
    edits: &'a Edits,
}

impl Converter<'_> {
    /// The span, in the file, of a range of the text parsed.
    fn span(&self, r: std::ops::Range<usize>) -> Span {
        Span::new(
            self.edits.to_original(r.start),
            self.edits.to_original(r.end),
        )
    }

    fn span_of(&self, s: &impl hcl_edit::Span, fallback: Span) -> Span {
        s.span().map_or(fallback, |r| self.span(r))
    }

    /// The file's text of a span.
    fn text(&self, s: Span) -> &str {
        self.file.text.get(s.range()).unwrap_or("")
    }

    fn focus(&self, s: Span) -> Span {
        self.file.lines.first_line(&self.file.text, s)
    }

    fn body(&self, body: &Body, own: Span) -> Node {
        let mut entries: Vec<(String, Node)> = Vec::new();
        for structure in body.iter() {
            let (key, node) = match structure {
                Structure::Attribute(a) => {
                    let at = self.span_of(a, own);
                    let mut node = self.expr(&a.value, at);
                    node.tree.span = at.union(node.tree.span);
                    node.tree.focus = self.focus(node.tree.span);
                    (a.key.as_str().to_string(), node)
                }
                Structure::Block(b) => {
                    let at = self.span_of(b, own);
                    let body_at = self.span_of(&b.body, at);
                    let mut node = self.body(&b.body, body_at);
                    // `type "a" "b" {…}`: the innermost label holds the body.
                    for label in b.labels.iter().rev() {
                        let label_at = self.span_of(label, at);
                        // The node under a label spans from the label to the block's end.
                        let span = Span {
                            start: label_at.start,
                            end: at.end,
                        };
                        node.tree.span = span;
                        node.tree.focus = self.focus(span);
                        let name = label.as_str().to_string();
                        let mut map = Map::new();
                        let kids = vec![Shape {
                            origin: node.origin,
                            kids: std::mem::take(&mut node.kids),
                        }];
                        map.insert(name.clone(), node.value);
                        node = Node {
                            value: Value::Object(map),
                            tree: SpanTree {
                                span,
                                focus: self.focus(span),
                                children: Children::Map(vec![(name, node.tree)]),
                                origin: None,
                            },
                            origin: Origin::Label,
                            kids,
                        };
                    }
                    node.tree.span = at;
                    node.tree.focus = self.focus(at);
                    (b.ident.as_str().to_string(), node)
                }
            };
            insert(&mut entries, key, node);
        }
        let span = entries
            .iter()
            .fold(own, |span, (_, n)| span.union(n.tree.span));
        mapping(entries, span, self.focus(span), Origin::Single)
    }

    /// The heredoc templates of `body` and its blocks, at any depth: a block `template`
    /// without labels whose `data` (Nomad) or `contents` (Vault and Consul agents) is a
    /// heredoc and whose `destination` names a file. Nomad renders it with consul-template
    /// and writes it there for the task; its text is that file's configuration (a literal
    /// password in it is one in the repository), so it is read as a file of that name would
    /// be. Blocks `dynamic "template"` compute theirs and are not read.
    fn templates(&self, body: &Body, path: &mut Vec<String>, found: &mut Vec<Written>) {
        for structure in body.iter() {
            let Structure::Block(b) = structure else {
                continue;
            };
            let keys = 1 + b.labels.len();
            path.push(b.ident.as_str().to_string());
            path.extend(b.labels.iter().map(|l| l.as_str().to_string()));
            if b.ident.as_str() == "template" && b.labels.is_empty() {
                found.extend(self.template_file(&b.body, &path.join(".")));
            } else {
                self.templates(&b.body, path, found);
            }
            path.truncate(path.len() - keys);
        }
    }

    fn string_attr(&self, body: &Body, key: &str) -> Option<String> {
        match attr(body, key)? {
            Expression::String(s) => Some(s.value().to_string()),
            Expression::StringTemplate(t) => Some(self.template(t.iter(), Span::new(0, 0))),
            _ => None,
        }
    }

    fn template_file(&self, body: &Body, block: &str) -> Option<Written> {
        let data = attr(body, "data").or_else(|| attr(body, "contents"))?;
        let Expression::HeredocTemplate(h) = data else {
            return None;
        };
        let destination = self.string_attr(body, "destination")?;
        let base = destination.rsplit(['/', '\\']).next()?.to_string();
        if base.is_empty() {
            return None;
        }
        // Nomad reads an `env = true` template's file as environment variables, whatever
        // its name.
        let env = match attr(body, "env") {
            Some(Expression::Bool(b)) => *b.value(),
            Some(_) => self.string_attr(body, "env").as_deref() == Some("true"),
            None => false,
        };
        let name = if env
            && crate::input::classify::file_kind(&base) != crate::input::classify::FileKind::Env
        {
            format!("{base}.env")
        } else {
            base
        };
        let left = self
            .string_attr(body, "left_delimiter")
            .unwrap_or_else(|| "{{".to_string());
        let right = self
            .string_attr(body, "right_delimiter")
            .unwrap_or_else(|| "}}".to_string());
        let at = self.span_of(data, Span::new(0, 0));
        let (text, starts, end) = heredoc_lines(
            &self.file.text,
            at.start as usize,
            h.delimiter.as_str(),
            &left,
            &right,
        )?;
        Some(Written {
            name,
            destination,
            block: block.to_string(),
            text,
            starts,
            end,
        })
    }

    fn leaf(&self, value: Value, at: Span) -> Node {
        Node {
            value,
            tree: SpanTree::leaf(at),
            origin: Origin::Single,
            kids: Vec::new(),
        }
    }

    fn expr(&self, e: &Expression, fallback: Span) -> Node {
        let at = self.span_of(e, fallback);
        match e {
            Expression::Null(_) => self.leaf(Value::Null, at),
            Expression::Bool(b) => self.leaf(Value::Bool(*b.value()), at),
            Expression::Number(n) => self.leaf(number(n.value(), self.text(at)), at),
            Expression::String(s) => self.leaf(Value::String(s.value().to_string()), at),
            Expression::StringTemplate(t) => {
                self.leaf(Value::String(self.template(t.iter(), at)), at)
            }
            Expression::HeredocTemplate(h) => {
                self.leaf(Value::String(self.template(h.template.iter(), at)), at)
            }
            Expression::Array(items) => {
                let mut values = Vec::new();
                let mut trees = Vec::new();
                for item in items.iter() {
                    let mut n = self.expr(item, at);
                    n.tree.focus = self.focus(n.tree.span);
                    values.push(n.value);
                    trees.push(n.tree);
                }
                Node {
                    value: Value::Array(values),
                    tree: SpanTree {
                        span: at,
                        focus: self.focus(at),
                        children: Children::Seq(trees),
                        origin: None,
                    },
                    origin: Origin::Single,
                    kids: Vec::new(),
                }
            }
            Expression::Object(object) => {
                let mut entries: Vec<(String, Node)> = Vec::new();
                for (key, value) in object.iter() {
                    let key_at = self.span_of(key, at);
                    let name = match key {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
                        ObjectKey::Expression(other) => {
                            let s = self.span_of(other, key_at);
                            self.text(s).trim_matches('"').to_string()
                        }
                    };
                    let mut n = self.expr(value.expr(), key_at);
                    n.tree.span = key_at.union(n.tree.span);
                    n.tree.focus = self.focus(n.tree.span);
                    insert(&mut entries, name, n);
                }
                mapping(entries, at, self.focus(at), Origin::Single)
            }
            // A variable, a function call, a traversal, an operation: the value is computed
            // where the tool runs (`env("VAULT_TOKEN")`, `var.token`); `${…}` is how HCL
            // writes the same expression inside a string, and how the rules know a reference.
            _ => self.leaf(Value::String(format!("${{{}}}", self.text(at).trim())), at),
        }
    }

    /// A string template's text: its literal parts as they read, its interpolations and
    /// directives as written (`${vault_token}`, `%{ if x }`), which the rules read as
    /// references.
    fn template<'t>(&self, elements: impl Iterator<Item = &'t Element>, at: Span) -> String {
        let mut out = String::new();
        for element in elements {
            match element {
                Element::Literal(l) => out.push_str(l.value()),
                Element::Interpolation(i) => out.push_str(self.text(self.span_of(i, at))),
                Element::Directive(d) => out.push_str(self.text(self.span_of(d.as_ref(), at))),
            }
        }
        out
    }
}

/// A number as JSON's; one JSON cannot hold keeps its text.
fn number(n: &hcl_edit::Number, text: &str) -> Value {
    if let Some(u) = n.as_u64() {
        Value::Number(Number::from(u))
    } else if let Some(i) = n.as_i64() {
        Value::Number(Number::from(i))
    } else {
        n.as_f64()
            .and_then(Number::from_f64)
            .map_or_else(|| Value::String(text.to_string()), Value::Number)
    }
}

/// The value of the attribute `key` of `body`.
fn attr<'b>(body: &'b Body, key: &str) -> Option<&'b Expression> {
    body.iter().find_map(|s| match s {
        Structure::Attribute(a) if a.key.as_str() == key => Some(&a.value),
        _ => None,
    })
}

/// The lines of the heredoc that opens at offset `at` of `text` (`<<EOF` or `<<-EOF`, then
/// its lines up to the one holding only `delimiter`), as the file the template renders: a
/// `<<-` heredoc's lines less the indentation of its least indented line (as HCL reads it),
/// the template's actions written with `{{ }}` (other delimiters of two or more characters
/// replaced, blanks keeping each line's length), a line holding only actions (`{{ with secret
/// "…" }}`, `{{ end }}`) blank. Returns the text, where each of its lines starts in `text`
/// (and its end), or None when the heredoc cannot be placed line for line.
fn heredoc_lines(
    text: &str,
    at: usize,
    delimiter: &str,
    left: &str,
    right: &str,
) -> Option<(String, Vec<usize>, usize)> {
    let opening = text.get(at..)?.strip_prefix("<<")?;
    let indented = opening.starts_with('-');
    let base = at + text[at..].find('\n')? + 1;
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut close = None;
    let mut from = base;
    while from < text.len() {
        let end = text[from..].find('\n').map_or(text.len(), |i| from + i);
        let line = text[from..end].trim_end_matches('\r');
        // HCL 2 accepts the closing delimiter indented after `<<` too.
        if line.trim_matches([' ', '\t']) == delimiter {
            close = Some(from);
            break;
        }
        lines.push((from, line));
        from = end + 1;
    }
    let close = close?;
    let lead = |l: &str| l.len() - l.trim_start_matches([' ', '\t']).len();
    let strip = if indented {
        lines
            .iter()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(_, l)| lead(l))
            .min()
            .unwrap_or(0)
    } else {
        0
    };
    let mut out = String::with_capacity(close - base);
    let mut starts = Vec::with_capacity(lines.len() + 1);
    for (start, line) in lines {
        let cut = strip.min(lead(line));
        starts.push(start + cut);
        out.push_str(&template_actions(&line[cut..], left, right)?);
        out.push('\n');
    }
    starts.push(close);
    Some((out, starts, close))
}

/// A line of a consul-template template as [`heredoc_lines`] reads it (same length): a line
/// of actions alone blank, and each run of actions inside a line (`"{{ env "NOMAD_DC" }}"`,
/// `{{ with secret "db" }}{{ .Data.password }}{{ end }}`) the reference `${___}` of its
/// length, which the rules read as a value computed where the template renders, and which
/// leaves the line readable as its format (no quote or brace of the action's left).
fn template_actions(line: &str, left: &str, right: &str) -> Option<String> {
    let s = if left == "{{" && right == "}}" {
        line.to_string()
    } else if left.len() >= 2 && right.len() >= 2 {
        let l = format!("{{{{{}", " ".repeat(left.len() - 2));
        let r = format!("{}}}}}", " ".repeat(right.len() - 2));
        line.replace(left, &l).replace(right, &r)
    } else if line.contains(left) || line.contains(right) {
        return None;
    } else {
        line.to_string()
    };
    // The runs of actions: `[start, end)` of each, actions written back to back joined.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut from = 0;
    while let Some(open) = s[from..].find("{{").map(|i| from + i) {
        let Some(close) = s[open + 2..].find("}}").map(|i| open + 2 + i + 2) else {
            break;
        };
        match runs.last_mut() {
            Some(last) if last.1 == open => last.1 = close,
            _ => runs.push((open, close)),
        }
        from = close;
    }
    if runs.is_empty() {
        return Some(s);
    }
    let (mut outside, mut bare) = (0, true);
    for &(a, b) in &runs {
        bare &= s[outside..a].trim().is_empty();
        outside = b;
    }
    if bare && s[outside..].trim().is_empty() {
        return Some(" ".repeat(s.len()));
    }
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    for (a, b) in runs {
        out.push_str(&s[at..a]);
        out.push_str("${");
        out.push_str(&"_".repeat(b - a - 3));
        out.push('}');
        at = b;
    }
    out.push_str(&s[at..]);
    Some(out)
}

/// Adds a key's node to a body's or object's entries: a key written once more merges with its
/// first node (see [`Origin`]).
fn insert(entries: &mut Vec<(String, Node)>, key: String, node: Node) {
    match entries.iter_mut().find(|(k, _)| *k == key) {
        Some((_, first)) => {
            let old = std::mem::replace(
                first,
                Node {
                    value: Value::Null,
                    tree: SpanTree::default(),
                    origin: Origin::Single,
                    kids: Vec::new(),
                },
            );
            *first = merge(old, node);
        }
        None => entries.push((key, node)),
    }
}

/// A mapping node of `entries`, in their order.
fn mapping(entries: Vec<(String, Node)>, span: Span, focus: Span, origin: Origin) -> Node {
    let mut map = Map::new();
    let mut trees = Vec::with_capacity(entries.len());
    let mut kids = Vec::with_capacity(entries.len());
    for (k, n) in entries {
        kids.push(Shape {
            origin: n.origin,
            kids: n.kids,
        });
        map.insert(k.clone(), n.value);
        trees.push((k, n.tree));
    }
    Node {
        value: Value::Object(map),
        tree: SpanTree {
            span,
            focus,
            children: Children::Map(trees),
            origin: None,
        },
        origin,
        kids,
    }
}

/// Two nodes written for one key: two labels' mappings merge key by key (`host_volume "a"`
/// and `host_volume "b"`); anything else becomes (or extends) the list of them.
fn merge(first: Node, second: Node) -> Node {
    match (first.origin, second.origin) {
        (Origin::Label, Origin::Label) => {
            let (Value::Object(a), Value::Object(b)) = (first.value, second.value) else {
                unreachable!("a label's node is a mapping");
            };
            let (Children::Map(ta), Children::Map(tb)) =
                (first.tree.children, second.tree.children)
            else {
                unreachable!("a label's tree is a mapping");
            };
            let node = |((k, v), (_, t)): ((String, Value), (String, SpanTree)), shape: Shape| {
                (
                    k,
                    Node {
                        value: v,
                        tree: t,
                        origin: shape.origin,
                        kids: shape.kids,
                    },
                )
            };
            let mut entries: Vec<(String, Node)> = a
                .into_iter()
                .zip(ta)
                .zip(first.kids)
                .map(|(entry, shape)| node(entry, shape))
                .collect();
            for (entry, shape) in b.into_iter().zip(tb).zip(second.kids) {
                let (k, n) = node(entry, shape);
                insert(&mut entries, k, n);
            }
            let span = first.tree.span.union(second.tree.span);
            mapping(entries, span, first.tree.focus, Origin::Label)
        }
        (Origin::Repeated, _) => {
            let (Value::Array(mut values), Children::Seq(mut trees)) =
                (first.value, first.tree.children)
            else {
                unreachable!("a repeated key's node is a list");
            };
            let span = first.tree.span.union(second.tree.span);
            values.push(second.value);
            trees.push(second.tree);
            Node {
                value: Value::Array(values),
                tree: SpanTree {
                    span,
                    focus: first.tree.focus,
                    children: Children::Seq(trees),
                    origin: None,
                },
                origin: Origin::Repeated,
                kids: Vec::new(),
            }
        }
        _ => {
            let span = first.tree.span.union(second.tree.span);
            let focus = first.tree.focus;
            Node {
                value: Value::Array(vec![first.value, second.value]),
                tree: SpanTree {
                    span,
                    focus,
                    children: Children::Seq(vec![first.tree, second.tree]),
                    origin: None,
                },
                origin: Origin::Repeated,
                kids: Vec::new(),
            }
        }
    }
}

// --- The token scan: nesting depth, templates, and what HCL 1 writes differently ---

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    /// A run of characters that is no other token: an identifier, a number, `true`, an
    /// operator.
    Word,
    /// A quoted string (its interpolations included).
    Str,
    Heredoc,
    Eq,
    LBrace,
    RBrace,
    Open,
    Close,
    Comma,
    Newline,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Tok,
    start: usize,
    end: usize,
}

#[derive(Debug, Default)]
struct Scan {
    tokens: Vec<Token>,
    depth: usize,
    deep_at: usize,
    /// The first template action outside a string and a comment.
    template_at: Option<usize>,
}

fn scan(text: &str) -> Scan {
    let b = text.as_bytes();
    let mut s = Scan::default();
    let mut depth = 0usize;
    let mut i = 0;
    let note_depth = |s: &mut Scan, d: usize, at: usize| {
        if d > s.depth {
            s.depth = d;
            s.deep_at = at;
        }
    };
    while i < b.len() {
        let c = b[i];
        let start = i;
        let kind = match c {
            b'\n' => {
                i += 1;
                Tok::Newline
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' => {
                i = line_end(b, i);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = line_end(b, i);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = find(b, i + 2, b"*/").map_or(b.len(), |e| e + 2);
                continue;
            }
            b'"' => {
                let (end, d) = string_end(b, i + 1, depth + 1);
                note_depth(&mut s, d, i);
                i = end;
                Tok::Str
            }
            b'<' if b.get(i + 1) == Some(&b'<') && heredoc_end(b, i).is_some() => {
                i = heredoc_end(b, i).unwrap_or(b.len());
                Tok::Heredoc
            }
            b'{' | b'[' | b'(' => {
                if c == b'{' && i > 0 && matches!(b[i - 1], b'{' | b'%' | b'$') {
                    s.template_at.get_or_insert(i - 1);
                }
                if c == b'[' && levant_action(b, i) {
                    s.template_at.get_or_insert(i);
                }
                depth += 1;
                note_depth(&mut s, depth, i);
                i += 1;
                if c == b'{' { Tok::LBrace } else { Tok::Open }
            }
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                i += 1;
                if c == b'}' { Tok::RBrace } else { Tok::Close }
            }
            b',' => {
                i += 1;
                Tok::Comma
            }
            b'=' if !matches!(b.get(i + 1), Some(b'=' | b'>')) => {
                i += 1;
                Tok::Eq
            }
            _ => {
                // A word: up to a blank or a character that is a token of its own; `==`,
                // `=>`, `!=`, `<=`, `>=` are parts of words (operators).
                i += 1;
                while i < b.len() {
                    match b[i] {
                        b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'{' | b'}' | b'[' | b']' | b'('
                        | b')' | b',' | b'#' => break,
                        b'=' if !matches!(b[i - 1], b'!' | b'<' | b'>' | b'=')
                            && !matches!(b.get(i + 1), Some(b'=' | b'>')) =>
                        {
                            break;
                        }
                        b'/' if matches!(b.get(i + 1), Some(b'/' | b'*')) => break,
                        _ => i += 1,
                    }
                }
                Tok::Word
            }
        };
        s.tokens.push(Token {
            kind,
            start,
            end: i,
        });
    }
    s
}

/// Whether `[[` at `at` opens a template action of Levant or nomad-pack (`[[ .count ]]`,
/// `[[- range $c := var "constraints" . ]]`, `[[ template "region" . ]]`), which render
/// Nomad job files: after the brackets (and a `-`), blanks and a `.`, `$` or a letter, and
/// `]]` later on the line. Only asked of a file that does not read as HCL (a valid list of
/// lists is read as one).
fn levant_action(b: &[u8], at: usize) -> bool {
    if b.get(at + 1) != Some(&b'[') {
        return false;
    }
    let end = line_end(b, at);
    let mut i = at + 2;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    while i < end && matches!(b[i], b' ' | b'\t') {
        i += 1;
    }
    i < end
        && (matches!(b[i], b'.' | b'$') || b[i].is_ascii_alphabetic())
        && find(&b[..end], i, b"]]").is_some()
}

fn line_end(b: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', &b[from..]).map_or(b.len(), |e| from + e)
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// The end of a quoted string that starts before `from` (past its closing quote, or at the
/// line's end for an unclosed one), and the deepest nesting of interpolations in it.
fn string_end(b: &[u8], from: usize, depth: usize) -> (usize, usize) {
    let mut i = from;
    let mut deepest = depth;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return (i + 1, deepest),
            b'\n' => return (i, deepest),
            b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                // An interpolation: braces counted, strings in it skipped.
                let mut level = 0usize;
                i += 1;
                while i < b.len() {
                    match b[i] {
                        b'{' => {
                            level += 1;
                            deepest = deepest.max(depth + level);
                            i += 1;
                        }
                        b'}' => {
                            level -= 1;
                            i += 1;
                            if level == 0 {
                                break;
                            }
                        }
                        b'"' => {
                            if depth + level > MAX_DEPTH {
                                return (b.len(), depth + level + 1);
                            }
                            let (end, d) = string_end(b, i + 1, depth + level + 1);
                            deepest = deepest.max(d);
                            i = end;
                        }
                        b'\n' => return (i, deepest),
                        _ => i += 1,
                    }
                }
            }
            _ => i += 1,
        }
    }
    (b.len(), deepest)
}

/// The end of a heredoc `<<EOF` / `<<-EOF` starting at `at` (after its closing line), None
/// when `<<` starts none.
fn heredoc_end(b: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 2;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    let name_start = i;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
        i += 1;
    }
    if i == name_start {
        return None;
    }
    let name = &b[name_start..i];
    // The rest of the opening line must be blank.
    let eol = line_end(b, i);
    if !b[i..eol].iter().all(|c| c.is_ascii_whitespace()) {
        return None;
    }
    let mut line = eol + 1;
    while line < b.len() {
        let end = line_end(b, line);
        if b[line..end].trim_ascii() == name {
            return Some(end);
        }
        line = end + 1;
    }
    Some(b.len())
}

/// The edits that make HCL 1's ways of writing a body HCL 2's (see the module's
/// documentation). Statements are found from the tokens; what is not understood is left for
/// the parser to report.
fn hcl1_edits(text: &str, tokens: &[Token]) -> Edits {
    let mut w = Rewriter {
        b: text.as_bytes(),
        t: tokens,
        edits: Edits::default(),
    };
    let mut i = 0;
    while i < tokens.len() {
        let (next, _) = w.body(i, false);
        // A stray `}` at the top: skip it, the parser reports it.
        i = next.max(i + 1);
    }
    w.edits.insert.sort_by_key(|(at, _)| *at);
    w.edits
}

struct Rewriter<'a> {
    b: &'a [u8],
    t: &'a [Token],
    edits: Edits,
}

/// What a body holds, for the edits of the block around it.
#[derive(Debug, Default, Clone, Copy)]
struct BodyFacts {
    statements: usize,
    blocks: usize,
    quoted_keys: usize,
}

impl Rewriter<'_> {
    fn kind(&self, i: usize) -> Option<Tok> {
        self.t.get(i).map(|t| t.kind)
    }

    fn same_line(&self, from: usize, to: usize) -> bool {
        !self.b[from.min(to)..to.max(from)].contains(&b'\n')
    }

    /// A body from token `i` up to its closing `}` (when `in_block`) or the end: returns the
    /// index of that `}` (or the end) and what the body holds.
    fn body(&mut self, mut i: usize, in_block: bool) -> (usize, BodyFacts) {
        let mut facts = BodyFacts::default();
        loop {
            while self.kind(i) == Some(Tok::Newline) {
                i += 1;
            }
            match self.kind(i) {
                None => return (i, facts),
                Some(Tok::RBrace) => return (i, facts),
                Some(Tok::Word | Tok::Str) => {}
                Some(_) => {
                    i += 1;
                    continue;
                }
            }
            let first = i;
            // The keys: a block's type and labels, or an attribute's name.
            while matches!(self.kind(i), Some(Tok::Word | Tok::Str)) {
                i += 1;
            }
            // `path "secret/*"` then `{` on the next line: the line breaks become blanks.
            let mut j = i;
            while self.kind(j) == Some(Tok::Newline) {
                j += 1;
            }
            if j > i && self.kind(j) == Some(Tok::LBrace) && self.kind(i - 1) != Some(Tok::Eq) {
                for k in i..j {
                    let at = self.t[k].start;
                    self.edits.replace.push((at, b' '));
                    if at > 0 && self.b[at - 1] == b'\r' {
                        self.edits.replace.push((at - 1, b' '));
                    }
                }
                i = j;
            }
            facts.statements += 1;
            match self.kind(i) {
                Some(Tok::Eq) => {
                    if self.t[first].kind == Tok::Str {
                        facts.quoted_keys += 1;
                    }
                    i = self.value(i + 1);
                    match self.kind(i) {
                        // `a = 1,` in a body: the comma becomes a blank.
                        Some(Tok::Comma) => {
                            self.edits.replace.push((self.t[i].start, b' '));
                            i += 1;
                            if let Some(Tok::Word | Tok::Str) = self.kind(i) {
                                self.edits.insert.push((self.t[i].start, "\n"));
                            }
                        }
                        // `a = 1 b = 2`: a line break before the next statement.
                        Some(Tok::Word | Tok::Str) => {
                            self.edits.insert.push((self.t[i].start, "\n"));
                        }
                        _ => {}
                    }
                }
                Some(Tok::LBrace) => {
                    facts.blocks += 1;
                    let open = i;
                    let (close, inner) = self.body(i + 1, true);
                    self.block_edits(first, open, close, inner);
                    i = close + 1;
                    // `a { } b = 1` on one line.
                    if let Some(Tok::Word | Tok::Str) = self.kind(i)
                        && self.same_line(self.t[close].end, self.t[i].start)
                    {
                        self.edits.insert.push((self.t[i].start, "\n"));
                    }
                    if self.kind(i) == Some(Tok::Comma) {
                        self.edits.replace.push((self.t[i].start, b' '));
                        i += 1;
                    }
                }
                _ => {
                    if !in_block && self.kind(i).is_none() {
                        return (i, facts);
                    }
                }
            }
        }
    }

    /// The edits of a block whose `{` is token `open` and `}` token `close`, keys from `first`.
    fn block_edits(&mut self, first: usize, open: usize, close: usize, inner: BodyFacts) {
        let Some(close_tok) = self.t.get(close).filter(|t| t.kind == Tok::RBrace) else {
            return;
        };
        // Quoted keys (`options { "a.b" = "1" }`) are an object's: the block becomes the
        // attribute `options = { … }` when it is one name holding attributes only.
        if inner.quoted_keys > 0 && inner.blocks == 0 && open == first + 1 {
            self.edits.insert.push((self.t[open].start, "="));
            return;
        }
        let one_line_block = inner.statements <= 1
            && inner.blocks == 0
            && self.same_line(self.t[open].end, close_tok.start);
        if inner.statements == 0 || one_line_block {
            return;
        }
        // HCL 2 opens a block of several statements with a line break, and closes it on a
        // line of its own.
        if self.kind(open + 1) != Some(Tok::Newline) {
            self.edits.insert.push((self.t[open].end, "\n"));
        }
        if close > 0 && self.kind(close - 1) != Some(Tok::Newline) {
            self.edits.insert.push((close_tok.start, "\n"));
        }
    }

    /// An attribute's value from token `i`: returns the index of the token after it (a line
    /// break, a `,`, a `}` at its level, or the next statement on the same line).
    fn value(&self, mut i: usize) -> usize {
        let mut depth = 0usize;
        let mut ended = false;
        while let Some(t) = self.t.get(i) {
            match t.kind {
                Tok::LBrace | Tok::Open => {
                    depth += 1;
                    ended = false;
                }
                Tok::RBrace | Tok::Close => {
                    if depth == 0 {
                        return i;
                    }
                    depth -= 1;
                    ended = depth == 0;
                }
                Tok::Newline | Tok::Comma if depth == 0 => return i,
                Tok::Word | Tok::Str | Tok::Heredoc if depth == 0 => {
                    let operator = t.kind == Tok::Word && self.is_operator(t);
                    if ended && !operator {
                        return i;
                    }
                    ended = !operator;
                }
                _ => {}
            }
            i += 1;
        }
        i
    }

    /// A word that is an operator (`?`, `:`, `&&`, `==`, `+`) or a keyword joining
    /// expressions, which does not start a statement.
    fn is_operator(&self, t: &Token) -> bool {
        let w = &self.b[t.start..t.end];
        w.iter().all(|c| b"?:!<>=&|+-*/%.".contains(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(name: &str, text: &str) -> Loaded {
        let file = SourceFile::new(name.into(), None, text.to_string());
        load(&file, &crate::input::classify::read_embedded)
    }

    fn value(text: &str) -> Value {
        let l = doc("vault.hcl", text);
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        l.documents[0].value.clone()
    }

    /// Line and column of the node at `path`.
    fn at(text: &str, path: &[&str]) -> (u32, u32) {
        use crate::source::span::PathSeg;
        let file = SourceFile::new("vault.hcl".into(), None, text.to_string());
        let l = load(&file, &crate::input::classify::read_embedded);
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        let p: Vec<PathSeg> = path
            .iter()
            .map(|s| match s.parse::<usize>() {
                Ok(i) => PathSeg::Index(i),
                Err(_) => PathSeg::Key(s.to_string()),
            })
            .collect();
        let r = l.documents[0].spans.resolve(&p);
        assert!(r.exact, "{path:?} not found");
        let pos = file.pos(r.span.start);
        (pos.line, pos.column)
    }

    #[test]
    fn names() {
        for yes in [
            "vault.hcl",
            "a/consul.d/consul.hcl",
            "jobs/web.nomad",
            "web.nomad.hcl",
        ] {
            assert!(is_hcl_path(yes), "{yes}");
        }
        for no in [
            "main.tf",
            "x.tfvars",
            ".terraform.lock.hcl",
            "live/terragrunt.hcl",
            "build.pkr.hcl",
            "vars.pkrvars.hcl",
            "t.tftest.hcl",
            "docker-bake.hcl",
            "a.hcl.tpl",
        ] {
            assert!(!is_hcl_path(no), "{no}");
        }
    }

    #[test]
    fn blocks_labels_and_attributes_read_as_the_json_form() {
        let v = value(
            "ui = true\nlistener \"tcp\" {\n  address = \"0.0.0.0:8200\"\n  tls_disable = 1\n}\nstorage \"raft\" { path = \"/d\" }\n",
        );
        assert_eq!(
            v,
            serde_json::json!({
                "ui": true,
                "listener": {"tcp": {"address": "0.0.0.0:8200", "tls_disable": 1}},
                "storage": {"raft": {"path": "/d"}}
            })
        );
    }

    #[test]
    fn repeated_blocks_merge_by_label_or_list() {
        let v = value(
            "host_volume \"a\" { path = \"/a\" }\nhost_volume \"b\" { path = \"/b\" }\ntemplate {\n  source = \"x\"\n}\ntemplate {\n  source = \"y\"\n}\nlistener \"tcp\" { address = \"a\" }\nlistener \"tcp\" { address = \"b\" }\n",
        );
        assert_eq!(
            v,
            serde_json::json!({
                "host_volume": {"a": {"path": "/a"}, "b": {"path": "/b"}},
                "template": [{"source": "x"}, {"source": "y"}],
                "listener": {"tcp": [{"address": "a"}, {"address": "b"}]}
            })
        );
    }

    #[test]
    fn blocks_sharing_a_first_label_merge_under_it() {
        // Two labels under one first label (`listener "tcp" "a"`, `listener "tcp" "b"`), and
        // three, one of them written twice: one mapping under the shared labels, a list only
        // for the same labels written again (cfg36 left them a list under `tcp`).
        let text = "listener \"tcp\" \"a\" {\n  tls_disable = 1\n}\nlistener \"tcp\" \"b\" {\n  tls_disable = true\n}\nx \"p\" \"q\" \"r\" { v = 1 }\nx \"p\" \"q\" \"s\" { v = 2 }\nx \"p\" \"q\" \"r\" { v = 3 }\n";
        assert_eq!(
            value(text),
            serde_json::json!({
                "listener": {"tcp": {"a": {"tls_disable": 1}, "b": {"tls_disable": true}}},
                "x": {"p": {"q": {"r": [{"v": 1}, {"v": 3}], "s": {"v": 2}}}}
            })
        );
        assert_eq!(at(text, &["listener", "tcp", "a", "tls_disable"]), (2, 3));
        assert_eq!(at(text, &["listener", "tcp", "b", "tls_disable"]), (5, 3));
        assert_eq!(at(text, &["listener", "tcp", "b"]), (4, 16));
        assert_eq!(at(text, &["x", "p", "q", "r", "1", "v"]), (9, 17));
        assert_eq!(at(text, &["x", "p", "q", "s", "v"]), (8, 17));
    }

    #[test]
    fn template_heredocs_are_read_as_their_destination_files() {
        use crate::source::span::PathSeg;
        let text = "job \"j\" {\n  group \"g\" {\n    task \"t\" {\n      template {\n        data = <<-EOF\n        a: \"{{ env \"X\" }}\"\n        password: Xy7pQ2vL9mKw\n        EOF\n        destination = \"local/app.yml\"\n      }\n      template {\n          data = <<EOH\n      {{ with secret \"kv\" }}\n      DB_PASSWORD=Qm3vT8wLp2Zx\n      {{ end }}\n      EOH\n          destination = \"secrets/env\"\n          env = true\n      }\n      template {\n        data = <<EOF\n[[ \"x\" ]]\nEOF\n        destination = \"local/id_rsa\"\n      }\n    }\n  }\n}\n";
        let file = SourceFile::new("job.nomad".into(), None, text.to_string());
        let l = load(&file, &crate::input::classify::read_embedded);
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        // The job, its YAML file and its environment file (`secrets/env`, `env = true`); the
        // key file is no configuration.
        assert_eq!(l.documents.len(), 3);
        let yml = &l.documents[1];
        assert_eq!(
            yml.resource,
            "job.j.group.g.task.t.template local/app.yml: config document"
        );
        assert!(yml.embedded);
        assert_eq!(yml.value["password"], "Xy7pQ2vL9mKw");
        assert_eq!(yml.value["a"], "${__________}");
        let pos = |d: &crate::input::Document, key: &str| {
            let r = d.spans.resolve(&[PathSeg::Key(key.into())]);
            assert!(r.exact);
            let p = file.pos(r.span.start);
            (p.line, p.column)
        };
        assert_eq!(pos(yml, "password"), (7, 9));
        let env = &l.documents[2];
        assert_eq!(env.value["DB_PASSWORD"], "Qm3vT8wLp2Zx");
        assert_eq!(pos(env, "DB_PASSWORD"), (14, 7));
    }

    #[test]
    fn template_actions_keep_each_line_and_its_length() {
        let t = |line: &str, l: &str, r: &str| template_actions(line, l, r);
        assert_eq!(
            t("  {{- with secret \"x\" -}}", "{{", "}}").unwrap(),
            " ".repeat(25)
        );
        assert_eq!(t("{{ a }} {{ b }}", "{{", "}}").unwrap(), " ".repeat(15));
        assert_eq!(t("K={{ .Data.p }}", "{{", "}}").unwrap(), "K=${__________}");
        assert_eq!(
            t(
                "p: {{ with secret \"s\" }}{{ .Data.p }}{{ end }} # c",
                "{{",
                "}}"
            )
            .unwrap(),
            format!("p: ${{{}}} # c", "_".repeat(40))
        );
        assert_eq!(t("K=[% .x %]", "[%", "%]").unwrap(), "K=${_____}");
        assert_eq!(t("K=<<< .x >>>", "<<<", ">>>").unwrap(), "K=${_______}");
        assert_eq!(t("K=v", "<", ">").unwrap(), "K=v");
        assert_eq!(t("K=<x>", "<", ">"), None);
        assert_eq!(
            t("plain {{ unclosed", "{{", "}}").unwrap(),
            "plain {{ unclosed"
        );
    }

    #[test]
    fn expressions_are_references() {
        let v = value(
            "a = \"${vault_token}\"\nb = env(\"X\")\nc = var.token\nd = <<EOF\nline ${x}\nEOF\ne = \"say \\\"hi\\\"\"\nf = 1.5\ng = null\n",
        );
        assert_eq!(v["a"], "${vault_token}");
        assert_eq!(v["b"], "${env(\"X\")}");
        assert_eq!(v["c"], "${var.token}");
        assert_eq!(v["d"], "line ${x}\n");
        assert_eq!(v["e"], "say \"hi\"");
        assert_eq!(v["f"], 1.5);
        assert_eq!(v["g"], Value::Null);
    }

    #[test]
    fn spans_point_at_attributes_and_blocks() {
        let text = "ui = true\n\nlistener \"tcp\" {\n  address     = \"0.0.0.0:8200\"\n  tls_disable = 1\n}\n";
        assert_eq!(at(text, &["listener", "tcp", "tls_disable"]), (5, 3));
        assert_eq!(at(text, &["listener"]), (3, 1));
        assert_eq!(at(text, &["listener", "tcp"]), (3, 10));
        assert_eq!(at(text, &["ui"]), (1, 1));
    }

    #[test]
    fn hcl1_forms_are_read_and_located_in_the_file() {
        // A policy's `{` on the next line, commas, one-line statements, quoted keys.
        let text = "path \"secret/*\"\n{\n  capabilities = [\"read\"]\n}\ntelemetry {\n  retention = \"30s\",\n  disable_hostname = true\n}\nports {  http = -1  https = 8501}\nacl { enabled = true default_policy=\"allow\" tokens { agent = \"a1\" } }\nclient {\n  options {\n    \"driver.raw_exec.enable\" = \"1\"\n  }\n}\nverify_server_hostname = false\n";
        let v = value(text);
        assert_eq!(v["path"]["secret/*"]["capabilities"][0], "read");
        assert_eq!(v["telemetry"]["disable_hostname"], true);
        assert_eq!(v["ports"]["https"], 8501);
        assert_eq!(v["acl"]["tokens"]["agent"], "a1");
        assert_eq!(v["client"]["options"]["driver.raw_exec.enable"], "1");
        assert_eq!(at(text, &["verify_server_hostname"]), (16, 1));
        assert_eq!(at(text, &["ports", "https"]), (9, 21));
        assert_eq!(at(text, &["acl", "tokens", "agent"]), (10, 54));
        assert_eq!(at(text, &["telemetry", "disable_hostname"]), (7, 3));
        assert_eq!(
            at(text, &["client", "options", "driver.raw_exec.enable"]),
            (13, 5)
        );
    }

    #[test]
    fn errors_are_located_and_templates_are_notes() {
        let l = doc("vault.hcl", "a = 1\nb = = 2\n");
        assert_eq!(l.problems.len(), 1);
        assert_eq!(l.problems[0].pos.map(|p| p.line), Some(2));
        assert!(
            l.problems[0].message.starts_with("invalid HCL"),
            "{}",
            l.problems[0].message
        );
        let l = doc(
            "vault.hcl",
            "%{ if vault_enabled }\nvault {\n  enabled = true\n}\n%{ endif }\n",
        );
        assert_eq!(l.problems.len(), 1);
        assert_eq!(l.problems[0].level, crate::source::ProblemLevel::Note);
        assert!(l.documents.is_empty());
        // A Levant or nomad-pack job template (`[[ … ]]` actions outside strings): a note at
        // the first action, not an error (session cfg37); a list of lists still reads.
        let l = doc(
            "web.nomad",
            "job \"[[ .job_name ]]\" {\n  datacenters = [[ .datacenters | toJson ]]\n  group \"g\" {\n    count = [[ .count ]]\n  }\n}\n",
        );
        assert_eq!(l.problems.len(), 1, "{:?}", l.problems);
        assert_eq!(l.problems[0].level, crate::source::ProblemLevel::Note);
        assert_eq!(l.problems[0].pos.map(|p| (p.line, p.column)), Some((2, 17)));
        assert!(l.documents.is_empty());
        assert_eq!(value("a = [[ b, c ], [\"d\"]]\n")["a"][1][0], "d");
    }

    #[test]
    fn deep_hcl_does_not_overflow() {
        let text = format!("a = {}{}\n", "[".repeat(5000), "]".repeat(5000));
        let l = doc("x.hcl", &text);
        assert!(l.problems[0].message.contains("deeper"), "{:?}", l.problems);
        let text = format!("a = \"{}\"\n", "${\"".repeat(3000));
        let _ = doc("x.hcl", &text);
    }

    proptest::proptest! {
        #[test]
        fn load_never_panics(text in "(\\PC|[\\[\\]{}=\",.\n#'<$%-])*") {
            let _ = doc("x.hcl", &text);
        }

        #[test]
        fn spans_stay_inside_the_text(keys in proptest::collection::vec("[a-z]{1,6}", 1..6), n in 0i64..1000) {
            let text: String = keys.iter().map(|k| format!("{k} {{ v = {n}, w = \"{k}\" }}\n")).collect();
            let l = doc("x.hcl", &text);
            for d in &l.documents {
                fn walk(t: &SpanTree, len: u32) {
                    assert!(t.span.start <= t.span.end && t.span.end <= len);
                    assert!(t.focus.start <= t.focus.end && t.focus.end <= len);
                    match &t.children {
                        Children::Leaf => {}
                        Children::Map(m) => m.iter().for_each(|(_, c)| walk(c, len)),
                        Children::Seq(s) => s.iter().for_each(|c| walk(c, len)),
                    }
                }
                walk(&d.spans, text.len() as u32);
            }
        }

        /// A template heredoc of any lines (actions, quotes, braces, other delimiters, `<<-`
        /// indentation) never panics, and the file it renders stays placed inside the job's
        /// text, each of its lines where the heredoc writes it.
        #[test]
        fn template_heredocs_stay_inside_the_text(
            lines in proptest::collection::vec("[ a-z:=\"{}\\[\\]%#-]{0,24}", 0..6),
            dash in proptest::bool::ANY,
            env in proptest::bool::ANY,
            name in "(app\\.yml|app\\.env|application\\.properties|x\\.toml|nginx\\.conf)",
        ) {
            let body: String = lines.iter().map(|l| format!("      {l}\n")).collect();
            let text = format!(
                "job \"j\" {{\n  template {{\n    left_delimiter = \"[%\"\n    right_delimiter = \"%]\"\n    data = <<{}EOF\n{body}    EOF\n    destination = \"local/{name}\"\n    env = {env}\n  }}\n}}\n",
                if dash { "-" } else { "" },
            );
            let l = doc("x.nomad", &text);
            // The heredoc's lines: from the line after `<<EOF` to the closing line.
            let first = text.find("EOF\n").unwrap() as u32 + 4;
            let close = text.rfind("    EOF").unwrap() as u32;
            for d in &l.documents {
                fn walk(t: &SpanTree, from: u32, to: u32) {
                    assert!(from <= t.span.start && t.span.start <= t.span.end && t.span.end <= to);
                    assert!(from <= t.focus.start && t.focus.start <= t.focus.end && t.focus.end <= to);
                    match &t.children {
                        Children::Leaf => {}
                        Children::Map(m) => m.iter().for_each(|(_, c)| walk(c, from, to)),
                        Children::Seq(s) => s.iter().for_each(|c| walk(c, from, to)),
                    }
                }
                if d.embedded {
                    walk(&d.spans, first, close);
                } else {
                    walk(&d.spans, 0, text.len() as u32);
                }
            }
        }
    }
}
