//! Unified-diff parser: `git diff` output and the per-file `patch` text of GitHub and GitLab.
//!
//! Why: review comments must land on lines that the forge shows in its diff, and "newly
//! introduced" findings are judged against the changed lines. Both need the exact hunks of
//! the change, which arrive as unified-diff text from three places:
//!
//! * `git diff` locally ([`parse_git_diff`]): several files, each with a `diff --git` header
//!   and git's extended headers (modes, renames, copies, `index`, binary markers), C-quoted
//!   paths for unusual names, and `---`/`+++` lines (`/dev/null` for added/removed files).
//!   Plain `diff -u` style files (only `---`/`+++`) are accepted too.
//! * GitHub's and GitLab's file listings ([`parse_hunks`]): only the hunks of one file,
//!   starting directly with `@@ -a,b +c,d @@`.
//!
//! The parser is driven by the line counts of each hunk header, like `git apply`, so a
//! removed line that reads `-- a/x` is never mistaken for a file header. It tolerates what
//! real producers emit (omitted counts, `\ No newline at end of file`, CRLF line endings,
//! empty context lines whose leading space was trimmed) and rejects everything else with a
//! [`DiffError`] that carries the line number. It never panics, whatever the input.
//!
//! Paths are returned as repository-relative strings with git's `a/` and `b/` prefixes
//! removed. Callers running `git diff` should pass `--src-prefix=a/ --dst-prefix=b/`
//! (which overrides `diff.noprefix` and `diff.mnemonicPrefix` in the user's configuration),
//! plus `--no-color --no-ext-diff`.

use super::error::{DiffError, DiffErrorKind, snippet};

/// How a file changed between base and head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileStatus {
    /// The file is new: only `new_path` is set.
    Added,
    /// The file exists on both sides under the same path (content or mode changed).
    Modified,
    /// The file moved from `old_path` to `new_path`, possibly with edits.
    Renamed,
    /// `new_path` is a copy of `old_path`, possibly with edits; `old_path` still exists.
    Copied,
    /// The file was deleted: only `old_path` is set.
    Removed,
}

/// The role of a line inside a hunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineKind {
    /// Unchanged line shown for context (` ` prefix): on both sides.
    Context,
    /// Line only in the new version (`+` prefix).
    Added,
    /// Line only in the old version (`-` prefix).
    Removed,
}

/// One line of a hunk.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HunkLine {
    /// Context, added or removed.
    pub kind: LineKind,
    /// 1-based line number in the old file (context and removed lines).
    pub old_line: Option<u32>,
    /// 1-based line number in the new file (context and added lines).
    pub new_line: Option<u32>,
    /// The line's text without its prefix character and without `\n` / `\r\n`.
    pub content: String,
    /// The line is the last of its file and has no newline (`\ No newline at end of file`).
    pub missing_newline: bool,
}

/// A hunk: a contiguous region of change with its surrounding context.
///
/// The header fields follow the unified-diff convention: a side with `len == 0` has
/// `start` = the line *after which* the change happens (0 at the top of the file).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Hunk {
    /// First old line of the hunk (see the type's documentation for `old_len == 0`).
    pub old_start: u32,
    /// Number of old-side lines (context + removed).
    pub old_len: u32,
    /// First new line of the hunk (see the type's documentation for `new_len == 0`).
    pub new_start: u32,
    /// Number of new-side lines (context + added).
    pub new_len: u32,
    /// The text after the closing `@@` (git's function-context heading), if any.
    pub section: Option<String>,
    /// The lines of the hunk, in order.
    pub lines: Vec<HunkLine>,
}

impl Hunk {
    /// Old-side lines occupied by the hunk as a half-open range `[first, end)`; empty (at the
    /// insertion point) when `old_len == 0`. In `u64` so hostile headers cannot overflow.
    pub(crate) fn old_span(&self) -> (u64, u64) {
        side_span(self.old_start, self.old_len)
    }

    /// New-side counterpart of [`Hunk::old_span`].
    pub(crate) fn new_span(&self) -> (u64, u64) {
        side_span(self.new_start, self.new_len)
    }
}

fn side_span(start: u32, len: u32) -> (u64, u64) {
    let first = if len == 0 {
        u64::from(start) + 1
    } else {
        u64::from(start)
    };
    (first, first + u64::from(len))
}

/// One file's part of a multi-file diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePatch {
    /// Path in the base version (`None` for added files), without the `a/` prefix.
    pub old_path: Option<String>,
    /// Path in the head version (`None` for removed files), without the `b/` prefix.
    pub new_path: Option<String>,
    /// How the file changed.
    pub status: FileStatus,
    /// git reported the file as binary (`Binary files ... differ` or `GIT binary patch`).
    pub is_binary: bool,
    /// The hunks; empty for binary files, pure renames/copies and mode changes.
    pub hunks: Vec<Hunk>,
}

/// Parses `git diff` output (any number of files).
///
/// Empty input (no changes) gives an empty list. Text before the first file header, combined
/// diffs of merges (`diff --cc`) and anything else that is not a diff are errors.
pub fn parse_git_diff(text: &str) -> Result<Vec<FilePatch>, DiffError> {
    let mut input = Input::new(text);
    let mut files = Vec::new();
    loop {
        input.skip_blank();
        let Some(line) = input.peek() else { break };
        if line.starts_with("diff --git ") {
            files.push(parse_git_file(&mut input)?);
        } else if line.starts_with("diff --cc ") || line.starts_with("diff --combined ") {
            return Err(input.err(DiffErrorKind::CombinedDiff));
        } else if line.starts_with("--- ") && input.peek2().is_some_and(|l| l.starts_with("+++ ")) {
            files.push(parse_plain_file(&mut input)?);
        } else {
            return Err(input.err(DiffErrorKind::ExpectedFileHeader(snippet(line))));
        }
    }
    Ok(files)
}

