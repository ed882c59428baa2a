//! No credential found in an input ever appears in any byte runeguard writes: every format of
//! `check` (human, table, json, sarif, junit, with --verbose), `inspect`, `merge` and
//! `baseline`, whatever rule the nearby findings are about.

mod common;
use common::{dir_with, rg};

/// Credentials written in the inputs below. None may appear in any output.
const CREDENTIALS: &[&str] = &[
    "nomad-yaml-template-passphrase-41",
    "nomad-env-template-passphrase-58",
    "nomad-properties-passphrase-23",
    "nomad-variable-default-passphrase-64",
    "correct-horse-battery-staple",
    "3f2b8a1c-9d4e-4f6a-8b7c-1e2d3c4b5a69",
    "ghp_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz9Xc8",
    "AKIAZ7Q3XK2M9P4L8N6R",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
    "p4ssw0rd-in-url",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLWJ5dGVzLWhlcmU",
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
    "d9f8e7c6b5a4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7",
    "Kx8vQ2mN7pL4rT9wZ3yB6cF1hJ5kD0sG",
    "s3cr3t-role-pw",
    "hunter2-but-longer",
    "toml-db-passphrase",
    "YWRtaW4tcGFzc3dvcmQtMTIz",
    "unclosed-quoted-secret",
    "jaas-login-passphrase",
    "cache-auth-phrase-77",
    "db-option-passphrase",
    "listed-option-passphrase",
    "jvm-property-passphrase",
    "spaced jaas login passphrase",
    "quoted conn-string pass phrase",
    "spaced list-item passphrase",
    "spaced option-value passphrase",
    "YmFzaWMtaGVhZGVyLXNlY3JldA==",
    "bearer-header-token-4821",
    "k9Xv2mQp7LzR4tWb8NcY",
    "maven-settings-passphrase",
    "curl-user-passphrase",
    "pgbouncer-userlist-passphrase",
    "keycloak-typed-credential-passphrase",
    "ray-gcs-redis-passphrase",
    "one-word-name-passphrase",
    "valkey-cli-passphrase-9",
    "reference-default-passphrase",
    "env-default-passphrase",
    "shell-assigned-passphrase",
    "exported-token-passphrase",
    "mysql-short-option-pw",
    "redis-cli-short-option-pw",
    "cHJvYmUtaGVhZGVyLWNyZWRlbnRpYWw=",
    "jwt-signing-secret-key-phrase",
    "executed-role-passphrase",
    "formatted-role-passphrase",
    "quoted-format-passphrase",
    "dotenv-db-passphrase-31",
    "dotenv-exported-api-token-77",
    "dotenv quoted spaced secret",
    "spring-props-passphrase-5",
    "redis-conf-passphrase-81",
    "quoted redis primary pass",
    "rabbit-conf-passphrase-19",
    "redis-acl-passphrase-63",
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "sentinel-auth-passphrase-27",
    "sentinel-peer-passphrase-44",
    "continued-props-head",
    "secret-tail-piece-42",
    "escaped-props-passphrase",
    "bmdpbng6aGVhZGVyLXBhc3NwaHJhc2UtMTI=",
    "nginx-api-key-passphrase-58",
    "nginx-fastcgi-passphrase-24",
    "nginx-set-passphrase-90",
    "pgbouncer-ini-passphrase-38",
    "quoted pgbouncer fallback pass",
    "ghp_Ex4mpleF1leT0kenQw8Er7Ty6Ui5Op4As3Dx",
    "example-file-db-pass-64",
    "postgresql-conninfo-passphrase-71",
    "grafana-admin-passphrase-52",
    "grafana#db;passphrase-17",
    "dotenv-colon-passphrase-86",
    "hcl-url-passphrase-47",
    "hcl-vault-token-passphrase-63",
    "hcl-consul-token-passphrase-29",
    "hcl-consul-agent-passphrase-21",
    "hcl-one-line-passphrase-15",
    "hcl-hcl1-agent-passphrase-88",
];

/// A `.env.example` (session ex33): its slot-word placeholders are not reported, and a real
/// token and password beside them are reported and masked like any file's.
const DOTENV_EXAMPLE: &str = "DATABASE_URL=postgres://user:pass@localhost:5432/app\nSMTP_PASSWORD=password\nGITHUB_TOKEN=ghp_Ex4mpleF1leT0kenQw8Er7Ty6Ui5Op4As3Dx\nREPORTS_DB_URL=postgres://reports:example-file-db-pass-64@db:5432/reports\n";

/// A `postgresql.conf` (session wild56): a standby's `primary_conninfo` with its password,
/// a comment after it.
const POSTGRESQL_CONF: &str = "listen_addresses = '*'  # all\nssl = off\nprimary_conninfo = 'host=primary user=rep password=postgresql-conninfo-passphrase-71'  # standby\n";

/// A `pgbouncer.ini` (session wild55): credentials inside `[databases]` connection strings.
const PGBOUNCER_INI: &str = "[databases]\napp = host=db dbname=app user=app password=pgbouncer-ini-passphrase-38 sslmode=disable\n* = host=db password='quoted pgbouncer fallback pass'\n\n[pgbouncer]\nlisten_addr = 0.0.0.0\nauth_type = md5\n";

/// A `grafana.ini` (session cfg35): an admin password with a comment after it, a database
/// password in triple quotes holding `#` and `;`.
const GRAFANA_INI: &str = "[database]\ntype = postgres\npassword = \"\"\"grafana#db;passphrase-17\"\"\"\nssl_mode = disable\n\n[security]\nadmin_password = grafana-admin-passphrase-52 ; set at install\n";

/// A Vault server's and Consul's and Nomad's agents' HCL (session cfg36): a storage URL with
/// a password, tokens in one-line blocks (one on a line HCL 1 writes with two attributes),
/// Consul's ACL `tokens` (named by what they are the token of), next to a listener with TLS
/// off.
const VAULT_HCL: &str = "storage \"postgresql\" {\n  connection_url = \"postgres://vault:hcl-url-passphrase-47@db:5432/vault\"\n}\nlistener \"tcp\" {\n  address = \"0.0.0.0:8200\"\n  tls_disable = 1\n}\nvault { token = \"hcl-vault-token-passphrase-63\" }\nconsul { token = \"hcl-one-line-passphrase-15\" }\nnomad { token = \"hcl-hcl1-agent-passphrase-88\" region = \"global\" }\nacl {\n  tokens {\n    initial_management = \"hcl-consul-token-passphrase-29\"\n    agent = \"hcl-consul-agent-passphrase-21\"\n  }\n}\n";

