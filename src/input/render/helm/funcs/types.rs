//! Go converts each argument of a template function to the parameter's type before calling it,
//! and fails when it cannot (text/template's `validateType`): `{{ trunc .Values.len "x" }}`
//! fails in Helm with "wrong type for value; expected int; got float64", since every number of
//! values.yaml is a float64, and `{{ upper 5 }}` or `{{ hasKey .Values.name "x" }}` fail alike.
//! The library's functions take any value; this table holds the typed parameters of Sprig's and
//! Helm's signatures so that each call is checked as Go checks it.

use super::arity::with_must_form;
use super::*;

/// (function, parameter types, type of the variadic rest): `s` string, `i` int, `b` bool,
/// `m` map[string]interface {}, `.` anything (interface{}, or a type not checked here).
const PARAMS: &[(&str, &str, Option<char>)] = &[
    // Strings.
    ("upper", "s", None),
    ("lower", "s", None),
    ("title", "s", None),
    ("untitle", "s", None),
    ("trim", "s", None),
    ("nospace", "s", None),
    ("initials", "s", None),
    ("swapcase", "s", None),
    ("snakecase", "s", None),
    ("camelcase", "s", None),
    ("kebabcase", "s", None),
    ("shuffle", "s", None),
    ("b64enc", "s", None),
    ("b64dec", "s", None),
    ("b32enc", "s", None),
    ("b32dec", "s", None),
    ("sha1sum", "s", None),
    ("sha256sum", "s", None),
    ("sha512sum", "s", None),
    ("adler32sum", "s", None),
    ("trimAll", "ss", None),
    ("trimSuffix", "ss", None),
    ("trimPrefix", "ss", None),
    ("contains", "ss", None),
    ("hasPrefix", "ss", None),
    ("hasSuffix", "ss", None),
    ("replace", "sss", None),
    ("repeat", "is", None),
    ("substr", "iis", None),
    ("trunc", "is", None),
    ("abbrev", "is", None),
    ("abbrevboth", "iis", None),
    ("wrap", "is", None),
    ("wrapWith", "iss", None),
    ("indent", "is", None),
    ("nindent", "is", None),
    ("plural", "ssi", None),
    ("split", "ss", None),
    ("splitList", "ss", None),
    ("splitn", "sis", None),
    ("regexMatch", "ss", None),
    ("regexFind", "ss", None),
    ("regexFindAll", "ssi", None),
    ("regexReplaceAll", "sss", None),
    ("regexReplaceAllLiteral", "sss", None),
    ("regexSplit", "ssi", None),
    ("regexQuoteMeta", "s", None),
    ("base", "s", None),
    ("dir", "s", None),
    ("clean", "s", None),
    ("ext", "s", None),
    ("isAbs", "s", None),
    ("urlParse", "s", None),
    ("toDate", "ss", None),
    ("semver", "s", None),
    ("semverCompare", "ss", None),
    ("fromYaml", "s", None),
    ("fromYamlArray", "s", None),
    ("fromJson", "s", None),
    ("fromJsonArray", "s", None),
    ("fromToml", "s", None),
    // Numbers and lists of numbers.
    ("until", "i", None),
    ("untilStep", "iii", None),
    ("seq", "", Some('i')),
    ("randInt", "ii", None),
    ("randAlphaNum", "i", None),
    ("randAlpha", "i", None),
    ("randNumeric", "i", None),
    ("randAscii", "i", None),
    ("randBytes", "i", None),
    ("chunk", "i.", None),
    ("ternary", "..b", None),
    // Keys, certificates, passwords.
    ("genPrivateKey", "s", None),
    ("genCA", "si", None),
    ("genSelfSignedCert", "s..i", None),
    ("genSignedCert", "s..i.", None),
    ("htpasswd", "ss", None),
    ("trimall", "ss", None),
    ("bcrypt", "s", None),
    ("getHostByName", "s", None),
    ("buildCustomCert", "ss", None),
    ("encryptAES", "ss", None),
    ("decryptAES", "ss", None),
    // Dictionaries.
    ("hasKey", "ms", None),
    ("get", "ms", None),
    ("set", "ms.", None),
    ("unset", "ms", None),
    ("keys", "", Some('m')),
    ("values", "m", None),
    ("pluck", "s", Some('m')),
    ("pick", "m", Some('s')),
    ("omit", "m", Some('s')),
    // Sprig's merge(dst, srcs ...map[string]interface{}): every source is a map too.
    ("merge", "m", Some('m')),
    ("mergeOverwrite", "m", Some('m')),
    ("urlJoin", "m", None),
    // Helm's.
    ("include", "s.", None),
    ("tpl", "s.", None),
    ("required", "s.", None),
    ("fail", "s", None),
    // Sprig's atoi(string).
    ("atoi", "s", None),
];

