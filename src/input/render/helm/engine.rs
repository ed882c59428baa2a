//! What templates see besides Sprig: Helm's `include`, `tpl`, `required`, `fail`, `lookup`,
//! and the top-level objects (`.Values`, `.Chart`, `.Release`, `.Capabilities`, `.Files`,
//! `.Subcharts`), with the include-depth and time limits.

use super::*;
/// What each `include` of the template being rendered returned, with the pieces of it the
/// trace recorded (positions relative to that text): where each line of it was written; and
/// where it was called from (template name, offset of the calling node): the call's argument
/// tells which values a partial's dot holds (`include "x" (dict "k" .Values.a)`).
pub(super) type Included = Vec<IncludedText>;
/// What an `include` returned: its text, the pieces its execution wrote, the call site, and
/// the `{{template}}` calls that execution ran (their ranges index its pieces; patch 66).
pub(super) type IncludedText = (
    String,
    Vec<gotmpl::trace::Piece>,
    Option<(String, usize)>,
    Vec<gotmpl::trace::Call>,
);

thread_local! {
    pub(super) static INCLUDED: std::cell::RefCell<Included> = const { std::cell::RefCell::new(Vec::new()) };
    static INCLUDE_DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    pub(super) static DEADLINE: std::cell::Cell<Option<Instant>> = const { std::cell::Cell::new(None) };
    /// The template sets of the `tpl` calls running, innermost last: Helm's tpl re-binds
    /// `include` and `tpl` to its clone of the set, so a template the tpl text `define`s can
    /// be included, by the text or by a partial it calls.
    static TPL_SETS: std::cell::RefCell<Vec<Arc<Template>>> = const { std::cell::RefCell::new(Vec::new()) };
    /// The innermost `tpl` call that failed (its text did not parse, or its execution
    /// failed), for the template being executed: an error in it is located in the chart file
    /// holding that text (`tpl (.Files.Get "config/password.conf") .`) or at the values line
    /// of the values string it is (`tpl .Values.extraEnv .`), not at the action that called
    /// `tpl`.
    pub(super) static TPL_FAILED: std::cell::RefCell<Option<TplFailed>> = const { std::cell::RefCell::new(None) };
}

/// A `tpl` call that failed ([`TPL_FAILED`]).
pub(super) struct TplFailed {
    /// The text given to `tpl`.
    pub(super) text: String,
    /// The allocation of that text when it was a string (a values string's is remembered
    /// with its values line).
    pub(super) string: Option<usize>,
    /// Where the text did not parse (1-based line, 1-based column in the text); `None` when
    /// it parsed and its execution failed.
    pub(super) parse: Option<(usize, usize)>,
}

/// Pops the innermost [`TPL_SETS`] entry when a `tpl` call ends, failed or not.
struct TplSetGuard;
impl Drop for TplSetGuard {
    fn drop(&mut self) {
        TPL_SETS.with(|s| s.borrow_mut().pop());
    }
}

pub(super) fn check_deadline() -> gotmpl::Result<()> {
    if DEADLINE
        .with(|d| d.get())
        .is_some_and(|d| Instant::now() > d)
    {
        return Err(funcs::err(format!(
            "rendering took longer than {} s; stopped",
            TIME_LIMIT.as_secs()
        )));
    }
    Ok(())
}

pub(super) struct DepthGuard;
impl DepthGuard {
    pub(super) fn enter() -> gotmpl::Result<DepthGuard> {
        let d = INCLUDE_DEPTH.with(|c| {
            c.set(c.get() + 1);
            c.get()
        });
        if d > MAX_INCLUDE_DEPTH {
            INCLUDE_DEPTH.with(|c| c.set(c.get() - 1));
            return Err(funcs::err(format!(
                "include/tpl nested more than {MAX_INCLUDE_DEPTH} deep (a template that includes itself?)"
            )));
        }
        check_deadline()?;
        Ok(DepthGuard)
    }
}
impl Drop for DepthGuard {
    fn drop(&mut self) {
        INCLUDE_DEPTH.with(|c| c.set(c.get().saturating_sub(1)));
    }
}

