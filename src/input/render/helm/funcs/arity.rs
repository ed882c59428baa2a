//! Go checks the number of arguments of a template function against its signature before
//! calling it (`{{ toString 1 2 }}` fails in Helm with "wrong number of args for toString:
//! want 1 got 2"). The library's functions take a slice; this table holds Sprig's and Helm's
//! signatures so that each call is checked as Go checks it.

use super::*;

/// (function, fixed arguments, variadic): `want N` or `want at least N`.
const SIGNATURES: &[(&str, usize, bool)] = &[
    // One argument.
    ("toString", 1, false),
    ("upper", 1, false),
    ("lower", 1, false),
    ("title", 1, false),
    ("untitle", 1, false),
    ("trim", 1, false),
    ("nospace", 1, false),
    ("initials", 1, false),
    ("swapcase", 1, false),
    ("snakecase", 1, false),
    ("camelcase", 1, false),
    ("kebabcase", 1, false),
    ("b64enc", 1, false),
    ("b64dec", 1, false),
    ("b32enc", 1, false),
    ("b32dec", 1, false),
    ("sha1sum", 1, false),
    ("sha256sum", 1, false),
    ("sha512sum", 1, false),
    ("trimall", 2, false),
    ("duration", 1, false),
    ("durationRound", 1, false),
    ("bcrypt", 1, false),
    ("getHostByName", 1, false),
    ("buildCustomCert", 2, false),
    ("adler32sum", 1, false),
    ("toJson", 1, false),
    ("toPrettyJson", 1, false),
    ("toRawJson", 1, false),
    ("fromJson", 1, false),
    ("fromJsonArray", 1, false),
    ("toYaml", 1, false),
    ("fromYaml", 1, false),
    ("fromYamlArray", 1, false),
    ("toToml", 1, false),
    ("kindOf", 1, false),
    ("typeOf", 1, false),
    ("base", 1, false),
    ("dir", 1, false),
    ("clean", 1, false),
    ("ext", 1, false),
    ("isAbs", 1, false),
    ("int", 1, false),
    ("int64", 1, false),
    ("float64", 1, false),
    ("atoi", 1, false),
    ("add1", 1, false),
    ("add1f", 1, false),
    ("floor", 1, false),
    ("ceil", 1, false),
    ("first", 1, false),
    ("last", 1, false),
    ("rest", 1, false),
    ("initial", 1, false),
    ("reverse", 1, false),
    ("uniq", 1, false),
    ("compact", 1, false),
    ("deepCopy", 1, false),
    ("toStrings", 1, false),
    ("urlParse", 1, false),
    ("urlJoin", 1, false),
    ("semver", 1, false),
    ("htmlDate", 1, false),
    ("unixEpoch", 1, false),
    ("ago", 1, false),
    ("regexQuoteMeta", 1, false),
    ("sortAlpha", 1, false),
    ("toDecimal", 1, false),
    ("until", 1, false),
    ("empty", 1, false),
    ("fail", 1, false),
    ("values", 1, false),
    // Two.
    ("indent", 2, false),
    ("nindent", 2, false),
    ("repeat", 2, false),
    ("trunc", 2, false),
    ("abbrev", 2, false),
    ("wrap", 2, false),
    ("contains", 2, false),
    ("hasPrefix", 2, false),
    ("hasSuffix", 2, false),
    ("trimAll", 2, false),
    ("trimPrefix", 2, false),
    ("trimSuffix", 2, false),
    ("split", 2, false),
    ("splitList", 2, false),
    ("join", 2, false),
    ("sub", 2, false),
    ("div", 2, false),
    ("mod", 2, false),
    ("randInt", 2, false),
    ("regexMatch", 2, false),
    ("regexFind", 2, false),
    ("semverCompare", 2, false),
    ("get", 2, false),
    ("unset", 2, false),
    ("hasKey", 2, false),
    ("append", 2, false),
    ("push", 2, false),
    ("prepend", 2, false),
    ("has", 2, false),
    ("chunk", 2, false),
    ("kindIs", 2, false),
    ("typeIs", 2, false),
    ("typeIsLike", 2, false),
    ("deepEqual", 2, false),
    ("date", 2, false),
    ("toDate", 2, false),
    ("dateModify", 2, false),
    ("htmlDateInZone", 2, false),
    // Three.
    ("replace", 3, false),
    ("substr", 3, false),
    ("abbrevboth", 3, false),
    ("wrapWith", 3, false),
    ("splitn", 3, false),
    ("untilStep", 3, false),
    ("regexFindAll", 3, false),
    ("regexReplaceAll", 3, false),
    ("regexReplaceAllLiteral", 3, false),
    ("regexSplit", 3, false),
    ("ternary", 3, false),
    ("set", 3, false),
    ("plural", 3, false),
    ("dateInZone", 3, false),
    // At least this many.
    ("default", 1, true),
    ("round", 2, true),
    ("subf", 1, true),
    ("divf", 1, true),
    ("mulf", 1, true),
    ("mul", 1, true),
    ("max", 1, true),
    ("min", 1, true),
    ("maxf", 1, true),
    ("minf", 1, true),
    ("merge", 1, true),
    ("mergeOverwrite", 1, true),
    ("pick", 1, true),
    ("omit", 1, true),
    ("pluck", 1, true),
    ("without", 1, true),
];

/// A Sprig function's name and the name of its `must` form (`toYaml`, `mustToYaml`): both
/// wrappers (count here, types in `types.rs`) guard both.
pub(super) fn with_must_form(name: &str) -> [String; 2] {
    let mut c = name.chars();
    let first = c
        .next()
        .map(|f| f.to_uppercase().to_string())
        .unwrap_or_default();
    [name.to_string(), format!("must{first}{}", c.as_str())]
}

/// Wraps each function of the table (and its `must` form) with Go's argument count check.
pub(super) fn check_arity(m: &mut FuncMap) {
    for &(name, want, variadic) in SIGNATURES {
        for n in with_must_form(name) {
            let Some(inner) = m.get(&n).cloned() else {
                continue;
            };
            let shown = n.clone();
            m.insert(
                n,
                Arc::new(move |a: &[Value]| -> R {
                    let ok = if variadic {
                        a.len() >= want
                    } else {
                        a.len() == want
                    };
                    if !ok {
                        let at_least = if variadic { "at least " } else { "" };
                        return Err(err(format!(
                            "wrong number of args for {shown}: want {at_least}{want} got {}",
                            a.len()
                        )));
                    }
                    inner(a)
                }),
            );
        }
    }
}