/// Go's name of the type of a template value (`reflect.Type.String`).
pub(super) fn go_type(v: &Value) -> std::borrow::Cow<'static, str> {
    super::math::type_of(v)
}

/// Checks one argument against a parameter type as `validateType` does; `typed_nil`: the
/// argument is a nil read from a field (`gotmpl::literal::nil_fields`), Go's nil
/// `interface {}`, which no concrete parameter type takes (`hasKey .Values.missing "k"`
/// fails in Helm where `hasKey nil "k"` and `hasKey (.Values.missing) "k"` do not).
fn check(v: &Value, want: char, typed_nil: bool, constant: bool) -> Result<(), TemplateError> {
    if constant {
        return check_constant(v, want);
    }
    if typed_nil && matches!(v, Value::Nil) {
        let name = match want {
            's' => "string",
            'i' => "int",
            'b' => "bool",
            'm' => "map[string]interface {}",
            _ => return Ok(()),
        };
        return Err(err(format!(
            "wrong type for value; expected {name}; got interface {{}}"
        )));
    }
    let (ok, name) = match want {
        's' => (matches!(v, Value::String(_)), "string"),
        'i' => (matches!(v, Value::Int(_)), "int"),
        'b' => (matches!(v, Value::Bool(_)), "bool"),
        // A nil map is a map (Go passes the zero value).
        // A `map[string]string` (`split`) is not assignable to it; a named map type over it
        // (Helm's `common.Values`) is.
        'm' => (
            matches!(v, Value::Nil)
                || matches!(v, Value::Map(_)) && v.go_type().is_none_or(|t| t.any_elems),
            "map[string]interface {}",
        ),
        _ => return Ok(()),
    };
    if ok {
        return Ok(());
    }
    Err(err(match v {
        Value::Nil => format!("invalid value; expected {name}"),
        other => format!(
            "wrong type for value; expected {name}; got {}",
            go_type(other)
        ),
    }))
}

/// A constant written in the template against a parameter type, as Go's `evalArg` converts
/// it: a string, integer or boolean node of another kind is `expected integer; found "x"`
/// (the node as written), a constant for a map parameter `can't handle 1 for arg of type
/// map[string]interface {}`, `nil` for a string, int or bool `cannot assign nil to string`.
fn check_constant(v: &Value, want: char) -> Result<(), TemplateError> {
    let ok = match want {
        's' => matches!(v, Value::String(_)),
        'i' => matches!(v, Value::Int(_)),
        'b' => matches!(v, Value::Bool(_)),
        'm' => matches!(v, Value::Nil),
        _ => true,
    };
    if ok {
        return Ok(());
    }
    let name = match want {
        's' => "string",
        'i' => "int",
        'b' => "bool",
        _ => "map[string]interface {}",
    };
    if matches!(v, Value::Nil) {
        return Err(err(format!("cannot assign nil to {name}")));
    }
    let mut found = String::new();
    match v {
        Value::String(s) => gotmpl::go_quote_into_with(&mut found, s, false),
        other => found.push_str(&other.to_string()),
    }
    Err(err(match want {
        's' => format!("expected string; found {found}"),
        'i' => format!("expected integer; found {found}"),
        'b' => format!("expected bool; found {found}"),
        _ => format!("can't handle {found} for arg of type {name}"),
    }))
}

