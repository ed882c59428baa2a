use super::*;
use scan::{SQL_PASSWORD, may_hold_sql_password};
use vocabulary::{Vocabulary, builtin_settings, same_settings};

/// What lets the built-in vocabulary compile its expressions only when they are used.
#[test]
fn builtin_vocabulary_compiles() {
    assert!(Vocabulary::from_settings(builtin_settings()).is_ok());
    assert!(configure(builtin_settings()).is_ok());
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
        // written as one word, and the names of services' own credentials
        "DBPASSWORD",
        "ADMINPASSWORD",
        "mysqlpassword",
        "KEYSTOREPASSWD",
        "DBPASSWORD_OLD",
        "REDISCLI_AUTH",
        "REDIS_AUTH",
        "redisAuth",
        "masterauth",
        "REQUIREPASS",
        "PGPASS",
        // numbered: the fourth database's password, a second key (wild43)
        "DB_PASSWORD4",
        "PASSWORD_2",
        "redis_password1",
        "SECRET_KEY_V2",
        "dbPassword2",
        "API_TOKEN3_OLD",
        "MYSQLPASSWORD2",
        // pre-shared keys (Mosquitto's bridge_psk, WPA_PSK, IPsec)
        "bridge_psk",
        "WPA_PSK",
        "IPSEC_PRE_SHARED_KEY",
        "preSharedKey",
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
        // a credential word first, or a word that only ends like one
        "PASSWORDLESS",
        "PASSWORD_MIN_LENGTH",
        "PASSWORDPOLICY",
        "DBPASSWORD_FILE",
        "BYPASS",
        "COMPASS",
        "PAGETOKEN",
        "REDISCLI_AUTH_FILE",
        "REDIS_AUTH_ENABLED",
        "AUTH",
        // settings about passwords, numbered or not
        "PASSWORD_RESET_TIMEOUT",
        "password_hash_rounds",
        "MAX_PASSWORD_AGE_DAYS",
        "PASSWORD2_MIN_LENGTH",
        "DB_PASSWORD4_FILE",
        "SHA256",
        "OAUTH2",
        "PASSWORDS4ALL",
        "psk_file",
        "psk_hint",
        "PSK_IDENTITY",
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
    // An object name under a credential name is masked: the secret rules may read it as the
    // Secret it names, but `very-secret` reads the same as `shop-tls` to that guess.
    assert_eq!(
        classify("clientSecret", "very-secret", false),
        Some(Shape::NamedLiteral)
    );
    assert_eq!(
        classify("TLS_SECRET", "shop-tls", false),
        Some(Shape::NamedLiteral)
    );
    assert_eq!(classify("DB_PASSWORD", "${DB_PASSWORD}", false), None);
    assert_eq!(classify("DB_PASSWORD", "changeme", false), None);
    // One lower-case word is the weak password the service runs with, even the name's own
    // word (`POSTGRES_PASSWORD: password`); the name written back in capitals is a placeholder.
    for (name, value) in [
        ("password", "password"),
        ("POSTGRES_PASSWORD", "password"),
        ("MONGO_INITDB_ROOT_PASSWORD", "secret"),
        ("API_TOKEN", "token"),
    ] {
        assert_eq!(
            classify(name, value, false),
            Some(Shape::NamedLiteral),
            "{name}: {value}"
        );
    }
    assert_eq!(
        classify("GOOGLE_API_KEY", "GOOGLE_API_KEY_VAL", false),
        None
    );
    // etcd's cluster-uniqueness id is named like a token and is none.
    assert_eq!(
        classify("ETCD_INITIAL_CLUSTER_TOKEN", "etcd-cluster-1", false),
        None
    );
    assert_eq!(
        classify(
            "initial-cluster-token",
            "3924e5ca-00c9-4245-a49f-08f817d1d954",
            false
        ),
        None
    );
    // A header's credentials after its scheme; a reference or no scheme is none.
    assert_eq!(
        classify("Authorization", "Basic d2NjcmF3bGFkbWluOndlbGNvbWUx", false),
        Some(Shape::NamedLiteral)
    );
    assert_eq!(classify("Authorization", "Bearer $(API_KEY)", false), None);
    assert_eq!(classify("authorization", "enabled", false), None);
    // An access level (a workflow's `permissions: {id-token: write}`) is no credential.
    assert_eq!(classify("id-token", "write", false), None);
    // What an audit filter does with a secret (Boundary's `audit_filter_overrides`).
    for mode in ["redact", "encrypt", "hmac-sha256"] {
        assert_eq!(classify("secret", mode, false), None, "{mode}");
    }
    // A variable's name (`server-password: MAVEN_PASSWORD`, `secretKey:
    // AWS_SECRET_ACCESS_KEY`) names where the credential is, as the secret rules read it
    // (session fid31); a key in capitals that names nothing is one.
    assert_eq!(classify("server-password", "MAVEN_PASSWORD", false), None);
    assert_eq!(classify("secretKey", "AWS_SECRET_ACCESS_KEY", false), None);
    assert_eq!(
        classify("secretKey", "ZQ9X_KW4T_7PLM_Q2RN", false),
        Some(Shape::NamedLiteral)
    );
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

/// A credential found in one place is hidden wherever else the text holds it as a word of
/// its own: under another name, in an argument list, in a command line.
#[test]
fn a_credential_is_hidden_where_the_text_repeats_it() {
    let text = "Resources:\n  DB:\n    MasterUserPassword: Zx9-Qw8-Lk7\n    Other: \"Zx9-Qw8-Lk7\"\n    args: [\"-p\", Zx9-Qw8-Lk7]\n    cmd: app --pw=Zx9-Qw8-Lk7 --x\n    name: Zx9-Qw8-Lk7-tools\n";
    let red = Redacted::new(text, &scan(text));
    assert_eq!(red.text.matches("Zx9-Qw8-Lk7").count(), 1, "{}", red.text);
    assert!(red.text.contains("Zx9-Qw8-Lk7-tools"), "{}", red.text);
    assert_eq!(red.text.lines().count(), text.lines().count());
}

/// What a credential found in one file masks in the run's other files: a token, not a
/// phrase, a template action, a key or a name of one letter case.
/// A credential that is a word of the vocabulary (`secret`) is masked where it is, and not
/// wherever the text or a message says the word (`--initial-cluster-token`, "looks like a
/// secret").
#[test]
fn a_vocabulary_word_credential_is_masked_at_its_place_only() {
    let text = "env:\n  - name: MONGO_INITDB_ROOT_PASSWORD\n    value: secret\n  - name: NOTE\n    value: a secret word\n";
    let masked: Vec<&str> = scan(text).iter().map(|r| &text[r.clone()]).collect();
    assert_eq!(masked, ["secret"]);
    let at = text.find("value: secret").unwrap() + "value: ".len();
    let ranges = scan(text);
    assert_eq!((ranges.len(), ranges[0].start), (1, at));
    assert!(super::vocabulary_word("secret") && super::vocabulary_word("password"));
    assert!(!super::vocabulary_word("s3cret") && !super::vocabulary_word("mongopwd"));
    assert!(!super::vocabulary_word("toml-db-passphrase"));
}

/// A credential its file also uses as a key (the Compose service `postgres:` whose password
/// is `postgres`) is masked where it is the credential, not where the file names something
/// with it (`image: postgres:16`, `airflow-apiserver:`); a credential no key names is masked
/// wherever it is a word of its own (a healthcheck's `redis-cli -a redispass`).
#[test]
fn a_credential_the_file_uses_as_a_key_is_masked_at_its_place_only() {
    let text = "services:\n  postgres:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: postgres\n  cache:\n    environment:\n      REDIS_PASSWORD: redispass\n    healthcheck:\n      test: redis-cli -a redispass ping\n";
    let masked: Vec<(usize, &str)> = scan(text)
        .iter()
        .map(|r| (text[..r.start].lines().count(), &text[r.clone()]))
        .collect();
    assert_eq!(
        masked,
        [(5, "postgres"), (8, "redispass"), (10, "redispass")]
    );
    for (text, word) in [
        ("postgres:\n", "postgres"),
        ("x-airflow-common:\n", "airflow"),
        ("  - name-of-it: 1\n", "name"),
        ("{\"redis\": {}}\n", "redis"),
        ("a: {b: 1, airflow-web: 2}\n", "airflow"),
    ] {
        assert!(super::used_as_key(text, word), "{text:?} {word}");
    }
    for (text, word) in [
        ("image: postgres:16\n", "postgres"),
        ("postgres:16\n", "postgres"),
        ("postgresql:\n", "postgres"),
        ("url: postgres://a:b@c\n", "postgres"),
        ("cmd: redis-cli -a redispass: x\n", "redispass"),
    ] {
        assert!(!super::used_as_key(text, word), "{text:?} {word}");
    }
}

#[test]
fn a_credential_spreads_to_other_files_when_it_is_a_token() {
    for token in ["Zx9-Qw8-Lk7", "hunter2", "Secret-Value-7731"] {
        assert!(super::spreads(token), "{token}");
    }
    for name in [
        "postgres",
        "ADMIN_USER",
        "a1b2",
        "tls.key",
        "argocd-server",
        "config",
    ] {
        assert!(!super::spreads(name), "{name}");
    }
    for not_a_token in [
        "it's a secret",
        "{{ .Values.password }}",
        "\"quoted\"",
        "Server1:",
    ] {
        assert!(!super::spreads(not_a_token), "{not_a_token}");
    }
}

/// A `value:` pairs with the `name:` of its own mapping only: a Kustomize patch whose target
/// is named like a secret (`app-external-secret`) does not make the values of its JSON patch
/// operations credentials, while an env entry's value under a secret name still is one.
#[test]
fn a_value_pairs_only_with_the_name_of_its_own_mapping() {
    let text = "patches:\n  - target:\n      kind: ExternalSecret\n      name: app-external-secret\n    patch: |\n      - op: replace\n        path: /spec/secretStoreRef/name\n        value: aws-secrets-manager\nenv:\n  - name: DB_PASSWORD\n    value: velvet-harbor\n";
    let masked: Vec<&str> = scan(text).iter().map(|r| &text[r.clone()]).collect();
    assert_eq!(masked, ["velvet-harbor"]);
}

#[test]
fn scans_quoted_list_items() {
    let text = "environment:\n  - 'SECRET_KEY_BASE=Kx8vQ2mN7pL4rT9wZ3yB6cF1'\n  - \"DB_PASSWORD=velvet-harbor\"\n";
    let masked: Vec<&str> = scan(text).iter().map(|r| &text[r.clone()]).collect();
    assert_eq!(masked, ["Kx8vQ2mN7pL4rT9wZ3yB6cF1", "velvet-harbor"]);
}

#[test]
fn scans_block_scalars_and_sql() {
    let text = "stringData:\n  password: |\n    line-one-secret\n    line-two-secret\nother: x\n";
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

/// A JSON value of any length under a credential key is masked (a counted repetition
/// limited it to 2,000 characters, and cost 13 ms to compile).
#[test]
fn masks_long_json_values() {
    let secret: String = (0..2500)
        .map(|i| (b'a' + (i * 7 % 26) as u8) as char)
        .collect();
    let text = format!("{{\"password\": \"{secret}\", \"user\": \"admin\"}}\n");
    let masked: Vec<&str> = scan(&text).iter().map(|r| &text[r.clone()]).collect();
    assert_eq!(masked, [secret.as_str()]);
}

/// The word-list lookups answer what the expressions they replace match, on names made of the
/// lists' own words (first, last, inside, joined without `_`) and of other words, and on
/// malformed names (empty parts, leading or trailing `_`).
#[test]
fn word_lookups_match_their_expressions() {
    let v = Vocabulary::build(builtin_settings(), None);
    let not_secret = regex::Regex::new(&v.not_secret_name_source()).unwrap();
    let identifier = regex::Regex::new(&v.identifier_name_source()).unwrap();
    let lists = [
        "not_secret_last_words",
        "not_secret_first_words",
        "identifier_words",
        "secret_words",
    ];
    let mut words: Vec<String> = lists
        .iter()
        .flat_map(|k| builtin_settings()[k].as_array().unwrap().iter())
        .map(|w| w.as_str().unwrap().replace('?', ""))
        .collect();
    words.extend(["", "X", "DB", "SECRETX", "XID", "IDX", "1"].map(String::from));
    let mut checked = 0;
    for a in &words {
        for b in ["", "ID", "FILE", "EXISTING", "DB", "KEY_REF", "PASSWORD"] {
            for name in [
                format!("{a}_{b}"),
                format!("{b}_{a}"),
                format!("{a}{b}"),
                format!("_{a}_{b}_"),
                format!("{a}__{b}"),
                format!("X_{a}_{b}_Y"),
            ] {
                assert_eq!(
                    v.not_secret_name.is_match(&name),
                    not_secret.is_match(&name),
                    "{name}"
                );
                assert_eq!(
                    v.identifier_name.is_match(&name),
                    identifier.is_match(&name),
                    "{name}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 1000);
}

/// The credential-name lookup answers what `(?:^|_)(?:SECRET…)(?:_(?:SUFFIX…))*$` matches, on
/// names of up to three parts taken from the credential words (each spelling of `API_?KEY`,
/// `CREDENTIALS?`), the suffix words (digits and `V2` for `[0-9]+` and `V[0-9]+`) and other
/// words, joined by `_`, by `__`, or not at all, with stray `_` around.
#[test]
fn secret_name_lookup_matches_its_expression() {
    let v = Vocabulary::build(builtin_settings(), None);
    let re = regex::Regex::new(&v.secret_name_source()).unwrap();
    let list = |k: &str| -> Vec<String> {
        builtin_settings()[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap().to_string())
            .collect()
    };
    let mut parts: Vec<String> = Vec::new();
    for w in list("secret_words") {
        parts.push(w.replace('?', ""));
        parts.push(w.replace("_?", "").replace('?', ""));
        parts.push(w.replace("S?", ""));
    }
    for w in list("secret_suffix_words") {
        parts.push(w.replace("[0-9]+", "12"));
    }
    parts.extend(
        [
            "",
            "1",
            "V",
            "V2X",
            "X1",
            "DB",
            "KEY",
            "API",
            "FILE",
            "SECRETX",
            "DBPASSWORD",
            "NOPASSWD",
            "PASSWORDX",
            "dbPASSWORD",
            "DB1PASSPHRASE",
            "DB-PASSWD",
            "PASSWORD4",
            "TOKEN12",
            "DBPASSWORD1",
            "V2PASSWORD",
        ]
        .map(String::from),
    );
    parts.sort();
    parts.dedup();
    assert!(v.secret_name.is_match("API_KEY_V2") && !v.secret_name.is_match("TOKEN_TTL"));
    let mut checked = 0;
    for a in &parts {
        for b in &parts {
            for c in ["", "BASE", "3", "V", "FILE", "KEY"] {
                for name in [
                    format!("{a}_{b}_{c}"),
                    format!("{a}{b}_{c}"),
                    format!("{a}_{b}{c}"),
                    format!("{a}__{b}_{c}"),
                    format!("_{a}_{b}_"),
                    format!("{a}{b}"),
                ] {
                    assert_eq!(v.secret_name.is_match(&name), re.is_match(&name), "{name}");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 100_000);
}

/// Credential or suffix words that are not all plain keep the expression.
#[test]
fn secret_name_keeps_the_expression_of_other_lists() {
    let mut settings = builtin_settings().clone();
    settings["secret_words"] = serde_json::json!(["PASS(WORD)?", "TOKEN"]);
    let v = Vocabulary::from_settings(&settings).unwrap();
    assert!(v.secret_name.is_match("DB_PASSWORD") && v.secret_name.is_match("DB_PASS"));
    let mut settings = builtin_settings().clone();
    settings["secret_suffix_words"] = serde_json::json!(["B(ASE)?64"]);
    let v = Vocabulary::from_settings(&settings).unwrap();
    assert!(v.secret_name.is_match("TOKEN_B64") && !v.secret_name.is_match("TOKEN_VALUE"));
}

/// A list with anything but plain words (a `--data` vocabulary with an expression in it) keeps
/// the expression.
#[test]
fn word_lookups_keep_expressions_of_other_lists() {
    let mut settings = builtin_settings().clone();
    settings["identifier_words"] = serde_json::json!(["SHA(1|256)", "ID"]);
    settings["not_secret_last_words"] = serde_json::json!([]);
    let v = Vocabulary::from_settings(&settings).unwrap();
    assert!(v.identifier_name.is_match("IMAGE_SHA256"));
    assert!(!v.identifier_name.is_match("IMAGE_SHA512"));
    // `(?:^|_)(?:)$`: the empty alternative matches after a last `_`, which no lookup does.
    assert!(v.not_secret_name.is_match("DB_"));
    assert!(!v.not_secret_name.is_match("DB_PASSWORD"));
}

/// The hint automata answer what testing each hint with `contains` answered, hints that
/// overlap or repeat in a text included.
#[test]
fn hint_automata_answer_as_contains() {
    let voc = Vocabulary::from_settings(builtin_settings()).expect("vocabulary");
    let pieces = [
        "AKIASIA",
        "ASIA",
        "ghp_",
        "gh",
        "p_",
        "glpat-",
        "xox",
        "AIza",
        "k_live_",
        "sk-",
        "sk_live_",
        "SG.",
        "eyJ",
        "\"auth\"",
        "://",
        "=",
        "PRIVATE KEY",
        "PRIVATE",
        " KEY",
        "password",
        "PassWord",
        "Secret",
        "tok",
        "en",
        "api",
        "key",
        "é",
        "_",
        "x",
        "",
    ];
    // Hints of two patterns overlapping (`AKIA` and `AIza` share an `A`).
    let mut texts: Vec<String> = vec!["AKIAIza".into(), "xAKIAIzax".into()];
    for a in pieces {
        for b in pieces {
            for c in ["", "SG", ".", "k", "KIA", "auth\""] {
                texts.push(format!("{a}{c}{b}"));
            }
        }
    }
    for t in &texts {
        let want: Vec<bool> = voc
            .patterns
            .iter()
            .map(|p| p.hints.iter().any(|h| t.contains(h.as_str())))
            .collect();
        assert_eq!(voc.hinted(t), want, "{t:?}");
        assert_eq!(voc.hinted_text(t), want, "{t:?}");
        let upper = t.to_ascii_uppercase();
        assert_eq!(
            voc.name_hinted(t),
            voc.name_hints.iter().any(|h| upper.contains(h.as_str())),
            "{t:?}"
        );
    }
}

#[test]
fn a_block_scalar_keeps_its_header_when_masked() {
    // A credential that is a block scalar's value (`key: |` then its lines, the range from
    // the indicator on): its lines are masked, its header is not, so the text stays YAML.
    let text = "tls:\n  key: | \n    -----BEGIN PRIVATE KEY-----\n    abc\n  x: 1\n";
    let entry_start = text.find("key:").unwrap();
    let entry_end = text.find("  x:").unwrap();
    let r = value_of_entry(text, entry_start..entry_end, Some("key"));
    let masked = redact::Redacted::new(text, &[r]).text;
    assert_eq!(
        masked,
        "tls:\n  key: | \n    ********\n    ********\n  x: 1\n"
    );
    // A value on one line that looks like an indicator is masked as any value.
    let text = "a: |-\n";
    assert_eq!(
        redact::Redacted::new(text, std::slice::from_ref(&(3..5))).text,
        "a: ********\n"
    );
}

/// A token whose hint overlaps another pattern's hint before it is still found: the hints were
/// one regular expression whose matches do not overlap, so `AKIA` (an AWS key id's hint)
/// hid the `AccountKey=` that starts at its last letter, and the Azure key was not masked (a
/// key of low entropy under a name that is no credential name: only its shape tells).
#[test]
fn overlapping_hints_do_not_hide_a_token() {
    let key = "aaaaaaaaaaaaaaaaaaaaaaaa";
    let text = format!("see AKIAccountKey={key} here\n");
    let masked: Vec<&str> = scan(&text).iter().map(|r| &text[r.clone()]).collect();
    assert!(masked.contains(&key), "{masked:?}");
}

/// The SQL password expression is skipped only when it cannot match: the same ranges as
/// running it on every text with a quote, on texts near the words it looks for (letter case,
/// `ſ`, which Unicode case folding reads as `s`, separators, dollar quotes).
#[test]
fn sql_password_prefilter_skips_only_texts_it_cannot_match() {
    let heads = [
        "PASSWORD",
        "password",
        "PassWord",
        "paſſword",
        "PASSWORD",
        "passwd",
        "IDENTIFIED BY",
        "identified\tby",
        "IdEnTiFiEd  By",
        "identifieD",
        "pass word",
        "",
        "xpassword",
    ];
    let tails = [
        " 'hunter2'",
        " E'esc\\'aped'",
        " $$dollar$$",
        "'x'",
        " 'it''s'",
        " ''",
        "",
        " é'x'",
    ];
    let old = |t: &str| -> Vec<std::ops::Range<usize>> {
        SQL_PASSWORD
            .captures_iter(t)
            .filter_map(|c| c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3)))
            .map(|m| m.range())
            .collect()
    };
    for h in heads {
        for t in tails {
            for pre in ["", "ALTER ROLE a WITH ", "x'", "é "] {
                let text = format!("{pre}{h}{t}");
                let ranges = old(&text);
                if !may_hold_sql_password(&text) {
                    assert!(ranges.is_empty(), "{text:?}");
                }
            }
        }
    }
    assert!(!may_hold_sql_password("name: 'value'"));
    assert!(may_hold_sql_password("PASSWORD 'x'"));
    assert!(may_hold_sql_password("paſſword 'x'"));
    assert!(!old("paſſword 'x'").is_empty());
}

#[test]
fn overlaps_credential_agrees_with_the_redaction() {
    let text = "user: app\npassword: correct-horse-battery-staple\nport: 5432\nnote: plain words\n";
    let f = crate::source::SourceFile::new("v.yaml".into(), None, text.into());
    let at = |s: &str| {
        let i = text.find(s).expect("in text");
        i..i + s.len()
    };
    assert!(f.overlaps_credential(at("horse")));
    assert!(f.overlaps_credential(at("password: correct")));
    assert!(!f.overlaps_credential(at("password")));
    assert!(!f.overlaps_credential(at("5432")));
    assert!(!f.overlaps_credential(at("plain")));
    // A range a rule flags counts too, as it does for the redaction.
    f.mark_credential(at("plain"));
    assert!(f.overlaps_credential(at("plain words")));
    for (i, _) in text.char_indices() {
        let r = i..i + 1;
        let by_redaction = f
            .redaction()
            .ranges
            .iter()
            .any(|c| c.start < r.end && r.start < c.end);
        assert_eq!(f.overlaps_credential(r.clone()), by_redaction, "at {r:?}");
    }
}

/// wild18: Helm's `checksum/secret: {{ include ".../secret.yaml" . | sha256sum }}` pod
/// annotation holds a digest of the Secret's manifest, not a credential: `runeguard render`
/// printed `********` where `helm template` prints the digest.
#[test]
fn a_checksum_of_a_secret_is_not_a_credential() {
    for n in [
        "checksum/secret",
        "checksum/secrets",
        "checksum/tls-secret",
        "checksumSecret",
    ] {
        assert!(!secret_name(n), "{n}");
    }
    let text = "metadata:\n  annotations:\n    checksum/secret: 997e1feee93e9e75f7ed86388c918a6c0fab9ca78e85a83ac057ca1af8443716\n    secret: Zq8vR3xN2pL7tK9wB4mC6yH1\n";
    let masked: Vec<&str> = scan(text).iter().map(|r| &text[r.clone()]).collect();
    assert_eq!(masked, ["Zq8vR3xN2pL7tK9wB4mC6yH1"]);
}

/// The values of command-line options that take a credential are credentials in every
/// output, not only where CFG-016 flagged them: `inspect` printed `--requirepass` values.
#[test]
fn command_line_credentials_are_found_by_the_scanner() {
    let text = concat!(
        "command: redis-server --requirepass Zq8vR3xN2pL7\n",
        "args: [\"--db-password=Zq8vR3xN2pL8\", \"--password\", \"Zq8vR3xN2pL9\", \"--verbose\"]\n",
        "opts: -Dspring.datasource.password=Zq8vR3xN2pM1 --name=web --token=${TOKEN}\n",
        "list:\n  - --masterauth\n  - Zq8vR3xN2pM2\n  - --password-file\n  - /run/secrets/db\n",
        "quoted: app --api-key \"Zq8vR3xN2pM3\" --dry-run --password --quiet\n",
        "---\nkey: a-b --x\n",
        "spaced: app --db-password=\"Zq8 vR3 xN2pM4\" --verbose --api-key 'Zq8 vR3;xN2pM5'\n",
        "flow: [redis-server, --requirepass, Zq8 vR3 xN2pM6]\n",
        "block:\n  - --requirepass\n  - Zq8 vR3 xN2pM7 # the password\n",
        "json: [\"--password\", \"Zq8 vR3 xN2pM8\"]\n",
        "word: app --password Zq8vR3xN2pM9 and more\n",
    );
    let masked: Vec<&str> = scan(text).iter().map(|r| &text[r.clone()]).collect();
    assert_eq!(
        masked,
        [
            "Zq8vR3xN2pL7",
            "Zq8vR3xN2pL8",
            "Zq8vR3xN2pL9",
            "Zq8vR3xN2pM1",
            "Zq8vR3xN2pM2",
            "Zq8vR3xN2pM3",
            "Zq8 vR3 xN2pM4",
            "Zq8 vR3;xN2pM5",
            "Zq8 vR3 xN2pM6",
            "Zq8 vR3 xN2pM7",
            "Zq8 vR3 xN2pM8",
            "Zq8vR3xN2pM9"
        ]
    );
}

/// A credential-named variable a shell line assigns is a credential in every output, as K8S-017
/// and CFG-016 read it: `inspect` printed `sh -c "PGPASSWORD=… pg_dump"` of a Compose command.
#[test]
fn shell_assignments_are_found_by_the_scanner() {
    let text = concat!(
        "command: sh -c \"PGPASSWORD=Zq8vR3xN2pL7 pg_dump -h db shop\"\n",
        "args: [\"export API_TOKEN=Zq8vR3xN2pL8; run\", \"DB_PASSWORD='Zq8 vR3 xN2pL9' app\"]\n",
        "  - docker run -e REDIS_PASSWORD=Zq8vR3xN2pM1 redis\n",
        "refs: PGPASSWORD=$PGPASS TOKEN=$(cat /t) DB_PASSWORD_FILE=/run/db ENV=production\n",
        "kubectl create secret generic db --from-literal=password=Zq8vR3xN2pM2 --env=API_TOKEN=Zq8vR3xN2pM3\n",
        "not: --from-literal=username=app key=Zq8vR3xN2pM4 ref=secret/db\n",
    );
    let masked: Vec<&str> = scan(text).iter().map(|r| &text[r.clone()]).collect();
    assert_eq!(
        masked,
        [
            "Zq8vR3xN2pL7",
            "Zq8vR3xN2pL8",
            "Zq8 vR3 xN2pL9",
            "Zq8vR3xN2pM1",
            "Zq8vR3xN2pM2",
            "Zq8vR3xN2pM3"
        ]
    );
}

/// A password given to a program by its own short option is a credential in every output, as
/// K8S-017 and CFG-016 read it: `inspect` printed a healthcheck's `mysqladmin ping -p…`.
#[test]
fn program_passwords_are_found_by_the_scanner() {
    let text = concat!(
        "test: [\"CMD\", \"mysqladmin\", \"ping\", \"-uroot\", \"-pZq8vR3xN2pL7\"]\n",
        "command: sh -c \"mysqldump -uroot -pZq8vR3xN2pL8 shop > x; redis-cli -a Zq8vR3xN2pL9 ping\"\n",
        "args:\n  - /usr/bin/redis-cli\n  - -h\n  - cache\n  - -a\n  - Zq8vR3xN2pM1\nnext: 1\n",
        "probe: mongosh -u root -p 'Zq8vR3xN2pM2' --eval 1\n",
        "not: mysql -p shop; tar -a x -pZq8vR3xN2pM3; mysqladmin -p$MYSQL_PWD; redis-cli -a \"$REDIS\"\n",
        "also: mysqlrouter -pZq8vR3xN2pM4 && redis-cli ping -a\n",
        // a wide space (three bytes) before a program's path: the scan steps over no char
        // boundary (it panicked) and finds the password
        "wide:\u{3000}/usr/bin/mysql -pZq8vR3xN2pM5\n",
    );
    let masked: Vec<&str> = scan(text).iter().map(|r| &text[r.clone()]).collect();
    assert_eq!(
        masked,
        [
            "Zq8vR3xN2pL7",
            "Zq8vR3xN2pL8",
            "Zq8vR3xN2pL9",
            "Zq8vR3xN2pM1",
            "Zq8vR3xN2pM2",
            "Zq8vR3xN2pM5"
        ]
    );
}

/// A program's password written in quotes with spaces in it is one word of the command, as a
/// shell reads it: the scan read it to its first space, so `inspect` printed
/// `-p'Two ******** Secret9'` or the whole `-p'Two Words Secret9'` (its first word too short).
#[test]
fn quoted_program_passwords_are_read_whole() {
    let text = concat!(
        "test: [\"CMD-SHELL\", \"mysqladmin ping -uroot -p'Two Words Zq8vR3' --silent\"]\n",
        "test: redis-cli -a \"another Multi Zq8vR4\" ping\n",
        "test: \"mysqladmin ping -p\\\"escaped two Zq8vR5\\\" --silent\"\n",
        "command: [\"redis-cli\", \"-a\", \"list item Zq8vR6\", \"ping\"]\n",
        // a quote that closes the YAML string the command is in opens nothing
        "test: [\"CMD\", \"mysqladmin ping -pZq8vR7xN2 --silent\", \"-u x\"]\n",
    );
    let masked: Vec<&str> = scan(text).iter().map(|r| &text[r.clone()]).collect();
    assert_eq!(
        masked,
        [
            "Two Words Zq8vR3",
            "another Multi Zq8vR4",
            "escaped two Zq8vR5",
            "list item Zq8vR6",
            "Zq8vR7xN2"
        ]
    );
}

/// Credentials in the forms of other languages written inside a text (a ConfigMap's nginx
/// Redis' ACL users and Sentinel's passwords in a text that is no `redis.conf` of its own (a
/// values file's block): `inspect values.yaml` printed them (session 31). Prose that names a
/// user is left as it is.
#[test]
fn redis_acl_and_sentinel_passwords_in_text_are_found() {
    let text = concat!(
        "redisConf: |\n",
        "  user app on >Ua3sD6fG9hJk ~* +@all\n",
        "  user ro on #9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 &* +@read\n",
        "  sentinel auth-pass mymaster Sa4dF7gH1jKl\n",
        "  sentinel sentinel-pass Sp5eR8tY2uIo\n",
        "  sentinel monitor mymaster 10.0.0.5 6379 2\n",
        "notes: |\n",
        "  user clicks >Next to go on\n",
    );
    let masked: Vec<&str> = scan(text).iter().map(|r| &text[r.clone()]).collect();
    assert_eq!(
        masked,
        [
            "Ua3sD6fG9hJk",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "Sa4dF7gH1jKl",
            "Sp5eR8tY2uIo",
        ]
    );
}

/// configuration, a script, Maven's settings.xml): `inspect` and `render` printed them.
#[test]
fn credentials_in_headers_elements_and_user_options_are_found() {
    let text = concat!(
        "proxy_set_header Authorization \"Basic Zq8vR3xN2pQ1==\";\n",
        "curl -H \"Authorization: Bearer Zq8vR3xN2pQ2.x_y-z\" https://api\n",
        "headers: {authorization: 'Token Zq8vR3xN2pQ3'}\n",
        "proxy_set_header X-Api-Key \"Zq8vR3xN2pQ4\";\n",
        "set $api_token 'Zq8vR3xN2pQ5'; # the upstream's\n",
        "<server><id>r</id><username>deploy</username><password>Zq8vR3xN2pQ6</password></server>\n",
        "<ns:apiKey> Zq8vR3xN2pQ7 </ns:apiKey>\n",
        "curl -u admin:Zq8vR3xN2pQ8 https://api && wget --user=ci:Zq8vR3xN2pQ9 x\n",
        "requirepass foobared\n  masterauth Zq8vR3xN2pR2 # the primary's\n",
        "auth_pass Zq8vR3xN2pR3\n",
        "define('DB_PASSWORD', 'Zq8vR3xN2pR4');\n",
        "DATABASES = {'default': {'PASSWORD': 'Zq8vR3xN2pR5'}}\n",
        "//registry.npmjs.org/:_authToken=Zq8vR3xN2pR6\n",
    );
    let masked: Vec<&str> = scan(text).iter().map(|r| &text[r.clone()]).collect();
    assert_eq!(
        masked,
        [
            "Zq8vR3xN2pQ1==",
            "Zq8vR3xN2pQ2.x_y-z",
            "Zq8vR3xN2pQ3",
            "Zq8vR3xN2pQ4",
            "Zq8vR3xN2pQ5",
            "Zq8vR3xN2pQ6",
            "Zq8vR3xN2pQ7",
            "Zq8vR3xN2pQ8",
            "Zq8vR3xN2pQ9",
            "foobared",
            "Zq8vR3xN2pR2",
            "Zq8vR3xN2pR3",
            "Zq8vR3xN2pR4",
            "Zq8vR3xN2pR5",
            "Zq8vR3xN2pR6"
        ]
    );
    // What is no credential stays: prose, settings, references and placeholders.
    for text in [
        "Authorization policies enforce access control between workloads\n",
        "security:\n  authorization: enabled\n  mode: disabled\n",
        "kind: AuthorizationPolicy\nx_authorization_mode: Bearer abcdefghijkl\n",
        "proxy_set_header Authorization $http_authorization;\n",
        "curl -H \"Authorization: Bearer ${API_TOKEN}\" https://api\n",
        "curl -H \"Authorization: Bearer $TOKEN\" https://api\n",
        "<password>${env.MAVEN_PASSWORD}</password>\n<token>changeme</token>\n",
        "<passwordPolicy>strict</passwordPolicy>\n<secretName>db-credentials</secretName>\n",
        "curl -u admin https://api\ncurl -u \"$USER:$PASS\" https://api\n",
        "proxy_set_header X-Api-Key \"$http_x_api_key\";\nlabel \"password reset\" button\n",
        "description: 'Set the \"password\" field, then \"secretRef\" to the Secret'\n",
        "password required\nrequirepass ${REDIS_PASSWORD}\nsecret sauce\ntoken: abc\n",
        "  password is set below\n- password1234abc\n",
        "CREATE TABLE registry (\n  access_secret varchar(4096),\n  api_token text,\n  secret_key char(64)\n);\n",
    ] {
        let masked: Vec<&str> = scan(text).iter().map(|r| &text[r.clone()]).collect();
        assert!(masked.is_empty(), "{text:?}: {masked:?}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3_000))]
    /// Whatever the text, the scan ends and gives sorted, disjoint ranges inside it, on
    /// character boundaries (every output slices the text there): texts made of the pieces
    /// the detectors look for, and characters of several bytes.
    #[test]
    fn scan_gives_char_aligned_disjoint_ranges(
        parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "Authorization", "AUTHORIZATION", ": ", "=", "\"", "'", " ", "\t", "\n", "\r",
                "Basic ", "Bearer", "Zq8vR3xN2p", "é", "日", "$", "{", "}", "<password>",
                "</password>", "</", "<", ">", " -u ", "--user=", "admin:", "requirepass",
                "password", "--db-password", "[", "]", ",", ";", "#", "- ", "x", "9", "_",
                "define(", "'PASSWORD'", ":", "//r/:_authToken=", "export ", "PWD",
                // the shell assignments' and programs' short options (session 28)
                "PGPASSWORD=", "mysql", "redis-cli", " -p", " -a ", "/usr/bin/", "\u{3000}",
                "\u{a0}", "&&", "==",
            ]),
            0..40,
        )
    ) {
        let text = parts.concat();
        let ranges = scan(&text);
        let mut last_end = 0;
        for r in &ranges {
            proptest::prop_assert!(r.start < r.end && r.end <= text.len(), "{:?} in {:?}", r, text);
            proptest::prop_assert!(r.start >= last_end, "{:?} in {:?}", ranges, text);
            proptest::prop_assert!(
                text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
                "{:?} in {:?}",
                r,
                text
            );
            last_end = r.end;
        }
    }
}

/// pgbouncer's `auth_file` (`userlist.txt`), in a ConfigMap's block: a block whose every
/// line is two quoted strings is users and passwords (or their md5/SCRAM hashes); no name
/// says so.
#[test]
fn user_list_passwords_are_found() {
    let text = concat!(
        "data:\n",
        "  userlist.txt: |\n",
        "    ; the application's users\n",
        "    \"app\" \"Zq8vR3xN2pS1\"\n",
        "    \"stats\" \"md5a3556571e93b0d20722ba62be61e8c2d\"\n",
        "\n",
        "    \"admin\"  \"SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy\"\n",
        "    \"ro\" \"\"\n",
        "    \"env\" \"${PGBOUNCER_PASSWORD}\"\n",
        "    \"ops\" \"correct-horse-battery-staple\"\n",
        "  other.txt: x\n",
    );
    let masked: Vec<&str> = scan(text).iter().map(|r| &text[r.clone()]).collect();
    assert_eq!(
        masked,
        [
            "Zq8vR3xN2pS1",
            "md5a3556571e93b0d20722ba62be61e8c2d",
            "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy",
            "correct-horse-battery-staple",
        ]
    );
    // A line of that shape among other lines, or not in a block of its own, is none: a
    // template's `dict` arguments, nginx's `map`, a list, three strings.
    for text in [
        "labels:\n  {{- toJsonMap\n    (strdict\n      \"gateway.istio.io/managed\" \"istio.io-gateway-controller\"\n    ) }}\n",
        "x: |\n  (strdict\n    \"a.io/b\" .Name\n    \"c.io/d\" \"Zq8vR3xN2pS4\"\n  )\n",
        "map $host $backend {\n  \"~^api\" \"api-backend\";\n}\n",
        "args: [\"--mode\", \"Zq8vR3xN2pS2\"]\n",
        "f: |\n  \"one\" \"Zq8vR3xN2pS3\" \"three\"\n",
    ] {
        assert!(scan(text).is_empty(), "{text}");
    }
}

/// A file's credential of letters only masks a message where it stands as a word, not inside
/// a longer word (a password `admin` left K8S-020's "automountServiceAccountToken" as
/// "********mountServiceAccountToken" when it was `auto`); any other credential is masked
/// wherever it is.
#[test]
fn a_letters_only_credential_masks_messages_only_as_a_word() {
    let known = ["admin".to_string(), "hunter2x".to_string()];
    let m = |s: &str| super::redact_with(s, &known).into_owned();
    assert_eq!(
        m("ClusterRole administrators"),
        "ClusterRole administrators"
    );
    assert_eq!(
        m("sets AUTH to admin, as given"),
        "sets AUTH to ********, as given"
    );
    assert_eq!(m("value \"admin\""), "value \"********\"");
    assert_eq!(m("xhunter2xy"), "x********y");
}

/// Past a few credentials a file's are found by one automaton: it masks what the search
/// for each masked (a letters-only one only as a word, others anywhere, a longer one whole).
#[test]
fn many_credentials_mask_a_message_as_few_do() {
    let mut many: Vec<String> = (0..40).map(|i| format!("Zq{i:02}-filler-pass")).collect();
    many.extend([
        "admin".to_string(),
        "hunter2x".to_string(),
        "hunter2xyz".to_string(),
    ]);
    let few = [
        "admin".to_string(),
        "hunter2x".to_string(),
        "hunter2xyz".to_string(),
    ];
    for s in [
        "ClusterRole administrators",
        "sets AUTH to admin, as given",
        "value \"admin\" and xhunter2xy and hunter2xyz",
        "Zq07-filler-pass then Zq39-filler-passZq00-filler-pass",
    ] {
        let by_many = super::redact_with(s, &many).into_owned();
        let by_few = super::redact_with(s, &few).into_owned();
        if !s.starts_with("Zq") {
            assert_eq!(by_many, by_few, "{s}");
        }
        assert!(
            !by_many.contains("hunter2x") && !by_many.contains("filler-pass"),
            "{by_many}"
        );
    }
    assert_eq!(
        super::redact_with("ClusterRole administrators, user admin", &many),
        "ClusterRole administrators, user ********"
    );
}

#[test]
fn a_sequence_item_keeps_its_indicator_when_masked() {
    // A rendered list item holding a credential a var copied (a Role's `resourceNames`): the
    // item's `- ` is no part of the value, or the masked line would read as an alias. A
    // scalar that starts with `-` keeps it.
    let text = "resourceNames:\n  - ecr-credentials\n  - -dashed\n";
    let item = |s: &str| {
        let start = text.find(s).unwrap();
        start..text[start..].find('\n').unwrap() + start
    };
    let ranges = [
        value_of_entry(text, item("- ecr"), None),
        value_of_entry(text, item("- -dashed"), None),
    ];
    assert_eq!(&text[ranges[0].clone()], "ecr-credentials");
    assert_eq!(&text[ranges[1].clone()], "-dashed");
}

/// `${VAR:-default}` runs with its default whenever VAR is unset, and the secret rules report
/// a literal default: masking judges the default as the value (wild29: `inspect` printed
/// Langfuse's `--requirepass ${REDIS_AUTH:-…}`).
#[test]
fn a_literal_default_of_a_reference_is_a_literal() {
    use detect::not_literal;
    for literal in [
        "${POSTGRES_PASSWORD:-ragpassword}",
        "${POSTGRES_PASSWORD-ragpassword}",
        "${spring.datasource.password:ragpassword}",
    ] {
        assert!(!not_literal("DB_PASSWORD", literal), "{literal}");
    }
    for reference in [
        "${POSTGRES_PASSWORD}",
        "${POSTGRES_PASSWORD:-}",
        "${POSTGRES_PASSWORD:-changeme}",
        "${POSTGRES_PASSWORD:?the password is required}",
        "${POSTGRES_PASSWORD:+set}",
        "${POSTGRES_PASSWORD:-${FALLBACK_PASSWORD}}",
    ] {
        assert!(not_literal("DB_PASSWORD", reference), "{reference}");
    }
}

/// A reference whose literal default is a high-entropy token is that token whenever the
/// variable is unset, and the secret rules report it under a name that is no credential word
/// alone (`PLUGIN_DAEMON_KEY`, `AUTHENTICATION_APIKEY_ALLOWED_KEYS`): masking judges the
/// default's entropy too (wild34: `inspect` printed Dify's two defaults).
#[test]
fn a_high_entropy_default_of_a_reference_is_masked() {
    for value in [
        "${PLUGIN_DAEMON_KEY:-lYkiYYT6owG+71oLerGzA7GXCgOT++6ovaezWAjpCjf+Sjc3ZtU+qUEi}",
        "${WEAVIATE_KEYS:-WVF5YThaHlkYwhGUSmCRgsX3tD5ngdN8pkih}",
    ] {
        assert_eq!(
            classify("SERVER_KEY", value, false),
            Some(Shape::HighEntropy),
            "{value}"
        );
    }
    for value in [
        "${PLUGIN_DAEMON_KEY}",
        "${PLUGIN_DAEMON_KEY:-}",
        "${A:-${B}}",
    ] {
        assert_eq!(classify("SERVER_KEY", value, false), None, "{value}");
    }
}

/// `secretKey` names a key of the Secret External Secrets writes only in its `data` entries;
/// elsewhere it is a credential (wild30: a Spring `jwt.secretkey`, which CFG-016 reports, was
/// printed by `inspect`).
#[test]
fn a_secret_key_setting_is_a_credential_outside_external_secrets_data() {
    use detect::reference_field;
    for reference in [
        &["spec", "data", "secretKey"][..],
        &["spec", "data", "match", "secretKey"][..],
        &[
            "spec",
            "template",
            "spec",
            "containers",
            "env",
            "valueFrom",
            "secretKeyRef",
        ][..],
    ] {
        assert!(reference_field(reference), "{reference:?}");
    }
    for setting in [
        &["jwt", "secretkey"][..],
        &["jwt", "secretKey"][..],
        &["minio", "secretKey"][..],
        &["secretKey"][..],
    ] {
        assert!(!reference_field(setting), "{setting:?}");
    }
}

/// A value located at a whole statement is not a credential because the statement holds one
/// (a SQL role's name at its `CREATE ROLE … PASSWORD '…'`), but a scalar written wide with
/// escapes is, when the credential covers it.
#[test]
fn a_derived_value_overlaps_no_credential_a_written_one_does() {
    use crate::source::span::Span;
    let one = |r: std::ops::Range<usize>| std::iter::once(r).collect::<Vec<_>>();
    let statement = Span::new(0, 46); // CREATE ROLE web LOGIN PASSWORD 'Xk9vQ2mZt7Lp'
    assert!(!document::overlaps_credential(statement, 3, &one(33..45)));
    let escaped = Span::new(10, 84); // "\u0053\u0033…" of 12 characters
    assert!(document::overlaps_credential(escaped, 12, &one(11..83)));
    let scalar = Span::new(10, 22);
    assert!(document::overlaps_credential(scalar, 12, &one(10..22)));
    assert!(!document::overlaps_credential(scalar, 12, &one(30..40)));
}

/// An nginx configuration held in a values file's block (loki-distributed's gateway):
/// `proxy_pass $backend:3100$request_uri;` names an upstream, though the directive's name
/// ends in PASS and its value holds letters and digits; `render` showed the line masked.
/// keepalived's `auth_pass` beside it stays a credential.
#[test]
fn nginx_upstream_directives_in_text_are_no_credentials() {
    let text = "gateway:\n  conf: |\n    location / {\n      proxy_pass       $api_prom_push_backend:3100$request_uri;\n      fastcgi_pass php-fpm-7:9000;\n      grpc_pass grpc-backend-1:50051;\n    }\n  keepalived: |\n    auth_pass Kx9mPq27vL\n";
    let found = scan(text);
    let shown: Vec<&str> = found.iter().map(|r| &text[r.clone()]).collect();
    assert_eq!(shown, vec!["Kx9mPq27vL"], "{shown:?}");
}

/// nginx's named values in a values file's block (no nginx reader runs there): an unquoted
/// literal under a credential's name is one (`inspect values.yaml` printed it); a variable,
/// a name that is no credential's, and prose are not.
#[test]
fn nginx_named_values_in_text_are_found() {
    let text = "gateway:\n  conf: |\n    location / {\n      fastcgi_param   DB_PASSWORD Hn4kW7pQz2Rv;\n      set $api_secret Lm3xQ8vT2kPw; # key\n      proxy_set_header X-Api-Key Rt5yU8iO2pLk;\n      fastcgi_param DB_PASSWORD $db_password;\n      fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n      proxy_set_header Host backend-01;\n      set the password later;\n    }\n";
    let found = scan(text);
    let shown: Vec<&str> = found.iter().map(|r| &text[r.clone()]).collect();
    assert_eq!(
        shown,
        vec!["Hn4kW7pQz2Rv", "Lm3xQ8vT2kPw", "Rt5yU8iO2pLk"],
        "{shown:?}"
    );
}

/// The name a value is judged under: a Consul ACL `tokens` entry as the token its key names
/// (session cfg36), an HCL `variable` block's `default` as the variable (session cfg37).
#[test]
fn entry_names_of_tokens_and_variable_defaults() {
    use document::entry_name;
    assert_eq!(entry_name(&["acl", "tokens", "agent"]), "agent_token");
    assert_eq!(
        entry_name(&["variable", "db_password", "default"]),
        "db_password"
    );
    assert_eq!(entry_name(&["job", "web", "default"]), "default");
    assert_eq!(entry_name(&["default"]), "default");
}
