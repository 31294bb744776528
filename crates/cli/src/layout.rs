//! Tables and prose that fit the terminal: the width from `COLUMNS` or the terminal itself
//! (120 columns when neither says), text wrapped at spaces, and tables whose long last
//! column (a chain of places, the sources) moves to its own wrapped line under each row
//! when the row would not fit.

use std::io::IsTerminal;

/// Width of a table when nothing tells the terminal's: the width every default table fits.
pub const DEFAULT_WIDTH: usize = 120;

/// The width to lay out for: `COLUMNS` if it is a number of at least 40, else the width of
/// the terminal standard output is, else [`DEFAULT_WIDTH`].
pub fn terminal_width() -> usize {
    if let Some(w) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&w| (40..=10_000).contains(&w))
    {
        return w;
    }
    let out = std::io::stdout();
    if out.is_terminal() {
        if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size_of(&out) {
            if w >= 40 {
                return w as usize;
            }
        }
    }
    DEFAULT_WIDTH
}

fn len(s: &str) -> usize {
    s.chars().count()
}

/// `text` wrapped at spaces into lines of at most `width` characters, the first starting
/// with `first`, the others with `indent`; a word longer than a line is cut. Every line
/// ends with a newline.
pub fn wrap(text: &str, width: usize, first: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let room = width.saturating_sub(len(&line) + usize::from(!empty));
        if len(word) <= room {
            if !empty {
                line.push(' ');
            }
            line.push_str(word);
            empty = false;
            continue;
        }
        if !empty {
            out.push_str(line.trim_end());
            out.push('\n');
            line = indent.to_string();
        }
        // A word wider than a whole line is cut into pieces that fit.
        let mut rest: Vec<char> = word.chars().collect();
        let full = width.saturating_sub(len(&line)).max(1);
        while rest.len() > full {
            line.extend(rest.drain(..full));
            out.push_str(&line);
            out.push('\n');
            line = indent.to_string();
        }
        line.extend(rest);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

/// One row: its cells, or a first cell and a text spanning the other columns.
struct Row {
    cells: Vec<String>,
    span: Option<String>,
    detail: Option<String>,
}

/// A text table. The optional detail column (a long last column) is laid out as a column
/// when every row fits the width with it, else on its own wrapped line under each row.
/// The other columns are never cut: ids and figures are what the table is for.
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Row>,
    detail: Option<(String, String)>,
}

impl Table {
    /// A table with these column headers.
    pub fn new(headers: &[&str]) -> Table {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
            detail: None,
        }
    }

    /// The detail column's header as a column, and the label its own line starts with.
    pub fn detail(mut self, header: &str, label: &str) -> Table {
        self.detail = Some((header.to_string(), label.to_string()));
        self
    }

    /// A row of cells and its detail.
    pub fn row(&mut self, cells: Vec<String>, detail: Option<String>) {
        self.rows.push(Row {
            cells,
            span: None,
            detail,
        });
    }

    /// A row of one cell and a text over the other columns (e.g. why there is no route).
    pub fn span_row(&mut self, first: String, text: String) {
        self.rows.push(Row {
            cells: vec![first],
            span: Some(text),
            detail: None,
        });
    }

    fn widths(&self) -> Vec<usize> {
        let mut w: Vec<usize> = self.headers.iter().map(|h| len(h)).collect();
        for r in &self.rows {
            let n = if r.span.is_some() { 1 } else { r.cells.len() };
            for (x, c) in w.iter_mut().zip(&r.cells[..n]) {
                *x = (*x).max(len(c));
            }
        }
        w
    }

    /// Lay out the table for `width` columns, or without a limit (`None`: every row on
    /// one line, the detail as the last column).
    pub fn render(&self, width: Option<usize>) -> String {
        let widths = self.widths();
        let total = |w: &[usize]| w.iter().sum::<usize>() + 2 * w.len().saturating_sub(1);
        let detail_w = self
            .rows
            .iter()
            .filter_map(|r| r.detail.as_deref().map(len))
            .max()
            .unwrap_or(0)
            .max(self.detail.as_ref().map(|d| len(&d.0)).unwrap_or(0));
        let inline =
            self.detail.is_some() && width.is_none_or(|lim| total(&widths) + 2 + detail_w <= lim);
        let fit = |s: &str, w: usize| -> String {
            if len(s) <= w {
                s.to_string()
            } else {
                s.chars().take(w.saturating_sub(1)).chain(['…']).collect()
            }
        };
        let line = |cells: &[String], last: Option<&str>| {
            let mut s = String::new();
            let n = cells.len();
            for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
                if i > 0 {
                    s.push_str("  ");
                }
                let c = fit(c, *w);
                s.push_str(&c);
                if i + 1 < n || last.is_some() {
                    s.extend(std::iter::repeat_n(' ', w - len(&c)));
                }
            }
            if let Some(l) = last {
                s.push_str("  ");
                s.push_str(l);
            }
            s.trim_end().to_string() + "\n"
        };
        let detail_header = self
            .detail
            .as_ref()
            .filter(|_| inline)
            .map(|d| d.0.as_str());
        let mut out = line(&self.headers, detail_header);
        let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
        let detail_rule = "─".repeat(detail_w);
        out.push_str(&line(&rule, inline.then_some(detail_rule.as_str())));
        for r in &self.rows {
            if let Some(text) = &r.span {
                let head = format!("{:<w$}  ", fit(&r.cells[0], widths[0]), w = widths[0]);
                let pad = " ".repeat(len(&head));
                match width {
                    None => out.push_str(&format!("{head}{text}\n")),
                    Some(lim) if lim > len(&pad) + 30 => {
                        out.push_str(&wrap(text, lim, &head, &pad))
                    }
                    Some(lim) => out.push_str(&wrap(text, lim, &head, "    ")),
                }
                continue;
            }
            if inline {
                out.push_str(&line(&r.cells, Some(r.detail.as_deref().unwrap_or(""))));
                continue;
            }
            out.push_str(&line(&r.cells, None));
            if let (Some(d), Some((_, label))) = (&r.detail, &self.detail) {
                let first = if label.is_empty() {
                    "    ".to_string()
                } else {
                    format!("    {label} ")
                };
                out.push_str(&wrap(d, width.unwrap_or(usize::MAX), &first, "        "));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_spaces_and_cuts_only_words_wider_than_a_line() {
        let w = wrap("aaa bbb ccc ddd", 9, "> ", "  ");
        assert_eq!(w, "> aaa bbb\n  ccc ddd\n");
        let w = wrap("abcdefghijkl", 6, "", "");
        assert_eq!(w, "abcdef\nghijkl\n");
        for l in wrap(&"word ".repeat(100), 37, "    x ", "        ").lines() {
            assert!(l.chars().count() <= 37, "{l}");
        }
    }

    #[test]
    fn a_detail_that_does_not_fit_moves_under_its_row() {
        let mut t = Table::new(&["A", "B"]).detail("VIA", "via");
        t.row(vec!["x".into(), "1".into()], Some("p → q → r ".repeat(20)));
        t.span_row("y".into(), "no route: far too long a reason ".repeat(5));
        let narrow = t.render(Some(60));
        assert!(narrow.lines().all(|l| l.chars().count() <= 60), "{narrow}");
        assert!(narrow.contains("\n    via p → q"), "{narrow}");
        assert!(!narrow.lines().next().unwrap().contains("VIA"));
        let wide = t.render(None);
        assert!(wide.lines().next().unwrap().ends_with("VIA"), "{wide}");
        assert_eq!(wide.lines().count(), 4, "{wide}");
    }
}
