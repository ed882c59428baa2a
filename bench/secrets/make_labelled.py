#!/usr/bin/env python3
"""Writes bench/secrets/labelled.tsv: the labelled credential benchmark (seeded, reproducible).

Columns: label (secret|clean), shape, context, name, value.
Contexts: env (a Kubernetes container env var), ref (an env var taken from a Secret:
secretKeyRef.name), configmap (a ConfigMap data key), compose (a Compose list-form
environment entry `- NAME=value`), config (a key of a service configuration file).
Values are made up; random ones come from a fixed seed. Run again to regenerate the same file.
"""
import base64
import random
import string
import uuid

rng = random.Random(20261203)
WORDS = ("correct horse battery staple orbit lantern maple quartz velvet harbor pepper canyon "
         "tundra violet rocket saddle marble cobalt meadow falcon ember glacier pillow thistle "
         "walnut zephyr anchor bramble cinder dune fjord gravel hollow ivory juniper kettle "
         "lagoon mosaic nectar oyster prairie quiver ribbon summit timber umber vortex willow").split()
ALNUM = string.ascii_letters + string.digits

def rand(chars, n):
    return "".join(rng.choice(chars) for _ in range(n))

def b64(n):
    return base64.b64encode(bytes(rng.getrandbits(8) for _ in range(n))).decode()

def hexs(n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))

rows = []
def add(label, shape, context, name, value):
    assert "\t" not in value and "\n" not in value
    rows.append((label, shape, context, name, value))

CRED_NAMES = ["DB_PASSWORD", "POSTGRES_PASSWORD", "REDIS_PASSWORD", "ADMIN_PASSWORD", "SMTP_PASS",
              "API_KEY", "PAYMENT_API_KEY", "ACCESS_KEY", "SECRET_KEY", "SECRET_KEY_BASE",
              "CLIENT_SECRET", "JWT_SECRET", "ENCRYPTION_KEY", "SIGNING_KEY", "AUTH_TOKEN",
              "SLACK_TOKEN", "MASTER_KEY", "HMAC_KEY", "LICENSE_KEY", "WEBHOOK_SECRET"]
CTX = ["env", "configmap", "compose", "config"]
def ctx(i):
    return CTX[i % len(CTX)]
def cfg_name(name, context):
    # Config files and ConfigMaps spell keys their own way.
    if context == "config":
        return name.lower()
    if context == "configmap":
        return name.lower().replace("_", "-")
    return name

i = 0
def named(shape, value):
    global i
    c = ctx(i)
    add("secret", shape, c, cfg_name(CRED_NAMES[i % len(CRED_NAMES)], c), value)
    i += 1

# --- True credentials -------------------------------------------------------------------
for _ in range(30):  # diceware passphrases, lowercase and hyphenated
    named("passphrase", "-".join(rng.choice(WORDS) for _ in range(rng.choice([3, 4, 5]))))
for _ in range(20):  # UUID-like keys with hyphens
    named("uuid-key", str(uuid.UUID(int=rng.getrandbits(128))))
for _ in range(25):  # base64 keys
    named("base64", b64(rng.choice([24, 32, 48])))
for _ in range(20):  # hex keys
    named("hex", hexs(rng.choice([32, 40, 64])))
for _ in range(15):  # short human passwords
    named("password", rng.choice(["Summer", "Winter", "Spring", "Autumn"]) + str(rng.randint(1990, 2030)) + rng.choice("!#@$%"))
for _ in range(15):  # random alphanumeric keys (no digits guaranteed)
    named("alnum", rand(ALNUM, rng.choice([16, 24, 40])))
# Token shapes under names that do not say so.
NEUTRAL = ["SESSION", "UPSTREAM", "INTEGRATION", "BOOTSTRAP", "NOTIFIER", "CI_HELPER", "BACKUP_TARGET"]
def shaped(shape, value, k):
    c = ctx(k)
    add("secret", shape, c, cfg_name(NEUTRAL[k % len(NEUTRAL)], c), value)
for k in range(10):
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip("=")
    body = base64.urlsafe_b64encode(('{"sub":"%d","iat":%d}' % (rng.randint(1, 99999), rng.randint(1600000000, 1800000000))).encode()).decode().rstrip("=")
    shaped("jwt", f"{header}.{body}.{rand(ALNUM + '-_', 43)}", k)
for k in range(10):
    shaped("aws-key-id", "AKIA" + rand(string.ascii_uppercase + "234567", 16), k)
