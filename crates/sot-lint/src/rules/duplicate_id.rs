//! An ID defined by more than one entry.
//!
//! **Why**: an ID is only useful when it names one thing. Two `## DEP-014` headings
//! (often from two branches that both took the next free number) make every
//! reference to DEP-014 ambiguous. The first definition in path order, then line
//! order, is the canonical one; each later definition is reported, naming the
//! first. References to any of the definitions are not reported again.
//!
//! **Example**
//!
//! ```markdown
//! ## DEP-014: Blue/green rollout
//! ...
//! ## DEP-014: Database failover
//! ```
//!
//! With `sot lint --against REV` (e.g. `origin/main`), an ID this branch defines is
//! also reported when REV added a different entry with the same ID since the two
//! branches forked: git merges such pairs without a conflict.
//!
//! **Fix**: give the later entry the next free number and update its references
//! (`sot new PREFIX` picks a number no branch uses). `sot lint --fix` leaves it to a
//! person: which definition keeps the ID is for a person to say.

use super::Finding;
use crate::Context;

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let mut seen = std::collections::HashSet::new();
    for entry in &ctx.reg.entries {
        if !seen.insert(entry.id.as_str()) {
            continue;
        }
        let mut defs = ctx.reg.definitions(&entry.id);
        let first = defs.next().expect("an entry defines its own ID");
        for later in defs {
            if !ctx.is_target(later.doc) {
                continue;
            }
            let at = ctx.location(first);
            let mut f = Finding::new(
                later.doc,
                later.id_span.clone(),
                format!("`{}` is already defined at {at}", later.id),
            )
            .help("give this entry an unused ID and update the references meant for it");
            f.related.push((
                first.doc,
                first.position,
                format!("first definition of {}", first.id),
            ));
            out.push(f);
        }
    }
    if let Some(other) = ctx.other_branch {
        for theirs in &other.entries {
            for ours in ctx.reg.definitions(&theirs.id) {
                let Some(heading) = sot_registry::entry_heading(ctx.ws, ours) else {
                    continue;
                };
                if !ctx.is_target(ours.doc) || heading.text == theirs.heading {
                    continue;
                }
                out.push(
                    Finding::new(
                        ours.doc,
                        ours.id_span.clone(),
                        format!(
                            "`{}` is also defined on {} as \"{}\" ({}:{}), added since the branches forked",
                            theirs.id, other.rev, theirs.heading, theirs.file, theirs.line
                        ),
                    )
                    .help("renumber this entry (`sot new` picks a number no branch uses) and update its references"),
                );
            }
        }
    }
}
