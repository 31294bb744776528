//! Reading the files a user points Corridor at: bounded in size, refusing what is not a
//! file, stopping at binary data, and counting physical lines whatever the line endings.
//!
//! Every file a user writes (the dataset's tables, `dataset.toml`, a demand table,
//! `simulation.toml`, a scenario) is read through [`open`] or [`read_all`] with a
//! [`Limit`], so a stream such as `/dev/zero` or a mistyped multi-gigabyte path is refused
//! with a message, not read into memory. Lines are counted by [`LineIndex`]: `\n`, `\r\n`
//! and a lone `\r` each end one physical line, so messages point at the line an editor
//! shows, for files saved on Windows (CRLF), old Macs (CR) or Unix (LF), and however many
//! line breaks a quoted CSV field holds.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Where one file's bytes come from.
#[derive(Clone, Debug)]
pub enum Input {
    /// Bytes in memory (the embedded dataset, tests, uploads).
    Bytes(Cow<'static, [u8]>),
    /// A path on disk, streamed while parsing (large datasets never sit in memory whole).
    /// It may name something that is not a regular file; [`open`] says so.
    Path(PathBuf),
    /// The file does not exist.
    Missing,
}

impl Input {
    /// The input for a path: [`Input::Missing`] if nothing is there (a dangling symlink
    /// included), else [`Input::Path`] ([`open`] says what is wrong with it, if anything:
    /// a symbolic link loop, no permission).
    pub fn path(p: &Path) -> Input {
        match std::fs::metadata(p) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Input::Missing,
            _ => Input::Path(p.to_path_buf()),
        }
    }

    /// Size in bytes when known without reading (0 otherwise), to size tables.
    pub fn byte_len(&self) -> u64 {
        match self {
            Input::Bytes(b) => b.len() as u64,
            Input::Path(p) => std::fs::metadata(p)
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .unwrap_or(0),
            Input::Missing => 0,
        }
    }
}

/// The most bytes Corridor reads from one file of a kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// Largest size accepted, bytes.
    pub bytes: u64,
    /// What kind of file, for messages ("a dataset table").
    pub what: &'static str,
}

/// A table of a dataset (`nodes.csv`, `links.csv`, …): 2 GiB, about twenty times the
/// million-link benchmark network.
pub const DATASET_TABLE: Limit = Limit {
    bytes: 2 << 30,
    what: "a dataset table",
};
/// A demand table (`demand.csv`, `--demand`): 256 MiB, millions of flows.
pub const DEMAND_TABLE: Limit = Limit {
    bytes: 256 << 20,
    what: "a demand table",
};
/// A settings file written by hand (`dataset.toml`, `simulation.toml`, a scenario or
/// project file): 16 MiB.
pub const SETTINGS: Limit = Limit {
    bytes: 16 << 20,
    what: "a settings file",
};

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// Nothing at the path.
    NotFound,
    /// The path names a directory.
    Directory,
    /// The path is a symbolic link that leads back to itself.
    LinkLoop,
    /// The path names something that is not a regular file (a named pipe, a device, a
    /// socket): reading it could block forever or never end, so it is refused unread.
    NotRegular {
        /// What it is, with its article ("a named pipe (FIFO)").
        kind: &'static str,
    },
    /// Larger than its limit (`size` is the size found, or the bytes read before stopping).
    TooLarge {
        /// Bytes found (at least).
        size: u64,
        /// The limit it exceeds.
        limit: Limit,
    },
    /// The file holds a NUL byte at this 1-based line: binary data, not text.
    Binary {
        /// Line of the first NUL byte.
        line: u64,
    },
    /// The file is UTF-16 text (Excel's "Unicode Text"), not UTF-8.
    Utf16,
    /// Any other failure of the operating system.
    Io(io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotFound => write!(f, "file not found"),
            ReadError::Directory => write!(f, "this is a directory, not a file"),
            ReadError::LinkLoop => write!(
                f,
                "this is a symbolic link loop: following it never reaches a file"
            ),
            ReadError::NotRegular { kind } => write!(f, "this is {kind}, not a regular file"),
            ReadError::TooLarge { size, limit } => write!(
                f,
                "the file is larger than {} ({} read), the most Corridor reads from {}",
                human_bytes(limit.bytes),
                human_bytes(*size),
                limit.what
            ),
            ReadError::Binary { .. } => {
                write!(f, "the file holds a NUL byte here: binary data, not text")
            }
            ReadError::Utf16 => write!(
                f,
                "the file is UTF-16 text (as Excel's \"Unicode Text\" saves it), not UTF-8"
            ),
            ReadError::Io(e) => write!(f, "cannot read the file: {e}"),
        }
    }
}

