//! Runs one entry point of one Rego file on one input in regorus' interpreter and in its VM,
//! and prints both results (a debugging aid for differences between the two backends):
//!
//! `cargo run --release --example rvm_compare -- policy.rego input.json data.pkg.deny`
//!
//! With `LISTING=1` it also prints the VM program's assembly.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, policy, input, entry] = args.as_slice() else {
        eprintln!("usage: rvm_compare POLICY.rego INPUT.json ENTRYPOINT");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(policy).expect("policy readable");
    let input = std::fs::read_to_string(input).expect("input readable");
    let input = regorus::Value::from_json_str(&input).expect("input is JSON");
    let show = |r: anyhow::Result<regorus::Value>| match r {
        Ok(v) => v.to_json_str().unwrap_or_default(),
        Err(e) => format!("error: {e}"),
    };
    let mut engine = regorus::Engine::new();
    engine
        .add_policy(policy.clone(), text)
        .expect("policy parses");
    engine.set_input(input.clone());
    println!("interpreter: {}", show(engine.eval_rule(entry.clone())));
    let compiled = engine
        .compile_with_entrypoint(&entry.as_str().into())
        .expect("policy compiles");
    match regorus::languages::rego::compiler::Compiler::compile_from_policy(&compiled, &[entry]) {
        Ok(program) => {
            if std::env::var("LISTING").is_ok() {
                let config = regorus::rvm::program::AssemblyListingConfig::default();
                println!(
                    "{}",
                    regorus::rvm::program::generate_assembly_listing(&program, &config)
                );
            }
            let mut vm = regorus::rvm::vm::RegoVM::new();
            vm.load_program(program);
            vm.set_max_instructions(usize::MAX);
            vm.set_input(input);
            println!(
                "vm:          {}",
                show(vm.execute().map_err(anyhow::Error::from))
            );
        }
        Err(e) => println!("vm:          not compiled: {e}"),
    }
}
