//! The rules of `sot lint`: pure functions from a parsed workspace and its registry
//! to diagnostics. Nothing here touches the filesystem.

mod context;
mod diagnostic;
pub mod placeholders;
pub mod rules;
mod schema;

use rayon::prelude::*;

pub use context::{Context, ForeignEntry, OtherBranch};
pub use diagnostic::{Diagnostic, Related, Severity};
pub use rules::{Rule, RULES};
pub use schema::{
    is_iso_date, EntrySchema, Format, FrontmatterSchema, PrefixSchema, Schema, ValueRule, When,
};

/// Runs every rule over the documents `ctx` reports on, sorted by file, position, rule.
pub fn lint(ctx: &Context) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = RULES
        .par_iter()
        .flat_map_iter(|rule| {
            let mut findings = Vec::new();
            (rule.check)(ctx, &mut findings);
            findings.into_iter().map(|f| ctx.diagnostic(rule, f))
        })
        .collect();
    out.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.rule, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.rule, &b.message))
    });
    out.dedup();
    out
}