/// Helm's functions that need the template set.
pub(super) fn helm_funcs(set: Arc<OnceLock<Template>>) -> gotmpl::FuncMap {
    let mut m = funcs::library();
    let s1 = set.clone();
    m.insert(
        "include".into(),
        Arc::new(move |a: &[Value]| {
            let name = funcs::to_str(
                a.first()
                    .ok_or_else(|| funcs::err("include needs a template name"))?,
            );
            // Helm's include refuses a name nested more than 1000 deep with this text.
            let _g = DepthGuard::enter().map_err(|e| {
                if e.to_string().contains("include/tpl nested more than") {
                    funcs::err(format!(
                        "rendering template has a nested reference name: {name}: unable to execute template"
                    ))
                } else {
                    e
                }
            })?;
            let in_tpl = TPL_SETS.with(|s| s.borrow().last().cloned());
            let t: &Template = match &in_tpl {
                Some(t) => t,
                None => s1
                    .get()
                    .ok_or_else(|| funcs::err("template set not ready"))?,
            };
            let site = gotmpl::trace::current();
            gotmpl::trace::capture_begin();
            // What include returns keeps Go's `<no value>` for a nil (Helm removes it only
            // from a rendered template and from tpl's result).
            let keep = gotmpl::no_value::keep(true);
            let out = t.execute_template_to_string(&name, a.get(1).unwrap_or(&Value::Nil));
            drop(keep);
            let (pieces, calls) = gotmpl::trace::capture_end_with_calls();
            // Helm's text for a name the set does not define (Go's ExecuteTemplate).
            let out = out.map_err(|e| {
                if e.to_string() == format!("undefined template: {name}") {
                    funcs::err(format!(
                        "template: no template {name:?} associated with template \"gotpl\""
                    ))
                } else {
                    e
                }
            })?;
            if !pieces.is_empty() {
                // Origins are found by the lines printed, which have no `<no value>`.
                let (text, pieces, calls) = without_no_value(&out, pieces, calls);
                INCLUDED.with(|i| i.borrow_mut().push((text, pieces, site, calls)));
            }
            if out.len() > MAX_OUTPUT {
                return Err(funcs::err(format!(
                    "include {name:?} produced more than {} MB",
                    MAX_OUTPUT >> 20
                )));
            }
            Ok(Value::String(out.into()))
        }),
    );
    let s2 = set.clone();
    m.insert(
        "tpl".into(),
        Arc::new(move |a: &[Value]| {
            let first = a
                .first()
                .ok_or_else(|| funcs::err("tpl needs a template"))?;
            let text = funcs::to_str(first);
            let string = match first {
                Value::String(s) => Some(s.as_ptr() as usize),
                _ => None,
            };
            let failed = |parse: Option<(usize, usize)>| {
                // The innermost failing tpl's text (an outer one fails after it).
                TPL_FAILED.with(|f| {
                    f.borrow_mut().get_or_insert_with(|| TplFailed {
                        text: text.to_string(),
                        string,
                        parse,
                    });
                })
            };
            // Text without an action renders to itself: no need to parse it.
            if !text.contains("{{") {
                return Ok(Value::String(text.into()));
            }
            let data = a.get(1).cloned().unwrap_or(Value::Nil);
            let _g = DepthGuard::enter()?;
            // A clone of the set `tpl` works in: the innermost running tpl's, else the chart's.
            let mut t: Template = match TPL_SETS.with(|s| s.borrow().last().cloned()) {
                Some(inner) => (*inner).clone(),
                None => s2
                    .get()
                    .ok_or_else(|| funcs::err("template set not ready"))?
                    .clone(),
            };
            // Named apart from the chart's files: positions in it are in the text given to tpl.
            // Helm parses the text as a template named after the chart's set (`gotpl`) and
            // wraps Go's parse error (`template: gotpl:LINE: …`, no column) with the text.
            t.parse_named("tpl", &text).map_err(|e| match e {
                gotmpl::TemplateError::Parse {
                    line, col, message, ..
                }
                | gotmpl::TemplateError::Lex {
                    line, col, message, ..
                } => {
                    failed(Some((line, col)));
                    let mut quoted = String::new();
                    gotmpl::go_quote_into_with(&mut quoted, &text, false);
                    funcs::err(format!(
                        "cannot parse template {quoted}: template: gotpl:{line}: {message}"
                    ))
                }
                other => other,
            })?;
            let t = Arc::new(t);
            TPL_SETS.with(|s| s.borrow_mut().push(t.clone()));
            let _set = TplSetGuard;
            // Helm removes `<no value>` from tpl's result, an include's in it too.
            let _plain = gotmpl::no_value::keep(false);
            let out = t
                .execute_template_to_string("tpl", &data)
                .inspect_err(|_| failed(None))?;
            Ok(Value::String(out.into()))
        }),
    );
    m.insert(
        "required".into(),
        Arc::new(|a: &[Value]| {
            let msg = funcs::to_str(a.first().unwrap_or(&Value::Nil));
            let v = a.get(1).cloned().unwrap_or(Value::Nil);
            match &v {
                Value::Nil => Err(funcs::err(msg)),
                Value::String(s) if s.is_empty() => Err(funcs::err(msg)),
                _ => Ok(v),
            }
        }),
    );
    m.insert(
        "fail".into(),
        Arc::new(|a: &[Value]| Err(funcs::err(funcs::to_str(a.first().unwrap_or(&Value::Nil))))),
    );
    m.insert(
        "lookup".into(),
        Arc::new(|_a: &[Value]| Ok(Value::Map(gotmpl::MapRef::new(BTreeMap::new())))),
    );
    funcs::check_types(&mut m);
    super::generated::follow_all(&mut m);
    m
}

