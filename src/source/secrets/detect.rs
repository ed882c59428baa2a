//! Whether one value, under its name, holds a credential, and which kind.

use super::vocabulary::{REFERENCE_KEYS, REFERENCE_PARENTS, Shape, vocabulary};
use std::ops::Range;

/// `dbPassword`, `db-password`, `db.password` and `DB_PASSWORD` all read `DB_PASSWORD`.
pub fn words(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut prev: Option<char> = None;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase()
                && prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
            {
                out.push('_');
            }
            out.push(c.to_ascii_uppercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
        prev = Some(c);
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// True when a name says its value is a credential (`DB_PASSWORD`, `clientSecret`, `api-key`,
/// `SECRET_KEY_BASE`) and not something about one (`PASSWORD_FILE`, `TOKEN_TTL`,
/// `existingSecret`).
pub fn secret_name(name: &str) -> bool {
    if !vocabulary().name_hinted(name) {
        return false;
    }
    let w = words(name);
    if w == "PWD" || w == "OLDPWD" || w.is_empty() {
        return false;
    }
    vocabulary().secret_name.is_match(&w) && !vocabulary().not_secret_name.is_match(&w)
}

/// True when a name says its value is not a credential but something about one or beside one
/// (`username`, `host`, `ca.crt`, `TOKEN_TTL`): a Secret's entries under such keys are not
/// masked as credentials.
pub fn not_secret_name(name: &str) -> bool {
    let w = words(name);
    vocabulary().not_secret_name.is_match(&w) || identifier_name(name)
}

/// True when a name says its value is an identifier, digest or checksum.
pub fn identifier_name(name: &str) -> bool {
    let w = words(name);
    vocabulary().identifier_name.is_match(&w) && !secret_name(name)
}

/// Shannon entropy in bits per character.
pub fn entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut n = 0u32;
    for b in s.bytes() {
        counts[b as usize] += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = f64::from(n);
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// A random-looking string: base64 at detect-secrets' 4.5 bits per character, hex at 3.0.
pub fn high_entropy(v: &str) -> bool {
    let e = &vocabulary().entropy;
    if v.len() < e.min_length || v.len() > e.max_length {
        return false;
    }
    let hex = v.bytes().all(|b| b.is_ascii_hexdigit());
    if hex {
        return v.len() >= e.hex_min_length
            && v.bytes().any(|b| b.is_ascii_digit())
            && v.bytes().any(|b| b.is_ascii_alphabetic())
            && entropy(v) > e.hex_bits;
    }
    let b64 = v
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'_' | b'-'));
    b64 && v.bytes().any(|b| b.is_ascii_digit()) && entropy(v) > e.base64_bits
}

/// The default of a value that is one reference with a default, as the secret rules read it
/// (policies/lib/credentials.rego `reference_default`): `${VAR:-default}`, `${VAR-default}`,
/// `${a.b:default}`. Not `${VAR:?message}` (required) or `${VAR:+alt}` (set only when VAR is),
/// and not a default that is itself a reference (`${A:-${B}}`).
pub(super) fn reference_default(v: &str) -> Option<&str> {
    let inner = v.strip_prefix("${")?.strip_suffix('}')?;
    if !inner.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return None;
    }
    let name_end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
        .unwrap_or(inner.len());
    // As the rules' expression matches: the longest name after which a separator and a
    // default follow (a name may hold `-`, which also separates `${VAR-default}`).
    (1..=name_end).rev().find_map(|end| {
        let rest = &inner[end..];
        let default = rest
            .strip_prefix(":-")
            .or_else(|| rest.strip_prefix('-'))
            .or_else(|| rest.strip_prefix(':'))?;
        let first = default.chars().next()?;
        (!matches!(first, '?' | '+') && !default.contains(['$', '}'])).then_some(default)
    })
}

