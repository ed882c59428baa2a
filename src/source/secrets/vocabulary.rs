//! The detector's vocabulary: token shapes, credential and reference names, entropy
//! thresholds, read from the settings file the Rego rules read too.

use super::not_literal::{self, PasswordFinder, TextTest};
use super::word_sets::{AnyWord, NotSecretName, SecretName, WordSet};
use regex::Regex;

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
pub(super) const REFERENCE_KEYS: [&str; 13] = [
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
    "passwordSecret",
    "credentialsSecret",
];

/// Ancestors under which `name` and `key` are references to another object.
pub(super) const REFERENCE_PARENTS: [&str; 10] = [
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
pub(super) struct Pattern {
    pub(super) shape: Shape,
    pub(super) hints: Vec<String>,
    pub(super) re: LazyRegex,
}

/// Thresholds for high-entropy strings.
pub(super) struct Entropy {
    pub(super) min_length: usize,
    pub(super) max_length: usize,
    pub(super) base64_bits: f64,
    pub(super) hex_bits: f64,
    pub(super) hex_min_length: usize,
}

/// The detector's vocabulary, read from [`SETTINGS`].
pub(super) struct Vocabulary {
    pub(super) secret_name: SecretName,
    pub(super) not_secret_name: NotSecretName,
    pub(super) identifier_name: AnyWord,
    pub(super) reference: TextTest,
    pub(super) embedded_reference: TextTest,
    pub(super) placeholder: TextTest,
    pub(super) reference_prefixes: Vec<String>,
    /// Ends of a value that names where a credential is kept (`@azurekeyvault`), lower case.
    pub(super) reference_suffixes: Vec<String>,
    /// Command-line options that take a password without naming one (`--requirepass`),
    /// lower case.
    pub(super) credential_options: Vec<String>,
    /// Short options that take a password for the programs named (mysql's `-pVALUE`,
    /// redis-cli's `-a VALUE`).
    pub(super) program_password_options: Vec<ProgramOption>,
    /// The programs of `program_password_options` as one automaton, built on first use.
    pub(super) program_names: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>>,
    /// Header names whose value is a scheme and credentials (`AUTHORIZATION`), as words.
    pub(super) authorization_headers: Vec<String>,
    /// The schemes whose credentials such a header carries (`basic`, `bearer`).
    pub(super) authorization_schemes: Vec<String>,
    /// Words of a file's name that say it is an example or template (`example`, `dist`),
    /// lower case (see [`super::example`]).
    pub(super) example_file_words: Vec<String>,
    /// The same, counted only between dots (`.env.dist`, `app.env.tpl`).
    pub(super) example_file_extensions: Vec<String>,
    /// Words a documentation placeholder of an example file is made of: one of the secret
    /// words at least (`pass`, `secret`), the qualifiers besides (`my`, `db`), lower case.
    pub(super) example_secret_words: Vec<String>,
    pub(super) example_qualifier_words: Vec<String>,
    pub(super) patterns: Vec<Pattern>,
    pub(super) url_password: PasswordFinder,
    pub(super) conn_password: PasswordFinder,
    pub(super) entropy: Entropy,
    pub(super) name_hints: Vec<String>,
    /// `name_hints` as one automaton (ASCII case ignored), built on first use.
    pub(super) name_hint_set: std::sync::OnceLock<aho_corasick::AhoCorasick>,
    /// Every pattern's hints as one automaton, built on first use (see [`Vocabulary::hinted`]).
    pub(super) pattern_hint_set: std::sync::OnceLock<PatternHints>,
}

/// A short option that takes a password for the programs named.
pub(super) struct ProgramOption {
    pub(super) programs: Vec<String>,
    /// The option as written (`-p`).
    pub(super) option: String,
    /// Whether the value is in the option's word (`-pVALUE`) rather than the next word.
    pub(super) joined: bool,
}

/// The patterns' hints in one automaton, for the patterns whose hints a value holds in one
/// pass over it (testing each hint with `contains` read a long value once per hint).
pub(super) struct PatternHints {
    automaton: aho_corasick::AhoCorasick,
    /// The same hints, leftmost-first: a search that skips ahead with a SIMD prefilter (a
    /// long text goes through this one, see [`Vocabulary::hinted_text`]).
    leftmost: aho_corasick::AhoCorasick,
    /// The longest hint's length in bytes.
    max_len: usize,
    /// The pattern each (non-empty) hint of the automaton belongs to.
    owner: Vec<usize>,
    /// Patterns with an empty hint: every text holds it.
    always: Vec<usize>,
}

impl Vocabulary {
    /// The automaton of the programs that take a password by a short option (leftmost
    /// longest: `mysqladmin`, not `mysql`); None when no program is named.
    pub(super) fn program_names(&self) -> Option<&aho_corasick::AhoCorasick> {
        self.program_names
            .get_or_init(|| {
                let names: Vec<&str> = self
                    .program_password_options
                    .iter()
                    .flat_map(|o| o.programs.iter().map(String::as_str))
                    .collect();
                (!names.is_empty()).then(|| {
                    aho_corasick::AhoCorasick::builder()
                        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                        .build(&names)
                        .expect("program names build")
                })
            })
            .as_ref()
    }

    /// The short password options of `program`.
    pub(super) fn options_of<'a>(
        &'a self,
        program: &'a str,
    ) -> impl Iterator<Item = &'a ProgramOption> + 'a {
        self.program_password_options
            .iter()
            .filter(move |o| o.programs.iter().any(|p| p == program))
    }

    /// Whether `name`, in upper case, contains one of `name_hints` (the cheap first test of
    /// [`super::detect::secret_name`]).
    pub(super) fn name_hinted(&self, name: &str) -> bool {
        self.name_hint_set
            .get_or_init(|| {
                aho_corasick::AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                    .build(&self.name_hints)
                    .expect("name hints build")
            })
            .is_match(name)
    }

    /// For each pattern (in order), whether `v` contains one of its hints: what
    /// `p.hints.iter().any(|h| v.contains(h))` says for every pattern, in one pass.
    pub(super) fn hinted(&self, v: &str) -> Vec<bool> {
        let set = self.pattern_hints();
        let mut on = vec![false; self.patterns.len()];
        for &i in &set.always {
            on[i] = true;
        }
        // Most values hold no hint: one prefiltered search says so (the leftmost-first
        // automaton's: a SIMD search the standard one lacks, ~60 instructions less a
        // description line of a CRD); otherwise overlapping matches, every occurrence of
        // every hint, as `contains` sees them.
        if !set.leftmost.is_match(v) {
            return on;
        }
        for m in set.automaton.find_overlapping_iter(v) {
            on[set.owner[m.pattern().as_usize()]] = true;
        }
        on
    }

    /// What [`Vocabulary::hinted`] says, for a whole source text. The overlapping search reads
    /// every byte; the leftmost-first one skips ahead with a prefilter, as the regex of all
    /// hints did. Every occurrence of a hint starts inside some leftmost match (the search
    /// leaves no gap that holds the start of one), so the overlapping search over each match
    /// and the longest hint's length after it finds them all.
    pub(super) fn hinted_text(&self, text: &str) -> Vec<bool> {
        let set = self.pattern_hints();
        let mut on = vec![false; self.patterns.len()];
        for &i in &set.always {
            on[i] = true;
        }
        let bytes = text.as_bytes();
        for m in set.leftmost.find_iter(text) {
            let end = (m.end() + set.max_len).min(bytes.len());
            for o in set.automaton.find_overlapping_iter(&bytes[m.start()..end]) {
                on[set.owner[o.pattern().as_usize()]] = true;
            }
        }
        on
    }

    fn pattern_hints(&self) -> &PatternHints {
        self.pattern_hint_set.get_or_init(|| {
            let mut owner = Vec::new();
            let mut always = Vec::new();
            let mut hints: Vec<&str> = Vec::new();
            for (i, p) in self.patterns.iter().enumerate() {
                for h in &p.hints {
                    if h.is_empty() {
                        always.push(i);
                    } else {
                        hints.push(h);
                        owner.push(i);
                    }
                }
            }
            PatternHints {
                // A contiguous NFA: a DFA searches no faster here and takes longer to build
                // (a run builds it once, a small chart's run uses it a few hundred times).
                automaton: aho_corasick::AhoCorasick::builder()
                    .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                    .build(&hints)
                    .expect("pattern hints build"),
                leftmost: aho_corasick::AhoCorasick::builder()
                    .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                    .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                    .build(&hints)
                    .expect("pattern hints build"),
                max_len: hints.iter().map(|h| h.len()).max().unwrap_or(0),
                owner,
                always,
            }
        })
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
pub(super) struct LazyRegex {
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

/// The built-in `settings.credentials`, parsed once a process (the built-in vocabulary and
/// [`configure`]'s comparison both read it).
pub(super) fn builtin_settings() -> &'static serde_json::Value {
    static SETTINGS_CELL: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    SETTINGS_CELL.get_or_init(|| {
        let text = crate::embedded::get(SETTINGS).expect("embedded credential settings");
        let mut v: serde_json::Value =
            serde_json::from_str(text).expect("credential settings are JSON");
        v["credentials"].take()
    })
}

/// The vocabulary in use: the one [`configure`] set, else the built-in settings (whose
/// expressions are compiled as they are needed).
pub(super) fn vocabulary() -> &'static Vocabulary {
    VOCABULARY_CELL.get_or_init(|| Vocabulary::build(builtin_settings(), None))
}

/// Uses the run's `data.settings.credentials` (built-in settings merged with `--data` files)
/// for masking, as the rules do. Only the first call of a process counts; an invalid
/// vocabulary (a bad regular expression) is an error and leaves the built-in one. The
/// built-in settings themselves (every run without `--data` for them) are left to
/// [`vocabulary`], which compiles only what the run uses.
pub fn configure(settings: &serde_json::Value) -> Result<(), String> {
    if same_settings(settings, builtin_settings()) {
        warm_builtin();
        return Ok(());
    }
    let v = Vocabulary::from_settings(settings)?;
    let _ = VOCABULARY_CELL.set(v);
    Ok(())
}

/// Readies the built-in vocabulary on another thread, for a run whose settings are the
/// built-in ones. Every run reads names and values; their expressions (≈ 1.5 ms to compile)
/// are made while the run loads its inputs (a user of one waits for it).
pub fn warm_builtin() {
    let _ = std::thread::Builder::new().spawn(prepare_builtin);
}

/// Compiles the built-in vocabulary's expressions on this thread (see [`warm_builtin`]).
pub fn prepare_builtin() {
    let v = vocabulary();
    v.not_secret_name.prepare();
    v.identifier_name.prepare();
    v.secret_name.prepare();
    for test in [&v.reference, &v.placeholder, &v.embedded_reference] {
        test.prepare();
    }
    // Builds the token hints' automaton.
    v.hinted("");
}

/// Equal settings, numbers compared by value: the run's settings come back from the rule
/// engine's number type, which writes a whole float (`3.0`) as an integer (`3`).
pub(super) fn same_settings(a: &serde_json::Value, b: &serde_json::Value) -> bool {
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
    /// The expression the not-a-credential lookups replace (for tests comparing the two).
    #[cfg(test)]
    pub(super) fn not_secret_name_source(&self) -> String {
        self.not_secret_name.re.source.clone()
    }

    #[cfg(test)]
    pub(super) fn secret_name_source(&self) -> String {
        self.secret_name.re.source.clone()
    }

    #[cfg(test)]
    pub(super) fn identifier_name_source(&self) -> String {
        self.identifier_name.re.source.clone()
    }

    /// A vocabulary with every expression compiled now, so that a bad one is an error.
    pub(super) fn from_settings(c: &serde_json::Value) -> Result<Self, String> {
        let mut error: Option<String> = None;
        let v = Self::build(c, Some(&mut error));
        match error {
            Some(e) => Err(e),
            None => Ok(v),
        }
    }

    /// With `error`, compiles every expression now and keeps the first error; without,
    /// defers each to its first use (the built-in settings, known to compile).
    pub(super) fn build(c: &serde_json::Value, mut error: Option<&mut Option<String>>) -> Self {
        let list = |k: &str| -> Vec<String> {
            c[k].as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let lower_list =
            |k: &str| -> Vec<String> { list(k).iter().map(|w| w.to_ascii_lowercase()).collect() };
        let alt = |k: &str| list(k).join("|");
        let mut re = |s: &str| match error.as_deref_mut() {
            None => LazyRegex::deferred(s.to_string()),
            Some(error) => LazyRegex::compiled(Regex::new(s).unwrap_or_else(|e| {
                error.get_or_insert_with(|| format!("settings.credentials: {e}"));
                Regex::new("^$").expect("empty regex")
            })),
        };
        let s = |k: &str| c[k].as_str().unwrap_or("^$").to_string();
        // The built-in tests have hand matchers (`not_literal`), used while a setting is them.
        let builtin = |k: &str| builtin_settings()[k].as_str().unwrap_or_default();
        let builtin_pattern = |shape: &str| {
            builtin_settings()["patterns"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|p| p["shape"] == shape)
                .and_then(|p| p["re"].as_str())
                .unwrap_or_default()
        };
        let num = |k: &str| c["entropy"][k].as_f64().unwrap_or(0.0);
        let mut patterns = Vec::new();
        let (mut url_password, mut conn_password) = (None, None);
        for p in c["patterns"].as_array().into_iter().flatten() {
            let id = p["shape"].as_str().unwrap_or("");
            let source = p["re"].as_str().unwrap_or("^$");
            // The two password patterns have hand matchers, used while a setting is them.
            let finder = |hand: fn(&str) -> Vec<std::ops::Range<usize>>,
                          re: &mut dyn FnMut(&str) -> LazyRegex| {
                PasswordFinder::new(source, builtin_pattern(id), hand, || re(source))
            };
            match id {
                "url-password" => url_password = Some(finder(not_literal::url_passwords, &mut re)),
                "connection-string" => {
                    conn_password = Some(finder(not_literal::connection_passwords, &mut re))
                }
                _ => patterns.push(Pattern {
                    shape: shape_of(id),
                    hints: p["hints"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|h| h.as_str().map(str::to_string))
                        .collect(),
                    re: re(source),
                }),
            }
        }
        let no_password = || PasswordFinder::Expression(LazyRegex::deferred("^$".into()));
        Vocabulary {
            // A credential word last, or followed only by words that qualify it
            // (`SECRET_KEY_BASE`, `API_KEY_V2`): not `CREDENTIALS_VALIDITY_IN_MS`.
            // A part that ends with a joined word (`DBPASSWORD`) is a credential word too,
            // and digits written onto the word number it (`DB_PASSWORD4`, `redis_password1`).
            secret_name: SecretName::new(
                &list("secret_words"),
                &list("joined_secret_words"),
                &list("secret_suffix_words"),
                re(&format!(
                    "(?:^|_)(?:{}{})[0-9]*(?:_(?:{}))*$",
                    if list("joined_secret_words").is_empty() {
                        String::new()
                    } else {
                        format!("[A-Z0-9]*(?:{})|", alt("joined_secret_words"))
                    },
                    alt("secret_words"),
                    alt("secret_suffix_words")
                )),
            ),
            not_secret_name: NotSecretName {
                last: WordSet::new(&list("not_secret_last_words")),
                first: WordSet::new(&list("not_secret_first_words")),
                re: re(&format!(
                    "(?:^|_)(?:{})$|^(?:{})_",
                    alt("not_secret_last_words"),
                    alt("not_secret_first_words")
                )),
            },
            identifier_name: AnyWord {
                words: WordSet::new(&list("identifier_words")),
                re: re(&format!("(?:^|_)(?:{})(?:_|$)", alt("identifier_words"))),
            },
            reference: TextTest::new(
                &s("reference_pattern"),
                builtin("reference_pattern"),
                not_literal::is_reference,
                || re(&s("reference_pattern")),
            ),
            embedded_reference: TextTest::new(
                &s("embedded_reference_pattern"),
                builtin("embedded_reference_pattern"),
                not_literal::has_embedded_reference,
                || re(&s("embedded_reference_pattern")),
            ),
            placeholder: TextTest::new(
                &s("placeholder_pattern"),
                builtin("placeholder_pattern"),
                not_literal::is_placeholder,
                || re(&s("placeholder_pattern")),
            ),
            reference_prefixes: list("reference_prefixes"),
            reference_suffixes: list("reference_suffixes")
                .iter()
                .map(|x| x.to_ascii_lowercase())
                .collect(),
            credential_options: list("credential_options")
                .iter()
                .map(|o| o.to_ascii_lowercase())
                .collect(),
            program_password_options: c["program_password_options"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|o| {
                    Some(ProgramOption {
                        programs: o["programs"]
                            .as_array()?
                            .iter()
                            .filter_map(|p| p.as_str().map(str::to_string))
                            .collect(),
                        option: o["option"].as_str()?.to_string(),
                        joined: o["joined"].as_bool().unwrap_or(false),
                    })
                })
                .filter(|o| o.option.len() > 1)
                .collect(),
            program_names: std::sync::OnceLock::new(),
            authorization_headers: list("authorization_headers"),
            authorization_schemes: list("authorization_schemes"),
            example_file_words: lower_list("example_file_words"),
            example_file_extensions: lower_list("example_file_extensions"),
            example_secret_words: lower_list("example_secret_words"),
            example_qualifier_words: lower_list("example_qualifier_words"),
            patterns,
            url_password: url_password.unwrap_or_else(no_password),
            conn_password: conn_password.unwrap_or_else(no_password),
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
                .chain(&list("joined_secret_words"))
                .filter_map(|w| {
                    w.split(|c: char| !c.is_ascii_alphanumeric())
                        .find(|p| !p.is_empty())
                        .map(str::to_ascii_uppercase)
                })
                .collect(),
            name_hint_set: std::sync::OnceLock::new(),
            pattern_hint_set: std::sync::OnceLock::new(),
        }
    }
}
