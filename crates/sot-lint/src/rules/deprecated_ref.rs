//! A reference to an entry whose Status is Deprecated.
//!
//! **Why**: a deprecated procedure is kept for the record, not to be followed; a
//! live runbook that still points at it sends people down a retired path. A link
//! is judged by the definition it points at, a mention by the canonical one.
//!
//! **Example**
//!
//! ```markdown
//! For rollbacks, follow RUN-003.   <!-- RUN-003 has **Status**: Deprecated -->
//! ```
//!
//! **Fix**: refer to the entry that replaced it, or drop the reference. `sot lint
//! --fix` leaves it to a person: which entry replaced it is for a person to say.

use sot_registry::{RefKind, Target};

use super::Finding;
use crate::Context;

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for r in &ctx.reg.references {
        if !ctx.is_target(r.doc) {
            continue;
        }
        let mut definitions = ctx.reg.definitions(&r.id);
        let Some(mut entry) = definitions.next() else {
            continue;
        };
        // Only an ID defined more than once leaves the link's target an entry to pick.
        let defined_again = definitions.next().is_some();
        if let (RefKind::Link(l), true) = (r.kind, defined_again) {
            let doc = ctx.doc(r.doc);
            let resolved = ctx.resolve(&doc.path, &doc.links[l].dest, doc.links[l].kind);
            if let Target::File { doc: Some(t), .. } = resolved.target {
                if let Some(e) = ctx.reg.definitions(&r.id).find(|e| e.doc == t) {
                    entry = e;
                }
            }
        }
        if !ctx
            .status(entry)
            .is_some_and(|s| s.eq_ignore_ascii_case("deprecated"))
        {
            continue;
        }
        out.push(
            Finding::new(r.doc, r.span.clone(), format!("`{}` is deprecated", r.id)).help(format!(
                "{} has Status Deprecated ({}); refer to its replacement",
                r.id,
                ctx.location(entry)
            )),
        );
    }
}
