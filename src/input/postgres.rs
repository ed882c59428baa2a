//! PostgreSQL DDL → schema model with spans. (Being written; see issue "PostgreSQL schema input".)

use super::{Loaded, Problem, SourceFile};
use std::sync::Arc;

/// Loads one `.sql` file as one schema document.
pub fn load(file: &Arc<SourceFile>) -> Loaded {
    Loaded { documents: Vec::new(), problems: vec![Problem::error(&file.path, None, "PostgreSQL input is not supported yet")] }
}
