//! Unit tests of the catalogs and the summary.

use super::*;
use crate::rule::Framework;

#[test]
fn natural_order_of_control_ids() {
    let mut ids = vec![
        "AC-17", "AC-6(10)", "AC-6", "AC-6(5)", "AC-2", "CC6.10", "CC6.1", "PR.AA-05", "PR.AA-01",
    ];
    ids.sort_by(|a, b| natural_cmp(a, b));
    assert_eq!(
        ids,
        [
            "AC-2", "AC-6", "AC-6(5)", "AC-6(10)", "AC-17", "CC6.1", "CC6.10", "PR.AA-01",
            "PR.AA-05"
        ]
    );
}

#[test]
fn parses_a_generated_table() {
    let text = "# Generated; do not edit.\n# framework: nist-800-53\n# title: NIST SP 800-53 Revision 5\n# source: https://example.org/x\nid\toscal_id\ttitle\tfamily\tbaselines\tstatus\nAC-2\tac-2\tAccount Management\tAccess Control\tLMH\tactive\nAC-2(1)\tac-2.1\tAccount Management | Automated\tAccess Control\tMH\tactive\nAC-13\tac-13\tSupervision\tAccess Control\t\twithdrawn: incorporated into AC-2, AU-6\n";
    let c = parse_table("t.tsv", text).expect("parses");
    assert_eq!(c.framework, Framework::Nist80053);
    assert_eq!(c.controls.len(), 2);
    let e = c.get("AC-2(1)").expect("AC-2(1)");
    assert_eq!(e.oscal_id, Some("ac-2.1"));
    assert_eq!(e.baselines, [Profile::Moderate, Profile::High]);
    assert_eq!(e.group, Some(("AC", "Access Control")));
    assert!(c.get("AC-13").is_none());
    assert_eq!(
        c.withdrawn("AC-13").map(|w| w.note),
        Some("incorporated into AC-2, AU-6")
    );
    let err = parse_table(
        "t.tsv",
        "# framework: nist-800-53\nid\ttitle\tstatus\nAC-1\tx\n",
    )
    .expect_err("a short row");
    assert!(err.starts_with("t.tsv:3: "), "{err}");
    assert!(
        parse_table("t.tsv", "id\ttitle\tstatus\n").is_err(),
        "no framework line"
    );
}

#[test]
fn baseline_coverage_counts_checked_and_not_checked() {
    let table = "# framework: nist-800-53\nid\ttitle\tfamily\tbaselines\tstatus\nAC-1\tPolicy\tAccess Control\tLMH\tactive\nAC-2\tAccounts\tAccess Control\tLMH\tactive\nAC-6\tLeast Privilege\tAccess Control\tMH\tactive\nSC-8\tTransmission\tSystem and Communications Protection\tMH\tactive\n";
    let catalog = parse_table("t.tsv", table).expect("parses");
    let status = |id: &str, status| ControlStatus {
        id: id.into(),
        title: None,
        status,
        rules: vec!["K8S-001".into()],
        findings: 0,
        suppressed: 0,
    };
    let nist = FrameworkSummary {
        framework: Framework::Nist80053,
        title: "x".into(),
        catalog_controls: Some(4),
        covered: 2,
        failing: 1,
        passing: 1,
        not_covered: Some(2),
        uncataloged: Vec::new(),
        controls: vec![
            status("AC-6", ControlState::Failing),
            status("SC-8", ControlState::Passing),
        ],
    };
    let low = BaselineCoverage::compute(Profile::Low, Some(&nist), &catalog);
    assert_eq!((low.controls, low.checked, low.not_checked), (2, 0, 2));
    assert_eq!(low.outside_baseline, ["AC-6", "SC-8"]);
    let moderate = BaselineCoverage::compute(Profile::Moderate, Some(&nist), &catalog);
    assert_eq!(
        (
            moderate.controls,
            moderate.failing,
            moderate.passing,
            moderate.not_checked
        ),
        (4, 1, 1, 2)
    );
    assert_eq!(moderate.not_checked_controls, ["AC-1", "AC-2"]);
    assert!(moderate.outside_baseline.is_empty());
    assert_eq!(Profile::parse("moderate"), Ok(Profile::Moderate));
    assert!(Profile::parse("nist-800-53-extreme").is_err());
}

