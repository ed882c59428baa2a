//! A rule's examples: the fixtures' documents that show it failing and passing, each checked
//! against the rule (the rule page, `explain` and SARIF help show only what is checked), and
//! the one-rule check that fixtures and examples share.

use super::*;

/// Checks `text`, read as a file called `name`, with `rule` alone (a fixture, or an example
/// of a rule document).
pub fn check_example(set: &PolicySet, rule: &Rule, name: String, text: &str) -> RunReport {
    let opts = CheckOptions {
        paths: Vec::new(),
        stdin: Some((name, text.to_string())),
        select: vec![rule.id.clone()],
        fail_on: crate::rule::Severity::Info,
        ..Default::default()
    };
    check_with(set, &opts)
}

/// True for a line that separates YAML documents (`---`, `--- ` followed by content, or
/// `---` and trailing blanks).
fn is_separator(line: &str) -> bool {
    line == "---"
        || line.starts_with("--- ")
        || (line.starts_with("---") && line[3..].trim().is_empty())
}

/// Splits a fixture into its documents, as lines (SQL, TOML and JSON files are one
/// document). The YAML loader is not used: it keeps neither the comments nor the blank lines
/// an example shows. Documents with nothing but comments and blank lines are dropped.
fn documents(path: &str, text: &str) -> Vec<Vec<String>> {
    let one_document = matches!(fence_lang(path), "sql" | "toml" | "json");
    let mut docs: Vec<Vec<String>> = vec![Vec::new()];
    for line in text.lines() {
        if !one_document && is_separator(line) {
            docs.push(Vec::new());
            continue;
        }
        if let Some(last) = docs.last_mut() {
            last.push(line.to_string());
        }
    }
    docs.retain(|d| {
        d.iter()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
    });
    docs
}

/// The text of an example: markers removed, leading and trailing blank lines dropped.
fn render_lines(lines: &[String]) -> String {
    let mut text: Vec<&str> = lines.iter().map(|l| strip_expect_marker(l)).collect();
    while text.first().is_some_and(|l| l.trim().is_empty()) {
        text.remove(0);
    }
    while text.last().is_some_and(|l| l.trim().is_empty()) {
        text.pop();
    }
    let mut s = text.join("\n");
    s.push('\n');
    s
}

fn join_documents(docs: &[Vec<String>]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            out.push("---".to_string());
        }
        out.extend(d.iter().cloned());
    }
    out
}

/// The unsuppressed findings of `rule` in `text`, read as a file named like the fixture.
fn finding_count(set: &PolicySet, rule: &Rule, path: &str, text: &str) -> usize {
    let name = format!("example.{}", path.rsplit('.').next().unwrap_or("yaml"));
    check_example(set, rule, name, text)
        .findings
        .iter()
        .filter(|f| f.rule.id == rule.id && !f.is_suppressed())
        .count()
}

/// The examples of a built-in rule, for its rule document: the smallest run of documents of
/// its first fail fixture that ends with the first document marked for the rule and is
/// reported (a whole-project rule may need the documents before it), and the shortest prefix
/// of its first pass fixture that is not reported (a document may need the ones after it,
/// such as a DestinationRule for the subsets a VirtualService routes to). Both are checked
/// here, so an example never claims what the rule does not do.
/// The fixture a rule's page shows (`fail` or pass): the first one in YAML, JSON, TOML or SQL,
/// whose suppression comment the example adds; a `.env`, `.properties`, server `.conf`/`.ini`
/// or `.hcl` one only when the
/// rule has no other (a `.properties` value runs to its line's end, comment and all), and
/// not one named as an example file (`*.example.yaml`), whose placeholders the secret rules
/// read otherwise.
fn example_fixture(fixtures: &[super::Fixture], fail: bool) -> Option<&super::Fixture> {
    use crate::input::classify::{FileKind, file_kind};
    let plain = |f: &&super::Fixture| {
        !matches!(
            file_kind(&f.path),
            FileKind::Env
                | FileKind::Properties
                | FileKind::Directives
                | FileKind::Nginx
                | FileKind::Hcl
        ) && !crate::source::secrets::example_file(&f.path)
    };
    // `name.fail.yaml` before its variants (`name.fail.maistra.yaml`): a variant sorted
    // first showed one operator's shape as the rule's example (session 36).
    let base = |f: &&super::Fixture| {
        std::path::Path::new(&f.path)
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.split('.').count() == 3)
    };
    let of_kind = || fixtures.iter().filter(move |f| f.fail == fail);
    of_kind()
        .find(|f| plain(f) && base(f))
        .or_else(|| of_kind().find(plain))
        .or_else(|| of_kind().next())
}