/// `text` without Go's `<no value>`, and its pieces moved to the bytes that stay (a piece
/// that printed only `<no value>` is dropped, and the `template` calls' piece ranges with it).
fn without_no_value(
    text: &str,
    pieces: Vec<gotmpl::trace::Piece>,
    calls: Vec<gotmpl::trace::Call>,
) -> (String, Vec<gotmpl::trace::Piece>, Vec<gotmpl::trace::Call>) {
    const TEXT: &str = gotmpl::no_value::TEXT;
    if !text.contains(TEXT) {
        return (text.to_string(), pieces, calls);
    }
    let removed: Vec<usize> = text.match_indices(TEXT).map(|(at, _)| at).collect();
    // A position in `text` → its position once every removed run before it is gone.
    let moved = |p: usize| {
        let mut shift = 0;
        for &at in &removed {
            if at >= p {
                break;
            }
            shift += (p - at).min(TEXT.len());
        }
        p - shift
    };
    // Per piece index, how many pieces kept before it (the last entry: all kept).
    let mut kept_before = Vec::with_capacity(pieces.len() + 1);
    let mut kept = 0;
    let pieces = pieces
        .into_iter()
        .filter_map(|mut piece| {
            kept_before.push(kept);
            piece.start = moved(piece.start);
            piece.end = moved(piece.end);
            let keep = piece.end > piece.start;
            kept += usize::from(keep);
            keep.then_some(piece)
        })
        .collect();
    kept_before.push(kept);
    let at = |i: usize| kept_before.get(i).copied().unwrap_or(kept);
    let calls = calls
        .into_iter()
        .filter_map(|mut c| {
            (c.first, c.end) = (at(c.first), at(c.end));
            (c.end > c.first).then_some(c)
        })
        .collect();
    (text.replace(TEXT, ""), pieces, calls)
}

pub(super) fn vmap(entries: Vec<(&str, Value)>) -> Value {
    Value::Map(gotmpl::MapRef::new(
        entries
            .into_iter()
            .map(|(k, v)| (Arc::from(k), v))
            .collect(),
    ))
}

pub(super) fn str_v(s: &str) -> Value {
    Value::String(Arc::from(s))
}

/// A file's bytes as a string value, invalid UTF-8 replaced (as Go's string conversion
/// prints it); valid text, nearly always, is checked by `from_utf8`'s fast path.
pub(super) fn text_v(b: &[u8]) -> Value {
    match std::str::from_utf8(b) {
        Ok(s) => str_v(s),
        Err(_) => str_v(&String::from_utf8_lossy(b)),
    }
}

/// Helm's top-level object (`$`) of each chart of `flat`: one map shared by all the chart's
/// templates (a change one makes is seen by those rendered after it, as in Helm), holding
/// `.Values`, `.Chart`, `.Release`, `.Capabilities`, `.Files` and `.Subcharts` (each
/// enabled subchart's own object, by name).
pub(super) fn top_objects(
    flat: &[&Prepared],
    release: &Value,
    caps: &Value,
) -> Vec<gotmpl::MapRef> {
    super::toyaml::forget_values();
    let tops: Vec<gotmpl::MapRef> = flat
        .iter()
        .map(|p| {
            let values = funcs::values_to_value(&p.values, &p.origins).typed(funcs::HELM_VALUES);
            super::toyaml::remember_values(&values, &p.origins);
            let v1 = p.chart.meta.get("apiVersion").and_then(|v| v.as_str()) == Some("v1");
            let files: Vec<(String, Arc<Vec<u8>>)> = p
                .chart
                .files
                .iter()
                .filter(|f| in_files(&f.rel, v1))
                .map(|f| (f.rel.clone(), f.bytes.clone()))
                .collect();
            gotmpl::MapRef::new(BTreeMap::from([
                (Arc::from("Values"), values),
                (
                    Arc::from("Chart"),
                    chart_object(
                        &aliased(p),
                        std::ptr::eq(*p, flat[0]),
                        &p.subs.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
                    ),
                ),
                (Arc::from("Release"), release.clone()),
                (Arc::from("Capabilities"), caps.clone()),
                (Arc::from("Files"), files_object(Arc::new(files))),
            ]))
        })
        .collect();
    // Subcharts before their parents (`flat` lists a parent first), so that the copy a
    // parent holds of a subchart's object has the subchart's own `.Subcharts`.
    for (i, p) in flat.iter().enumerate().rev() {
        let subs: BTreeMap<Arc<str>, Value> = p
            .subs
            .iter()
            .filter_map(|sub| {
                let j = flat.iter().position(|f| std::ptr::eq(*f, sub))?;
                // Helm's `.Subcharts.<name>` is the subchart's object as a plain
                // `map[string]interface {}` (its templates see the same map as a
                // `common.Values`): a copy of its entries, untyped, which share the values,
                // files and the rest (`dig "sub" "Chart" "Name" "" .Subcharts` works; a
                // key set on one top-level map is not seen in the other).
                let entries = tops[j].read().clone();
                Some((
                    Arc::from(sub.name.as_str()),
                    Value::Map(gotmpl::MapRef::new(entries)),
                ))
            })
            .collect();
        tops[i]
            .write()
            .insert(Arc::from("Subcharts"), Value::from(subs));
        // Helm's top-level object is a `common.Values` (`typeOf .`), as `.Values` is; the
        // type is kept by the map's allocation, so every holder of it sees it.
        let _ = Value::Map(tops[i].clone()).typed(funcs::HELM_VALUES);
    }
    tops
}

