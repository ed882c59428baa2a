//! The credential detector: the one place that decides whether a value, or a byte range of a
//! source text, holds a credential; and the redaction every output goes through.
//!
//! # Redaction is a property of the source
//!
//! Every [`SourceFile`](crate::source::SourceFile) knows the byte ranges of its credentials:
//! those this detector finds in its text ([`scan`]), plus the spans that rules about secrets
//! flag ([`SourceFile::mark_credential`](crate::source::SourceFile::mark_credential), done by
//! the run for every finding of a rule that [`Rule::is_secret`](crate::rule::Rule::is_secret)).
//! **Any code that writes source text, or text derived from it, must go through one of these
//! doors**, never through `SourceFile::text` directly:
//!
//! - [`SourceFile::redacted`](crate::source::SourceFile::redacted): the whole text with each
//!   credential replaced by [`MASK`], line structure kept, and a map from original offsets to
//!   redacted ones (snippets, context lines, rendered streams).
//! - [`SourceFile::redacted_line`](crate::source::SourceFile::redacted_line): one line.
//! - [`SourceFile::redact`](crate::source::SourceFile::redact): any string (a message, a
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
//!
//! Rooms: [`vocabulary`] (the credential vocabulary, read from settings), [`detect`] (one
//! value under its name), [`scan`] (a whole source text), [`redact`] (masking text),
//! [`document`] (a document's values, through its spans) and [`word_sets`] (a name's words
//! looked up in the vocabulary's word lists).

mod detect;
mod document;
mod example;
mod not_literal;
mod pairs;
mod redact;
mod scan;
mod text_forms;
mod vocabulary;
mod word_sets;

pub use detect::{
    classify, entropy, find_shape, high_entropy, identifier_name, not_literal,
    password_placeholder, reference_field, secret_name, words,
};
pub use document::{
    SecretValues, mark_document, mark_secret_data, name_ranges, redact_value, value_of_entry,
};
pub use example::{example_file, example_placeholder};
pub use redact::{Known, Redacted, redact_known, redact_text, redact_with};
pub use scan::{Words, keys_among, merge, scan, used_as_key};
pub use text_forms::NGINX_PASS_DIRECTIVES;
pub use vocabulary::{SETTINGS, Shape, configure, prepare_builtin, warm_builtin};

/// Whether a credential found in one file is also masked where another file of the run
/// repeats it as a word of its own (a password in `config.yaml` passed again in
/// `docker-compose.yml`'s `command:`, a Secret's value in a Deployment's `args`). A token,
/// not a phrase, a template action or a key (no spaces, quotes or `{{`, no
/// `extraManifests:`), and not a name: a run of letters, `.`, `-`, `_`, `/` and `:` of one
/// letter case (`gitea`, `config`, `tls.key`, `argocd-server`, `ADMIN`) of some file is the
/// vocabulary of the whole repository (services, images, keys, objects), and masking it in
/// every file made 2,002 of the corpus's 16,592 messages unreadable (`typed_********`).
/// Within its own file a credential is masked wherever it is a word of its own, whatever it
/// looks like.
pub fn spreads(credential: &str) -> bool {
    let v = credential.trim();
    let name_like =
        |b: u8| b.is_ascii_alphabetic() || matches!(b, b'.' | b'-' | b'_' | b'/' | b':');
    let mixed_case =
        v.bytes().any(|b| b.is_ascii_uppercase()) && v.bytes().any(|b| b.is_ascii_lowercase());
    let a_name = !mixed_case && v.bytes().all(name_like);
    v.chars().count() >= 6
        && !a_name
        && !v.contains(char::is_whitespace)
        && !v.contains(['"', '\''])
        && !v.contains("{{")
        && !v.ends_with(':')
}

/// The credentials of `credentials` that [`spread`](spreads) to other files, ready to be
/// found in a text; None when none does.
pub fn spreading_words(mut credentials: Vec<String>) -> Option<Words> {
    credentials.retain(|c| spreads(c));
    credentials.sort_unstable();
    credentials.dedup();
    Words::new(&credentials)
}

/// Whether a credential is one of the vocabulary's own words (`secret`, `password`,
/// `token`: a weak password written as the word its name says). Such a credential is masked
/// where it is, but not searched for in the rest of the text or in texts derived from it:
/// there the word is far more often the word (a key's name, `--initial-cluster-token`, a
/// message saying a value "looks like a secret") than the password, and masking it there
/// made messages and names unreadable.
///
/// A YAML boolean or null word (`true`, `false`, `null`) is one too: a Secret's `data`
/// entry a chart fills from a switch (falcosidekick's `SMTP_TLS: {{ .Values.config.smtp.tls |
/// printf "%t" | b64enc }}`) marks its values line, and every message quoting the word
/// (`readOnlyRootFilesystem is not set to true`) was masked; no password is that word.
pub fn vocabulary_word(credential: &str) -> bool {
    let v = credential.trim();
    // One word of letters: `toml-db-passphrase` says a credential word and is a passphrase.
    !v.is_empty()
        && v.bytes().all(|b| b.is_ascii_alphabetic())
        && (secret_name(v)
            || ["true", "false", "null"]
                .iter()
                .any(|w| v.eq_ignore_ascii_case(w)))
}

/// What a credential is shown as.
pub const MASK: &str = "********";

#[cfg(test)]
mod tests;
