//! The one CSV table reader every user-written table goes through: the dataset's tables,
//! the demand table and the tables of scenarios.
//!
//! A [`Table`] declares its columns and which are required; [`read_table`] checks the
//! header (unknown, duplicate and missing columns, with suggestions), then hands each
//! data row to the caller as a [`Row`] whose errors and warnings name the file, the
//! physical line the field starts on, the column and the field. Rows with the wrong number
//! of fields are reported and dropped. Reading stops at the first row that is not UTF-8
//! text, at binary data and past the file's size [`Limit`].

use crate::diag::{Diagnostic, Sink, did_you_mean};
use crate::dist::SpecError;
use crate::fxhash::FxHashSet;
use crate::read::{Input, Limit, ReadError, breaks_in, open, read_error};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, Read};
use std::rc::Rc;

/// Most columns of any table.
pub const MAX_COLUMNS: usize = 32;

/// Column layout of one table: the names, and which are required.
#[derive(Debug)]
pub struct Table {
    /// Every column, in the order rows hand them out.
    pub columns: &'static [&'static str],
    /// Columns the header must name.
    pub required: &'static [&'static str],
    /// Groups of columns of which the header must name at least one (e.g. a volume in
    /// TEU or in tonnes).
    pub any_of: &'static [&'static [&'static str]],
}

/// One CSV row being read, with the column map of its table.
pub struct Row<'a> {
    file: &'a str,
    line: u64,
    /// Trimmed field texts in the table's column order ("" for absent columns).
    vals: &'a [&'a str],
    map: &'a [Option<usize>],
    table: &'a Table,
    raw: &'a csv::ByteRecord,
    /// Problems found in this row.
    pub errors: Vec<Diagnostic>,
    /// Legal but suspicious values in this row.
    pub warnings: Vec<Diagnostic>,
}

impl<'a> Row<'a> {
    #[inline]
    fn col_index(&self, name: &str) -> usize {
        // Column names are string literals: compare addresses first, text second.
        self.table
            .columns
            .iter()
            .position(|c| std::ptr::eq(c.as_ptr(), name.as_ptr()) && c.len() == name.len())
            .or_else(|| self.table.columns.iter().position(|c| *c == name))
            .unwrap_or_else(|| panic!("column `{name}` is not declared in its table"))
    }
    /// The file the row is in, as named in messages.
    pub fn file(&self) -> &str {
        self.file
    }
    /// The physical line the row starts on (1-based).
    pub fn line(&self) -> u64 {
        self.line
    }
    /// True if the header names this column.
    pub fn has_column(&self, name: &str) -> bool {
        self.map[self.col_index(name)].is_some()
    }
    /// The trimmed text of a field ("" if the column is absent).
    #[inline]
    pub fn get(&self, name: &str) -> &'a str {
        self.vals[self.col_index(name)]
    }
    /// The physical line a field starts on: the row's line plus the line breaks inside
    /// the fields before it (a quoted field may hold line breaks).
    pub fn field_line(&self, name: &str) -> u64 {
        match self.map[self.col_index(name)] {
            Some(idx) => {
                self.line
                    + (0..idx)
                        .filter_map(|j| self.raw.get(j))
                        .map(breaks_in)
                        .sum::<u64>()
            }
            None => self.line,
        }
    }
    /// A diagnostic at a field of this row, to report later (a check across rows).
    pub fn diag(&self, name: &str, message: String, hint: Option<String>) -> Diagnostic {
        let ci = self.col_index(name);
        Diagnostic {
            file: self.file.to_string(),
            line: Some(self.field_line(name)),
            column: self.map[ci].map(|i| i + 1),
            field: Some(name.to_string()),
            message,
            hint,
        }
    }
    /// Record an error in a field.
    pub fn err(&mut self, name: &str, message: impl Into<String>, hint: Option<String>) {
        let d = self.diag(name, message.into(), hint);
        self.errors.push(d);
    }
    /// Record a warning about a field.
    pub fn warn(&mut self, name: &str, message: impl Into<String>, hint: Option<String>) {
        let d = self.diag(name, message.into(), hint);
        self.warnings.push(d);
    }
    /// Record a field parser's error.
    pub fn spec_err(&mut self, name: &str, e: SpecError) {
        self.err(name, e.message, e.hint);
    }
    /// A required field; records an error and returns None if it is empty.
    pub fn req(&mut self, name: &str) -> Option<&'a str> {
        let v = self.get(name);
        if v.is_empty() {
            self.err(
                name,
                format!("missing value for `{name}`"),
                Some(format!("every row needs a `{name}`")),
            );
            None
        } else {
            Some(v)
        }
    }
    /// Parse a field with a field parser. `Some(None)`: the field is empty and not
    /// required; `None`: an error was recorded.
    pub fn parse<T>(
        &mut self,
        name: &str,
        required: bool,
        parse: impl FnOnce(&str) -> Result<T, SpecError>,
    ) -> Option<Option<T>> {
        let v = self.get(name);
        if v.is_empty() {
            if required {
                self.req(name);
                return None;
            }
            return Some(None);
        }
        match parse(v) {
            Ok(x) => Some(Some(x)),
            Err(e) => {
                self.spec_err(name, e);
                None
            }
        }
    }
    /// A required field holding one of a fixed set of words.
    pub fn parse_enum<T>(
        &mut self,
        name: &str,
        parse: fn(&str) -> Option<T>,
        all: &[&'static str],
    ) -> Option<T> {
        let v = self.req(name)?;
        match parse(v) {
            Some(x) => Some(x),
            None => {
                let hint = did_you_mean(v, all.iter().copied())
                    .unwrap_or_else(|| format!("expected one of: {}", all.join(", ")));
                self.err(name, format!("unknown {name} `{v}`"), Some(hint));
                None
            }
        }
    }
}