/// Sets `.Template` in chart `chart`'s object before one of its templates renders, and in
/// the copy its parent's `.Subcharts` holds of it (one map in Helm: the parent sees the
/// subchart's last `.Template`).
pub(super) fn set_template(
    tops: &[gotmpl::MapRef],
    flat: &[&Prepared],
    chart: usize,
    template: Value,
) {
    tops[chart]
        .write()
        .insert(Arc::from("Template"), template.clone());
    let me = flat[chart];
    let Some(parent) = flat
        .iter()
        .position(|p| p.subs.iter().any(|s| std::ptr::eq(s, me)))
    else {
        return;
    };
    let copy = match tops[parent].read().get("Subcharts") {
        Some(Value::Map(subs)) => subs.read().get(me.name.as_str()).cloned(),
        _ => None,
    };
    if let Some(Value::Map(copy)) = copy {
        copy.write().insert(Arc::from("Template"), template);
    }
}

/// Chart.yaml as the chart's templates see it: a subchart a dependency aliases is named by
/// its alias (Helm renames the copy it makes for each alias).
fn aliased(p: &Prepared) -> serde_json::Value {
    let mut meta = p.chart.meta.clone();
    if meta.get("name").and_then(|n| n.as_str()) != Some(p.name.as_str())
        && let Some(o) = meta.as_object_mut()
    {
        o.insert("name".into(), serde_json::Value::String(p.name.clone()));
    }
    meta
}

/// `.Chart`: Chart.yaml as Helm v4 hands it to templates, its `Metadata` struct made a map
/// (`structToMap`): every field of the struct, by its Go name, those Chart.yaml leaves out
/// at their zero value (`""`, `false`, an empty list, a nil `map[string]string` of
/// annotations), keys the struct has no field for left out; maintainers and dependencies
/// likewise. `IsRoot` is false in a subchart. `dependencies` lists the entries whose subchart
/// renders (`enabled`, by alias or name; Helm drops the disabled ones and names an aliased one
/// by its alias), each `Enabled`.
pub(super) fn chart_object(meta: &serde_json::Value, is_root: bool, enabled: &[&str]) -> Value {
    const STRINGS: &[&str] = &[
        "name",
        "home",
        "version",
        "description",
        "icon",
        "apiVersion",
        "condition",
        "tags",
        "appVersion",
        "kubeVersion",
        "type",
    ];
    let get = |k: &str| meta.get(k).filter(|v| !v.is_null());
    let mut m = BTreeMap::new();
    for k in STRINGS {
        let v = get(k).map_or_else(|| str_v(""), funcs::json_to_value);
        m.insert(Arc::from(go_field_name(k).as_str()), v);
    }
    let list = |k: &str| -> Vec<&serde_json::Value> {
        get(k)
            .and_then(|v| v.as_array())
            .map(|a| a.iter().collect())
            .unwrap_or_default()
    };
    let values = |items: Vec<Value>| Value::List(items.into());
    for k in ["sources", "keywords"] {
        let items = list(k).into_iter().map(funcs::json_to_value).collect();
        m.insert(Arc::from(go_field_name(k).as_str()), values(items));
    }
    let maintainers = list("maintainers")
        .into_iter()
        .map(|item| struct_fields(item, &["name", "email", "url"], &[]))
        .collect();
    m.insert(Arc::from("Maintainers"), values(maintainers));
    let dependencies = list("dependencies")
        .into_iter()
        .filter_map(|d| {
            let name = d.get("name").and_then(|n| n.as_str())?;
            let key = d.get("alias").and_then(|a| a.as_str()).unwrap_or(name);
            if !enabled.contains(&key) {
                return None;
            }
            let Value::Map(fields) = struct_fields(
                d,
                &["version", "repository", "condition", "alias"],
                &["tags", "import-values"],
            ) else {
                return None;
            };
            {
                let mut w = fields.write();
                w.insert(Arc::from("Name"), str_v(key));
                w.insert(Arc::from("Enabled"), Value::Bool(true));
            }
            Some(Value::Map(fields))
        })
        .collect();
    m.insert(Arc::from("Dependencies"), values(dependencies));
    m.insert(
        Arc::from("Deprecated"),
        Value::Bool(get("deprecated").and_then(|d| d.as_bool()) == Some(true)),
    );
    let annotations = match get("annotations").and_then(|a| a.as_object()) {
        Some(a) => Value::Map(gotmpl::MapRef::new(
            a.iter()
                .map(|(k, v)| (Arc::from(k.as_str()), funcs::json_to_value(v)))
                .collect(),
        ))
        .typed(STRING_MAP),
        None => Value::Map(gotmpl::MapRef::new(BTreeMap::new())).typed(STRING_MAP.nil()),
    };
    m.insert(Arc::from("Annotations"), annotations);
    m.insert(Arc::from("IsRoot"), Value::Bool(is_root));
    Value::Map(gotmpl::MapRef::new(m))
}

