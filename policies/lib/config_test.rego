# Unit tests of the config helpers (run by `runeguard test`).
package runeguard.lib.config_test

import data.runeguard.lib.config
import rego.v1

day := 86400

test_prose_durations if {
	config.duration_seconds("30 days") == 30 * day
	config.duration_seconds("Every 15 days") == 15 * day
	config.duration_seconds("7 years for compliance") == 7 * config.year
	config.duration_seconds("1 hour") == 3600
	config.duration_seconds("a year") == config.year
	config.duration_seconds("once a day") == day
	config.duration_seconds("7-year") == 7 * config.year
	config.duration_seconds("one week") == 7 * day
	config.duration_seconds("at least 90 days") == 90 * day
	config.duration_seconds("7 days before expiration") == 7 * day
	config.duration_seconds("84 months") == 7 * config.year
}

test_compact_iso_and_adverbs if {
	config.duration_seconds("720h") == 30 * day
	config.duration_seconds("2160h0m0s") == 90 * day
	config.duration_seconds("1h30m") == 5400
	config.duration_seconds("30d") == 30 * day
	config.duration_seconds("P30D") == 30 * day
	config.duration_seconds("P1Y") == config.year
	config.duration_seconds("PT12H") == 12 * 3600
	config.duration_seconds("daily") == day
	config.duration_seconds("every week") == 7 * day
	config.duration_seconds("Quarterly") == 3 * config.month
	config.duration_seconds("indefinite") >= config.infinite
}

test_unreadable_durations_are_undefined if {
	not config.duration_seconds("short")
	not config.duration_seconds("when needed")
	not config.duration_seconds("1 hour for dynamic, 1 year for static")
	not config.duration_seconds("up to 7 years")
	not config.duration_seconds("30 days or two months")
	not config.duration_seconds("30")
	not config.duration_seconds(30)
	not config.duration_seconds("tend")
	not config.duration_seconds("P")
}

test_durations_under_keys_with_units if {
	config.duration_of("retention_days", 2555) == 7 * config.year
	config.duration_of("certificate_lifetime_hours", "720") == 30 * day
	config.duration_of("retention", "7 years") == 7 * config.year
	not config.duration_of("retention", 30)
}

test_describe if {
	config.describe_seconds(30 * day) == "30 days"
	config.describe_seconds(config.year) == "1 year"
	config.describe_seconds(36 * 3600) == "1.5 days"
	config.describe_seconds(1800) == "0.5 hours"
}

test_texts_and_negation if {
	config.texts(["TLS encryption in transit", "AUTH authentication"]) == ["tls encryption in transit", "auth authentication"]
	config.texts({"tls": true, "ssl": false, "auth": {"mode": "SASL/SCRAM"}}) == ["auth mode sasl scram", "tls"]
	config.mentions("SASL/SSL encryption", config.tls_words)
	config.mentions("HTTPS with mTLS", config.mtls_words)
	not config.mentions("TLS optional", config.tls_words)
	not config.mentions("plaintext HTTP", config.tls_words)
}

test_keys if {
	config.norm_key("apiKey") == "api_key"
	config.norm_key("API-Key") == "api_key"
	config.norm_key("DBPassword") == "db_password"
	config.norm_key("tls.insecureSkipVerify") == "tls_insecure_skip_verify"
	config.secret_key("POSTGRES_PASSWORD")
	config.secret_key("clientSecret")
	config.secret_key("private_key")
	not config.secret_key("POSTGRES_PASSWORD_FILE")
	not config.secret_key("secretName")
	not config.secret_key("existingSecret")
	not config.secret_key("token_url")
	not config.secret_key("max_tokens")
	not config.secret_key("MYSQL_ALLOW_EMPTY_PASSWORD")
	not config.secret_key("keyspace")
}

test_references_and_placeholders if {
	config.reference("${DB_PASSWORD}")
	config.reference("postgres://app:${PW}@db/app")
	config.reference("$(TOKEN)")
	config.reference("$TOKEN")
	config.reference("{{ .Values.token }}")
	config.reference("vault:secret/data/db#password")
	config.reference("ref+awssm://prod/db")
	config.reference("/run/secrets/db")
	config.reference("<your-token>")
	config.reference("********")
	config.reference("")
	not config.reference("hunter2")
	not config.reference("mysecret")
	config.plaintext_secret("password", "hunter2")
	config.plaintext_secret("pin_pwd", 1234)
	# one lower-case word is the weak password the service runs with
	config.plaintext_secret("password", "password")
	not config.plaintext_secret("password", true)
	not config.plaintext_secret("password", {"secretKeyRef": {"name": "x"}})
}

test_dotted if {
	config.dotted(["a", "b", 0, "c"]) == "a.b[0].c"
	config.dotted([]) == ""
}