/// A quoting mistake in a CSV text: the CSV reader accepts each of them silently (an
/// unclosed quote swallows every row after it into one field), so [`QuoteCheck`] finds
/// them in the bytes the reader reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum QuoteIssue {
    /// The quote opening field `field` is never closed: the field runs to the end.
    Unclosed { field: usize },
    /// The quote closing field `field` is followed by `next`, not a comma or a line end.
    TextAfterClose { field: usize, next: u8 },
    /// A quote inside field `field`, which does not start with one.
    InUnquoted { field: usize },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum QuoteState {
    /// Outside quotes.
    Unquoted,
    /// In a comment line (skipped up to its end).
    Comment,
    /// Inside a quoted field.
    Quoted,
    /// Just past a quote inside a quoted field: the next byte tells whether it closes the
    /// field or is the first of a doubled quote.
    QuoteInQuoted,
}

/// Quoting mistakes found by a [`QuoteCheck`], with the offset of the byte at fault (the
/// end of the text for an unclosed quote), in file order.
type Issues = Rc<RefCell<VecDeque<(u64, QuoteIssue)>>>;

/// A reader that passes bytes through unchanged while it follows the quoting of the CSV
/// text as the `csv` reader does (a quote opens a field only at its start, `""` inside
/// quotes, `#` comment lines at the start of a record, a byte order mark skipped) and
/// records each quoting mistake, for the table reader to report at its row.
struct QuoteCheck<R> {
    inner: R,
    state: QuoteState,
    /// Offset of the next byte.
    pos: u64,
    /// The byte before the next one (`\n` at the start: a record starts there).
    prev: u8,
    /// Index of the current field in its record, counting the commas up to `counted`.
    field: usize,
    /// The bytes so far are a prefix of a byte order mark.
    bom: bool,
    issues: Issues,
}

impl<R: Read> QuoteCheck<R> {
    fn new(inner: R, issues: Issues) -> Self {
        QuoteCheck {
            inner,
            state: QuoteState::Unquoted,
            pos: 0,
            prev: b'\n',
            field: 0,
            bom: true,
            issues,
        }
    }

