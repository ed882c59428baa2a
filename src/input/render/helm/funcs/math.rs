//! Numbers, types, semantic versions and dates: conversions, arithmetic, `kindOf`/`typeOf`,
//! `semverCompare`, `now`.

use super::decimal::{self, Op};
use super::*;

// Masterminds' NewConstraint checks each `||` part against its grammar first (Go's `%q`
// of the part in the error), then NewVersion reads the version (`1.2.x` is refused).
static VALID: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    let cv = r"v?([0-9|xX*]+)(\.[0-9|xX*]+)?(\.[0-9|xX*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
    let ops = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";
    regex::Regex::new(&format!(r"^(\s*({ops})\s*({cv})\s*,?)+$")).expect("constraint grammar")
});
// Masterminds' rewriteRange: `1.2 - 1.4` is `>= 1.2, <= 1.4`.
static RANGE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    let cv = r"v?[0-9|xX*]+(?:\.[0-9|xX*]+)?(?:\.[0-9|xX*]+)?(?:-[0-9A-Za-z\-]+(?:\.[0-9A-Za-z\-]+)*)?(?:\+[0-9A-Za-z\-]+(?:\.[0-9A-Za-z\-]+)*)?";
    regex::Regex::new(&format!(r"\s*({cv})\s+-\s+({cv})\s*")).expect("range grammar")
});

