//! Lists and dicts: building, reading, Sprig's in-place `set`/`unset`/`merge`, `deepCopy`,
//! list slicing and sets, `split`/`join`, ranges of numbers.

use super::*;

/// Sprig's reading of a list argument (`reflect.TypeOf(list).Kind()`): a list, or the error
/// `what` names with the value's kind (`Cannot find first on type string`); a nil list is Go's
/// nil dereference inside Sprig (Helm: `error calling first: runtime error: …`).
fn sprig_list(v: &Value, what: impl Fn(&str) -> String) -> gotmpl::Result<Vec<Value>> {
    match v {
        Value::List(l) => Ok(l.to_vec()),
        // A Go slice type with methods, as the renderer builds one (Helm's
        // `.Capabilities.APIVersions`, a VersionSet: `has "apps/v1" .Capabilities.APIVersions`).
        Value::Map(m) if matches!(m.get("Has"), Some(Value::Function(_))) => match m.get("List") {
            Some(Value::List(l)) => Ok(l.to_vec()),
            _ => Err(err(what("slice"))),
        },
        Value::Nil => Err(err(
            "runtime error: invalid memory address or nil pointer dereference",
        )),
        other => Err(err(what(super::math::kind_of(other)))),
    }
}

pub(super) fn register(m: &mut FuncMap) {
    f!(m, "list", |a: &[Value]| -> R {
        Ok(Value::List(a.to_vec().into()))
    });
    f!(m, "tuple", |a: &[Value]| -> R {
        Ok(Value::List(a.to_vec().into()))
    });
    f!(m, "dict", |a: &[Value]| -> R {
        let mut m = BTreeMap::new();
        for pair in a.chunks(2) {
            m.insert(
                Arc::from(to_str(&pair[0]).as_str()),
                pair.get(1).cloned().unwrap_or(s("")),
            );
        }
        Ok(Value::Map(MapRef::new(m)))
    });
    f!(m, "get", |a: &[Value]| -> R {
        Ok(entry(arg(a, 0, "get")?, &to_str(arg(a, 1, "get")?)).unwrap_or(s("")))
    });
    // Sprig's `set`/`unset` change the map in place and return it: every holder of the map
    // (`.Values` in later templates, other variables) sees the change, as in Go.
    f!(m, "set", |a: &[Value]| -> R {
        let key = Arc::from(to_str(arg(a, 1, "set")?).as_str());
        let value = arg(a, 2, "set")?.clone();
        Ok(match arg(a, 0, "set")? {
            Value::Map(m) => {
                m.write().insert(key, value);
                Value::Map(m.clone())
            }
            _ => Value::from(BTreeMap::from([(key, value)])),
        })
    });
    f!(m, "unset", |a: &[Value]| -> R {
        let key = to_str(arg(a, 1, "unset")?);
        Ok(match arg(a, 0, "unset")? {
            Value::Map(m) => {
                m.write().remove(key.as_str());
                Value::Map(m.clone())
            }
            _ => Value::Map(MapRef::default()),
        })
    });
    f!(m, "hasKey", |a: &[Value]| -> R {
        Ok(Value::Bool(
            entry(arg(a, 0, "hasKey")?, &to_str(arg(a, 1, "hasKey")?)).is_some(),
        ))
    });
    f!(m, "keys", |a: &[Value]| -> R {
        let mut k: Vec<Value> = a
            .iter()
            .flat_map(|m| map_of(m).into_keys().map(Value::String).collect::<Vec<_>>())
            .collect();
        k.dedup();
        Ok(strings(k))
    });
    f!(m, "values", |a: &[Value]| -> R {
        Ok(Value::List(
            map_of(arg(a, 0, "values")?)
                .into_values()
                .collect::<Vec<_>>()
                .into(),
        ))
    });
    f!(m, "pluck", |a: &[Value]| -> R {
        let key = to_str(arg(a, 0, "pluck")?);
        Ok(Value::List(
            a[1..]
                .iter()
                .filter_map(|m| entry(m, &key))
                .collect::<Vec<_>>()
                .into(),
        ))
    });
    f!(m, "dig", |a: &[Value]| -> R {
        if a.len() < 3 {
            return Err(err("dig needs at least three arguments"));
        }
        let (keys, rest) = a.split_at(a.len() - 2);
        let default = rest[0].clone();
        let mut cur = rest[1].clone();
        // Sprig's digFromDict asserts each step is a map[string]interface{}: a key that holds
        // anything else (nil too) before the last key is Go's failed interface conversion.
        // The assertion wants that very type: a `map[string]string` (`split`) or a named map
        // (Helm's `common.Values`: `dig "a" "b" "" .Values` fails in Helm) is refused too.
        for k in keys {
            let (Value::Map(m), None) = (&cur, cur.go_type()) else {
                let held = match &cur {
                    Value::Nil => "nil".into(),
                    other => super::types::go_type(other),
                };
                return Err(err(format!(
                    "interface conversion: interface {{}} is {held}, not map[string]interface {{}}"
                )));
            };
            match m.get(to_str(k).as_str()) {
                Some(v) => cur = v,
                None => return Ok(default),
            }
        }
        Ok(cur)
    });
    f!(m, "pick", |a: &[Value]| -> R {
        let m = map_of(arg(a, 0, "pick")?);
        let keep: Vec<String> = a[1..].iter().map(to_str).collect();
        Ok(Value::Map(MapRef::new(
            m.into_iter()
                .filter(|(k, _)| keep.iter().any(|x| x == &**k))
                .collect(),
        )))
    });
    f!(m, "omit", |a: &[Value]| -> R {
        let m = map_of(arg(a, 0, "omit")?);
        let drop: Vec<String> = a[1..].iter().map(to_str).collect();
        Ok(Value::Map(MapRef::new(
            m.into_iter()
                .filter(|(k, _)| !drop.iter().any(|x| x == &**k))
                .collect(),
        )))
    });
    for (name, overwrite) in [
        ("merge", false),
        ("mustMerge", false),
        ("mergeOverwrite", true),
        ("mustMergeOverwrite", true),
    ] {
        m.insert(
            name.to_string(),
            Arc::new(move |a: &[Value]| -> R {
                let dst = match arg(a, 0, name)? {
                    Value::Map(m) => m.clone(),
                    _ => MapRef::default(),
                };
                for src in &a[1..] {
                    merge_into(&dst, src, overwrite, 0)?;
                }
                Ok(Value::Map(dst))
            }),
        );
    }
    f!(m, "deepCopy", |a: &[Value]| -> R {
        Ok(bounded(a.first(), "deepCopy")?.deep_copy())
    });
    f!(m, "mustDeepCopy", |a: &[Value]| -> R {
        Ok(bounded(a.first(), "mustDeepCopy")?.deep_copy())
    });
    f!(m, "append", |a: &[Value]| -> R {
        let mut l = sprig_list(arg(a, 0, "append")?, |k| format!("Cannot push on type {k}"))?;
        l.push(arg(a, 1, "append")?.clone());
        Ok(Value::List(l.into()))
    });
    // Sprig's `slice` (Helm's, in place of Go's): lists only; an empty list gives nil.
    f!(m, "slice", |a: &[Value]| -> R {
        let list = match arg(a, 0, "slice")? {
            Value::List(l) => l.to_vec(),
            other => {
                return Err(err(format!(
                    "list should be type of slice or array but {}",
                    super::math::kind_of(other)
                )));
            }
        };
        if list.is_empty() {
            return Ok(Value::Nil);
        }
        let start = a.get(1).map_or(0, to_int);
        let end = a.get(2).map_or(list.len() as i64, to_int);
        if start < 0 || end < start || end > list.len() as i64 {
            // reflect's panic (Go's bound is the slice's capacity, which may exceed its
            // length: not modelled).
            return Err(err("reflect.Value.Slice: slice index out of bounds"));
        }
        // reflect's Slice keeps the slice's type (`slice (splitList …) 1` is a `[]string`).
        let part = Value::List(list[start as usize..end as usize].to_vec().into());
        Ok(match a[0].go_type() {
            Some(ty) => part.typed(gotmpl::GoType { nil: false, ..ty }),
            None => part,
        })
    });
    // `push` is Sprig's other name for `append`.
    m.insert("push".to_string(), m["append"].clone());
    f!(m, "all", |a: &[Value]| -> R {
        Ok(Value::Bool(a.iter().all(|v| !is_empty(v))))
    });
    f!(m, "any", |a: &[Value]| -> R {
        Ok(Value::Bool(a.iter().any(|v| !is_empty(v))))
    });
    f!(m, "chunk", |a: &[Value]| -> R {
        let size = to_int(arg(a, 0, "chunk")?);
        if size < 1 {
            return Err(err("chunk: size must be positive"));
        }
        let l = sprig_list(arg(a, 1, "chunk")?, |k| format!("Cannot chunk type {k}"))?;
        Ok(Value::List(
            l.chunks(size as usize)
                .map(|c| Value::List(c.to_vec().into()))
                .collect::<Vec<_>>()
                .into(),
        )
        .typed(LISTS))
    });
    f!(m, "prepend", |a: &[Value]| -> R {
        let mut l = sprig_list(arg(a, 0, "prepend")?, |k| {
            format!("Cannot prepend on type {k}")
        })?;
        l.insert(0, arg(a, 1, "prepend")?.clone());
        Ok(Value::List(l.into()))
    });
    f!(m, "concat", |a: &[Value]| -> R {
        let mut out = Vec::new();
        for l in a {
            out.extend(sprig_list(l, |k| {
                format!("Cannot concat type {k} as list")
            })?);
        }
        // Sprig appends to a nil slice: nothing to append leaves it nil (`toJson` is null).
        if out.is_empty() {
            return Ok(Value::List(gotmpl::nil_list()));
        }
        Ok(Value::List(out.into()))
    });
    f!(m, "first", |a: &[Value]| -> R {
        Ok(sprig_list(arg(a, 0, "first")?, |k| {
            format!("Cannot find first on type {k}")
        })?
        .into_iter()
        .next()
        .unwrap_or(Value::Nil))
    });
    f!(m, "last", |a: &[Value]| -> R {
        Ok(sprig_list(arg(a, 0, "last")?, |k| {
            format!("Cannot find last on type {k}")
        })?
        .pop()
        .unwrap_or(Value::Nil))
    });
    // Sprig's rest and initial return a nil slice for an empty list (`toJson` writes null).
    f!(m, "rest", |a: &[Value]| -> R {
        let l = sprig_list(arg(a, 0, "rest")?, |k| {
            format!("Cannot find rest on type {k}")
        })?;
        if l.is_empty() {
            return Ok(Value::List(gotmpl::nil_list()));
        }
        Ok(Value::List(
            l.into_iter().skip(1).collect::<Vec<_>>().into(),
        ))
    });
    f!(m, "initial", |a: &[Value]| -> R {
        let mut l = sprig_list(arg(a, 0, "initial")?, |k| {
            format!("Cannot find initial on type {k}")
        })?;
        if l.is_empty() {
            return Ok(Value::List(gotmpl::nil_list()));
        }
        l.pop();
        Ok(Value::List(l.into()))
    });
    f!(m, "reverse", |a: &[Value]| -> R {
        let mut l = sprig_list(arg(a, 0, "reverse")?, |k| {
            format!("Cannot find reverse on type {k}")
        })?;
        l.reverse();
        Ok(Value::List(l.into()))
    });
    f!(m, "uniq", |a: &[Value]| -> R {
        let mut out: Vec<Value> = Vec::new();
        for v in sprig_list(arg(a, 0, "uniq")?, |k| {
            format!("Cannot find uniq on type {k}")
        })? {
            if !out.contains(&v) {
                out.push(v);
            }
        }
        Ok(Value::List(out.into()))
    });
    f!(m, "compact", |a: &[Value]| -> R {
        Ok(Value::List(
            sprig_list(arg(a, 0, "compact")?, |k| {
                format!("Cannot compact on type {k}")
            })?
            .into_iter()
            .filter(|v| !is_empty(v))
            .collect::<Vec<_>>()
            .into(),
        ))
    });
    f!(m, "without", |a: &[Value]| -> R {
        let drop = &a[1..];
        Ok(Value::List(
            sprig_list(arg(a, 0, "without")?, |k| {
                format!("Cannot find without on type {k}")
            })?
            .into_iter()
            .filter(|v| !drop.contains(v))
            .collect::<Vec<_>>()
            .into(),
        ))
    });
    f!(m, "has", |a: &[Value]| -> R {
        // A nil list holds nothing (Sprig checks it before the kind).
        let list = match arg(a, 1, "has")? {
            Value::Nil => Vec::new(),
            l => sprig_list(l, |k| format!("Cannot find has on type {k}"))?,
        };
        Ok(Value::Bool(list.contains(&a[0])))
    });
    f!(m, "sortAlpha", |a: &[Value]| -> R {
        // Sprig: what is not a slice is one string, `strval` of it; nil (what `slice` of an
        // empty list returns) is `<nil>`, where strslice gives no strings.
        let mut l: Vec<String> = match arg(a, 0, "sortAlpha")? {
            Value::Nil => vec!["<nil>".to_string()],
            v => strslice(v),
        };
        l.sort();
        Ok(strings(l.iter().map(|x| s(x)).collect()))
    });
    f!(m, "join", |a: &[Value]| -> R {
        Ok(s(&strslice(arg(a, 1, "join")?).join(&to_str(&a[0]))))
    });
    f!(m, "split", |a: &[Value]| -> R {
        let sep = to_str(arg(a, 0, "split")?);
        let mut m = BTreeMap::new();
        for (i, p) in to_str(arg(a, 1, "split")?).split(sep.as_str()).enumerate() {
            m.insert(Arc::from(format!("_{i}").as_str()), s(p));
        }
        Ok(Value::Map(MapRef::new(m)).typed(STRING_MAP))
    });
    f!(m, "splitList", |a: &[Value]| -> R {
        let sep = to_str(arg(a, 0, "splitList")?);
        Ok(strings(
            to_str(arg(a, 1, "splitList")?)
                .split(sep.as_str())
                .map(s)
                .collect(),
        ))
    });
    f!(m, "splitn", |a: &[Value]| -> R {
        let sep = to_str(arg(a, 0, "splitn")?);
        let n = to_int(arg(a, 1, "splitn")?).max(1) as usize;
        let mut m = BTreeMap::new();
        for (i, p) in to_str(arg(a, 2, "splitn")?)
            .splitn(n, sep.as_str())
            .enumerate()
        {
            m.insert(Arc::from(format!("_{i}").as_str()), s(p));
        }
        Ok(Value::Map(MapRef::new(m)).typed(STRING_MAP))
    });
    f!(m, "until", |a: &[Value]| -> R {
        Ok(Value::List(
            (0..to_int(arg(a, 0, "until")?).clamp(0, 1 << 20))
                .map(Value::Int)
                .collect::<Vec<_>>()
                .into(),
        )
        .typed(INTS))
    });
    f!(m, "untilStep", |a: &[Value]| -> R {
        let (st, en, step) = (
            to_int(arg(a, 0, "untilStep")?),
            to_int(arg(a, 1, "untilStep")?),
            to_int(arg(a, 2, "untilStep")?),
        );
        let mut out = Vec::new();
        let mut i = st;
        while step != 0 && ((step > 0 && i < en) || (step < 0 && i > en)) && out.len() < 1 << 20 {
            out.push(Value::Int(i));
            i += step;
        }
        Ok(Value::List(out.into()).typed(INTS))
    });
    // Sprig's `seq`, a string of numbers as the Unix command prints them.
    f!(m, "seq", |a: &[Value]| -> R {
        let n: Vec<i64> = a.iter().map(to_int).collect();
        let (start, stop, step) = match n.as_slice() {
            [end] => {
                let inc = if *end < 1 { -1 } else { 1 };
                (1, end + inc, inc)
            }
            [start, end] => {
                let inc = if end < start { -1 } else { 1 };
                (*start, end + inc, inc)
            }
            [start, step, end] => {
                let inc = if end < start { -1 } else { 1 };
                if end < start && *step > 0 {
                    return Ok(s(""));
                }
                (*start, end + inc, *step)
            }
            _ => return Ok(s("")),
        };
        // Sprig's untilStep.
        let mut out = Vec::new();
        let mut i = start;
        let up = stop >= start;
        if step != 0 && (up == (step > 0)) {
            while (up && i < stop || !up && i > stop) && out.len() < 1 << 20 {
                out.push(i.to_string());
                i += step;
            }
        }
        Ok(s(&out.join(" ")))
    });
}
