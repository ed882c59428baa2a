//! The credential detector: the one place that decides whether a value, or a byte range of a
//! source text, holds a credential; and the redaction every output goes through.
//!
//! # Redaction is a property of the source
//!
//! Every [`SourceFile`](crate::input::SourceFile) knows the byte ranges of its credentials:
//! those this detector finds in its text ([`scan`]), plus the spans that rules about secrets
//! flag ([`SourceFile::mark_credential`](crate::input::SourceFile::mark_credential), done by
//! the run for every finding of a rule that [`Rule::is_secret`](crate::rule::Rule::is_secret)).
//! **Any code that writes source text, or text derived from it, must go through one of these
//! doors**, never through `SourceFile::text` directly:
//!
//! - [`SourceFile::redacted`](crate::input::SourceFile::redacted): the whole text with each
//!   credential replaced by [`MASK`], line structure kept, and a map from original offsets to
//!   redacted ones (snippets, context lines, rendered streams).
//! - [`SourceFile::redacted_line`](crate::input::SourceFile::redacted_line): one line.
//! - [`SourceFile::redact`](crate::input::SourceFile::redact): any string (a message, a
//!   problem quoting input, a value): the file's credentials and any credential-shaped token
//!   in it are masked.
//! - [`redact_text`]: the same for text without a file (merged reports).
//! - [`redact_value`]: a document's JSON value, for `inspect`.
//!
//! # Detection
//!
//! [`classify`] reads one value under its name: a known token shape (cloud keys, GitHub,
//! GitLab, Slack, Stripe and other tokens, JWTs, PEM private keys, URLs and connection strings
//! with a password), a literal under a credential name (`*_PASSWORD`, `*_KEY`, `SECRET_KEY_BASE`
//! …: not a reference, placeholder, path, plain URL or the name repeated), or a high-entropy
//! string with detect-secrets' thresholds (4.5 bits per character for base64, 3.0 for hex)
//! under a name that is not an identifier, digest or checksum. Object names are references
//! only in reference fields (`secretKeyRef.name`, `secretName`, `envFrom`, volume sources).

use regex::Regex;
use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

/// What a credential is shown as.
pub const MASK: &str = "********";

/// What kind of credential a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shape {
    PrivateKey,
    AwsKeyId,
    GitHubToken,
    GitLabToken,
    SlackToken,
    GoogleApiKey,
    StripeKey,
    OtherToken,
    Jwt,
    RegistryAuth,
    UrlPassword,
    ConnectionString,
    /// A literal under a credential name.
    NamedLiteral,
    /// A high-entropy string (base64 or hex).
    HighEntropy,
}

impl Shape {
    /// For messages: "looks like …".
    pub fn describe(self) -> &'static str {
        match self {
            Shape::PrivateKey => "a PEM private key",
            Shape::AwsKeyId => "an AWS access key id",
            Shape::GitHubToken => "a GitHub token",
            Shape::GitLabToken => "a GitLab token",
            Shape::SlackToken => "a Slack token",
            Shape::GoogleApiKey => "a Google API key",
            Shape::StripeKey => "a Stripe key",
            Shape::OtherToken => "an API token",
            Shape::Jwt => "a JSON Web Token",
            Shape::RegistryAuth => "a registry credential",
            Shape::UrlPassword => "a URL with a password",
            Shape::ConnectionString => "a connection string with a password",
            Shape::NamedLiteral => "a literal credential",
            Shape::HighEntropy => "a high-entropy secret",
        }
    }
}

/// Keys whose value names an object that holds a secret: the name is a reference.
const REFERENCE_KEYS: [&str; 14] = [
    "secretName",
    "existingSecret",
    "secretRef",
    "claimName",
    "serviceAccountName",
    "configMapName",
    "secretKeyRef",
    "configMapKeyRef",
    "imagePullSecrets",
    "secretProviderClass",
    "existingSecretName",
    "secretKey",
    "passwordSecret",
    "credentialsSecret",
];

/// Ancestors under which `name` and `key` are references to another object.
const REFERENCE_PARENTS: [&str; 10] = [
    "secretKeyRef",
    "configMapKeyRef",
    "secretRef",
    "configMapRef",
    "envFrom",
    "secret",
    "configMap",
    "projected",
    "imagePullSecrets",
    "valueFrom",
];

/// The settings file that holds the detector's vocabulary, shared with the Rego rules
/// (`policies/lib/credentials.rego` reads it as `data.settings.credentials`).
pub const SETTINGS: &str = "policies/settings/credentials.json";

/// A token shape, with cheap hints tried before its regex. The credential is the regex's
/// group 1 when it has one, else the whole match.
struct Pattern {
    shape: Shape,
    hints: Vec<String>,
    re: LazyRegex,
}

/// Thresholds for high-entropy strings.
struct Entropy {
    min_length: usize,
    max_length: usize,
    base64_bits: f64,
    hex_bits: f64,
    hex_min_length: usize,
}

