//! Sprig's path and URL functions: Go's `path` package (`base`, `dir`, `clean`, `ext`,
//! `isAbs`, and the `os…` forms, the same on Linux) and `net/url` (`urlParse`, `urlJoin`),
//! plus base32.

use super::*;

/// Go's `path.Clean`: the shortest equivalent slash path.
pub(super) fn clean(p: &str) -> String {
    crate::input::render::clean_slash_path(p)
}

/// Go's `path.Base`: the last element, trailing slashes removed.
pub(super) fn base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

/// Go's `path.Dir`: everything before the last element, cleaned.
pub(super) fn dir(p: &str) -> String {
    let cut = p.rfind('/').map_or(0, |i| i + 1);
    clean(&p[..cut])
}

/// Go's `path.Ext`: the suffix from the last dot of the last element.
pub(super) fn ext(p: &str) -> String {
    let last = &p[p.rfind('/').map_or(0, |i| i + 1)..];
    last.rfind('.')
        .map_or(String::new(), |i| last[i..].to_string())
}

/// Go's `url.Parse` reduced to the parts Sprig's `urlParse` returns.
fn url_parts(raw: &str) -> BTreeMap<&'static str, String> {
    let (rest, fragment) = raw.split_once('#').unwrap_or((raw, ""));
    let (scheme, rest) = match rest.split_once(':') {
        Some((sc, r))
            if !sc.is_empty()
                && sc.starts_with(|c: char| c.is_ascii_alphabetic())
                && sc
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            (sc.to_ascii_lowercase(), r)
        }
        _ => (String::new(), rest),
    };
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (mut userinfo, mut host, mut path, mut opaque) = (
        String::new(),
        String::new(),
        rest.to_string(),
        String::new(),
    );
    if let Some(auth_path) = rest.strip_prefix("//") {
        let cut = auth_path.find('/').unwrap_or(auth_path.len());
        let authority = &auth_path[..cut];
        path = auth_path[cut..].to_string();
        match authority.rsplit_once('@') {
            Some((u, h)) => (userinfo, host) = (u.to_string(), h.to_string()),
            None => host = authority.to_string(),
        }
    } else if !scheme.is_empty() && !rest.starts_with('/') {
        opaque = rest.to_string();
        path.clear();
    }
    let hostname = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or("").to_string(),
        None => host.split(':').next().unwrap_or("").to_string(),
    };
    BTreeMap::from([
        ("scheme", scheme),
        ("host", host),
        ("hostname", hostname),
        ("path", path),
        ("query", query.to_string()),
        ("opaque", opaque),
        ("fragment", fragment.to_string()),
        ("userinfo", userinfo),
    ])
}

/// Sprig's `dictGetOrEmpty`: a missing key is `""`; a value that is not a Go string
/// panics (`unable to parse host key, must be of type string, but map found`), and a nil
/// one dereferences `reflect.TypeOf(nil)`, which Go's template reports as the call's error.
fn url_part(m: &Value, key: &str) -> Result<String, TemplateError> {
    match entry(m, key) {
        None => Ok(String::new()),
        Some(Value::String(t)) => Ok(t.to_string()),
        Some(Value::Nil) => Err(err(
            "runtime error: invalid memory address or nil pointer dereference",
        )),
        Some(other) => Err(err(format!(
            "unable to parse {key} key, must be of type string, but {} found",
            super::math::kind_of(&other)
        ))),
    }
}

