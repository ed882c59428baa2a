//! The fourth fix in vendor/regorus (PATCHES.md): regorus' regex cache handed out clones of
//! `regex::Regex`, and a clone starts with an empty pool of matching caches, so every
//! `regex.match` built its matching cache (lazy DFA, PikeVM state) from scratch. The cache
//! now hands out `Arc<Regex>`, whose matching cache is reused.
//!
//! Results were never wrong, only slow, so this test counts what a call allocates rather than
//! timing it: with the fix, a repeated `regex.match` allocates far less than building one
//! matching cache for the pattern, which each call did before. The measure is the calling
//! thread's own allocations (the test harness runs other threads), and the yardstick is
//! measured here too (a fresh clone's first match), so no figure is hard-coded.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ALLOCATED: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: defers to the system allocator; only counts the bytes asked for on this thread.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATED.try_with(|n| n.set(n.get() + layout.size()));
        // SAFETY: the caller's contract is passed on unchanged.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATED.try_with(|n| n.set(n.get() + new_size));
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes this thread allocated while running `f`.
fn allocated_by(f: impl FnOnce()) -> usize {
    let before = ALLOCATED.with(Cell::get);
    f();
    ALLOCATED.with(Cell::get) - before
}

/// A real pattern: the built-in configuration rules' secret key names
/// (`policies/settings/config.json`, `secret_key_pattern`).
const PATTERN: &str = r"(^|_)(password|passwd|passphrase|secret|client_secret|secret_key|secret_access_key|token|access_token|refresh_token|auth_token|bearer_token|api_token|api_key|apikey|private_key|credential|credentials|auth_key|signing_key|encryption_key|master_key)$|[a-z0-9]_pwd$";
const SUBJECT: &str = "database_master_password";

#[test]
fn regex_match_reuses_its_matching_cache() {
    // The yardstick: what one match costs on a fresh clone of a compiled Regex, as each
    // `regex.match` did before the fix.
    let compiled = regex::Regex::new(PATTERN).expect("pattern compiles");
    assert!(compiled.is_match(SUBJECT));
    let fresh_cache = allocated_by(|| {
        let clone = compiled.clone();
        assert!(clone.is_match(SUBJECT));
    });

    // One evaluation matches many strings, so that the interpreter's own allocations are
    // shared out and what is left per match is the matching itself.
    let mut engine = regorus::Engine::new();
    engine
        .add_policy(
            "t.rego".into(),
            format!(
                "package t\nimport rego.v1\nmatches := count([x | some x in input.xs; regex.match(`{PATTERN}`, x)])\n"
            ),
        )
        .expect("policy");
    let n = 100;
    let xs: Vec<String> = (0..n).map(|i| format!("db{i}_{SUBJECT}")).collect();
    engine.set_input(regorus::Value::from(serde_json::json!({ "xs": xs })));
    let mut eval = || {
        let v = engine
            .eval_rule("data.t.matches".into())
            .expect("evaluates");
        assert_eq!(v, regorus::Value::from(n));
    };
    // Warm up: the first call compiles the pattern into the cache and builds the matching
    // cache once.
    eval();
    eval();
    let per_match = allocated_by(eval) / n;
    eprintln!(
        "a fresh matching cache: {fresh_cache} bytes; one regex.match in an evaluation: {per_match} bytes"
    );
    assert!(
        fresh_cache > 4096,
        "the yardstick is too small to tell anything ({fresh_cache} bytes): choose a pattern with a bigger automaton"
    );
    assert!(
        per_match * 4 < fresh_cache,
        "each regex.match allocates {per_match} bytes, about what building a matching cache costs \
         ({fresh_cache} bytes): the cache hands out Regex clones again (vendor/regorus/PATCHES.md, fix 4)"
    );
}
