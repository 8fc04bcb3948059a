//! GitHub's heading slugs (the `github-slugger` algorithm).

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

/// Every character GitHub drops from a slug: all but letters (alphabetic characters),
/// marks, decimal numbers, connector punctuation, the space and the hyphen. GitHub's
/// tables predate Unicode 15, so characters assigned later are dropped too.
static DROPPED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}&&\p{Age=V14_0}] \-]").unwrap()
});

/// The slug of one heading text, before duplicate numbering.
pub fn slug(text: &str) -> String {
    if text.is_ascii() {
        // The same rule, without the Unicode tables, for the common case.
        let mut slug = String::with_capacity(text.len());
        slug.extend(text.chars().filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        }));
        return slug;
    }
    DROPPED
        .replace_all(&text.to_lowercase(), "")
        .replace(' ', "-")
}

/// Numbers repeated slugs the way GitHub does: `echo`, `echo-1`, and a generated
/// slug that collides with a later heading is re-checked (`echo 1` -> `echo-1-1`).
#[derive(Debug, Default)]
pub struct Slugger {
    occurrences: HashMap<String, usize>,
}

impl Slugger {
    pub fn slug(&mut self, text: &str) -> String {
        // One lookup for the common first occurrence.
        let original = match self.occurrences.entry(slug(text)) {
            Entry::Vacant(first) => {
                let result = first.key().clone();
                first.insert(0);
                return result;
            }
            Entry::Occupied(seen) => seen.key().clone(),
        };
        let mut result = original.clone();
        while self.occurrences.contains_key(&result) {
            let n = self.occurrences.entry(original.clone()).or_insert(0);
            *n += 1;
            result = format!("{original}-{n}");
        }
        self.occurrences.insert(result.clone(), 0);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_slugs_are_rechecked() {
        let mut s = Slugger::default();
        let got: Vec<_> = ["echo", "echo", "echo 1", "A & B"]
            .iter()
            .map(|t| s.slug(t))
            .collect();
        assert_eq!(got, ["echo", "echo-1", "echo-1-1", "a--b"]);
    }
}