/// A Nomad job (session cfg37): templates' heredocs read as the files they render (YAML, an
/// `env = true` file indented by `<<-`, properties with other delimiters) and a variable's
/// default, next to a finding of the job itself (TLS verification off in a check).
const JOB_NOMAD: &str = "variable \"db_password\" {\n  default = \"nomad-variable-default-passphrase-64\"\n}\njob \"web\" {\n  group \"g\" {\n    service {\n      check {\n        type = \"http\"\n        tls_skip_verify = true\n      }\n    }\n    task \"t\" {\n      template {\n        data = <<EOF\ndb:\n  host: \"{{ env \"DB\" }}\"\n  password: nomad-yaml-template-passphrase-41\nEOF\n        destination = \"local/app.yml\"\n      }\n      template {\n        data = <<-EOH\n        {{ with secret \"kv\" }}\n        SMTP_PASSWORD=nomad-env-template-passphrase-58\n        {{ end }}\n        EOH\n        destination = \"secrets/env\"\n        env = true\n      }\n      template {\n        left_delimiter = \"[[\"\n        right_delimiter = \"]]\"\n        data = <<EOT\nspring.datasource.url=jdbc:postgresql://[[ env \"H\" ]]/app\nspring.datasource.password=nomad-properties-passphrase-23\nEOT\n        destination = \"local/application.properties\"\n      }\n    }\n  }\n}\n";

/// A `.env` file (session wild38): plain, exported and quoted credentials beside a TLS finding;
/// a `KEY: value` line (session cfg35).
const DOTENV: &str = "REDIS_USE_SSL=false\nDB_PASSWORD=dotenv-db-passphrase-31\nexport API_TOKEN=dotenv-exported-api-token-77 # the token\nMAIL_PASSWORD=\"dotenv quoted spaced secret\"\nSMTP_PASSWORD: dotenv-colon-passphrase-86\n";

/// Spring's `application.properties`: a dotted key, a value continued over two lines, a
/// `\\u` escape inside a value.
const PROPERTIES: &str = "server.ssl.enabled=false\nspring.datasource.password=spring-props-passphrase-5\napp.jwt.secret=continued-props-head\\\n    secret-tail-piece-42\nspring.mail.password=escaped-\\u0070rops-passphrase\n";

/// A server's directives file (session wild46): Redis' `requirepass` and quoted `masterauth`;
/// ACL users with a password and a hashed one on the lines next to them, which no rule
/// reports but a finding's snippet shows (session 31).
const REDIS_CONF: &str = "bind 0.0.0.0\nuser alice on >redis-acl-passphrase-63 ~* +@all\nrequirepass redis-conf-passphrase-81\nuser bob on #9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 ~* +@all\nmasterauth \"quoted redis primary pass\"\n";

/// Sentinel's `sentinel.conf`: a master's password after the master's name, and the
/// sentinels' own, on lines around a monitored master.
const SENTINEL_CONF: &str = "sentinel monitor mymaster 10.0.0.5 6379 2\nsentinel auth-pass mymaster sentinel-auth-passphrase-27\nsentinel sentinel-pass sentinel-peer-passphrase-44\nsentinel down-after-milliseconds mymaster 5000\n";

/// RabbitMQ's `rabbitmq.conf`: `name = value` with a dotted name beside the password.
const RABBITMQ_CONF: &str = "listeners.ssl.default = 5671\ndefault_user = orders\ndefault_pass = rabbit-conf-passphrase-19\n";

/// nginx (session wild48): an `Authorization` header, an API key header, a FastCGI parameter
/// and a variable, around a TLS finding whose snippet shows their lines.
const NGINX_CONF: &str = "server {\n  location / {\n    proxy_set_header Authorization \"Basic bmdpbng6aGVhZGVyLXBhc3NwaHJhc2UtMTI=\";\n    proxy_set_header X-Api-Key nginx-api-key-passphrase-58;\n    proxy_pass https://api.internal;\n    proxy_ssl_verify off;\n    fastcgi_param DB_PASSWORD 'nginx-fastcgi-passphrase-24';\n    set $api_secret nginx-set-passphrase-90;\n  }\n}\n";

const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx:latest
          securityContext:
            privileged: true
          env:
            - name: DBPASSWORD
              value: one-word-name-passphrase
            - name: REDISCLI_AUTH
              value: valkey-cli-passphrase-9
            - name: DB_PASSWORD
              value: correct-horse-battery-staple
            - name: PAYMENT_API_KEY
              value: "3f2b8a1c-9d4e-4f6a-8b7c-1e2d3c4b5a69"
            - name: GITHUB_TOKEN
              value: ghp_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz9Xc8
            - name: AWS_ACCESS_KEY_ID
              value: AKIAZ7Q3XK2M9P4L8N6R
            - name: AWS_SECRET_ACCESS_KEY
              value: wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY
            - name: DATABASE_URL
              value: postgres://app:p4ssw0rd-in-url@db:5432/app
            - name: SESSION
              value: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLWJ5dGVzLWhlcmU
            - name: MODE
              value: fast
          readinessProbe:
            httpGet:
              path: /health
              port: 8080
              httpHeaders:
                - name: Authorization
                  value: Basic cHJvYmUtaGVhZGVyLWNyZWRlbnRpYWw=
          hostPort: 80
---
apiVersion: v1
kind: Secret
metadata:
  name: tls
type: Opaque
stringData:
  tls.key: |
    -----BEGIN PRIVATE KEY-----
    MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7
    -----END PRIVATE KEY-----
data:
  admin: YWRtaW4tcGFzc3dvcmQtMTIz
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  signing_key: d9f8e7c6b5a4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7
  log_level: debug
"#;

const COMPOSE: &str = r#"services:
  web:
    image: rails:latest
    privileged: true
    environment:
      - SECRET_KEY_BASE=Kx8vQ2mN7pL4rT9wZ3yB6cF1hJ5kD0sG
      - RAILS_ENV=production
    ports:
      - "5432:5432"
"#;

/// Credentials given on command lines (CFG-016 reads them; `inspect` runs no rule, so the
/// detector itself must find them: `inspect` printed `--requirepass` values).
const COMPOSE_COMMANDS: &str = r#"services:
  cache:
    image: redis:7
    command: redis-server --requirepass cache-auth-phrase-77
  queue:
    image: redis:7
    command: ["redis-server", "--requirepass", "spaced list-item passphrase"]
  worker:
    image: worker:1
    command: worker --db-password="spaced option-value passphrase" --verbose
  api:
    image: api:1.0
    command: ["api", "--db-password=db-option-passphrase", "--password", "listed-option-passphrase"]
    entrypoint:
      - java
      - -Dspring.datasource.password=jvm-property-passphrase
      - -jar
  # The default of a reference is the credential whenever the variable is unset: CFG-013 and
  # CFG-016 report it, and `inspect` printed it (wild29: Langfuse's
  # `--requirepass ${REDIS_AUTH:-…}`).
  broker:
    image: redis:7
    command: ["redis-server", "--requirepass", "${REDIS_AUTH:-reference-default-passphrase}"]
    environment:
      DB_PASSWORD: ${POSTGRES_PASSWORD:-env-default-passphrase}
  # A variable the shell line assigns for the program it runs is that program's environment.
  backup:
    image: postgres:16
    command: sh -c "PGPASSWORD=shell-assigned-passphrase pg_dump -h db shop"
    entrypoint: ["sh", "-c", "export API_TOKEN='exported-token-passphrase'; exec app"]
  # A password given to a program by its own short option.
  mysql:
    image: mysql:8.0
    healthcheck:
      test: ["CMD", "mysqladmin", "ping", "-uroot", "-pmysql-short-option-pw"]
  redis:
    image: redis:7
    healthcheck:
      test: redis-cli -a redis-cli-short-option-pw ping
