use super::*;
use crate::source::span::LineIndex;
use serde_json::{Value, json};

fn load(text: &str, schema: Schema) -> (Vec<Value>, Option<YamlError>) {
    let lines = LineIndex::new(text);
    let (docs, err) = parse_stream(text, &lines);
    let values = docs
        .iter()
        .map(|d| resolve(&d.root, schema, text, &lines).unwrap().0)
        .collect();
    (values, err)
}

#[test]
fn kubernetes_reads_yaml_1_1_scalars() {
    let (v, _) = load(
        "a: yes\nb: off\nc: 0644\nd: 1_000\ne: '0644'\nf: 0x1F\ng: 1.5\nh: y\n",
        Schema::Kubernetes,
    );
    assert_eq!(
        v[0],
        json!({"a": true, "b": false, "c": 420, "d": 1000, "e": "0644", "f": 31, "g": 1.5, "h": true})
    );
    // go-yaml v2.4 (Helm's values, kubectl) reads YAML 1.2's octal too; measured with helm.
    let (v, _) = load(
        "a: 0o17\nb: -0o17\nc: +0o1_7\nd: 0o\ne: 0o18\n",
        Schema::Kubernetes,
    );
    assert_eq!(
        v[0],
        json!({"a": 15, "b": -15, "c": 15, "d": "0o", "e": "0o18"})
    );
    // A scalar that starts with `.` keeps its underscores for Go's ParseFloat, which takes one
    // only between digits; one that starts with a digit or a sign loses them first. Measured
    // with helm template (`._0` as a key found by to_yaml_round_trips).
    let (v, _) = load(
        "a: ._5\nb: .5_\nc: .5_0\nd: -._5\ne: 1_0.5\nf: ._\n._0: x\n",
        Schema::Kubernetes,
    );
    assert_eq!(
        v[0],
        json!({"a": "._5", "b": ".5_", "c": 0.5, "d": -0.5, "e": 10.5, "f": "._", "._0": "x"})
    );
}

#[test]
fn a_block_scalar_at_the_end_of_a_text_without_a_final_break_has_none() {
    let (v, _) = load("a: |\n  x\n  y", Schema::Core);
    assert_eq!(v[0], json!({"a": "x\ny"}));
    let (v, _) = load("a: |\n  x\n  y\n", Schema::Core);
    assert_eq!(v[0], json!({"a": "x\ny\n"}));
    let (v, _) = load("a: |+\n  x\n", Schema::Core);
    assert_eq!(v[0], json!({"a": "x\n"}));
    let (v, _) = load("a: >\n  x\n  y\nb: 1", Schema::Core);
    assert_eq!(v[0], json!({"a": "x y\n", "b": 1}));
}

#[test]
fn core_schema_keeps_yes_as_string() {
    let (v, _) = load("a: yes\nb: 0644\nc: 0o10\nd: true\n", Schema::Core);
    assert_eq!(v[0], json!({"a": "yes", "b": 644, "c": 8, "d": true}));
}

/// Configuration keeps an application's tag in front of the text it tags (CloudFormation's
/// `!Ref`, Home Assistant's `!secret`): the value is not the plain string. YAML's own tags
/// resolve as before, and manifests keep the text alone.
#[test]
fn an_application_tag_stays_in_front_of_its_text_in_configuration() {
    let text = "a: !Ref DBPassword\nb: !!str 1\nc: !secret db\nd: !<tag:x> v\ne: !Sub 'x-${A}'\n";
    let (v, _) = load(text, Schema::Core);
    assert_eq!(
        v[0],
        json!({"a": "!Ref DBPassword", "b": "1", "c": "!secret db", "d": "v", "e": "!Sub x-${A}"})
    );
    let (v, _) = load(text, Schema::Kubernetes);
    assert_eq!(v[0]["a"], json!("DBPassword"));
}

