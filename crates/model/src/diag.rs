//! Diagnostics: errors a person can act on (file, line, column, field, what was found,
//! what was expected, and a hint).

use std::fmt;

/// One problem in the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// File name as the user knows it (e.g. `data/links.csv`).
    pub file: String,
    /// 1-based line, when the problem has one.
    pub line: Option<u64>,
    /// 1-based column (the field's position in a CSV row), when known.
    pub column: Option<usize>,
    /// The field (CSV column or TOML key), when known.
    pub field: Option<String>,
    /// What is wrong: what was found and what was expected.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        write!(f, ": ")?;
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

/// Every problem found while loading a dataset (never empty).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct LoadErrors {
    /// The problems, in file order then line order.
    pub diagnostics: Vec<Diagnostic>,
    /// Problems found but not kept, beyond the per-file cap.
    pub suppressed: usize,
}

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.diagnostics {
            writeln!(f, "error: {d}")?;
        }
        if self.suppressed > 0 {
            writeln!(f, "… and {} more problems not shown", self.suppressed)?;
        }
        let n = self.diagnostics.len() + self.suppressed;
        write!(f, "{n} problem{} found", if n == 1 { "" } else { "s" })
    }
}

/// Most diagnostics kept per file; a file with a systematic error would otherwise print
/// one line per row of a million-row table.
pub const MAX_PER_FILE: usize = 200;

/// Collects diagnostics with a per-file cap.
#[derive(Default)]
pub(crate) struct Sink {
    pub diags: Vec<Diagnostic>,
    pub suppressed: usize,
    per_file: std::collections::HashMap<String, usize>,
}

impl Sink {
    pub fn push(&mut self, d: Diagnostic) {
        let n = self.per_file.entry(d.file.clone()).or_default();
        *n += 1;
        if *n > MAX_PER_FILE {
            self.suppressed += 1;
        } else {
            self.diags.push(d);
        }
    }
    pub fn is_empty(&self) -> bool {
        self.diags.is_empty() && self.suppressed == 0
    }
    pub fn into_errors(self) -> LoadErrors {
        LoadErrors {
            diagnostics: self.diags,
            suppressed: self.suppressed,
        }
    }
}

/// Edit distance (Levenshtein) between two strings, by characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `input`, if it is close enough to be a likely typo.
///
/// Matches, in order: the same text ignoring case; a key whose part after the country
/// prefix (`AZ-ALAT` for `ALAT`) equals the input; the smallest edit distance, at most a
/// third of the input's length (and at least 2).
pub fn suggest<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> Option<&'a str> {
    let low = input.to_lowercase();
    if let Some(c) = candidates
        .clone()
        .into_iter()
        .find(|c| c.to_lowercase() == low)
    {
        return Some(c);
    }
    if let Some(c) = candidates.clone().into_iter().find(|c| {
        c.split_once('-')
            .is_some_and(|(_, rest)| rest.to_lowercase() == low)
    }) {
        return Some(c);
    }
    let limit = (input.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&low, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_basics() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn suggests_prefixed_ids_and_typos() {
        let c = ["AZ-ALAT", "KZ-AKTAU", "DE-DUISBURG"];
        assert_eq!(suggest("ALAT", c), Some("AZ-ALAT"));
        assert_eq!(suggest("de-duisburg", c), Some("DE-DUISBURG"));
        assert_eq!(suggest("DE-DUISBERG", c), Some("DE-DUISBURG"));
        assert_eq!(suggest("XYZ", c), None);
    }
}