"#;

const SQL: &str = r#"CREATE ROLE app LOGIN PASSWORD 's3cr3t-role-pw';
CREATE ROLE admin SUPERUSER LOGIN PASSWORD 'hunter2-but-longer';
GRANT ALL PRIVILEGES ON DATABASE shop TO PUBLIC;
CREATE TABLE users (id int, password text);
DO $$ BEGIN
  EXECUTE 'CREATE ROLE loader LOGIN PASSWORD ''executed-role-passphrase'' BYPASSRLS';
  FOREACH r IN ARRAY ARRAY['etl', 'bi'] LOOP
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', r, 'formatted-role-passphrase');
  END LOOP;
  EXECUTE format('CREATE ROLE %I LOGIN PASSWORD ''%s''', 'other', 'quoted-format-passphrase');
END $$;
"#;

const TOML: &str = r#"[database]
host = "db"
password = "toml-db-passphrase"
backup_args = ["--pass", "toml-db-passphrase"]
sslmode = "disable"
"#;

/// A Kafka client's JAAS login module with a quoted password, on the line above a CFG-017
/// finding whose snippet shows it (wild19: Spring and AKHQ configs).
const SPRING: &str = r#"spring:
  kafka:
    properties:
      sasl.jaas.config: org.apache.kafka.common.security.scram.ScramLoginModule required username="app" password="jaas-login-passphrase";
      security.protocol: SASL_PLAINTEXT
    consumer:
      properties:
        sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule required username="c" password="spaced jaas login passphrase";
  datasource:
    url: "Server=db;Database=app;User Id=sa;Password='quoted conn-string pass phrase';"
jwt:
  secretKey: jwt-signing-secret-key-phrase
"#;

/// Configuration embedded in a ConfigMap in other languages' forms: nginx headers, a
/// script's curl calls, Maven's settings.xml.
const EMBEDDED: &str = r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: gateway
data:
  nginx.conf: |
    location / {
      proxy_set_header Authorization "Basic YmFzaWMtaGVhZGVyLXNlY3JldA==";
      proxy_set_header X-Api-Key "k9Xv2mQp7LzR4tWb8NcY";
    }
  sync.sh: |
    curl -H "Authorization: Bearer bearer-header-token-4821" https://api
    curl -u deploy:curl-user-passphrase https://repo
  settings.xml: |
    <server><id>repo</id><username>deploy</username><password>maven-settings-passphrase</password></server>
  userlist.txt: |
    "app" "pgbouncer-userlist-passphrase"
"#;

/// A Keycloak realm export: a user's credential record names its value by its type.
const REALM: &str = r#"{
  "realm": "shop",
  "users": [
    {
      "username": "alice",
      "credentials": [
        {
          "type": "password",
          "value": "keycloak-typed-credential-passphrase"
        }
      ]
    }
  ]
}
"#;

/// A KubeRay cluster: a group's `rayStartParams` are `ray start` flags (wild42).
const RAY: &str = r#"apiVersion: ray.io/v1
kind: RayCluster
metadata:
  name: gcs-ft
  namespace: ml
spec:
  headGroupSpec:
    rayStartParams:
      num-cpus: "0"
      redis-password: ray-gcs-redis-passphrase
    template:
      spec:
        containers:
          - name: ray-head
            image: rayproject/ray:2.34.0
"#;

const BROKEN: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  password: \"unclosed-quoted-secret\n  : : [\n";

/// `runeguard check --verbose --format FORMAT .` in `dir`, without colour.
fn check_verbose(dir: &std::path::Path, format: &str) -> std::process::Output {
    rg().current_dir(dir)
        .args([
            "check",
            "--color",
            "never",
            "--verbose",
            "--format",
            format,
            ".",
        ])
        .output()
        .expect("runs")
}

fn assert_clean(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for c in CREDENTIALS {
        assert!(
            !text.contains(c),
            "{what} prints the credential {c:?}:\n{text}"
        );
        // No part of a credential long enough to matter either: its head, or its tail (a
        // credential masked only up to its first space printed the rest).
        if c.len() >= 24 {
            for part in [&c[..16], &c[c.len() - 16..]] {
                assert!(!text.contains(part), "{what} prints part of {c:?}:\n{text}");
            }
        }
    }
}

fn inputs() -> tempfile::TempDir {
    dir_with(&[
        ("deploy.yaml", DEPLOYMENT.as_bytes()),
        ("docker-compose.yaml", COMPOSE.as_bytes()),
        ("compose.yaml", COMPOSE_COMMANDS.as_bytes()),
        ("schema.sql", SQL.as_bytes()),
        ("config.toml", TOML.as_bytes()),
        ("application.yml", SPRING.as_bytes()),
        ("broken.yaml", BROKEN.as_bytes()),
        ("embedded.yaml", EMBEDDED.as_bytes()),
        ("realm.json", REALM.as_bytes()),
        (".env", DOTENV.as_bytes()),
        ("application.properties", PROPERTIES.as_bytes()),
        ("redis.conf", REDIS_CONF.as_bytes()),
        ("rabbitmq.conf", RABBITMQ_CONF.as_bytes()),
        ("sentinel.conf", SENTINEL_CONF.as_bytes()),
        ("nginx.conf", NGINX_CONF.as_bytes()),
        ("pgbouncer.ini", PGBOUNCER_INI.as_bytes()),
        ("grafana.ini", GRAFANA_INI.as_bytes()),
        ("postgresql.conf", POSTGRESQL_CONF.as_bytes()),
        ("ray.yaml", RAY.as_bytes()),
        (".env.example", DOTENV_EXAMPLE.as_bytes()),
        ("vault.hcl", VAULT_HCL.as_bytes()),
        ("web.nomad", JOB_NOMAD.as_bytes()),
    ])
}

