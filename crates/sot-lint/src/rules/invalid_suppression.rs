//! A suppression comment with an unknown directive or rule name.
//!
//! **Why**: a mistyped suppression does not do what its author meant, and would not
//! say so: `<!-- sot-disable-next-line broken-links -->` leaves the broken link
//! reported, and `<!-- sot-ignore -->` is just a comment. Every HTML comment that
//! starts with `sot-` is read as a suppression (see `unused-suppression` for the
//! directives), so each mistake in one is reported with the name it most likely
//! meant. An unknown rule name silences nothing; the known names beside it still work.
//! Comments in code spans and code blocks are text, not suppressions.
//!
//! It is a warning, like `unused-suppression`: a mistaken comment silences nothing,
//! so any finding it was meant for is reported as well.
//!
//! **Example**
//!
//! ```markdown
//! <!-- sot-disable-lines broken-link -->
//! See the [2019 capacity plan](archive/capacity-2019.md). <!-- sot-disable-line broken-links -->
//! ```
//!
//! **Fix**: spell the directive or the rule as the help suggests (`sot rules` lists
//! the rules). `sot lint --fix` leaves it to a person.

use super::Finding;
use crate::Context;

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (d, _) in ctx.targets() {
        let mistakes = &ctx.text_facts(d).suppression.mistakes;
        out.extend(mistakes.iter().map(|m| Finding {
            doc: d,
            ..m.clone()
        }));
    }
}