/// The detector's vocabulary, read from [`SETTINGS`].
struct Vocabulary {
    secret_name: LazyRegex,
    not_secret_name: LazyRegex,
    identifier_name: LazyRegex,
    reference: LazyRegex,
    embedded_reference: LazyRegex,
    placeholder: LazyRegex,
    reference_prefixes: Vec<String>,
    patterns: Vec<Pattern>,
    /// Every pattern's hints in one regex (one pass over a text finds which patterns to try),
    /// and the pattern each alternative belongs to.
    hints: LazyRegex,
    hint_owner: Vec<usize>,
    url_password: LazyRegex,
    conn_password: LazyRegex,
    entropy: Entropy,
    name_hints: Vec<String>,
    reference_name_words: Vec<String>,
    object_name: LazyRegex,
}

/// `(hint1)|(hint2)|…`: one capture group per hint, in pattern order.
fn hint_alternatives(patterns: &[Pattern]) -> String {
    let groups: Vec<String> = patterns
        .iter()
        .flat_map(|p| p.hints.iter())
        .map(|h| format!("({})", regex::escape(h)))
        .collect();
    if groups.is_empty() {
        "^$".into()
    } else {
        groups.join("|")
    }
}

fn shape_of(id: &str) -> Shape {
    match id {
        "private-key" => Shape::PrivateKey,
        "aws-key-id" => Shape::AwsKeyId,
        "github" => Shape::GitHubToken,
        "gitlab" => Shape::GitLabToken,
        "slack" => Shape::SlackToken,
        "google" => Shape::GoogleApiKey,
        "stripe" => Shape::StripeKey,
        "jwt" => Shape::Jwt,
        "registry-auth" => Shape::RegistryAuth,
        "url-password" => Shape::UrlPassword,
        "connection-string" => Shape::ConnectionString,
        _ => Shape::OtherToken,
    }
}

/// A regular expression compiled on first use. The vocabulary has two dozen of them, and
/// compiling them all was a third of a one-chart `render` (≈ 1.5 ms); a run uses a few.
struct LazyRegex {
    source: String,
    compiled: std::sync::OnceLock<Regex>,
}

impl LazyRegex {
    fn compiled(re: Regex) -> Self {
        LazyRegex {
            source: String::new(),
            compiled: std::sync::OnceLock::from(re),
        }
    }

    /// One of the built-in settings' expressions, all of which compile
    /// (`builtin_vocabulary_compiles`).
    fn deferred(source: String) -> Self {
        LazyRegex {
            source,
            compiled: std::sync::OnceLock::new(),
        }
    }
}

impl std::ops::Deref for LazyRegex {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            Regex::new(&self.source).expect("the built-in credential settings compile")
        })
    }
}

static VOCABULARY_CELL: std::sync::OnceLock<Vocabulary> = std::sync::OnceLock::new();

/// The built-in `settings.credentials`.
fn builtin_settings() -> serde_json::Value {
    let text = crate::embedded::get(SETTINGS).expect("embedded credential settings");
    let mut v: serde_json::Value =
        serde_json::from_str(text).expect("credential settings are JSON");
    v["credentials"].take()
}

/// The vocabulary in use: the one [`configure`] set, else the built-in settings (whose
/// expressions are compiled as they are needed).
fn vocabulary() -> &'static Vocabulary {
    VOCABULARY_CELL.get_or_init(|| Vocabulary::build(&builtin_settings(), None))
}

/// Uses the run's `data.settings.credentials` (built-in settings merged with `--data` files)
/// for masking, as the rules do. Only the first call of a process counts; an invalid
/// vocabulary (a bad regular expression) is an error and leaves the built-in one. The
/// built-in settings themselves (every run without `--data` for them) are left to
/// [`vocabulary`], which compiles only what the run uses.
pub fn configure(settings: &serde_json::Value) -> Result<(), String> {
    if same_settings(settings, &builtin_settings()) {
        // Every run reads names and values; their expressions (≈ 1.5 ms to compile) are made
        // on another thread while the run loads its inputs (a user of one waits for it).
        let _ = std::thread::Builder::new().spawn(|| {
            let v = vocabulary();
            for re in [
                &v.secret_name,
                &v.not_secret_name,
                &v.identifier_name,
                &v.reference,
                &v.placeholder,
                &v.embedded_reference,
                &v.hints,
            ] {
                let _: &Regex = re;
            }
        });
        return Ok(());
    }
    let v = Vocabulary::from_settings(settings)?;
    let _ = VOCABULARY_CELL.set(v);
    Ok(())
}

/// Equal settings, numbers compared by value: the run's settings come back from the rule
/// engine's number type, which writes a whole float (`3.0`) as an integer (`3`).
fn same_settings(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_settings(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_settings(v, w)))
        }
        _ => a == b,
    }
}

impl Vocabulary {
    /// A vocabulary with every expression compiled now, so that a bad one is an error.
    fn from_settings(c: &serde_json::Value) -> Result<Self, String> {
        let mut error: Option<String> = None;
        let v = Self::build(c, Some(&mut error));
        match error {
            Some(e) => Err(e),
            None => Ok(v),
        }
    }