    /// Follow one chunk of the stream.
    fn scan(&mut self, buf: &[u8]) {
        const BOM: &[u8] = b"\xef\xbb\xbf";
        let base = self.pos;
        let mut i = 0;
        // A byte order mark at the start is skipped (as the CSV reader does), even when it
        // comes in pieces: a record starts after it.
        while self.bom && i < buf.len() && base + (i as u64) < 3 {
            if buf[i] != BOM[base as usize + i] {
                self.bom = false;
                if i > 0 {
                    self.prev = buf[i - 1];
                } else if base > 0 {
                    self.prev = BOM[base as usize - 1];
                }
                break;
            }
            i += 1;
        }
        if base + (i as u64) >= 3 {
            self.bom = false;
        }
        let first = i;
        // Commas of the current field's record from `counted` on are not in `field` yet.
        let mut counted = i;
        while i < buf.len() {
            match self.state {
                QuoteState::Comment => match memchr::memchr(b'\n', &buf[i..]) {
                    Some(j) => {
                        i += j + 1;
                        self.state = QuoteState::Unquoted;
                        self.field = 0;
                        counted = i;
                        self.prev = b'\n';
                    }
                    None => i = buf.len(),
                },
                QuoteState::Unquoted => {
                    if self.prev == b'\n' && buf[i] == b'#' {
                        self.state = QuoteState::Comment;
                        continue;
                    }
                    let Some(j) = memchr::memchr2(b'"', b'\n', &buf[i..]) else {
                        self.field += memchr::memchr_iter(b',', &buf[counted..]).count();
                        break;
                    };
                    let at = i + j;
                    if buf[at] == b'\n' {
                        self.field = 0;
                        counted = at + 1;
                        self.prev = b'\n';
                        i = at + 1;
                        continue;
                    }
                    let before = if at > first { buf[at - 1] } else { self.prev };
                    self.field += memchr::memchr_iter(b',', &buf[counted..at]).count();
                    counted = at + 1;
                    if matches!(before, b',' | b'\n') {
                        self.state = QuoteState::Quoted;
                    } else {
                        let field = self.field;
                        self.issues
                            .borrow_mut()
                            .push_back((base + at as u64, QuoteIssue::InUnquoted { field }));
                    }
                    self.prev = b'"';
                    i = at + 1;
                }
                QuoteState::Quoted => match memchr::memchr(b'"', &buf[i..]) {
                    Some(j) => {
                        i += j + 1;
                        self.state = QuoteState::QuoteInQuoted;
                    }
                    None => i = buf.len(),
                },
                QuoteState::QuoteInQuoted => {
                    let b = buf[i];
                    match b {
                        b'"' => self.state = QuoteState::Quoted,
                        b',' => {
                            self.field += 1;
                            self.state = QuoteState::Unquoted;
                        }
                        b'\n' => {
                            self.field = 0;
                            self.state = QuoteState::Unquoted;
                        }
                        b'\r' => self.state = QuoteState::Unquoted,
                        next => {
                            let field = self.field;
                            self.issues.borrow_mut().push_back((
                                base + i as u64,
                                QuoteIssue::TextAfterClose { field, next },
                            ));
                            self.state = QuoteState::Unquoted;
                        }
                    }
                    self.prev = b;
                    i += 1;
                    counted = i;
                }
            }
        }
        if buf.len() > first
            && self.state != QuoteState::QuoteInQuoted
            && self.state != QuoteState::Quoted
        {
            self.prev = buf[buf.len() - 1];
        }
        self.pos += buf.len() as u64;
    }

    /// The end of the stream: a quoted field still open was never closed.
    fn finish(&mut self) {
        if self.state == QuoteState::Quoted {
            let field = self.field;
            self.issues
                .borrow_mut()
                .push_back((self.pos, QuoteIssue::Unclosed { field }));
            // Reported once.
            self.state = QuoteState::Unquoted;
        }
    }
}

impl<R: Read> Read for QuoteCheck<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        if n == 0 {
            self.finish();
        } else {
            self.scan(&out[..n]);
        }
        Ok(n)
    }
}

