//! Service configuration: TOML, and JSON (read by the YAML loader with the JSON schema).
#![no_main]

use libfuzzer_sys::fuzz_target;
use runeguard::input::{SourceFile, classify, config};
use runeguard_fuzz::check_loaded;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let toml = SourceFile::new("fuzz.toml".to_string(), None, text.clone());
    check_loaded(&toml, &config::load_toml(&toml));
    let json = SourceFile::new("fuzz.json".to_string(), None, text);
    check_loaded(&json, &classify::load(&json, true));
});
