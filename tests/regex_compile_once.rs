//! The seventh fix in vendor/regorus (PATCHES.md): regorus looked a pattern up in its regex
//! cache under a lock, compiled it outside the lock, then stored it, so threads evaluating in
//! parallel (runeguard evaluates documents on every core) that met the same new pattern each
//! compiled it. The pattern is now compiled while the lock is held.
//!
//! Results were never wrong, only slower, so this test counts bytes allocated rather than
//! timing anything: threads released together on one new pattern allocate less than two
//! compilations' worth beyond what the same race allocates once the pattern is cached. The
//! yardstick (one compilation) is measured here too, so no figure is hard-coded. Before the
//! fix the test fails whenever two threads miss the cache together (three runs in four, with
//! eight threads on two cores).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

// SAFETY: defers to the system allocator; only counts the bytes asked for, on every thread.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract is passed on unchanged.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(new_size, Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A real pattern with a big automaton: the built-in credential rules' connection-string
/// password (`policies/settings/credentials.json`), case-insensitive with Unicode classes.
const PATTERN: &str = r#"(?i)(?:^|[;\s\"'?&])(?:password|pwd|passwd)\s*=\s*([^;\s\"'&]+)"#;
const THREADS: usize = 8;

/// Bytes allocated by `THREADS` threads each evaluating `regex.match(PATTERN, …)` once,
/// released together; their engines are made before the count starts.
fn race() -> usize {
    let engines: Vec<regorus::Engine> = (0..THREADS)
        .map(|_| {
            let mut e = regorus::Engine::new();
            e.add_policy(
                "t.rego".into(),
                format!(
                    "package t\nimport rego.v1\nm if regex.match(`{PATTERN}`, \"Server=db;Password=x1\")\n"
                ),
            )
            .expect("policy");
            e
        })
        .collect();
    let start = Arc::new(Barrier::new(THREADS + 1));
    let done = Arc::new(Barrier::new(THREADS + 1));
    let handles: Vec<_> = engines
        .into_iter()
        .map(|mut e| {
            let (start, done) = (start.clone(), done.clone());
            std::thread::spawn(move || {
                start.wait();
                let v = e.eval_rule("data.t.m".into()).expect("evaluates");
                assert_eq!(v, regorus::Value::from(true));
                done.wait();
                e
            })
        })
        .collect();
    let before = ALLOCATED.load(Ordering::SeqCst);
    start.wait();
    done.wait();
    let bytes = ALLOCATED.load(Ordering::SeqCst) - before;
    for h in handles {
        drop(h.join().expect("thread"));
    }
    bytes
}

#[test]
fn threads_meeting_a_new_pattern_compile_it_once() {
    let before = ALLOCATED.load(Ordering::SeqCst);
    let compiled = regex::RegexBuilder::new(PATTERN)
        .size_limit(100 * 1024)
        .build()
        .expect("pattern compiles");
    let one_compile = ALLOCATED.load(Ordering::SeqCst) - before;
    drop(compiled);

    let first = race(); // compiles the pattern into regorus' cache
    let cached = race(); // the same work with the pattern already compiled
    let compiling = first.saturating_sub(cached);
    eprintln!("one compilation: {one_compile} bytes; first race: {first}; cached race: {cached}");
    assert!(
        one_compile > 16 * 1024,
        "the yardstick is too small to tell anything ({one_compile} bytes): choose a pattern with a bigger automaton"
    );
    // Each thread that matches while another holds the pattern's matching cache makes its
    // own (tens of kB, kept for the cached race): less than a second compilation.
    assert!(
        compiling < one_compile * 2,
        "{THREADS} threads meeting a new pattern allocated {compiling} bytes beyond the cached \
         race, two compilations' worth ({one_compile} bytes each): they compile it each again \
         (vendor/regorus/PATCHES.md, fix 7)"
    );
}