/// The message for a quoting mistake in a record that starts on `line`.
fn quote_diagnostic(
    file: &str,
    line: u64,
    raw: &csv::ByteRecord,
    header: &[String],
    issue: QuoteIssue,
) -> Diagnostic {
    let (QuoteIssue::Unclosed { field }
    | QuoteIssue::TextAfterClose { field, .. }
    | QuoteIssue::InUnquoted { field }) = issue;
    let field_line = line
        + (0..field)
            .filter_map(|j| raw.get(j))
            .map(breaks_in)
            .sum::<u64>();
    let content = raw.get(field).unwrap_or(b"");
    let inside = breaks_in(content);
    let named = header.get(field).filter(|h| !h.is_empty()).cloned();
    // A field beyond the header's columns has no name: say where it is.
    let beyond = match named {
        Some(_) => String::new(),
        None => format!(
            "field {} of a row whose header has {} column{}: ",
            field + 1,
            header.len(),
            if header.len() == 1 { "" } else { "s" }
        ),
    };
    let doubled = "a quote inside a quoted field is written twice: \"a \"\"b\"\" c\"";
    let (message, hint) = match issue {
        QuoteIssue::Unclosed { .. } => {
            let after =
                inside - u64::from(content.last().is_some_and(|b| matches!(b, b'\n' | b'\r')));
            (
                if after == 0 {
                    "the quote that opens this field is never closed (the field runs to the end of the file)".to_string()
                } else {
                    format!(
                        "the quote that opens this field is never closed, so the rest of the file ({after} line{}) was read into this field",
                        if after == 1 { "" } else { "s" }
                    )
                },
                format!("add the closing quote; {doubled}"),
            )
        }
        QuoteIssue::TextAfterClose { next, .. } => {
            let next = match next {
                b' '..=b'~' => format!("`{}`", next as char),
                b => format!("byte 0x{b:02x}"),
            };
            if inside > 0 {
                (
                    format!(
                        "the quote that opens this field is closed only on line {}, by a quote followed by {next}: the lines in between were read into this field",
                        field_line + inside
                    ),
                    format!("close the quote where the field ends; {doubled}"),
                )
            } else {
                (
                    format!(
                        "text follows the closing quote of this field ({next} after the quote)"
                    ),
                    format!("quote the whole field; {doubled}"),
                )
            }
        }
        QuoteIssue::InUnquoted { .. } => (
            "a quote inside a field that does not start with one".to_string(),
            format!(
                "quote the whole field (nothing before its first quote, not even a space); {doubled}"
            ),
        ),
    };
    Diagnostic {
        file: file.to_string(),
        line: Some(field_line),
        column: Some(field + 1),
        field: named,
        message: beyond + &message,
        hint: Some(hint),
    }
}

/// What reading a table found besides its rows.
#[derive(Debug, Default)]
pub struct TableRead {
    /// The header was valid, so the rows were read.
    pub read: bool,
    /// Every row was read: the header was valid and reading did not stop early (at a row
    /// that is not UTF-8, binary data or the size limit). References into a table that was
    /// not read completely should not be reported as unknown.
    pub complete: bool,
    /// Ids (first column) of rows dropped whole (wrong field count, not UTF-8): references
    /// to them should not be reported again as unknown.
    pub dropped: FxHashSet<String>,
}

/// Report why a file could not be read.
pub fn read_failure(sink: &mut Sink, file: &str, e: &ReadError, missing_hint: Option<String>) {
    let hint = match e {
        ReadError::NotFound => missing_hint,
        other => other.hint(),
    };
    sink.push(Diagnostic::at(file, e.line(), e.to_string()).maybe_hint(hint));
}

