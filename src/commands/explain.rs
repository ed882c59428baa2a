//! `runeguard explain RULE`: one rule's page on the terminal.

use super::settings::Settings;
use super::{Exit, Fatal, compiled_policies, write_out};
use crate::cli::ExplainArgs;

pub fn explain(args: ExplainArgs) -> Result<Exit, Fatal> {
    let settings = Settings::load(args.policy.config.as_deref())?;
    let set = compiled_policies(settings.policies(&args.policy));
    let rule = set
        .rules
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(&args.rule) || r.name == args.rule)
        .ok_or_else(|| {
            Fatal(format!(
                "no rule {:?}; `runeguard rules` lists them",
                args.rule
            ))
        })?;
    let doc = crate::report::rule_doc::RuleDoc::new(rule, crate::compliance::catalogs())
        .with_examples(crate::testing::examples(&set, rule));
    write_out(None, &crate::catalog::explain(&doc))?;
    Ok(Exit::Ok)
}
