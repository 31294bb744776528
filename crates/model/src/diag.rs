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
    /// `FILE:LINE:COL: field `F`: message` and the hint; text that came from a user's file
    /// (the path, an echoed value) is written with [`printable`], so a message never sends
    /// a terminal control sequence.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", printable(&self.file))?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        write!(f, ": ")?;
        if let Some(field) = &self.field {
            write!(f, "field `{}`: ", printable(field))?;
        }
        write!(f, "{}", printable(&self.message))?;
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {}", printable(h))?;
        }
        Ok(())
    }
}

/// A character that never belongs in a dataset's text: a control character (C0 other
/// than tab and line breaks, DEL, C1) or a bidirectional override or isolate
/// (U+202A–U+202E, U+2066–U+2069), which can rewrite what a terminal or an editor shows.
pub fn is_forbidden_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The first forbidden character of a text ([`is_forbidden_char`]): its 1-based position
/// in characters, and its name for a message (`U+001B (escape)`).
pub fn forbidden_char(text: &str) -> Option<(usize, String)> {
    let (i, c) = text
        .chars()
        .enumerate()
        .find(|&(_, c)| is_forbidden_char(c))?;
    let name = match c {
        '\u{1b}' => "escape",
        '\u{7f}' => "delete",
        '\0' => "NUL",
        '\u{7}' => "bell",
        '\u{8}' => "backspace",
        '\u{c}' => "form feed",
        '\u{b}' => "vertical tab",
        '\u{202a}' => "left-to-right embedding",
        '\u{202b}' => "right-to-left embedding",
        '\u{202c}' => "pop directional formatting",
        '\u{202d}' => "left-to-right override",
        '\u{202e}' => "right-to-left override",
        '\u{2066}' => "left-to-right isolate",
        '\u{2067}' => "right-to-left isolate",
        '\u{2068}' => "first strong isolate",
        '\u{2069}' => "pop directional isolate",
        c if (c as u32) < 0x20 => "a control character",
        _ => "a C1 control character",
    };
    Some((i + 1, format!("U+{:04X} ({name})", c as u32)))
}

/// `text` with every forbidden character ([`is_forbidden_char`]) written as `\u{1b}`: safe
/// to print on a terminal.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_forbidden_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_forbidden_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
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

/// Collects the errors and warnings of reading user files, with a per-file cap on each.
///
/// Every reader of a user file (the dataset's tables, the demand table, `simulation.toml`,
/// scenario files) pushes into one `Sink`, so a run reports every problem of every file
/// at once, in the same form.
#[derive(Default, Debug)]
pub struct Sink {
    diags: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    suppressed: usize,
    suppressed_warnings: usize,
    per_file: std::collections::HashMap<(String, bool), usize>,
}

impl Sink {
    /// Record an error.
    pub fn push(&mut self, d: Diagnostic) {
        if self.count(&d.file, false) {
            self.diags.push(d);
        } else {
            self.suppressed += 1;
        }
    }
    /// Record a warning: legal but suspicious input, accepted.
    pub fn warn(&mut self, d: Diagnostic) {
        if self.count(&d.file, true) {
            self.warnings.push(d);
        } else {
            self.suppressed_warnings += 1;
        }
    }
    /// Count one more message of a file; false past the cap.
    fn count(&mut self, file: &str, warning: bool) -> bool {
        let n = self
            .per_file
            .entry((file.to_string(), warning))
            .or_default();
        *n += 1;
        *n <= MAX_PER_FILE
    }
    /// True when no error was recorded (warnings aside).
    pub fn is_empty(&self) -> bool {
        self.diags.is_empty() && self.suppressed == 0
    }
    /// The errors recorded so far.
    pub fn errors(&self) -> &[Diagnostic] {
        &self.diags
    }
    /// The warnings recorded so far.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }
    /// Take the warnings, leaving none.
    pub fn take_warnings(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.warnings)
    }
    /// The errors (empty if there are none) and the warnings, with the number of warnings
    /// not kept beyond the cap added as a last warning without a line.
    pub fn into_parts(mut self) -> (LoadErrors, Vec<Diagnostic>) {
        if self.suppressed_warnings > 0 {
            let file = self
                .warnings
                .last()
                .map(|w| w.file.clone())
                .unwrap_or_default();
            self.warnings.push(Diagnostic {
                file,
                line: None,
                column: None,
                field: None,
                message: format!("… and {} more warnings not shown", self.suppressed_warnings),
                hint: None,
            });
        }
        (
            LoadErrors {
                diagnostics: self.diags,
                suppressed: self.suppressed,
            },
            self.warnings,
        )
    }
    /// The errors (warnings dropped).
    pub fn into_errors(self) -> LoadErrors {
        self.into_parts().0
    }
}

/// Warnings as errors (`--deny-warnings`): `Err` with every warning if there is one.
pub fn deny(warnings: Vec<Diagnostic>) -> Result<(), LoadErrors> {
    if warnings.is_empty() {
        Ok(())
    } else {
        Err(LoadErrors {
            diagnostics: warnings,
            suppressed: 0,
        })
    }
}

/// Print-ready warning lines: `warning: FILE:LINE: …`.
pub fn warning_text(warnings: &[Diagnostic]) -> String {
    warnings.iter().map(|w| format!("warning: {w}\n")).collect()
}

impl Diagnostic {
    /// A problem at a line of a file, with no field.
    pub fn at(file: &str, line: Option<u64>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: file.to_string(),
            line,
            column: None,
            field: None,
            message: message.into(),
            hint: None,
        }
    }
    /// The same problem, naming its field.
    pub fn field(mut self, field: impl Into<String>) -> Diagnostic {
        self.field = Some(field.into());
        self
    }
    /// The same problem, with a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }
    /// The same problem, with an optional hint.
    pub fn maybe_hint(mut self, hint: Option<String>) -> Diagnostic {
        self.hint = hint;
        self
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

/// `did you mean `X`?` for the closest candidate (see [`suggest`]), if any.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> Option<String> {
    suggest(input, candidates).map(|s| format!("did you mean `{s}`?"))
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
    fn control_characters_and_bidi_overrides_are_never_printed_raw() {
        assert_eq!(
            printable("Shu\u{1b}]0;x\u{7}\u{202e}"),
            "Shu\\u{1b}]0;x\\u{7}\\u{202e}"
        );
        assert_eq!(printable("tab\tand\nlines — ok"), "tab\tand\nlines — ok");
        assert_eq!(
            forbidden_char("ab\u{9b}c"),
            Some((3, "U+009B (a C1 control character)".to_string()))
        );
        assert_eq!(forbidden_char("Баку → Poti"), None);
        let d = Diagnostic::at("x\u{1b}[2J.csv", Some(1), "unknown node `\u{1b}[31m`")
            .field("na\u{202e}me")
            .hint("\u{7}");
        assert_eq!(
            d.to_string(),
            "x\\u{1b}[2J.csv:1: field `na\\u{202e}me`: unknown node `\\u{1b}[31m`\n  hint: \\u{7}"
        );
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