impl ReadError {
    /// A hint for the message, where one helps.
    pub fn hint(&self) -> Option<String> {
        match self {
            ReadError::TooLarge { .. } => Some("check the path; split a very large table".into()),
            ReadError::Binary { .. } => Some("save it as UTF-8 text (CSV or TOML)".into()),
            ReadError::Utf16 => Some(
                "save it as UTF-8: in Excel, \"CSV UTF-8 (Comma delimited)\"; or `iconv -f UTF-16 -t UTF-8`"
                    .into(),
            ),
            ReadError::Directory => Some("give the path of a file inside it".into()),
            ReadError::LinkLoop => Some("point the link (or one it leads to) at a file".into()),
            ReadError::NotRegular { .. } => Some(
                "Corridor reads regular files only: save the data to a file and give its path"
                    .into(),
            ),
            _ => None,
        }
    }
    /// The 1-based line the problem is at, when it has one.
    pub fn line(&self) -> Option<u64> {
        match self {
            ReadError::Binary { line } => Some(*line),
            _ => None,
        }
    }
}

/// `2147483648` → `2 GiB`.
pub fn human_bytes(b: u64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KiB", "MiB", "GiB"];
    let mut v = b as f64;
    let mut i = 0;
    while v >= 1024.0 && i + 1 < UNITS.len() {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{b} bytes")
    } else if v.fract() == 0.0 {
        format!("{v:.0} {}", UNITS[i])
    } else {
        format!("{v:.1} {}", UNITS[i])
    }
}

/// Physical line breaks seen in a stream, for turning byte offsets into 1-based lines.
///
/// `\n`, `\r\n` and a lone `\r` each end one line. Offsets are queried in increasing
/// order (records come in file order), so the breaks before the last query are dropped
/// and the index holds at most one buffer's worth.
#[derive(Debug, Default)]
pub struct LineIndex {
    /// Offsets just past each line break not yet consumed by a query, in order.
    breaks: VecDeque<u64>,
    /// Line of the last query's offset.
    line: u64,
    /// Offset of a `\r` seen at the end of a chunk (it ends a line unless `\n` follows).
    pending_cr: Option<u64>,
    /// Bytes seen so far.
    seen: u64,
}

impl LineIndex {
    /// Record the line breaks of the next chunk of the stream; returns the offset of its
    /// first NUL byte, if any. A chunk may end with a `\r` only at the end of the stream.
    fn feed(&mut self, buf: &[u8]) -> Option<u64> {
        let base = self.seen;
        let mut nul = None;
        if let Some(cr) = self.pending_cr.take() {
            if buf.first() != Some(&b'\n') {
                self.breaks.push_back(cr + 1);
            }
        }
        for i in memchr::memchr3_iter(b'\n', b'\r', 0, buf) {
            let off = base + i as u64;
            match buf[i] {
                b'\n' => self.breaks.push_back(off + 1),
                b'\r' => match buf.get(i + 1) {
                    Some(b'\n') => {}
                    Some(_) => self.breaks.push_back(off + 1),
                    None => self.pending_cr = Some(off),
                },
                _ => {
                    if nul.is_none() {
                        nul = Some(off);
                    }
                }
            }
        }
        self.seen += buf.len() as u64;
        nul
    }

