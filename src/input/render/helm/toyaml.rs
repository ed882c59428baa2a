//! `toYaml` as Helm prints it (sigs.k8s.io/yaml over go-yaml): keys sorted, two-space indent,
//! sequences in a mapping not indented, strings quoted when YAML 1.1 would read them as
//! something else, multi-line strings as literal blocks, no trailing newline.

use crate::source::map::Origin;
use gotmpl::Value;
use std::cell::RefCell;

/// The values of the charts being rendered, by the allocation of each node, so that a
/// `toYaml` of an object a template built at run time (`dict "securityContext"
/// .Values.sc`, `append $list .Values.first`, a `$var` the static provenance cannot follow)
/// tells which of its lines printed a value from values: `dict`, `list`, `append`, `set`
/// and the rest share the value they were given, as Go's maps and interfaces do, and a
/// copy (`deepCopy`, `toString`) or a literal is another allocation.
#[derive(Default)]
pub(super) struct ValueOrigins {
    /// A map, list or string of the values, by its allocation: its values line. The value
    /// is held so that no allocation of the template's reuses its address.
    nodes: super::FastMap<usize, (Origin, Value)>,
    /// A bool, number or null of the values, by its map's allocation and its key's (or its
    /// list's and its index): its values line and the value itself (a template's `set` may
    /// have replaced it since).
    scalars: super::FastMap<(usize, usize), (Origin, Value)>,
    /// The same bools, numbers and nulls of maps by their key's allocation alone, which a
    /// `merge`/`mergeOverwrite` into another map (`merge (dict) $sc .Values.defaults`)
    /// carries with the value; none when two entries share a key's allocation.
    by_key: super::FastMap<usize, Option<(Origin, Value)>>,
    /// Every map and list of the values, held so that their addresses stay theirs.
    containers: Vec<Value>,
}

/// One `toYaml` output of the template being rendered, in the order they ran: its text
/// told by [`block_fingerprint`], and the lines that printed a value from values (line
/// index, its values line; the deepest node last on a line).
pub(super) struct PrintedBlock {
    pub(super) fingerprint: u64,
    pub(super) lines: Vec<(usize, Origin)>,
    /// The output itself when it printed values and holds a template action (`{{`): what
    /// `tpl (toYaml …)` prints of it is another text, told line by line
    /// ([`PrintedBlock::fits`]).
    pub(super) text: Option<Box<str>>,
}

