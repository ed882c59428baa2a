//! Sprig's and Helm's template functions, as charts use them.

use super::toyaml::to_yaml;
use gotmpl::{FuncMap, MapRef, TemplateError, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

type R = gotmpl::Result<Value>;

/// Registers one function: `f!(map, "name", |args| -> R { … })`.
macro_rules! f {
    ($m:ident, $name:expr, $body:expr) => {
        $m.insert($name.to_string(), Arc::new($body));
    };
}

mod arity;
mod collections;
mod dates;
mod decimal;
mod encoding;
mod from_yaml;
mod math;
mod paths;
mod strings;
mod toml_writer;
mod types;
mod values_methods;
mod words;
mod xcase;
mod yaml_tabs;

pub(super) use encoding::b64enc;
pub(super) use from_yaml::{go_yaml_error, invalid_map_key, tab_after_key};
pub(super) use math::semver_compare;
pub(crate) use types::check_types;
pub(super) use yaml_tabs::tab_error;

pub fn err(msg: impl Into<String>) -> TemplateError {
    TemplateError::Exec(msg.into())
}

/// Go's types of the slices and maps Sprig and Helm return typed (`typeOf`, `%T`,
/// `deepEqual` and the argument checks tell them from `[]interface {}`; gotmpl patch 35).
pub(super) const STRINGS: gotmpl::GoType = gotmpl::GoType::of("[]string");
const INTS: gotmpl::GoType = gotmpl::GoType::of("[]int");
const LISTS: gotmpl::GoType = gotmpl::GoType::of("[][]interface {}");
const STRING_MAP: gotmpl::GoType = gotmpl::GoType::of("map[string]string");
/// Helm's `.Values` (and `.Template`): a named `map[string]interface {}`.
pub(super) const HELM_VALUES: gotmpl::GoType = gotmpl::GoType::named("common.Values");
/// Helm's `.Files` (`engine.files`, a `map[string][]byte`).
pub(super) const ENGINE_FILES: gotmpl::GoType = gotmpl::GoType::byte_map("engine.files");
/// A method of a map standing for a Go value, returning what Go's JSON writes for it when
/// that is not its fields (`*semver.Version`'s `MarshalJSON`: its text; Helm's
/// `common.VersionSet`: the list). Templates cannot name `#` keys as fields.
pub(super) const GO_JSON: &str = "#json";

/// A `[]string` of `items`.
fn strings(items: Vec<Value>) -> Value {
    Value::List(items.into()).typed(STRINGS)
}

fn s(v: &str) -> Value {
    Value::String(Arc::from(v))
}

/// Go's `fmt.Sprint` of one value as Sprig's `toString` gives it.
pub fn to_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Nil => String::new(),
        // A struct a function is given is a copy: a `String` method on its pointer is not
        // Go's fmt.Stringer there, so fmt's form (`{v1.36.0 v1.36.0 1 36}` for `quote` of
        // the KubeVersion) comes first ([`Value::stringer`]).
        other @ Value::Map(_) => other.stringer().unwrap_or_else(|| other.to_string()),
        other => other.to_string(),
    }
}

fn arg<'a>(args: &'a [Value], i: usize, name: &str) -> gotmpl::Result<&'a Value> {
    args.get(i).ok_or_else(|| {
        err(format!(
            "wrong number of args for {name}: want at least {}, got {}",
            i + 1,
            args.len()
        ))
    })
}

pub fn to_int(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Uint(u) => *u as i64,
        Value::Float(f) => go_float_to_int(*f),
        Value::Bool(b) => i64::from(*b),
        // cast's trimZeroDecimal: "3.0" reads as 3, "3.5" as nothing.
        Value::String(s) => parse_go_int(match s.split_once('.') {
            Some((int, frac)) if !frac.is_empty() && frac.bytes().all(|b| b == b'0') => int,
            _ => s,
        })
        .unwrap_or(0),
        _ => 0,
    }
}