/// Go's `map[string]string` (Chart.yaml's annotations).
const STRING_MAP: gotmpl::GoType = gotmpl::GoType::of("map[string]string");

/// A maintainer or dependency of Chart.yaml as Helm's struct made a map: the `strings` and
/// `lists` fields by their Go names, at their zero value when the entry lacks them.
fn struct_fields(item: &serde_json::Value, strings: &[&str], lists: &[&str]) -> Value {
    let get = |k: &str| item.get(k).filter(|v| !v.is_null());
    let mut m: BTreeMap<Arc<str>, Value> = BTreeMap::new();
    for k in strings {
        let v = get(k).map_or_else(|| str_v(""), funcs::json_to_value);
        m.insert(Arc::from(go_field_name(k).as_str()), v);
    }
    for k in lists {
        let v = match get(k) {
            Some(v @ serde_json::Value::Array(_)) => funcs::json_to_value(v),
            _ => Value::List(Vec::new().into()),
        };
        m.insert(Arc::from(go_field_name(k).as_str()), v);
    }
    if let Some(name) = get("name") {
        m.insert(Arc::from("Name"), funcs::json_to_value(name));
    }
    m.entry(Arc::from("Name")).or_insert_with(|| str_v(""));
    Value::Map(gotmpl::MapRef::new(m))
}

/// The Go field name of a Chart.yaml key (`appVersion` is `AppVersion`, `url` is `URL`,
/// `import-values` is `ImportValues`).
fn go_field_name(key: &str) -> String {
    match key {
        "apiVersion" => "APIVersion".into(),
        "kubeVersion" => "KubeVersion".into(),
        "appVersion" => "AppVersion".into(),
        "url" => "URL".into(),
        "import-values" => "ImportValues".into(),
        other => {
            let mut c = other.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }
    }
}

/// `.Files.Glob`'s pattern as Helm compiles it (`gobwas/glob` with `/` as the separator), as
/// a regular expression: `*` and `?` stop at a `/`, `**` does not (`files/**.yaml` matches
/// `files/a/b.yaml`; `files/**/*.yaml` needs a folder below `files/`), `[a-z]`/`[!a-z]` are
/// one character in or out of the class, `{a,b}` either, `\` quotes the next character.
/// `None` for a pattern gobwas refuses (an unclosed or empty `[…]`), which Helm replaces by
/// `**`; a trailing `\` compiles to a matcher of nothing, a `{` left open is closed at the end.
/// Not modelled: gobwas's `AnyOf.Len` takes the length of the last fixed-length alternative
/// when the ones before it have none (`{*.yaml,x.yaml}` is 6 long), and its compiler glues
/// fixed-length runs into rows of that length, so such a group matches only that many runes.
fn glob_regex(pat: &str) -> Option<regex::Regex> {
    const NOTHING: &str = "$.^";
    let mut re = String::from("^");
    let mut chars = pat.chars().peekable();
    let mut depth = 0usize;
    let mut nothing = false;
    while let Some(c) = chars.next() {
        match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                re.push_str(".*");
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            '\\' => match chars.next() {
                Some(q) => re.push_str(&regex::escape(&q.to_string())),
                None => {
                    // A trailing `\`: gobwas matches nothing.
                    nothing = true;
                    break;
                }
            },
            '[' => {
                re.push('[');
                if chars.peek() == Some(&'!') {
                    chars.next();
                    re.push('^');
                }
                let mut empty = true;
                loop {
                    match chars.next()? {
                        ']' if empty => return None,
                        ']' => break,
                        '-' if !empty && chars.peek() != Some(&']') => re.push('-'),
                        ch => re.push_str(&regex::escape(&ch.to_string())),
                    }
                    empty = false;
                }
                re.push(']');
            }
            '{' => {
                depth += 1;
                re.push_str("(?:");
            }
            ',' if depth > 0 => re.push('|'),
            '}' if depth > 0 => {
                depth -= 1;
                re.push(')');
            }
            other => re.push_str(&regex::escape(&other.to_string())),
        }
    }
    if nothing {
        return regex::Regex::new(NOTHING).ok();
    }
    // gobwas's lexer closes the `{` left open at the end (`files/{a.yaml` is `files/a.yaml`).
    for _ in 0..depth {
        re.push(')');
    }
    re.push('$');
    regex::Regex::new(&re).ok()
}