#[test]
fn no_credential_in_any_format() {
    let d = inputs();
    for format in ["human", "table", "json", "sarif", "junit"] {
        for verbose in [false, true] {
            let mut cmd = rg();
            cmd.current_dir(d.path())
                .args(["check", "--color", "never", "--format", format, "."]);
            if verbose {
                cmd.arg("--verbose");
            }
            let out = cmd.output().expect("runs");
            assert_eq!(out.status.code(), Some(2), "{format}: the broken file");
            assert!(
                !out.stdout.is_empty(),
                "{format}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_clean(&format!("check --format {format} (stdout)"), &out.stdout);
            assert_clean(&format!("check --format {format} (stderr)"), &out.stderr);
        }
    }
}

#[test]
fn the_findings_are_there_and_point_at_the_credentials() {
    let d = inputs();
    let out = rg()
        .current_dir(d.path())
        .args(["check", "--format", "json", "."])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let ids: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule_id"].as_str())
        .collect();
    for id in [
        "K8S-017", "K8S-035", "K8S-036", "CFG-013", "CFG-016", "SQL-010",
    ] {
        assert!(ids.contains(&id), "{id} not found: {ids:?}");
    }
    // Unrelated findings next to the credentials, whose snippets show their lines.
    for id in ["K8S-001", "CFG-015", "SQL-001"] {
        assert!(ids.contains(&id), "{id} not found: {ids:?}");
    }
}

#[test]
fn no_credential_in_inspect() {
    let d = inputs();
    for file in [
        "deploy.yaml",
        "docker-compose.yaml",
        "compose.yaml",
        "schema.sql",
        "config.toml",
        "application.yml",
        "broken.yaml",
        "embedded.yaml",
        "realm.json",
        ".env",
        "application.properties",
        "redis.conf",
        "rabbitmq.conf",
        "sentinel.conf",
        "nginx.conf",
        "pgbouncer.ini",
        "grafana.ini",
        ".env.example",
        "postgresql.conf",
        "vault.hcl",
        "web.nomad",
    ] {
        let out = rg()
            .current_dir(d.path())
            .args(["inspect", file])
            .output()
            .expect("runs");
        assert_clean(&format!("inspect {file} (stdout)"), &out.stdout);
        assert_clean(&format!("inspect {file} (stderr)"), &out.stderr);
    }
}

#[test]
fn no_credential_in_merge_or_baseline() {
    let d = inputs();
    rg().current_dir(d.path())
        .args(["check", "--format", "sarif=a.sarif", "--shard", "1/2", "."])
        .output()
        .expect("runs");
    rg().current_dir(d.path())
        .args(["check", "--format", "sarif=b.sarif", "--shard", "2/2", "."])
        .output()
        .expect("runs");
    let out = rg()
        .current_dir(d.path())
        .args(["merge", "a.sarif", "b.sarif"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_clean("merge (stdout)", &out.stdout);
    assert_clean("merge (stderr)", &out.stderr);
    let out = rg()
        .current_dir(d.path())
        .args(["baseline", "create", "base.json", "."])
        .output()
        .expect("runs");
    assert_clean("baseline (stderr)", &out.stderr);
    assert_clean(
        "baseline file",
        &std::fs::read(d.path().join("base.json")).expect("baseline written"),
    );
}

/// A SARIF file written by another tool that quotes a credential is masked when merged.
#[test]
fn merge_masks_credentials_of_foreign_inputs() {
    let sarif = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[]}},
      "results":[{"ruleId":"X-1","message":{"text":"found DB_PASSWORD=correct-horse-battery-staple and ghp_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz9Xc8"}}]}]}"#;
    let d = dir_with(&[("x.sarif", sarif.as_bytes())]);
    let out = rg()
        .current_dir(d.path())
        .args(["merge", "x.sarif"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_clean("merge of a foreign file", &out.stdout);
    assert!(String::from_utf8_lossy(&out.stdout).contains("DB_PASSWORD=********"));
}

/// `--data` extends the credential vocabulary of the rules and of the masking alike.
#[test]
fn data_extends_what_is_reported_and_masked() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n    - name: app\n      image: app:1\n      securityContext:\n        privileged: true\n      env:\n        - name: OPEN_SESAME\n          value: ali-baba-and-forty\n";
    let data = r#"{"settings": {"credentials": {"secret_words": ["PASSWORD", "SESAME"]}}}"#;
    let d = dir_with(&[
        ("pod.yaml", pod.as_bytes()),
        ("words.json", data.as_bytes()),
    ]);
    let plain = rg()
        .current_dir(d.path())
        .args(["check", "--color", "never", "pod.yaml"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&plain.stdout);
    assert!(!text.contains("K8S-017"), "{text}");
    let out = rg()
        .current_dir(d.path())
        .args([
            "check",
            "--color",
            "never",
            "--data",
            "words.json",
            "pod.yaml",
        ])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("K8S-017"), "{text}");
    assert!(!text.contains("ali-baba-and-forty"), "{text}");
}

/// The evidence formats (HTML, OSCAL) write files: none may hold a credential either.
#[test]
fn no_credential_in_the_evidence_formats() {
    let d = inputs();
    for format in ["html", "oscal"] {
        let out = rg()
            .current_dir(d.path())
            .args([
                "check",
                "--format",
                &format!("{format}=report.{format}"),
                ".",
            ])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{format}: the broken file");
        let written = std::fs::read(d.path().join(format!("report.{format}"))).expect("written");
        assert!(written.len() > 1000, "{format}: a report was written");
        assert_clean(&format!("check --format {format} (file)"), &written);
        assert_clean(&format!("check --format {format} (stderr)"), &out.stderr);
    }
}

const CHART_YAML: &str = "apiVersion: v2\nname: shop\nversion: 0.1.0\n";
// `very-secret` shares its credential word with its key: masked all the same (it was shown,
// read as the name of a Secret object).
const CHART_VALUES: &str = "image: nginx:latest\noidc:\n  clientSecret: very-secret\ndb:\n  password: chart-values-passphrase\n  apiKey: 9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f\n";
const CHART_TEMPLATE: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-api
spec:
  template:
    spec:
      containers:
        - name: app
          image: {{ .Values.image }}
          securityContext:
            privileged: true
          env:
            - name: DB_PASSWORD
              value: {{ .Values.db.password | quote }}
            - name: API_KEY
              value: {{ .Values.db.apiKey }}
            - name: EXTRA_TOKEN
              value: {{ .Values.extra | default "none" }}
            - name: OIDC_CLIENT_SECRET
              value: {{ .Values.oidc.clientSecret }}
"#;
const KUSTOMIZATION: &str = "resources:\n  - deploy.yaml\nsecretGenerator:\n  - name: db\n    literals:\n      - password=overlay-literal-passphrase\n";

/// Credentials that only reach a document through rendering (values files, `--set`, a
/// Kustomize generator) are masked in the rendered stream, every report, `render` and
/// `inspect`.
#[test]
fn no_credential_from_charts_overlays_or_set() {
    let d = dir_with(&[
        ("chart/Chart.yaml", CHART_YAML.as_bytes()),
        ("chart/values.yaml", CHART_VALUES.as_bytes()),
        ("chart/templates/deploy.yaml", CHART_TEMPLATE.as_bytes()),
        ("overlay/kustomization.yaml", KUSTOMIZATION.as_bytes()),
        (
            "overlay/deploy.yaml",
            DEPLOYMENT.split("---").next().unwrap_or("").as_bytes(),
        ),
    ]);
    let rendered_credentials = [
        "chart-values-passphrase",
        "9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f",
        "tangerine-otter-glacier-meadow",
        "overlay-literal-passphrase",
        "very-secret",
    ];
    let clean = |what: &str, bytes: &[u8]| {
        assert_clean(what, bytes);
        let text = String::from_utf8_lossy(bytes);
        for c in rendered_credentials {
            assert!(
                !text.contains(c),
                "{what} prints the credential {c:?}:\n{text}"
            );
        }
    };
    let set = "extra=tangerine-otter-glacier-meadow";
    for format in ["human", "table", "json", "sarif", "junit"] {
        let out = rg()
            .current_dir(d.path())
            .args([
                "check",
                "--color",
                "never",
                "--verbose",
                "--set",
                set,
                "--format",
                format,
                ".",
            ])
            .output()
            .expect("runs");
        assert!(!out.stdout.is_empty(), "{format}: a report");
        clean(
            &format!("check chart+overlay --format {format} (stdout)"),
            &out.stdout,
        );
        clean(
            &format!("check chart+overlay --format {format} (stderr)"),
            &out.stderr,
        );
    }
    for target in ["chart", "overlay"] {
        for extra in [&[][..], &["--origins"][..]] {
            let out = rg()
                .current_dir(d.path())
                .args(["render", target, "--set", set])
                .args(extra)
                .output()
                .expect("runs");
            assert!(!out.stdout.is_empty(), "render {target}: a stream");
            clean(&format!("render {target} {extra:?} (stdout)"), &out.stdout);
            clean(&format!("render {target} {extra:?} (stderr)"), &out.stderr);
        }
        let out = rg()
            .current_dir(d.path())
            .args(["inspect", target])
            .output()
            .expect("runs");
        clean(&format!("inspect {target} (stdout)"), &out.stdout);
        clean(&format!("inspect {target} (stderr)"), &out.stderr);
    }
}