/// Go's `URL.String` of the parts `urlJoin` takes. The parts are read in Sprig's order
/// (scheme, host, path, query, opaque, fragment, userinfo): the first bad one is the error.
fn url_string(m: &Value) -> Result<String, TemplateError> {
    let mut parts = std::collections::HashMap::new();
    for k in [
        "scheme", "host", "path", "query", "opaque", "fragment", "userinfo",
    ] {
        parts.insert(k, url_part(m, k)?);
    }
    let part = |k: &str| parts[k].clone();
    let mut out = String::new();
    let scheme = part("scheme");
    if !scheme.is_empty() {
        out.push_str(&scheme);
        out.push(':');
    }
    let opaque = part("opaque");
    if !opaque.is_empty() {
        out.push_str(&opaque);
    } else {
        let (host, user, path) = (part("host"), part("userinfo"), part("path"));
        if !scheme.is_empty() || !host.is_empty() || !user.is_empty() {
            if !host.is_empty() || !path.is_empty() || !user.is_empty() {
                out.push_str("//");
            }
            if !user.is_empty() {
                // Sprig parses `proto://USERINFO@host`: the user ends at the last `@`, the
                // password after the user's first `:`; each is escaped on its own.
                let (name, password) = match user.split_once(':') {
                    Some((n, p)) => (n, Some(p)),
                    None => (user.as_str(), None),
                };
                out.push_str(&go_escape(name, Escape::UserPassword));
                if let Some(p) = password {
                    out.push(':');
                    out.push_str(&go_escape(p, Escape::UserPassword));
                }
                out.push('@');
            }
            out.push_str(&go_escape(&host, Escape::Host));
        }
        if !path.is_empty() && !path.starts_with('/') && !host.is_empty() {
            out.push('/');
        }
        if path == "*" {
            out.push('*');
        } else {
            out.push_str(&go_escape(&path, Escape::Path));
        }
    }
    let query = part("query");
    if !query.is_empty() {
        out.push('?');
        out.push_str(&query);
    }
    let fragment = part("fragment");
    if !fragment.is_empty() {
        out.push('#');
        out.push_str(&go_escape(&fragment, Escape::Fragment));
    }
    Ok(out)
}

/// Go's net/url escaping modes that `URL.String` uses (the query is written raw).
#[derive(Clone, Copy, PartialEq)]
enum Escape {
    Host,
    Path,
    UserPassword,
    Fragment,
}

/// Go's `url.escape`: each byte `shouldEscape` picks as `%XX` (upper-case hex).
fn go_escape(text: &str, mode: Escape) -> String {
    let should = |c: u8| -> bool {
        if c.is_ascii_alphanumeric() {
            return false;
        }
        if mode == Escape::Host
            && matches!(
                c,
                b'!' | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'['
                    | b']'
                    | b'<'
                    | b'>'
                    | b'"'
            )
        {
            return false;
        }
        match c {
            b'-' | b'_' | b'.' | b'~' => return false,
            b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => {
                return match mode {
                    Escape::Path => c == b'?',
                    Escape::UserPassword => matches!(c, b'@' | b'/' | b'?' | b':'),
                    Escape::Fragment => false,
                    Escape::Host => true,
                };
            }
            _ => {}
        }
        !(mode == Escape::Fragment && matches!(c, b'!' | b'(' | b')' | b'*'))
    };
    let mut out = String::with_capacity(text.len());
    for &c in text.as_bytes() {
        if should(c) {
            out.push_str(&format!("%{c:02X}"));
        } else {
            out.push(char::from(c));
        }
    }
    out
}

/// Go's `base32.StdEncoding` (RFC 4648, padded), as Sprig's `b32enc`.
fn b32enc(data: &[u8]) -> String {
    data_encoding::BASE32.encode(data)
}

/// Go's `base32.StdEncoding` decoding; `None` for malformed input (Sprig prints the error).
fn b32dec(text: &str) -> Option<Vec<u8>> {
    data_encoding::BASE32.decode(text.as_bytes()).ok()
}