/// API versions `.Capabilities.APIVersions.Has` knows without a cluster: Helm v4's defaults
/// (the built-in groups of its Kubernetes client), in its order.
pub(super) const API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha2",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

pub(super) fn capabilities(kube: &str, extra: &[String]) -> Value {
    let v = if kube.starts_with('v') {
        kube.to_string()
    } else {
        format!("v{kube}")
    };
    let parts: Vec<&str> = v.trim_start_matches('v').split('.').collect();
    let major = parts.first().copied().unwrap_or("1").to_string();
    let minor = parts.get(1).copied().unwrap_or("0").to_string();
    let known: Arc<Vec<String>> = Arc::new(
        API_VERSIONS
            .iter()
            .map(|s| s.to_string())
            .chain(extra.iter().cloned())
            .collect(),
    );
    let versions: Vec<Value> = known.iter().map(|s| str_v(s)).collect();
    let printed = format!("[{}]", known.join(" "));
    let caps_printed = format!("&{{{{{v} {v} {major} {minor}}} {printed} {HELM_VERSION_FMT}}}");
    let has = Arc::new(move |a: &[Value]| {
        let want = funcs::to_str(a.first().unwrap_or(&Value::Nil));
        // `group/version` or `group/version/Kind`.
        let gv = match want.matches('/').count() {
            2 => want
                .rsplit_once('/')
                .map(|(g, _)| g.to_string())
                .unwrap_or(want.clone()),
            1 if want.starts_with("v1/") => "v1".into(),
            _ => want.clone(),
        };
        Ok(Value::Bool(known.iter().any(|k| *k == gv || *k == want)))
    });
    let kube_fields = struct_values(vec![
        ("Version", str_v(&v)),
        ("normalizedVersion", str_v(&v)),
        ("Major", str_v(&major)),
        ("Minor", str_v(&minor)),
    ]);
    let kube_version = vmap(vec![
        ("Version", str_v(&v)),
        // A method of Helm's KubeVersion (not in its JSON).
        ("GitVersion", {
            let version = v.clone();
            Value::Function(Arc::new(move |_: &[Value]| Ok(str_v(&version))))
        }),
        ("Major", str_v(&major)),
        ("Minor", str_v(&minor)),
        // printf's %v/%s of the struct (its String method is on the pointer):
        // `{Version GitVersion Major Minor}`.
        (gotmpl::STRUCT_FMT, {
            let printed = format!("{{{v} {v} {major} {minor}}}");
            Value::Function(Arc::new(move |_: &[Value]| Ok(str_v(&printed))))
        }),
        // Go's struct: its type and its JSON field order.
        (
            gotmpl::STRUCT_TYPE,
            Value::Function(Arc::new(|_: &[Value]| Ok(str_v("common.KubeVersion")))),
        ),
        (
            gotmpl::STRUCT_FIELDS,
            Value::Function(Arc::new(|_: &[Value]| {
                Ok(Value::List(
                    ["Version", "Major", "Minor"].map(str_v).to_vec().into(),
                ))
            })),
        ),
        // Printed as Go prints Helm's *KubeVersion: its String method, the version.
        ("String", {
            let printed = v.clone();
            Value::Function(Arc::new(move |_: &[Value]| Ok(str_v(&printed))))
        }),
        (gotmpl::STRUCT_VALUES, kube_fields),
    ]);
    let typed_versions =
        Value::List(versions.clone().into()).typed(gotmpl::GoType::of(VERSION_SET));
    let api_versions = vmap(vec![
        // fmt's value: the named `[]string` (`%#v` is `common.VersionSet{"v1", …}`).
        (gotmpl::GO_UNDERLYING, {
            Value::Function(Arc::new(move |_: &[Value]| Ok(typed_versions.clone())))
        }),
        ("Has", Value::Function(has)),
        // Go's type (a named []string) and its JSON, the list.
        (
            gotmpl::STRUCT_TYPE,
            Value::Function(Arc::new(|_: &[Value]| Ok(str_v(VERSION_SET)))),
        ),
        (funcs::GO_JSON, {
            let list = Value::List(versions.clone().into());
            Value::Function(Arc::new(move |_: &[Value]| Ok(list.clone())))
        }),
        // Printed as Go prints Helm's VersionSet (a list of strings).
        (
            "String",
            Value::Function(Arc::new(move |_: &[Value]| Ok(str_v(&printed)))),
        ),
        ("List", Value::List(versions.into())),
    ]);
    let helm = helm_version();
    let caps_fields = struct_values(vec![
        ("KubeVersion", kube_version.clone()),
        ("APIVersions", api_versions.clone()),
        ("HelmVersion", helm.clone()),
    ]);
    vmap(vec![
        ("KubeVersion", kube_version),
        ("APIVersions", api_versions),
        ("HelmVersion", helm),
        (gotmpl::STRUCT_VALUES, caps_fields),
        // fmt's `%v` of the pointer: `&{KubeVersion APIVersions HelmVersion}`, each field
        // printed as `%v` prints it (KubeVersion's struct form, not its String).
        (gotmpl::STRUCT_FMT, {
            Value::Function(Arc::new(move |_: &[Value]| Ok(str_v(&caps_printed))))
        }),
        // Go's `*common.Capabilities`, its fields in declaration order for JSON.
        (
            gotmpl::STRUCT_TYPE,
            Value::Function(Arc::new(|_: &[Value]| Ok(str_v("*common.Capabilities")))),
        ),
        (
            gotmpl::STRUCT_FIELDS,
            Value::Function(Arc::new(|_: &[Value]| {
                Ok(Value::List(
                    ["KubeVersion", "APIVersions", "HelmVersion"]
                        .map(str_v)
                        .to_vec()
                        .into(),
                ))
            })),
        ),
    ])
}