/// A Secret's values are credentials whatever they look like and whatever their keys say
/// (`a: <base64 of plain words>`): not only the entry a finding points at, but every one of
/// them, in the Secret and where it was written (values lines beside a finding's line, a
/// generator's literals), in every format, `render` and `inspect`. Keys that say they hold
/// no credential (`username`) stay readable.
#[test]
fn no_secret_data_value_in_any_output() {
    let plain = "plain-words-but-secret-77";
    let b64 = "cGxhaW4td29yZHMtYnV0LXNlY3JldC03Nw==";
    let values = [
        "second-plain-words-88",
        "third-plain-words-99",
        "generated-literal-words-66",
    ];
    let secret = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: a\ndata:\n  a: UW05dmJYTm9ZV3RoYkdGcllUazROelkx\n  c: {b64}\nstringData:\n  d: {plain}\n  username: readable-user\n"
    );
    let d = dir_with(&[
        ("secret.yaml", secret.as_bytes()),
        ("chart/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        (
            "chart/values.yaml",
            format!(
                "app:\n  first: Qm9vbXNoYWthbGFrYTk4NzY1\n  third: {}\n  second: {}\n",
                values[1], values[0]
            )
            .as_bytes(),
        ),
        (
            "chart/templates/s.yaml",
            b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: a\ndata:\n  a: {{ .Values.app.first | b64enc }}\n  b: {{ .Values.app.second | b64enc }}\n  c: {{ .Values.app.third | b64enc }}\n",
        ),
        (
            "overlay/kustomization.yaml",
            format!(
                "namespace: a\nsecretGenerator:\n  - name: gen\n    literals:\n      - first=Qm9vbXNoYWthbGFrYTk4NzY1\n      - other={}\n",
                values[2]
            )
            .as_bytes(),
        ),
    ]);
    let clean = |what: &str, bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes);
        for c in [plain, b64, "Qm9vbXNo", "UW05dmJY"].iter().chain(&values) {
            assert!(!text.contains(c), "{what} prints {c:?}:\n{text}");
        }
    };
    for format in ["human", "table", "json", "sarif", "junit"] {
        let out = check_verbose(d.path(), format);
        clean(&format!("check --format {format}"), &out.stdout);
        clean(&format!("check --format {format} (stderr)"), &out.stderr);
        if format == "human" {
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.contains("username: readable-user"), "{text}");
        }
    }
    for target in ["chart", "overlay"] {
        for cmd in [&["render", target][..], &["inspect", target][..]] {
            let out = rg().current_dir(d.path()).args(cmd).output().expect("runs");
            assert!(!out.stdout.is_empty(), "{cmd:?}: output");
            clean(&format!("{cmd:?}"), &out.stdout);
            clean(&format!("{cmd:?} (stderr)"), &out.stderr);
        }
    }
}

/// A Secret's `data` value is masked as base64, and its decoded text wherever it is written
/// in plain: in the comment beside it (`password: cGFzc3dvcmQ=  # password`, as `echo -n … |
/// base64` tutorials leave it), elsewhere in the Secret's file, and in another file (a
/// Deployment's `args`) whose finding shows the line. Before, each of them was printed.
#[test]
fn a_secret_values_decoded_text_is_hidden_where_it_is_repeated() {
    // `s3cr3tT0kXY` and `password`, base64.
    let secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: a\ndata:\n  token: czNjcjN0VDBrWFk=  # s3cr3tT0kXY\n  password: cGFzc3dvcmQ=  # password\n  note: aGk=\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: a\ndata:\n  hint: was s3cr3tT0kXY\n";
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: a\nspec:\n  containers:\n    - name: c\n      image: nginx:latest\n      args: [\"--label\", \"s3cr3tT0kXY\"]\n      securityContext:\n        privileged: true\n";
    let d = dir_with(&[
        ("secret.yaml", secret.as_bytes()),
        ("pod.yaml", pod.as_bytes()),
    ]);
    for format in ["human", "json", "sarif", "junit"] {
        let out = check_verbose(d.path(), format);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("secret-data-in-manifest"),
            "{format}:\n{text}"
        );
        assert!(
            !text.contains("s3cr3tT0kXY"),
            "{format} prints the token:\n{text}"
        );
        if format == "human" {
            // The comment beside `password:` repeats the password: masked there only (the
            // word `password` stays readable as the key it also is).
            assert!(text.contains("# ********"), "{text}");
            assert!(!text.contains("# password"), "{text}");
            assert!(text.contains("password: ********"), "{text}");
            assert!(text.contains("\"--label\", \"********\""), "{text}");
        }
    }
}

/// A credential found in one file is masked where another file repeats it where nothing says
/// it is one: a password of `config.yaml` in `docker-compose.yml`'s `command:`, a Secret's
/// value (the Secret has no finding of its own) in a Deployment's `args`, beside the lines
/// those files' findings show. Each file masked only what it read as a credential itself.
#[test]
fn a_credential_found_in_one_file_is_hidden_in_the_others() {
    let in_config = "Zq8vLm2xTr9pWk4n";
    let in_secret = "Secret-Value-7731";
    let d = dir_with(&[
        (
            "config.yaml",
            format!("database:\n  password: {in_config}\n").as_bytes(),
        ),
        (
            "docker-compose.yml",
            format!(
                "services:\n  db:\n    image: postgres:latest\n    privileged: true\n    command: [\"run-db\", \"{in_config}\"]\n"
            )
            .as_bytes(),
        ),
        (
            "secret.yaml",
            format!(
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: a\nstringData:\n  token: {in_secret}\n"
            )
            .as_bytes(),
        ),
        (
            "deploy.yaml",
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: a\nspec:\n  containers:\n    - name: c\n      image: nginx:latest\n      args: [\"--token\", \"{in_secret}\"]\n      securityContext:\n        privileged: true\n"
            )
            .as_bytes(),
        ),
    ]);
    for format in ["human", "html", "json", "sarif"] {
        let out = check_verbose(d.path(), format);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("privileged"),
            "{format}: the findings:\n{text}"
        );
        for c in [in_config, in_secret] {
            assert!(!text.contains(c), "{format} prints {c:?}:\n{text}");
        }
        if format == "human" {
            // The files' own words stay readable: only the credentials are masked.
            assert!(text.contains("\"run-db\", \"********\""), "{text}");
            assert!(text.contains("image: nginx:latest"), "{text}");
        }
    }
}

