//! Charts the differential tester (`bench/render-differential.sh`) found rendering unlike
//! Helm, reduced and kept under `tests/data/helm-diff/`: each folder's `expected.yaml` is what
//! `helm template` (Helm v4.2.3) printed, or its `expected.err` the error Helm reported. No
//! Helm is needed here: `runeguard render` must print the same text byte for byte, or report
//! a located problem (exit 2) naming the same cause.

use std::path::Path;

mod common;
use common::rg;

const DATA: &str = "tests/data/helm-diff";

#[test]
fn charts_render_as_helm_rendered_them() {
    let mut cases = 0;
    for chart in common::charts_in(DATA) {
        cases += 1;
        let name = chart.file_name().unwrap().to_string_lossy().to_string();
        let mut cmd = rg();
        cmd.arg("render").arg(&chart);
        if let Ok(args) = std::fs::read_to_string(chart.join("args")) {
            for a in args.lines().filter(|l| !l.trim().is_empty()) {
                cmd.args(value_flag(a, &chart));
            }
        }
        let out = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if let Ok(expected) = std::fs::read_to_string(chart.join("expected.yaml")) {
            assert_eq!(out.status.code(), Some(0), "{name}: {stderr}");
            assert_eq!(
                stdout, expected,
                "{name}: runeguard render differs from helm template"
            );
        } else {
            let helm_err = std::fs::read_to_string(chart.join("expected.err")).unwrap();
            // Helm's cause, without the call it names (`error calling substr: …`) or the file
            // it could not load (`Error: cannot load values.yaml: cannot unmarshal yaml
            // document: …`), which the located problem names by its place.
            // A values.schema.json mismatch is listed as `- at '/a': …`.
            let last = helm_err.lines().last().unwrap().trim();
            let last = last.strip_prefix("- ").unwrap_or(last);
            let cause = match last.rfind("error calling ") {
                Some(i) => last[i..].split_once(": ").map_or(last, |(_, c)| c),
                None => match last.strip_prefix("Error: cannot load ") {
                    Some(rest) => {
                        let rest = rest.split_once(": ").map_or(rest, |(_, c)| c);
                        rest.strip_prefix("cannot unmarshal yaml document: ")
                            .unwrap_or(rest)
                    }
                    // `Error: parse error at (t.yaml:1): unexpected {{end}}`: the parser's
                    // cause; `Error: Chart.yaml file is missing`: the cause after Helm's prefix.
                    None => match last.strip_prefix("Error: parse error at (") {
                        Some(rest) => rest.split_once("): ").map_or(rest, |(_, c)| c),
                        None => last.strip_prefix("Error: ").unwrap_or(last),
                    },
                },
            };
            assert_eq!(out.status.code(), Some(2), "{name}: {stdout}");
            // Located in a file of the chart (a template, or values.yaml / Chart.yaml when
            // Helm could not load them), at a line and column, naming Helm's cause.
            let chart_dir = format!("{}/", Path::new(DATA).join(&name).display());
            let located = stderr.lines().any(|l| {
                l.split_once(&chart_dir).is_some_and(|(_, rest)| {
                    let mut parts = rest.splitn(4, ':');
                    let (file, line, col) = (parts.next(), parts.next(), parts.next());
                    file.is_some_and(|f| !f.is_empty())
                        && [line, col]
                            .iter()
                            .all(|n| n.is_some_and(|n| n.parse::<u32>().is_ok()))
                        && l.contains(cause)
                })
            });
            assert!(
                located,
                "{name}: expected a located problem naming {cause:?}, got {stderr}"
            );
        }
    }
    assert!(cases >= 3, "the cases of {DATA} were not found");
}

/// One line of a case's `args` as the flag and argument it stands for: a `--set` argument, as
/// bench/differential/run.py saves them, or another value flag and its argument after a space
/// (`--set-json a=[1,2]`). A `--set-file` line names one key, its file relative to the case.
fn value_flag(line: &str, case: &Path) -> [String; 2] {
    const FLAGS: [&str; 4] = ["--set-string", "--set-json", "--set-file", "--set-literal"];
    let Some((flag, arg)) = line
        .split_once(' ')
        .filter(|(flag, _)| FLAGS.contains(flag))
    else {
        return ["--set".into(), line.into()];
    };
    let arg = match arg.split_once('=') {
        Some((key, file)) if flag == "--set-file" => {
            format!("{key}={}", case.join(file).display())
        }
        _ => arg.to_string(),
    };
    [flag.to_string(), arg]
}