#[test]
fn the_embedded_nist_tables_load() {
    let c = &catalogs()[&Framework::Nist80053];
    assert_eq!(c.controls.len(), 1007);
    assert_eq!(c.withdrawn.len(), 182);
    for (p, n) in [
        (Profile::Low, 149),
        (Profile::Moderate, 287),
        (Profile::High, 370),
    ] {
        assert_eq!(
            c.controls
                .iter()
                .filter(|x| x.baselines.contains(&p))
                .count(),
            n,
            "{p:?}"
        );
    }
    let csf = &catalogs()[&Framework::NistCsf2];
    assert_eq!((csf.controls.len(), csf.withdrawn.len()), (106, 79));
}

/// A hand-written table: id, title and status only, its header comments in paragraphs
/// (a bare `#` line is a comment, not the header row).
#[test]
fn parses_a_hand_written_table() {
    let text = "# framework: zero-trust\n# title: Zero trust\n# Tenets: numbered by us.\n#\n# One row a tenet.\nid\ttitle\tstatus\nZT-1\tAll data sources are resources\tactive\n";
    let c = parse_table("zt.tsv", text).expect("parses");
    assert_eq!(c.framework, Framework::ZeroTrust);
    assert_eq!(c.title, "Zero trust");
    assert_eq!(c.controls.len(), 1);
    assert_eq!(
        c.get("ZT-1").map(|c| c.title),
        Some("All data sources are resources")
    );
    assert!(parse_table("x.tsv", "# framework: nope\nid\ttitle\tstatus\n").is_err());
}

/// Columns are found by name wherever they stand (the first of a repeated name), and a
/// table's rows read the same whatever the column order.
#[test]
fn table_columns_are_found_by_name() {
    let a = "# framework: nist-800-53\nid\toscal_id\ttitle\tfamily\tbaselines\tstatus\nAC-2\tac-2\tAccount Management\tAccess Control\tLMH\tactive\nAC-13\tac-13\tSupervision\tAccess Control\t\twithdrawn: into AC-2\n";
    let b = "# framework: nist-800-53\nstatus\tbaselines\ttitle\tid\tfamily\toscal_id\ttitle\nactive\tLMH\tAccount Management\tAC-2\tAccess Control\tac-2\tignored\nwithdrawn: into AC-2\t\tSupervision\tAC-13\tAccess Control\tac-13\tignored\n";
    let (a, b) = (
        parse_table("a.tsv", a).expect("a"),
        parse_table("b.tsv", b).expect("b"),
    );
    assert_eq!(a, b);
    assert_eq!(a.controls[0].title, "Account Management");
    assert_eq!(a.withdrawn[0].note, "into AC-2");
}

/// Every framework has an embedded catalog that loads: [`catalogs`] leaves out one that does
/// not, and its controls would lose their titles without an error.
#[test]
fn every_framework_catalog_loads() {
    for framework in Framework::ALL {
        let catalog = load_catalog(framework)
            .unwrap_or_else(|e| panic!("{framework:?}: {e}"))
            .unwrap_or_else(|| panic!("{framework:?}: no embedded catalog"));
        assert!(!catalog.controls.is_empty(), "{framework:?}");
        assert_eq!(catalog.framework, framework);
    }
}

/// The catalogs `build.rs` wrote as static data are the embedded tables as read at run time.
#[test]
fn the_built_catalogs_are_the_tables_read() {
    for framework in Framework::ALL {
        let path = crate::compliance::table_path(framework);
        let text = crate::embedded::get(&path).expect("embedded table");
        let read = parse_table(&path, text).expect("reads");
        assert_eq!(catalogs()[&framework], read, "{path}");
    }
}

/// A table's baseline letters name the baselines in `Profile::ALL`'s order, whatever theirs.
#[test]
fn baseline_letters_name_their_profiles() {
    assert_eq!(Profile::of_letters(""), &[] as &[Profile]);
    assert_eq!(Profile::of_letters("H"), &[Profile::High]);
    assert_eq!(
        Profile::of_letters("HLM"),
        &[Profile::Low, Profile::Moderate, Profile::High]
    );
    assert_eq!(
        Profile::of_letters("MH"),
        &[Profile::Moderate, Profile::High]
    );
}