/// A rendered stream masks a credential of its origins where it repeats it: a generator's
/// literal (masked in the generated Secret, base64 there) passed again in a container's
/// `args`, a chart's values password in `command:`, as `render` (with and without
/// `--origins`) and `inspect` print the stream.
#[test]
fn a_rendered_stream_hides_its_origins_credentials_where_it_repeats_them() {
    let literal = "Hx7-Pw9-Kv2";
    let pod = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx:1.25\n      args: [\"--password\", \"{literal}\"]\n"
    );
    let d = dir_with(&[
        (
            "ov/kustomization.yaml",
            format!("resources:\n  - pod.yaml\nsecretGenerator:\n  - name: gen\n    literals:\n      - pw={literal}\n").as_bytes(),
        ),
        ("ov/pod.yaml", pod.as_bytes()),
    ]);
    for cmd in [
        &["render", "ov"][..],
        &["render", "--origins", "ov"],
        &["inspect", "ov"],
    ] {
        let out = rg().current_dir(d.path()).args(cmd).output().expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("--password"), "{cmd:?}: the stream:\n{text}");
        assert!(
            !text.contains(literal),
            "{cmd:?} prints the literal:\n{text}"
        );
    }
}

/// Credentials given with Helm's other value flags (`--set-string`, `--set-json`,
/// `--set-literal`, and a `--set-file` file, whose finding points into the file) are masked in
/// every format of `check`, in `render` (also `--origins`) and in `inspect`.
#[test]
fn no_credential_from_the_other_value_flags() {
    let template = r#"apiVersion: v1
kind: Secret
metadata:
  name: tls
stringData:
  tls.key: |
{{ .Values.tlsKey | indent 4 }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.25
          env:
            - name: API_TOKEN
              value: {{ .Values.token | quote }}
            - name: DB_PASSWORD
              value: {{ .Values.dbpw | quote }}
            - name: JSON_PASSWORD
              value: {{ .Values.js.pw | quote }}
            - name: LIT_PASSWORD
              value: {{ .Values.lit | quote }}
"#;
    let key = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7fromafile\n-----END PRIVATE KEY-----\n";
    let d = dir_with(&[
        ("chart/Chart.yaml", CHART_YAML.as_bytes()),
        ("chart/values.yaml", b"{}\n" as &[u8]),
        ("chart/templates/all.yaml", template.as_bytes()),
        ("key.pem", key.as_bytes()),
        ("token.txt", b"tangerine-otter-from-a-file-99\n" as &[u8]),
    ]);
    let credentials = [
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7fromafile",
        "tangerine-otter-from-a-file-99",
        "string-flag-passphrase-42",
        "json-flag-passphrase-43",
        "literal,flag=passphrase-44",
    ];
    let flags = [
        "--set-file",
        "tlsKey=key.pem,token=token.txt",
        "--set-string",
        "dbpw=string-flag-passphrase-42",
        "--set-json",
        r#"js={"pw":"json-flag-passphrase-43"}"#,
        "--set-literal",
        "lit=literal,flag=passphrase-44",
    ];
    let clean = |what: &str, out: &std::process::Output| {
        for bytes in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(bytes);
            for c in credentials {
                assert!(!text.contains(c), "{what} prints {c:?}:\n{text}");
            }
        }
    };
    for format in ["human", "table", "json", "sarif", "junit"] {
        let out = rg()
            .current_dir(d.path())
            .args(["check", "--color", "never", "--verbose", "--format", format])
            .args(flags)
            .arg("chart")
            .output()
            .expect("runs");
        assert!(!out.stdout.is_empty(), "{format}: a report");
        clean(&format!("check --format {format}"), &out);
        if format == "json" {
            // The token's finding is at the file it came from.
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.contains("\"token.txt\""), "{text}");
        }
    }
    for cmd in [&["render"][..], &["render", "--origins"], &["inspect"]] {
        let out = rg()
            .current_dir(d.path())
            .args(cmd)
            .args(flags)
            .arg("chart")
            .output()
            .expect("runs");
        assert!(!out.stdout.is_empty(), "{cmd:?}: a stream");
        clean(&format!("{cmd:?}"), &out);
    }
}

/// A credential written as a YAML number (a Spring keystore's `trust-store-password:
/// 12345678`, a Secret's `stringData` PIN) is found by the detector and masked in `check`'s
/// snippets; `inspect` printed it, since it masked only string values (wild20).
#[test]
fn a_numeric_credential_is_masked_in_inspect() {
    let d = dir_with(&[
        (
            "application.yml",
            b"spring:\n  kafka:\n    consumer:\n      ssl:\n        trust-store-password: 73910264\n        key-store-password: 5820391.7\n        trust-store-location: file:/etc/kafka/ca.jks\n",
        ),
        (
            "secret.yaml",
            b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: pins\n  namespace: shop\nstringData:\n  pin: 40417736\n",
        ),
        (
            "deploy.yaml",
            b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  containers:\n    - name: api\n      image: api:1.0\n      env:\n        - name: DB_PASSWORD\n          value: 66120958\n",
        ),
    ]);
    for file in ["application.yml", "secret.yaml", "deploy.yaml"] {
        let out = rg()
            .current_dir(d.path())
            .args(["inspect", file])
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("********"), "inspect {file} masks:\n{text}");
        for c in ["73910264", "5820391.7", "40417736", "66120958"] {
            assert!(!text.contains(c), "inspect {file} prints {c:?}:\n{text}");
        }
        // The key next to the credential stays readable.
        if file == "application.yml" {
            assert!(text.contains("file:/etc/kafka/ca.jks"), "{text}");
        }
    }
}