/// Parses the hunks of a single file, as in the `patch` field of GitHub's pull-request files
/// and the `diff` field of GitLab's merge-request diffs: the text starts with `@@`.
///
/// Empty text gives no hunks. If the text ends without a newline in the middle of a hunk
/// that lacks exactly as many old as new lines (at most 3, the context size), the missing
/// lines are taken to be empty context lines that lost their `" \n"` to whitespace trimming.
pub fn parse_hunks(text: &str) -> Result<Vec<Hunk>, DiffError> {
    let mut input = Input::new(text);
    let mut hunks: Vec<Hunk> = Vec::new();
    loop {
        input.skip_blank();
        let Some(line) = input.peek() else { break };
        if line.starts_with("@@") {
            let line_no = input.line_no();
            let hunk = parse_hunk(&mut input, true)?;
            push_in_order(&mut hunks, hunk, line_no)?;
        } else if !hunks.is_empty() && starts_like_hunk_line(line) {
            return Err(input.err(DiffErrorKind::TrailingHunkLine));
        } else {
            return Err(input.err(DiffErrorKind::ExpectedHunkHeader(snippet(line))));
        }
    }
    Ok(hunks)
}

/// The text split into lines (on `\n`, with a trailing `\r` removed), with a cursor.
struct Input<'a> {
    lines: Vec<&'a str>,
    pos: usize,
    ends_with_newline: bool,
}

impl<'a> Input<'a> {
    fn new(text: &'a str) -> Self {
        let mut lines: Vec<&'a str> = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect();
        // `split` yields an empty piece after a final newline (and for empty text).
        if lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        Input {
            lines,
            pos: 0,
            ends_with_newline: text.ends_with('\n'),
        }
    }

    fn peek(&self) -> Option<&'a str> {
        self.lines.get(self.pos).copied()
    }

    fn peek2(&self) -> Option<&'a str> {
        self.lines.get(self.pos + 1).copied()
    }

    fn advance(&mut self) {
        self.pos += 1;
    }

    /// 1-based number of the line [`Input::peek`] returns (or one past the end).
    fn line_no(&self) -> usize {
        self.pos + 1
    }

    fn skip_blank(&mut self) {
        while self.peek().is_some_and(str::is_empty) {
            self.advance();
        }
    }

    fn err(&self, kind: DiffErrorKind) -> DiffError {
        // At the end of the input this is the line after the last one (0 for empty text).
        let line = if self.lines.is_empty() {
            0
        } else {
            self.line_no()
        };
        DiffError { line, kind }
    }
}

fn starts_like_hunk_line(line: &str) -> bool {
    matches!(line.as_bytes().first(), Some(b' ' | b'+' | b'-'))
}

/// Parses one `diff --git` section: header, extended headers, `---`/`+++`, hunks.
fn parse_git_file(input: &mut Input<'_>) -> Result<FilePatch, DiffError> {
    let header_line = input.line_no();
    let header = input.peek().unwrap_or_default();
    let names = split_git_header_names(header.strip_prefix("diff --git ").unwrap_or_default())
        .map_err(|k| input.err(k))?;
    input.advance();

    let mut meta = FileMeta {
        header_old: names.as_ref().map(|(a, _)| a.clone()),
        header_new: names.map(|(_, b)| b),
        ..FileMeta::default()
    };

    while let Some(line) = input.peek() {
        if line.starts_with("diff ") || line.starts_with("@@") || line.starts_with("--- ") {
            break;
        }
        if line.is_empty() {
            // Not written by git; tolerated so the `---` line below still belongs here.
        } else if line.starts_with("new file mode ") {
            meta.added = true;
        } else if line.starts_with("deleted file mode ") {
            meta.removed = true;
        } else if [
            "old mode ",
            "new mode ",
            "index ",
            "similarity index ",
            "dissimilarity index ",
        ]
        .iter()
        .any(|p| line.starts_with(p))
        {
            // Nothing we need.
        } else if let Some(v) = line.strip_prefix("rename from ") {
            meta.renamed = true;
            meta.from = Some(header_value_path(v).map_err(|k| input.err(k))?);
        } else if let Some(v) = line.strip_prefix("rename to ") {
            meta.renamed = true;
            meta.to = Some(header_value_path(v).map_err(|k| input.err(k))?);
        } else if let Some(v) = line.strip_prefix("copy from ") {
            meta.copied = true;
            meta.from = Some(header_value_path(v).map_err(|k| input.err(k))?);
        } else if let Some(v) = line.strip_prefix("copy to ") {
            meta.copied = true;
            meta.to = Some(header_value_path(v).map_err(|k| input.err(k))?);
        } else if line.starts_with("Binary files ") && line.ends_with(" differ") {
            meta.binary = true;
            input.advance();
            break;
        } else if line == "GIT binary patch" {
            meta.binary = true;
            input.advance();
            // Base85 data lines, blank separators: skip to the next file.
            while input.peek().is_some_and(|l| !l.starts_with("diff ")) {
                input.advance();
            }
            break;
        } else {
            return Err(input.err(DiffErrorKind::BadExtendedHeader(snippet(line))));
        }
        input.advance();
    }

    if !meta.binary && input.peek().is_some_and(|l| l.starts_with("--- ")) {
        parse_file_lines(input, &mut meta)?;
    }
    let hunks = if meta.binary {
        Vec::new()
    } else {
        parse_file_hunks(input)?
    };
    meta.finish(hunks, header_line)
}

/// Parses a file section that has only `---`/`+++` lines (plain `diff -u`).
fn parse_plain_file(input: &mut Input<'_>) -> Result<FilePatch, DiffError> {
    let header_line = input.line_no();
    let mut meta = FileMeta::default();
    parse_file_lines(input, &mut meta)?;
    let hunks = parse_file_hunks(input)?;
    meta.finish(hunks, header_line)
}

/// Consumes the `--- old` and `+++ new` lines.
fn parse_file_lines(input: &mut Input<'_>, meta: &mut FileMeta) -> Result<(), DiffError> {
    let minus = input.peek().and_then(|l| l.strip_prefix("--- "));
    let Some(minus) = minus else {
        return Err(input.err(DiffErrorKind::MissingNewFileLine));
    };
    meta.minus = Some(marker_path(minus).map_err(|k| input.err(k))?);
    input.advance();
    let Some(plus) = input.peek().and_then(|l| l.strip_prefix("+++ ")) else {
        return Err(input.err(DiffErrorKind::MissingNewFileLine));
    };
    meta.plus = Some(marker_path(plus).map_err(|k| input.err(k))?);
    input.advance();
    Ok(())
}

