//! Measures the SQL front ends on a folder of `.sql` files (docs/sql-model.md, "Choosing the
//! parser"): splits every file the way runeguard does, then parses each statement with
//! sqlparser 0.64 (PostgreSQL dialect) and with squawk 2.68, and times both.
//!
//!   cargo run --release --example sql_frontends -- DIR [statements.jsonl]
//!
//! Prints one line per parser (statements accepted, MB/s, statements/s). With a second argument,
//! writes one JSON object per statement (`file`, `line`, `sqlparser`, `squawk`, `text`) for
//! `scripts/sql-frontends.py`, which labels them with PostgreSQL's own parser.
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use std::io::Write;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = args.next().unwrap_or_else(|| "../shared/corpus/sql".into());
    let out = args.next();
    let mut files = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(&root)];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "sql") {
                files.push(p);
            }
        }
    }
    files.sort();
    // (file, line, text)
    let mut stmts: Vec<(String, usize, String)> = Vec::new();
    let mut bytes = 0usize;
    for p in &files {
        let Ok(text) = std::fs::read_to_string(p) else {
            continue;
        };
        for (a, b) in runeguard::input::postgres::statement_ranges(&text) {
            let line = text[..a].matches('\n').count() + 1;
            bytes += b - a;
            stmts.push((p.display().to_string(), line, text[a..b].to_string()));
        }
    }
    let dialect = PostgreSqlDialect {};
    let sqlparser_ok = |s: &str| {
        Parser::new(&dialect)
            .try_with_sql(s)
            .and_then(|mut p| p.parse_statements())
            .is_ok()
    };
    let squawk_ok = |s: &str| squawk_syntax::SourceFile::parse(s).errors().is_empty();
    let time = |name: &str, f: &dyn Fn(&str) -> bool| -> Vec<bool> {
        let mut best = f64::MAX;
        let mut verdicts = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            verdicts = stmts.iter().map(|(_, _, s)| f(s)).collect();
            best = best.min(t.elapsed().as_secs_f64());
        }
        let ok = verdicts.iter().filter(|v| **v).count();
        println!(
            "{name:<28} accepted {ok:>6} of {:>6}  {:6.2} MB/s  {:8.0} statements/s",
            stmts.len(),
            bytes as f64 / 1e6 / best,
            stmts.len() as f64 / best
        );
        verdicts
    };
    println!(
        "{} files, {} statements, {bytes} bytes of statements",
        files.len(),
        stmts.len()
    );
    let a = time("sqlparser 0.64", &sqlparser_ok);
    let b = time("squawk 2.68 (with validation)", &squawk_ok);
    time("squawk 2.68 (tree only)", &|s: &str| {
        squawk_syntax::SourceFile::parse(s).tree().stmts().count() > 0
    });
    if let Some(out) = out {
        let mut w = std::io::BufWriter::new(std::fs::File::create(out).expect("output file"));
        for (i, (file, line, text)) in stmts.iter().enumerate() {
            let v = serde_json::json!({"file": file, "line": line, "sqlparser": a[i], "squawk": b[i], "text": text});
            writeln!(w, "{v}").expect("write");
        }
    }
}