/// A SQL role's name and kind are located at the statement that gives it a password: `inspect`
/// masked them as the password they overlap (`"name": "********"`), and still must not print
/// the password.
#[test]
fn inspect_of_a_role_with_a_password_keeps_its_name() {
    let d = dir_with(&[(
        "roles.sql",
        b"CREATE ROLE web LOGIN PASSWORD 'Xk9vQ2mZt7Lp';\nALTER ROLE web VALID UNTIL 'infinity';\n",
    )]);
    let out = rg()
        .current_dir(d.path())
        .args(["inspect", "roles.sql"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("Xk9vQ2mZt7Lp"), "{text}");
    assert!(text.contains("\"name\": \"web\""), "{text}");
    assert!(text.contains("\"kind\": \"role\""), "{text}");
}

/// Password hashes written where a service reads them (Traefik's `basicAuth.users`, Compose
/// labels with `$$` escapes, an htpasswd line, a bcrypt hash seeded by SQL): a hash lets its
/// password be guessed offline, so every output masks it, also under keys no rule reads.
#[test]
fn password_hashes_are_masked_in_inspect_and_check() {
    let d = dir_with(&[
        (
            "dynamic.yml",
            b"http:\n  middlewares:\n    auth:\n      basicAuth:\n        users:\n          - \"admin:$apr1$ruca84Hq$mbjdMZBAG.KWn7vfN/SNK/\"\n          - \"ops:$2y$05$KcwQjrYUp0XvS3AknxS1aOQzHPYuf2jg0ByJ3NeRQt3Y05UWQ5p0W\"\n",
        ),
        (
            "docker-compose.yml",
            b"services:\n  traefik:\n    image: traefik:v2.4.2\n    labels:\n      - \"traefik.http.middlewares.auth.basicauth.users=admin:$$apr1$$jQNmMH0x$$Gop4wvcDcDE3NNynkb5iZ/\"\n    environment:\n      DB_PASSWORD: 0x5f3759df1c\n",
        ),
    ]);
    let hashes = [
        "ruca84Hq",
        "mbjdMZBAG",
        "KcwQjrYUp0XvS3AknxS1",
        "jQNmMH0x",
        "Gop4wvcDcDE3NNynkb5iZ",
    ];
    for file in ["dynamic.yml", "docker-compose.yml"] {
        let out = rg()
            .current_dir(d.path())
            .args(["inspect", file])
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        for h in hashes {
            assert!(!text.contains(h), "inspect {file} prints {h:?}:\n{text}");
        }
        // The user names beside the hashes stay readable.
        assert!(text.contains("admin:"), "{text}");
    }
    let out = rg()
        .current_dir(d.path())
        .args(["check", ".", "--verbose", "--format", "human"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("docker-compose.yml"), "{text}");
    for h in hashes {
        assert!(!text.contains(h), "check prints {h:?}:\n{text}");
    }
}

/// A .NET `appsettings.json` as real services commit it: a StackExchange.Redis connection
/// string (`host:port,password=…,ssl=True`: options a comma separates) printed its password
/// in every snippet of the file, and a single-word name (`Password`, `Secret`) holding its own
/// word inside a longer value (`password123`, `mySecretValue`) was taken for the name written
/// back as a placeholder, neither reported nor masked.
#[test]
fn a_credential_holding_its_names_word_or_in_a_redis_string_is_hidden() {
    let d = dir_with(&[(
        "appsettings.json",
        br#"{
  "ConnectionStrings": {
    "DefaultConnection": "Server=db;Database=shop;User Id=sa;Password=sql-conn-passphrase-5;TrustServerCertificate=True;",
    "Redis": "cache.internal:6380,password=redis-comma-passphrase-7,ssl=True,abortConnect=False"
  },
  "Smtp": { "Host": "smtp.example.com", "Password": "password2024smtp" },
  "Jwt": { "Secret": "mySecretValueForTheJwtSigning" }
}
"#,
    )]);
    let hidden = [
        "redis-comma-passphrase-7",
        "password2024smtp",
        "mySecretValueForTheJwtSigning",
    ];
    for format in ["human", "json", "sarif", "junit"] {
        let out = check_verbose(d.path(), format);
        let text = String::from_utf8_lossy(&out.stdout);
        for c in hidden {
            assert!(
                !text.contains(c),
                "check --format {format} prints {c:?}:\n{text}"
            );
        }
    }
    let (v, _) = common::json_check(d.path(), &[]);
    let messages = common::messages_of(&v);
    for key in ["ConnectionStrings.Redis", "Smtp.Password", "Jwt.Secret"] {
        assert!(
            messages.iter().any(|m| m.starts_with(key)),
            "{key} is reported: {messages:?}"
        );
    }
    let out = rg()
        .current_dir(d.path())
        .args(["inspect", "appsettings.json"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    for c in hidden {
        assert!(!text.contains(c), "inspect prints {c:?}:\n{text}");
    }
}

/// The Compose default everyone copies: `POSTGRES_PASSWORD: postgres` in the service
/// `postgres`. The password was searched for in the whole file and in every message, so the
/// report read `service "********" publishes port 5432` and `image: ********:16`. A
/// credential the file also uses as a key is a name there: masked where it is the credential
/// only. A credential no key names is still masked wherever its file repeats it.
#[test]
fn a_credential_that_names_a_service_is_masked_where_it_is_the_credential() {
    let d = dir_with(&[(
        "docker-compose.yml",
        b"services:\n  postgres:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: postgres\n    ports:\n      - \"5432:5432\"\n  cache:\n    image: redis:7.2.4\n    environment:\n      REDIS_PASSWORD: redispass\n    healthcheck:\n      test: redis-cli -a redispass ping\n    ports:\n      - \"6379:6379\"\n",
    )]);
    let out = check_verbose(d.path(), "human");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("service \"postgres\" publishes port 5432"),
        "{text}"
    );
    assert!(text.contains("POSTGRES_PASSWORD: ********"), "{text}");
    assert!(!text.contains("redispass"), "{text}");
    let out = rg()
        .current_dir(d.path())
        .args(["inspect", "docker-compose.yml"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\"image\": \"postgres:16\""), "{text}");
    assert!(!text.contains("redispass"), "{text}");
}

/// RabbitMQ's `definitions.json` (and alike: `passwordHash`, `hashed_password`,
/// `password_digest`) stores each user's salted password hash as base64, with no `$2y$`-like
/// prefix the password-hash pattern knows: the name says what it is (wild26). Masking only:
/// a hash is no plaintext secret for the rules.
#[test]
fn password_hashes_named_as_such_are_masked() {
    let d = dir_with(&[(
        "definitions.json",
        b"{\n  \"users\": [\n    {\n      \"name\": \"admin\",\n      \"password_hash\": \"1vIUAR4slRY5pa3745F9iMwlDhRpyxhrDPMxhRbrielCJLjr\",\n      \"hashing_algorithm\": \"rabbit_password_hashing_sha256\",\n      \"tags\": \"administrator\"\n    },\n    {\n      \"name\": \"ops\",\n      \"passwordHash\": \"Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4OTBhYmNkZWY=\"\n    }\n  ],\n  \"file_hash\": \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"\n}\n",
    )]);
    for args in [
        &["inspect", "definitions.json"][..],
        &["check", ".", "--verbose", "--format", "human"][..],
    ] {
        let out = rg()
            .current_dir(d.path())
            .args(args)
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        for h in ["1vIUAR4slRY5pa3745F9", "Zm9vYmFyYmF6cXV4"] {
            assert!(!text.contains(h), "{args:?} prints {h:?}:\n{text}");
        }
        if args[0] == "inspect" {
            // Names and digests of files stay readable.
            assert!(text.contains("rabbit_password_hashing_sha256"), "{text}");
            assert!(text.contains("9f86d081884c7d659a2f"), "{text}");
        }
    }
}

/// A rendered env entry's `name` and a `secretKeyRef`'s `key` and `name` are names, not
/// credentials, whatever they look like (vault's chart prints `- name: {{ .envName }}` and
/// `key: {{ .secretKey }}` from `extraSecretEnvironmentVars`, whose `secretKey:
/// AWS_SECRET_ACCESS_KEY` its key made a credential): `render`, `render --origins`,
/// `inspect` and `check` print them, and the values line that wrote them (session fid30).
/// They were masked. A literal value under a credential's name (an env `value`, a Secret's
/// `stringData`) stays masked in every output.
#[test]
fn a_rendered_name_is_printed_and_a_rendered_secret_value_is_not() {
    let d = dir_with(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n" as &[u8]),
        (
            "c/values.yaml",
            b"extraSecretEnvironmentVars:\n  - envName: AWS_SECRET_ACCESS_KEY\n    secretName: vault\n    secretKey: AWS_SECRET_ACCESS_KEY\n  - envName: DB_PASSWORD\n    secretName: db\n    secretKey: password\nextraEnvironmentVars:\n  VAULT_TOKEN: s.Zx9Qw8Er7Ty6Ui5Op4\nsecretKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY\n",
        ),
        (
            "c/templates/pod.yaml",
            b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: apps\nspec:\n  containers:\n    - name: main\n      image: busybox:1.36\n      env:\n        {{- range $k, $v := .Values.extraEnvironmentVars }}\n        - name: {{ $k }}\n          value: {{ $v | quote }}\n        {{- end }}\n        {{- range .Values.extraSecretEnvironmentVars }}\n        - name: {{ .envName }}\n          valueFrom:\n            secretKeyRef:\n              name: {{ .secretName }}\n              key: {{ .secretKey }}\n        {{- end }}\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s3\n  namespace: apps\nstringData:\n  secret-key: {{ .Values.secretKey }}\n",
        ),
    ]);
    let secrets = [
        "s.Zx9Qw8Er7Ty6Ui5Op4",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
    ];
    for cmd in [
        &["render", "c"][..],
        &["render", "--origins", "c"],
        &["inspect", "c"],
    ] {
        let out = rg().current_dir(d.path()).args(cmd).output().expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        for s in secrets {
            assert!(!text.contains(s), "{cmd:?} prints {s:?}:\n{text}");
        }
        assert!(text.contains("AWS_SECRET_ACCESS_KEY"), "{cmd:?}:\n{text}");
        if cmd[0] == "render" {
            assert!(
                text.contains("- name: AWS_SECRET_ACCESS_KEY"),
                "{cmd:?}:\n{text}"
            );
            assert!(
                text.contains("key: AWS_SECRET_ACCESS_KEY"),
                "{cmd:?}:\n{text}"
            );
            assert!(text.contains("- name: DB_PASSWORD"), "{cmd:?}:\n{text}");
            assert!(text.contains("key: password"), "{cmd:?}:\n{text}");
            assert!(text.contains("- name: VAULT_TOKEN"), "{cmd:?}:\n{text}");
        }
    }
    for format in ["human", "json", "sarif", "junit"] {
        let out = check_verbose(d.path(), format);
        let text = String::from_utf8_lossy(&out.stdout);
        for s in secrets {
            assert!(!text.contains(s), "{format} prints {s:?}:\n{text}");
        }
    }
}