    /// With `error`, compiles every expression now and keeps the first error; without,
    /// defers each to its first use (the built-in settings, known to compile).
    fn build(c: &serde_json::Value, mut error: Option<&mut Option<String>>) -> Self {
        let list = |k: &str| -> Vec<String> {
            c[k].as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let alt = |k: &str| list(k).join("|");
        let mut re = |s: &str| match error.as_deref_mut() {
            None => LazyRegex::deferred(s.to_string()),
            Some(error) => LazyRegex::compiled(Regex::new(s).unwrap_or_else(|e| {
                error.get_or_insert_with(|| format!("settings.credentials: {e}"));
                Regex::new("^$").expect("empty regex")
            })),
        };
        let s = |k: &str| c[k].as_str().unwrap_or("^$").to_string();
        let num = |k: &str| c["entropy"][k].as_f64().unwrap_or(0.0);
        let mut patterns = Vec::new();
        let (mut url_password, mut conn_password) = (None, None);
        for p in c["patterns"].as_array().into_iter().flatten() {
            let id = p["shape"].as_str().unwrap_or("");
            let compiled = re(p["re"].as_str().unwrap_or("^$"));
            match id {
                "url-password" => url_password = Some(compiled),
                "connection-string" => conn_password = Some(compiled),
                _ => patterns.push(Pattern {
                    shape: shape_of(id),
                    hints: p["hints"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|h| h.as_str().map(str::to_string))
                        .collect(),
                    re: compiled,
                }),
            }
        }
        Vocabulary {
            // A credential word last, or followed only by words that qualify it
            // (`SECRET_KEY_BASE`, `API_KEY_V2`): not `CREDENTIALS_VALIDITY_IN_MS`.
            secret_name: re(&format!(
                "(?:^|_)(?:{})(?:_(?:{}))*$",
                alt("secret_words"),
                alt("secret_suffix_words")
            )),
            not_secret_name: re(&format!(
                "(?:^|_)(?:{})$|^(?:{})_",
                alt("not_secret_last_words"),
                alt("not_secret_first_words")
            )),
            identifier_name: re(&format!("(?:^|_)(?:{})(?:_|$)", alt("identifier_words"))),
            reference: re(&s("reference_pattern")),
            embedded_reference: re(&s("embedded_reference_pattern")),
            placeholder: re(&s("placeholder_pattern")),
            reference_prefixes: list("reference_prefixes"),
            hints: re(&hint_alternatives(&patterns)),
            hint_owner: patterns
                .iter()
                .enumerate()
                .flat_map(|(i, p)| p.hints.iter().map(move |_| i))
                .collect(),
            patterns,
            url_password: url_password.unwrap_or_else(|| LazyRegex::deferred("^$".into())),
            conn_password: conn_password.unwrap_or_else(|| LazyRegex::deferred("^$".into())),
            entropy: Entropy {
                min_length: num("min_length") as usize,
                max_length: num("max_length") as usize,
                base64_bits: num("base64_bits"),
                hex_bits: num("hex_bits"),
                hex_min_length: num("hex_min_length") as usize,
            },
            // The first word of each credential word (`API` of `API_?KEY`): a cheap first test.
            name_hints: list("secret_words")
                .iter()
                .filter_map(|w| {
                    w.split(|c: char| !c.is_ascii_alphanumeric())
                        .find(|p| !p.is_empty())
                        .map(str::to_ascii_uppercase)
                })
                .collect(),
            reference_name_words: list("reference_name_words"),
            object_name: re(&s("object_name_pattern")),
        }
    }
}

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
    let upper = name.to_ascii_uppercase();
    if !vocabulary()
        .name_hints
        .iter()
        .any(|h| upper.contains(h.as_str()))
    {
        return false;
    }
    let w = words(name);
    if w == "PWD" || w == "OLDPWD" || w.is_empty() {
        return false;
    }
    vocabulary().secret_name.is_match(&w) && !vocabulary().not_secret_name.is_match(&w)
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

/// True when a value under a credential name is not a literal credential: empty, a reference
/// (`${VAR}`, `$(VAR)`, `{{ .x }}`, `vault:…`, a path), a placeholder (`changeme`, `<token>`,
/// `****`), a boolean, a short number, a plain URL, or the name itself (`password: password`,
/// `GOOGLE_API_KEY: GOOGLE_API_KEY_VAL`).
pub fn not_literal(name: &str, v: &str) -> bool {
    let v = v.trim();
    if v.is_empty() || v.contains('\n') {
        return v.is_empty();
    }
    let v = v.trim_matches(|c| c == '"' || c == '\'');
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
    if v.bytes().all(|b| b.is_ascii_digit()) && v.len() < 6 {
        return true;
    }
    if voc.embedded_reference.is_match(v) {
        return true;
    }
    // A URL is a credential only when it holds a password (a shape of its own).
    if lower.contains("://") && !voc.url_password.is_match(v) {
        return true;
    }
    // The name repeated as a placeholder.
    let (wv, wn) = (words(v), words(name));
    if !wn.is_empty() && (wv.contains(&wn) || wn.ends_with(&wv) && wv.len() >= 4) {
        return true;
    }
    // An object name that says it names one (`shop-tls`, `db-credentials`) or shares a word
    // with the name (`TLS_SECRET: shop-tls`): a reference to where the credential is.
    if voc.object_name.is_match(v) {
        let name_words: Vec<&str> = wn.split('_').filter(|w| w.len() >= 3).collect();
        if wv
            .split('_')
            .any(|w| name_words.contains(&w) || voc.reference_name_words.iter().any(|r| r == w))
        {
            return true;
        }
    }
    let last = wn.rsplit('_').next().unwrap_or("");
    if !last.is_empty() && wv.len() >= 4 && (wv == last || wv.starts_with(&format!("{last}_"))) {
        return true;
    }
    false
}

/// The token shape a text holds, and its byte range in the text.
pub fn find_shape(v: &str) -> Option<(Shape, Range<usize>)> {
    for p in vocabulary().patterns.iter() {
        if !p.hints.iter().any(|h| v.contains(h.as_str())) {
            continue;
        }
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

fn password_placeholder(p: &str) -> bool {
    let p = p.trim();
    p.is_empty()
        || vocabulary().reference.is_match(p)
        || vocabulary().placeholder.is_match(p)
        || vocabulary().embedded_reference.is_match(p)
        || p.starts_with('%') && p.contains('$')
}

/// The byte ranges of the passwords of URLs (`scheme://user:password@host`) in a text.
fn url_password(v: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    vocabulary()
        .url_password
        .captures_iter(v)
        .filter_map(|c| c.get(1))
        .filter(|m| !password_placeholder(m.as_str()))
        .map(|m| m.range())
}

/// The byte ranges of `Password=…` settings of connection strings in a text.
fn conn_password(v: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    vocabulary()
        .conn_password
        .captures_iter(v)
        .filter_map(|c| c.get(1))
        .filter(|m| !password_placeholder(m.as_str()))
        .map(|m| m.range())
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
    matches!(*last, "name" | "key" | "optional" | "secretName")
        && parents
            .iter()
            .rev()
            .take(3)
            .any(|p| REFERENCE_PARENTS.contains(p))
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
    if secret_name(name) && !not_literal(name, v) {
        return Some(Shape::NamedLiteral);
    }
    let unquoted = v.trim_matches(|c| c == '"' || c == '\'');
    if high_entropy(unquoted) && !identifier_name(name) && !not_literal(name, unquoted) {
        return Some(Shape::HighEntropy);
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Scanning a source text.

/// `"key": "value"` anywhere (JSON on one line).
static JSON_PAIR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#""(?P<key>[A-Za-z_][A-Za-z0-9_.\-]{0,100})"\s*:\s*"(?P<val>(?:[^"\\\n]|\\.){1,2000})""#,
    )
    .expect("json regex")
});

/// `NAME=value` inside a line of text (a message, a command line).
static INLINE_PAIR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:^|[\s,;(\[{])(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)=(?P<val>[^\s,;'"\])}]+)"#)
        .expect("inline regex")
});

/// SQL: `PASSWORD '…'`, `IDENTIFIED BY '…'`, `PASSWORD $$…$$`.
static SQL_PASSWORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:PASSWORD|IDENTIFIED\s+BY)\s+(?:E?'((?:[^'\\]|''|\\.)*)'|\$\$(.*?)\$\$)")
        .expect("sql regex")
});