/// True when a value under a credential name is not a literal credential: empty, a reference
/// (`${VAR}`, `$(VAR)`, `{{ .x }}`, `vault:…`, a path), a placeholder (`changeme`, `<token>`,
/// `****`), a boolean, a short number, a plain URL, or the name itself (`password: password`,
/// `GOOGLE_API_KEY: GOOGLE_API_KEY_VAL`).
///
/// Unlike the secret rules' `not_literal` (policies/lib/credentials.rego), an object name is
/// not taken for a reference here: the rules guess that `TLS_SECRET: shop-tls` names where the
/// credential is kept, but `clientSecret: very-secret` reads the same to that guess, and for
/// masking, showing a credential costs far more than hiding a Secret's name in a snippet.
/// Object names are references to masking only in reference fields ([`reference_field`]).
pub fn not_literal(name: &str, v: &str) -> bool {
    let v = v.trim();
    if v.is_empty() || v.contains('\n') {
        return v.is_empty();
    }
    let v = v.trim_matches(|c| c == '"' || c == '\'');
    // `${VAR:-default}` runs with the default whenever VAR is unset, and the secret rules report
    // a literal default (lib credentials' `reference_default`): it is judged as the value.
    if let Some(default) = reference_default(v) {
        return not_literal(name, default);
    }
    let voc = vocabulary();
    if v.chars().count() < 4 || voc.reference.is_match(v) || voc.placeholder.is_match(v) {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if voc
        .reference_prefixes
        .iter()
        .any(|p| lower.starts_with(&p.to_ascii_lowercase()))
    {
        return true;
    }
    if voc.reference_suffixes.iter().any(|x| lower.ends_with(x)) {
        return true;
    }
    if v.bytes().all(|b| b.is_ascii_digit()) && v.len() < 6 {
        return true;
    }
    if voc.embedded_reference.is_match(v) {
        return true;
    }
    // A URL is a credential only when it holds a password (a shape of its own).
    if lower.contains("://") && voc.url_password.find(v).is_empty() {
        return true;
    }
    // The name repeated as a placeholder (`GOOGLE_API_KEY: GOOGLE_API_KEY_VAL`), unless the
    // value is one lower-case word: `POSTGRES_PASSWORD: password` or `password: password` is
    // the weak password the service really runs with, not a name written back.
    if one_lowercase_word(v) {
        return false;
    }
    // The name's words written back among others count only in capitals and as whole words
    // (`GOOGLE_API_KEY_VAL`, `YOUR_API_KEY`): `password: password123` and `secret: mySecret`
    // hold the name's letters and are credentials all the same.
    let (wv, wn) = (words(v), words(name));
    // A placeholder written as one identifier (`YourPingdomApiToken`), as in `your-token`.
    if wv.starts_with("YOUR_") {
        return true;
    }
    // A credential's name written as an environment variable's, in capitals, two words or
    // more (`secretKey: AWS_SECRET_ACCESS_KEY`, setup-java's `server-password:
    // MAVEN_PASSWORD`): it names where the credential is kept and holds none, as the secret
    // rules read it (lib credentials' `not_literal`, the same form). Session fid31: masking
    // hid it, so `inspect values.yaml` masked vault-helm's `secretKey: AWS_SECRET_ACCESS_KEY`.
    if wv == v
        && v.contains('_')
        && v.starts_with(|c: char| c.is_ascii_uppercase())
        && secret_name(v)
    {
        return true;
    }
    let capitals = v.to_uppercase() == v;
    let holds_name = || format!("_{wv}_").contains(&format!("_{wn}_"));
    if !wn.is_empty()
        && (wv == wn || capitals && holds_name() || wn.ends_with(&wv) && wv.len() >= 4)
    {
        return true;
    }
    let last = wn.rsplit('_').next().unwrap_or("");
    if !last.is_empty()
        && wv.len() >= 4
        && (wv == last || capitals && wv.starts_with(&format!("{last}_")))
    {
        return true;
    }
    false
}

/// The credentials of an `Authorization` or `Proxy-Authorization` header's value after a
/// scheme of the vocabulary's `authorization_schemes` (`Basic dXNlcjpwYXNz`, `Bearer …`), as
/// a probe's `httpHeaders` entry `{name: Authorization, value: …}` holds them. None for other
/// names, and for a value without such a scheme (`authorization: enabled`).
fn authorization_credentials<'v>(name: &str, v: &'v str) -> Option<&'v str> {
    let voc = vocabulary();
    let w = words(name);
    if !voc.authorization_headers.contains(&w) {
        return None;
    }
    let (scheme, rest) = v.trim().split_once(' ')?;
    voc.authorization_schemes
        .iter()
        .any(|s| s.eq_ignore_ascii_case(scheme))
        .then(|| rest.trim())
}

/// A value of lower-case ASCII letters only (`password`, `secret`, `mongopwd`).
fn one_lowercase_word(v: &str) -> bool {
    !v.is_empty() && v.bytes().all(|b| b.is_ascii_lowercase())
}

/// The token shape a text holds, and its byte range in the text.
pub fn find_shape(v: &str) -> Option<(Shape, Range<usize>)> {
    let voc = vocabulary();
    let hinted = voc.hinted(v);
    for (p, _) in voc.patterns.iter().zip(&hinted).filter(|(_, on)| **on) {
        if let Some(c) = p.re.captures(v) {
            let m = c
                .iter()
                .skip(1)
                .flatten()
                .next()
                .or_else(|| c.get(0))
                .expect("match");
            return Some((p.shape, m.range()));
        }
    }
    if v.contains("://")
        && let Some(r) = url_password(v).next()
    {
        return Some((Shape::UrlPassword, r));
    }
    if v.contains('=')
        && let Some(r) = conn_password(v).next()
    {
        return Some((Shape::ConnectionString, r));
    }
    None
}