/// Wraps each function of the table (and its `must` form) with Go's argument type check.
/// Arity is checked first (`arity.rs`), as Go checks the count before converting.
pub(crate) fn check_types(m: &mut FuncMap) {
    for &(name, params, rest) in PARAMS {
        for n in with_must_form(name) {
            let Some(inner) = m.get(&n).cloned() else {
                continue;
            };
            m.insert(
                n,
                Arc::new(move |a: &[Value]| -> R {
                    // A float constant written in the template with an integral value (`3.0`)
                    // is an int for an int parameter, as Go converts constants.
                    let literal = gotmpl::literal::integral_floats();
                    let nil_fields = gotmpl::literal::nil_fields();
                    let constants = gotmpl::literal::constants();
                    let mut converted: Option<Vec<Value>> = None;
                    let mut want = params.chars().chain(std::iter::repeat(rest.unwrap_or('.')));
                    for (i, v) in a.iter().enumerate() {
                        let want = want.next().unwrap_or('.');
                        if let (Value::Float(f), 'i') = (v, want)
                            && i < 64
                            && literal & (1 << i) != 0
                        {
                            converted.get_or_insert_with(|| a.to_vec())[i] = Value::Int(*f as i64);
                            continue;
                        }
                        let bit = |mask: u64| i < 64 && mask & (1 << i) != 0;
                        check(v, want, bit(nil_fields), bit(constants))?;
                    }
                    inner(converted.as_deref().unwrap_or(a))
                }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lib() -> FuncMap {
        let mut m = library();
        check_types(&mut m);
        m
    }

    #[test]
    fn arguments_of_the_wrong_go_type_fail_as_in_helm() {
        let m = lib();
        let call = |n: &str, a: &[Value]| m[n](a);
        let msg = |r: R| r.unwrap_err().to_string();
        // Values are float64s: not an int.
        assert!(
            msg(call("trunc", &[Value::Float(3.0), Value::from("abcdef")]))
                .contains("wrong type for value; expected int; got float64")
        );
        // Sprig's math gives int64s: not an int either.
        assert!(
            msg(call("until", &[Value::Int64(3)]))
                .contains("wrong type for value; expected int; got int64")
        );
        assert!(
            msg(call("upper", &[Value::Int(5)]))
                .contains("wrong type for value; expected string; got int")
        );
        assert!(
            msg(call("hasKey", &[Value::from("x"), Value::from("k")]))
                .contains("expected map[string]interface {}; got string")
        );
        assert!(msg(call("fromYaml", &[Value::Nil])).contains("invalid value; expected string"));
        // Every source of merge is a map (Helm: `mustMerge (dict) true` fails), and atoi
        // takes a string.
        let dict = || Value::Map(gotmpl::MapRef::new(Default::default()));
        assert!(
            msg(call("mustMerge", &[dict(), dict(), Value::Bool(true)]))
                .contains("expected map[string]interface {}; got bool")
        );
        assert!(call("merge", &[dict(), Value::Nil, dict()]).is_ok());
        assert!(
            msg(call("atoi", &[dict()]))
                .contains("wrong type for value; expected string; got map[string]interface {}")
        );
        assert!(
            msg(call(
                "ternary",
                &[Value::from("a"), Value::from("b"), Value::from("x")]
            ))
            .contains("expected bool; got string")
        );
        assert!(
            msg(call("seq", &[Value::Int(1), Value::Float(2.0)]))
                .contains("expected int; got float64")
        );
        // What Go accepts.
        assert_eq!(
            call("trunc", &[Value::Int(3), Value::from("abcdef")]).unwrap(),
            Value::from("abc")
        );
        assert!(call("hasKey", &[Value::Nil, Value::from("k")]).is_ok());
        // A nil read from a field is Go's typed nil `interface {}`: refused.
        gotmpl::literal::set_nil_fields_for_test(1);
        let typed = call("hasKey", &[Value::Nil, Value::from("k")]);
        let upper = call("upper", &[Value::Nil]);
        gotmpl::literal::set_nil_fields_for_test(0);
        assert_eq!(
            msg(typed),
            "execution error: wrong type for value; expected map[string]interface {}; got interface {}"
        );
        assert!(msg(upper).contains("wrong type for value; expected string; got interface {}"));
        // Sprig's list functions check the kind themselves.
        let list = Value::List(vec![Value::Int(1)].into());
        assert_eq!(
            msg(call("first", &[Value::from("abc")])),
            "execution error: Cannot find first on type string"
        );
        assert_eq!(
            msg(call("concat", &[list.clone(), Value::Float(2.0)])),
            "execution error: Cannot concat type float64 as list"
        );
        assert_eq!(
            msg(call(
                "append",
                &[Value::Map(MapRef::new(BTreeMap::new())), Value::Int(1)]
            )),
            "execution error: Cannot push on type map"
        );
        assert!(msg(call("rest", &[Value::Nil])).contains("nil pointer dereference"));
        assert_eq!(
            call("has", &[Value::Int(1), Value::Nil]).unwrap(),
            Value::Bool(false)
        );
        assert_eq!(
            call("has", &[Value::Int(1), list]).unwrap(),
            Value::Bool(true)
        );
        assert!(call("pick", &[Value::Nil, Value::from("a"), Value::from("b")]).is_ok());
    }
}
