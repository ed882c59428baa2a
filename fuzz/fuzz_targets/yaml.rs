//! YAML loader: the whole classify + resolve pipeline, and the raw parser with each schema.
#![no_main]

use libfuzzer_sys::fuzz_target;
use runeguard::input::SourceFile;
use runeguard::input::classify::load_yaml;
use runeguard::input::yaml::{Schema, parse_stream, resolve};
use runeguard_fuzz::{check_loaded, check_tree};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let file = SourceFile::new("fuzz.yaml".to_string(), None, text);
    let loaded = load_yaml(&file, Schema::Core);
    check_loaded(&file, &loaded);

    let (docs, _err) = parse_stream(&file.text, &file.lines);
    for doc in &docs {
        for schema in [Schema::Kubernetes, Schema::Core, Schema::Json] {
            if let Ok((_value, tree, _issues)) = resolve(&doc.root, schema, &file.text, &file.lines)
            {
                check_tree(&file.text, &tree, 0);
            }
        }
    }
});