    /// Close the stream: a `\r` at its very end ends a line.
    fn finish(&mut self) {
        if let Some(cr) = self.pending_cr.take() {
            self.breaks.push_back(cr + 1);
        }
    }

    /// The 1-based line holding byte `offset`. Offsets must not decrease between calls.
    pub fn line_at(&mut self, offset: u64) -> u64 {
        while self.breaks.front().is_some_and(|&b| b <= offset) {
            self.breaks.pop_front();
            self.line += 1;
        }
        self.line + 1
    }
}

/// Line breaks of a text already in memory (`\n`, `\r\n`, lone `\r`) before `offset`, plus
/// one: the 1-based line of that byte.
pub fn line_of_offset(text: &[u8], offset: usize) -> u64 {
    let end = offset.min(text.len());
    let mut n = 0u64;
    let mut i = 0;
    while i < end {
        match text[i] {
            b'\n' => n += 1,
            b'\r' if text.get(i + 1) != Some(&b'\n') => n += 1,
            _ => {}
        }
        i += 1;
    }
    n + 1
}

/// Line breaks inside a piece of text (for a field that spans lines).
#[inline]
pub fn breaks_in(text: &[u8]) -> u64 {
    if memchr::memchr2(b'\n', b'\r', text).is_none() {
        return 0;
    }
    line_of_offset(text, text.len()) - 1
}

/// A reader that counts line breaks into a shared [`LineIndex`], stops at a NUL byte
/// (binary data) and past its limit, and turns each lone `\r` into `\n` (the CSV reader
/// knows `\n` and `\r\n` line endings, but not `\r` alone before a comment line); byte
/// offsets are unchanged.
pub struct Tracked<R> {
    inner: R,
    read: u64,
    limit: Limit,
    lines: Rc<RefCell<LineIndex>>,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
}

/// The marker inside the `io::Error` a [`Tracked`] reader returns, so the caller can
/// report it as a [`ReadError`].
#[derive(Debug)]
struct Stop(ReadErrorKind);

/// Does a file start like UTF-16 text: a byte-order mark, or ASCII characters each
/// followed (little-endian) or preceded (big-endian) by a zero byte?
fn looks_utf16(start: &[u8]) -> bool {
    if start.starts_with(&[0xFF, 0xFE]) || start.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let text = |b: u8| b.is_ascii_graphic() || b == b' ' || b == b'\t' || b == b'\n' || b == b'\r';
    let pairs = &start[..start.len().min(16) / 2 * 2];
    pairs.len() >= 4
        && (pairs.chunks(2).all(|p| text(p[0]) && p[1] == 0)
            || pairs.chunks(2).all(|p| p[0] == 0 && text(p[1])))
}

#[derive(Debug, Clone, Copy)]
enum ReadErrorKind {
    TooLarge(u64),
    Binary(u64),
    Utf16,
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}
impl std::error::Error for Stop {}

