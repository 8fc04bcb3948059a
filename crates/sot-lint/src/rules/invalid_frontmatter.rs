//! Frontmatter that does not parse, is not closed, repeats a key or is no mapping.
//!
//! **Why**: a document's frontmatter carries its type, prefixes and dates; when it
//! does not parse, none of that can be checked, GitHub shows the raw block, and
//! search and RAG tooling skip the file. Frontmatter starts with a first line `---`
//! and ends at the next line that is exactly `---` or `...`.
//!
//! **Example**
//!
//! ```markdown
//! ---
//! owner_channel: "#deploys
//! ---
//! ```
//!
//! **Fix**: close the quote, block or bracket the message names, or remove the
//! duplicate key. `sot lint --fix` leaves it to a person.

use sot_syntax::ProblemKind;

use super::Finding;
use crate::Context;

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (d, doc) in ctx.targets() {
        for p in &doc.problems {
            if p.kind == ProblemKind::InvalidFrontmatter {
                out.push(Finding::new(d, p.span.clone(), p.message.clone()).help(p.help));
            }
        }
    }
}