/// Whether `printed` is what `tpl` made of `yaml`, a `toYaml` output holding template
/// actions: as many lines, each the same without indentation or, on a line holding an
/// action, the text around its actions in order (`- echo {{ .Release.Name }}` printed
/// `- echo rel`).
pub(super) fn tpl_of(yaml: &str, printed: &str) -> bool {
    let mut mine = yaml.lines();
    let mut theirs = printed.lines();
    loop {
        match (mine.next(), theirs.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) => {
                let (a, b) = (a.trim_start(), b.trim_start());
                if a != b && !(a.contains("{{") && super::documents::fits_around_actions(a, b)) {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// A hash of a block's lines without their indentation (what `indent`/`nindent` add), the
/// same for a `toYaml` output and the text an action printed of it.
pub(super) fn block_fingerprint(text: &str) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = foldhash::fast::FixedState::with_seed(17).build_hasher();
    for line in text.lines() {
        h.write(line.trim_start().as_bytes());
        h.write_u8(b'\n');
    }
    h.finish()
}

impl PrintedBlock {
    /// Whether `printed` (without the line breaks `nindent` puts first) is this output, or
    /// what `tpl` made of it: as many lines, each the same without indentation or, on a line
    /// holding an action, the text around its actions in order
    /// (`command: [echo, '{{ .Release.Name }}']` printed `command: [echo, 'rel']`).
    pub(super) fn fits(&self, fingerprint: u64, printed: &str) -> bool {
        if self.fingerprint == fingerprint {
            return true;
        }
        self.text
            .as_deref()
            .is_some_and(|text| tpl_of(text, printed))
    }

    /// The values line of line `i` of the output, the deepest node noted on it.
    pub(super) fn origin_at(&self, i: usize) -> Option<&Origin> {
        let after = self.lines.partition_point(|(l, _)| *l <= i);
        after
            .checked_sub(1)
            .map(|j| &self.lines[j])
            .filter(|(l, _)| *l == i)
            .map(|(_, o)| o)
    }
}

thread_local! {
    static VALUE_ORIGINS: RefCell<ValueOrigins> = RefCell::new(ValueOrigins::default());
    /// The `toYaml` outputs of the template being rendered that printed values.
    static PRINTED: RefCell<Vec<PrintedBlock>> = const { RefCell::new(Vec::new()) };
}

/// Forgets the values remembered by [`remember_values`] (before a chart's render).
pub(super) fn forget_values() {
    VALUE_ORIGINS.with_borrow_mut(|t| *t = ValueOrigins::default());
}

/// Remembers each node of `values` (a chart's `.Values`) with its values line.
pub(super) fn remember_values(values: &Value, origins: &super::values::Origins) {
    fn walk(
        v: &Value,
        path: &mut Vec<String>,
        origins: &super::values::Origins,
        t: &mut ValueOrigins,
    ) {
        let child = |container: usize,
                     key: usize,
                     in_map: bool,
                     path: &mut Vec<String>,
                     x: &Value,
                     t: &mut ValueOrigins| {
            if let Some(o) = origins.get(path) {
                match node_address(x) {
                    Some(a) => {
                        t.nodes.insert(a, (o.clone(), x.clone()));
                    }
                    None => {
                        t.scalars.insert((container, key), (o.clone(), x.clone()));
                        if in_map {
                            t.by_key
                                .entry(key)
                                .and_modify(|e| *e = None)
                                .or_insert_with(|| Some((o.clone(), x.clone())));
                        }
                    }
                }
            }
            walk(x, path, origins, t);
        };
        if matches!(v, Value::Map(_) | Value::List(_)) {
            t.containers.push(v.clone());
        }
        match v {
            Value::Map(m) => {
                let entries = m.read();
                let container = &*entries as *const _ as usize;
                for (k, x) in entries.iter() {
                    path.push(k.to_string());
                    child(container, k.as_ptr() as usize, true, path, x, t);
                    path.pop();
                }
            }
            Value::List(l) => {
                let container = l.as_ptr() as usize;
                for (i, x) in l.iter().enumerate() {
                    path.push(i.to_string());
                    child(container, i, false, path, x, t);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    VALUE_ORIGINS.with_borrow_mut(|t| walk(values, &mut Vec::new(), origins, t));
}

/// The values line of each string of the values an action printed as it was
/// ([`gotmpl::trace::Piece::printed`], the string's allocation), by that allocation: asked
/// on the thread that rendered, while the values are remembered.
pub(super) fn string_origins(
    printed: impl Iterator<Item = usize>,
) -> super::FastMap<usize, Origin> {
    VALUE_ORIGINS.with_borrow(|t| {
        if t.nodes.is_empty() {
            return super::FastMap::default();
        }
        printed
            .filter(|&at| at != 0)
            .filter_map(|at| {
                t.nodes
                    .get(&at)
                    .filter(|(_, v)| matches!(v, Value::String(_)))
                    .map(|(o, _)| (at, o.clone()))
            })
            .collect()
    })
}

/// The values line of the values string whose allocation is `at` (asked on the thread that
/// rendered, while the values are remembered).
pub(super) fn string_origin(at: usize) -> Option<Origin> {
    VALUE_ORIGINS.with_borrow(|t| {
        t.nodes
            .get(&at)
            .filter(|(_, v)| matches!(v, Value::String(_)))
            .map(|(o, _)| o.clone())
    })
}

/// The `toYaml` outputs of the template just rendered that printed values ([`PrintedBlock`]).
pub(super) fn take_printed() -> Vec<PrintedBlock> {
    PRINTED.with_borrow_mut(std::mem::take)
}

/// The allocation of a map, list or string (what `dict`, `list` and a variable share).
fn node_address(v: &Value) -> Option<usize> {
    match v {
        Value::Map(m) => Some(&*m.read() as *const _ as usize),
        Value::List(l) => Some(l.as_ptr() as usize),
        Value::String(s) => Some(s.as_ptr() as usize),
        _ => None,
    }
}

pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    VALUE_ORIGINS.with_borrow(|t| {
        let mut rec = (!t.nodes.is_empty()).then(|| Recorder {
            table: t,
            counted: 0,
            line: 0,
            lines: Vec::new(),
        });
        emit(&as_data(v), 0, &mut out, Ctx::Top, rec.as_mut());
        // Helm: `strings.TrimSuffix(string(data), "\n")`, one line break only (a keep-chomped
        // block's last empty lines are content).
        if out.ends_with('\n') {
            out.pop();
        }
        // Every output is noted (by its hash), so that one printing no values is told from
        // another of the same text that does.
        if let Some(r) = rec {
            let text = (!r.lines.is_empty() && out.contains("{{")).then(|| out.as_str().into());
            PRINTED.with_borrow_mut(|p| {
                p.push(PrintedBlock {
                    fingerprint: block_fingerprint(&out),
                    lines: r.lines,
                    text,
                })
            });
        }
    });
    out
}

/// An entry of a map (its key's allocation) or of a list (its index).
#[derive(Clone, Copy)]
enum Key {
    Map(usize),
    Index(usize),
}

/// Which lines of a `toYaml` output printed a value from values, noted as it is written.
struct Recorder<'a> {
    table: &'a ValueOrigins,
    /// How much of the output has been counted, and its line breaks.
    counted: usize,
    line: usize,
    lines: Vec<(usize, Origin)>,
}

impl Recorder<'_> {
    /// Notes the line being written when `v`, the entry `key` of `container`, is a value
    /// from values.
    fn note(&mut self, out: &str, container: usize, key: Key, v: &Value) {
        let found = match (node_address(v), key) {
            (Some(a), _) => self.table.nodes.get(&a).map(|(o, _)| o),
            (None, Key::Map(key)) => self
                .table
                .scalars
                .get(&(container, key))
                .or_else(|| self.table.by_key.get(&key).and_then(Option::as_ref))
                .filter(|(_, was)| was == v)
                .map(|(o, _)| o),
            (None, Key::Index(i)) => self
                .table
                .scalars
                .get(&(container, i))
                .filter(|(_, was)| was == v)
                .map(|(o, _)| o),
        };
        if let Some(o) = found {
            self.line += memchr::memchr_iter(b'\n', &out.as_bytes()[self.counted..]).count();
            self.counted = out.len();
            self.lines.push((self.line, o.clone()));
        }
    }
}

/// A value as Helm's toYaml sees it through JSON: a map with methods (a `time.Time`, Helm's
/// KubeVersion) is what Go's JSON writes for it (RFC 3339 text, the fields alone).
fn as_data(v: &Value) -> std::borrow::Cow<'_, Value> {
    match v {
        Value::Map(m) if m.read().values().any(|e| matches!(e, Value::Function(_))) => {
            std::borrow::Cow::Owned(super::funcs::json_to_value(&super::funcs::value_to_json(v)))
        }
        _ => std::borrow::Cow::Borrowed(v),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    Top,
    MapValue,
    SeqItem,
}

/// `n` spaces, copied a run at a time (a big CRD's lines are indented by 20 to 40 spaces:
/// a `push` each cost ~8 instructions a space).
fn pad(n: usize, out: &mut String) {
    const SPACES: &str = "                                                                ";
    let mut left = n;
    while left > 0 {
        let run = left.min(SPACES.len());
        out.push_str(&SPACES[..run]);
        left -= run;
    }
}

fn emit(v: &Value, indent: usize, out: &mut String, ctx: Ctx, mut rec: Option<&mut Recorder>) {
    match v {
        Value::Map(m) if !m.is_empty() => {
            if ctx == Ctx::MapValue {
                out.push('\n');
            }
            let mut first = true;
            // Held while the entries are written: callers have bounded the depth, so no map
            // here holds itself and no lock is taken twice.
            let entries_now = m.read();
            let container = &*entries_now as *const _ as usize;
            let mut entries: Vec<(&std::sync::Arc<str>, &Value)> = entries_now.iter().collect();
            entries.sort_by(|a, b| key_order(a.0, b.0));
            for (k, val) in entries {
                if let Some(r) = rec.as_deref_mut() {
                    r.note(out, container, Key::Map(k.as_ptr() as usize), val);
                }
                let val = &*as_data(val);
                if !(first && ctx == Ctx::SeqItem) {
                    pad(indent, out);
                }
                first = false;
                out.push_str(&scalar_str(k, indent));
                out.push(':');
                match val {
                    Value::Map(mm) if !mm.is_empty() => {
                        emit(val, indent + 2, out, Ctx::MapValue, rec.as_deref_mut())
                    }
                    Value::List(l) if !l.is_empty() => {
                        out.push('\n');
                        emit(val, indent, out, Ctx::MapValue, rec.as_deref_mut())
                    }
                    _ => {
                        out.push(' ');
                        emit(val, indent + 2, out, Ctx::MapValue, rec.as_deref_mut());
                    }
                }
            }
        }
        Value::List(l) if !l.is_empty() => {
            let mut first = true;
            let container = l.as_ptr() as usize;
            for (i, item) in l.iter().enumerate() {
                if let Some(r) = rec.as_deref_mut() {
                    r.note(out, container, Key::Index(i), item);
                }
                let item = &*as_data(item);
                if !(first && ctx == Ctx::SeqItem) {
                    pad(indent, out);
                }
                first = false;
                out.push_str("- ");
                emit(item, indent + 2, out, Ctx::SeqItem, rec.as_deref_mut());
            }
        }
        // Go's nil slice or map is JSON's null on the way to YAML (sigs.k8s.io/yaml).
        l @ (Value::List(_) | Value::Map(_)) if l.is_nil_slice() => out.push_str("null\n"),
        Value::Map(_) => out.push_str("{}\n"),
        Value::List(_) => out.push_str("[]\n"),
        Value::String(s) => {
            // go-yaml indents the lines of a document's root scalar (a literal block's
            // content, a folded plain string's continuation) by two, as a mapping value's.
            let indent = if ctx == Ctx::Top { 2 } else { indent };
            let text = string_scalar(s, indent);
            let column = out.len() - out.rfind('\n').map(|i| i + 1).unwrap_or(0);
            fold_into(out, &text, column, indent);
            out.push('\n');
        }
        other => {
            out.push_str(&plain_scalar(other));
            out.push('\n');
        }
    }
}

fn plain_scalar(v: &Value) -> String {
    match v {
        Value::Nil => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) | Value::Int64(i) => i.to_string(),
        Value::Uint(u) => u.to_string(),
        Value::Float(f) => {
            // Helm's toYaml goes through JSON: a whole number comes back as an integer,
            // anything else as a float go-yaml prints with strconv's shortest `g` form
            // (`1.23456789125e+08`, `1.5e-07`).
            if f.fract() == 0.0 && f.abs() < 9.2e18 {
                format!("{}", *f as i64)
            } else if f.fract() == 0.0 && *f >= 9.2e18 && *f < 18446744073709551616.0 {
                // JSON's digits of a whole number past int64 that fits a uint64: go-yaml
                // reads that back as a uint64 and prints the digits (12345678901234567000).
                format!("{f}")
            } else {
                v.to_string()
            }
        }
        other => other.to_string(),
    }
}

/// go-yaml's key order: character by character, non-letters before letters, runs of digits
/// compared as numbers.
fn key_order(a: &str, b: &str) -> std::cmp::Ordering {
    // Keys are mostly ASCII: then their bytes are their characters, compared without a copy.
    if a.is_ascii() && b.is_ascii() {
        return key_order_of(a.as_bytes(), b.as_bytes());
    }
    let (ar, br): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    key_order_of(&ar, &br)
}

fn key_order_of<C: Copy + Into<char>>(ar: &[C], br: &[C]) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let at = |s: &[C], i: usize| -> char { s[i].into() };
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        let (ai, bi) = (at(ar, i), at(br, i));
        if ai == bi {
            i += 1;
            continue;
        }
        let (al, bl) = (ai.is_alphabetic(), bi.is_alphabetic());
        if al && bl {
            return ai.cmp(&bi);
        }
        if al || bl {
            return if bl {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ai == '0' || bi == '0' {
            let mut j = i;
            while j > 0 && at(ar, j - 1).is_ascii_digit() {
                j -= 1;
                if at(ar, j) != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ae = i;
        while ae < ar.len() && at(ar, ae).is_ascii_digit() {
            an = an
                .saturating_mul(10)
                .saturating_add(i64::from(at(ar, ae) as u8 - b'0'));
            ae += 1;
        }
        let mut be = i;
        while be < br.len() && at(br, be).is_ascii_digit() {
            bn = bn
                .saturating_mul(10)
                .saturating_add(i64::from(at(br, be) as u8 - b'0'));
            be += 1;
        }
        if an != bn {
            return an.cmp(&bn);
        }
        if ae != be {
            return ae.cmp(&be);
        }
        return ai.cmp(&bi);
    }
    ar.len().cmp(&br.len())
}

/// go-yaml folds a plain or single-quoted scalar at a space once the line is past 80
/// columns (`best_width`), continuing on a new line at `indent`. Appended to `out`.
fn fold_into(out: &mut String, text: &str, start_column: usize, indent: usize) {
    // A line that cannot pass 80 columns is not folded (bytes count at least its characters).
    if start_column + text.len() <= 81 {
        out.push_str(text);
        return;
    }
    let single = text.starts_with('\'');
    if text.starts_with('"') {
        fold_double_quoted(out, text, start_column, indent);
        return;
    }
    if text.contains('\n') || !single && text.starts_with(['|', '>']) {
        out.push_str(text);
        return;
    }
    out.reserve(text.len() + 8);
    if text.is_ascii() {
        fold_ascii(out, text, start_column, indent, single);
        return;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut column = start_column;
    let mut prev_space = false;
    for (i, &c) in chars.iter().enumerate() {
        let next_space = chars.get(i + 1) == Some(&' ');
        // Single-quoted: not at the first or last character (the quotes).
        let inside = !single || (i > 1 && i + 2 < chars.len());
        if c == ' ' && !prev_space && column > 80 && !next_space && inside {
            out.push('\n');
            pad(indent, out);
            column = indent;
            prev_space = true;
            continue;
        }
        out.push(c);
        column += 1;
        prev_space = c == ' ';
    }
}

/// go-yaml's `write_double_quoted_scalar` breaks: at a space (not after one, not the first
/// or last character) once the line is past 80 columns, the space dropped and the text going
/// on at `indent`, behind a `\` when the next character is a space too. Escapes hold no
/// space, so the spaces of the quoted text are the text's own.
fn fold_double_quoted(out: &mut String, text: &str, start_column: usize, indent: usize) {
    let chars: Vec<char> = text.chars().collect();
    let mut column = start_column;
    let mut prev_space = false;
    for (i, &c) in chars.iter().enumerate() {
        let inner = i > 1 && i + 2 < chars.len();
        if c == ' ' && !prev_space && column > 80 && inner {
            out.push('\n');
            for _ in 0..indent {
                out.push(' ');
            }
            column = indent;
            if chars.get(i + 1) == Some(&' ') {
                out.push('\\');
                column += 1;
            }
            prev_space = true;
            continue;
        }
        out.push(c);
        column += 1;
        prev_space = c == ' ';
    }
}

/// [`fold_into`] of an ASCII text (its bytes are its characters): the same breaks, the
/// text between them copied whole.
fn fold_ascii(out: &mut String, text: &str, start_column: usize, indent: usize, single: bool) {
    let b = text.as_bytes();
    let mut column = start_column;
    let mut prev_space = false;
    let mut run = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b' '
            && !prev_space
            && column > 80
            && b.get(i + 1) != Some(&b' ')
            && (!single || (i > 1 && i + 2 < b.len()))
        {
            out.push_str(&text[run..i]);
            out.push('\n');
            pad(indent, out);
            column = indent;
            prev_space = true;
            run = i + 1;
            continue;
        }
        column += 1;
        prev_space = c == b' ';
    }
    out.push_str(&text[run..]);
}

fn scalar_str(s: &str, indent: usize) -> String {
    string_scalar(s, indent)
}

/// True when go-yaml would read `s` back as something other than this string.
pub fn ambiguous(s: &str) -> bool {
    // The words below are at most 5 bytes long, and lowercase: compared without case.
    const WORDS: [&str; 15] = [
        "", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n", ".inf", "-.inf",
        "+.inf", ".nan",
    ];
    if s.len() <= 5 && WORDS.iter().any(|w| w.eq_ignore_ascii_case(s)) {
        return true;
    }
    // go-yaml resolves a plain scalar as a number by its first byte (its resolve table): a
    // digit or a sign (underscores dropped), or a `.` (as written, for Go's ParseFloat, which
    // takes an underscore between digits: `.5_0` is 0.5); `_0`, `._5`, `.5_` are strings.
    let t = match s.as_bytes().first() {
        Some(b'0'..=b'9' | b'+' | b'-') if s.contains('_') => {
            std::borrow::Cow::Owned(s.replace('_', ""))
        }
        Some(b'.') if s.contains('_') && crate::input::yaml::underscores_between_digits(s) => {
            std::borrow::Cow::Owned(s.replace('_', ""))
        }
        Some(b'0'..=b'9' | b'+' | b'-' | b'.') => std::borrow::Cow::Borrowed(s),
        _ => return false,
    };
    if go_int_prefixed(&t) {
        return true;
    }
    if could_be_f64(&t)
        && t.parse::<f64>().is_ok()
        && !t.contains("inf")
        && !t.contains("nan")
        && !t.contains("Inf")
        && !t.contains("NaN")
    {
        return true;
    }
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("-0x"))
        && !h.is_empty()
        && h.chars().all(|c| c.is_ascii_hexdigit())
    {
        return true;
    }
    if let Some(o) = t.strip_prefix("0o")
        && !o.is_empty()
        && o.chars().all(|c| c.is_digit(8))
    {
        return true;
    }
    // Sexagesimal (YAML 1.1): 1:20, 190:20:30.
    if s.contains(':')
        && s.split(':')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        return true;
    }
    false
}

/// True for an integer Go's `strconv.ParseInt(s, 0, 64)` reads with a base prefix, signed or
/// not, in either case (`0b101`, `-0X1F`, `+0o17`): go-yaml's integers.
fn go_int_prefixed(t: &str) -> bool {
    let t = t.strip_prefix(['+', '-']).unwrap_or(t);
    let b = t.as_bytes();
    if b.len() < 3 || b[0] != b'0' {
        return false;
    }
    // Bytes, not a `str` slice: the second character may be wider than one byte.
    let digits = b[2..].iter();
    match b[1] {
        b'b' | b'B' => digits.into_iter().all(|c| *c == b'0' || *c == b'1'),
        b'o' | b'O' => digits.into_iter().all(|c| (b'0'..=b'7').contains(c)),
        b'x' | b'X' => digits.into_iter().all(u8::is_ascii_hexdigit),
        _ => false,
    }
}

/// False only for a text Rust's `f64` parser rejects: its grammar has a digit in every
/// number, and otherwise only `inf`, `infinity` and `nan` (any case, optionally signed: at
/// most 9 bytes). Spares the parser most strings (a name, a path, a sentence).
fn could_be_f64(t: &str) -> bool {
    t.len() <= 9 || t.bytes().any(|b| b.is_ascii_digit())
}

#[cfg(test)]
fn needs_quotes(s: &str) -> bool {
    ambiguous(s) || needs_quotes_unambiguous(s)
}

/// [`needs_quotes`] of a string already known not to be [`ambiguous`].
fn needs_quotes_unambiguous(s: &str) -> bool {
    let first = s.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        // `-` and `?` and `:` are fine when followed by a non-space... go-yaml still quotes
        // most of them; keep it simple and safe.
        if !(matches!(first, '-' | '?' | ':') && s.len() > 1 && !s[1..].starts_with(' ')) {
            return true;
        }
    }
    if s.starts_with(' ') || s.ends_with(' ') || s.starts_with('\t') || s.ends_with('\t') {
        return true;
    }
    // `: ` or ` #` anywhere (each `:` and `#` looked at), or a final `:`.
    let b = s.as_bytes();
    if memchr::memchr2_iter(b':', b'#', b).any(|i| {
        if b[i] == b':' {
            b.get(i + 1) == Some(&b' ')
        } else {
            i > 0 && b[i - 1] == b' '
        }
    }) || s.ends_with(':')
    {
        return true;
    }
    if s.is_ascii() {
        // The control characters of ASCII: below the space, and DEL.
        return b.iter().any(|&c| (c < b' ' && c != b'\n') || c == 0x7f);
    }
    s.chars()
        .any(|c| (c.is_control() && c != '\n') || c == '\u{feff}')
}

/// go-yaml's `is_printable`: a line feed, printable ASCII, and the BMP from U+00A0 but the
/// surrogates, U+FEFF, U+FFFE and U+FFFF. A text holding anything else (a tab, a control
/// character, a rune past the BMP such as an emoji) can only be double-quoted.
fn go_printable(c: char) -> bool {
    matches!(c, '\n' | ' '..='~' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        && c != '\u{feff}'
}

fn string_scalar(s: &str, indent: usize) -> String {
    // Emitted as go-yaml emits what it read back from the JSON text (sigs.k8s.io/yaml).
    if !s.chars().all(go_printable) {
        return double_quoted(s);
    }
    // A literal block needs a content line: a string of line breaks only (`"\n"`) would
    // read back as empty, so it is double-quoted below.
    // (An ASCII text's control characters are its bytes below the space and DEL: tested
    // without decoding, these are a CRD's long descriptions.)
    let control = |s: &str| match s.is_ascii() {
        true => s
            .bytes()
            .any(|b| (b < b' ' || b == 0x7f) && b != b'\n' && b != b'\t'),
        false => s.chars().any(|c| c.is_control() && c != '\n' && c != '\t'),
    };
    if s.contains('\n')
        && !s.trim_matches('\n').is_empty()
        && !control(s)
        && !s.contains(" \n")
        && !s.ends_with(' ')
    {
        let chomp = if !s.ends_with('\n') {
            "-"
        } else if s.ends_with("\n\n") {
            "+"
        } else {
            ""
        };
        let ind = if s.starts_with(' ') || s.starts_with('\n') {
            "2"
        } else {
            ""
        };
        let mut out = format!("|{ind}{chomp}");
        let body = if chomp.is_empty() || chomp == "+" {
            s.strip_suffix('\n').unwrap_or(s)
        } else {
            s
        };
        for line in body.split('\n') {
            out.push('\n');
            if !line.is_empty() {
                pad(indent, &mut out);
                out.push_str(line);
            }
        }
        return out;
    }
    // A line break that cannot go in a literal block (a space before it or at the end of
    // the text, libyaml's `space_break` and `trailing_space`, or control characters):
    // libyaml allows neither plain nor single-quoted style there.
    if s.contains('\n') {
        return double_quoted(s);
    }
    // go-yaml: a string that would read back as another type is double-quoted; one that
    // cannot be plain for its characters is single-quoted when it has no control characters.
    if ambiguous(s) || is_timestamp(s) {
        return double_quoted(s);
    }
    if needs_quotes_unambiguous(s) {
        if s.chars().any(|c| c.is_control()) {
            return double_quoted(s);
        }
        return format!("'{}'", s.replace('\'', "''"));
    }
    s.to_string()
}

fn double_quoted(s: &str) -> String {
    // go-yaml's `is_bom` looks at the text's first bytes whatever the position: after a
    // leading BOM every character is escaped.
    let bom = s.starts_with('\u{feff}');
    let mut out = String::from("\"");
    for c in s.chars() {
        // Line breaks (go-yaml's `is_break`), quotes and backslashes are escaped too.
        let escaped = bom
            || !go_printable(c)
            || matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}' | '"' | '\\');
        if !escaped {
            out.push(c);
            continue;
        }
        out.push('\\');
        match c {
            '\0' => out.push('0'),
            '\u{7}' => out.push('a'),
            '\u{8}' => out.push('b'),
            '\t' => out.push('t'),
            '\n' => out.push('n'),
            '\u{b}' => out.push('v'),
            '\u{c}' => out.push('f'),
            '\r' => out.push('r'),
            '\u{1b}' => out.push('e'),
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            '\u{85}' => out.push('N'),
            '\u{a0}' => out.push('_'),
            '\u{2028}' => out.push('L'),
            '\u{2029}' => out.push('P'),
            c if (c as u32) <= 0xff => out.push_str(&format!("x{:02X}", c as u32)),
            c if (c as u32) <= 0xffff => out.push_str(&format!("u{:04X}", c as u32)),
            c => out.push_str(&format!("U{:08X}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// A YAML 1.1 timestamp as go-yaml v2's `parseTimestamp` reads one, which its encoder quotes:
/// four digits and `-` first, then the whole text must parse under one of Go's layouts
/// `2006-1-2T15:4:5.999999999Z07:00` (`t` too), `2006-1-2 15:4:5.999999999` or `2006-1-2`,
/// with `time.Parse`'s ranges (a day that its month has, hours below 24). `2023-05-17
/// 00:00:00 Wed May` is no timestamp (text after the time) and stays plain.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if !(b.len() > 4 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-') {
        return false;
    }
    let mut i = 5;
    // Go's getnum: one digit, or two when a second follows.
    let num = |i: &mut usize| -> Option<u32> {
        let d = |k: usize| {
            b.get(k)
                .filter(|c| c.is_ascii_digit())
                .map(|c| u32::from(c - b'0'))
        };
        let first = d(*i)?;
        *i += 1;
        match d(*i) {
            Some(second) => {
                *i += 1;
                Some(first * 10 + second)
            }
            None => Some(first),
        }
    };
    let lit = |i: &mut usize, c: u8| -> bool {
        let ok = b.get(*i) == Some(&c);
        *i += usize::from(ok);
        ok
    };
    let year: u32 = s[..4].parse().unwrap_or(0);
    let Some(month) = num(&mut i).filter(|m| (1..=12).contains(m)) else {
        return false;
    };
    if !lit(&mut i, b'-') {
        return false;
    }
    let Some(day) = num(&mut i) else {
        return false;
    };
    let days = crate::input::yaml::scalars::days_in_month(year, month);
    if day < 1 || day > days {
        return false;
    }
    let Some(&sep) = b.get(i) else {
        return true;
    };
    if !matches!(sep, b'T' | b't' | b' ') {
        return false;
    }
    i += 1;
    let time = num(&mut i).is_some_and(|h| h < 24)
        && lit(&mut i, b':')
        && num(&mut i).is_some_and(|m| m < 60)
        && lit(&mut i, b':')
        && num(&mut i).is_some_and(|s| s < 60);
    if !time {
        return false;
    }
    // An optional fraction: `.` or `,` and any number of digits.
    if matches!(b.get(i), Some(b'.' | b',')) && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    if sep == b' ' {
        return i == b.len();
    }
    // Z07:00: `Z`, or a sign, two digits, `:`, two digits (24:60 at most, as Go allows).
    match b.get(i) {
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            let two = |k: usize| {
                b.get(k..k + 2)
                    .filter(|d| d.iter().all(u8::is_ascii_digit))
                    .map(|d| u32::from(d[0] - b'0') * 10 + u32::from(d[1] - b'0'))
            };
            i + 6 == b.len()
                && b[i + 3] == b':'
                && two(i + 1).is_some_and(|h| h <= 24)
                && two(i + 4).is_some_and(|m| m <= 60)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::sync::Arc;

    fn m(entries: Vec<(&str, Value)>) -> Value {
        Value::Map(gotmpl::MapRef::new(
            entries
                .into_iter()
                .map(|(k, v)| (Arc::from(k), v))
                .collect::<BTreeMap<_, _>>(),
        ))
    }

    /// Keys and strings that start with `.` and hold underscores, as `helm template` printed
    /// `dict ".5_0" 1 "._0" 2 ".0_0" 3 "x" ".5_" "y" ".1_2" | toYaml`: Go's ParseFloat takes
    /// an underscore between digits, so those are quoted (`._0` was a failing seed of
    /// `to_yaml_round_trips`).
    #[test]
    fn dotted_underscores_are_quoted_as_helm_quotes_them() {
        let v = m(vec![
            (".5_0", Value::Int(1)),
            ("._0", Value::Int(2)),
            (".0_0", Value::Int(3)),
            ("x", Value::from(".5_")),
            ("y", Value::from(".1_2")),
        ]);
        assert_eq!(
            to_yaml(&v),
            "._0: 2\n\".0_0\": 3\n\".5_0\": 1\nx: .5_\n\"y\": \".1_2\""
        );
    }

    #[test]
    fn whole_floats_past_int64_print_as_go_yaml_reads_their_json() {
        // JSON writes the digits; go-yaml reads them back as a uint64 when they fit one, as
        // a float (printed in Go's %g form) when they do not.
        assert_eq!(
            to_yaml(&Value::Float(1.2345678901234567e19)),
            "12345678901234567000"
        );
        assert_eq!(to_yaml(&Value::Float(9.3e18)), "9300000000000000000");
        assert_eq!(to_yaml(&Value::Float(1e20)), "1e+20");
        assert_eq!(to_yaml(&Value::Float(-9.3e18)), "-9.3e+18");
        assert_eq!(to_yaml(&Value::Float(1e3)), "1000");
    }

    #[test]
    fn emits_like_helm() {
        let v = m(vec![
            (
                "b",
                Value::List(
                    vec![
                        Value::from("x"),
                        m(vec![("k", Value::Int(1)), ("j", Value::Bool(true))]),
                    ]
                    .into(),
                ),
            ),
            (
                "a",
                m(vec![
                    ("empty", m(vec![])),
                    ("list", Value::List(Vec::<Value>::new().into())),
                ]),
            ),
            ("s", Value::from("line1\nline2\n")),
            ("q", Value::from("yes")),
            ("d", Value::from("2020-09-07")),
            ("c", Value::from("a: b")),
            ("f", Value::Float(1.5)),
            ("n", Value::Nil),
        ]);
        assert_eq!(
            to_yaml(&v),
            "a:\n  empty: {}\n  list: []\nb:\n- x\n- j: true\n  k: 1\nc: 'a: b'\nd: \"2020-09-07\"\nf: 1.5\n\"n\": null\nq: \"yes\"\ns: |\n  line1\n  line2"
        );
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;
    use std::sync::Arc;

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Nil),
            any::<bool>().prop_map(Value::Bool),
            (-100000i64..100000).prop_map(Value::Int),
            // Strings that look like other scalars, have YAML indicators, spaces, newlines.
            "[a-z0-9 :#'\"\\-\\n.~*&!%@`{}\\[\\],|>?]{0,30}".prop_map(|s| Value::from(s.as_str())),
            prop::sample::select(vec![
                "yes",
                "No",
                "on",
                "null",
                "~",
                "0x1F",
                "012",
                "1e3",
                "2020-09-07",
                "1:20",
                "-",
                "? x",
                ": y",
                "- z"
            ])
            .prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(|v| Value::List(v.into())),
                prop::collection::btree_map("[a-zA-Z0-9_~. -]{1,8}", inner, 0..4).prop_map(|m| {
                    Value::Map(gotmpl::MapRef::new(
                        m.into_iter()
                            .map(|(k, v)| (Arc::from(k.as_str()), v))
                            .collect(),
                    ))
                }),
            ]
        })
    }

    /// `ambiguous` and `needs_quotes` as they were written before their fast paths
    /// (a lowercased copy, the float parser on every string, `chars` for control characters).
    fn ambiguous_reference(s: &str) -> bool {
        let lower = s.to_ascii_lowercase();
        if s.len() <= 5
            && matches!(
                lower.as_str(),
                "" | "~"
                    | "null"
                    | "true"
                    | "false"
                    | "yes"
                    | "no"
                    | "on"
                    | "off"
                    | "y"
                    | "n"
                    | ".inf"
                    | "-.inf"
                    | "+.inf"
                    | ".nan"
            )
        {
            return true;
        }
        let t = match s.chars().next() {
            Some('0'..='9' | '+' | '-') => s.replace('_', ""),
            Some('.') if crate::input::yaml::underscores_between_digits(s) => s.replace('_', ""),
            Some('.') => s.to_string(),
            _ => return false,
        };
        if go_int_prefixed(&t) {
            return true;
        }
        if t.parse::<f64>().is_ok()
            && !t.contains("inf")
            && !t.contains("nan")
            && !t.contains("Inf")
            && !t.contains("NaN")
        {
            return true;
        }
        if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("-0x"))
            && !h.is_empty()
            && h.chars().all(|c| c.is_ascii_hexdigit())
        {
            return true;
        }
        if let Some(o) = t.strip_prefix("0o")
            && !o.is_empty()
            && o.chars().all(|c| c.is_digit(8))
        {
            return true;
        }
        s.contains(':')
            && s.split(':')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    }

    fn needs_quotes_reference(s: &str) -> bool {
        if ambiguous_reference(s) {
            return true;
        }
        let first = s.chars().next().unwrap_or(' ');
        if "-?:,[]{}#&*!|>'\"%@`".contains(first)
            && !(matches!(first, '-' | '?' | ':') && s.len() > 1 && !s[1..].starts_with(' '))
        {
            return true;
        }
        if s.starts_with(' ') || s.starts_with('\t') || s.ends_with(' ') || s.ends_with('\t') {
            return true;
        }
        if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
            return true;
        }
        s.chars()
            .any(|c| (c.is_control() && c != '\n') || c == '\u{feff}')
    }

    /// Texts near the predicates' edges: numbers in every float spelling, the special
    /// words in any case, indicators, spaces, control characters (ASCII and not), BOMs.
    fn edgy_text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[-+0-9._eExXoOaAbBfFiInNtTyY:# \t\n\r\x00\x1f\x7f\u{85}\u{feff}é~'\"]{0,14}",
            prop::sample::select(vec![
                "inf",
                "-Infinity",
                "+INF",
                "NaN",
                "+nan",
                "infinity",
                "+infinity1",
                "1_000",
                "1e5",
                ".5",
                "5.",
                "-.5e-3",
                "0x1F",
                "-0x",
                "0o17",
                "1:20:30",
                "TRUE",
                "Off",
                "nUlL",
                "~",
                "",
                "a: b",
                "a #b",
                "a:",
                "é\u{85}",
                "\u{feff}x",
                "1__2",
                "_",
                "_0",
                ".5_",
                "0b_1",
                "-0B101",
                "+0x1F",
                "0\u{11347}4",
            ])
            .prop_map(str::to_string),
            any::<String>(),
        ]
    }

    #[test]
    fn texts_go_yaml_cannot_print_plain_are_double_quoted_with_its_escapes() {
        use gotmpl::Value;
        let y = |s: &str| to_yaml(&Value::String(s.into()));
        // Runes past the BMP (emoji), tabs in a multi-line text, control characters.
        assert_eq!(y("hi \u{1F600}"), "\"hi \\U0001F600\"");
        assert_eq!(y("x\ty\nz"), "\"x\\ty\\nz\"");
        assert_eq!(y("a\u{7}b\u{1b}c\0d\u{1}"), "\"a\\ab\\ec\\0d\\x01\"");
        assert_eq!(y("a\u{2029}b\u{1}"), "\"a\\Pb\\x01\"");
        // After a leading BOM every character is escaped (go-yaml's `is_bom`).
        assert_eq!(y("\u{feff}x é"), "\"\\uFEFF\\x78\\x20\\xE9\"");
        // Folded past 80 columns at a space, the space dropped; `\\` before a second space.
        let long = "word ".repeat(16) + "x  tail \u{1F525}";
        assert_eq!(
            y(&long),
            format!("\"{}x\n  \\ tail \\U0001F525\"", "word ".repeat(16))
        );
    }

    /// `fold` as written before its ASCII path: character by character.
    fn fold_reference(text: &str, start_column: usize, indent: usize) -> String {
        if start_column + text.len() <= 81 {
            return text.to_string();
        }
        let single = text.starts_with('\'');
        if text.contains('\n') || !single && text.starts_with(['"', '|', '>']) {
            return text.to_string();
        }
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::new();
        let mut column = start_column;
        let mut prev_space = false;
        for (i, &c) in chars.iter().enumerate() {
            let next_space = chars.get(i + 1) == Some(&' ');
            let inside = !single || (i > 1 && i + 2 < chars.len());
            if c == ' ' && !prev_space && column > 80 && !next_space && inside {
                out.push('\n');
                out.push_str(&" ".repeat(indent));
                column = indent;
                prev_space = true;
                continue;
            }
            out.push(c);
            column += 1;
            prev_space = c == ' ';
        }
        out
    }

    proptest! {
        /// Folding appends what the character-by-character folding gives, ASCII or not,
        /// single-quoted or not, whatever the line already holds.
        #[test]
        fn fold_equals_its_reference(
            words in prop::collection::vec("[a-z'é\"|>]{0,12}", 0..30),
            spaces in prop::collection::vec(1usize..3, 0..30),
            quote in any::<bool>(),
            start in 0usize..100,
            indent in 0usize..12,
        ) {
            let mut text = String::new();
            for (i, w) in words.iter().enumerate() {
                text.push_str(w);
                text.push_str(&" ".repeat(spaces.get(i).copied().unwrap_or(1)));
            }
            if quote {
                text = format!("'{text}'");
            }
            // Double-quoted texts fold by their own rules (`fold_double_quoted`).
            prop_assume!(!text.starts_with('"'));
            let mut out = String::from("key: ");
            fold_into(&mut out, &text, start, indent);
            let want = fold_reference(&text, start, indent);
            prop_assert_eq!(&out["key: ".len()..], want.as_str());
        }

        /// The fast paths of `ambiguous` and `needs_quotes` answer as the plain versions do.
        #[test]
        fn quoting_predicates_equal_their_references(s in edgy_text()) {
            prop_assert_eq!(ambiguous(&s), ambiguous_reference(&s), "{:?}", s);
            prop_assert_eq!(needs_quotes(&s), needs_quotes_reference(&s), "{:?}", s);
            if !ambiguous(&s) {
                prop_assert_eq!(needs_quotes_unambiguous(&s), needs_quotes_reference(&s), "{:?}", s);
            }
            // The float pre-check never turns down a text the parser takes.
            prop_assert!(could_be_f64(&s) || s.parse::<f64>().is_err(), "{:?}", s);
        }

        /// What toYaml prints reads back (with Kubernetes' YAML 1.1 rules) as the same value.
        #[test]
        fn to_yaml_round_trips(v in value()) {
            let text = to_yaml(&Value::Map(gotmpl::MapRef::new([(Arc::from("root"), v.clone())].into_iter().collect())));
            // Helm trims the final line break of toYaml's output; a template always follows it
            // with one (or `nindent`s it), and a keep-chomped block (`|+`) needs it to keep
            // its last line break. Read it back as a template would print it.
            let text = format!("{text}\n");
            let file = crate::source::SourceFile::new("t.yaml".into(), None, text.clone());
            let (back, _) = super::super::values::read_yaml(&file).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            let want = super::super::funcs::value_to_json(&v);
            prop_assert_eq!(back.get("root").cloned().unwrap_or(serde_json::Value::Null), want, "{}", text);
        }
    }
}
