//! The command line (clap derive). Doc comments are the help text.

use crate::input::render::SetArg;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXIT_CODES: &str = "Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  the run could not check everything it was asked to: bad usage or configuration,
     a policy that fails to compile, an unreadable or unparseable input file";

/// Policy-as-code compliance linter for Kubernetes and Istio manifests, PostgreSQL schemas
/// and service configuration, with rules mapped to NIST SP 800-53, NIST CSF 2.0, SOC 2 and
/// zero-trust controls.
#[derive(Debug, Parser)]
#[command(name = "runeguard", version, about, after_help = EXIT_CODES, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files and folders against the rules.
    #[command(after_help = EXIT_CODES)]
    Check(Box<CheckArgs>),
    /// List the rules (built-in and from --policy).
    Rules(RulesArgs),
    /// Explain a rule: rationale, controls, remediation, a failing and a passing example.
    Explain(ExplainArgs),
    /// Run the `test_*` rules of Rego policies and each rule's pass/fail fixtures.
    Test(TestArgs),
    /// Record today's findings so that only new ones fail.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// Show how runeguard reads a file: its detected type and the documents rules see.
    Inspect(InspectArgs),
    /// Print the Kubernetes YAML a Helm chart or Kustomize overlay renders to, as checked
    /// (with `# Source:` comments, like `helm template` and `kustomize build`).
    Render(RenderArgs),
    /// Merge SARIF files (e.g. from `--shard` jobs) into one.
    Merge(MergeArgs),
    /// Write a starter .runeguard.yaml and print pre-commit and CI snippets.
    Init(InitArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Options shared by the commands that load policies.
#[derive(Debug, Args, Clone, Default)]
pub struct PolicyArgs {
    /// Extra Rego policy directory (same format as the built-ins); repeatable.
    #[arg(long = "policy", value_name = "DIR")]
    pub policy: Vec<PathBuf>,
    /// Rego data file (JSON or YAML) merged into `data`, e.g. rule parameters; repeatable.
    #[arg(long = "data", value_name = "FILE")]
    pub data: Vec<PathBuf>,
    /// Do not load the built-in rules.
    #[arg(long)]
    pub no_builtin: bool,
    /// Configuration file (default: .runeguard.yaml found upward from the working directory).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct CheckArgs {
    /// Files or folders to check (`-` reads standard input).
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// Name to report standard input under (its extension decides how it is read).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// Output format, repeatable, optionally with a file: human, table, sarif, json, junit,
    /// oscal (OSCAL assessment results), html (one self-contained page)
    /// (e.g. `--format human --format sarif=results.sarif --format html=report.html`).
    #[arg(short, long = "format", value_name = "FORMAT[=FILE]")]
    pub format: Vec<String>,
    /// Write the (single) format that has no `=FILE` to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Fail (exit 1) on findings at or above this severity [default: low].
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,
    /// Only these rules: ids, names or id prefixes (K8S, K8S-00), comma-separated or repeated.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip these rules: ids, names or id prefixes, comma-separated or repeated.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Only rules mapped to this framework: nist-800-53, nist-csf-2.0, soc2, zero-trust, cis-kubernetes.
    #[arg(long, value_name = "FRAMEWORK", value_delimiter = ',')]
    pub framework: Vec<String>,
    /// Report coverage of an SP 800-53 baseline: nist-800-53-low, nist-800-53-moderate or
    /// nist-800-53-high (human, table, JSON, OSCAL and HTML outputs).
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<String>,
    /// Time recorded in the OSCAL and HTML reports: RFC 3339, `now`, or `@SECONDS` since 1970
    /// [default: SOURCE_DATE_EPOCH if set, else 1970-01-01T00:00:00Z, so reports are reproducible].
    #[arg(long, value_name = "TIME")]
    pub report_time: Option<String>,
    /// Do not check paths matching this glob; repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Baseline file: findings recorded in it do not fail the run.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Worker threads [default: one per core].
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Check only shard I of N of the files (deterministic), e.g. 2/4.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Print nothing on standard error (no summary line, no progress).
    #[arg(short, long)]
    pub quiet: bool,
    /// Print more: notes, and where each finding's path was not found exactly.
    #[arg(short, long)]
    pub verbose: bool,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    #[command(flatten)]
    pub render: RenderFlags,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

/// How Helm charts are rendered (the options of `helm template`).
#[derive(Debug, Args, Clone, Default)]
pub struct RenderFlags {
    /// Helm values file for the charts of the run, after each chart's values.yaml; repeatable.
    #[arg(long = "values", value_name = "FILE")]
    pub values: Vec<PathBuf>,
    /// Helm value for the charts of the run (`a.b=c`, `list[0]=x`, `a=null` deletes); repeatable.
    #[arg(long = "set", value_name = "K=V")]
    pub set: Vec<String>,
    /// As `--set`, every value a string (`a=true` is the text "true"); repeatable.
    #[arg(long = "set-string", value_name = "K=V")]
    pub set_string: Vec<String>,
    /// As `--set`, each value JSON (`a=[1,2]`, `a={"b":1}`, `a=null`), or the whole argument a
    /// JSON object merged over the values; repeatable.
    #[arg(long = "set-json", value_name = "K=JSON")]
    pub set_json: Vec<String>,
    /// As `--set`, each value the content of the file it names (`ca=certs/ca.pem`); repeatable.
    #[arg(long = "set-file", value_name = "K=PATH")]
    pub set_file: Vec<String>,
    /// One key whose value is the whole rest of the argument, commas and backslashes
    /// included; repeatable.
    #[arg(long = "set-literal", value_name = "K=V")]
    pub set_literal: Vec<String>,
    /// Kubernetes version `.Capabilities.KubeVersion` reports (e.g. 1.31.0).
    #[arg(long, value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// Also check each chart with each of its ci/*.yaml values files (chart-testing's
    /// convention; a chart whose defaults do not render is then checked with those only);
    /// `ci-values: true` in a `render:` entry does it for one chart.
    #[arg(long)]
    pub helm_ci_values: bool,
}

impl RenderFlags {
    /// The value flags' arguments, in the order Helm applies them (after the values files:
    /// `--set-json`, `--set`, `--set-string`, `--set-file`, `--set-literal`).
    pub fn set_args(&self) -> Vec<SetArg> {
        let by_flag = [
            &self.set_json[..],
            &self.set,
            &self.set_string,
            &self.set_file,
            &self.set_literal,
        ];
        crate::input::render::set_args(by_flag, None)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

pub use crate::catalog::CatalogFormat;

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Only rules mapped to this framework.
    #[arg(long, value_name = "FRAMEWORK")]
    pub framework: Option<String>,
    /// Only rules for this input type: kubernetes, postgres, config.
    #[arg(long, value_name = "TYPE")]
    pub input_type: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CatalogFormat::Table)]
    pub format: CatalogFormat,
    /// Time recorded in the OSCAL component definition (as for `check --report-time`).
    #[arg(long, value_name = "TIME")]
    pub report_time: Option<String>,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule: id (K8S-001) or name (privileged-container).
    pub rule: String,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Policy directories to test [default: the built-in policies].
    pub dirs: Vec<PathBuf>,
    /// Data file merged into `data`; repeatable.
    #[arg(long = "data", value_name = "FILE")]
    pub data: Vec<PathBuf>,
    /// Only tests and rules whose name contains this text.
    #[arg(long, value_name = "TEXT")]
    pub run: Option<String>,
    /// Print every test, not only failures.
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Record every current finding in FILE.
    Create(BaselineArgs),
    /// Rewrite FILE with the current findings: fixed ones leave, new ones are added.
    Update(BaselineArgs),
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// The baseline file (JSON).
    pub file: PathBuf,
    /// Files or folders to check [default: .].
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Files to inspect.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// How charts and overlays among them render (as for `check` and `render`).
    #[command(flatten)]
    pub render: RenderFlags,
    /// Configuration file (default: .runeguard.yaml found upward from the working directory).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The chart or overlay folder.
    pub path: PathBuf,
    /// Helm release name [default: release-name, or the configuration's].
    #[arg(long, value_name = "NAME")]
    pub release_name: Option<String>,
    /// Release namespace [default: default, or the configuration's].
    #[arg(long, short = 'n', value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// Show each line's origins (template, values, patch lines) as comments.
    #[arg(long)]
    pub origins: bool,
    #[command(flatten)]
    pub render: RenderFlags,
    /// Configuration file (default: .runeguard.yaml found upward from the working directory).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// SARIF files to merge.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Where to write the merged SARIF [default: standard output].
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Overwrite an existing .runeguard.yaml.
    #[arg(long)]
    pub force: bool,
}