/// Parses the hunks of one file in a multi-file diff, up to the next file header.
fn parse_file_hunks(input: &mut Input<'_>) -> Result<Vec<Hunk>, DiffError> {
    let mut hunks: Vec<Hunk> = Vec::new();
    loop {
        input.skip_blank();
        let Some(line) = input.peek() else { break };
        if line.starts_with("@@") {
            let line_no = input.line_no();
            let hunk = parse_hunk(input, false)?;
            push_in_order(&mut hunks, hunk, line_no)?;
        } else if starts_like_hunk_line(line)
            && !(line.starts_with("--- ") && input.peek2().is_some_and(|l| l.starts_with("+++ ")))
        {
            return Err(input.err(if hunks.is_empty() {
                DiffErrorKind::ExpectedHunkHeader(snippet(line))
            } else {
                DiffErrorKind::TrailingHunkLine
            }));
        } else {
            // A following file header (or garbage, which the caller reports).
            break;
        }
    }
    Ok(hunks)
}

fn push_in_order(hunks: &mut Vec<Hunk>, hunk: Hunk, line_no: usize) -> Result<(), DiffError> {
    if let Some(prev) = hunks.last()
        && (prev.old_span().1 > hunk.old_span().0 || prev.new_span().1 > hunk.new_span().0)
    {
        return Err(DiffError {
            line: line_no,
            kind: DiffErrorKind::HunkOrder,
        });
    }
    hunks.push(hunk);
    Ok(())
}

/// What the header lines of one file said.
#[derive(Default)]
struct FileMeta {
    header_old: Option<String>,
    header_new: Option<String>,
    /// `---` path; `Some(None)` is `/dev/null`.
    minus: Option<Option<String>>,
    /// `+++` path; `Some(None)` is `/dev/null`.
    plus: Option<Option<String>>,
    from: Option<String>,
    to: Option<String>,
    added: bool,
    removed: bool,
    renamed: bool,
    copied: bool,
    binary: bool,
}

impl FileMeta {
    fn finish(self, hunks: Vec<Hunk>, header_line: usize) -> Result<FilePatch, DiffError> {
        let added = self.added || matches!(self.minus, Some(None));
        let removed = self.removed || matches!(self.plus, Some(None));
        let status = if added {
            FileStatus::Added
        } else if removed {
            FileStatus::Removed
        } else if self.renamed {
            FileStatus::Renamed
        } else if self.copied {
            FileStatus::Copied
        } else {
            FileStatus::Modified
        };
        let old = self
            .from
            .or_else(|| self.minus.flatten().map(|p| strip_prefix_owned(p, "a/")))
            .or_else(|| self.header_old.map(|p| strip_prefix_owned(p, "a/")));
        let new = self
            .to
            .or_else(|| self.plus.flatten().map(|p| strip_prefix_owned(p, "b/")))
            .or_else(|| self.header_new.map(|p| strip_prefix_owned(p, "b/")));
        let (old_path, new_path) = match status {
            FileStatus::Added => (None, new),
            FileStatus::Removed => (old, None),
            _ => match (old, new) {
                (Some(o), Some(n)) => (Some(o), Some(n)),
                (Some(o), None) => (Some(o.clone()), Some(o)),
                (None, Some(n)) => (Some(n.clone()), Some(n)),
                (None, None) => (None, None),
            },
        };
        if old_path.is_none() && new_path.is_none() {
            return Err(DiffError {
                line: header_line,
                kind: DiffErrorKind::MissingPath,
            });
        }
        Ok(FilePatch {
            old_path,
            new_path,
            status,
            is_binary: self.binary,
            hunks,
        })
    }
}

fn strip_prefix_owned(path: String, prefix: &str) -> String {
    match path.strip_prefix(prefix) {
        Some(rest) => rest.to_owned(),
        None => path,
    }
}

/// The path of a `---`/`+++` line: quoted, or cut at a tab (git appends one to names with
/// spaces; `diff -u` puts a timestamp there). `None` is `/dev/null`.
fn marker_path(value: &str) -> Result<Option<String>, DiffErrorKind> {
    if value.starts_with('"') {
        return unquote(value).map(|(p, _)| Some(p));
    }
    let path = value.split('\t').next().unwrap_or(value);
    if path == "/dev/null" {
        return Ok(None);
    }
    if path.is_empty() {
        return Err(DiffErrorKind::MissingPath);
    }
    Ok(Some(path.to_owned()))
}

/// The path in `rename from X` and similar lines: quoted, or the rest of the line.
fn header_value_path(value: &str) -> Result<String, DiffErrorKind> {
    if value.starts_with('"') {
        unquote(value).map(|(p, _)| p)
    } else if value.is_empty() {
        Err(DiffErrorKind::MissingPath)
    } else {
        Ok(value.to_owned())
    }
}

/// Splits the names of `diff --git <a> <b>`. Returns `Ok(None)` when unquoted names with
/// spaces make the split ambiguous (the other headers then name the file).
fn split_git_header_names(rest: &str) -> Result<Option<(String, String)>, DiffErrorKind> {
    if rest.starts_with('"') {
        let (a, after) = unquote(rest)?;
        let Some(after) = after.strip_prefix(' ') else {
            return Ok(None);
        };
        let b = if after.starts_with('"') {
            unquote(after)?.0
        } else {
            after.to_owned()
        };
        return Ok(Some((a, b)));
    }
    if rest.ends_with('"')
        && let Some(idx) = rest.find(" \"")
    {
        let a = rest.get(..idx).unwrap_or_default();
        let quoted = rest.get(idx + 1..).unwrap_or_default();
        if let Ok((b, tail)) = unquote(quoted)
            && tail.is_empty()
        {
            return Ok(Some((a.to_owned(), b)));
        }
    }
    // Same name on both sides (everything but renames and copies): `a/X b/X`.
    if rest.len() % 2 == 1 {
        let mid = rest.len() / 2;
        if rest.as_bytes().get(mid) == Some(&b' ')
            && let (Some(a), Some(b)) = (rest.get(..mid), rest.get(mid + 1..))
            && without_first_component(a) == without_first_component(b)
        {
            return Ok(Some((a.to_owned(), b.to_owned())));
        }
    }
    if let Some(idx) = rest.find(" b/")
        && let (Some(a), Some(b)) = (rest.get(..idx), rest.get(idx + 1..))
    {
        return Ok(Some((a.to_owned(), b.to_owned())));
    }
    Ok(None)
}

