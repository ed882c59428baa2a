//! String functions: quoting, indenting, trimming, case, substrings, regular expressions.

use super::*;

pub(super) fn register(m: &mut FuncMap) {
    // Sprig's quote is Go's `%q` (strconv.Quote): escapes as Go writes them (`\u2028`).
    gotmpl::set_is_print(go_is_print);
    f!(m, "quote", |a: &[Value]| -> R {
        Ok(s(&a
            .iter()
            .filter(|v| !matches!(v, Value::Nil))
            .map(|v| {
                let mut q = String::new();
                gotmpl::go_quote_into_with(&mut q, &to_str(v), false);
                q
            })
            .collect::<Vec<_>>()
            .join(" ")))
    });
    f!(m, "squote", |a: &[Value]| -> R {
        Ok(s(&a
            .iter()
            .filter(|v| !matches!(v, Value::Nil))
            .map(|v| format!("'{}'", to_str(v)))
            .collect::<Vec<_>>()
            .join(" ")))
    });
    f!(m, "indent", |a: &[Value]| -> R {
        Ok(s(&indent(
            to_int(arg(a, 0, "indent")?).max(0) as usize,
            &to_str(arg(a, 1, "indent")?),
        )))
    });
    f!(m, "nindent", |a: &[Value]| -> R {
        Ok(s(&format!(
            "\n{}",
            indent(
                to_int(arg(a, 0, "nindent")?).max(0) as usize,
                &to_str(arg(a, 1, "nindent")?)
            )
        )))
    });
    f!(m, "trim", |a: &[Value]| -> R {
        Ok(s(to_str(arg(a, 0, "trim")?).trim()))
    });
    // `trimall` is Sprig's older name of `trimAll` (still in its function map).
    for name in ["trimAll", "trimall"] {
        m.insert(
            name.to_string(),
            Arc::new(move |a: &[Value]| -> R {
                let cut: Vec<char> = to_str(arg(a, 0, name)?).chars().collect();
                Ok(s(
                    to_str(arg(a, 1, name)?).trim_matches(|c| cut.contains(&c))
                ))
            }),
        );
    }
    f!(m, "trimSuffix", |a: &[Value]| -> R {
        let suf = to_str(arg(a, 0, "trimSuffix")?);
        let t = to_str(arg(a, 1, "trimSuffix")?);
        Ok(s(t.strip_suffix(suf.as_str()).unwrap_or(&t)))
    });
    f!(m, "trimPrefix", |a: &[Value]| -> R {
        let pre = to_str(arg(a, 0, "trimPrefix")?);
        let t = to_str(arg(a, 1, "trimPrefix")?);
        Ok(s(t.strip_prefix(pre.as_str()).unwrap_or(&t)))
    });
    f!(m, "upper", |a: &[Value]| -> R {
        Ok(s(&to_str(arg(a, 0, "upper")?).to_uppercase()))
    });
    f!(m, "lower", |a: &[Value]| -> R {
        Ok(s(&to_str(arg(a, 0, "lower")?).to_lowercase()))
    });
    f!(m, "replace", |a: &[Value]| -> R {
        Ok(s(
            &to_str(arg(a, 2, "replace")?).replace(to_str(&a[0]).as_str(), &to_str(&a[1]))
        ))
    });
    f!(m, "contains", |a: &[Value]| -> R {
        Ok(Value::Bool(
            to_str(arg(a, 1, "contains")?).contains(to_str(&a[0]).as_str()),
        ))
    });
    f!(m, "hasPrefix", |a: &[Value]| -> R {
        Ok(Value::Bool(
            to_str(arg(a, 1, "hasPrefix")?).starts_with(to_str(&a[0]).as_str()),
        ))
    });
    f!(m, "hasSuffix", |a: &[Value]| -> R {
        Ok(Value::Bool(
            to_str(arg(a, 1, "hasSuffix")?).ends_with(to_str(&a[0]).as_str()),
        ))
    });
    f!(m, "trunc", |a: &[Value]| -> R {
        let n = to_int(arg(a, 0, "trunc")?);
        let t = to_str(arg(a, 1, "trunc")?);
        let len = t.len() as i64;
        Ok(s(&if n >= 0 {
            if n < len {
                t[..t.floor_char_boundary(n as usize)].to_string()
            } else {
                t
            }
        } else if -n < len {
            t[t.ceil_char_boundary((len + n) as usize)..].to_string()
        } else {
            t
        }))
    });
    // Sprig's `substring`: byte offsets; what Go's slicing refuses is an error.
    f!(m, "substr", |a: &[Value]| -> R {
        let (st, en) = (to_int(arg(a, 0, "substr")?), to_int(arg(a, 1, "substr")?));
        let t = to_str(arg(a, 2, "substr")?);
        let b = t.as_bytes();
        let len = b.len() as i64;
        let (from, to) = if st < 0 {
            (0, en)
        } else if en < 0 || en > len {
            (st, len)
        } else {
            (st, en)
        };
        if from > to || to > len || to < 0 {
            return Err(err(format!(
                "runtime error: slice bounds out of range [{from}:{to}] with length {len}"
            )));
        }
        Ok(s(&String::from_utf8_lossy(&b[from as usize..to as usize])))
    });
    f!(m, "repeat", |a: &[Value]| -> R {
        let n = to_int(arg(a, 0, "repeat")?).clamp(0, 1 << 20) as usize;
        Ok(s(&to_str(arg(a, 1, "repeat")?).repeat(n)))
    });
    f!(m, "nospace", |a: &[Value]| -> R {
        Ok(s(&to_str(arg(a, 0, "nospace")?)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()))
    });
    f!(m, "cat", |a: &[Value]| -> R {
        Ok(s(&a
            .iter()
            .filter(|v| !matches!(v, Value::Nil))
            .map(to_str)
            .collect::<Vec<_>>()
            .join(" ")))
    });
    // Sprig's `strval` is `fmt.Sprint`: nil is `<nil>`.
    f!(m, "toString", |a: &[Value]| -> R {
        // Nil is `<nil>` (fmt's `%v`); a struct is fmt's form ([`to_str`]).
        Ok(s(&match a.first().unwrap_or(&Value::Nil) {
            v @ Value::Map(_) => to_str(v),
            v => v.to_string(),
        }))
    });
    f!(m, "toStrings", |a: &[Value]| -> R {
        Ok(strings(
            strslice(a.first().unwrap_or(&Value::Nil))
                .iter()
                .map(|v| s(v))
                .collect(),
        ))
    });
    // Sprig's regexMatch drops the compile error: a bad expression matches nothing
    // (mustRegexMatch reports it).
    f!(m, "regexMatch", |a: &[Value]| -> R {
        let text = to_str(arg(a, 1, "regexMatch")?);
        Ok(Value::Bool(
            regex(&to_str(arg(a, 0, "regexMatch")?)).is_ok_and(|re| re.is_match(&text)),
        ))
    });
    f!(m, "mustRegexMatch", |a: &[Value]| -> R {
        Ok(Value::Bool(
            regex(&to_str(arg(a, 0, "regexMatch")?))?.is_match(&to_str(arg(a, 1, "regexMatch")?)),
        ))
    });
    f!(m, "regexFind", |a: &[Value]| -> R {
        Ok(s(regex(&to_str(arg(a, 0, "regexFind")?))?
            .find(&to_str(arg(a, 1, "regexFind")?))
            .map(|m| m.as_str())
            .unwrap_or("")))
    });
    f!(m, "regexFindAll", |a: &[Value]| -> R {
        let t = to_str(arg(a, 1, "regexFindAll")?);
        let n = a.get(2).map(to_int).unwrap_or(-1);
        let all: Vec<Value> = regex(&to_str(&a[0]))?
            .find_iter(&t)
            .take(if n < 0 { usize::MAX } else { n as usize })
            .map(|m| s(m.as_str()))
            .collect();
        // Go's FindAllString returns a nil slice when nothing matches (`toJson`: null).
        Ok(if all.is_empty() {
            Value::List(all.into()).typed(STRINGS.nil())
        } else {
            strings(all)
        })
    });
    f!(m, "regexReplaceAll", |a: &[Value]| -> R {
        let re = regex(&to_str(arg(a, 0, "regexReplaceAll")?))?;
        Ok(s(&re.replace_all(
            &to_str(arg(a, 1, "regexReplaceAll")?),
            to_str(arg(a, 2, "regexReplaceAll")?).as_str(),
        )))
    });
    f!(m, "regexReplaceAllLiteral", |a: &[Value]| -> R {
        let re = regex(&to_str(arg(a, 0, "regexReplaceAllLiteral")?))?;
        Ok(s(&re.replace_all(
            &to_str(arg(a, 1, "regexReplaceAllLiteral")?),
            regex::NoExpand(&to_str(arg(a, 2, "regexReplaceAllLiteral")?)),
        )))
    });
    f!(m, "regexSplit", |a: &[Value]| -> R {
        let re = regex(&to_str(arg(a, 0, "regexSplit")?))?;
        let n = to_int(arg(a, 2, "regexSplit")?);
        let t = to_str(&a[1]);
        let parts: Vec<Value> = if n < 0 {
            re.split(&t).map(s).collect()
        } else {
            re.splitn(&t, n as usize).map(s).collect()
        };
        // Go's Regexp.Split with n == 0 returns a nil slice.
        Ok(if n == 0 {
            Value::List(parts.into()).typed(STRINGS.nil())
        } else {
            strings(parts)
        })
    });
    f!(m, "snakecase", |a: &[Value]| -> R {
        let t = to_str(arg(a, 0, "snakecase")?);
        Ok(s(&super::xcase::camel_case_to_lower(&t, '_')))
    });
    f!(m, "kebabcase", |a: &[Value]| -> R {
        let t = to_str(arg(a, 0, "kebabcase")?);
        Ok(s(&super::xcase::camel_case_to_lower(&t, '-')))
    });
    f!(m, "camelcase", |a: &[Value]| -> R {
        Ok(s(&camel_case(&to_str(arg(a, 0, "camelcase")?))))
    });
    f!(m, "regexQuoteMeta", |a: &[Value]| -> R {
        // Go's regexp.QuoteMeta escapes these only (Rust's regex::escape also `-`, `#`, `&`, `~`).
        let mut out = String::new();
        for c in to_str(arg(a, 0, "regexQuoteMeta")?).chars() {
            if "\\.+*?()|[]{}^$".contains(c) {
                out.push('\\');
            }
            out.push(c);
        }
        Ok(s(&out))
    });
}