/// Read a CSV table: check its header against `table`, then call `row` for each data row
/// (blank rows and `#` comment lines are skipped). Errors and warnings go to `sink`;
/// `missing_hint` is the hint when the file does not exist.
pub fn read_table(
    input: &Input,
    file: &str,
    limit: Limit,
    table: &Table,
    missing_hint: Option<String>,
    sink: &mut Sink,
    mut row: impl FnMut(&mut Row<'_>),
) -> TableRead {
    assert!(table.columns.len() <= MAX_COLUMNS, "too many columns");
    let mut out = TableRead::default();
    let (reader, lines) = match open(input, limit) {
        Ok(x) => x,
        Err(e) => {
            read_failure(sink, file, &e, missing_hint);
            return out;
        }
    };
    let issues = Issues::default();
    let reader = QuoteCheck::new(reader, Rc::clone(&issues));
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .buffer_capacity(1 << 16)
        .from_reader(reader);
    let mut raw = csv::ByteRecord::new();
    // The first physical line of the record just read: the reader stands one byte past
    // the record's last line (its terminator's first byte), less the breaks inside it.
    let first_line = |rdr: &csv::Reader<_>, raw: &csv::ByteRecord| {
        let end = rdr.position().byte();
        let last = lines.borrow_mut().line_at(end.saturating_sub(1));
        // One scan of the row's bytes: line breaks inside fields are rare.
        last - breaks_in(raw.as_slice())
    };
    let fail = |sink: &mut Sink, e: csv::Error| {
        let msg = match e.into_kind() {
            csv::ErrorKind::Io(err) => {
                let err = read_error(err, limit);
                sink.push(Diagnostic::at(file, err.line(), err.to_string()).maybe_hint(err.hint()));
                return;
            }
            other => format!("malformed CSV: {other:?}"),
        };
        sink.push(Diagnostic::at(file, None, msg));
    };
    let blank = |raw: &csv::ByteRecord| raw.iter().all(|f| f.iter().all(u8::is_ascii_whitespace));
    // The first quoting mistake inside the record just read (which ends at `end`).
    let quote_issue = |end: u64| {
        let mut q = issues.borrow_mut();
        let mut first = None;
        while let Some(&(at, issue)) = q.front() {
            if at > end || (at == end && !matches!(issue, QuoteIssue::Unclosed { .. })) {
                break;
            }
            q.pop_front();
            first.get_or_insert(issue);
        }
        first
    };
    let header = loop {
        match rdr.read_byte_record(&mut raw) {
            Ok(true) if blank(&raw) => continue,
            Ok(true) => {
                let end = rdr.position().byte();
                if let Some(issue) = quote_issue(end) {
                    let mut line = first_line(&rdr, &raw);
                    if matches!(issue, QuoteIssue::Unclosed { .. })
                        && raw
                            .as_slice()
                            .last()
                            .is_some_and(|b| matches!(b, b'\n' | b'\r'))
                    {
                        line += 1;
                    }
                    let names: Vec<String> = raw
                        .iter()
                        .map(|h| String::from_utf8_lossy(h).trim().to_string())
                        .collect();
                    sink.push(quote_diagnostic(file, line, &raw, &names, issue));
                    return out;
                }
                break raw.clone();
            }
            Ok(false) => {
                sink.push(
                    Diagnostic::at(file, None, "the file is empty").hint(format!(
                        "the first line names the columns: {}",
                        table.columns.join(",")
                    )),
                );
                return out;
            }
            Err(e) => {
                fail(sink, e);
                return out;
            }
        }
    };
    let header_line = first_line(&rdr, &header);
    let header: Vec<String> = header
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim()
                .trim_start_matches('\u{feff}')
                .to_string()
        })
        .collect();
    let mut map = vec![None; table.columns.len()];
    let mut ok = true;
    for (idx, name) in header.iter().enumerate() {
        let name = name.as_str();
        let at = |message: String| Diagnostic {
            file: file.to_string(),
            line: Some(header_line),
            column: Some(idx + 1),
            field: Some(name.into()),
            message,
            hint: None,
        };
        match table.columns.iter().position(|c| *c == name) {
            Some(ci) if map[ci].is_some() => {
                sink.push(at(format!("column `{name}` appears twice")));
                ok = false;
            }
            Some(ci) => map[ci] = Some(idx),
            None => {
                let hint = did_you_mean(name, table.columns.iter().copied())
                    .unwrap_or_else(|| format!("columns are: {}", table.columns.join(", ")));
                sink.push(at(format!("unknown column `{name}`")).hint(hint));
                ok = false;
            }
        }
    }
    for req in table.required {
        let ci = table
            .columns
            .iter()
            .position(|c| c == req)
            .expect("required column is declared");
        if map[ci].is_none() {
            sink.push(
                Diagnostic::at(
                    file,
                    Some(header_line),
                    format!("missing required column `{req}`"),
                )
                .field(*req)
                .hint(format!(
                    "the header must name: {}",
                    table.required.join(", ")
                )),
            );
            ok = false;
        }
    }
    for group in table.any_of {
        let named = group.iter().any(|c| {
            table
                .columns
                .iter()
                .position(|x| x == c)
                .is_some_and(|ci| map[ci].is_some())
        });
        if !named {
            sink.push(
                Diagnostic::at(
                    file,
                    Some(header_line),
                    format!(
                        "missing column {}",
                        group
                            .iter()
                            .map(|c| format!("`{c}`"))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    ),
                )
                .field(group[0]),
            );
            ok = false;
        }
    }
    if !ok {
        return out;
    }
    out.read = true;
    out.complete = true;
    let width = header.len();
    let id_col = map[0];
    loop {
        match rdr.read_byte_record(&mut raw) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                fail(sink, e);
                out.complete = false;
                break;
            }
        }
        if blank(&raw) {
            continue;
        }
        let mut line = first_line(&rdr, &raw);
        if let Some(issue) = quote_issue(rdr.position().byte()) {
            if matches!(issue, QuoteIssue::Unclosed { .. })
                && raw
                    .as_slice()
                    .last()
                    .is_some_and(|b| matches!(b, b'\n' | b'\r'))
            {
                // The file's last line break is inside the field, not after the record.
                line += 1;
            }
            sink.push(quote_diagnostic(file, line, &raw, &header, issue));
            if let Some(id) = id_col.and_then(|c| raw.get(c)) {
                out.dropped
                    .insert(String::from_utf8_lossy(id).trim().to_string());
            }
            if matches!(issue, QuoteIssue::Unclosed { .. }) {
                // The rest of the file was read into the field.
                out.complete = false;
                break;
            }
            if breaks_in(raw.as_slice()) > 0 {
                // Rows were read into a field: the table lacks them.
                out.complete = false;
            }
            continue;
        }
        // One UTF-8 check for the whole row; fields are then sliced out of it.
        let whole = std::str::from_utf8(raw.as_slice()).ok();
        let field_str = |c: usize| match whole {
            Some(w) => raw.range(c).and_then(|r| w.get(r)),
            None => raw.get(c).and_then(|f| std::str::from_utf8(f).ok()),
        };
        let bad_utf8: Vec<usize> = (0..raw.len()).filter(|&c| field_str(c).is_none()).collect();
        if raw.len() != width || !bad_utf8.is_empty() {
            if let Some(id) = id_col.and_then(|c| raw.get(c)) {
                out.dropped
                    .insert(String::from_utf8_lossy(id).trim().to_string());
            }
            if raw.len() != width {
                sink.push(
                    Diagnostic::at(
                        file,
                        Some(line),
                        format!("row has {} fields, the header has {width}", raw.len()),
                    )
                    .hint("a field containing a comma must be quoted: \"a, b\""),
                );
            }
            for &c in &bad_utf8 {
                let field_line = line
                    + (0..c)
                        .filter_map(|j| raw.get(j))
                        .map(breaks_in)
                        .sum::<u64>();
                sink.push(Diagnostic {
                    file: file.to_string(),
                    line: Some(field_line),
                    column: Some(c + 1),
                    field: header.get(c).cloned(),
                    message: "the field is not valid UTF-8 text".into(),
                    hint: Some("save the file as UTF-8; the rest of the file was not read".into()),
                });
            }
            if !bad_utf8.is_empty() {
                // Binary data or another encoding: the rest is not text either.
                out.complete = false;
                break;
            }
            continue;
        }
        // Control characters and bidirectional overrides are never text of a table: a
        // name holding ESC sequences would rewrite the terminal it is printed on.
        let suspicious = raw.as_slice().iter().any(|&b| {
            (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f || b == 0xc2 || b == 0xe2
        });
        if suspicious {
            let mut bad = false;
            for c in 0..raw.len() {
                let Some((at, name)) = field_str(c).and_then(crate::diag::forbidden_char) else {
                    continue;
                };
                let field_line = line
                    + (0..c)
                        .filter_map(|j| raw.get(j))
                        .map(breaks_in)
                        .sum::<u64>();
                sink.push(Diagnostic {
                    file: file.to_string(),
                    line: Some(field_line),
                    column: Some(c + 1),
                    field: header.get(c).cloned(),
                    message: format!("the field holds {name} at character {at}"),
                    hint: Some("remove it: control characters and bidirectional overrides are never part of a dataset's text, and would garble or rewrite what a terminal shows".into()),
                });
                bad = true;
            }
            if bad {
                if let Some(id) = id_col.and_then(|c| raw.get(c)) {
                    out.dropped
                        .insert(String::from_utf8_lossy(id).trim().to_string());
                }
                continue;
            }
        }
        let mut vals = [""; MAX_COLUMNS];
        for (ci, m) in map.iter().enumerate() {
            if let Some(f) = m.and_then(field_str) {
                vals[ci] = f.trim();
            }
        }
        let mut r = Row {
            file,
            line,
            vals: &vals[..map.len()],
            map: &map,
            table,
            raw: &raw,
            errors: Vec::new(),
            warnings: Vec::new(),
        };
        row(&mut r);
        for d in r.errors {
            sink.push(d);
        }
        for d in r.warnings {
            sink.warn(d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    const T: Table = Table {
        columns: &["id", "name", "value"],
        required: &["id", "value"],
        any_of: &[],
    };

    fn lines(text: &'static [u8]) -> Vec<String> {
        let mut sink = Sink::default();
        let mut seen = Vec::new();
        read_table(
            &Input::Bytes(Cow::Borrowed(text)),
            "t.csv",
            crate::read::SETTINGS,
            &T,
            None,
            &mut sink,
            |r| {
                seen.push(format!(
                    "{}@{}/{}",
                    r.get("id"),
                    r.line(),
                    r.field_line("value")
                ));
                if r.get("value") == "bad" {
                    r.err("value", "bad value", None);
                }
            },
        );
        seen.extend(sink.into_errors().diagnostics.iter().map(|d| d.to_string()));
        seen
    }

    #[test]
    fn lines_are_physical_whatever_the_endings_and_quotes() {
        let lf =
            lines(b"# comment\nid,name,value\n\n# another\na,x,1\nb,\"two\nlines\",bad\nc,y,3\n");
        let crlf = lines(b"# comment\r\nid,name,value\r\n\r\n# another\r\na,x,1\r\nb,\"two\r\nlines\",bad\r\nc,y,3\r\n");
        let cr =
            lines(b"# comment\rid,name,value\r\r# another\ra,x,1\rb,\"two\rlines\",bad\rc,y,3");
        let want = vec![
            "a@5/5".to_string(),
            "b@6/7".into(),
            "c@8/8".into(),
            "t.csv:7:3: field `value`: bad value".into(),
        ];
        assert_eq!(lf, want);
        assert_eq!(crlf, want);
        assert_eq!(cr, want);
    }

    /// The quoting mistakes a [`QuoteCheck`] finds in `text`, read `chunk` bytes at a time.
    fn quote_issues(text: &[u8], chunk: usize) -> Vec<(u64, QuoteIssue)> {
        let issues = Issues::default();
        let mut q = QuoteCheck::new(text, Rc::clone(&issues));
        let mut buf = vec![0u8; chunk];
        let mut out = Vec::new();
        loop {
            let n = q.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        assert_eq!(out, text, "bytes pass through unchanged");
        issues.borrow().iter().copied().collect()
    }

    #[test]
    fn quoting_mistakes_are_found_whatever_the_chunks() {
        use QuoteIssue::*;
        type Case = (&'static [u8], &'static [(u64, QuoteIssue)]);
        let cases: &[Case] = &[
            (b"a,b\n\"x, y\",\"q \"\"w\"\" e\"\n", &[]),
            (b"\xef\xbb\xbf\"id\",b\n# \"not\" a field\n\"a\"\r\n", &[]),
            (b"a,b\nc,\"open\n", &[(12, Unclosed { field: 1 })]),
            (
                b"a,b,c\n1,\"x\"y,3\n",
                &[(
                    11,
                    TextAfterClose {
                        field: 1,
                        next: b'y',
                    },
                )],
            ),
            (b"a,b,c\n1,2,x\"y\n", &[(11, InUnquoted { field: 2 })]),
            (
                b"a,b\n1, \"x\"\n",
                &[(7, InUnquoted { field: 1 }), (9, InUnquoted { field: 1 })],
            ),
            (
                b"a,b\n1,\"open\n2,\"x\n",
                &[(
                    15,
                    TextAfterClose {
                        field: 1,
                        next: b'x',
                    },
                )],
            ),
            // `#` starts a comment only at the start of a record.
            (b"a,#\"b\n#,\"\n", &[(3, InUnquoted { field: 1 })]),
        ];
        for (text, want) in cases {
            for chunk in [1, 2, 3, 7, 4096] {
                assert_eq!(
                    quote_issues(text, chunk),
                    *want,
                    "{:?} in chunks of {chunk}",
                    String::from_utf8_lossy(text)
                );
            }
        }
    }

    #[test]
    fn quoting_mistakes_are_reported_at_the_line_and_field_of_the_quote() {
        assert_eq!(
            lines(b"id,name,value\na,x,1\nb,\"never closed,2\nc,y,3\n"),
            vec![
                "a@2/2".to_string(),
                "t.csv:3:2: field `name`: the quote that opens this field is never closed, so the rest of the file (1 line) was read into this field\n  hint: add the closing quote; a quote inside a quoted field is written twice: \"a \"\"b\"\" c\"".into(),
            ]
        );
        // The last row, with and without a final line break; CRLF.
        for text in [
            &b"id,name,value\na,x,\"1\n"[..],
            b"id,name,value\na,x,\"1",
            b"id,name,value\r\na,x,\"1\r\n",
        ] {
            let out = lines(text);
            assert_eq!(out.len(), 1, "{out:?}");
            assert!(
                out[0].starts_with("t.csv:2:3: field `value`: the quote that opens this field is never closed (the field runs to the end of the file)"),
                "{out:?}"
            );
        }
        // A quote closed on a later line by another field's quote: the rows between are
        // named, not silently merged; the rows after it are read again.
        assert_eq!(
            lines(b"id,name,value\na,\"x,1\nb,y,\"2\"\nc,z,3\n"),
            vec![
                "c@4/4".to_string(),
                "t.csv:2:2: field `name`: the quote that opens this field is closed only on line 3, by a quote followed by `2`: the lines in between were read into this field\n  hint: close the quote where the field ends; a quote inside a quoted field is written twice: \"a \"\"b\"\" c\"".into(),
            ]
        );
        assert_eq!(
            lines(b"id,name,value\na,\"x\"y,1\nb,5\" gauge,2\nc,\"ok \"\"q\"\"\",3\n"),
            vec![
                "c@4/4".to_string(),
                "t.csv:2:2: field `name`: text follows the closing quote of this field (`y` after the quote)\n  hint: quote the whole field; a quote inside a quoted field is written twice: \"a \"\"b\"\" c\"".into(),
                "t.csv:3:2: field `name`: a quote inside a field that does not start with one\n  hint: quote the whole field (nothing before its first quote, not even a space); a quote inside a quoted field is written twice: \"a \"\"b\"\" c\"".into(),
            ]
        );
        // In the header, and in a field beyond the header.
        assert_eq!(
            lines(b"id,\"name,value\n"),
            vec!["t.csv:1:2: field `name,value`: the quote that opens this field is never closed (the field runs to the end of the file)\n  hint: add the closing quote; a quote inside a quoted field is written twice: \"a \"\"b\"\" c\"".to_string()]
        );
        let out = lines(b"id,name,value\na,b,c,\"d\n");
        assert!(
            out[0].starts_with("t.csv:2:4: field 4 of a row whose header has 3 columns: the quote that opens this field is never closed"),
            "{out:?}"
        );
    }

    #[test]
    fn header_problems_are_reported_with_suggestions() {
        let out = lines(b"id,nmae,id\n");
        assert_eq!(
            out,
            vec![
                "t.csv:1:2: field `nmae`: unknown column `nmae`\n  hint: did you mean `name`?".to_string(),
                "t.csv:1:3: field `id`: column `id` appears twice".into(),
                "t.csv:1: field `value`: missing required column `value`\n  hint: the header must name: id, value".into(),
            ]
        );
    }

    #[test]
    fn a_byte_order_mark_and_binary_data() {
        assert_eq!(
            lines(b"\xef\xbb\xbfid,name,value\na,b,1\n"),
            vec!["a@2/2".to_string()]
        );
        // The whole file is refused: its first buffer already holds the NUL.
        let bin = lines(b"id,name,value\na,b,1\nc,\0,2\nd,e,3\n");
        assert_eq!(
            bin,
            vec!["t.csv:3: the file holds a NUL byte here: binary data, not text\n  hint: save it as UTF-8 text (CSV or TOML)".to_string()]
        );
    }
}