#[test]
fn merge_keys_and_aliases() {
    let text = "base: &b {x: 1, y: 2}\nobj:\n  <<: *b\n  y: 3\n";
    let (v, _) = load(text, Schema::Core);
    assert_eq!(v[0]["obj"], json!({"y": 3, "x": 1}));
}

#[test]
fn alias_bomb_is_bounded() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let prev = format!("*a{}", i - 1);
        text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
    }
    let lines = LineIndex::new(&text);
    let (docs, _) = parse_stream(&text, &lines);
    assert!(resolve(&docs[0].root, Schema::Core, &text, &lines).is_err());
}

#[test]
fn spans_point_at_entries() {
    let text = "a:\n  b: 1\n  c:\n    - x\n";
    let lines = LineIndex::new(text);
    let (docs, _) = parse_stream(text, &lines);
    let (_, tree, _) = resolve(&docs[0].root, Schema::Core, text, &lines).unwrap();
    let b = tree
        .get(&[
            crate::source::span::PathSeg::Key("a".into()),
            crate::source::span::PathSeg::Key("b".into()),
        ])
        .unwrap();
    let (start, end) = (
        lines.pos_at_offset(text, b.focus.start as usize),
        lines.pos_at_offset(text, b.focus.end as usize),
    );
    assert_eq!((start.line, start.column, end.column), (2, 3, 7));
    let c = tree
        .get(&[
            crate::source::span::PathSeg::Key("a".into()),
            crate::source::span::PathSeg::Key("c".into()),
        ])
        .unwrap();
    let line = |o: u32| lines.line_of(o as usize);
    assert_eq!((line(c.focus.start), line(c.focus.end)), (3, 3));
}

#[test]
fn non_ascii_positions_are_exact_in_both_directions() {
    // Markers are character indexes; offsets must be bytes, also when the parser reports an
    // earlier marker after a later one (a mapping's start after its first key).
    let text = "é: {ü: [ß, 1], ñ: x}\nb: ö\n";
    let lines = LineIndex::new(text);
    let (docs, _) = parse_stream(text, &lines);
    let (_, tree, _) = resolve(&docs[0].root, Schema::Core, text, &lines).unwrap();
    let k = |s: &str| crate::source::span::PathSeg::Key(s.into());
    let n = tree.get(&[k("é"), k("ñ")]).unwrap();
    assert_eq!(&text[n.focus.range()], "ñ: x");
    let at = lines.pos_at_offset(text, n.focus.start as usize);
    assert_eq!((at.line, at.column), (1, 16));
    let b = tree.get(&[k("b")]).unwrap();
    assert_eq!(&text[b.focus.range()], "b: ö");
}

/// The text of the focus span at `path`, its line, and whether the path was found exactly.
fn focus_at(text: &str, schema: Schema, path: &[&str]) -> (String, u32, bool) {
    use crate::source::span::PathSeg;
    let lines = LineIndex::new(text);
    let (docs, _) = parse_stream(text, &lines);
    let (_, tree, _) = resolve(&docs[0].root, schema, text, &lines).unwrap();
    let path: Vec<PathSeg> = path
        .iter()
        .map(|p| match p.parse::<usize>() {
            Ok(i) => PathSeg::Index(i),
            Err(_) => PathSeg::Key(p.to_string()),
        })
        .collect();
    let r = tree.resolve(&path);
    (
        text[r.span.range()].to_string(),
        lines.line_of(r.span.start as usize),
        r.exact,
    )
}

#[test]
fn nodes_inside_an_anchor_definition_have_their_own_spans() {
    let text = "c:
  securityContext: &hardened
    capabilities:
      add: [NET_ADMIN]
    privileged: true
d:
  securityContext: *hardened
";
    for schema in [Schema::Kubernetes, Schema::Core] {
        assert_eq!(
            focus_at(
                text,
                schema,
                &["c", "securityContext", "capabilities", "add", "0"]
            ),
            ("NET_ADMIN".to_string(), 4, true)
        );
        assert_eq!(
            focus_at(text, schema, &["c", "securityContext", "privileged"]),
            ("privileged: true".to_string(), 5, true)
        );
        // Through the alias: at the alias site, exactly.
        assert_eq!(
            focus_at(text, schema, &["d", "securityContext", "privileged"]),
            ("*hardened".to_string(), 7, true)
        );
    }
}

