//! The path -> span resolver: arbitrary paths (as Rego rules may build them) on parsed documents.
//! Input: YAML text, a NUL byte, then path segments separated by `/` (`#n` is an index).
#![no_main]

use libfuzzer_sys::fuzz_target;
use runeguard::input::SourceFile;
use runeguard::input::classify::load_yaml;
use runeguard::input::span::PathSeg;
use runeguard::input::yaml::Schema;
use runeguard_fuzz::check_span;

fuzz_target!(|data: &[u8]| {
    let (yaml, paths) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b""[..]),
    };
    let file = SourceFile::new(
        "fuzz.yaml".to_string(),
        None,
        String::from_utf8_lossy(yaml).into_owned(),
    );
    let mut loaded = load_yaml(&file, Schema::Kubernetes);
    let paths = String::from_utf8_lossy(paths);
    for line in paths.split('\n') {
        let path: Vec<PathSeg> = line
            .split('/')
            .filter(|s| !s.is_empty())
            .map(
                |s| match s.strip_prefix('#').and_then(|n| n.parse::<usize>().ok()) {
                    Some(i) => PathSeg::Index(i),
                    None => PathSeg::Key(s.to_string()),
                },
            )
            .collect();
        for doc in &mut loaded.documents {
            let r = doc.spans.resolve(&path);
            check_span(&doc.file.text, r.span, "resolved span");
            if r.exact {
                assert!(
                    doc.spans.get(&path).is_some(),
                    "resolve says exact but get finds nothing: {path:?}"
                );
            }
            if let Some(t) = doc.spans.get(&path) {
                check_span(&doc.file.text, t.span, "subtree span");
            }
            if let Some(t) = doc.spans.take(&path) {
                check_span(&doc.file.text, t.span, "taken span");
            }
        }
    }
});