for k in range(10):
    add("secret", "aws-secret", ctx(k), cfg_name(["AWS_SECRET_ACCESS_KEY", "S3_SECRET_KEY"][k % 2], ctx(k)), rand(ALNUM + "+/", 40))
for k in range(10):
    shaped("github", rng.choice(["ghp_", "gho_", "ghs_"]) + rand(ALNUM, 36), k)
for k in range(6):
    shaped("gitlab", "glpat-" + rand(ALNUM + "-_", 20), k)
for k in range(8):
    shaped("slack", rng.choice(["xoxb-", "xoxp-"]) + "-".join([str(rng.randint(10**9, 10**10)), str(rng.randint(10**9, 10**10)), rand(ALNUM, 24)]), k)
for k in range(6):
    shaped("stripe", rng.choice(["sk_live_", "rk_live_"]) + rand(ALNUM, 24), k)
for k in range(6):
    shaped("google", "AIza" + rand(ALNUM + "-_", 35), k)
for k in range(12):
    user = rng.choice(["app", "admin", "svc", "reporting"])
    host = rng.choice(["db", "postgres.internal", "mysql", "redis", "mongo-0.mongo"])
    scheme = rng.choice(["postgres", "postgresql", "mysql", "redis", "mongodb", "amqp"])
    add("secret", "url-password", ctx(k), cfg_name(["DATABASE_URL", "BROKER_URL", "CACHE_URL", "DSN"][k % 4], ctx(k)),
        f"{scheme}://{user}:{rand(ALNUM, rng.choice([10, 16]))}@{host}:5432/app")
for k in range(8):
    add("secret", "connection-string", ctx(k), cfg_name(["CONNECTION_STRING", "DB_CONNECTION", "SQL_CONN"][k % 3], ctx(k)),
        f"Server=tcp:db{k}.example.net,1433;Database=app;User ID=app;Password={rand(ALNUM, 14)};Encrypt=true")
for k in range(6):
    shaped("npm-token", "npm_" + rand(ALNUM, 36), k)

# --- Look-alikes that are not credentials -------------------------------------------------
REFS = ["db-credentials", "app-secrets", "postgres.credentials", "redis-auth", "api-keys-v2",
        "payment-gateway-token", "tls-cert", "smtp-password", "oauth-client-secret", "jwt-signing-key"]
for k in range(20):  # object names in reference fields
    add("clean", "object-name-ref", "ref", CRED_NAMES[k % len(CRED_NAMES)], REFS[k % len(REFS)] + ("" if k < 10 else f"-{k}"))
REFERENCES = ["${DB_PASSWORD}", "$(API_KEY)", "${SECRET_KEY_BASE:?required}", "{{ .Values.auth.password }}",
              "$DB_PASS", "${env:TOKEN}", "vault:secret/data/app#password", "ref+awssm://prod/db#password",
              "{{ requiredEnv \"TOKEN\" }}", "${{ secrets.DEPLOY_TOKEN }}", "%DB_PASSWORD%", "${CLIENT_SECRET}",
              "$(cat /run/secrets/db)", "op://vault/item/password", "{{ .Values.apiKey }}"]
for k, v in enumerate(REFERENCES):
    c = ctx(k)
    add("clean", "reference", c, cfg_name(CRED_NAMES[k % len(CRED_NAMES)], c), v)
PLACEHOLDERS = ["changeme", "CHANGE_ME", "<your-api-key>", "********", "xxxxxxxxxxxx", "your-secret-here",
                "replace-me", "REPLACE_WITH_TOKEN", "<token>", "TODO", "redacted", "placeholder", "example",
                "dummy", "password", "secret", "none", "null", "...", "changeit"]
for k, v in enumerate(PLACEHOLDERS):
    c = ctx(k)
    add("clean", "placeholder", c, cfg_name(CRED_NAMES[k % len(CRED_NAMES)], c), v)
PATHS = ["/run/secrets/db_password", "/var/run/secrets/kubernetes.io/serviceaccount/token", "/etc/app/tls.key",
         "./secrets/api.key", "~/.aws/credentials", "/vault/secrets/config", "/mnt/secrets-store/password",
         "/etc/ssl/private/server.key", "file:///etc/app/token", "/secrets/jwt.pem"]
for k, v in enumerate(PATHS):
    c = ctx(k)
    add("clean", "path", c, cfg_name(["DB_PASSWORD_FILE", "TOKEN_PATH", "KEY_FILE", "API_KEY_FILE", "CREDENTIALS_PATH"][k % 5], c), v)