/// The value part of the rest of a line after `key: `: its byte range within `rest`, without
/// quotes, trailing comments or a trailing comma.
fn value_range(rest: &str) -> Option<Range<usize>> {
    let trimmed_start = rest.len() - rest.trim_start().len();
    let body = &rest[trimmed_start..];
    let first = body.chars().next()?;
    if first == '"' || first == '\'' {
        let b = body.as_bytes();
        let mut i = 1;
        while i < b.len() {
            if b[i] == b'\\' && first == '"' {
                i += 2;
                continue;
            }
            if b[i] == first as u8 {
                if first == '\'' && b.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                return Some(trimmed_start + 1..trimmed_start + i);
            }
            i += 1;
        }
        return Some(trimmed_start + 1..trimmed_start + b.len());
    }
    if matches!(first, '{' | '[') {
        return None;
    }
    let mut end = body.len();
    if let Some(i) = body.find(" #") {
        end = i;
    }
    let v = body[..end].trim_end();
    let v = v.strip_suffix(',').unwrap_or(v).trim_end();
    (!v.is_empty()).then(|| trimmed_start..trimmed_start + v.len())
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

/// The byte ranges of the credentials in a source text, sorted and disjoint.
pub fn scan(text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    // Token shapes, anywhere (a PEM block spans its lines): one pass over the text finds the
    // hints present, then only their patterns run.
    let voc = vocabulary();
    let mut present = vec![false; voc.patterns.len()];
    for c in voc.hints.captures_iter(text) {
        if let Some(i) = c.iter().skip(1).position(|g| g.is_some()) {
            present[voc.hint_owner[i]] = true;
        }
    }
    for (p, _) in voc.patterns.iter().zip(&present).filter(|(_, on)| **on) {
        for c in p.re.captures_iter(text) {
            if let Some(m) = c.iter().skip(1).flatten().next().or_else(|| c.get(0)) {
                out.push(m.range());
            }
        }
    }
    if text.contains("://") {
        out.extend(url_password(text));
    }
    if text.contains('=') {
        out.extend(conn_password(text));
    }
    if text.contains('\'') || text.contains("$$") {
        for c in SQL_PASSWORD.captures_iter(text) {
            if let Some(m) = c.get(1).or_else(|| c.get(2))
                && !password_placeholder(m.as_str())
            {
                out.push(m.range());
            }
        }
    }
    scan_lines(text, &mut out);
    merge(out)
}

/// `key: value` lines, Kubernetes `name:`/`value:` pairs and block scalars under secret names.
fn scan_lines(text: &str, out: &mut Vec<Range<usize>>) {
    let mut offset = 0;
    // The last `name:` seen (an env entry's name) and its indentation.
    let mut env_name: Option<(String, usize)> = None;
    // A block scalar under a secret name: its key's indentation.
    let mut block: Option<usize> = None;
    let mut path: Vec<(usize, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let ind = indent_of(content);
        if let Some(key_ind) = block {
            if content.trim().is_empty() {
                continue;
            }
            if ind > key_ind {
                out.push(start + ind..start + content.len());
                continue;
            }
            block = None;
        }
        let Some((key, key_ind, val_start, enclosing)) = split_pair(content) else {
            if content.contains('=') || content.contains("\":") {
                scan_inline(content, start, out);
            }
            continue;
        };
        while path.last().is_some_and(|(i, _)| *i >= key_ind) {
            path.pop();
        }
        let mut rest = &content[val_start..];
        if let Some(q) = enclosing
            && let Some(end) = rest.rfind(q as char)
        {
            rest = &rest[..end];
        }
        path.push((key_ind, key.to_string()));
        let reference = || {
            let keys: Vec<&str> = path.iter().map(|(_, k)| k.as_str()).collect();
            reference_field(&keys)
        };
        if rest.len() > 120 && (rest.contains('=') || rest.contains("\":")) {
            scan_inline(rest, start + val_start, out);
        }
        if key == "name" {
            env_name = value_range(rest).map(|r| (rest[r].to_string(), key_ind));
            continue;
        }
        // An env entry's value: named by the entry's `name`.
        let name = match (&env_name, key) {
            (Some((n, i)), "value") if key_ind.abs_diff(*i) <= 2 => n.clone(),
            _ => key.to_string(),
        };
        let trimmed = rest.trim();
        let is_block = trimmed
            .strip_prefix(['|', '>'])
            .is_some_and(|r| r.chars().all(|c| matches!(c, '-' | '+' | '1'..='9' | ' ')));
        if is_block {
            if secret_name(&name) && !reference() {
                block = Some(ind);
            }
            continue;
        }
        if let Some(r) = value_range(rest) {
            let v = &rest[r.clone()];
            if v.len() >= 4 && classify(&name, v, false).is_some() && !reference() {
                let base = start + val_start;
                // Only the token when it has a shape inside a longer text.
                match find_shape(v) {
                    Some((_, sr)) => out.push(base + r.start + sr.start..base + r.start + sr.end),
                    None => out.push(base + r.start..base + r.end),
                }
            }
        }
    }
}

/// `key: value`, `key = value`, `"key": value`, `- KEY=value`, `export KEY=value` at the start
/// of a line: the key, its byte offset and the offset of the value in the line.
fn split_pair(line: &str) -> Option<(&str, usize, usize, Option<u8>)> {
    let b = line.as_bytes();
    let mut i = indent_of(line);
    if b.get(i) == Some(&b'-') && matches!(b.get(i + 1), Some(b' ' | b'\t')) {
        i += 2;
        while matches!(b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
    }
    if line[i..].starts_with("export ") {
        i += 7;
    }
    let quote = match b.get(i) {
        Some(&q @ (b'"' | b'\'')) => {
            i += 1;
            Some(q)
        }
        _ => None,
    };
    let key_start = i;
    while let Some(&c) = b.get(i) {
        if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-' | b'/' | b'@') {
            i += 1;
        } else {
            break;
        }
    }
    if i == key_start {
        return None;
    }
    let key_end = i;
    // `'KEY=value'`: the quotes enclose the whole item; the value ends at the closing one.
    let mut enclosing = None;
    if let Some(q) = quote {
        if b.get(i) == Some(&q) {
            i += 1;
        } else if b.get(i) == Some(&b'=') {
            enclosing = Some(q);
        } else {
            return None;
        }
    }
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    match b.get(i) {
        Some(b'=') => i += 1,
        Some(b':') if b.get(i + 1) == Some(&b'=') => i += 2,
        Some(b':') if matches!(b.get(i + 1), None | Some(b' ' | b'\t' | b'\r')) => i += 1,
        _ => return None,
    }
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    Some((
        &line[key_start..key_end],
        key_start,
        i.min(line.len()),
        enclosing,
    ))
}

/// `NAME=value` and `"key": "value"` pairs inside a line (a message, a command line, JSON on
/// one line), with `base` the line's offset in the text.
fn scan_inline(line: &str, base: usize, out: &mut Vec<Range<usize>>) {
    if line.contains('=') {
        for c in INLINE_PAIR.captures_iter(line) {
            let (k, v) = (&c["key"], c.name("val").expect("val"));
            if classify(k, v.as_str(), false).is_some() {
                out.push(base + v.start()..base + v.end());
            }
        }
    }
    if line.contains("\":") {
        for c in JSON_PAIR.captures_iter(line) {
            let (k, v) = (&c["key"], c.name("val").expect("val"));
            if classify(k, v.as_str(), false).is_some() {
                out.push(base + v.start()..base + v.end());
            }
        }
    }
}

/// Sorts ranges and joins the overlapping ones.
pub fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.retain(|r| r.start < r.end);
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Redaction.

/// A text with its credentials masked, and the map from original byte offsets to masked ones.
#[derive(Debug, Clone)]
pub struct Redacted {
    pub text: String,
    pub lines: crate::input::span::LineIndex,
    /// Masked pieces: (original start, original end, masked start). Sorted, disjoint, one
    /// line each.
    pieces: Vec<(usize, usize, usize)>,
}

impl Redacted {
    /// Masks `ranges` (sorted, disjoint) of `text`: each line's part of a range becomes
    /// [`MASK`] (leading indentation of continuation lines kept), so lines stay lines.
    pub fn new(text: &str, ranges: &[Range<usize>]) -> Self {
        let mut out = String::with_capacity(text.len());
        let mut pieces = Vec::new();
        let mut at = 0;
        for r in ranges {
            let (start, end) = (r.start.min(text.len()), r.end.min(text.len()));
            if start < at || start >= end {
                continue;
            }
            // Split the range at line ends.
            let mut s = start;
            while s < end {
                let line_end = text[s..end].find('\n').map_or(end, |i| s + i);
                let piece = &text[s..line_end];
                let lead = piece.len() - piece.trim_start_matches([' ', '\t']).len();
                let trail = piece.len() - piece.trim_end_matches(['\r']).len();
                let (ps, pe) = (s + lead, line_end - trail);
                if ps < pe && text.is_char_boundary(ps) && text.is_char_boundary(pe) {
                    out.push_str(&text[at..ps]);
                    pieces.push((ps, pe, out.len()));
                    out.push_str(MASK);
                    at = pe;
                }
                s = line_end + 1;
            }
        }
        out.push_str(&text[at..]);
        let lines = crate::input::span::LineIndex::new(&out);
        Redacted {
            text: out,
            lines,
            pieces,
        }
    }

    /// Where an original byte offset lands in the masked text: offsets inside a masked piece
    /// go to its start, or to its end for the `end` of a span.
    pub fn offset(&self, orig: usize, end: bool) -> usize {
        let i = self.pieces.partition_point(|p| p.0 <= orig);
        if i == 0 {
            return orig.min(self.text.len());
        }
        let (s, e, m) = self.pieces[i - 1];
        let mapped = if orig == s {
            m
        } else if orig < e {
            if end { m + MASK.len() } else { m }
        } else {
            m + MASK.len() + (orig - e)
        };
        mapped.min(self.text.len())
    }

    /// True when nothing was masked.
    pub fn is_clean(&self) -> bool {
        self.pieces.is_empty()
    }
}

/// Masks, in any text, each of `known` (credential strings of a file) and every credential
/// the detector finds in it.
pub fn redact_with<'a>(s: &'a str, known: &[String]) -> Cow<'a, str> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for k in known {
        if k.len() < 4 {
            continue;
        }
        let mut from = 0;
        while let Some(i) = s[from..].find(k.as_str()) {
            ranges.push(from + i..from + i + k.len());
            from += i + k.len();
        }
    }
    ranges.extend(scan(s));
    if ranges.is_empty() {
        return Cow::Borrowed(s);
    }
    let ranges = merge(ranges);
    Cow::Owned(Redacted::new(s, &ranges).text)
}