/// Go's `int64(f)` on amd64: truncation, and the "integer indefinite" value (`i64::MIN`) for
/// NaN and numbers out of range, where Rust's `as` would saturate.
pub fn go_float_to_int(f: f64) -> i64 {
    // 2^63: the first float above every i64.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if !(-LIMIT..LIMIT).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)`, as Sprig's number conversions (spf13/cast) read a
/// string: `0x`/`0o`/`0b` prefixes, a leading `0` for octal, `_` between digits; anything
/// else (`"2.5"`, `" 3"`) is not an integer.
pub fn parse_go_int(text: &str) -> Option<i64> {
    let (neg, body) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = crate::input::yaml::scalars::go_base0_radix(&lower);
    let digits = if radix != 10 || digits.contains('_') {
        if digits.starts_with('_') || digits.ends_with('_') || digits.contains("__") {
            return None;
        }
        digits.replace('_', "")
    } else {
        digits.to_string()
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = i128::from_str_radix(&digits, radix).ok()?;
    i64::try_from(if neg { -v } else { v }).ok()
}

pub fn to_float(v: &Value) -> f64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i as f64,
        Value::Uint(u) => *u as f64,
        Value::Float(f) => *f,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::String(s) => parse_go_float(s).unwrap_or(0.0),
        _ => 0.0,
    }
}

/// Go's `strconv.ParseFloat(s, 64)`, as spf13/cast reads a string (`float64`, `ceil`, …): no
/// surrounding spaces (`" 5"` is not a number), `_` only between digits (`1_000`), `inf`,
/// `infinity` and `nan` in any case.
pub fn parse_go_float(text: &str) -> Option<f64> {
    // Out of range (`1e400`) is an error in Go, not an infinity.
    parse_go_float_text(text).filter(|f| {
        f.is_finite() || {
            let t = text.trim_start_matches(['+', '-']).to_ascii_lowercase();
            t == "inf" || t == "infinity"
        }
    })
}

fn parse_go_float_text(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    if text.contains('_') {
        let ok = b.iter().enumerate().all(|(i, &c)| {
            c != b'_'
                || (i > 0
                    && i + 1 < b.len()
                    && b[i - 1].is_ascii_digit()
                    && b[i + 1].is_ascii_digit())
        });
        return if ok {
            text.replace('_', "").parse().ok()
        } else {
            None
        };
    }
    text.parse().ok()
}

/// Sprig's `empty`: Go's zero values.
pub fn is_empty(v: &Value) -> bool {
    !v.is_truthy()
}

pub fn json_to_value(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        // Helm reads values through JSON: every number is a float64.
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => s.as_str().into(),
        serde_json::Value::Array(a) => {
            Value::List(a.iter().map(json_to_value).collect::<Vec<_>>().into())
        }
        serde_json::Value::Object(o) => {
            let m: BTreeMap<Arc<str>, Value> = o
                .iter()
                .map(|(k, v)| (Arc::from(k.as_str()), json_to_value(v)))
                .collect();
            Value::Map(MapRef::new(m))
        }
    }
}

/// A chart's settled values as its templates see them: as [`json_to_value`] (Helm reads
/// values files through JSON, every number a float64), except an integer a `--set` argument
/// gave (at its path or inside a list it gave), which Helm's strvals types as an `int64`.
pub fn values_to_value(v: &serde_json::Value, origins: &super::values::Origins) -> Value {
    fn walk(
        v: &serde_json::Value,
        path: &mut Vec<String>,
        origins: &super::values::Origins,
        from_set: bool,
    ) -> Value {
        let from_set = match origins.get(path) {
            Some(o) => o.role == crate::source::map::OriginRole::Set,
            None => from_set,
        };
        match v {
            serde_json::Value::Number(n) if from_set && n.is_i64() => {
                Value::Int64(n.as_i64().unwrap_or(0))
            }
            serde_json::Value::Array(a) => Value::List(
                a.iter()
                    .enumerate()
                    .map(|(i, x)| {
                        path.push(i.to_string());
                        let out = walk(x, path, origins, from_set);
                        path.pop();
                        out
                    })
                    .collect::<Vec<_>>()
                    .into(),
            ),
            serde_json::Value::Object(o) => {
                let m: BTreeMap<Arc<str>, Value> = o
                    .iter()
                    .map(|(k, x)| {
                        path.push(k.clone());
                        let out = walk(x, path, origins, from_set);
                        path.pop();
                        (Arc::from(k.as_str()), out)
                    })
                    .collect();
                Value::Map(MapRef::new(m))
            }
            other => json_to_value(other),
        }
    }
    walk(v, &mut Vec::new(), origins, false)
}