/// Helm's `version.BuildInfo` as the Helm v4 SDK of `helm template` fills it (the peer the
/// renderer is measured against: v4.2, built with go1.26.6 against client-go v1.36).
const HELM_VERSION: [(&str, &str, &str); 5] = [
    ("Version", "version", "v4.2"),
    ("GitCommit", "git_commit", ""),
    ("GitTreeState", "git_tree_state", ""),
    ("GoVersion", "go_version", "go1.26.6"),
    ("KubeClientVersion", "kube_client_version", "v1.36"),
];

/// fmt's `%v` of [`HELM_VERSION`]: the fields in order, empty ones too.
const HELM_VERSION_FMT: &str = "{v4.2   go1.26.6 v1.36}";

/// `.Capabilities.HelmVersion`: its fields, fmt's form, and its JSON (`json` tags, the
/// empty `omitempty` Git fields left out: `{"version":"v4.2","go_version":…}`).
fn helm_version() -> Value {
    let json: Vec<(&str, Value)> = HELM_VERSION
        .iter()
        .filter(|(_, _, v)| !v.is_empty())
        .map(|(_, tag, v)| (*tag, str_v(v)))
        .collect();
    let order: Vec<Value> = json.iter().map(|(k, _)| str_v(k)).collect();
    let mut json = json;
    json.push((
        gotmpl::STRUCT_FIELDS,
        Value::Function(Arc::new(move |_: &[Value]| {
            Ok(Value::List(order.clone().into()))
        })),
    ));
    let json = vmap(json);
    let mut fields: Vec<(&str, Value)> = HELM_VERSION
        .iter()
        .map(|(name, _, v)| (*name, str_v(v)))
        .collect();
    fields.extend([
        (
            gotmpl::STRUCT_TYPE,
            Value::Function(Arc::new(|_: &[Value]| Ok(str_v("version.BuildInfo")))),
        ),
        (
            gotmpl::STRUCT_FMT,
            Value::Function(Arc::new(|_: &[Value]| Ok(str_v(HELM_VERSION_FMT)))),
        ),
        (
            gotmpl::STRUCT_VALUES,
            struct_values(
                HELM_VERSION
                    .iter()
                    .map(|(name, _, v)| (*name, str_v(v)))
                    .collect(),
            ),
        ),
        (
            funcs::GO_JSON,
            Value::Function(Arc::new(move |_: &[Value]| Ok(json.clone()))),
        ),
    ]);
    vmap(fields)
}

/// A struct's fields as fmt walks them (gotmpl's `STRUCT_VALUES`): `[name, value]` pairs in
/// declaration order, unexported fields too.
fn struct_values(fields: Vec<(&str, Value)>) -> Value {
    let pairs = Value::List(
        fields
            .into_iter()
            .map(|(name, value)| Value::List(vec![str_v(name), value].into()))
            .collect(),
    );
    Value::Function(Arc::new(move |_: &[Value]| Ok(pairs.clone())))
}

/// Go's type name of `.Capabilities.APIVersions`.
pub(super) const VERSION_SET: &str = "common.VersionSet";

/// Whether a chart file is one of `.Files`: Helm's loader takes `Chart.yaml`, `Chart.lock`,
/// `values.yaml`, `values.schema.json` and `templates/` for itself, and `requirements.yaml`/
/// `requirements.lock` too unless the chart is `apiVersion: v1` (measured with helm
/// template: `range $p, $_ := .Files` of a chart holding them all lists neither).
fn in_files(rel: &str, v1: bool) -> bool {
    !rel.starts_with("templates/")
        && !matches!(
            rel,
            "Chart.yaml" | "Chart.lock" | "values.yaml" | "values.schema.json"
        )
        && (v1 || !matches!(rel, "requirements.yaml" | "requirements.lock"))
}