/// Masterminds/semver constraint check (`>=1.19-0`, `~1.2`, `^1`, `>=1, <2`, `a || b`).
pub fn semver_compare(constraint: &str, version: &str) -> gotmpl::Result<bool> {
    // The expressions cost more to compile than a small chart to render: a constraint with no
    // ` - ` has no range to rewrite, and one the plain reading accepts is valid.
    let spaced_dash = constraint.char_indices().any(|(i, c)| {
        c == '-'
            && constraint[..i].ends_with(char::is_whitespace)
            && constraint[i + 1..].starts_with(char::is_whitespace)
    });
    let rewritten = if spaced_dash {
        RANGE.replace_all(constraint, ">= $1, <= $2")
    } else {
        std::borrow::Cow::Borrowed(constraint)
    };
    let constraint = rewritten.as_ref();
    for alt in constraint.split("||") {
        if !plainly_valid(alt) && !VALID.is_match(alt) {
            let mut quoted = String::new();
            gotmpl::go_quote_into_with(&mut quoted, alt, false);
            return Err(err(format!("improper constraint: {quoted}")));
        }
    }
    masterminds_version(version).map_err(err)?;
    let v = parse_version(version)
        .ok_or_else(|| err(format!("invalid semantic version {version:?}")))?;
    for alt in constraint.split("||") {
        let mut all = true;
        let norm = alt.replace(',', " ");
        let mut toks: Vec<String> = Vec::new();
        for t in norm.split_whitespace() {
            // `>= 1.2` written with a space.
            if let Some(last) = toks.last_mut()
                && matches!(
                    last.as_str(),
                    ">" | ">=" | "<" | "<=" | "=" | "!=" | "~" | "^"
                )
            {
                last.push_str(t);
                continue;
            }
            toks.push(t.to_string());
        }
        for t in &toks {
            let (op, rest) = ["!=", ">=", "<=", "=>", "=<", ">", "<", "=", "~>", "~", "^"]
                .iter()
                .find_map(|op| t.strip_prefix(op).map(|r| (*op, r)))
                .unwrap_or(("=", t.as_str()));
            let c = parse_version(rest).ok_or_else(|| err("constraint parser error"))?;
            let cmp = cmp_versions(&v, &c);
            use std::cmp::Ordering::*;
            let ok = match op {
                // Masterminds on a constraint with parts left out (`>1.2`, `<=1.4`): `>` wants
                // a greater part given, `<=` accepts any patch (minor) of the parts given.
                ">" if c.2 < 3 => {
                    if v.0[0] != c.0[0] {
                        v.0[0] > c.0[0]
                    } else {
                        c.2 >= 2 && v.0[1] > c.0[1]
                    }
                }
                ">" => cmp == Greater,
                ">=" | "=>" => cmp != Less,
                "<" => cmp == Less,
                "<=" | "=<" if c.2 < 3 => {
                    v.0[0] < c.0[0] || (v.0[0] == c.0[0] && (c.2 < 2 || v.0[1] <= c.0[1]))
                }
                "<=" | "=<" => cmp != Greater,
                "!=" => cmp != Equal,
                "~" | "~>" => cmp != Less && v.0[0] == c.0[0] && (c.2 < 2 || v.0[1] == c.0[1]),
                "^" => cmp != Less && v.0[0] == c.0[0],
                _ => {
                    // `=1.2` matches 1.2.x when the patch is not given.
                    (0..c.2.max(1)).all(|i| v.0[i] == c.0[i]) && (c.2 < 3 || v.1 == c.1)
                }
            };
            // Masterminds: a version with a prerelease only satisfies constraints that have one.
            let pre_ok = v.1.is_empty() || !c.1.is_empty();
            if !ok || !pre_ok {
                all = false;
                break;
            }
        }
        if all {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A reading of Masterminds' constraint grammar (`^(\s*(op)\s*(cv)\s*,?)+$`) that takes the
/// longest operator and each part of a version as far as it goes: what it accepts the grammar
/// accepts (it is one way of matching it); what it refuses is left to the expression.
fn plainly_valid(alt: &str) -> bool {
    let b = alt.as_bytes();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    let run = |i: &mut usize, ok: fn(u8) -> bool| {
        let from = *i;
        while *i < b.len() && ok(b[*i]) {
            *i += 1;
        }
        *i > from
    };
    let num = |c: u8| c.is_ascii_digit() || matches!(c, b'|' | b'x' | b'X' | b'*');
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'-';
    let mut terms = 0;
    loop {
        // The end comes after a version and its spaces, or after its comma (not spaces after
        // that comma: nothing of the grammar reads them).
        if i == b.len() {
            return terms > 0;
        }
        skip_ws(&mut i);
        if i == b.len() {
            return false;
        }
        for op in ["!=", ">=", "=>", "<=", "=<", "~>", ">", "<", "=", "~", "^"] {
            if alt[i..].starts_with(op) {
                i += op.len();
                break;
            }
        }
        skip_ws(&mut i);
        if b.get(i) == Some(&b'v') {
            i += 1;
        }
        if !run(&mut i, num) {
            return false;
        }
        for _ in 0..2 {
            if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(|&c| num(c)) {
                i += 1;
                run(&mut i, num);
            }
        }
        for sep in [b'-', b'+'] {
            if b.get(i) == Some(&sep) {
                i += 1;
                if !run(&mut i, ident) {
                    return false;
                }
                while b.get(i) == Some(&b'.') {
                    i += 1;
                    if !run(&mut i, ident) {
                        return false;
                    }
                }
            }
        }
        skip_ws(&mut i);
        if b.get(i) == Some(&b',') {
            i += 1;
        }
        terms += 1;
    }
}

/// ([major, minor, patch], prerelease, how many numbers were given).
pub(super) type Version = ([u64; 3], String, usize);

pub(super) fn parse_version(s: &str) -> Option<Version> {
    let s = s.trim().trim_start_matches('v');
    let (core, pre) = match s.split_once('-') {
        Some((c, p)) => (c, p.split('+').next().unwrap_or("").to_string()),
        None => (s.split('+').next().unwrap_or(s), String::new()),
    };
    let mut nums = [0u64; 3];
    let mut n = 0;
    for (i, part) in core.split('.').enumerate() {
        if i >= 3 {
            return None;
        }
        if part == "x" || part == "X" || part == "*" {
            break;
        }
        nums[i] = part.parse().ok()?;
        n = i + 1;
    }
    Some((nums, pre, n))
}

/// Masterminds/semver's `NewVersion`: `v?N(.N(.N)?)?(-PRE)?(+META)?`, the identifiers of
/// PRE and META `[0-9A-Za-z-]+` separated by dots, a numeric PRE identifier without a leading
/// zero. The numbers (missing ones 0), the pre-release and the metadata, or Masterminds' error.
pub(super) fn masterminds_version(text: &str) -> Result<([u64; 3], &str, &str), &'static str> {
    const INVALID: &str = "invalid semantic version";
    let s = text.strip_prefix('v').unwrap_or(text);
    let core_end = s.find(['-', '+']).unwrap_or(s.len());
    let mut nums = [0u64; 3];
    for (i, part) in s[..core_end].split('.').enumerate() {
        if i >= 3 || part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(INVALID);
        }
        nums[i] = part.parse().map_err(|_| "Error parsing version segment")?;
    }
    let rest = &s[core_end..];
    let (pre, meta) = match rest.strip_prefix('-') {
        Some(r) => r.split_once('+').unwrap_or((r, "")),
        None => ("", rest.strip_prefix('+').unwrap_or("")),
    };
    let idents_ok = |part: &str| {
        part.split('.')
            .all(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    };
    if (rest.starts_with('-') && !idents_ok(pre)) || (rest.contains('+') && !idents_ok(meta)) {
        return Err(INVALID);
    }
    if !pre.is_empty()
        && pre
            .split('.')
            .any(|id| id.len() > 1 && id.starts_with('0') && id.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("version segment starts with 0");
    }
    Ok((nums, pre, meta))
}

pub(super) fn cmp_versions(a: &Version, b: &Version) -> std::cmp::Ordering {
    a.0.cmp(&b.0)
        .then_with(|| match (a.1.is_empty(), b.1.is_empty()) {
            (true, true) => std::cmp::Ordering::Equal,
            (true, false) => std::cmp::Ordering::Greater,
            (false, true) => std::cmp::Ordering::Less,
            (false, false) => a.1.cmp(&b.1),
        })
}

pub(super) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Nil => "invalid",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Int64(_) => "int64",
        Value::Uint(_) => "uint64",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::List(_) => "slice",
        Value::Map(_) => match v.struct_type() {
            // Go values the renderer keeps as maps of methods: a pointer (Helm's
            // `*common.Capabilities`, `*semver.Version`), a named slice (`common.VersionSet`),
            // else a struct (`time.Time`, `common.KubeVersion`).
            Some(name) if name.starts_with('*') => "ptr",
            Some(name) if name == super::super::engine::VERSION_SET => "slice",
            Some(_) => "struct",
            None => "map",
        },
        _ => "func",
    }
}