pub fn value_to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Nil => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) | Value::Int64(i) => serde_json::Value::from(*i),
        Value::Uint(u) => serde_json::Value::from(*u),
        Value::Float(f) => {
            // Go prints -0 for a negative zero: kept a float.
            if f.fract() == 0.0 && f.abs() < 9e15 && !(*f == 0.0 && f.is_sign_negative()) {
                serde_json::Value::from(*f as i64)
            } else {
                serde_json::Number::from_f64(*f)
                    .map(serde_json::Value::Number)
                    .unwrap_or(serde_json::Value::Null)
            }
        }
        Value::String(s) => serde_json::Value::String(s.to_string()),
        // Go's nil slice (Sprig's `rest` of an empty list) and nil map (`.Chart.Annotations`
        // of a chart without any) marshal as null.
        l @ (Value::List(_) | Value::Map(_)) if l.is_nil_slice() => serde_json::Value::Null,
        Value::List(l) => serde_json::Value::Array(l.iter().map(value_to_json).collect()),
        // Callers bound the depth first: no map here holds itself.
        // A function entry is a method (a `String`, KubeVersion's `GitVersion`): Go's JSON
        // writes fields only.
        // A time.Time marshals as its RFC 3339 text.
        v @ Value::Map(_) if dates::as_time(v).is_some() => serde_json::Value::String(
            dates::as_time(v)
                .map(|t| dates::rfc3339_nano(&t))
                .unwrap_or_default(),
        ),
        Value::Map(m) if matches!(m.get(GO_JSON), Some(Value::Function(_))) => {
            match m.get(GO_JSON) {
                Some(Value::Function(f)) => f(&[]).map(|j| value_to_json(&j)).unwrap_or_default(),
                _ => serde_json::Value::Null,
            }
        }
        // `.Files`: each file's bytes, which Go's JSON writes in base64.
        v @ Value::Map(m) if v.go_type().is_some_and(|t| t.name == ENGINE_FILES.name) => {
            serde_json::Value::Object(
                m.read()
                    .iter()
                    .filter(|(_, v)| !matches!(v, Value::Function(_)))
                    .map(|(k, v)| {
                        let text = to_str(v);
                        (
                            k.to_string(),
                            serde_json::Value::String(
                                data_encoding::BASE64.encode(text.as_bytes()),
                            ),
                        )
                    })
                    .collect(),
            )
        }
        // A struct's fields in declaration order (Helm's KubeVersion: Version, Major, Minor).
        Value::Map(m) if matches!(m.get(gotmpl::STRUCT_FIELDS), Some(Value::Function(_))) => {
            let Some(Value::Function(fields)) = m.get(gotmpl::STRUCT_FIELDS) else {
                return serde_json::Value::Null;
            };
            let names = match fields(&[]) {
                Ok(Value::List(names)) => names,
                _ => Default::default(),
            };
            serde_json::Value::Object(
                names
                    .iter()
                    .map(|n| {
                        let n = to_str(n);
                        let v = m.get(&n).unwrap_or(Value::Nil);
                        (n, value_to_json(&v))
                    })
                    .collect(),
            )
        }
        Value::Map(m) => serde_json::Value::Object(
            m.read()
                .iter()
                .filter(|(_, v)| !matches!(v, Value::Function(_)))
                .map(|(k, v)| (k.to_string(), value_to_json(v)))
                .collect(),
        ),
        _ => serde_json::Value::Null,
    }
}

/// Lists and maps nested deeper than this cannot be printed or copied (a map can hold itself).
const MAX_DEPTH: usize = 1000;

/// The argument (nil when absent), if its lists and maps nest at most [`MAX_DEPTH`] deep.
fn bounded<'a>(v: Option<&'a Value>, func: &str) -> gotmpl::Result<&'a Value> {
    let v = v.unwrap_or(&Value::Nil);
    if v.nests_deeper_than(MAX_DEPTH) {
        return Err(err(format!(
            "{func}: the value nests more than {MAX_DEPTH} deep (a map that holds itself?)"
        )));
    }
    Ok(v)
}

/// The entries of a map value as they are now (empty for anything else).
fn map_of(v: &Value) -> BTreeMap<Arc<str>, Value> {
    match v {
        Value::Map(m) => m.snapshot(),
        _ => BTreeMap::new(),
    }
}

/// The value of `key` in a map value.
fn entry(v: &Value, key: &str) -> Option<Value> {
    match v {
        Value::Map(m) => m.get(key),
        _ => None,
    }
}

/// Sprig's `strslice` (`join`, `sortAlpha`, `toStrings`): each element as a string, nil
/// elements left out (`join "," (list 1 nil 2)` is `1,2`); a single value is a list of one.
pub fn strslice(v: &Value) -> Vec<String> {
    list_of(v)
        .iter()
        .filter(|x| !matches!(x, Value::Nil))
        .map(to_str)
        .collect()
}

