//! A document made from a template that lacks one of the template's `##` sections.
//!
//! **Why**: a runbook without its Rollback section is the one that fails at 3 a.m.
//! With `[[template]]` in `sot.toml`, the template's level-2 headings (entry headings
//! aside) are the sections every document it applies to must have. Headings are
//! compared without their numbering, case or punctuation (`## 4. Rollback
//! Procedure` matches `## Rollback procedure`), at any level.
//!
//! **Example**: a runbook made from a template with `## 4. Rollback Procedure` that
//! has no such heading.
//!
//! **Fix**: add the section (with real content), or change the template. `sot lint
//! --fix` leaves it to a person: only a person knows its content.

use super::Finding;
use crate::templates::section_key;
use crate::Context;

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (d, doc) in ctx.targets() {
        let Some(template) = ctx.template(d) else {
            continue;
        };
        let present: Vec<String> = doc.headings.iter().map(|h| section_key(&h.text)).collect();
        for section in &template.sections {
            if present.contains(&section_key(section)) {
                continue;
            }
            let at = doc.frontmatter.as_ref().map_or(0, |f| f.span.start);
            out.push(
                Finding::new(
                    d,
                    at..at,
                    format!(
                        "missing section `## {section}` required by template `{}`",
                        template.path
                    ),
                )
                .help(format!("add a `## {section}` section")),
            );
        }
    }
}