/// nginx's `*_pass` directives name an upstream, not a password: `inspect` shows them as
/// written (it masked `fastcgi_pass unix:/run/php/php-fpm.sock` by its name's last word),
/// while a credential beside them stays masked.
#[test]
fn inspect_shows_an_nginx_upstream_and_masks_the_credential_beside_it() {
    let d = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        d.path().join("nginx.conf"),
        "server {\n  location /php {\n    fastcgi_pass unix:/run/php/php-fpm.sock;\n    uwsgi_pass backend-app:3031;\n    fastcgi_param DB_PASSWORD nginx-fastcgi-passphrase-24;\n  }\n}\n",
    )
    .expect("write");
    let out = rg()
        .current_dir(d.path())
        .args(["inspect", "nginx.conf"])
        .output()
        .expect("runs");
    assert_clean("inspect nginx.conf", &out.stdout);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("\"fastcgi_pass\": \"unix:/run/php/php-fpm.sock\""),
        "{text}"
    );
    assert!(
        text.contains("\"uwsgi_pass\": \"backend-app:3031\""),
        "{text}"
    );
    assert!(text.contains("\"DB_PASSWORD\": \"********\""), "{text}");
}

/// The same in an nginx configuration held in a ConfigMap entry (loki-distributed's gateway,
/// rendered): `inspect` and `render` showed `proxy_pass $backend:3100$request_uri` masked,
/// read by its name's last word, while `inspect` showed the ConfigMap's entry with the
/// `fastcgi_param DB_PASSWORD` value the embedded file's reader had found (its marks stayed on
/// the entry's own text, not the manifest's).
#[test]
fn an_nginx_upstream_in_a_config_map_is_shown_and_its_credential_masked() {
    let d = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        d.path().join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gw\ndata:\n  nginx.conf: |\n    server {\n      location = /push {\n        proxy_pass       $push_backend:3100$request_uri;\n        fastcgi_param DB_PASSWORD nginx-fastcgi-passphrase-24;\n      }\n    }\n",
    )
    .expect("write");
    let out = rg()
        .current_dir(d.path())
        .args(["inspect", "cm.yaml"])
        .output()
        .expect("runs");
    assert_clean("inspect cm.yaml", &out.stdout);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("$push_backend:3100$request_uri"), "{text}");
    for format in ["human", "json", "sarif"] {
        let out = check_verbose(d.path(), format);
        assert_clean(&format!("check --format {format}"), &out.stdout);
    }
}

/// A values file read alone (`inspect values.yaml`): a credential's name written as an
/// environment variable's (`secretKey: AWS_SECRET_ACCESS_KEY`, vault-helm's
/// `extraSecretEnvironmentVars`) names where the credential is kept and is printed; a
/// secret key, a password and a key in capitals that names nothing stay masked (session
/// fid31). The name was masked, as `secretKey` names a credential.
#[test]
fn a_credentials_name_in_a_values_file_is_printed_and_its_value_is_not() {
    let d = dir_with(&[(
        "values.yaml",
        b"aws:\n  secretKey: AWS_SECRET_ACCESS_KEY\n  passwordKey: POSTGRES_PASSWORD\nauth:\n  existingSecretPasswordKey: password\n  password: Xk9vQ2mLp4Rt\ns3:\n  secretKey: wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLE\n  accessSecret: ZQ9X_KW4T_7PLM_Q2RN\n" as &[u8],
    )]);
    {
        let cmd = ["inspect", "values.yaml"];
        let out = rg().current_dir(d.path()).args(cmd).output().expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        for s in [
            "Xk9vQ2mLp4Rt",
            "wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLE",
            "ZQ9X_KW4T_7PLM_Q2RN",
        ] {
            assert!(!text.contains(s), "{cmd:?} prints {s:?}:\n{text}");
        }
        for name in ["AWS_SECRET_ACCESS_KEY", "POSTGRES_PASSWORD"] {
            assert!(text.contains(name), "{cmd:?} masks {name:?}:\n{text}");
        }
    }
}

/// Session ex33: in a `.env.example` the slot-word placeholders (`user:pass`, `password`) are
/// not reported, the token and the real password beside them are, at their lines.
#[test]
fn an_example_file_reports_its_credentials_and_not_its_placeholders() {
    let d = dir_with(&[(".env.example", DOTENV_EXAMPLE.as_bytes())]);
    let out = rg()
        .current_dir(d.path())
        .args(["check", "--format", "json", "."])
        .output()
        .expect("runs");
    assert_clean("check .env.example", &out.stdout);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let lines: Vec<(String, u64)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or_default().to_string(),
                f["start_line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![("CFG-016".to_string(), 3), ("CFG-016".to_string(), 4)],
        "{lines:?}"
    );
}