pub fn password_placeholder(p: &str) -> bool {
    let p = p.trim();
    p.is_empty()
        || vocabulary().reference.is_match(p)
        || vocabulary().placeholder.is_match(p)
        || vocabulary().embedded_reference.is_match(p)
        || p.starts_with('%') && p.contains('$')
}

/// The byte ranges of the passwords of URLs (`scheme://user:password@host`) in a text.
pub(super) fn url_password(v: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    passwords(vocabulary().url_password.find(v), v)
}

/// The byte ranges of `Password=…` settings of connection strings in a text.
pub(super) fn conn_password(v: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    passwords(vocabulary().conn_password.find(v), v)
}

/// The passwords found in a text, placeholders left out.
fn passwords(found: Vec<Range<usize>>, v: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    found
        .into_iter()
        .filter(move |r| !password_placeholder(&v[r.clone()]))
}

/// Whether the field at `path` (keys from the document root, the value's own key last) names
/// another object rather than holding a value: `secretKeyRef.name`, `secretName`,
/// `envFrom[].secretRef.name`, a volume's `secret.secretName`.
pub fn reference_field(path: &[&str]) -> bool {
    let Some((last, parents)) = path.split_last() else {
        return false;
    };
    if REFERENCE_KEYS.iter().any(|k| k.eq_ignore_ascii_case(last)) {
        return true;
    }
    // External Secrets' `data[].secretKey` (and a PushSecret's `data[].match.secretKey`) names
    // a key of the Secret it writes; anywhere else `secretKey` is the credential itself (a
    // JWT signing key in a Spring `application.yml`, an S3 or MinIO secret key), which the
    // secret rules report and masking must hide (wild30: `inspect` printed `jwt.secretkey`).
    if last.eq_ignore_ascii_case("secretKey") {
        return parents
            .last()
            .is_some_and(|p| *p == "data" || *p == "match");
    }
    matches!(*last, "name" | "key" | "optional" | "secretName")
        && parents
            .iter()
            .rev()
            .take(3)
            .any(|p| REFERENCE_PARENTS.contains(p))
}

/// True when a name says its value is a stored hash of a password or secret
/// (`password_hash`, `passwordHash`, `hashed_password`, `password_digest`, Keycloak's
/// `hashedSaltedValue`): RabbitMQ's `definitions.json` writes such hashes as bare base64, which
/// no hash pattern recognises, and an identifier-like name (`*_HASH`) otherwise keeps them
/// readable (wild26). Cracking a leaked hash offline gives the password back, so masking hides
/// them; the rules, which report plaintext secrets, do not read this.
fn password_hash_name(name: &str) -> bool {
    const HASH_WORDS: [&str; 3] = ["HASH", "HASHED", "DIGEST"];
    const HASHED_WORDS: [&str; 6] = [
        "PASSWORD",
        "PASSWD",
        "PASSPHRASE",
        "SECRET",
        "TOKEN",
        "SALTED",
    ];
    // Every key of every input is asked: its words only when it says `hash` or `digest`
    // (reading the words of each key cost istio base's CRDs 5 M instructions).
    let says = |word: &[u8]| {
        name.as_bytes()
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word))
    };
    if !says(b"hash") && !says(b"digest") {
        return false;
    }
    let w = words(name);
    let parts: Vec<&str> = w.split('_').collect();
    parts.iter().any(|p| HASH_WORDS.contains(p)) && parts.iter().any(|p| HASHED_WORDS.contains(p))
}

/// Whether a value under a name holds a credential, and which kind. `name` is the key, or
/// the environment variable's name; `reference` says the field names another object (see
/// [`reference_field`]).
pub fn classify(name: &str, value: &str, reference: bool) -> Option<Shape> {
    let v = value.trim();
    if v.len() < 4 || reference {
        return None;
    }
    if let Some((shape, _)) = find_shape(v) {
        return Some(shape);
    }
    if let Some(credentials) = authorization_credentials(name, v) {
        return (!not_literal("AUTHORIZATION_TOKEN", credentials)).then_some(Shape::NamedLiteral);
    }
    if (secret_name(name) || password_hash_name(name)) && !not_literal(name, v) {
        return Some(Shape::NamedLiteral);
    }
    let unquoted = v.trim_matches(|c| c == '"' || c == '\'');
    // `${VAR:-default}` is its default whenever VAR is unset, as the rules read it (lib
    // credentials' `reasons` judges the default's entropy), so the default is what is judged.
    let judged = reference_default(unquoted).unwrap_or(unquoted);
    if high_entropy(judged) && !identifier_name(name) && !not_literal(name, unquoted) {
        return Some(Shape::HighEntropy);
    }
    None
}