for k in range(12):  # URLs without a password
    host = rng.choice(["db", "auth.example.com", "vault.internal", "keycloak", "api.stripe.com"])
    c = ctx(k)
    add("clean", "url", c, cfg_name(["DATABASE_URL", "TOKEN_URL", "AUTH_ENDPOINT", "VAULT_ADDR", "JWKS_URI", "OIDC_ISSUER"][k % 6], c),
        rng.choice(["https://", "postgres://app@", "redis://", "http://"]) + host + rng.choice([":5432/app", "/oauth/token", "/.well-known/jwks.json", ":8200", ""]))
for k in range(12):  # image digests
    c = ctx(k)
    name = ["IMAGE", "SIDECAR_IMAGE", "BASE_IMAGE_DIGEST", "IMAGE_REF"][k % 4]
    add("clean", "image-digest", c, cfg_name(name, c),
        rng.choice(["nginx", "ghcr.io/acme/api", "registry.k8s.io/pause"]) + "@sha256:" + hexs(64) if k % 2 == 0 else "sha256:" + hexs(64))
for k in range(12):  # checksums
    c = ctx(k)
    add("clean", "checksum", c, cfg_name(["CHECKSUM", "ARCHIVE_SHA256", "CONFIG_HASH", "BINARY_SHA512", "MD5SUM", "INTEGRITY"][k % 6], c),
        [hexs(64), hexs(64), hexs(40), hexs(128), hexs(32), "sha512-" + b64(48)][k % 6])
for k in range(16):  # ids in non-credential fields
    c = ctx(k)
    name = ["REQUEST_ID", "TENANT_ID", "CLIENT_ID", "GIT_COMMIT", "BUILD_ID", "TRACE_ID", "ACCESS_KEY_ID_REF", "INSTANCE_UUID"][k % 8]
    value = [str(uuid.UUID(int=rng.getrandbits(128))), str(uuid.UUID(int=rng.getrandbits(128))), rand(string.ascii_lowercase + string.digits, 24),
             hexs(40), str(rng.randint(10**6, 10**9)), hexs(32), "aws-access-key", str(uuid.UUID(int=rng.getrandbits(128)))][k % 8]
    add("clean", "identifier", c, cfg_name(name, c), value)
OTHER = [("TOKEN_TTL", "3600"), ("PASSWORD_MIN_LENGTH", "12"), ("AUTH_ENABLED", "true"), ("SECRET_NAME", "db-credentials"),
         ("existingSecret", "postgres-auth"), ("LOG_LEVEL", "debug"), ("APP_VERSION", "1.27.3"), ("TOKEN_ISSUER", "https://auth.example.com"),
         ("PASSWORD_POLICY", "strong"), ("API_KEY_HEADER", "X-Api-Key"), ("JWT_ALGORITHM", "RS256"), ("SECRET_STORE", "vault"),
         ("HOSTNAME", "api-7f9c6d8b5-x2k4q"), ("POD_NAME", "web-0"), ("REGION", "eu-west-1"), ("CACHE_SIZE", "512Mi"),
         ("TIMEZONE", "Europe/Paris"), ("FEATURE_FLAGS", "search,checkout-v2"), ("ROLE_ARN", "arn:aws:iam::123456789012:role/app"),
         ("SECRET_MANAGER_ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"), ("KMS_KEY_ID", "alias/app-key"),
         ("PUBLIC_KEY_ID", "key-2024-01"), ("TLS_CERT_FILE", "/etc/tls/tls.crt"), ("OAUTH_SCOPES", "openid profile email"),
         ("SERVICE_ACCOUNT", "app-runtime"), ("NAMESPACE", "payments"), ("CONFIG_MAP", "app-config-v3"), ("LOCALE", "en_US.UTF-8"),
         ("JAVA_OPTS", "-Xms512m -Xmx1g"), ("PORT", "8080")]
for k, (n, v) in enumerate(OTHER):
    c = ctx(k)
    add("clean", "other", c, cfg_name(n, c) if n != "existingSecret" else n, v)

with open("bench/secrets/labelled.tsv", "w") as f:
    f.write("# label\tshape\tcontext\tname\tvalue\n")
    for r in rows:
        f.write("\t".join(r) + "\n")
print(len(rows), "rows:", sum(r[0] == "secret" for r in rows), "credentials,", sum(r[0] == "clean" for r in rows), "look-alikes")
