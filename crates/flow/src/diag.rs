//! The one place where this crate builds [`Diagnostic`]s, so that a new field in
//! `corridor_model::diag::Diagnostic` needs one change here.

use corridor_model::diag::{Diagnostic, LoadErrors, MAX_PER_FILE};

/// Builds a diagnostic. Every diagnostic of this crate goes through here.
pub(crate) fn diagnostic(
    file: &str,
    line: Option<u64>,
    column: Option<usize>,
    field: Option<&str>,
    message: impl Into<String>,
    hint: Option<&str>,
) -> Diagnostic {
    Diagnostic {
        file: file.to_string(),
        line,
        column,
        field: field.map(str::to_string),
        message: message.into(),
        hint: hint.map(str::to_string),
    }
}

/// Collects the diagnostics of one file, keeping at most [`MAX_PER_FILE`].
#[derive(Default)]
pub(crate) struct Collector {
    diags: Vec<Diagnostic>,
    suppressed: usize,
}

impl Collector {
    pub(crate) fn push(&mut self, d: Diagnostic) {
        if self.diags.len() >= MAX_PER_FILE {
            self.suppressed += 1;
        } else {
            self.diags.push(d);
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.diags.is_empty() && self.suppressed == 0
    }

    /// `Ok(value)` when nothing was collected, the collected errors otherwise.
    pub(crate) fn finish<T>(self, value: T) -> Result<T, LoadErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(LoadErrors {
                diagnostics: self.diags,
                suppressed: self.suppressed,
            })
        }
    }
}

/// A [`LoadErrors`] holding one diagnostic.
pub(crate) fn single(d: Diagnostic) -> LoadErrors {
    LoadErrors {
        diagnostics: vec![d],
        suppressed: 0,
    }
}