/// Masks every credential the detector finds in a text that belongs to no file.
pub fn redact_text(s: &str) -> Cow<'_, str> {
    redact_with(s, &[])
}

/// Masks the string values of a document's JSON value that overlap one of the file's
/// credential ranges (located through the document's spans), or that the detector reads as a
/// credential under their key.
pub fn redact_value(
    value: &serde_json::Value,
    spans: &crate::input::span::SpanTree,
    ranges: &[Range<usize>],
    known: &[String],
) -> serde_json::Value {
    fn walk(
        v: &serde_json::Value,
        t: Option<&crate::input::span::SpanTree>,
        keys: &mut Vec<String>,
        ranges: &[Range<usize>],
        known: &[String],
    ) -> serde_json::Value {
        use crate::input::span::PathSeg;
        use serde_json::Value;
        match v {
            Value::Object(m) => {
                let name = m.get("name").and_then(Value::as_str).map(str::to_string);
                let mut out = serde_json::Map::new();
                for (k, x) in m {
                    let child = t.and_then(|t| t.child(&PathSeg::Key(k.clone())));
                    keys.push(k.clone());
                    let mut r = walk(x, child, keys, ranges, known);
                    keys.pop();
                    // An env entry's value, named by its `name`.
                    if k == "value"
                        && let (Some(n), Some(s)) = (&name, x.as_str())
                        && classify(n, s, false).is_some()
                    {
                        r = Value::from(MASK);
                    }
                    out.insert(k.clone(), r);
                }
                Value::Object(out)
            }
            Value::Array(a) => Value::Array(
                a.iter()
                    .enumerate()
                    .map(|(i, x)| {
                        let child = t.and_then(|t| t.child(&PathSeg::Index(i)));
                        walk(x, child, keys, ranges, known)
                    })
                    .collect(),
            ),
            Value::String(s) => {
                let overlaps = t.is_some_and(|t| {
                    let (a, b) = (t.span.start.offset, t.span.end.offset);
                    ranges.iter().any(|r| r.start < b.max(a + 1) && a < r.end)
                });
                let path: Vec<&str> = keys.iter().map(String::as_str).collect();
                let name = keys.last().map(String::as_str).unwrap_or("");
                if overlaps || classify(name, s, reference_field(&path)).is_some() {
                    // Keep what is not a credential in a longer text (a URL's host).
                    match redact_with(s, known) {
                        Cow::Owned(o) if overlaps && o != *s => Value::String(o),
                        _ => Value::from(MASK),
                    }
                } else {
                    match redact_with(s, known) {
                        Cow::Borrowed(_) => v.clone(),
                        Cow::Owned(o) => Value::String(o),
                    }
                }
            }
            _ => v.clone(),
        }
    }
    let mut out = walk(value, Some(spans), &mut Vec::new(), ranges, known);
    // A Secret's data is credentials whatever its keys.
    if value.get("kind").and_then(serde_json::Value::as_str) == Some("Secret")
        && let Some(obj) = out.as_object_mut()
    {
        for key in ["data", "stringData"] {
            if let Some(serde_json::Value::Object(m)) = obj.get_mut(key) {
                for v in m.values_mut() {
                    if v.is_string() {
                        *v = serde_json::Value::from(MASK);
                    }
                }
            }
        }
    }
    out
}

