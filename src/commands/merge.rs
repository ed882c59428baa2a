//! `runeguard merge`: the SARIF or JSON reports of several shards as one.

use super::{Exit, Fatal, write_out};
use crate::cli::MergeArgs;

pub fn merge(args: MergeArgs) -> Result<Exit, Fatal> {
    let merged = crate::report::merge::merge(&args.files).map_err(Fatal)?;
    write_out(args.output.as_deref(), &merged)?;
    Ok(Exit::Ok)
}