/// The Go types of `--set` values, which the differential tester cannot check: its Helm peer
/// (the Helm SDK driven from Python) hands values to Helm through JSON, so every number
/// reaches the templates as a float64 there. `helm template --set` types them with strvals'
/// `typedVal` (helm/pkg/strvals/parser.go): `true`/`false`/`null` in any case, an integer
/// not starting with 0 as an int64 (`0` itself too), anything else a string; values files
/// give float64s (sigs.k8s.io/yaml reads numbers through JSON).
#[test]
fn set_values_have_the_types_strvals_gives() {
    let chart = common::dir_with(&[
        ("Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        ("values.yaml", b"file: 3\nlist: [1]\nnested: {a: 1}\n"),
        (
            "templates/t.yaml",
            b"a: {{ printf \"%T %T %T %T %T %T %T\" .Values.i .Values.z .Values.s .Values.b .Values.n .Values.f .Values.big }}\n\
b: {{ printf \"%T %T %T\" (index .Values.l 0) .Values.nested.a .Values.nested.b }}\n\
c: {{ printf \"%T %T\" .Values.file (index .Values.list 0) }}\n\
d: {{ printf \"%s|%d\" .Values.i .Values.i }} {{ kindOf .Values.i }} {{ .Values.i }}\n\
e: {{ .Values.nul | default \"deleted\" }}\n",
        ),
    ]);
    let out = rg()
        .arg("render")
        .arg(chart.path())
        .args(["--set", "i=12345678901,z=0,s=0123,b=TRUE,n=-5,f=2.5"])
        .args([
            "--set",
            "big=99999999999999999999,l={7,x},nested.b=2,nul=Null",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for line in [
        "a: int64 int64 string bool int64 string string",
        "b: int64 float64 int64",
        "c: float64 float64",
        "d: %!s(int64=12345678901)|12345678901 int64 12345678901",
        "e: deleted",
    ] {
        assert!(stdout.contains(line), "{line:?} not in\n{stdout}");
    }
}

/// Chart.yaml's scalar fields are Go strings in Helm's `.Chart`: an unquoted number there
/// (which Helm refuses to load) is read as its text, so that the string functions the
/// argument type checks guard still take it.
#[test]
fn chart_fields_are_strings_for_the_type_checks() {
    let chart = common::dir_with(&[
        (
            "Chart.yaml",
            b"apiVersion: v2\nname: c\nversion: 0.1.0\nappVersion: 1.2\n",
        ),
        (
            "templates/t.yaml",
            b"a: {{ .Chart.AppVersion | trunc 63 | quote }} {{ typeOf .Chart.AppVersion }}\n",
        ),
    ]);
    let out = rg().arg("render").arg(chart.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("a: \"1.2\" string"), "{stdout}");
}

/// Sprig's getHostByName asks DNS; runeguard renders offline: a located problem naming the
/// function (file and line), never a lookup.
#[test]
fn get_host_by_name_is_a_located_offline_error() {
    let chart = common::dir_with(&[
        ("Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "templates/dns.yaml",
            b"a: 1\nb: {{ getHostByName \"example.com\" }}\n",
        ),
        ("templates/ok.yaml", b"kind: ConfigMap\n"),
    ]);
    let out = rg().arg("render").arg(chart.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("templates/dns.yaml:2:") && stderr.contains("getHostByName"),
        "{stderr}"
    );
    assert!(stderr.contains("offline"), "{stderr}");
}

/// An error raised by a function after an argument ran a partial (`required "…" (include
/// "host" .)`, keycloak's dbchecker; `helm template`: `execution error at
/// (c/templates/t.yaml:2:…)`) is at the caller's action, not at the partial's last node
/// (it pointed at `_helpers.tpl`); an error inside the partial stays there.
#[test]
fn an_error_after_an_include_returned_is_at_the_callers_action() {
    let helpers: &[u8] = b"{{- define \"host\" -}}\n{{ tpl (.Values.host | default \"\") $ }}\n{{- end }}\n{{- define \"bad\" -}}\n{{ fail \"inner\" }}\n{{- end }}\n";
    for (template, want) in [
        (
            &b"a: 1\nb: {{ required \"host is required\" (include \"host\" .) }}\n"[..],
            "templates/t.yaml:2:",
        ),
        (
            &b"a: 1\n\nb: {{ include \"bad\" . }}\n"[..],
            "templates/_helpers.tpl:5:",
        ),
    ] {
        let chart = common::dir_with(&[
            ("Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
            ("templates/_helpers.tpl", helpers),
            ("templates/t.yaml", template),
        ]);
        let out = rg().arg("render").arg(chart.path()).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(want), "{want}: {stderr}");
    }
}

/// Go's parser refuses a template naming a function the set does not define or a variable
/// not in scope, even in a branch that never runs (`helm template`: `parse error at
/// (c/templates/t.yaml:2): function "expandenv" not defined`); variables live to the `end`
/// of their `if`/`range`/`with` (its `else` included), and a `define` starts with `$` alone.
#[test]
fn undefined_names_are_refused_at_parse_time() {
    let cases: [(&[u8], &str); 4] = [
        (
            b"a: 1\nb: {{ if false }}{{ expandenv \"x\" }}{{ end }}\n",
            "t.yaml:2:21: function \"expandenv\" not defined",
        ),
        (
            b"{{ if false }}{{ $x }}{{ end }}\n",
            "t.yaml:1:18: undefined variable \"$x\"",
        ),
        (
            b"{{ if true }}{{ $z := 2 }}{{ end }}{{ $z }}\n",
            "undefined variable \"$z\"",
        ),
        (
            b"{{ range $i, $v := list 1 }}{{ $v }}{{ end }}{{ define \"d\" }}{{ $v }}{{ end }}\n",
            "undefined variable \"$v\"",
        ),
    ];
    for (template, want) in cases {
        let chart = common::dir_with(&[
            ("Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
            ("templates/t.yaml", template),
        ]);
        let out = rg().arg("render").arg(chart.path()).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(want), "{want:?} not in {stderr}");
    }
    // Scopes Go accepts: a body's variable in the `else` branch, `else with`'s chain.
    let chart = common::dir_with(&[
        ("Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\n"),
        (
            "templates/t.yaml",
            b"a: {{ if true }}{{ $v := 1 }}{{ $v }}{{ else }}{{ $v }}{{ end }}\n\
b: {{ with $w := 2 }}{{ $w }}{{ else with $u := 3 }}{{ $u }}{{ $w }}{{ end }}\n",
        ),
    ]);
    let out = rg().arg("render").arg(chart.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("a: 1\nb: 2\n"), "{stdout}");
}