/// The value's part of an entry's range (`key: value`, `- key: value`, `key=value` → `value`),
/// so that masking a credential keeps its key readable. With `key`, the range must start with
/// that key (plain or quoted); without, the key is whatever stands before the first `: ` (no
/// quote or space in it) or `=`. The whole range when no key is found.
pub fn value_of_entry(text: &str, range: Range<usize>, key: Option<&str>) -> Range<usize> {
    let Some(entry) = text.get(range.clone()) else {
        return range;
    };
    let rest = match key {
        Some(k) => [k.to_string(), format!("\"{k}\""), format!("'{k}'")]
            .iter()
            .find_map(|q| entry.strip_prefix(q.as_str()))
            .and_then(|r| r.trim_start_matches([' ', '\t']).strip_prefix(':')),
        None => {
            let body = entry.trim_start_matches([' ', '-']);
            match body.find(": ") {
                Some(c) if !body[..c].contains(['"', '\'', ' ']) => Some(&body[c + 1..]),
                _ => body
                    .find('=')
                    .filter(|i| !body[..*i].contains(' '))
                    .map(|i| &body[i + 1..]),
            }
        }
    };
    let Some(rest) = rest else {
        return range;
    };
    let value = rest.trim_start();
    let start = range.end - value.len();
    match value.trim_end_matches('\n').len() {
        0 => range,
        len => start..start + len,
    }
}