pub fn examples(set: &PolicySet, rule: &Rule) -> Examples {
    let fixtures = builtin_fixtures(rule);
    let mut ex = Examples::default();
    if let Some(fx) = example_fixture(&fixtures, true) {
        ex.lang = fence_lang(&fx.path);
        let docs = documents(&fx.path, &fx.text);
        let marked = docs
            .iter()
            .position(|d| d.iter().any(|l| expects(l, &rule.id)))
            .unwrap_or(0);
        let start = (0..=marked)
            .rev()
            .find(|&j| {
                docs.get(j..=marked).is_some_and(|group| {
                    finding_count(set, rule, &fx.path, &render_lines(&join_documents(group))) > 0
                })
            })
            .unwrap_or(0);
        let group = join_documents(docs.get(start..=marked).unwrap_or(&docs[..]));
        ex.fail = Some(render_lines(&group));
        if let Some(i) = group.iter().position(|l| expects(l, &rule.id)) {
            let comment = if ex.lang == "sql" { "--" } else { "#" };
            let mut lines = group.clone();
            let code = strip_expect_marker(&lines[i]).to_string();
            lines[i] = format!(
                "{code}  {comment} runeguard:ignore {} -- {EXAMPLE_REASON}",
                rule.id
            );
            ex.suppressed = Some(render_lines(&lines));
        }
    }
    if let Some(fx) = example_fixture(&fixtures, false) {
        let docs = documents(&fx.path, &fx.text);
        let end = (1..=docs.len())
            .find(|&k| {
                finding_count(
                    set,
                    rule,
                    &fx.path,
                    &render_lines(&join_documents(&docs[..k])),
                ) == 0
            })
            .unwrap_or(docs.len());
        ex.pass = Some(render_lines(&join_documents(
            docs.get(..end).unwrap_or(&docs[..]),
        )));
    }
    ex
}

/// Drops a fixture's `# expect: ID` / `-- expect: ID` marker from a line.
pub fn strip_expect_marker(line: &str) -> &str {
    for marker in EXPECT_MARKERS {
        if let Some(i) = line.find(marker) {
            return line[..i].trim_end();
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fx(path: &str, fail: bool) -> super::super::Fixture {
        super::super::Fixture {
            path: path.into(),
            text: String::new(),
            fail,
        }
    }

    /// A rule's page shows its base fixture (`name.fail.yaml`), not a variant that sorts
    /// before it (`name.fail.maistra.yaml` showed a Maistra control plane as IST-001's example).
    #[test]
    fn the_base_fixture_is_the_example_before_its_variants() {
        let fixtures = [
            fx("fixtures/istio/mtls.fail.maistra.yaml", true),
            fx("fixtures/istio/mtls.fail.yaml", true),
            fx("fixtures/istio/mtls.pass.maistra.yaml", false),
            fx("fixtures/istio/mtls.pass.yaml", false),
        ];
        let pick = |fail| example_fixture(&fixtures, fail).map(|f| f.path.as_str());
        assert_eq!(pick(true), Some("fixtures/istio/mtls.fail.yaml"));
        assert_eq!(pick(false), Some("fixtures/istio/mtls.pass.yaml"));
        let only_variants = [fx("fixtures/k8s/a.fail.keda.yaml", true)];
        assert_eq!(
            example_fixture(&only_variants, true).map(|f| f.path.as_str()),
            Some("fixtures/k8s/a.fail.keda.yaml")
        );
    }
}
