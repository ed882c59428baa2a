//! The bad-input matrix: every kind of broken file is reported where it is broken (file, and
//! line when the file could be read), the run exits 2, and the good file beside it is still
//! checked. Cases already in `tests/cli.rs` (broken flow mapping, binary, Latin-1, UTF-16,
//! directory named `.yaml`, duplicate keys, BOM + CRLF together, broken user policy) are not
//! repeated here.

use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};
use tempfile::TempDir;

mod common;
use common::{PRIVILEGED, rg};

/// The good file of every case: one K8S-001 finding at line 11.
const GOOD: &str = "z-good.yaml";

/// How long a case that must end (an alias bomb, a runaway policy) may take before it counts
/// as not ending: a generous bound on a runaway, not a speed check (debug builds on a busy
/// machine are slow; speed is measured with the benchmark scripts).
const RUNAWAY: Duration = Duration::from_secs(300);

/// The files, plus the good file every case must still check.
fn dir_with(files: &[(&str, &[u8])]) -> TempDir {
    let d = common::dir_with(files);
    std::fs::write(d.path().join(GOOD), PRIVILEGED).expect("write good file");
    d
}

struct Run {
    code: Option<i32>,
    json: Value,
    stderr: String,
}

fn check(dir: &Path, extra: &[&str]) -> Run {
    let mut cmd = rg();
    cmd.current_dir(dir)
        .args(["check", "--select", "K8S-001,USR", "--format", "json"])
        .args(extra)
        .arg(".");
    parse(cmd.output().expect("run runeguard"))
}

fn parse(out: std::process::Output) -> Run {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {stderr}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    assert!(!stderr.contains("panicked"), "runeguard panicked: {stderr}");
    Run {
        code: out.status.code(),
        json,
        stderr,
    }
}

