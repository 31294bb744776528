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
    fn diag(&self, name: &str, message: String, hint: Option<String>) -> Diagnostic {
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
    let header = loop {
        match rdr.read_byte_record(&mut raw) {
            Ok(true) if blank(&raw) => continue,
            Ok(true) => break raw.clone(),
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
        let line = first_line(&rdr, &raw);
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
