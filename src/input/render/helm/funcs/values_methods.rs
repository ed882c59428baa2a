//! The methods of Helm's `common.Values` (`.Values`, the top-level object, `.Template`), which
//! Go's templates find before the map's keys: `.Values.AsMap`, `.Values.YAML`,
//! `.Values.Table "a.b"`, `.Values.PathValue "a.b"` (gotmpl patch 61).

use super::*;

/// Installs the methods (gotmpl's hook for named map types).
pub(super) fn install() {
    gotmpl::set_methods(method);
}

fn method(recv: &Value, name: &str) -> Option<Value> {
    // The name first: a lookup of the map's type takes a lock.
    if !matches!(name, "AsMap" | "YAML" | "Table" | "PathValue") {
        return None;
    }
    if recv.go_type().is_none_or(|t| t.name != HELM_VALUES.name) {
        return None;
    }
    let Value::Map(m) = recv else { return None };
    let m = m.clone();
    let name = name.to_string();
    Some(Value::Function(Arc::new(move |a: &[Value]| {
        let want = usize::from(matches!(name.as_str(), "Table" | "PathValue"));
        if a.len() != want {
            return Err(err(format!(
                "wrong number of args for {name}: want {want} got {}",
                a.len()
            )));
        }
        match name.as_str() {
            // `map[string]interface{}(v)`: the same entries, no longer a `common.Values` (a
            // copy: a type is kept per map, so a key `set` on it is not seen in `.Values`).
            "AsMap" => Ok(Value::Map(MapRef::new(m.read().clone()))),
            // sigs.k8s.io/yaml's Marshal: toYaml's text with its line break.
            "YAML" => Ok(s(&format!("{}\n", to_yaml(&Value::Map(m.clone()))))),
            "Table" => {
                let path = string_arg(&a[0])?;
                table(&m, &path).map(|t| Value::Map(MapRef::new(t)).typed(HELM_VALUES))
            }
            _ => path_value(&m, &string_arg(&a[0])?),
        }
    })))
}

/// Go's check of the method's `string` parameter.
fn string_arg(v: &Value) -> gotmpl::Result<String> {
    match v {
        Value::String(s) => Ok(s.to_string()),
        other => Err(err(format!(
            "wrong type for value; expected string; got {}",
            types::go_type(other)
        ))),
    }
}

/// Helm's `Values.Table`: each dot-separated name a map under the last (`"b" is not a table`).
fn table(m: &MapRef, path: &str) -> gotmpl::Result<Entries> {
    let mut t = m.read().clone();
    for part in path.split('.') {
        t = match t.get(part) {
            Some(Value::Map(sub)) => sub.read().clone(),
            _ => return Err(err(format!("{} is not a table", go_quote(part)))),
        };
    }
    Ok(t)
}

/// Helm's `Values.PathValue`: the value at the path, which is not a table (`"b" is not a
/// value`).
fn path_value(m: &MapRef, path: &str) -> R {
    if path.is_empty() {
        return Err(err("YAML path cannot be empty"));
    }
    let (tables, key) = match path.rsplit_once('.') {
        Some((tables, key)) => (Some(tables), key),
        None => (None, path),
    };
    let no_value = || err(format!("{} is not a value", go_quote(key)));
    let t = match tables {
        Some(tables) => table(m, tables).map_err(|_| no_value())?,
        None => m.read().clone(),
    };
    match t.get(key) {
        Some(Value::Map(_)) | None => Err(no_value()),
        Some(v) => Ok(v.clone()),
    }
}

fn go_quote(text: &str) -> String {
    let mut q = String::new();
    gotmpl::go_quote_into_with(&mut q, text, false);
    q
}

use gotmpl::Entries;