/// `.Files` of a chart: every file outside `templates/` (and the chart's own metadata).
pub(super) fn files_object(files: Arc<Vec<(String, Arc<Vec<u8>>)>>) -> Value {
    // Each file's text, decoded once: the entries and `Get` share it (a chart's CRDs are a
    // megabyte or more).
    let texts: Arc<Vec<Value>> = Arc::new(files.iter().map(|(_, b)| text_v(b)).collect());
    let (f1, t1) = (files.clone(), texts.clone());
    let get = Arc::new(move |a: &[Value]| {
        let name = funcs::to_str(a.first().unwrap_or(&Value::Nil));
        Ok(f1
            .iter()
            .position(|(n, _)| *n == name)
            .map(|i| t1[i].clone())
            .unwrap_or(str_v("")))
    });
    let f2 = files.clone();
    let glob = Arc::new(move |a: &[Value]| {
        let pat = funcs::to_str(a.first().unwrap_or(&Value::Nil));
        // A pattern gobwas/glob refuses matches every file (Helm compiles "**" instead).
        let g = glob_regex(&pat);
        let sub: Vec<(String, Arc<Vec<u8>>)> = f2
            .iter()
            .filter(|(n, _)| g.as_ref().is_none_or(|g| g.is_match(n)))
            .cloned()
            .collect();
        Ok(files_object(Arc::new(sub)))
    });
    let f3 = files.clone();
    let as_config = Arc::new(move |_a: &[Value]| {
        let m: BTreeMap<Arc<str>, Value> = f3
            .iter()
            .map(|(n, b)| {
                (
                    Arc::from(n.rsplit('/').next().unwrap_or(n)),
                    str_v(&String::from_utf8_lossy(b)),
                )
            })
            .collect();
        Ok(str_v(&toyaml::to_yaml(&Value::Map(gotmpl::MapRef::new(m)))))
    });
    let f4 = files.clone();
    let as_secrets = Arc::new(move |_a: &[Value]| {
        let m: BTreeMap<Arc<str>, Value> = f4
            .iter()
            // The file's own bytes, encoded: a binary file (a keystore, an image) is not
            // text, and decoding it first would encode replacement characters.
            .map(|(n, b)| {
                (
                    Arc::from(n.rsplit('/').next().unwrap_or(n)),
                    str_v(&funcs::b64enc(b)),
                )
            })
            .collect();
        Ok(str_v(&toyaml::to_yaml(&Value::Map(gotmpl::MapRef::new(m)))))
    });
    let f5 = files.clone();
    let lines = Arc::new(move |a: &[Value]| {
        let name = funcs::to_str(a.first().unwrap_or(&Value::Nil));
        // Helm's `Files.Lines`: no lines for a missing file; one final line break dropped.
        let Some(text) = f5
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| String::from_utf8_lossy(b).to_string())
        else {
            return Ok(Value::List(Vec::new().into()).typed(funcs::STRINGS));
        };
        // Helm reads the last byte before dropping a final line break: an empty file is
        // Go's out-of-range panic, which the engine reports as the call's error.
        if text.is_empty() {
            return Err(funcs::err("runtime error: index out of range [-1]"));
        }
        let text = text.strip_suffix('\n').unwrap_or(&text);
        Ok(
            Value::List(text.split('\n').map(str_v).collect::<Vec<_>>().into())
                .typed(funcs::STRINGS),
        )
    });
    // The files themselves are entries too (Go's `Files` is a map of path to content):
    // `range $path, $_ := .Files.Glob "x/*"`, `if .Files.Glob "x"`.
    let mut entries: Vec<(&str, Value)> = files
        .iter()
        .zip(texts.iter())
        .map(|((n, _), t)| (n.as_str(), t.clone()))
        .collect();
    entries.extend(vec![
        ("Get", Value::Function(get.clone())),
        ("GetBytes", Value::Function(get)),
        ("Glob", Value::Function(glob)),
        ("AsConfig", Value::Function(as_config)),
        ("AsSecrets", Value::Function(as_secrets)),
        ("Lines", Value::Function(lines)),
    ]);
    // fmt's `%v` of a `map[string][]byte`: each file's bytes as numbers (written when
    // asked: a chart's files can be megabytes).
    let f6 = files.clone();
    let printed = Arc::new(move |_: &[Value]| {
        let mut out = String::from("map[");
        for (i, (n, b)) in f6.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(n);
            out.push_str(":[");
            for (j, byte) in b.iter().enumerate() {
                if j > 0 {
                    out.push(' ');
                }
                out.push_str(&byte.to_string());
            }
            out.push(']');
        }
        out.push(']');
        Ok(str_v(&out))
    });
    entries.push((gotmpl::STRUCT_FMT, Value::Function(printed)));
    vmap(entries).typed(funcs::ENGINE_FILES)
}