impl Run {
    /// (start line, start column, end column) of the finding in `file`.
    fn finding_span(&self, file: &str) -> (u64, u64, u64) {
        let f = self.json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["file"] == file)
            .unwrap_or_else(|| panic!("no finding in {file}: {}", self.json));
        let n = |k: &str| f[k].as_u64().unwrap_or_else(|| panic!("{k} in {f}"));
        (n("start_line"), n("start_column"), n("end_column"))
    }

    fn findings(&self) -> Vec<(String, String, u64)> {
        common::findings_of(&self.json)
    }

    /// The good file was checked: its one finding is there, at its line.
    fn good_file_checked(&self) {
        let good: Vec<_> = self
            .findings()
            .into_iter()
            .filter(|f| f.1 == GOOD)
            .collect();
        assert_eq!(
            good,
            vec![("K8S-001".to_string(), GOOD.to_string(), 11)],
            "{}",
            self.json
        );
    }

    fn problems(&self) -> &[Value] {
        self.json["problems"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    fn problem(&self, file: &str) -> &Value {
        self.problems()
            .iter()
            .find(|p| p["file"] == file)
            .unwrap_or_else(|| {
                panic!(
                    "no problem for {file}: {}\nstderr: {}",
                    self.json, self.stderr
                )
            })
    }

    /// A located error: exit 2, the problem names the file and the line, the good file checked.
    fn located(&self, file: &str, line: u64) -> &Value {
        assert_eq!(self.code, Some(2), "{}", self.json);
        self.good_file_checked();
        let p = self.problem(file);
        assert_eq!(p["line"].as_u64(), Some(line), "{p}");
        p
    }
}

#[test]
fn truncated_yaml_is_located_at_the_cut() {
    // A manifest cut off inside a quoted scalar, as a failed download leaves it.
    let d = dir_with(&[(
        "cut.yaml",
        b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"web\n",
    )]);
    let r = check(d.path(), &[]);
    // Located where the unclosed quote opens.
    let p = r.located("cut.yaml", 4);
    assert!(!p["message"].as_str().unwrap_or("").is_empty(), "{p}");
}

#[test]
fn tab_indentation_is_located_on_the_tab_line() {
    let d = dir_with(&[(
        "tabs.yaml",
        b"apiVersion: v1\nkind: Pod\nmetadata:\n\tname: web\n",
    )]);
    let r = check(d.path(), &[]);
    r.located("tabs.yaml", 4);
}

#[test]
fn a_bom_alone_keeps_exit_and_locations_as_without_it() {
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(PRIVILEGED.as_bytes());
    let d = dir_with(&[("bom.yaml", &bom)]);
    let r = check(d.path(), &[]);
    assert_eq!(r.code, Some(1), "findings only, no problem: {}", r.json);
    assert!(r.problems().is_empty(), "{}", r.json);
    assert_eq!(r.finding_span("bom.yaml"), (11, 9, 25));
    r.good_file_checked();
}

#[test]
fn crlf_alone_keeps_locations_exact_in_yaml_and_sql() {
    let crlf = PRIVILEGED.replace('\n', "\r\n");
    // A syntax error on line 3 of a CRLF file is reported on line 3, not 5 or 6.
    let d = dir_with(&[
        ("crlf.yaml", crlf.as_bytes()),
        ("crlf-broken.yaml", b"a: 1\r\nb: 2\r\nc: [x\r\n"),
    ]);
    let r = check(d.path(), &[]);
    assert_eq!(r.code, Some(2));
    r.good_file_checked();
    assert_eq!(r.finding_span("crlf.yaml"), (11, 9, 25));
    let p = r.problem("crlf-broken.yaml");
    let line = p["line"].as_u64().unwrap_or(0);
    assert!(
        (3..=4).contains(&line),
        "CRLF counted as one line break: {p}"
    );
}

#[test]
fn an_empty_file_is_no_problem() {
    let d = dir_with(&[
        ("empty.yaml", b""),
        ("empty.sql", b""),
        ("empty.toml", b""),
        ("blank.yaml", b"\n\n---\n"),
    ]);
    let r = check(d.path(), &[]);
    assert!(r.problems().is_empty(), "{}", r.json);
    assert_eq!(r.code, Some(1), "the good file's finding only");
    r.good_file_checked();
    // On its own, an empty file passes.
    let only = tempfile::tempdir().expect("tempdir");
    std::fs::write(only.path().join("empty.yaml"), b"").expect("write");
    rg().current_dir(only.path())
        .args(["check", "empty.yaml"])
        .assert()
        .code(0);
}

/// A 50 MB manifest is under the 64 MB read limit, so it is checked like any other file (a user
/// with a large generated bundle expects findings, not a skip): a finding after 50 MB of data is
/// still reported at its exact line.
#[test]
fn a_50_mb_file_is_checked_with_exact_locations() {
    let d = dir_with(&[]);
    let mut big = String::with_capacity(51 << 20);
    big.push_str(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  namespace: shop\ndata:\n",
    );
    let mut lines = 6u64;
    let mut i = 0u64;
    while big.len() < 50 << 20 {
        big.push_str(&format!("  key{i}: \"{}\"\n", "x".repeat(200)));
        i += 1;
        lines += 1;
    }
    big.push_str("---\n");
    big.push_str(PRIVILEGED);
    std::fs::write(d.path().join("big.yaml"), &big).expect("write 50 MB");
    let r = check(d.path(), &[]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.problems().is_empty(), "{}", r.json);
    r.good_file_checked();
    assert!(
        r.findings().contains(&(
            "K8S-001".to_string(),
            "big.yaml".to_string(),
            lines + 1 + 11
        )),
        "{:?}",
        r.findings()
    );
}

#[test]
fn ten_thousand_deep_nesting_is_reported_not_a_stack_overflow() {
    let n = 10_000;
    let flow = format!("a: {}{}\n", "[".repeat(n), "]".repeat(n));
    let mut block = String::new();
    for depth in 0..n {
        block.push_str(&" ".repeat(depth));
        block.push_str("k:\n");
    }
    let json = format!("{}{}", "{\"a\":".repeat(n), "}".repeat(n));
    let d = dir_with(&[
        ("deep-flow.yaml", flow.as_bytes()),
        ("deep-block.yaml", block.as_bytes()),
        ("deep.json", json.as_bytes()),
    ]);
    let r = check(d.path(), &[]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    r.good_file_checked();
    for f in ["deep-flow.yaml", "deep-block.yaml", "deep.json"] {
        let p = r.problem(f);
        assert!(p["line"].as_u64().is_some(), "{p}");
    }
}

#[test]
fn an_alias_bomb_is_stopped_and_located() {
    let bomb = b"a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]
";
    let d = dir_with(&[("laughs.yaml", bomb)]);
    let started = Instant::now();
    let r = check(d.path(), &[]);
    assert!(started.elapsed() < RUNAWAY, "took {:?}", started.elapsed());
    let p = &r
        .problems()
        .iter()
        .find(|p| p["file"] == "laughs.yaml")
        .unwrap_or_else(|| panic!("{}", r.json))
        .clone();
    assert_eq!(r.code, Some(2));
    r.good_file_checked();
    let line = p["line"].as_u64().unwrap_or(0);
    assert!((1..=9).contains(&line), "{p}");
}

#[test]
fn duplicate_keys_in_sequences_and_json_are_located() {
    let d = dir_with(&[
        ("dupe-nested.yaml", b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n    - name: app\n      image: a:1\n      image: b:2\n"),
        ("dupe.json", b"{\n  \"a\": 1,\n  \"a\": 2\n}\n"),
    ]);
    let r = check(d.path(), &[]);
    r.located("dupe-nested.yaml", 9);
    r.located("dupe.json", 3);
}

#[cfg(unix)]
#[test]
fn symlink_loops_end_and_a_named_one_is_reported() {
    use std::os::unix::fs::symlink;
    let d = dir_with(&[]);
    symlink("b.yaml", d.path().join("a.yaml")).expect("symlink");
    symlink("a.yaml", d.path().join("b.yaml")).expect("symlink");
    std::fs::create_dir(d.path().join("sub")).expect("mkdir");
    symlink("..", d.path().join("sub/up")).expect("symlink");
    // A walk does not follow links: it ends, and checks the good file.
    let r = check(d.path(), &[]);
    assert_eq!(r.code, Some(1), "{}", r.json);
    r.good_file_checked();
    // Named on the command line, the loop is a problem for that file.
    let r = check(d.path(), &["a.yaml"]);
    assert_eq!(r.code, Some(2));
    r.good_file_checked();
    let p = r.problem("a.yaml");
    assert!(
        p["message"].as_str().unwrap_or("").contains("cannot read"),
        "{p}"
    );
}

/// A file the user may not read is a located problem (exit 2) and the file beside it is still
/// checked. Permissions do not stop root, and CI runs as root: then runeguard runs as the
/// unprivileged uid/gid 65534 (`setpriv`), from a copy of the binary that user can execute
/// when the build directory is private. When that cannot be done the test is skipped
/// visibly, and fails under RUNEGUARD_REQUIRE_SHARED=1 (as in CI).
#[cfg(unix)]
#[test]
fn an_unreadable_file_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let d = dir_with(&[("secret.yaml", PRIVILEGED.as_bytes())]);
    let p = d.path().join("secret.yaml");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let r = if std::fs::read(&p).is_err() {
        check(d.path(), &[])
    } else {
        // Root: let another user in (the directory and the good file), then drop privileges.
        std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
        std::fs::set_permissions(d.path().join(GOOD), std::fs::Permissions::from_mode(0o644))
            .expect("chmod");
        match unprivileged_check(d.path()) {
            Ok(r) => r,
            Err(why) => {
                common::skip("an_unreadable_file_is_reported", &why);
                return;
            }
        }
    };
    assert_eq!(r.code, Some(2), "{}\n{}", r.json, r.stderr);
    r.good_file_checked();
    assert!(
        r.problem("secret.yaml")["message"]
            .as_str()
            .unwrap_or("")
            .contains("permission denied"),
        "{}",
        r.json
    );
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).expect("chmod back");
}

/// Runs `check` on `dir` as uid/gid 65534 (from root), or says why it cannot.
#[cfg(unix)]
fn unprivileged_check(dir: &Path) -> Result<Run, String> {
    use std::os::unix::fs::PermissionsExt;
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
        .into_iter()
        .find(|p| Path::new(p).is_file())
        .ok_or("running as root and setpriv (util-linux) is not installed")?;
    // The binary, where uid 65534 can execute it: in place when every directory above it
    // lets others through, else a copy in a directory of its own.
    let bin = Path::new(env!("CARGO_BIN_EXE_runeguard"));
    let others_can = |p: &Path, bits: u32| {
        std::fs::metadata(p).is_ok_and(|m| m.permissions().mode() & bits == bits)
    };
    let reachable = |p: &Path| {
        p.ancestors()
            .skip(1)
            .all(|a| a.as_os_str().is_empty() || others_can(a, 0o001))
    };
    let holder = tempfile::tempdir().map_err(|e| e.to_string())?;
    let exe = if others_can(bin, 0o005) && reachable(bin) {
        bin.to_path_buf()
    } else {
        std::fs::set_permissions(holder.path(), std::fs::Permissions::from_mode(0o755))
            .map_err(|e| e.to_string())?;
        let copy = holder.path().join("runeguard");
        std::fs::copy(bin, &copy).map_err(|e| format!("copying the binary: {e}"))?;
        copy
    };
    if !reachable(&dir.join("x")) {
        return Err(format!(
            "uid 65534 cannot reach the temporary directory {}",
            dir.display()
        ));
    }
    let out = std::process::Command::new(setpriv)
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(&exe)
        .args(["check", "--select", "K8S-001,USR", "--format", "json", "."])
        .current_dir(dir)
        .env("RUNEGUARD_TODAY", "2026-06-01")
        .env("RUNEGUARD_CACHE_DIR", "")
        .env_remove("NO_COLOR")
        .output()
        .map_err(|e| format!("{setpriv}: {e}"))?;
    if out.stdout.is_empty() {
        return Err(format!(
            "{setpriv} could not run runeguard as uid 65534 (exit {:?}): {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(parse(out))
}

#[test]
fn sql_with_an_unterminated_dollar_quote_is_located() {
    let sql = b"CREATE TABLE ok (id int PRIMARY KEY);\n\nCREATE FUNCTION f() RETURNS int AS $body$\n  SELECT 1;\n";
    let d = dir_with(&[("schema.sql", sql)]);
    let r = check(d.path(), &[]);
    assert_eq!(r.code, Some(2));
    r.good_file_checked();
    let p = r.problem("schema.sql");
    // Located in the unterminated statement (line 3 to the end of the file), never before it.
    assert!(
        p["line"].as_u64().is_some_and(|l| (3..=5).contains(&l)),
        "{p}"
    );
    assert!(
        p["message"].as_str().unwrap_or("").contains("dollar"),
        "names the dollar quote: {p}"
    );
}

const USER_HEADER: &str = "# METADATA
# title: Slow
# description: Slow
# custom:
#   id: USR-001
#   name: slow
#   severity: low
#   input: kubernetes
#   controls: {nist-800-53: [AC-6]}
#   rationale: r
#   remediation: m
package user.slow

import rego.v1
";

/// A policy that never ends is stopped by the engine's execution timer and reported as a
/// policy error; the built-in rules still run. Bounded by the timer (10 s), so this test takes
/// about that long.
#[test]
fn a_policy_that_runs_too_long_is_stopped_and_reported() {
    let body = format!(
        "{USER_HEADER}
deny contains {{\"msg\": \"never\"}} if {{
  some a in numbers.range(1, 100000)
  some b in numbers.range(1, 100000)
  a * b == -1
}}
"
    );
    let d = dir_with(&[("pol/slow.rego", body.as_bytes())]);
    let started = Instant::now();
    let r = check(d.path(), &["--policy", "pol"]);
    let took = started.elapsed();
    assert!(took < RUNAWAY, "not bounded: {took:?}");
    assert_eq!(r.code, Some(2), "{}", r.json);
    r.good_file_checked();
    let p = r
        .problems()
        .iter()
        .find(|p| {
            p["message"].as_str().unwrap_or("").contains("USR-001")
                || p["file"].as_str().unwrap_or("").ends_with("slow.rego")
        })
        .unwrap_or_else(|| panic!("no policy problem: {}", r.json));
    assert!(!p["message"].as_str().unwrap_or("").is_empty(), "{p}");
}

/// A rule that depends on itself: Rego forbids recursion, so it is a located policy error and
/// the built-in rules still run.
#[test]
fn a_recursive_rule_is_reported_in_the_rego() {
    recursive_policy_is_reported(
        "
deny contains {\"msg\": \"never\"} if {
  count(deny) > 0
}
",
    );
}

/// A function that calls itself without end. regorus detects recursion between rules but not
/// between functions, and overflowed the stack ("thread 'main' has overflowed its stack"),
/// which aborted the whole run (docs/robustness.md, finding 1): such policies are now rejected
/// when they are loaded, as a located policy error.
#[test]
fn a_recursive_function_is_reported_in_the_rego() {
    recursive_policy_is_reported(
        "
loop(x) := y if {
  y := loop(x + 1)
}

deny contains {\"msg\": \"never\"} if {
  loop(1) > 0
}
",
    );
}

fn recursive_policy_is_reported(rules: &str) {
    let body = format!("{USER_HEADER}{rules}");
    let d = dir_with(&[("pol/slow.rego", body.as_bytes())]);
    let started = Instant::now();
    let r = check(d.path(), &["--policy", "pol"]);
    assert!(
        started.elapsed() < RUNAWAY,
        "not bounded: {:?}",
        started.elapsed()
    );
    assert_eq!(r.code, Some(2), "{}", r.json);
    r.good_file_checked();
    // A policy error: on the document it failed on, naming the rule and the .rego line.
    let p = r
        .problems()
        .iter()
        .find(|p| p["message"].as_str().unwrap_or("").contains("USR-001"))
        .unwrap_or_else(|| panic!("no policy problem: {}", r.json));
    let msg = p["message"].as_str().unwrap_or("");
    assert!(
        msg.contains("recursion") && msg.contains("pol/slow.rego:1"),
        "{p}"
    );
}