impl<R: Read> Tracked<R> {
    /// Read the next chunk into the buffer; a chunk never ends with a `\r` whose next byte
    /// is unknown, except at the end of the stream.
    fn fill(&mut self) -> io::Result<()> {
        self.buf.resize(1 << 16, 0);
        let mut n = loop {
            match self.inner.read(&mut self.buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        if n == 0 {
            self.eof = true;
        }
        while n > 0 && self.buf[n - 1] == b'\r' {
            if n == self.buf.len() {
                self.buf.push(0);
            }
            match self.inner.read(&mut self.buf[n..n + 1]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.buf.truncate(n);
        self.pos = 0;
        self.read += n as u64;
        if self.read > self.limit.bytes {
            return Err(io::Error::other(Stop(ReadErrorKind::TooLarge(self.read))));
        }
        if self.read == n as u64 && looks_utf16(&self.buf) {
            return Err(io::Error::other(Stop(ReadErrorKind::Utf16)));
        }
        let mut lines = self.lines.borrow_mut();
        if let Some(off) = lines.feed(&self.buf) {
            // The line of the NUL: the breaks consumed by queries, plus those before it.
            let line = 1 + lines.line + lines.breaks.iter().filter(|&&b| b <= off).count() as u64;
            return Err(io::Error::other(Stop(ReadErrorKind::Binary(line))));
        }
        if self.eof {
            lines.finish();
        }
        let mut i = 0;
        while let Some(j) = memchr::memchr(b'\r', &self.buf[i..]) {
            let at = i + j;
            if self.buf.get(at + 1) != Some(&b'\n') {
                self.buf[at] = b'\n';
            }
            i = at + 1;
        }
        Ok(())
    }
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.buf.len() {
            if self.eof {
                return Ok(0);
            }
            self.fill()?;
        }
        let k = out.len().min(self.buf.len() - self.pos);
        out[..k].copy_from_slice(&self.buf[self.pos..self.pos + k]);
        self.pos += k;
        Ok(k)
    }
}

/// Turn an I/O error from a [`Tracked`] reader (or the CSV reader above it) back into the
/// reason the reading stopped.
pub fn read_error(e: io::Error, limit: Limit) -> ReadError {
    if let Some(Stop(kind)) = e.get_ref().and_then(|x| x.downcast_ref::<Stop>()) {
        return match *kind {
            ReadErrorKind::TooLarge(size) => ReadError::TooLarge { size, limit },
            ReadErrorKind::Binary(line) => ReadError::Binary { line },
            ReadErrorKind::Utf16 => ReadError::Utf16,
        };
    }
    ReadError::Io(e)
}

/// An opened input: the reader, and the line index it fills.
pub type Opened<'a> = (Tracked<Box<dyn Read + 'a>>, Rc<RefCell<LineIndex>>);

/// Does following the symbolic links of `p` (its last component, then each target) come
/// back to one already seen, or go on for more links than a system follows?
fn link_loop(p: &Path) -> bool {
    let mut seen = std::collections::HashSet::new();
    let mut cur = p.to_path_buf();
    for _ in 0..64 {
        let Ok(target) = std::fs::read_link(&cur) else {
            return false;
        };
        if !seen.insert(cur.clone()) {
            return true;
        }
        cur = match cur.parent() {
            Some(dir) if target.is_relative() => dir.join(target),
            _ => target,
        };
    }
    true
}

/// What a file type is, with its article, for a refusal ("a named pipe (FIFO)").
pub fn file_kind(ft: std::fs::FileType) -> &'static str {
    if ft.is_symlink() {
        return "a symbolic link";
    }
    if ft.is_dir() {
        return "a directory";
    }
    if ft.is_file() {
        return "a regular file";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_block_device() || ft.is_char_device() {
            return "a device";
        }
        if ft.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// Open an input for streaming, with its limit: refuses a directory, anything else that
/// is not a regular file (a named pipe, a device such as `/dev/stdin` or `/dev/zero`, a
/// socket: opening or reading one can block forever) and a regular file over the limit,
/// before reading. The file type is checked before opening (so opening never blocks) and
/// again on the opened file. The returned [`LineIndex`] fills as the reader is read.
pub fn open(input: &Input, limit: Limit) -> Result<Opened<'_>, ReadError> {
    let inner: Box<dyn Read + '_> = match input {
        Input::Missing => return Err(ReadError::NotFound),
        Input::Bytes(b) => {
            if b.len() as u64 > limit.bytes {
                return Err(ReadError::TooLarge {
                    size: b.len() as u64,
                    limit,
                });
            }
            Box::new(&b[..])
        }
        Input::Path(p) => {
            let meta = match std::fs::metadata(p) {
                Ok(m) => m,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(ReadError::NotFound),
                Err(_) if link_loop(p) => return Err(ReadError::LinkLoop),
                Err(e) => return Err(ReadError::Io(e)),
            };
            let regular = |meta: &std::fs::Metadata| {
                if meta.is_dir() {
                    return Err(ReadError::Directory);
                }
                if !meta.is_file() {
                    return Err(ReadError::NotRegular {
                        kind: file_kind(meta.file_type()),
                    });
                }
                if meta.len() > limit.bytes {
                    return Err(ReadError::TooLarge {
                        size: meta.len(),
                        limit,
                    });
                }
                Ok(())
            };
            regular(&meta)?;
            let file = std::fs::File::open(p).map_err(ReadError::Io)?;
            // What was opened is what was checked (the path may have changed meanwhile).
            regular(&file.metadata().map_err(ReadError::Io)?)?;
            Box::new(file)
        }
    };
    let lines = Rc::new(RefCell::new(LineIndex::default()));
    Ok((
        Tracked {
            inner,
            read: 0,
            limit,
            lines: Rc::clone(&lines),
            buf: Vec::new(),
            pos: 0,
            eof: false,
        },
        lines,
    ))
}

/// Read a whole input (a TOML file) with its limit, as UTF-8 text. Invalid UTF-8 is
/// reported at its line as [`TextError::NotUtf8`].
pub fn read_all(input: &Input, limit: Limit) -> Result<String, TextError> {
    let (mut r, _) = open(input, limit).map_err(TextError::Read)?;
    let mut bytes = Vec::new();
    if let Input::Bytes(b) = input {
        bytes.reserve(b.len());
    }
    r.read_to_end(&mut bytes)
        .map_err(|e| TextError::Read(read_error(e, limit)))?;
    String::from_utf8(bytes).map_err(|e| {
        let pos = e.utf8_error().valid_up_to();
        TextError::NotUtf8 {
            line: line_of_offset(e.as_bytes(), pos),
        }
    })
}

/// Why a text file could not be read.
#[derive(Debug)]
pub enum TextError {
    /// It could not be read at all (see [`ReadError`]).
    Read(ReadError),
    /// It is not UTF-8 from this 1-based line.
    NotUtf8 {
        /// Line of the first invalid byte.
        line: u64,
    },
}

impl TextError {
    /// The line the problem is at, when it has one.
    pub fn line(&self) -> Option<u64> {
        match self {
            TextError::Read(e) => e.line(),
            TextError::NotUtf8 { line } => Some(*line),
        }
    }
    /// A hint for the message.
    pub fn hint(&self) -> Option<String> {
        match self {
            TextError::Read(e) => e.hint(),
            TextError::NotUtf8 { .. } => Some("save it as UTF-8".into()),
        }
    }
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextError::Read(e) => e.fmt(f),
            TextError::NotUtf8 { .. } => write!(f, "the file is not valid UTF-8 text"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &[u8], offsets: &[u64]) -> Vec<u64> {
        let input = Input::Bytes(Cow::Owned(text.to_vec()));
        let (mut r, idx) = open(&input, SETTINGS).unwrap();
        let mut sink = Vec::new();
        // Small reads: chunk boundaries must not matter (a `\r` at a chunk's end).
        let mut buf = [0u8; 3];
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            sink.extend_from_slice(&buf[..n]);
        }
        let mut idx = idx.borrow_mut();
        offsets.iter().map(|&o| idx.line_at(o)).collect()
    }

