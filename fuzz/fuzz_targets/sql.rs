//! PostgreSQL DDL loader.
#![no_main]

use libfuzzer_sys::fuzz_target;
use runeguard::input::{SourceFile, postgres};
use runeguard_fuzz::check_loaded;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let file = SourceFile::new("fuzz.sql".to_string(), None, text);
    let loaded = postgres::load(&file);
    check_loaded(&file, &loaded);
});