fn without_first_component(path: &str) -> &str {
    path.split_once('/').map_or(path, |(_, rest)| rest)
}

/// Decodes a C-quoted string as git writes it (`"a/sp\303\251cial.py"`), starting at the
/// opening quote. Returns the decoded text (invalid UTF-8 replaced) and what follows the
/// closing quote.
fn unquote(s: &str) -> Result<(String, &str), DiffErrorKind> {
    let bytes = s.as_bytes();
    if bytes.first() != Some(&b'"') {
        return Err(DiffErrorKind::BadQuotedPath("missing opening quote"));
    }
    let mut out = Vec::new();
    let mut i = 1;
    loop {
        let Some(&b) = bytes.get(i) else {
            return Err(DiffErrorKind::BadQuotedPath("missing closing quote"));
        };
        match b {
            b'"' => {
                let rest = s.get(i + 1..).unwrap_or_default();
                return Ok((String::from_utf8_lossy(&out).into_owned(), rest));
            }
            b'\\' => {
                let Some(&e) = bytes.get(i + 1) else {
                    return Err(DiffErrorKind::BadQuotedPath("unfinished escape"));
                };
                let (byte, used) = match e {
                    b'a' => (0x07, 2),
                    b'b' => (0x08, 2),
                    b't' => (b'\t', 2),
                    b'n' => (b'\n', 2),
                    b'v' => (0x0b, 2),
                    b'f' => (0x0c, 2),
                    b'r' => (b'\r', 2),
                    b'"' | b'\\' => (e, 2),
                    b'0'..=b'3' => {
                        let digits = bytes.get(i + 1..i + 4).unwrap_or_default();
                        if digits.len() != 3 || !digits.iter().all(|d| (b'0'..=b'7').contains(d)) {
                            return Err(DiffErrorKind::BadQuotedPath("bad octal escape"));
                        }
                        let value = digits
                            .iter()
                            .fold(0u32, |acc, d| acc * 8 + u32::from(d - b'0'));
                        let Ok(byte) = u8::try_from(value) else {
                            return Err(DiffErrorKind::BadQuotedPath("bad octal escape"));
                        };
                        (byte, 4)
                    }
                    _ => return Err(DiffErrorKind::BadQuotedPath("unknown escape")),
                };
                out.push(byte);
                i += used;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
}

/// Parses `@@ -a[,b] +c[,d] @@[ section]`.
fn parse_hunk_header(line: &str) -> Result<(u32, u32, u32, u32, Option<String>), DiffErrorKind> {
    let bad = |why| DiffErrorKind::BadHunkHeader(snippet(line), why);
    if line.starts_with("@@@") {
        return Err(DiffErrorKind::CombinedDiff);
    }
    let rest = line
        .strip_prefix("@@ -")
        .ok_or_else(|| bad("expected '@@ -'"))?;
    let (old, rest) = rest.split_once(" +").ok_or_else(|| bad("expected ' +'"))?;
    let (new, rest) = rest
        .split_once(" @@")
        .ok_or_else(|| bad("expected closing ' @@'"))?;
    let (old_start, old_len) = parse_range(old).ok_or_else(|| bad("bad old range"))?;
    let (new_start, new_len) = parse_range(new).ok_or_else(|| bad("bad new range"))?;
    if (old_start == 0 && old_len > 0) || (new_start == 0 && new_len > 0) {
        return Err(bad("line numbers start at 1"));
    }
    if old_len == 0 && new_len == 0 {
        return Err(bad("empty hunk"));
    }
    let fits = |start: u32, len: u32| u64::from(start) + u64::from(len) <= u64::from(u32::MAX);
    if !fits(old_start, old_len) || !fits(new_start, new_len) {
        return Err(bad("line numbers too large"));
    }
    let section = rest.trim_start();
    let section = (!section.is_empty()).then(|| section.to_owned());
    Ok((old_start, old_len, new_start, new_len, section))
}

/// `a,b` or `a` (count 1).
fn parse_range(s: &str) -> Option<(u32, u32)> {
    match s.split_once(',') {
        Some((start, len)) => Some((parse_number(start)?, parse_number(len)?)),
        None => Some((parse_number(s)?, 1)),
    }
}

fn parse_number(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Most empty trailing context lines assumed lost to trimming (git's default context).
const MAX_TRIMMED_TAIL: u32 = 3;

/// Parses one hunk; the cursor is on its `@@` line.
fn parse_hunk(input: &mut Input<'_>, allow_trimmed_tail: bool) -> Result<Hunk, DiffError> {
    let header_line = input.line_no();
    let header = input.peek().unwrap_or_default();
    let (old_start, old_len, new_start, new_len, section) =
        parse_hunk_header(header).map_err(|k| input.err(k))?;
    input.advance();

    let mut hunk = Hunk {
        old_start,
        old_len,
        new_start,
        new_len,
        section,
        lines: Vec::new(),
    };
    let (mut old_rem, mut new_rem) = (old_len, new_len);
    let (mut old_cur, mut new_cur) = (old_start, new_start);
    let mismatch = |what| DiffErrorKind::HunkCountMismatch {
        header_line,
        what,
        old_len,
        new_len,
    };

    while old_rem > 0 || new_rem > 0 {
        let Some(line) = input.peek() else {
            if allow_trimmed_tail
                && !input.ends_with_newline
                && old_rem == new_rem
                && old_rem <= MAX_TRIMMED_TAIL
            {
                for _ in 0..old_rem {
                    hunk.lines
                        .push(context_line(&mut old_cur, &mut new_cur, ""));
                }
                return Ok(hunk);
            }
            return Err(input.err(DiffErrorKind::HunkTooShort {
                header_line,
                missing_old: old_rem,
                missing_new: new_rem,
            }));
        };
        match line.as_bytes().first() {
            // An empty line is a context line whose leading space was trimmed.
            None | Some(b' ') => {
                if old_rem == 0 || new_rem == 0 {
                    return Err(input.err(mismatch("context")));
                }
                let content = line.get(1..).unwrap_or_default();
                hunk.lines
                    .push(context_line(&mut old_cur, &mut new_cur, content));
                old_rem -= 1;
                new_rem -= 1;
            }
            Some(b'+') => {
                if new_rem == 0 {
                    return Err(input.err(mismatch("added")));
                }
                hunk.lines.push(HunkLine {
                    kind: LineKind::Added,
                    old_line: None,
                    new_line: Some(new_cur),
                    content: line.get(1..).unwrap_or_default().to_owned(),
                    missing_newline: false,
                });
                new_cur = new_cur.saturating_add(1);
                new_rem -= 1;
            }
            Some(b'-') => {
                if old_rem == 0 {
                    return Err(input.err(mismatch("removed")));
                }
                hunk.lines.push(HunkLine {
                    kind: LineKind::Removed,
                    old_line: Some(old_cur),
                    new_line: None,
                    content: line.get(1..).unwrap_or_default().to_owned(),
                    missing_newline: false,
                });
                old_cur = old_cur.saturating_add(1);
                old_rem -= 1;
            }
            Some(b'\\') => mark_missing_newline(input, &mut hunk)?,
            Some(_) => {
                let kind = if line.starts_with("@@") || line.starts_with("diff ") {
                    DiffErrorKind::HunkTooShort {
                        header_line,
                        missing_old: old_rem,
                        missing_new: new_rem,
                    }
                } else {
                    DiffErrorKind::BadHunkLine(snippet(line))
                };
                return Err(input.err(kind));
            }
        }
        input.advance();
    }
    // The marker may follow the hunk's last line.
    if input.peek().is_some_and(|l| l.starts_with('\\')) {
        mark_missing_newline(input, &mut hunk)?;
        input.advance();
    }
    Ok(hunk)
}

fn context_line(old_cur: &mut u32, new_cur: &mut u32, content: &str) -> HunkLine {
    let line = HunkLine {
        kind: LineKind::Context,
        old_line: Some(*old_cur),
        new_line: Some(*new_cur),
        content: content.to_owned(),
        missing_newline: false,
    };
    *old_cur = old_cur.saturating_add(1);
    *new_cur = new_cur.saturating_add(1);
    line
}

fn mark_missing_newline(input: &Input<'_>, hunk: &mut Hunk) -> Result<(), DiffError> {
    match hunk.lines.last_mut() {
        Some(last) => {
            last.missing_newline = true;
            Ok(())
        }
        None => Err(input.err(DiffErrorKind::StrayNoNewlineMarker)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(h: &Hunk) -> String {
        h.lines
            .iter()
            .map(|l| match l.kind {
                LineKind::Context => ' ',
                LineKind::Added => '+',
                LineKind::Removed => '-',
            })
            .collect()
    }

    fn err_kind(text: &str) -> (usize, DiffErrorKind) {
        match parse_hunks(text) {
            Err(e) => (e.line, e.kind),
            Ok(h) => panic!("expected an error, got {h:?}"),
        }
    }

    fn git_err(text: &str) -> (usize, DiffErrorKind) {
        match parse_git_diff(text) {
            Err(e) => (e.line, e.kind),
            Ok(f) => panic!("expected an error, got {f:?}"),
        }
    }

    /// Real `git diff --cached` output (git 2.47) for a mix of changes.
    const GIT_MIX: &str = "\
diff --git a/b.bin b/b.bin
index 88768ef..3e3315e 100644
Binary files a/b.bin and b/b.bin differ
diff --git a/empty.py b/empty.py
new file mode 100644
index 0000000..e69de29
diff --git a/foo bar.py b/foo bar.py
index de98044..7be73ce 100644
--- a/foo bar.py\t
+++ b/foo bar.py\t
@@ -1,3 +1,3 @@
 a
-b
+B
 c
diff --git a/mode.sh b/mode.sh
old mode 100644
new mode 100755
diff --git a/ren.py b/ren2.py
similarity index 78%
rename from ren.py
rename to ren2.py
index 0970e47..7a7e702 100644
--- a/ren.py
+++ b/ren2.py
@@ -3,4 +3,4 @@ l2
 l3
 l4
 l5
-l6
+l6x
diff --git \"a/sp\\303\\251cial.py\" \"b/sp\\303\\251cial.py\"
index 587be6b..e25f181 100644
--- \"a/sp\\303\\251cial.py\"
+++ \"b/sp\\303\\251cial.py\"
@@ -1 +1 @@
-x
+y
\\ No newline at end of file
diff --git \"a/ta\\tb.py\" \"b/ta\\tb.py\"
new file mode 100644
index 0000000..8cc35a3
--- /dev/null
+++ \"b/ta\\tb.py\"
@@ -0,0 +1 @@
+tab
";

    #[test]
    fn git_diff_with_every_kind_of_file() {
        let files = parse_git_diff(GIT_MIX).unwrap();
        let summary: Vec<_> = files
            .iter()
            .map(|f| {
                (
                    f.old_path.as_deref(),
                    f.new_path.as_deref(),
                    f.status,
                    f.is_binary,
                    f.hunks.len(),
                )
            })
            .collect();
        use FileStatus::*;
        assert_eq!(
            summary,
            vec![
                (Some("b.bin"), Some("b.bin"), Modified, true, 0),
                (None, Some("empty.py"), Added, false, 0),
                (Some("foo bar.py"), Some("foo bar.py"), Modified, false, 1),
                (Some("mode.sh"), Some("mode.sh"), Modified, false, 0),
                (Some("ren.py"), Some("ren2.py"), Renamed, false, 1),
                (Some("spécial.py"), Some("spécial.py"), Modified, false, 1),
                (None, Some("ta\tb.py"), Added, false, 1),
            ]
        );
        let ren = &files[4].hunks[0];
        assert_eq!(
            (ren.old_start, ren.old_len, ren.new_start, ren.new_len),
            (3, 4, 3, 4)
        );
        assert_eq!(ren.section.as_deref(), Some("l2"));
        assert_eq!(kinds(ren), "   -+");
        let last_added = &ren.lines[4];
        assert_eq!(last_added.new_line, Some(6));
        assert_eq!(last_added.content, "l6x");
        let special = &files[5].hunks[0];
        assert_eq!((special.old_len, special.new_len), (1, 1));
        assert!(!special.lines[0].missing_newline);
        assert!(special.lines[1].missing_newline);
        let tab = &files[6].hunks[0];
        assert_eq!(
            (tab.old_start, tab.old_len, tab.new_start, tab.new_len),
            (0, 0, 1, 1)
        );
        assert_eq!(tab.lines[0].new_line, Some(1));
    }

    #[test]
    fn git_binary_patch_copy_and_delete() {
        let text = "\
diff --git a/b.bin b/b.bin
index 3e3315e1b02129d197721a8a0b56dd88862f454d..cfd533bc0dd4437e51ffdb2febf6303b581c0762 100644
GIT binary patch
literal 5
McmZQzPRh&!00MUbJpcdz

literal 5
McmZQzO3KUw00MIXJOBUy

diff --git a/foo bar.py b/copied.py
similarity index 100%
copy from foo bar.py
copy to copied.py
diff --git a/ren2.py b/ren2.py
deleted file mode 100644
index 7a7e702..0000000
--- a/ren2.py
+++ /dev/null
@@ -1,2 +0,0 @@
-l1
-l2
diff --git a/copied.py b/moved.py
similarity index 100%
rename from copied.py
rename to moved.py
";
        let files = parse_git_diff(text).unwrap();
        assert_eq!(files.len(), 4);
        assert!(files[0].is_binary && files[0].hunks.is_empty());
        assert_eq!(files[0].new_path.as_deref(), Some("b.bin"));
        assert_eq!(files[1].status, FileStatus::Copied);
        assert_eq!(files[1].old_path.as_deref(), Some("foo bar.py"));
        assert_eq!(files[1].new_path.as_deref(), Some("copied.py"));
        assert_eq!(files[2].status, FileStatus::Removed);
        assert_eq!(files[2].old_path.as_deref(), Some("ren2.py"));
        assert_eq!(files[2].new_path, None);
        assert_eq!(kinds(&files[2].hunks[0]), "--");
        assert_eq!(files[3].status, FileStatus::Renamed);
        assert_eq!(files[3].old_path.as_deref(), Some("copied.py"));
        assert_eq!(files[3].new_path.as_deref(), Some("moved.py"));
    }

    #[test]
    fn binary_new_file_and_quoted_rename() {
        let text = "\
diff --git a/img.png b/img.png
new file mode 100644
index 0000000..1111111
Binary files /dev/null and b/img.png differ
diff --git \"a/old \\\"q\\\".py\" \"b/n\\303\\251w.py\"
similarity index 90%
rename from \"old \\\"q\\\".py\"
rename to \"n\\303\\251w.py\"
";
        let files = parse_git_diff(text).unwrap();
        assert_eq!(files[0].status, FileStatus::Added);
        assert!(files[0].is_binary);
        assert_eq!(files[0].new_path.as_deref(), Some("img.png"));
        assert_eq!(files[1].old_path.as_deref(), Some("old \"q\".py"));
        assert_eq!(files[1].new_path.as_deref(), Some("néw.py"));
    }

    #[test]
    fn header_names_alone_give_paths_with_spaces() {
        // Mode change of a file with spaces: only the `diff --git` line names it.
        let text = "diff --git a/x b/y z.py b/x b/y z.py\nold mode 100644\nnew mode 100755\n";
        let files = parse_git_diff(text).unwrap();
        assert_eq!(files[0].old_path.as_deref(), Some("x b/y z.py"));
        assert_eq!(files[0].new_path.as_deref(), Some("x b/y z.py"));
        // Unquoted old name, quoted new name.
        let text = "diff --git a/plain.py \"b/t\\tab.py\"\nold mode 100644\nnew mode 100755\n";
        let files = parse_git_diff(text).unwrap();
        assert_eq!(files[0].old_path.as_deref(), Some("plain.py"));
        assert_eq!(files[0].new_path.as_deref(), Some("t\tab.py"));
    }

    #[test]
    fn removed_line_that_looks_like_a_header_is_counted_as_removed() {
        let text = "\
diff --git a/x.py b/x.py
--- a/x.py
+++ b/x.py
@@ -1,3 +1,2 @@
--- a/x.py
-++ b/x.py
+diff --git a b
 @@ -1 +1 @@
";
        let files = parse_git_diff(text).unwrap();
        let h = &files[0].hunks[0];
        assert_eq!(kinds(h), "--+ ");
        assert_eq!(h.lines[0].content, "-- a/x.py");
        assert_eq!(h.lines[2].content, "diff --git a b");
        assert_eq!(h.lines[3].content, "@@ -1 +1 @@");
    }

    #[test]
    fn blank_lines_between_headers_are_tolerated() {
        let text = "diff --git a/x.py b/x.py\nindex 1..2 100644\n\n--- a/x.py\n+++ b/x.py\n\n@@ -1 +1 @@\n-a\n+b\n\n\ndiff --git a/y.py b/y.py\ndeleted file mode 100644\n\n";
        let files = parse_git_diff(text).unwrap();
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].hunks.len(), 1);
        assert_eq!(files[1].status, FileStatus::Removed);
    }

    #[test]
    fn plain_unified_diff_with_timestamps() {
        let text = "\
--- old/a.py\t2024-01-01 10:00:00.000000000 +0000
+++ new/a.py\t2024-01-02 10:00:00.000000000 +0000
@@ -1 +1,2 @@
 x
+y
--- /dev/null\t1970-01-01 00:00:00.000000000 +0000
+++ b/n.py\t2024-01-02 10:00:00.000000000 +0000
@@ -0,0 +1 @@
+z
";
        let files = parse_git_diff(text).unwrap();
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].old_path.as_deref(), Some("old/a.py"));
        assert_eq!(files[0].new_path.as_deref(), Some("new/a.py"));
        assert_eq!(files[1].status, FileStatus::Added);
        assert_eq!(files[1].new_path.as_deref(), Some("n.py"));
    }

    #[test]
    fn empty_input_is_no_change() {
        assert_eq!(parse_git_diff("").unwrap(), vec![]);
        assert_eq!(parse_git_diff("\n\n").unwrap(), vec![]);
        assert_eq!(parse_hunks("").unwrap(), vec![]);
    }

    #[test]
    fn git_diff_errors() {
        assert!(matches!(
            git_err("commit abc\nAuthor: x\n"),
            (1, DiffErrorKind::ExpectedFileHeader(_))
        ));
        assert!(matches!(
            git_err("@@ -1 +1 @@\n-a\n+b\n"),
            (1, DiffErrorKind::ExpectedFileHeader(_))
        ));
        assert_eq!(
            git_err("diff --cc x.py\nindex 1,2..3\n").1,
            DiffErrorKind::CombinedDiff
        );
        assert!(matches!(
            git_err("diff --git a/x b/x\nfrobnicate 1\n"),
            (2, DiffErrorKind::BadExtendedHeader(_))
        ));
        assert_eq!(
            git_err("diff --git a/x b/x\n--- a/x\n@@ -1 +1 @@\n").1,
            DiffErrorKind::MissingNewFileLine
        );
        assert!(matches!(
            git_err("diff --git \"a/x b/x\n").1,
            DiffErrorKind::BadQuotedPath(_)
        ));
        assert!(matches!(
            git_err("diff --git \"a/\\q\" b/x\n").1,
            DiffErrorKind::BadQuotedPath("unknown escape")
        ));
        // Too many lines for the header: the extra line is reported.
        assert_eq!(
            git_err("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n+c\n"),
            (7, DiffErrorKind::TrailingHunkLine)
        );
        // Too few: the next file header arrives early.
        assert!(matches!(
            git_err(
                "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n+b\ndiff --git a/y b/y\n"
            ),
            (
                7,
                DiffErrorKind::HunkTooShort {
                    header_line: 4,
                    missing_old: 1,
                    missing_new: 1
                }
            )
        ));
        // A file header whose name cannot be found anywhere.
        assert_eq!(
            git_err("diff --git \nold mode 1\nnew mode 2\n").1,
            DiffErrorKind::MissingPath
        );
    }

    #[test]
    fn forge_patch_with_several_hunks_and_omitted_counts() {
        let patch = "@@ -1 +1 @@\n-import os\n+import subprocess\n@@ -10,4 +10,5 @@ def run(cmd):\n     x = 1\n-    os.system(cmd)\n+    subprocess.run(cmd, shell=True)\n+    y = 2\n     return x\n     # end";
        let hunks = parse_hunks(patch).unwrap();
        assert_eq!(hunks.len(), 2);
        assert_eq!(
            (
                hunks[0].old_start,
                hunks[0].old_len,
                hunks[0].new_start,
                hunks[0].new_len
            ),
            (1, 1, 1, 1)
        );
        let h = &hunks[1];
        assert_eq!(h.section.as_deref(), Some("def run(cmd):"));
        assert_eq!(kinds(h), " -++  ");
        let numbers: Vec<_> = h.lines.iter().map(|l| (l.old_line, l.new_line)).collect();
        assert_eq!(
            numbers,
            vec![
                (Some(10), Some(10)),
                (Some(11), None),
                (None, Some(11)),
                (None, Some(12)),
                (Some(12), Some(13)),
                (Some(13), Some(14)),
            ]
        );
        assert_eq!(h.lines[2].content, "    subprocess.run(cmd, shell=True)");
    }

    #[test]
    fn no_newline_markers_on_both_sides() {
        let patch = "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n";
        let h = &parse_hunks(patch).unwrap()[0];
        assert_eq!(kinds(h), " -+");
        assert!(h.lines[1].missing_newline && h.lines[2].missing_newline);
        assert!(!h.lines[0].missing_newline);
        // Only the old side lacked the newline.
        let patch = "@@ -1 +1 @@\n-b\n\\ No newline at end of file\n+b\n";
        let h = &parse_hunks(patch).unwrap()[0];
        assert!(h.lines[0].missing_newline && !h.lines[1].missing_newline);
        assert_eq!(
            err_kind("@@ -1 +1 @@\n\\ No newline at end of file\n-a\n+b\n"),
            (2, DiffErrorKind::StrayNoNewlineMarker)
        );
    }

    #[test]
    fn crlf_line_endings_are_stripped() {
        let patch = "@@ -1,2 +1,2 @@\r\n a\r\n-b\r\n+c\r\n\\ No newline at end of file\r\n";
        let h = &parse_hunks(patch).unwrap()[0];
        assert_eq!(kinds(h), " -+");
        assert_eq!(h.lines[0].content, "a");
        assert_eq!(h.lines[2].content, "c");
        assert!(h.lines[2].missing_newline);
        let git =
            "diff --git a/x.py b/x.py\r\n--- a/x.py\r\n+++ b/x.py\r\n@@ -1 +1 @@\r\n-a\r\n+b\r\n";
        let files = parse_git_diff(git).unwrap();
        assert_eq!(files[0].new_path.as_deref(), Some("x.py"));
        assert_eq!(files[0].hunks[0].lines[1].content, "b");
    }

    #[test]
    fn empty_context_lines_without_their_space() {
        let patch = "@@ -1,4 +1,4 @@\n a\n\n-b\n+c\n d";
        let h = &parse_hunks(patch).unwrap()[0];
        assert_eq!(kinds(h), "  -+ ");
        assert_eq!(h.lines[1].content, "");
        assert_eq!(h.lines[1].old_line, Some(2));
        assert_eq!(h.lines[4].new_line, Some(4));
    }

    #[test]
    fn trailing_empty_context_lost_to_trimming() {
        // `" \n "` trimmed off the end: two empty context lines are implied.
        let patch = "@@ -1,4 +1,4 @@\n-a\n+b\n c";
        let h = &parse_hunks(patch).unwrap()[0];
        assert_eq!(kinds(h), "-+   ");
        assert_eq!(h.lines[4].new_line, Some(4));
        assert_eq!(h.lines[4].content, "");
        let patch = "@@ -1,5 +1,5 @@\n-a\n+b\n c";
        let h = &parse_hunks(patch).unwrap()[0];
        assert_eq!(kinds(h), "-+    ");
        // With a final newline the text was not trimmed: missing lines are an error.
        assert!(matches!(
            err_kind("@@ -1,3 +1,3 @@\n-a\n+b\n c\n").1,
            DiffErrorKind::HunkTooShort {
                missing_old: 1,
                missing_new: 1,
                ..
            }
        ));
        // Unequal gaps cannot be trimmed context.
        assert!(matches!(
            err_kind("@@ -1,3 +1,4 @@\n-a\n+b\n c").1,
            DiffErrorKind::HunkTooShort { .. }
        ));
        // Nor can more than the context size.
        assert!(matches!(
            err_kind("@@ -1,6 +1,6 @@\n-a\n+b\n c").1,
            DiffErrorKind::HunkTooShort { .. }
        ));
    }

    #[test]
    fn count_mismatches_are_errors_with_line_numbers() {
        assert_eq!(
            err_kind("@@ -1 +1 @@\n-a\n+b\n+c\n"),
            (4, DiffErrorKind::TrailingHunkLine)
        );
        assert_eq!(
            err_kind("@@ -1,2 +1 @@\n-a\n-b\n+x\n-c\n"),
            (5, DiffErrorKind::TrailingHunkLine)
        );
        assert_eq!(
            err_kind("@@ -1,2 +1 @@\n-a\n-b\n-c\n"),
            (
                4,
                DiffErrorKind::HunkCountMismatch {
                    header_line: 1,
                    what: "removed",
                    old_len: 2,
                    new_len: 1
                }
            )
        );
        assert_eq!(
            err_kind("@@ -1,2 +1,2 @@\n-a\n+b\n+c\n+d\n"),
            (
                5,
                DiffErrorKind::HunkCountMismatch {
                    header_line: 1,
                    what: "added",
                    old_len: 2,
                    new_len: 2
                }
            )
        );
        assert_eq!(
            err_kind("@@ -1,3 +1,3 @@\n a\n-b\n@@ -9 +9 @@\n-x\n+y\n"),
            (
                4,
                DiffErrorKind::HunkTooShort {
                    header_line: 1,
                    missing_old: 1,
                    missing_new: 2
                }
            )
        );
        assert_eq!(
            err_kind("@@ -1,2 +1,2 @@\n a\n"),
            (
                3,
                DiffErrorKind::HunkTooShort {
                    header_line: 1,
                    missing_old: 1,
                    missing_new: 1
                }
            )
        );
    }

    #[test]
    fn garbage_and_bad_headers() {
        assert!(matches!(
            err_kind("hello world"),
            (1, DiffErrorKind::ExpectedHunkHeader(_))
        ));
        assert!(matches!(
            err_kind("@@ -1 +1 @@\n-a\n+b\nSome trailer\n"),
            (4, DiffErrorKind::ExpectedHunkHeader(_))
        ));
        assert!(matches!(
            err_kind("@@ -1,2 +1,2 @@\n a\nxyz\n"),
            (3, DiffErrorKind::BadHunkLine(_))
        ));
        for header in [
            "@@ -a +1 @@",
            "@@ -1 +1",
            "@@ -1, +1 @@",
            "@@ -1 +1,x @@",
            "@@ -+1 +1 @@",
            "@@ -0,1 +1 @@",
            "@@ -1,0 +1,0 @@",
            "@@ -4294967295,2 +1 @@",
            "@@ -99999999999 +1 @@",
            "@@",
        ] {
            let (line, kind) = err_kind(&format!("{header}\n-x\n"));
            assert_eq!(line, 1, "{header}");
            assert!(
                matches!(kind, DiffErrorKind::BadHunkHeader(..)),
                "{header}: {kind:?}"
            );
        }
        assert_eq!(
            err_kind("@@@ -1 -1 +1 @@@\n").1,
            DiffErrorKind::CombinedDiff
        );
        let long = format!("{}\n", "z".repeat(10_000));
        let e = parse_hunks(&long).unwrap_err();
        assert!(e.to_string().len() < 300, "error echoes a short snippet");
    }

    #[test]
    fn hunks_must_be_ordered() {
        assert_eq!(
            err_kind("@@ -10 +10 @@\n-a\n+b\n@@ -1 +1 @@\n-a\n+b\n"),
            (4, DiffErrorKind::HunkOrder)
        );
        assert_eq!(
            err_kind("@@ -1,3 +1,3 @@\n a\n-b\n+b\n c\n@@ -3 +3 @@\n-c\n+d\n"),
            (6, DiffErrorKind::HunkOrder)
        );
        // Adjacent hunks, pure insertions and deletions are fine.
        let ok = "@@ -0,0 +1 @@\n+top\n@@ -1 +2 @@\n-a\n+b\n@@ -3,0 +5 @@\n+c\n@@ -5 +6,0 @@\n-d\n";
        let hunks = parse_hunks(ok).unwrap();
        assert_eq!(hunks.len(), 4);
        assert_eq!(hunks[3].lines[0].old_line, Some(5));
    }

    #[test]
    fn unquote_decodes_c_escapes() {
        assert_eq!(
            unquote(r#""a\tb\n\\\"\303\251\001" tail"#).unwrap(),
            ("a\tb\n\\\"é\u{1}".to_owned(), " tail")
        );
        assert!(unquote(r#""\400""#).is_err());
        assert!(unquote(r#""\12""#).is_err());
        assert!(unquote(r#""abc"#).is_err());
        // Invalid UTF-8 is replaced, not rejected.
        assert_eq!(unquote(r#""\377""#).unwrap().0, "\u{fffd}");
    }

    #[test]
    fn multibyte_content_does_not_confuse_slicing() {
        let patch = "@@ -1 +1 @@\n-é\n+日本\n";
        let h = &parse_hunks(patch).unwrap()[0];
        assert_eq!(h.lines[1].content, "日本");
        let names = split_git_header_names("a/é b/é").unwrap();
        assert_eq!(names, Some(("a/é".to_owned(), "b/é".to_owned())));
        assert_eq!(split_git_header_names("é").unwrap(), None);
    }
}