pub fn list_of(v: &Value) -> Vec<Value> {
    match v {
        Value::List(l) => l.to_vec(),
        Value::Nil => Vec::new(),
        other => vec![other.clone()],
    }
}

fn indent(n: usize, text: &str) -> String {
    let p = " ".repeat(n);
    format!("{p}{}", text.replace('\n', &format!("\n{p}")))
}

/// Sprig's deep merge (mergo) into `dst` in place, as Go changes the map every holder sees:
/// `merge` keeps dst's non-empty values, `mergeOverwrite` takes src's. Nested maps are merged
/// in place too; a key dst lacks takes src's value itself (shared, as in Go).
fn merge_into(dst: &MapRef, src: &Value, overwrite: bool, depth: usize) -> gotmpl::Result<()> {
    if depth > MAX_DEPTH {
        return Err(err(format!(
            "merge: maps nested more than {MAX_DEPTH} deep"
        )));
    }
    let Value::Map(src) = src else { return Ok(()) };
    if MapRef::ptr_eq(dst, src) {
        return Ok(());
    }
    for (k, v) in src.snapshot() {
        // mergo, as Helm's Sprig calls it: `merge` never takes a nil, `mergeOverwrite`
        // takes it too (a null in the source replaces the value).
        if !overwrite && matches!(v, Value::Nil) {
            continue;
        }
        match (dst.get(&k), &v) {
            (Some(Value::Map(d)), Value::Map(_)) => merge_into(&d, &v, overwrite, depth + 1)?,
            (Some(existing), _) => {
                // mergo dereferences the interface: false, 0, "" and empty collections are
                // empty and take src's value (`merge (dict "a" false) (dict "a" 1)` is a:1).
                let take = overwrite || is_empty(&existing);
                if take {
                    // The source's key with its value (a BTreeMap keeps the old key on
                    // insert): the value's provenance goes by its map entry's key.
                    let mut entries = dst.write();
                    entries.remove(&k);
                    entries.insert(k, v);
                }
            }
            (None, _) => {
                dst.write().insert(k, v);
            }
        }
    }
    Ok(())
}

/// The compiled expression `pat`. Templates call `regexMatch` & co. with the same few
/// patterns over and over (per item of a `range`, per `include`), and compiling one costs
/// more than rendering a small template: each thread keeps the ones it compiled (a bounded
/// number; a compiled expression depends on its pattern only).
pub fn regex(pat: &str) -> gotmpl::Result<std::rc::Rc<regex::Regex>> {
    const KEPT: usize = 256;
    thread_local! {
        static COMPILED: std::cell::RefCell<std::collections::HashMap<String, std::rc::Rc<regex::Regex>>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    if let Some(re) = COMPILED.with(|c| c.borrow().get(pat).cloned()) {
        return Ok(re);
    }
    let re = std::rc::Rc::new(
        regex::Regex::new(pat)
            .map_err(|e| err(format!("invalid regular expression {pat:?}: {e}")))?,
    );
    COMPILED.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= KEPT {
            c.clear();
        }
        c.insert(pat.to_string(), re.clone());
    });
    Ok(re)
}

/// Every Sprig and Helm function that needs no access to the chart (those are added by the
/// renderer: `include`, `tpl`, `required`, `lookup`, `fail`).
pub fn library() -> FuncMap {
    let mut m = FuncMap::new();
    values_methods::install();
    encoding::register(&mut m);
    strings::register(&mut m);
    words::register(&mut m);
    paths::register(&mut m);
    dates::register(&mut m);
    math::register(&mut m);
    collections::register(&mut m);
    f!(m, "default", |a: &[Value]| -> R {
        let d = arg(a, 0, "default")?;
        Ok(match a.get(1) {
            Some(v) if !is_empty(v) => v.clone(),
            _ => d.clone(),
        })
    });
    f!(m, "empty", |a: &[Value]| -> R {
        Ok(Value::Bool(is_empty(a.first().unwrap_or(&Value::Nil))))
    });
    f!(m, "coalesce", |a: &[Value]| -> R {
        Ok(a.iter()
            .find(|v| !is_empty(v))
            .cloned()
            .unwrap_or(Value::Nil))
    });
    f!(m, "ternary", |a: &[Value]| -> R {
        Ok(if arg(a, 2, "ternary")?.is_truthy() {
            a[0].clone()
        } else {
            a[1].clone()
        })
    });
    super::crypto::register(&mut m);
    // Sprig's `mustX` forms return an error where `X` would not; ours already do.
    let names: Vec<String> = m.keys().cloned().collect();
    for n in names {
        let mut c = n.chars();
        let Some(first) = c.next() else { continue };
        let must = format!("must{}{}", first.to_uppercase(), c.as_str());
        if !m.contains_key(&must) {
            let f = m[&n].clone();
            m.insert(must, f);
        }
    }
    arity::check_arity(&mut m);
    m
}

