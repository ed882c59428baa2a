use super::*;

pub(super) fn load_str(text: &str) -> Loaded {
    let file = SourceFile::new("t.sql".into(), None, text.to_string());
    load(&file)
}

#[test]
fn smoke() {
    let l = load_str("CREATE TABLE t (id int PRIMARY KEY);");
    assert_eq!(l.documents.len(), 1);
}

/// `RUNEGUARD_SQL_DUMP=file.sql cargo test --lib dump_model -- --ignored --nocapture`
#[test]
#[ignore]
fn dump_model() {
    let Ok(path) = std::env::var("RUNEGUARD_SQL_DUMP") else {
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let file = SourceFile::new(path, None, text);
    let (l, stats) = load_with_stats(&file);
    for p in &l.problems {
        println!("{p}");
    }
    println!("{stats:?}");
    for d in &l.documents {
        println!(
            "{}",
            serde_json::to_string_pretty(&d.value).unwrap_or_default()
        );
    }
}
