//! `runeguard rules`: the rule catalog (table, markdown, JSON, CSV or OSCAL), filtered by
//! framework and input type.

use super::settings::{Settings, report_time};
use super::{Exit, Fatal, compiled_policies, write_out};
use crate::cli::{CatalogFormat, RulesArgs};
use crate::rule::{Framework, Rule};
use std::sync::Arc;

pub fn rules(args: RulesArgs) -> Result<Exit, Fatal> {
    let settings = Settings::load(args.policy.config.as_deref())?;
    let set = compiled_policies(settings.policies(&args.policy));
    let framework = match &args.framework {
        Some(f) => {
            Some(Framework::parse(f).ok_or_else(|| Fatal(format!("unknown framework {f:?}")))?)
        }
        None => None,
    };
    let input = match &args.input_type {
        Some(t) => Some(crate::input::InputType::parse(t).ok_or_else(|| {
            Fatal(format!(
                "unknown input type {t:?} (expected kubernetes, postgres or config)"
            ))
        })?),
        None => None,
    };
    let selected: Vec<&Arc<Rule>> = set
        .rules
        .iter()
        .filter(|r| framework.is_none_or(|f| r.controls.get(&f).is_some_and(|c| !c.is_empty())))
        .filter(|r| input.is_none_or(|t| r.input == t))
        .collect();
    let text = if args.format == CatalogFormat::Oscal {
        let time = report_time(args.report_time.as_deref())?;
        crate::report::oscal::component_definition(&selected, crate::VERSION, &time)
    } else {
        crate::catalog::render(&selected, args.format, framework)
    };
    write_out(None, &text)?;
    // Every policy problem (a rule that does not load) leaves the catalog incomplete.
    Ok(Exit::of(!set.problems_all().is_empty(), false))
}