pub(super) fn type_of(v: &Value) -> std::borrow::Cow<'static, str> {
    if let Some(name) = v.struct_type() {
        return name.into();
    }
    if let Some(ty) = v.go_type() {
        return ty.name.into();
    }
    match v {
        Value::Nil => "<nil>",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Int64(_) => "int64",
        Value::Uint(_) => "uint64",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::List(_) => "[]interface {}",
        Value::Map(_) => "map[string]interface {}",
        _ => "func",
    }
    .into()
}

pub(super) fn register(m: &mut FuncMap) {
    f!(m, "int", |a: &[Value]| -> R {
        Ok(Value::Int(to_int(a.first().unwrap_or(&Value::Nil))))
    });
    f!(m, "int64", |a: &[Value]| -> R {
        Ok(Value::Int64(to_int(a.first().unwrap_or(&Value::Nil))))
    });
    f!(m, "atoi", |a: &[Value]| -> R {
        Ok(Value::Int(
            // Go's strconv.Atoi: no spaces, no `_`, no prefixes.
            to_str(a.first().unwrap_or(&Value::Nil))
                .parse()
                .unwrap_or(0),
        ))
    });
    f!(m, "float64", |a: &[Value]| -> R {
        Ok(Value::Float(to_float(a.first().unwrap_or(&Value::Nil))))
    });
    f!(m, "add", |a: &[Value]| -> R {
        Ok(Value::Int64(
            a.iter().map(to_int).fold(0, i64::wrapping_add),
        ))
    });
    f!(m, "add1", |a: &[Value]| -> R {
        Ok(Value::Int64(to_int(arg(a, 0, "add1")?).wrapping_add(1)))
    });
    f!(m, "sub", |a: &[Value]| -> R {
        Ok(Value::Int64(
            to_int(arg(a, 0, "sub")?).wrapping_sub(to_int(arg(a, 1, "sub")?)),
        ))
    });
    f!(m, "mul", |a: &[Value]| -> R {
        Ok(Value::Int64(
            a.iter().map(to_int).fold(1, i64::wrapping_mul),
        ))
    });
    f!(m, "div", |a: &[Value]| -> R {
        let d = to_int(arg(a, 1, "div")?);
        if d == 0 {
            return Err(err("integer divide by zero"));
        }
        Ok(Value::Int64(to_int(&a[0]).wrapping_div(d)))
    });
    f!(m, "mod", |a: &[Value]| -> R {
        let d = to_int(arg(a, 1, "mod")?);
        if d == 0 {
            return Err(err("integer divide by zero"));
        }
        Ok(Value::Int64(to_int(&a[0]).wrapping_rem(d)))
    });
    for name in ["max", "biggest"] {
        m.insert(
            name.to_string(),
            Arc::new(|a: &[Value]| -> R {
                Ok(Value::Int64(a.iter().map(to_int).max().unwrap_or(0)))
            }),
        );
    }
    f!(m, "maxf", |a: &[Value]| -> R {
        Ok(Value::Float(
            a.iter().map(to_float).fold(f64::NEG_INFINITY, f64::max),
        ))
    });
    f!(m, "minf", |a: &[Value]| -> R {
        Ok(Value::Float(
            a.iter().map(to_float).fold(f64::INFINITY, f64::min),
        ))
    });
    f!(m, "add1f", |a: &[Value]| -> R {
        Ok(Value::Float(to_float(arg(a, 0, "add1f")?) + 1.0))
    });
    f!(m, "toDecimal", |a: &[Value]| -> R {
        Ok(Value::Int64(
            i64::from_str_radix(&to_str(arg(a, 0, "toDecimal")?), 8).unwrap_or(0),
        ))
    });
    f!(m, "min", |a: &[Value]| -> R {
        Ok(Value::Int64(a.iter().map(to_int).min().unwrap_or(0)))
    });
    // Sprig's decimal float arithmetic (funcs/decimal.rs).
    let decimal_ops = [
        ("addf", Op::Add, 0),
        ("subf", Op::Sub, 1),
        ("mulf", Op::Mul, 1),
        ("divf", Op::Div, 1),
    ];
    for (name, op, first_is_operand) in decimal_ops {
        m.insert(
            name.to_string(),
            Arc::new(move |a: &[Value]| -> R {
                // `addf` starts from 0 and adds every argument; the others start from the first.
                let (first, rest) = if first_is_operand == 1 {
                    (to_float(arg(a, 0, name)?), &a[1..])
                } else {
                    (0.0, a)
                };
                decimal::fold(first, rest.iter().map(to_float), op)
                    .map(Value::Float)
                    .ok_or_else(|| err("decimal division by 0"))
            }),
        );
    }
    f!(m, "ceil", |a: &[Value]| -> R {
        Ok(Value::Float(to_float(arg(a, 0, "ceil")?).ceil()))
    });
    f!(m, "floor", |a: &[Value]| -> R {
        Ok(Value::Float(to_float(arg(a, 0, "floor")?).floor()))
    });
    // Sprig's round: the fraction (of the sign of the number, as Go's math.Modf gives it)
    // rounds up from `roundOn` (.5 unless given), else the number is floored: -3.3 and -3.5
    // give -4, as Helm prints them (differential seed 63).
    f!(m, "round", |a: &[Value]| -> R {
        let p = a.get(1).map(to_int).unwrap_or(0) as i32;
        let round_on = a.get(2).map(to_float).unwrap_or(0.5);
        let pow = 10f64.powi(p);
        let digit = to_float(arg(a, 0, "round")?) * pow;
        let r = if digit.fract() >= round_on {
            digit.ceil()
        } else {
            digit.floor()
        };
        Ok(Value::Float(r / pow))
    });
    f!(m, "semverCompare", |a: &[Value]| -> R {
        Ok(Value::Bool(semver_compare(
            &to_str(arg(a, 0, "semverCompare")?),
            &to_str(arg(a, 1, "semverCompare")?),
        )?))
    });
    f!(m, "kindOf", |a: &[Value]| -> R {
        Ok(s(kind_of(arg(a, 0, "kindOf")?)))
    });
    f!(m, "kindIs", |a: &[Value]| -> R {
        Ok(Value::Bool(
            to_str(arg(a, 0, "kindIs")?) == kind_of(arg(a, 1, "kindIs")?),
        ))
    });
    f!(m, "typeOf", |a: &[Value]| -> R {
        Ok(s(&type_of(arg(a, 0, "typeOf")?)))
    });
    f!(m, "typeIsLike", |a: &[Value]| -> R {
        let want = to_str(arg(a, 0, "typeIsLike")?);
        let have = type_of(arg(a, 1, "typeIsLike")?);
        Ok(Value::Bool(want == have || format!("*{want}") == have))
    });
    f!(m, "typeIs", |a: &[Value]| -> R {
        Ok(Value::Bool(
            to_str(arg(a, 0, "typeIs")?) == type_of(arg(a, 1, "typeIs")?).as_ref(),
        ))
    });
    f!(m, "deepEqual", |a: &[Value]| -> R {
        // reflect.DeepEqual: types count (`1` is an int, `add 0 1` an int64, `1.0` a float64).
        Ok(Value::Bool(
            arg(a, 0, "deepEqual")? == arg(a, 1, "deepEqual")?,
        ))
    });
    f!(m, "semver", |a: &[Value]| -> R {
        // Masterminds' NewVersion: numbers (a `v` prefix allowed), no wildcards.
        let text = to_str(arg(a, 0, "semver")?);
        let (nums, pre, metadata) = masterminds_version(&text).map_err(err)?;
        let v = (nums, pre.to_string(), 3);
        let metadata = metadata.to_string();
        let mut shown = format!("{}.{}.{}", v.0[0], v.0[1], v.0[2]);
        if !v.1.is_empty() {
            shown = format!("{shown}-{}", v.1);
        }
        if !metadata.is_empty() {
            shown = format!("{shown}+{metadata}");
        }
        let mut m = BTreeMap::new();
        m.insert(Arc::from("Major"), Value::Uint(v.0[0]));
        m.insert(Arc::from("Minor"), Value::Uint(v.0[1]));
        m.insert(Arc::from("Patch"), Value::Uint(v.0[2]));
        m.insert(Arc::from("Prerelease"), s(&v.1));
        m.insert(Arc::from("Metadata"), s(&metadata));
        m.insert(Arc::from("Original"), s(&text));
        // Go's type, and its JSON (`MarshalJSON`: the String text).
        m.insert(
            Arc::from(gotmpl::STRUCT_TYPE),
            Value::Function(Arc::new(|_: &[Value]| -> R { Ok(s("*semver.Version")) })),
        );
        let json = s(&shown);
        m.insert(
            Arc::from(super::GO_JSON),
            Value::Function(Arc::new(move |_: &[Value]| -> R { Ok(json.clone()) })),
        );
        // Its fields, for `%#v` (`&semver.Version{major:0x1, …, original:"1.2.3"}`) and the
        // verbs fmt applies field by field.
        let fields = gotmpl::Value::List(
            [
                ("major", Value::Uint(v.0[0])),
                ("minor", Value::Uint(v.0[1])),
                ("patch", Value::Uint(v.0[2])),
                ("pre", s(&v.1)),
                ("metadata", s(&metadata)),
                ("original", s(&text)),
            ]
            .into_iter()
            .map(|(name, value)| Value::List(vec![s(name), value].into()))
            .collect(),
        );
        m.insert(
            Arc::from(gotmpl::STRUCT_VALUES),
            Value::Function(Arc::new(move |_: &[Value]| -> R { Ok(fields.clone()) })),
        );
        // Printed as Go prints a *semver.Version: its String method.
        let printed = s(&shown);
        m.insert(
            Arc::from("String"),
            Value::Function(Arc::new(move |_: &[Value]| -> R { Ok(printed.clone()) })),
        );
        Ok(Value::Map(MapRef::new(m)))
    });
}