/// huandu/xstrings' ToCamelCase (Sprig's `camelcase`): words split on `_`, `-` and spaces
/// (leading and doubled separators kept), each word's first letter upper-cased, and the rest of
/// a word that starts with capitals lower-cased up to its first non-capital (`MS4yOC4w` is
/// `Ms4yOC4w`, `GOLANG_IS_GREAT` is `GolangIsGreat`, `someWords` stays `SomeWords`).
pub(super) fn camel_case(text: &str) -> String {
    let connector = |c: char| c == '-' || c == '_' || c.is_whitespace();
    let upper = |c: char| c.to_uppercase().next().unwrap_or(c);
    let lower = |c: char| c.to_lowercase().next().unwrap_or(c);
    let mut out = String::new();
    let mut chars = text.chars();
    let mut r0 = None;
    let mut first_upper = false;
    for c in chars.by_ref() {
        if !connector(c) {
            first_upper = c.is_uppercase();
            r0 = Some(upper(c));
            break;
        }
        out.push(c);
    }
    let Some(mut r0) = r0 else {
        // xstrings writes the last separator twice when there is nothing else (`-` is `--`).
        if let Some(last) = text.chars().last() {
            out.push(last);
        }
        return out;
    };
    for c in chars {
        let r1 = r0;
        r0 = c;
        if connector(r0) && connector(r1) {
            out.push(r1);
            continue;
        }
        if connector(r1) {
            first_upper = r0.is_uppercase();
            r0 = upper(r0);
        } else {
            if first_upper {
                if r0.is_uppercase() {
                    r0 = lower(r0);
                } else {
                    first_upper = false;
                }
            }
            out.push(r1);
        }
    }
    out.push(r0);
    out
}

/// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
fn go_is_print(c: char) -> bool {
    use unicode_general_category::{GeneralCategory as G, get_general_category};
    c == ' '
        || !matches!(
            get_general_category(c),
            G::SpaceSeparator
                | G::LineSeparator
                | G::ParagraphSeparator
                | G::Control
                | G::Format
                | G::Surrogate
                | G::PrivateUse
                | G::Unassigned
        )
}