pub(super) fn register(m: &mut FuncMap) {
    type PathFn = fn(&str) -> String;
    let path_fns: [(&str, PathFn); 5] = [
        ("base", base),
        ("dir", dir),
        ("clean", clean),
        ("ext", ext),
        ("isAbs", |p| (p.starts_with('/')).to_string()),
    ];
    for (name, func) in path_fns {
        let is_abs = name == "isAbs";
        let call = move |a: &[Value]| -> R {
            let out = func(&to_str(arg(a, 0, name)?));
            Ok(if is_abs {
                Value::Bool(out == "true")
            } else {
                s(&out)
            })
        };
        let os = format!("os{}{}", name[..1].to_uppercase(), &name[1..]);
        m.insert(os, Arc::new(call));
        m.insert(name.to_string(), Arc::new(call));
    }
    f!(m, "urlParse", |a: &[Value]| -> R {
        let parts = url_parts(&to_str(arg(a, 0, "urlParse")?));
        Ok(Value::Map(MapRef::new(
            parts
                .into_iter()
                .map(|(k, v)| (Arc::from(k), s(&v)))
                .collect(),
        )))
    });
    f!(m, "urlJoin", |a: &[Value]| -> R {
        Ok(s(&url_string(arg(a, 0, "urlJoin")?)?))
    });
    f!(m, "b32enc", |a: &[Value]| -> R {
        Ok(s(&b32enc(to_str(arg(a, 0, "b32enc")?).as_bytes())))
    });
    f!(m, "b32dec", |a: &[Value]| -> R {
        let text = to_str(arg(a, 0, "b32dec")?);
        Ok(s(&match b32dec(&text) {
            Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            None => "illegal base32 data at input byte 0".to_string(),
        }))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_as_go() {
        for (p, c, b, d, e) in [
            ("a//b/../c", "a/c", "c", "a", ""),
            ("/x/y.tar.gz/", "/x/y.tar.gz", "y.tar.gz", "/x/y.tar.gz", ""),
            ("", ".", ".", ".", ""),
            ("../../a", "../../a", "a", "../..", ""),
            ("f.txt", "f.txt", "f.txt", ".", ".txt"),
        ] {
            assert_eq!(clean(p), c, "clean {p}");
            assert_eq!(base(p), b, "base {p}");
            assert_eq!(dir(p), d, "dir {p}");
            assert_eq!(ext(p), e, "ext {p}");
        }
    }

    #[test]
    fn base32_round_trip() {
        assert_eq!(b32enc(b"hello"), "NBSWY3DP");
        assert_eq!(b32enc(b"a"), "ME======");
        assert_eq!(b32dec("ME======").unwrap(), b"a");
        assert_eq!(b32dec("NBSWY3DP").unwrap(), b"hello");
    }

    #[test]
    fn urls_as_go() {
        let p = url_parts("https://u:p@h.io:8443/p/a?q=1#f");
        assert_eq!(p["host"], "h.io:8443");
        assert_eq!(p["hostname"], "h.io");
        assert_eq!(p["userinfo"], "u:p");
        assert_eq!(p["path"], "/p/a");
        assert_eq!(p["query"], "q=1");
        let m = Value::Map(MapRef::new(
            p.into_iter().map(|(k, v)| (Arc::from(k), s(&v))).collect(),
        ));
        assert_eq!(url_string(&m).unwrap(), "https://u:p@h.io:8443/p/a?q=1#f");
    }

    /// Sprig's `dictGetOrEmpty` refuses a part that is not a string (differential seed 66,
    /// `urlJoin (dict "host" (dict …))`), the first bad part in its order of reading.
    #[test]
    fn url_join_parts_must_be_strings() {
        let dict = |pairs: &[(&str, Value)]| {
            Value::Map(MapRef::new(
                pairs
                    .iter()
                    .map(|(k, v)| (Arc::from(*k), v.clone()))
                    .collect(),
            ))
        };
        let msg = |m: &Value| match url_string(m) {
            Err(TemplateError::Exec(t)) => t,
            other => panic!("{other:?}"),
        };
        let host = dict(&[("a", Value::Int(1))]);
        assert_eq!(
            msg(&dict(&[("scheme", s("https")), ("host", host)])),
            "unable to parse host key, must be of type string, but map found"
        );
        assert_eq!(
            msg(&dict(&[
                ("path", Value::Int(1)),
                ("userinfo", Value::Bool(true))
            ])),
            "unable to parse path key, must be of type string, but int found"
        );
        assert!(msg(&dict(&[("query", Value::Nil)])).contains("nil pointer dereference"));
        assert_eq!(url_string(&dict(&[("host", s("h"))])).unwrap(), "//h");
    }
}
