//! The rules of `sot lint`: pure functions from a parsed workspace and its registry
//! to diagnostics. Nothing here touches the filesystem.

mod config;
mod context;
mod diagnostic;
pub mod placeholders;
mod references;
pub mod rules;
mod schema;
pub mod secrets;
mod stand_ins;
mod suppression;
pub mod templates;
mod text_facts;

use rayon::prelude::*;

pub use config::{json_schema, Config, ConfigError, Level, LinksConfig, Settings};
pub use context::{Context, ForeignEntry, OtherBranch};
pub use diagnostic::{Applicability, Diagnostic, Fix, Related, Severity};
pub use rules::{closest_rule, unknown_rule_help, Check, Rule, RULES};
pub use schema::{
    is_iso_date, EntrySchema, Format, FrontmatterSchema, PrefixSchema, Schema, ValueRule, When,
};
pub use text_facts::TextFacts;

/// Which rules run: all by default, narrowed by `--select` and `--ignore`.
#[derive(Debug, Clone)]
pub struct Selection {
    enabled: Vec<&'static str>,
}

impl Selection {
    /// `select`: only these rules (all when `None`); `ignore`: minus these. An
    /// unknown rule name is an error naming it.
    pub fn new(select: Option<&[String]>, ignore: &[String]) -> Result<Selection, String> {
        for name in select.unwrap_or_default().iter().chain(ignore) {
            if !RULES.iter().any(|r| r.name == name) {
                return Err(format!(
                    "no rule named `{name}`; {}",
                    unknown_rule_help(name)
                ));
            }
        }
        let enabled = RULES
            .iter()
            .map(|r| r.name)
            .filter(|n| select.is_none_or(|s| s.iter().any(|x| x == n)))
            .filter(|n| !ignore.iter().any(|x| x == n))
            .collect();
        Ok(Selection { enabled })
    }

    pub fn is_enabled(&self, rule: &str) -> bool {
        self.enabled.contains(&rule)
    }
}

/// Runs the selected rules over the documents `ctx` reports on, applies suppression
/// comments, and sorts the diagnostics by file, position and rule.
pub fn lint(ctx: &Context, selection: &Selection) -> Vec<Diagnostic> {
    let runs =
        |rule: &&Rule| selection.is_enabled(rule.name) && ctx.settings.is_on_somewhere(rule.name);
    let mut out: Vec<Diagnostic> = RULES
        .par_iter()
        .filter(runs)
        .flat_map_iter(|rule| {
            let mut findings = Vec::new();
            if let Check::Pass(check) = rule.check {
                check(ctx, &mut findings);
            }
            findings.into_iter().map(|f| ctx.diagnostic(rule, f))
        })
        .collect();
    // Severities configured per rule and per path; `off` drops the finding.
    out.retain_mut(
        |d| match ctx.settings.severity(d.rule, d.severity, &d.file) {
            Some(severity) => {
                d.severity = severity;
                true
            }
            None => false,
        },
    );
    let unused = rules::unused_suppression::apply(ctx, &mut out, &|r| selection.is_enabled(r));
    if let Some(rule) = RULES.iter().find(|r| r.name == "unused-suppression") {
        if runs(&rule) {
            out.extend(unused.into_iter().filter_map(|f| {
                let mut d = ctx.diagnostic(rule, f);
                d.severity = ctx.settings.severity(d.rule, d.severity, &d.file)?;
                Some(d)
            }));
        }
    }
    mask_quoted_secrets(ctx, &mut out);
    out.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.rule, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.rule, &b.message))
    });
    out.dedup();
    out
}

/// Messages of other rules quote document text (a field value, a link target); a
/// credential among it is masked, so no output format prints one.
fn mask_quoted_secrets(ctx: &Context, diags: &mut [Diagnostic]) {
    for d in diags.iter_mut().filter(|d| d.rule != "hardcoded-secret") {
        let Some(i) = ctx.reg.doc_index(&d.file) else {
            continue;
        };
        let values = &ctx.text_facts(i).secret_values;
        if values.is_empty() {
            continue;
        }
        d.message = secrets::mask_quoted(&d.message, values);
        if let Some(help) = &d.help {
            d.help = Some(secrets::mask_quoted(help, values));
        }
        for r in &mut d.related {
            r.message = secrets::mask_quoted(&r.message, values);
        }
    }
}
