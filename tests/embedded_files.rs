//! Service configuration files embedded in a ConfigMap's `data` entry as a literal block
//! scalar: checked as the file their key names, findings at the line and column inside the
//! block, in plain manifests and through Helm and Kustomize.

mod common;
use common::{dir_with, findings_at, json_check, rg};

const SECRET: &str = "hunter2Secret";

/// A Spring `application.yml` (line 17: the password, column 9), an Alertmanager config under
/// an indentation indicator (line 22: `insecure_skip_verify`, column 13), a text file that
/// holds a password (not a configuration file) and a template that is not YAML.
const MANIFEST: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: app
  namespace: pay
data:
  application.yml: |
    server:
      port: 8080
    management:
      endpoints:
        web:
          exposure:
            include: health
    spring:
      datasource:
        password: hunter2Secret
  alertmanager.yml: |2-
      receivers:
        - name: hook
          webhook_configs:
            - http_config: {tls_config: {insecure_skip_verify: true}}
  notes.txt: |
    tls: false
  broken.yaml: |
    {{ .Values.x }}: [
";

#[test]
fn a_cfg_rule_points_inside_the_block_scalar_and_k8s_036_gives_way() {
    let d = dir_with(&[("cm.yaml", MANIFEST.as_bytes())]);
    let (v, code) = json_check(
        d.path(),
        &["cm.yaml", "--select", "CFG-016,CFG-017,K8S-036"],
    );
    // The template under `broken.yaml` is no problem of the manifest (exit 1, not 2).
    assert_eq!(code, 1, "{v}");
    assert!(v["problems"].as_array().unwrap().is_empty(), "{v}");
    assert_eq!(
        findings_at(&v),
        vec![
            ("CFG-016".into(), "cm.yaml".into(), 17, 9),
            ("CFG-017".into(), "cm.yaml".into(), 22, 42),
        ],
        "{v}"
    );
    assert!(!v.to_string().contains(SECRET));
}

#[test]
fn crlf_line_breaks_keep_the_columns() {
    let d = dir_with(&[("cm.yaml", MANIFEST.replace('\n', "\r\n").as_bytes())]);
    let (v, _) = json_check(d.path(), &["cm.yaml", "--select", "CFG-016"]);
    assert_eq!(
        findings_at(&v),
        vec![("CFG-016".into(), "cm.yaml".into(), 17, 9)],
        "{v}"
    );
}

#[test]
fn an_ignore_comment_inside_the_embedded_file_suppresses() {
    let text = MANIFEST.replace(
        "        password: hunter2Secret",
        "        # runeguard:ignore CFG-016 -- rotated by the platform\n        password: hunter2Secret",
    );
    let d = dir_with(&[("cm.yaml", text.as_bytes())]);
    let (v, code) = json_check(d.path(), &["cm.yaml", "--select", "CFG-016"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        v["findings"][0]["suppression"]["origin"], "cm.yaml:17",
        "{v}"
    );
}

/// K8S-035 and K8S-036 on a plain manifest's embedded file point at its credential setting's
/// line, as CFG-016 does and as they do through a Helm chart (session fid37); the entry's key
/// is related, and a suppression comment above it still applies (session cfg37: both pointed
/// at the key, `app.properties: |`).
#[test]
fn k8s_035_and_036_point_at_the_credential_line_of_a_plain_manifests_block() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: pay\ndata:\n  app.properties: |\n    server.port=8080\n    spring.datasource.password=hunter2Secret\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: files\n  namespace: pay\nstringData:\n  config.yaml: |\n    db:\n      user: app\n      password: hunter2Secret\n";
    let d = dir_with(&[("cm.yaml", text.as_bytes())]);
    let (v, code) = json_check(d.path(), &["cm.yaml", "--select", "K8S-035,K8S-036"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(
        findings_at(&v),
        vec![
            ("K8S-035".into(), "cm.yaml".into(), 20, 7),
            ("K8S-036".into(), "cm.yaml".into(), 9, 5),
        ],
        "{v}"
    );
    for f in v["findings"].as_array().unwrap() {
        let entry = &f["related"][0];
        assert_eq!(entry["role"], "entry", "{v}");
        assert_eq!(
            entry["start_line"],
            if f["rule_id"] == "K8S-035" { 17 } else { 7 },
            "{v}"
        );
    }
    assert!(!v.to_string().contains(SECRET));
    // A comment above the key suppresses as before.
    let text = text.replace(
        "  app.properties: |",
        "  # runeguard:ignore K8S-036 -- a test database\n  app.properties: |",
    );
    let d = dir_with(&[("cm.yaml", text.as_bytes())]);
    let (v, _) = json_check(d.path(), &["cm.yaml", "--select", "K8S-036"]);
    assert_eq!(
        v["findings"][0]["suppression"]["origin"], "cm.yaml:7",
        "{v}"
    );
    assert_eq!(v["findings"][0]["start_line"], 10, "{v}");
}

#[test]
fn no_output_format_prints_the_embedded_secret() {
    let d = dir_with(&[("cm.yaml", MANIFEST.as_bytes())]);
    for format in ["text", "json", "sarif", "junit", "github"] {
        let out = rg()
            .current_dir(d.path())
            .args(["check", "--format", format, "cm.yaml"])
            .output()
            .expect("runs");
        let all = [out.stdout, out.stderr].concat();
        assert!(!String::from_utf8_lossy(&all).contains(SECRET), "{format}");
    }
}

#[test]
fn through_a_helm_chart_the_finding_is_on_the_template_and_values_lines() {
    let d = dir_with(&[
        (
            "chart/Chart.yaml",
            b"apiVersion: v2\nname: demo\nversion: 0.1.0\n",
        ),
        ("chart/values.yaml", b"tls: false\n"),
        (
            "chart/templates/cm.yaml",
            b"apiVersion: v1
kind: ConfigMap
metadata:
  name: demo
  namespace: demo
data:
  config.yaml: |
    database:
      host: db
      tls: {{ .Values.tls }}
    cache:
      insecure_skip_verify: true
",
        ),
    ]);
    let (v, code) = json_check(d.path(), &["chart", "--select", "CFG-017"]);
    assert_eq!(code, 1, "{v}");
    assert!(v["problems"].as_array().unwrap().is_empty(), "{v}");
    assert_eq!(
        findings_at(&v),
        vec![
            ("CFG-017".into(), "chart/templates/cm.yaml".into(), 12, 7),
            ("CFG-017".into(), "chart/values.yaml".into(), 1, 1),
        ],
        "{v}"
    );
}

#[test]
fn through_a_kustomize_overlay_the_finding_is_on_the_base_entry() {
    let d = dir_with(&[
        ("base/kustomization.yaml", b"resources:\n- cm.yaml\n"),
        (
            "base/cm.yaml",
            b"apiVersion: v1
kind: ConfigMap
metadata:
  name: demo
  namespace: demo
data:
  config.yaml: |
    cache:
      insecure_skip_verify: true
",
        ),
        ("overlay/kustomization.yaml", b"resources:\n- ../base\n"),
    ]);
    let (v, code) = json_check(d.path(), &["overlay", "--select", "CFG-017"]);
    assert_eq!(code, 1, "{v}");
    assert!(v["problems"].as_array().unwrap().is_empty(), "{v}");
    // Kustomize's stream maps a block scalar as one node: the finding is on the entry's key.
    assert_eq!(
        findings_at(&v),
        vec![("CFG-017".into(), "base/cm.yaml".into(), 7, 3)],
        "{v}"
    );
}

// HashiCorp configuration (session cfg36): Vault's, Consul's and Nomad's `.hcl` files are
// read into the same document model as their JSON form, so CFG-016 and CFG-017 report them
// at the line and column of the setting; HCL 1's ways of writing a body (a policy's `{` on
// the next line, commas, several attributes on a line, quoted keys) are read as the tools
// read them; Terraform's files are not read; a ConfigMap entry named `*.hcl` is checked as
// that file; no credential is printed.
mod hcl_config {

    use super::common::{all_output, dir_with, findings_at, json_check};

    /// A Vault server (lines 6 and 10: `tls_disable`; line 3: a password in the storage URL).
    const VAULT: &str = "ui = true
storage \"postgresql\" {
  connection_url = \"postgres://vault:Vq8Lr2xTz9@db.internal:5432/vault\"
}
listener \"tcp\" {
  address = \"0.0.0.0:8200\"
  tls_disable = 1
}
listener \"tcp\" {
  address = \"10.0.0.5:8210\"
  tls_disable = \"true\"
}
";

    /// A Consul agent written as Consul reads HCL 1 (line 4: a comma after a value; line 8: two
    /// attributes and a block on one line, the token at column 51; line 11: `verify_server_hostname`
    /// in a one-line block, column 30).
    const CONSUL: &str = "datacenter = \"dc1\"
encrypt    = \"%%CONSUL_ENCRYPT_KEY%%\"
telemetry {
  prometheus_retention_time = \"30s\",
  disable_hostname = true
}
acl {
  enabled = true default_policy = \"deny\" tokens { agent = \"b2e8d4f6-1a3c-4e5b-8d7f-9c0a2b4d6e81\" }
}
tls {
  internal_rpc { verify_server_hostname = false }
}
ports {  http = -1  https = 8501 }
";

    /// A Vault policy: HCL 1's `{` on the line after the labels; nothing to report.
    const POLICY: &str = "# Read the app's database credentials
path \"database/creds/app\"
{
  capabilities = [\"read\"]
}

path \"secret/data/app/password\"
{
  capabilities = [\"read\", \"list\"]
}
";

    /// Terraform (not read): a provider's literal credentials.
    const TERRAFORM: &str =
        "provider \"aws\" {\n  secret_key = \"Yq3mVx8LpT2wKz9RbN4cJf7HsD1gA6eU0oQiWlXy\"\n}\n";

    #[test]
    fn vault_consul_and_policies_are_reported_where_they_write_it() {
        let d = dir_with(&[
            ("vault/vault.hcl", VAULT.as_bytes()),
            ("consul.d/consul.hcl", CONSUL.as_bytes()),
            ("policies/app.hcl", POLICY.as_bytes()),
            ("infra/main.tf", TERRAFORM.as_bytes()),
            ("infra/terragrunt.hcl", TERRAFORM.as_bytes()),
            ("infra/.terraform.lock.hcl", TERRAFORM.as_bytes()),
            ("packer/build.pkr.hcl", TERRAFORM.as_bytes()),
        ]);
        let (v, code) = json_check(d.path(), &[".", "--select", "CFG-016,CFG-017"]);
        assert_eq!(code, 1, "{v}");
        assert!(v["problems"].as_array().unwrap().is_empty(), "{v}");
        assert_eq!(
            findings_at(&v),
            vec![
                ("CFG-016".into(), "consul.d/consul.hcl".into(), 8, 51),
                ("CFG-016".into(), "vault/vault.hcl".into(), 3, 3),
                ("CFG-017".into(), "consul.d/consul.hcl".into(), 11, 18),
                ("CFG-017".into(), "vault/vault.hcl".into(), 7, 3),
                ("CFG-017".into(), "vault/vault.hcl".into(), 11, 3),
            ],
            "{v}"
        );
        let text = v.to_string();
        for secret in ["Vq8Lr2xTz9", "b2e8d4f6-1a3c-4e5b-8d7f-9c0a2b4d6e81"] {
            assert!(!text.contains(secret), "{secret} printed: {text}");
        }
    }

    #[test]
    fn terraform_files_named_on_the_command_line_are_not_read() {
        let d = dir_with(&[
            ("main.tf", TERRAFORM.as_bytes()),
            ("terragrunt.hcl", TERRAFORM.as_bytes()),
        ]);
        let (v, code) = json_check(d.path(), &["main.tf", "terragrunt.hcl"]);
        assert_eq!(code, 0, "{v}");
        assert!(v["findings"].as_array().unwrap().is_empty(), "{v}");
        // Named on the command line, each says why nothing was read.
        let text = v["problems"].to_string();
        assert!(text.contains("not Terraform's .tf files"), "{text}");
    }

    #[test]
    fn an_hcl_file_in_a_config_map_is_checked_as_that_file() {
        let manifest = "apiVersion: v1
kind: ConfigMap
metadata:
  name: vault-config
data:
  extraconfig-from-values.hcl: |-
    disable_mlock = true
    ui = true
    listener \"tcp\" {
      tls_disable = 1
      address = \"[::]:8200\"
    }
    storage \"file\" {
      path = \"/vault/data\"
    }
";
        let d = dir_with(&[("cm.yaml", manifest.as_bytes())]);
        let (v, code) = json_check(d.path(), &["cm.yaml", "--select", "CFG-017"]);
        assert_eq!(code, 1, "{v}");
        assert_eq!(
            findings_at(&v),
            vec![("CFG-017".into(), "cm.yaml".into(), 10, 7)],
            "{v}"
        );
    }

    #[test]
    fn broken_hcl_is_a_located_error_and_a_template_a_note() {
        let d = dir_with(&[
            (
                "vault.hcl",
                b"ui = true\nlistener \"tcp\" {\n  address = = 1\n}\n" as &[u8],
            ),
            (
                "nomad.hcl",
                b"%{ if vault_enabled }\nvault {\n  enabled = true\n}\n%{ endif }\n" as &[u8],
            ),
        ]);
        let (v, code) = json_check(d.path(), &["."]);
        assert_eq!(code, 2, "{v}");
        let problems = v["problems"].as_array().unwrap();
        assert_eq!(problems.len(), 2, "{v}");
        let text = v.to_string();
        assert!(text.contains("invalid HCL"), "{text}");
        assert!(text.contains("file skipped: a template"), "{text}");
        // A Levant job template (`[[ .count ]]` outside strings) is a note, not an error
        // (session cfg37: exit 2 on an `invalid HCL` error).
        let d = dir_with(&[(
            "web.nomad",
            b"job \"[[ .job_name ]]\" {\n  datacenters = [[ .datacenters | toJson ]]\n  group \"web\" {\n    count = [[ .count ]]\n  }\n}\n" as &[u8],
        )]);
        let (v, code) = json_check(d.path(), &["."]);
        assert_eq!(code, 0, "{v}");
        assert_eq!(v["problems"][0]["level"], "note", "{v}");
        assert_eq!(v["problems"][0]["line"], 2, "{v}");
    }

    #[test]
    fn inspect_shows_the_json_form_and_masks_the_credential() {
        let d = dir_with(&[("vault.hcl", VAULT.as_bytes())]);
        let out = all_output(d.path(), &["inspect", "vault.hcl"]);
        assert!(out.contains("tls_disable"), "{out}");
        assert!(out.contains("listener"), "{out}");
        assert!(!out.contains("Vq8Lr2xTz9"), "{out}");
    }

    #[test]
    fn vault_helm_values_config_is_reported_on_its_values_line() {
        // Vault's chart renders `server.standalone.config` into a ConfigMap's
        // `extraconfig-from-values.hcl`: the finding is on the values file's line.
        let values = "server:
  standalone:
    config: |-
      ui = true

      listener \"tcp\" {
        tls_disable = 1
        address = \"[::]:8200\"
      }
";
        let template = "apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  extraconfig-from-values.hcl: |-
    {{ tpl .Values.server.standalone.config . | nindent 4 | trim }}
";
        let d = dir_with(&[
            (
                "vault/Chart.yaml",
                b"apiVersion: v2\nname: vault\nversion: 0.1.0\n" as &[u8],
            ),
            ("vault/values.yaml", values.as_bytes()),
            (
                "vault/templates/server-config-configmap.yaml",
                template.as_bytes(),
            ),
        ]);
        let (v, code) = json_check(d.path(), &["vault", "--select", "CFG-017"]);
        assert_eq!(code, 1, "{v}");
        assert_eq!(
            findings_at(&v),
            vec![("CFG-017".into(), "vault/values.yaml".into(), 7, 9)],
            "{v}"
        );
    }
}