#[cfg(test)]
mod tests {
    use super::{RANGE, VALID, masterminds_version, plainly_valid};
    use gotmpl::Value;

    proptest::proptest! {
        /// What the plain reading accepts, Masterminds' constraint grammar accepts; a range
        /// rewrite happens only where a dash stands between spaces.
        #[test]
        fn the_plain_constraint_reading_accepts_only_what_the_grammar_does(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                ">", "<", "=", "!", "~", "^", "v", "1", "2", "0", ".", "-", "+", "x", "*", "|",
                ",", " ", "\t", "a", "rc", "é",
            ]), 0..16),
        ) {
            let c: String = parts.concat();
            if plainly_valid(&c) {
                proptest::prop_assert!(VALID.is_match(&c), "{c:?}");
            }
            let spaced = c.char_indices().any(|(i, ch)| {
                ch == '-'
                    && c[..i].ends_with(char::is_whitespace)
                    && c[i + 1..].starts_with(char::is_whitespace)
            });
            if !spaced {
                proptest::prop_assert!(!RANGE.is_match(&c), "{c:?}");
            }
        }
    }

    /// Sprig's round, as `helm template` printed it (tests/data/helm-diff/round-negative).
    #[test]
    fn round_floors_a_fraction_under_round_on() {
        let mut m = gotmpl::FuncMap::new();
        super::register(&mut m);
        let round = m.get("round").unwrap();
        let f = |a: &[Value]| match round(a).unwrap() {
            Value::Float(x) => x,
            v => panic!("{v:?}"),
        };
        assert_eq!(f(&[Value::Float(-3.3), Value::Int(0)]), -4.0);
        assert_eq!(f(&[Value::Float(-0.2), Value::Int(0)]), -1.0);
        assert_eq!(f(&[Value::Float(-3.0), Value::Int(0)]), -3.0);
        assert_eq!(f(&[Value::Float(2.5), Value::Int(0)]), 3.0);
        assert_eq!(f(&[Value::Float(2.4), Value::Int(0)]), 2.0);
        assert_eq!(
            f(&[Value::Float(2.3), Value::Int(0), Value::Float(0.3)]),
            2.0
        );
        assert_eq!(f(&[Value::Float(1234.5678), Value::Int(-2)]), 1200.0);
    }

    /// Each text checked with Helm's `semver` (Masterminds/semver v3).
    #[test]
    fn semver_reads_what_masterminds_reads() {
        for (text, nums, pre, meta) in [
            ("01.2.3", [1, 2, 3], "", ""),
            ("1.2", [1, 2, 0], "", ""),
            ("v1", [1, 0, 0], "", ""),
            ("1.2.3-0a", [1, 2, 3], "0a", ""),
            ("1.2.3-rc.1+b.01", [1, 2, 3], "rc.1", "b.01"),
            ("1.2.3+b-c", [1, 2, 3], "", "b-c"),
            ("1.2.3-a-b+m", [1, 2, 3], "a-b", "m"),
        ] {
            assert_eq!(masterminds_version(text), Ok((nums, pre, meta)), "{text}");
        }
        for text in [
            "1.2.3-a..b",
            "1.2.3+x_y",
            "1.2.3-a_b",
            "1.2.3.4",
            " 1.2.3",
            "1.2.3-",
            "2024-02-29 00:00:00 Thu Feb",
            "",
            "x",
        ] {
            assert_eq!(
                masterminds_version(text),
                Err("invalid semantic version"),
                "{text}"
            );
        }
        assert_eq!(
            masterminds_version("1.2.3-01"),
            Err("version segment starts with 0")
        );
    }
}