    #[test]
    fn every_line_ending_counts_once() {
        // a\nb\r\nc\rd : lines a=1, b=2, c=3, d=4
        let t = b"a\nb\r\nc\rd";
        assert_eq!(lines_of(t, &[0, 2, 5, 7]), vec![1, 2, 3, 4]);
        assert_eq!(line_of_offset(t, 7), 4);
        assert_eq!(line_of_offset(b"x\r\n\r\ny", 6), 3);
        assert_eq!(breaks_in(b"one\r\ntwo\nthree"), 2);
    }

    #[test]
    fn a_nul_byte_stops_the_stream_at_its_line() {
        let input = Input::Bytes(Cow::Borrowed(b"id,name\r\nA,x\r\nB,\0\r\n"));
        let (mut r, _) = open(&input, SETTINGS).unwrap();
        let mut v = Vec::new();
        let e = r.read_to_end(&mut v).unwrap_err();
        match read_error(e, SETTINGS) {
            ReadError::Binary { line } => assert_eq!(line, 3),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn limits_are_enforced_before_and_while_reading() {
        let small = Limit {
            bytes: 4,
            what: "a test file",
        };
        let input = Input::Bytes(Cow::Borrowed(b"12345"));
        assert!(matches!(
            open(&input, small),
            Err(ReadError::TooLarge { size: 5, .. })
        ));
        // A regular file over the limit is refused before it is read.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big");
        std::fs::write(&p, b"123456789").unwrap();
        assert!(matches!(
            open(&Input::Path(p.clone()), small),
            Err(ReadError::TooLarge { size: 9, .. })
        ));
        assert!(matches!(
            open(&Input::Path(dir.path().to_path_buf()), small),
            Err(ReadError::Directory)
        ));
        let msg = ReadError::TooLarge {
            size: 3 << 30,
            limit: DATASET_TABLE,
        }
        .to_string();
        assert!(msg.contains("larger than 2 GiB (3 GiB read)"), "{msg}");
    }

    #[test]
    fn utf16_text_is_named_as_such() {
        let utf16 = |big: bool, bom: bool| {
            let mut v: Vec<u8> = Vec::new();
            if bom {
                v.extend(if big { [0xFE, 0xFF] } else { [0xFF, 0xFE] });
            }
            for c in "id,name\nKZ-DOSTYK,Dostyk\n".encode_utf16() {
                v.extend(if big {
                    c.to_be_bytes()
                } else {
                    c.to_le_bytes()
                });
            }
            v
        };
        for (big, bom) in [(false, true), (true, true), (false, false), (true, false)] {
            let input = Input::Bytes(Cow::Owned(utf16(big, bom)));
            match read_all(&input, SETTINGS) {
                Err(TextError::Read(e @ ReadError::Utf16)) => {
                    assert!(e.hint().unwrap().contains("CSV UTF-8"), "{:?}", e.hint())
                }
                other => panic!("big {big} bom {bom}: {other:?}"),
            }
        }
        // UTF-8 text is not mistaken for it.
        let input = Input::Bytes(Cow::Borrowed(b"id,name\nKZ-DOSTYK,Dostyk\n"));
        assert!(read_all(&input, SETTINGS).is_ok());
    }

    #[test]
    fn devices_and_named_pipes_are_refused_unread() {
        let zero = Path::new("/dev/zero");
        if !zero.exists() {
            return;
        }
        let t = std::time::Instant::now();
        match read_all(&Input::Path(zero.into()), DEMAND_TABLE) {
            Err(TextError::Read(ReadError::NotRegular { kind: "a device" })) => {}
            other => panic!("{other:?}"),
        }
        // A named pipe without a writer: opening it would block forever.
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("demand.csv");
        if std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success())
        {
            let e = open(&Input::Path(fifo), DEMAND_TABLE).err().unwrap();
            assert_eq!(
                e.to_string(),
                "this is a named pipe (FIFO), not a regular file"
            );
        }
        assert!(t.elapsed().as_secs() < 5);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_loop_is_named_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink("a.csv", &b).unwrap();
        let input = Input::path(&a);
        assert!(matches!(input, Input::Path(_)), "{input:?}");
        let e = open(&input, SETTINGS).err().unwrap();
        assert_eq!(
            e.to_string(),
            "this is a symbolic link loop: following it never reaches a file"
        );
        // A dangling link is a missing file.
        let dangling = dir.path().join("c.csv");
        std::os::unix::fs::symlink("nowhere.csv", &dangling).unwrap();
        assert!(matches!(Input::path(&dangling), Input::Missing));
    }
}