#[test]
fn anchored_sequences_scalars_and_nested_anchors_are_exact() {
    let text = "env: &env
  - name: A
    value: &v one
  - name: B
    value: two
outer: &o
  inner: &i
    leaf: x
other: *i
";
    for schema in [Schema::Kubernetes, Schema::Core] {
        assert_eq!(
            focus_at(text, schema, &["env", "1", "value"]),
            ("value: two".to_string(), 5, true)
        );
        assert_eq!(
            focus_at(text, schema, &["env", "0", "value"]),
            ("value: &v one".to_string(), 3, true)
        );
        assert_eq!(
            focus_at(text, schema, &["outer", "inner", "leaf"]),
            ("leaf: x".to_string(), 8, true)
        );
        assert_eq!(
            focus_at(text, schema, &["other", "leaf"]),
            ("*i".to_string(), 9, true)
        );
    }
}

#[test]
fn merge_keys_from_an_anchor_keep_the_anchor_exact() {
    let text = "base: &b
  x: 1
  y: 2
obj:
  <<: *b
  y: 3
";
    for schema in [Schema::Kubernetes, Schema::Core] {
        assert_eq!(
            focus_at(text, schema, &["base", "y"]),
            ("y: 2".to_string(), 3, true)
        );
        assert_eq!(
            focus_at(text, schema, &["obj", "x"]),
            ("<<: *b".to_string(), 5, true)
        );
        assert_eq!(
            focus_at(text, schema, &["obj", "y"]),
            ("y: 3".to_string(), 6, true)
        );
    }
}

#[test]
fn duplicate_keys_are_reported() {
    let text = "a: 1\na: 2\n";
    let lines = LineIndex::new(text);
    let (docs, _) = parse_stream(text, &lines);
    let (v, _, issues) = resolve(&docs[0].root, Schema::Core, text, &lines).unwrap();
    assert_eq!(v, json!({"a": 2}));
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].pos.line, 2);
}

/// go-yaml's folded writer and reader, as `kubectl kustomize` leaves a `>` scalar
/// (measured with Kustomize v5.8).
#[test]
fn folded_scalars_read_as_kustomize_leaves_them() {
    use super::tree::go_yaml_folded_round_trip as rt;
    assert_eq!(rt("x\n  y\nz\n"), "x\n\n  y\nz\n");
    assert_eq!(rt("x\n\n  y\n\nz\n"), "x\n\n\n  y\n\nz\n");
    assert_eq!(rt("x\n\ttab\nz\n"), "x\n\n\ttab\nz\n");
    assert_eq!(rt("x\n\n"), "x\n\n\n");
    assert_eq!(rt("x y\nz\n"), "x y\nz\n");
    assert_eq!(rt("\nx\n"), "\nx\n");
    assert_eq!(rt("x  \n  y\n"), "x  \n  y\n");
    assert_eq!(rt("  lead\nx\n  y\n"), "  lead\nx\n  y\n");
    assert_eq!(rt("x\n y\n"), "x\n\n y\n");
    assert_eq!(rt("x\n\n  y"), "x\n\n\n  y");
}

/// What a replacement copies from a `>` scalar: the text before the folded writer's round trip.
#[test]
fn the_folded_round_trip_is_undone() {
    use super::tree::{go_yaml_folded_round_trip as rt, undo_go_yaml_folded_round_trip as undo};
    for s in [
        "x\n  y\nz\n",
        "x\n\n  y\n\nz\n",
        "x\n\ttab\nz\n",
        "x\n\n",
        "x\n",
        "x\n\n\n",
        "x y\nz\n",
        "\nx\n",
        "x  \n  y\n",
        "  lead\nx\n  y\n",
        "x\n y\n",
        "x\n\n  y",
        "a\n  b\n    c\nd\n\n\n  e\n\n",
        "",
        "one line",
    ] {
        assert_eq!(undo(&rt(s)), s, "{s:?} -> {:?}", rt(s));
    }
}