/// Marks on a document's file the string values the detector reads as credentials under their
/// key, or as an env entry's `value` under its `name` (what [`redact_value`] masks in a value),
/// located through the document's spans. For text that no rule has read (a rendered stream
/// printed by `runeguard render`), so that its outputs mask what `check` would.
pub fn mark_document(doc: &crate::input::Document) {
    use crate::input::span::{PathSeg, SpanTree};
    use serde_json::Value;
    fn mark(file: &crate::input::SourceFile, t: &SpanTree, key: &str) {
        let range = t.span.start.offset..t.span.end.offset;
        file.mark_credential(value_of_entry(&file.text, range, Some(key)));
    }
    fn walk(file: &crate::input::SourceFile, v: &Value, t: &SpanTree, keys: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                let name = m.get("name").and_then(Value::as_str);
                for (k, x) in m {
                    let Some(child) = t.child(&PathSeg::Key(k.clone())) else {
                        continue;
                    };
                    if k == "value"
                        && let (Some(n), Some(s)) = (name, x.as_str())
                        && classify(n, s, false).is_some()
                    {
                        mark(file, child, k);
                        continue;
                    }
                    keys.push(k.clone());
                    walk(file, x, child, keys);
                    keys.pop();
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    if let Some(child) = t.child(&PathSeg::Index(i)) {
                        walk(file, x, child, keys);
                    }
                }
            }
            Value::String(s) => {
                let path: Vec<&str> = keys.iter().map(String::as_str).collect();
                let name = keys.last().map(String::as_str).unwrap_or("");
                if classify(name, s, reference_field(&path)).is_some() {
                    mark(file, t, name);
                }
            }
            _ => {}
        }
    }
    walk(&doc.file, &doc.value, &doc.spans, &mut Vec::new());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What lets the built-in vocabulary compile its expressions only when they are used.
    #[test]
    fn builtin_vocabulary_compiles() {
        assert!(Vocabulary::from_settings(&builtin_settings()).is_ok());
        assert!(configure(&builtin_settings()).is_ok());
    }

    #[test]
    fn settings_compare_numbers_by_value() {
        let a = serde_json::json!({"entropy": {"hex_bits": 3.0}, "words": ["KEY"]});
        assert!(same_settings(
            &a,
            &serde_json::json!({"entropy": {"hex_bits": 3}, "words": ["KEY"]})
        ));
        assert!(!same_settings(
            &a,
            &serde_json::json!({"entropy": {"hex_bits": 3.5}, "words": ["KEY"]})
        ));
        assert!(!same_settings(
            &a,
            &serde_json::json!({"entropy": {"hex_bits": 3}, "words": ["KEYS"]})
        ));
    }

    #[test]
    fn names() {
        for n in [
            "DB_PASSWORD",
            "clientSecret",
            "api-key",
            "SECRET_KEY_BASE",
            "ACCESS_KEY",
            "aws_secret_access_key",
            "REDIS_PASS",
            "API_KEY_V2",
            "ADMIN_PASSWORD_PLAIN",
        ] {
            assert!(secret_name(n), "{n}");
        }
        for n in [
            "PASSWORD_FILE",
            "TOKEN_TTL",
            "existingSecret",
            "secretName",
            "PWD",
            "name",
            "value",
            "ACCESS_KEY_ID",
            "keyRef",
            "credentials_validity_in_ms",
            "passwordPattern",
            "tokens_per_fill",
            "secretFieldSelector",
        ] {
            assert!(!secret_name(n), "{n}");
        }
    }

    #[test]
    fn classifies_values() {
        assert_eq!(
            classify("DB_PASSWORD", "correct-horse-battery-staple", false),
            Some(Shape::NamedLiteral)
        );
        assert_eq!(
            classify("API_KEY", "3f2b8a1c-9d4e-4f6a-8b7c-1e2d3c4b5a69", false),
            Some(Shape::NamedLiteral)
        );
        assert_eq!(classify("name", "db-credentials", true), None);
        assert_eq!(classify("DB_PASSWORD", "${DB_PASSWORD}", false), None);
        assert_eq!(classify("DB_PASSWORD", "changeme", false), None);
        assert_eq!(classify("password", "password", false), None);
        assert_eq!(
            classify("url", "postgres://app:s3cr3t-pw@db:5432/app", false),
            Some(Shape::UrlPassword)
        );
        assert_eq!(classify("url", "postgres://app@db:5432/app", false), None);
        assert_eq!(
            classify(
                "digest",
                "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                false
            ),
            None
        );
        assert_eq!(
            classify(
                "SECRET_KEY_BASE",
                "a8f5f167f44f4964e6c998dee827110c0f4e7a8b9c1d2e3f",
                false
            ),
            Some(Shape::NamedLiteral)
        );
    }

    #[test]
    fn scans_text_and_redacts() {
        let text = "a: 1\nenv:\n  - name: DB_PASSWORD\n    value: \"tr0ub4dor-and-3\"\n  - name: MODE\n    value: fast\nurl: postgres://u:hunter22@db/x\n";
        let ranges = scan(text);
        let masked: Vec<&str> = ranges.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(masked, ["tr0ub4dor-and-3", "hunter22"]);
        let red = Redacted::new(text, &ranges);
        assert!(!red.text.contains("tr0ub4dor"));
        assert!(!red.text.contains("hunter22"));
        assert_eq!(red.text.lines().count(), text.lines().count());
        let at = text.find("MODE").expect("in text");
        assert_eq!(&red.text[red.offset(at, false)..][..4], "MODE");
    }

    #[test]
    fn scans_quoted_list_items() {
        let text = "environment:\n  - 'SECRET_KEY_BASE=Kx8vQ2mN7pL4rT9wZ3yB6cF1'\n  - \"DB_PASSWORD=velvet-harbor\"\n";
        let masked: Vec<&str> = scan(text).iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(masked, ["Kx8vQ2mN7pL4rT9wZ3yB6cF1", "velvet-harbor"]);
    }

    #[test]
    fn scans_block_scalars_and_sql() {
        let text =
            "stringData:\n  password: |\n    line-one-secret\n    line-two-secret\nother: x\n";
        let red = Redacted::new(text, &scan(text));
        assert_eq!(
            red.text,
            "stringData:\n  password: |\n    ********\n    ********\nother: x\n"
        );
        let sql = "CREATE ROLE app LOGIN PASSWORD 'pa''ss-word';\nGRANT ALL ON t TO app;\n";
        let red = Redacted::new(sql, &scan(sql));
        assert_eq!(
            red.text,
            "CREATE ROLE app LOGIN PASSWORD '********';\nGRANT ALL ON t TO app;\n"
        );
    }
}