#[cfg(test)]
mod tests {
    use super::encoding::{b64enc, go_b64_std_decode};
    use super::math::semver_compare;
    use super::*;

    #[test]
    fn semver_constraints_as_masterminds() {
        assert!(semver_compare(">=1.21.0-0", "v1.36.0").unwrap());
        assert!(!semver_compare("<1.19", "v1.36.0").unwrap());
        assert!(semver_compare(">=1.19-0, <1.40", "1.36.0").unwrap());
        assert!(semver_compare("~1.36", "1.36.9").unwrap());
        assert!(!semver_compare("~1.36", "1.37.0").unwrap());
        assert!(semver_compare("^1.2", "1.9.0").unwrap());
        assert!(semver_compare("<1.2 || >=1.30", "1.36.0").unwrap());
        assert!(semver_compare(">= 1.25.0-0", "1.36.0").unwrap());
        assert!(semver_compare("not a constraint", "1.0.0").is_err());
    }

    #[test]
    fn base64_round_trip() {
        for s in ["", "a", "ab", "abc", "hello world!"] {
            assert_eq!(
                String::from_utf8(go_b64_std_decode(b64enc(s.as_bytes()).as_bytes()).unwrap())
                    .unwrap(),
                s
            );
        }
        assert_eq!(b64enc(b"ab"), "YWI=");
    }

    #[test]
    fn functions_behave_as_sprig() {
        let lib = library();
        let call = |n: &str, a: &[Value]| lib[n](a).unwrap();
        assert_eq!(
            call("nindent", &[Value::Int(2), Value::from("a\nb")]),
            Value::from("\n  a\n  b")
        );
        assert_eq!(
            call("trunc", &[Value::Int(3), Value::from("abcdef")]),
            Value::from("abc")
        );
        assert_eq!(
            call("default", &[Value::from("d"), Value::from("")]),
            Value::from("d")
        );
        assert_eq!(call("toString", &[Value::Nil]), Value::from("<nil>"));
        assert_eq!(
            call("quote", &[Value::from("a\"b")]),
            Value::from("\"a\\\"b\"")
        );
        assert_eq!(
            call("sha256sum", &[Value::from("")]),
            Value::from("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
        assert_eq!(
            call(
                "mustRegexReplaceAllLiteral",
                &[Value::from("a+"), Value::from("caab"), Value::from("$1")]
            ),
            Value::from("c$1b")
        );
        assert_eq!(
            call("sha1sum", &[Value::from("abc")]),
            Value::from("a9993e364706816aba3e25717850c26c9cd0d89d")
        );
        assert!(lib["genCA"](&[]).is_err());
    }

    /// Shared maps can hold themselves, as in Go: printing or copying one is a problem, not
    /// a stack overflow.
    #[test]
    fn a_map_that_holds_itself_is_an_error_not_a_crash() {
        let lib = library();
        let m = lib["dict"](&[]).unwrap();
        lib["set"](&[m.clone(), Value::from("self"), m.clone()]).unwrap();
        for name in ["toYaml", "toJson", "toToml", "deepCopy"] {
            assert!(lib[name](std::slice::from_ref(&m)).is_err(), "{name}");
        }
        assert!(lib["merge"](&[lib["dict"](&[]).unwrap(), m.clone()]).is_ok());
        assert!(m.to_string().contains("nested more than"));
    }

    #[test]
    fn toml_both_ways() {
        let lib = library();
        let call = |name: &str, args: &[Value]| lib[name](args).unwrap();
        let table = call("fromToml", &[Value::from("a = 1\n[srv]\nhost = \"x\"\n")]);
        assert_eq!(
            table.field("srv").and_then(|s| s.field("host")),
            Some(Value::from("x"))
        );
        let text = to_str(&call("toToml", &[table]));
        // BurntSushi's layout, as Helm prints it: a blank line, the table, its keys indented.
        assert_eq!(text, "a = 1\n\n[srv]\n  host = \"x\"\n");
        let bad = call("fromToml", &[Value::from("a = ")]);
        assert!(bad.field("Error").is_some());
    }
}