proptest::proptest! {
    /// Undoing the folded writer's round trip gives back every string it was applied to.
    #[test]
    fn undoing_the_folded_round_trip_gives_the_string_back(s in "[ab \t\n]{0,24}") {
        use super::tree::{go_yaml_folded_round_trip as rt, undo_go_yaml_folded_round_trip as undo};
        proptest::prop_assert_eq!(undo(&rt(&s)), s);
    }
}

/// wild18: a key whose value is a flow collection (`limits: {memory: 32Mi}`,
/// `verbs: ["*"]`) was underlined up to its last item, without the closing bracket.
#[test]
fn a_flow_collection_span_ends_at_its_closing_bracket() {
    let text = "limits: {memory: 32Mi}
verbs: [ \"get\" , \"list\" ]  # read only
labels: {app: a,
  version: v1 }
nested: [[a, b], {c: d}]
empty: []
block:
  - x
rules:
  - {} # allow all
  - [ ]  # none
";
    for schema in [Schema::Kubernetes, Schema::Core] {
        assert_eq!(
            focus_at(text, schema, &["limits"]),
            ("limits: {memory: 32Mi}".to_string(), 1, true)
        );
        assert_eq!(
            focus_at(text, schema, &["verbs"]),
            ("verbs: [ \"get\" , \"list\" ]".to_string(), 2, true)
        );
        assert_eq!(focus_at(text, schema, &["labels"]).0, "labels: {app: a,");
        assert_eq!(
            focus_at(text, schema, &["nested"]),
            ("nested: [[a, b], {c: d}]".to_string(), 5, true)
        );
        assert_eq!(
            focus_at(text, schema, &["nested", "0"]),
            ("[a, b]".to_string(), 5, true)
        );
        assert_eq!(
            focus_at(text, schema, &["nested", "1"]),
            ("{c: d}".to_string(), 5, true)
        );
        assert_eq!(
            focus_at(text, schema, &["empty"]),
            ("empty: []".to_string(), 6, true)
        );
        assert_eq!(focus_at(text, schema, &["block"]).0, "block:");
        // An empty flow collection ends at its bracket, not after the comment that follows.
        assert_eq!(
            focus_at(text, schema, &["rules", "0"]),
            ("{}".to_string(), 10, true)
        );
        assert_eq!(
            focus_at(text, schema, &["rules", "1"]),
            ("[ ]".to_string(), 11, true)
        );
    }
}

#[test]
fn a_quoted_scalar_span_ends_at_its_closing_quote() {
    // saphyr ends a quoted scalar after the blanks (and a comment) that follow its closing
    // quote, so a finding on `"*"` in `[ "*" ]` or on `image: "x"  # note` was underlined
    // to the bracket or to the end of the comment.
    let text = "verbs: [ \"*\" ]
resources: [ '*'   , \"pods\"\t]
image: \"nginx:latest\"   # pinned later, \"soon\"
block:
  - \"a \\\" b\"   # quoted
  - 'it''s'  # escaped
multi: \"one
  two\"  # wraps
";
    for schema in [Schema::Kubernetes, Schema::Core] {
        assert_eq!(focus_at(text, schema, &["verbs", "0"]).0, "\"*\"");
        assert_eq!(focus_at(text, schema, &["resources", "0"]).0, "'*'");
        assert_eq!(focus_at(text, schema, &["resources", "1"]).0, "\"pods\"");
        assert_eq!(
            focus_at(text, schema, &["image"]).0,
            "image: \"nginx:latest\""
        );
        assert_eq!(focus_at(text, schema, &["block", "0"]).0, "\"a \\\" b\"");
        assert_eq!(focus_at(text, schema, &["block", "1"]).0, "'it''s'");
        assert_eq!(focus_at(text, schema, &["multi"]).0, "multi: \"one");
    }
}
